// Package e2e is the harness that the end-to-end test and `make demo` share: it sends
// tenant traffic through a deployed stack, collects the evidence the tenant-worker writes
// and the quarantine queue, and decides whether isolation held.
package e2e

import (
	"fmt"
	"sort"
	"strings"
)

// Sent is one message a producer sent for a tenant.
type Sent struct {
	MessageID string // SQS MessageId or EventBridge event id
	Tenant    string
	Via       string // "sqs-attribute", "sqs-body" or "eventbridge"
}

// Bad is a message the router must quarantine and never invoke.
type Bad struct {
	MessageID  string
	Kind       string // what is wrong with it, for the report
	WantReason string // expected quarantine_reason
	Via        string
}

// Evidence is one record the tenant-worker writes per invocation (docs/contracts.md).
type Evidence struct {
	TenantID      string `json:"tenant_id"`
	EnvironmentID string `json:"environment_id"`
	InvocationSeq int    `json:"invocation_seq"`
	ColdStart     bool   `json:"cold_start"`
	Source        string `json:"source"`
	MessageID     string `json:"message_id"`
	PID           int    `json:"pid"`
}

// Quarantined is one message read from the quarantine queue.
type Quarantined struct {
	OriginalMessageID string
	Reason            string
	Source            string
	Detail            string
}

// Environment is one row of localaws's GET /_localaws/environments.
type Environment struct {
	FunctionName  string `json:"function_name"`
	TenantID      string `json:"tenant_id"`
	EnvironmentID string `json:"environment_id"`
	PID           int    `json:"pid"`
	State         string `json:"state"`
	Invocations   int    `json:"invocations"`
}

// EnvRow is one execution environment in the report, as the worker saw it.
type EnvRow struct {
	EnvironmentID string
	PID           int
	Invocations   int
	ColdStarts    int
}

// Report is the verdict on one run.
type Report struct {
	Tenants     map[string][]EnvRow // tenant -> its environments, sorted by environment id
	Sent        int
	Processed   int
	Quarantined []Quarantined
	Violations  []string // every broken rule; empty means isolation held and nothing was lost
}

// OK reports whether every check passed.
func (r Report) OK() bool { return len(r.Violations) == 0 }

// Input is everything a run produced.
type Input struct {
	Sent       []Sent
	Bad        []Bad
	Evidence   []Evidence
	Quarantine []Quarantined
	// Environments is localaws's view of the backend's environments; nil on real AWS.
	Environments []Environment
	// Backend is the backend function name, to pick its rows out of Environments.
	Backend string
}

// Analyze checks the isolation and accounting rules of DESIGN.md on one run.
func Analyze(in Input) Report {
	r := Report{Tenants: map[string][]EnvRow{}, Sent: len(in.Sent), Quarantined: in.Quarantine}
	fail := func(format string, args ...any) { r.Violations = append(r.Violations, fmt.Sprintf(format, args...)) }

	sentBy := map[string]Sent{}
	for _, s := range in.Sent {
		sentBy[s.MessageID] = s
	}
	badBy := map[string]Bad{}
	for _, b := range in.Bad {
		badBy[b.MessageID] = b
	}

	seen := map[string]int{}
	envTenant := map[string]string{}
	rows := map[string]*EnvRow{}
	rowTenant := map[string]string{}
	for _, e := range in.Evidence {
		seen[e.MessageID]++
		if b, ok := badBy[e.MessageID]; ok {
			fail("%s message %s reached the backend as tenant %q; it must be quarantined (%s)", b.Kind, e.MessageID, e.TenantID, b.WantReason)
			continue
		}
		s, ok := sentBy[e.MessageID]
		if !ok {
			fail("evidence for message %s that no producer sent (tenant %q)", e.MessageID, e.TenantID)
			continue
		}
		if e.TenantID != s.Tenant {
			fail("message %s sent for tenant %q ran as tenant %q", e.MessageID, s.Tenant, e.TenantID)
		}
		if prev, ok := envTenant[e.EnvironmentID]; ok && prev != e.TenantID {
			fail("environment %s served two tenants: %q and %q", e.EnvironmentID, prev, e.TenantID)
		}
		envTenant[e.EnvironmentID] = e.TenantID
		row := rows[e.EnvironmentID]
		if row == nil {
			row = &EnvRow{EnvironmentID: e.EnvironmentID, PID: e.PID}
			rows[e.EnvironmentID] = row
			rowTenant[e.EnvironmentID] = e.TenantID
		}
		row.Invocations++
		if e.ColdStart {
			row.ColdStarts++
		}
	}
	for id, n := range seen {
		if n > 1 {
			fail("message %s was processed %d times", id, n)
		}
	}
	for _, s := range in.Sent {
		if seen[s.MessageID] == 0 {
			fail("message %s for tenant %q (%s) was never processed", s.MessageID, s.Tenant, s.Via)
		} else {
			r.Processed++
		}
	}
	for id, row := range rows {
		t := rowTenant[id]
		r.Tenants[t] = append(r.Tenants[t], *row)
	}
	tenants := map[string]bool{}
	for _, s := range in.Sent {
		tenants[s.Tenant] = true
	}
	for t := range tenants {
		if len(r.Tenants[t]) == 0 {
			fail("tenant %q has no execution environment", t)
		}
	}
	if len(rows) < len(tenants) {
		fail("%d distinct environments for %d tenants: some tenants shared one", len(rows), len(tenants))
	}
	for t := range r.Tenants {
		sort.Slice(r.Tenants[t], func(i, j int) bool { return r.Tenants[t][i].EnvironmentID < r.Tenants[t][j].EnvironmentID })
	}

	checkQuarantine(in, fail)
	if in.Environments != nil {
		checkProcesses(in, fail)
	}
	return r
}

