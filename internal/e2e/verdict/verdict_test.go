package verdict

import (
	"strings"
	"testing"
)

func ev(msg, tenant, env string, pid int, cold bool) Evidence {
	return Evidence{MessageID: msg, TenantID: tenant, EnvironmentID: env, PID: pid, ColdStart: cold}
}

func TestAnalyze(t *testing.T) {
	sent := []Sent{{MessageID: "m1", Tenant: "a"}, {MessageID: "m2", Tenant: "a"}, {MessageID: "m3", Tenant: "b"}}
	good := []Evidence{ev("m1", "a", "e1", 10, true), ev("m2", "a", "e1", 10, false), ev("m3", "b", "e2", 11, true)}
	bad := []Bad{{MessageID: "x1", Kind: "spoofed", WantReason: "tenant_mismatch"}}
	quarantined := []Quarantined{{OriginalMessageID: "x1", Reason: "tenant_mismatch"}}
	envs := []Environment{{FunctionName: "backend", TenantID: "a", PID: 10}, {FunctionName: "backend", TenantID: "b", PID: 11},
		{FunctionName: "router", PID: 12}}

	tests := []struct {
		name      string
		in        Input
		violation string // substring of the one expected violation; "" means OK
	}{
		{"clean run passes", Input{Sent: sent, Evidence: good, Bad: bad, Quarantine: quarantined, Environments: envs, Backend: "backend"}, ""},
		{"clean run on real AWS passes without the process table", Input{Sent: sent, Evidence: good}, ""},
		{"a lost message is reported", Input{Sent: sent, Evidence: good[:2]}, "m3 for tenant \"b\" () was never processed"},
		{"a message run as another tenant is reported", Input{Sent: sent,
			Evidence: []Evidence{good[0], good[1], ev("m3", "a", "e2", 11, true)}}, "sent for tenant \"b\" ran as tenant \"a\""},
		{"an environment serving two tenants is reported", Input{Sent: sent,
			Evidence: []Evidence{good[0], good[1], ev("m3", "b", "e1", 10, false)}}, "environment e1 served two tenants"},
		{"a duplicate is reported", Input{Sent: sent, Evidence: append(append([]Evidence{}, good...), good[2])}, "processed 2 times"},
		{"evidence nobody sent is reported", Input{Sent: sent, Evidence: append(append([]Evidence{}, good...), ev("zz", "a", "e1", 10, false))},
			"no producer sent"},
		{"a bad message that reached the backend is reported", Input{Sent: sent, Bad: bad, Quarantine: quarantined,
			Evidence: append(append([]Evidence{}, good...), ev("x1", "a", "e1", 10, false))}, "reached the backend"},
		{"a bad message missing from quarantine is reported", Input{Sent: sent, Evidence: good, Bad: bad}, "not in quarantine"},
		{"a wrong quarantine reason is reported", Input{Sent: sent, Evidence: good, Bad: bad,
			Quarantine: []Quarantined{{OriginalMessageID: "x1", Reason: "invalid_tenant"}}}, "want \"tenant_mismatch\""},
		{"a pid listed under two tenants is reported", Input{Sent: sent, Evidence: good, Backend: "backend",
			Environments: append(append([]Environment{}, envs...), Environment{FunctionName: "backend", TenantID: "b", PID: 10})},
			"pid 10 is listed for tenants"},
		{"a parked message is reported when no faults were injected", Input{Sent: sent, Evidence: good[:2],
			Parked: []Parked{{MessageID: "m3", Queue: QueueOnFailure}}}, "m3 for tenant \"b\" () ended in the on-failure queue"},
		{"a good message in quarantine is reported", Input{Sent: sent, Evidence: good,
			Quarantine: []Quarantined{{OriginalMessageID: "m2", Reason: "malformed"}}}, "was quarantined as malformed"},
		{"with faults, a parked message is accounted for", Input{Sent: sent, Evidence: good[:2], Faulty: true,
			Parked: []Parked{{MessageID: "m3", Queue: QueueSourceDLQ}}}, ""},
		{"with faults, a duplicate is counted, not reported", Input{Sent: sent, Faulty: true,
			Evidence: append(append([]Evidence{}, good...), good[2])}, ""},
		{"with faults, a lost message is still reported", Input{Sent: sent, Evidence: good[:2], Faulty: true,
			Parked: []Parked{{MessageID: "other", Queue: QueueSourceDLQ}}}, "never processed"},
		{"with faults, a message run as another tenant is still reported", Input{Sent: sent, Faulty: true,
			Evidence: []Evidence{good[0], good[1], ev("m3", "a", "e2", 11, true)}}, "ran as tenant \"a\""},
		{"a backend environment without tenant is reported", Input{Sent: sent, Evidence: good, Backend: "backend",
			Environments: []Environment{{FunctionName: "backend", PID: 10}, {FunctionName: "backend", TenantID: "b", PID: 11}}},
			"has no tenant"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Analyze(tt.in)
			if tt.violation == "" {
				if !r.OK() {
					t.Fatalf("unexpected violations: %v", r.Violations)
				}
				return
			}
			found := false
			for _, v := range r.Violations {
				found = found || strings.Contains(v, tt.violation)
			}
			if !found {
				t.Fatalf("want a violation containing %q, got %v", tt.violation, r.Violations)
			}
		})
	}
}

