// Package verdict decides whether a run kept tenants apart and accounted for every
// message. It is pure: it reads what the traffic drivers sent and collected, and does
// no I/O, so every rule is table-tested without a stack.
package verdict

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/evidence"
)

// ErrIsolation is returned by the runs that fail when isolation or accounting broke.
var ErrIsolation = errors.New("isolation or accounting violated")

// Ways a message reaches the router.
const (
	ViaSQSAttribute = "sqs-attribute" // tenant in the tenantId message attribute
	ViaSQSBody      = "sqs-body"      // tenant at /tenantId in the body
	ViaEventBridge  = "eventbridge"   // tenant at /detail/tenantId of the event
)

// Names of the queues where a message that did not run may be parked.
const (
	QueueSourceDLQ      = "source DLQ"
	QueueEventBridgeDLQ = "EventBridge DLQ"
	QueueOnFailure      = "on-failure"
)

// Sent is one message a producer sent for a tenant.
type Sent struct {
	MessageID string // SQS MessageId or EventBridge event id
	Tenant    string
	Via       string // one of the Via constants
	// Probe is the other tenant whose data a marked message asks the worker to read; "" for none.
	Probe string
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
	// Data is what the invocation did in the tenant data table; nil without one.
	Data *evidence.DataRecord `json:"data,omitempty"`
	// SentAt is when the worker wrote the record (the queue's SentTimestamp): the
	// invocation's end, give or take the send.
	SentAt time.Time `json:"-"`
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
	RSSKB         int    `json:"rss_kb"` // resident memory of its process; 0 where unknown
}

// Outcome is what a run left in the stack's output queues.
type Outcome struct {
	Evidence   []Evidence
	Quarantine []Quarantined
	Parked     []Parked
}

// AccountsFor reports whether every valid message ran or was parked, and every bad
// one was quarantined or parked.
func (o *Outcome) AccountsFor(sent []Sent, bad []Bad) bool {
	seen := make(map[string]bool, len(o.Evidence)+len(o.Quarantine)+len(o.Parked))
	for _, e := range o.Evidence {
		seen[e.MessageID] = true
	}
	for _, q := range o.Quarantine {
		seen[q.OriginalMessageID] = true
	}
	for _, p := range o.Parked {
		seen[p.MessageID] = true
	}
	for _, s := range sent {
		if !seen[s.MessageID] {
			return false
		}
	}
	for _, b := range bad {
		if !seen[b.MessageID] {
			return false
		}
	}
	return true
}

// EnvRow is one execution environment in the report, as the worker saw it.
type EnvRow struct {
	EnvironmentID string
	PID           int
	Invocations   int
	ColdStarts    int
}

// Parked is a message found in a dead-letter or on-failure queue.
type Parked struct {
	MessageID string // SQS MessageId or EventBridge event id, as sent
	Queue     string // which queue, e.g. "on-failure"
	Detail    string // why, when the queue says
}

// Report is the verdict on one run.
type Report struct {
	Tenants     map[string][]EnvRow // tenant -> its environments, sorted by environment id
	Sent        int
	Processed   int // sent messages that ran at least once
	Duplicates  int // runs of a message beyond its first
	Quarantined []Quarantined
	// QuarantineByReason counts distinct quarantined messages per reason.
	QuarantineByReason map[string]int
	Parked             []Parked
	// ParkedByQueue counts distinct messages per dead-letter or on-failure queue.
	ParkedByQueue map[string]int
	Lost          int // sent messages with no outcome at all: not run, quarantined or parked
	// CrossTenant counts isolation breaches: a message run as another tenant, an
	// environment or process serving two tenants, an untrusted message that ran.
	CrossTenant int
	// Data is the verdict on the tenant data table; nil when the run had none.
	Data       *DataReport
	Violations []string // every broken rule; empty means isolation held and nothing was lost
}

// OK reports whether every check passed.
func (r Report) OK() bool { return len(r.Violations) == 0 }

// Input is everything a run produced.
type Input struct {
	Sent       []Sent
	Bad        []Bad
	Evidence   []Evidence
	Quarantine []Quarantined
	Parked     []Parked
	// Environments is localaws's view of the backend's environments; nil on real AWS.
	Environments []Environment
	// Backend is the backend function name, to pick its rows out of Environments.
	Backend string
	// Faulty says failures were injected: a message may then run more than once (its
	// batch was redelivered) or end in a dead-letter queue instead of running. Both
	// are counted rather than reported; loss and isolation breaches still are.
	Faulty bool
	// Items is the whole tenant data table, read with admin credentials; nil when the stack has no table.
	Items []Item
}

