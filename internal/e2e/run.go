package e2e

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/gruntwork-io/terratest/modules/logger"
	"github.com/gruntwork-io/terratest/modules/terraform"
	test_structure "github.com/gruntwork-io/terratest/modules/test-structure"
	"github.com/gruntwork-io/terratest/modules/testing"
)

// TerraformOptions copies example (a folder under repoRoot, e.g. "examples/complete") to
// a temp dir and returns the options to apply it on target with the zips from dist.
func TerraformOptions(t testing.TestingT, target *Target, repoRoot, example, dist, name string, quiet bool) *terraform.Options {
	dir := test_structure.CopyTerraformFolderToTemp(t, repoRoot, example)
	opts := &terraform.Options{
		TerraformDir: dir,
		Vars: map[string]any{
			"architecture": target.TerraformArch(),
			"dist_dir":     dist,
			"name":         name,
		},
		EnvVars: target.EnvVars,
		NoColor: true,
		// Plain `terraform init` must work offline with the CLI config from `make tools`.
		Upgrade: false,
	}
	if quiet {
		opts.Logger = logger.Discard
	}
	return opts
}

// Traffic is the default mix: five SQS tenants (attribute and body), three
// EventBridge tenants, several messages each, plus one of each bad kind.
var Traffic = Plan{
	SQSTenants:         []string{"acme", "globex", "initech", "umbrella", "hooli"},
	EventBridgeTenants: []string{"stark", "wayne", "tyrell"},
	PerTenant:          4,
	Bad:                true,
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
func Exercise(ctx context.Context, target *Target, stack Stack, p Plan, timeout time.Duration) (Report, error) {
	cfg, err := target.AWSConfig(ctx)
	if err != nil {
		return Report{}, err
	}
	c := NewClients(cfg)
	sent, bad, err := Send(ctx, c, stack, p)
	if err != nil {
		return Report{}, err
	}
	want := func(o *Outcome) (bool, error) {
		return len(o.Evidence) >= len(sent) && len(o.Quarantine) >= len(bad), nil
	}
	out, collectErr := Collect(ctx, c, stack, want, timeout)
	envs, err := target.Environments(ctx)
	if err != nil {
		return Report{}, err
	}
	report := Analyze(Input{Sent: sent, Bad: bad, Evidence: out.Evidence, Quarantine: out.Quarantine, Parked: out.Parked,
		Environments: envs, Backend: stack.BackendFunction})
	if collectErr != nil {
		report.Violations = append(report.Violations, collectErr.Error())
	}
	return report, nil
}

// Diagnostics renders what a person needs to see why a run failed: the emulator's
// environment table and what sits in the quarantine queue and the DLQ.
func Diagnostics(ctx context.Context, target *Target, stack Stack) string {
	var b strings.Builder
	if envs, err := target.Environments(ctx); err != nil {
		fmt.Fprintf(&b, "environments: %v\n", err)
	} else if envs != nil {
		fmt.Fprintf(&b, "%-40s %-12s %-34s %8s %-8s %s\n", "FUNCTION", "TENANT", "ENVIRONMENT", "PID", "STATE", "INVOCATIONS")
		for _, e := range envs {
			fmt.Fprintf(&b, "%-40s %-12s %-34s %8d %-8s %d\n", e.FunctionName, e.TenantID, e.EnvironmentID, e.PID, e.State, e.Invocations)
		}
	}
	cfg, err := target.AWSConfig(ctx)
	if err != nil {
		return b.String()
	}
	c := NewClients(cfg)
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