func checkQuarantine(in Input, fail func(string, ...any)) {
	got := map[string]Quarantined{}
	for _, q := range in.Quarantine {
		got[q.OriginalMessageID] = q
	}
	for _, b := range in.Bad {
		q, ok := got[b.MessageID]
		switch {
		case !ok:
			fail("%s message %s is not in quarantine (want reason %s)", b.Kind, b.MessageID, b.WantReason)
		case q.Reason != b.WantReason:
			fail("%s message %s quarantined as %q, want %q", b.Kind, b.MessageID, q.Reason, b.WantReason)
		}
	}
}

// checkProcesses cross-checks the worker's view with the emulator's: a PID never serves
// two tenants, and the emulator agrees which tenant each worker process belongs to.
func checkProcesses(in Input, fail func(string, ...any)) {
	pidTenant := map[int]string{}
	for _, e := range in.Environments {
		if e.FunctionName != in.Backend {
			continue
		}
		if e.TenantID == "" {
			fail("backend environment %s (pid %d) has no tenant: the function is not PER_TENANT", e.EnvironmentID, e.PID)
		}
		if prev, ok := pidTenant[e.PID]; ok && prev != e.TenantID {
			fail("pid %d is listed for tenants %q and %q", e.PID, prev, e.TenantID)
		}
		pidTenant[e.PID] = e.TenantID
	}
	for _, ev := range in.Evidence {
		t, ok := pidTenant[ev.PID]
		if !ok {
			continue // reaped since: the worker's own records are checked above
		}
		if t != ev.TenantID {
			fail("worker pid %d recorded tenant %q but localaws runs it for tenant %q", ev.PID, ev.TenantID, t)
		}
	}
}

// Table renders the per-tenant environment table and the quarantine below it.
func (r Report) Table() string {
	var b strings.Builder
	tenants := make([]string, 0, len(r.Tenants))
	for t := range r.Tenants {
		tenants = append(tenants, t)
	}
	sort.Strings(tenants)
	fmt.Fprintf(&b, "%-16s %-34s %8s %12s %11s\n", "TENANT", "ENVIRONMENT", "PID", "INVOCATIONS", "COLD STARTS")
	for _, t := range tenants {
		for i, row := range r.Tenants[t] {
			name := t
			if i > 0 {
				name = ""
			}
			fmt.Fprintf(&b, "%-16s %-34s %8d %12d %11d\n", name, row.EnvironmentID, row.PID, row.Invocations, row.ColdStarts)
		}
	}
	fmt.Fprintf(&b, "\n%d messages sent, %d processed, %d tenants\n", r.Sent, r.Processed, len(tenants))
	if len(r.Quarantined) > 0 {
		fmt.Fprintf(&b, "\n%-40s %-16s %-10s %s\n", "QUARANTINED MESSAGE", "REASON", "SOURCE", "DETAIL")
		qs := append([]Quarantined(nil), r.Quarantined...)
		sort.Slice(qs, func(i, j int) bool { return qs[i].Reason < qs[j].Reason })
		for _, q := range qs {
			fmt.Fprintf(&b, "%-40s %-16s %-10s %s\n", q.OriginalMessageID, q.Reason, q.Source, q.Detail)
		}
	}
	if len(r.Violations) == 0 {
		b.WriteString("\nisolation held: no environment served two tenants, no message lost\n")
	} else {
		b.WriteString("\nVIOLATIONS:\n")
		for _, v := range r.Violations {
			b.WriteString("  - " + v + "\n")
		}
	}
	return b.String()
}