// analysis carries one Analyze run: the input indexed, and the report being built.
type analysis struct {
	in     Input
	r      *Report
	sentBy map[string]Sent
	badBy  map[string]Bad
	parked map[string]Parked
	runs   map[string]int // message id -> evidence records
	// envTenant is the tenant each environment's evidence records name.
	envTenant map[string]string
}

func (a *analysis) fail(format string, args ...any) {
	a.r.Violations = append(a.r.Violations, fmt.Sprintf(format, args...))
}

// breach records a violation that is also a cross-tenant execution.
func (a *analysis) breach(format string, args ...any) {
	a.r.CrossTenant++
	a.fail(format, args...)
}

// Analyze checks the isolation and accounting rules of one run: every message ran
// (once, unless in.Faulty) or was parked, ran as its sender's tenant, in environments
// and processes of that tenant only, and every bad message was quarantined with its
// reason without reaching the backend.
func Analyze(in Input) Report {
	r := Report{Tenants: map[string][]EnvRow{}, Sent: len(in.Sent), Quarantined: in.Quarantine, Parked: in.Parked,
		QuarantineByReason: map[string]int{}, ParkedByQueue: map[string]int{}}
	a := &analysis{in: in, r: &r, sentBy: map[string]Sent{}, badBy: map[string]Bad{}, parked: map[string]Parked{},
		runs: map[string]int{}, envTenant: map[string]string{}}
	for _, s := range in.Sent {
		a.sentBy[s.MessageID] = s
	}
	for _, b := range in.Bad {
		a.badBy[b.MessageID] = b
	}
	for _, p := range in.Parked {
		if _, dup := a.parked[p.MessageID]; !dup {
			r.ParkedByQueue[p.Queue]++
		}
		a.parked[p.MessageID] = p
	}
	a.checkEvidence()
	a.checkAccounting()
	a.checkQuarantine()
	if in.Environments != nil {
		a.checkProcesses()
	}
	if in.Items != nil {
		a.checkData()
	}
	return r
}

// checkEvidence checks each record against what was sent and builds the environment table.
func (a *analysis) checkEvidence() {
	envTenant := a.envTenant
	rows := map[string]*EnvRow{}
	for _, e := range a.in.Evidence {
		a.runs[e.MessageID]++
		if b, ok := a.badBy[e.MessageID]; ok {
			a.breach("%s message %s reached the backend as tenant %q; it must be quarantined (%s)", b.Kind, e.MessageID, e.TenantID, b.WantReason)
			continue
		}
		s, ok := a.sentBy[e.MessageID]
		if !ok {
			a.fail("evidence for message %s that no producer sent (tenant %q)", e.MessageID, e.TenantID)
			continue
		}
		if e.TenantID != s.Tenant {
			a.breach("message %s sent for tenant %q ran as tenant %q", e.MessageID, s.Tenant, e.TenantID)
		}
		if prev, ok := envTenant[e.EnvironmentID]; ok && prev != e.TenantID {
			a.breach("environment %s served two tenants: %q and %q", e.EnvironmentID, prev, e.TenantID)
		}
		row := rows[e.EnvironmentID]
		if row == nil {
			row = &EnvRow{EnvironmentID: e.EnvironmentID, PID: e.PID}
			rows[e.EnvironmentID] = row
			envTenant[e.EnvironmentID] = e.TenantID
		}
		row.Invocations++
		if e.ColdStart {
			row.ColdStarts++
		}
	}
	for id, row := range rows {
		t := envTenant[id]
		a.r.Tenants[t] = append(a.r.Tenants[t], *row)
	}
	for t := range a.r.Tenants {
		sort.Slice(a.r.Tenants[t], func(i, j int) bool { return a.r.Tenants[t][i].EnvironmentID < a.r.Tenants[t][j].EnvironmentID })
	}
	// Every tenant must have run, unless all its messages were parked (reported apart).
	tenants := map[string]bool{}
	for _, s := range a.in.Sent {
		if _, parked := a.parked[s.MessageID]; !parked {
			tenants[s.Tenant] = true
		}
	}
	for t := range tenants {
		if len(a.r.Tenants[t]) == 0 {
			a.fail("tenant %q has no execution environment", t)
		}
	}
	if len(rows) < len(tenants) {
		a.fail("%d distinct environments for %d tenants: some tenants shared one", len(rows), len(tenants))
	}
}

