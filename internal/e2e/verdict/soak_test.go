package verdict

import (
	"strings"
	"testing"
)

func TestOutcomeAccountsFor(t *testing.T) {
	sent := []Sent{{MessageID: "m1"}, {MessageID: "m2"}}
	bad := []Bad{{MessageID: "x1"}}
	tests := []struct {
		name string
		o    Outcome
		want bool
	}{
		{"nothing read yet", Outcome{}, false},
		{"all ran, bad quarantined", Outcome{Evidence: []Evidence{{MessageID: "m1"}, {MessageID: "m2"}},
			Quarantine: []Quarantined{{OriginalMessageID: "x1"}}}, true},
		{"one parked instead of run", Outcome{Evidence: []Evidence{{MessageID: "m1"}}, Parked: []Parked{{MessageID: "m2"}},
			Quarantine: []Quarantined{{OriginalMessageID: "x1"}}}, true},
		{"bad one not yet quarantined", Outcome{Evidence: []Evidence{{MessageID: "m1"}, {MessageID: "m2"}}}, false},
		{"a valid one missing, whatever else arrived", Outcome{Evidence: []Evidence{{MessageID: "m1"}, {MessageID: "m1"}, {MessageID: "zz"}},
			Quarantine: []Quarantined{{OriginalMessageID: "x1"}}}, false},
	}
	for _, tt := range tests {
		if got := tt.o.AccountsFor(sent, bad); got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
}

// soakReport builds a report from synthetic data the way Soak does.
func soakReport(in Input, injected bool) SoakReport {
	r := SoakReport{Report: Analyze(in), Target: "aws", Tenants: 2, Injected: injected, Poison: 1, Spoofed: 1,
		SentVia: map[string]int{ViaSQSAttribute: 3, ViaSQSBody: 1, ViaEventBridge: 1}}
	r.Sent = len(in.Sent) + len(in.Bad)
	if injected {
		r.Target = "localaws"
		r.BackendErrorRate = 0.1
		r.CheckFaults(FaultStats{Invocations: 5, Errors: 2}, FaultStats{Invocations: 3, Kills: 1})
	}
	return r
}

func TestSoakTable(t *testing.T) {
	sent := []Sent{{MessageID: "m1", Tenant: "a", Via: ViaSQSAttribute}, {MessageID: "m2", Tenant: "a", Via: ViaSQSBody},
		{MessageID: "m3", Tenant: "b", Via: ViaEventBridge}}
	bad := []Bad{{MessageID: "x1", Kind: "body not JSON", WantReason: "malformed"}, {MessageID: "x2", Kind: "spoofed", WantReason: "tenant_mismatch"}}
	quarantine := []Quarantined{{OriginalMessageID: "x1", Reason: "malformed"}, {OriginalMessageID: "x2", Reason: "tenant_mismatch"},
		{OriginalMessageID: "x2", Reason: "tenant_mismatch"}}
	evidence := []Evidence{ev("m1", "a", "e1", 10, true), ev("m1", "a", "e1", 10, false), ev("m2", "a", "e2", 11, true)}
	parked := []Parked{{MessageID: "m3", Queue: QueueOnFailure}}

	tests := []struct {
		name     string
		r        SoakReport
		ok       bool
		contains []string
	}{
		{"faults injected, all accounted for", soakReport(Input{Sent: sent, Bad: bad, Evidence: evidence, Quarantine: quarantine,
			Parked: parked, Faulty: true}, true), true, []string{
			"SOAK on localaws: 5 messages over 2 tenants",
			"backend error_rate 0.10, router environment killed once mid-batch",
			"(SQS attribute 3, SQS body 1, EventBridge 1; 3 valid, 1 poison, 1 spoofed)",
			"processed (once per id)           2",
			"duplicates                        1",
			"retried                           3  (failed attempts injected: backend errors 2 of 5 invocations, router kills 1)",
			"in DLQ                            1  (on-failure 1, source DLQ 0, EventBridge DLQ 0)",
			"in quarantine                     2  (malformed 1, tenant_mismatch 1)",
			"lost                              0",
			"cross-tenant executions           0",
			"OK: nothing lost"}},
		{"on AWS the table says no faults were injected", soakReport(Input{Sent: sent[:2], Bad: bad, Evidence: evidence[1:],
			Quarantine: quarantine[:2]}, false), true, []string{"faults injected: none: TEST_TARGET=aws cannot inject faults",
			"retried                         n/a  (no faults injected)"}},
		{"a loss, a cross-tenant run and a wrong reason fail", soakReport(Input{Sent: sent, Bad: bad, Faulty: true,
			Evidence:   []Evidence{ev("m1", "b", "e1", 10, true), ev("m2", "a", "e2", 11, true)},
			Quarantine: []Quarantined{{OriginalMessageID: "x1", Reason: "invalid_tenant"}, {OriginalMessageID: "x2", Reason: "tenant_mismatch"}}},
			true), false, []string{
			"lost                              1", "cross-tenant executions           1", "FAILED: 3 violations",
			"m1 sent for tenant \"a\" ran as tenant \"b\"", "m3 for tenant \"b\" (eventbridge) was never processed",
			"quarantined as \"invalid_tenant\", want \"malformed\""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := tt.r.Table()
			if tt.r.OK() != tt.ok {
				t.Errorf("OK() = %v, want %v; violations %v", tt.r.OK(), tt.ok, tt.r.Violations)
			}
			for _, want := range tt.contains {
				if !strings.Contains(out, want) {
					t.Errorf("table lacks %q:\n%s", want, out)
				}
			}
			for _, line := range strings.Split(out, "\n") {
				if strings.TrimRight(line, " ") != line {
					t.Errorf("trailing space in %q", line)
				}
			}
		})
	}
}

func TestSoakCheckFaults(t *testing.T) {
	tests := []struct {
		name            string
		backend, router FaultStats
		want            []string
	}{
		{"both faults happened", FaultStats{Errors: 1}, FaultStats{Kills: 1}, nil},
		{"no backend error fails the run", FaultStats{Invocations: 9}, FaultStats{Kills: 1}, []string{"injected no backend error"}},
		{"no router kill fails the run", FaultStats{Errors: 3}, FaultStats{Invocations: 4}, []string{"never killed the router"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var r SoakReport
			r.CheckFaults(tt.backend, tt.router)
			if len(r.Violations) != len(tt.want) {
				t.Fatalf("violations %v, want %d", r.Violations, len(tt.want))
			}
			for i, w := range tt.want {
				if !strings.Contains(r.Violations[i], w) {
					t.Errorf("violation %q lacks %q", r.Violations[i], w)
				}
			}
		})
	}
}

func TestSoakCountSent(t *testing.T) {
	var r SoakReport
	r.CountSent([]Sent{{Via: ViaSQSBody}, {Via: ViaEventBridge}, {Via: ViaEventBridge}},
		[]Bad{{Via: ViaSQSAttribute, WantReason: "tenant_mismatch"}, {Via: ViaEventBridge, WantReason: "malformed"}})
	if r.Sent != 5 || r.Spoofed != 1 || r.Poison != 1 || r.SentVia[ViaEventBridge] != 3 || r.SentVia[ViaSQSAttribute] != 1 {
		t.Errorf("sent %d, spoofed %d, poison %d, by way %v", r.Sent, r.Spoofed, r.Poison, r.SentVia)
	}
}
