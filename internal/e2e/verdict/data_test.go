package verdict

import (
	"strings"
	"testing"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/evidence"
)

func withData(e Evidence, sk string, p *evidence.Probe) Evidence {
	e.Data = &evidence.DataRecord{SK: sk, Probe: p}
	return e
}

func denied(other string) *evidence.Probe {
	return &evidence.Probe{OtherTenant: other, GetItem: AccessDenied, Query: AccessDenied, Scan: AccessDenied}
}

func TestAnalyzeTenantData(t *testing.T) {
	sent := []Sent{{MessageID: "m1", Tenant: "a"}, {MessageID: "m2", Tenant: "a", Probe: "b"}, {MessageID: "m3", Tenant: "b", Probe: "a"}}
	good := []Evidence{
		withData(ev("m1", "a", "e1", 10, true), "s1", nil),
		withData(ev("m2", "a", "e1", 10, false), "s2", denied("b")),
		withData(ev("m3", "b", "e2", 11, true), "s3", denied("a")),
	}
	items := []Item{{"a", "s1", "e1", "m1"}, {"a", "s2", "e1", "m2"}, {"b", "s3", "e2", "m3"}}
	replace := func(list []Evidence, i int, e Evidence) []Evidence {
		out := append([]Evidence{}, list...)
		out[i] = e
		return out
	}

	tests := []struct {
		name      string
		evidence  []Evidence
		items     []Item
		violation string // substring of the one expected violation; "" means OK
	}{
		{"each tenant's items under its own key and every probe denied passes", good, items, ""},
		{"an item under another tenant's key is a breach", good, append(append([]Item{}, items...), Item{"b", "s9", "e1", "m9"}),
			`an environment of tenant "a" wrote item "s9" under tenant "b"'s key`},
		{"an item for another tenant's message is a breach", good, append(append([]Item{}, items...), Item{"b", "s9", "e2", "m1"}),
			`message m1 sent for tenant "a" left item "s9" under tenant "b"'s key`},
		{"an item from an environment without evidence is reported", good, append(append([]Item{}, items...), Item{"a", "s9", "e9", "m9"}),
			"which left no evidence record"},
		{"a run without its item is reported", good, items[:2], `item "s3" is not in the table under tenant "b"'s key`},
		{"a run that wrote nothing is reported", replace(good, 0, ev("m1", "a", "e1", 10, true)), items,
			"without writing its item"},
		{"an allowed cross-tenant read is a breach", replace(good, 1, withData(ev("m2", "a", "e1", 10, false), "s2",
			&evidence.Probe{OtherTenant: "b", GetItem: evidence.Allowed, Query: AccessDenied, Scan: AccessDenied})), items,
			`tenant "a"'s GetItem on tenant "b"'s key was allowed`},
		{"an allowed scan is a breach", replace(good, 2, withData(ev("m3", "b", "e2", 11, true), "s3",
			&evidence.Probe{OtherTenant: "a", GetItem: AccessDenied, Query: AccessDenied, Scan: evidence.Allowed})), items,
			`tenant "b"'s Scan of the whole table was allowed`},
		{"a read that failed otherwise is reported", replace(good, 1, withData(ev("m2", "a", "e1", 10, false), "s2",
			&evidence.Probe{OtherTenant: "b", GetItem: AccessDenied, Query: "ValidationException", Scan: AccessDenied})), items,
			"got ValidationException, want AccessDeniedException"},
		{"a marked message that probed nothing is reported", replace(good, 2, withData(ev("m3", "b", "e2", 11, true), "s3", nil)), items,
			`asked tenant "b" to read tenant "a"'s data, and the worker did not`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Analyze(Input{Sent: sent, Evidence: tt.evidence, Items: tt.items})
			if tt.violation == "" {
				if !r.OK() {
					t.Fatalf("want OK, got %v", r.Violations)
				}
				return
			}
			if len(r.Violations) != 1 || !strings.Contains(r.Violations[0], tt.violation) {
				t.Fatalf("want one violation containing %q, got %v", tt.violation, r.Violations)
			}
		})
	}
}

func TestTenantDataCounts(t *testing.T) {
	sent := []Sent{{MessageID: "m1", Tenant: "a", Probe: "b"}, {MessageID: "m2", Tenant: "b", Probe: "a"}}
	r := Analyze(Input{Sent: sent,
		Evidence: []Evidence{withData(ev("m1", "a", "e1", 10, true), "s1", denied("b")), withData(ev("m2", "b", "e2", 11, true), "s2", denied("a"))},
		Items:    []Item{{"a", "s1", "e1", "m1"}, {"b", "s2", "e2", "m2"}}})
	if !r.OK() {
		t.Fatal(r.Violations)
	}
	if got := r.Data.CrossTenantTotal(); got != (Reads{Attempted: 4, Denied: 4}) {
		t.Fatalf("cross-tenant reads %+v, want 4 of 4 denied", got)
	}
	if r.Data.Scans != (Reads{Attempted: 2, Denied: 2}) || r.Data.Items != 2 {
		t.Fatalf("scans %+v, items %d", r.Data.Scans, r.Data.Items)
	}
	table := r.Table()
	for _, want := range []string{"CROSS-TENANT READS DENIED", "2/2", "4 of 4 cross-tenant reads and 2 of 2 scans denied"} {
		if !strings.Contains(table, want) {
			t.Errorf("table lacks %q:\n%s", want, table)
		}
	}
}

func TestTableWithoutTenantDataHasNoReadsColumn(t *testing.T) {
	r := Analyze(Input{Sent: []Sent{{MessageID: "m1", Tenant: "a"}}, Evidence: []Evidence{ev("m1", "a", "e1", 10, true)}})
	if strings.Contains(r.Table(), "CROSS-TENANT") || r.Data != nil {
		t.Fatalf("a run without a data table must not report one:\n%s", r.Table())
	}
}