// checkAccounting finds lost, duplicated and parked messages among those sent.
func (a *analysis) checkAccounting() {
	for id, n := range a.runs {
		if n < 2 {
			continue
		}
		a.r.Duplicates += n - 1
		if !a.in.Faulty {
			a.fail("message %s was processed %d times", id, n)
		}
	}
	for _, s := range a.in.Sent {
		p, parked := a.parked[s.MessageID]
		switch {
		case a.runs[s.MessageID] > 0:
			a.r.Processed++
		case !parked:
			a.r.Lost++
			a.fail("message %s for tenant %q (%s) was never processed", s.MessageID, s.Tenant, s.Via)
		case !a.in.Faulty:
			a.fail("message %s for tenant %q (%s) ended in the %s queue: %s", s.MessageID, s.Tenant, s.Via, p.Queue, p.Detail)
		}
	}
}

// checkQuarantine wants every bad message quarantined with its reason, and no good one.
func (a *analysis) checkQuarantine() {
	got := map[string]Quarantined{}
	for _, q := range a.in.Quarantine {
		if _, dup := got[q.OriginalMessageID]; !dup {
			a.r.QuarantineByReason[q.Reason]++
		}
		got[q.OriginalMessageID] = q
		if s, ok := a.sentBy[q.OriginalMessageID]; ok {
			a.fail("message %s for tenant %q (%s) was quarantined as %s: %s", s.MessageID, s.Tenant, s.Via, q.Reason, q.Detail)
		}
	}
	for _, b := range a.in.Bad {
		q, ok := got[b.MessageID]
		switch {
		case !ok:
			if _, parked := a.parked[b.MessageID]; !parked {
				a.r.Lost++
			}
			a.fail("%s message %s is not in quarantine (want reason %s)", b.Kind, b.MessageID, b.WantReason)
		case q.Reason != b.WantReason:
			a.fail("%s message %s quarantined as %q, want %q", b.Kind, b.MessageID, q.Reason, b.WantReason)
		}
	}
}

// checkProcesses cross-checks the worker's view with the emulator's: a PID never serves
// two tenants, and the emulator agrees which tenant each worker process belongs to.
func (a *analysis) checkProcesses() {
	pidTenant := map[int]string{}
	for _, e := range a.in.Environments {
		if e.FunctionName != a.in.Backend {
			continue
		}
		if e.TenantID == "" {
			a.breach("backend environment %s (pid %d) has no tenant: the function is not PER_TENANT", e.EnvironmentID, e.PID)
		}
		if prev, ok := pidTenant[e.PID]; ok && prev != e.TenantID {
			a.breach("pid %d is listed for tenants %q and %q", e.PID, prev, e.TenantID)
		}
		pidTenant[e.PID] = e.TenantID
	}
	for _, ev := range a.in.Evidence {
		t, ok := pidTenant[ev.PID]
		if !ok {
			continue // reaped since: the worker's own records are checked above
		}
		if t != ev.TenantID {
			a.breach("worker pid %d recorded tenant %q but localaws runs it for tenant %q", ev.PID, ev.TenantID, t)
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
	// With a tenant data table, the tenant's first row says how many of its reads of another tenant's data
	// were denied.
	header := fmt.Sprintf("%-16s %-34s %8s %12s %11s", "TENANT", "ENVIRONMENT", "PID", "INVOCATIONS", "COLD STARTS")
	if r.Data != nil {
		header += fmt.Sprintf(" %26s", "CROSS-TENANT READS DENIED")
	}
	b.WriteString(header + "\n")
	for _, t := range tenants {
		for i, row := range r.Tenants[t] {
			name := t
			if i > 0 {
				name = ""
			}
			fmt.Fprintf(&b, "%-16s %-34s %8d %12d %11d", name, row.EnvironmentID, row.PID, row.Invocations, row.ColdStarts)
			if reads, ok := r.Data.crossTenant(t); ok && i == 0 {
				fmt.Fprintf(&b, " %26s", fmt.Sprintf("%d/%d", reads.Denied, reads.Attempted))
			}
			b.WriteString("\n")
		}
	}
	fmt.Fprintf(&b, "\n%d messages sent, %d processed, %d tenants\n", r.Sent, r.Processed, len(tenants))
	if d := r.Data; d != nil {
		x := d.CrossTenantTotal()
		fmt.Fprintf(&b, "tenant data: %d items, each under its writer's tenant; %d of %d cross-tenant reads and %d of %d scans denied\n",
			d.Items, x.Denied, x.Attempted, d.Scans.Denied, d.Scans.Attempted)
	}
	if r.Duplicates > 0 {
		fmt.Fprintf(&b, "%d duplicate runs\n", r.Duplicates)
	}
	if len(r.Parked) > 0 {
		fmt.Fprintf(&b, "\n%-40s %-16s %s\n", "PARKED MESSAGE", "QUEUE", "DETAIL")
		for _, p := range r.Parked {
			fmt.Fprintf(&b, "%-40s %-16s %s\n", p.MessageID, p.Queue, p.Detail)
		}
	}
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
