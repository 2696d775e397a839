package traffic

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/e2e/verdict"
)

// Traffic is the default mix: five SQS tenants (attribute and body), three
// EventBridge tenants, several messages each, plus one of each bad kind.
var Traffic = Plan{
	SQSTenants:         []string{"acme", "globex", "initech", "umbrella", "hooli"},
	EventBridgeTenants: []string{"stark", "wayne", "tyrell"},
	PerTenant:          4,
	Bad:                true,
	Probe:              true,
}

// Tenants is every distinct tenant the plan sends for.
func (p Plan) Tenants() []string {
	seen := map[string]bool{}
	var out []string
	for _, t := range append(append([]string{}, p.SQSTenants...), p.EventBridgeTenants...) {
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	return out
}

// Exercise sends p through the stack and returns the verdict with what it read.
func Exercise(ctx context.Context, target Target, stack Stack, p Plan, timeout time.Duration) (verdict.Report, error) {
	c := NewClients(target.AWSConfig())
	sent, bad, err := Send(ctx, c, stack, p)
	if err != nil {
		return verdict.Report{}, err
	}
	want := func(o *verdict.Outcome) (bool, error) {
		return len(o.Evidence) >= len(sent) && len(o.Quarantine) >= len(bad), nil
	}
	out, collectErr := Collect(ctx, c, stack, want, timeout)
	envs, err := target.Environments(ctx)
	if err != nil {
		return verdict.Report{}, err
	}
	var items []verdict.Item
	if stack.DataTableName != "" {
		if items, err = ReadTable(ctx, target.AWSConfig(), stack.DataTableName); err != nil {
			return verdict.Report{}, err
		}
	}
	report := verdict.Analyze(verdict.Input{Sent: sent, Bad: bad, Evidence: out.Evidence, Quarantine: out.Quarantine,
		Parked: out.Parked, Environments: envs, Backend: stack.BackendFunction, Items: items})
	if collectErr != nil {
		report.Violations = append(report.Violations, collectErr.Error())
	}
	return report, nil
}

// Diagnostics renders what a person needs to see why a run failed: the emulator's
// environment table and what sits in the quarantine queue and the DLQ.
func Diagnostics(ctx context.Context, target Target, stack Stack) string {
	var b strings.Builder
	if envs, err := target.Environments(ctx); err != nil {
		fmt.Fprintf(&b, "environments: %v\n", err)
	} else if envs != nil {
		fmt.Fprintf(&b, "%-40s %-12s %-34s %8s %-8s %s\n", "FUNCTION", "TENANT", "ENVIRONMENT", "PID", "STATE", "INVOCATIONS")
		for _, e := range envs {
			fmt.Fprintf(&b, "%-40s %-12s %-34s %8d %-8s %d\n", e.FunctionName, e.TenantID, e.EnvironmentID, e.PID, e.State, e.Invocations)
		}
	}
	c := NewClients(target.AWSConfig())
	for _, q := range []struct{ name, url string }{{"quarantine", stack.QuarantineQueueURL}, {"dead-letter queue", stack.DLQURL}} {
		if q.url == "" {
			continue
		}
		msgs, err := Peek(ctx, c, q.url, 50)
		fmt.Fprintf(&b, "\n%s (%d messages):\n", q.name, len(msgs))
		if err != nil {
			fmt.Fprintf(&b, "  error: %v\n", err)
		}
		for _, m := range msgs {
			fmt.Fprintf(&b, "  %s\n", m)
		}
	}
	return b.String()
}