func TestAnalyzeCounts(t *testing.T) {
	sent := []Sent{{MessageID: "m1", Tenant: "a"}, {MessageID: "m2", Tenant: "a"}, {MessageID: "m3", Tenant: "b"},
		{MessageID: "m4", Tenant: "b"}, {MessageID: "m5", Tenant: "b"}}
	bad := []Bad{{MessageID: "x1", WantReason: "malformed"}, {MessageID: "x2", WantReason: "tenant_mismatch"},
		{MessageID: "x3", WantReason: "invalid_tenant"}}
	r := Analyze(Input{
		Sent: sent, Bad: bad, Faulty: true,
		Evidence: []Evidence{ev("m1", "a", "e1", 10, true), ev("m1", "a", "e1", 10, false), ev("m1", "a", "e3", 12, true),
			ev("m2", "b", "e2", 11, true), ev("m3", "b", "e2", 11, false), ev("x2", "a", "e1", 10, false)},
		// m4 is parked twice (two queues); m5 is lost; x3 is lost; x1 is quarantined twice.
		Parked: []Parked{{MessageID: "m4", Queue: QueueOnFailure}, {MessageID: "m4", Queue: QueueSourceDLQ}},
		Quarantine: []Quarantined{{OriginalMessageID: "x1", Reason: "malformed"}, {OriginalMessageID: "x1", Reason: "malformed"},
			{OriginalMessageID: "x2", Reason: "tenant_mismatch"}},
	})
	checks := []struct {
		name      string
		got, want int
	}{
		{"processed", r.Processed, 3},
		{"duplicates", r.Duplicates, 2},
		{"lost", r.Lost, 2},
		{"parked on-failure", r.ParkedByQueue[QueueOnFailure], 1},
		{"parked source DLQ", r.ParkedByQueue[QueueSourceDLQ], 0},
		{"quarantined malformed", r.QuarantineByReason["malformed"], 1},
		{"quarantined tenant_mismatch", r.QuarantineByReason["tenant_mismatch"], 1},
		// m2 ran as b, and x2 (spoofed) reached the backend.
		{"cross-tenant", r.CrossTenant, 2},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %d, want %d (violations %v)", c.name, c.got, c.want, r.Violations)
		}
	}
}

func TestReportTable(t *testing.T) {
	r := Analyze(Input{
		Sent:       []Sent{{MessageID: "m1", Tenant: "acme"}, {MessageID: "m2", Tenant: "globex"}},
		Evidence:   []Evidence{ev("m1", "acme", "env-a", 10, true), ev("m2", "globex", "env-b", 11, true)},
		Bad:        []Bad{{MessageID: "x", Kind: "missing", WantReason: "missing_tenant"}},
		Quarantine: []Quarantined{{OriginalMessageID: "x", Reason: "missing_tenant", Source: "orders"}},
	})
	out := r.Table()
	for _, want := range []string{"acme", "env-a", "globex", "missing_tenant", "2 processed", "isolation held"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
}
