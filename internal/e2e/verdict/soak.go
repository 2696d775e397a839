package verdict

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// FaultStats is what localaws injected into one function's invocations.
type FaultStats struct {
	Invocations, Errors, Throttles, Timeouts, Kills int64
}

// failed is every failed attempt injected.
func (s FaultStats) failed() int64 { return s.Errors + s.Throttles + s.Timeouts + s.Kills }

// SoakReport is the soak's verdict: Analyze's, plus what was sent and injected.
type SoakReport struct {
	Report
	Target  string
	Tenants int
	// Injected is false on AWS, where localaws's faults do not exist.
	Injected bool
	// BackendErrorRate is the share of backend invocations failed on purpose, when Injected.
	BackendErrorRate float64
	Poison           int
	Spoofed          int
	SentVia          map[string]int        // every message, bad ones included, by how it was sent
	Faults           map[string]FaultStats // what localaws injected, by role ("backend", "router")
	SendTime         time.Duration
	Elapsed          time.Duration // from the first send until every message was accounted for
	// Registry is the verdict on suspended tenants, when the soak ran with a tenant registry.
	Registry *Suspension
}

// CountSent fills Sent, SentVia, Poison and Spoofed from what the load sent.
func (r *SoakReport) CountSent(sent []Sent, bad []Bad) {
	r.SentVia = map[string]int{}
	for _, s := range sent {
		r.SentVia[s.Via]++
	}
	for _, b := range bad {
		r.SentVia[b.Via]++
		if b.WantReason == "tenant_mismatch" {
			r.Spoofed++
		} else {
			r.Poison++
		}
	}
	r.Sent = len(sent) + len(bad)
}

// CheckFaults records what localaws injected, and fails the run when a fault it asked
// for never happened: the soak would then prove less than it claims.
func (r *SoakReport) CheckFaults(backend, router FaultStats) {
	r.Faults = map[string]FaultStats{"backend": backend, "router": router}
	if backend.Errors == 0 {
		r.Violations = append(r.Violations, "localaws injected no backend error: the transient failures were not exercised")
	}
	if router.Kills == 0 {
		r.Violations = append(r.Violations, "localaws never killed the router's environment: the mid-batch kill was not exercised")
	}
}

// Table renders the soak's figures and verdict.
func (r SoakReport) Table() string {
	var b strings.Builder
	line := func(label, n, detail string) {
		b.WriteString(strings.TrimRight(fmt.Sprintf("%-26s %8s  %s", label, n, detail), " ") + "\n")
	}
	row := func(label string, n int, detail string) { line(label, strconv.Itoa(n), detail) }
	faultsLine := fmt.Sprintf("backend error_rate %.2f, router environment killed once mid-batch", r.BackendErrorRate)
	if !r.Injected {
		faultsLine = "none: TEST_TARGET=" + r.Target + " cannot inject faults, so this run has no transient failures and no kill"
	}
	fmt.Fprintf(&b, "SOAK on %s: %d messages over %d tenants in %s (sent in %s)\n", r.Target, r.Sent, r.Tenants,
		r.Elapsed.Round(100*time.Millisecond), r.SendTime.Round(100*time.Millisecond))
	fmt.Fprintf(&b, "faults injected: %s\n\n", faultsLine)

	row("sent", r.Sent, fmt.Sprintf("(SQS attribute %d, SQS body %d, EventBridge %d; %d valid, %d poison, %d spoofed)",
		r.SentVia[ViaSQSAttribute], r.SentVia[ViaSQSBody], r.SentVia[ViaEventBridge], r.Sent-r.Poison-r.Spoofed, r.Poison, r.Spoofed))
	row("processed (once per id)", r.Processed, "")
	row("duplicates", r.Duplicates, "(extra runs of a message, after its batch came back)")
	if r.Injected {
		be, ro := r.Faults["backend"], r.Faults["router"]
		row("retried", int(be.failed()+ro.failed()), fmt.Sprintf("(failed attempts injected: backend errors %d of %d invocations, router kills %d)",
			be.Errors, be.Invocations, ro.Kills))
	} else {
		line("retried", "n/a", "(no faults injected)")
	}
	row("in DLQ", sum(r.ParkedByQueue), "("+counts(r.ParkedByQueue, QueueOnFailure, QueueSourceDLQ, QueueEventBridgeDLQ)+")")
	row("in quarantine", sum(r.QuarantineByReason), "("+counts(r.QuarantineByReason)+")")
	if g := r.Registry; g != nil {
		row("held, then replayed", g.Replayed, fmt.Sprintf("(%d held for %d of %d registry tenants, suspended mid-run and resumed)",
			g.Held, g.Suspended, g.RegistryTenants))
		row("invoked while suspended", g.InvokedWhileSuspended, "(must be 0)")
	}
	row("lost", r.Lost, "(must be 0)")
	row("cross-tenant executions", r.CrossTenant, "(must be 0)")
	if r.OK() {
		b.WriteString("\nOK: nothing lost, no cross-tenant execution, every bad message quarantined with its reason\n")
		return b.String()
	}
	fmt.Fprintf(&b, "\nFAILED: %d violations\n", len(r.Violations))
	for i, v := range r.Violations {
		if i == 30 {
			fmt.Fprintf(&b, "  ... and %d more\n", len(r.Violations)-i)
			break
		}
		b.WriteString("  - " + v + "\n")
	}
	return b.String()
}

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// counts renders "k1 n1, k2 n2": the given keys first (zeros included), then the rest sorted.
func counts(m map[string]int, first ...string) string {
	keys := append([]string(nil), first...)
	var rest []string
	for k := range m {
		if !slices.Contains(first, k) {
			rest = append(rest, k)
		}
	}
	sort.Strings(rest)
	parts := make([]string, 0, len(keys)+len(rest))
	for _, k := range append(keys, rest...) {
		parts = append(parts, fmt.Sprintf("%s %d", k, m[k]))
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}
