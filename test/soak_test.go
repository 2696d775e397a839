//go:build e2e

package test

import (
	"context"
	"maps"
	"testing"
	"time"

	"github.com/gruntwork-io/terratest/modules/terraform"
	"github.com/stretchr/testify/require"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/e2e/runner"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/e2e/traffic"
)

// TestSoak is `make soak` in small: 300 messages over 50 tenants on SQS and EventBridge,
// 5% poison and 5% spoofed, and on localaws 10% injected backend failures and one kill
// of the router's environment mid-batch; 1,000 tenants in the registry, 10 of the load's
// suspended a third of the way in and resumed at the end. Nothing may be lost, run as
// another tenant, run while its tenant is suspended or be quarantined for the wrong reason.
func TestSoak(t *testing.T) {
	t.Parallel()
	s := newStack(t, "examples/complete", "ts", runner.DestroyOnAWS, false)
	cfg := traffic.SoakConfig{Messages: 300, Tenants: 50, Seed: 1, Timeout: 5 * time.Minute,
		Registry: &traffic.SoakRegistry{Tenants: 1000, Suspend: 10}}
	maps.Copy(s.Options.Vars, runner.SoakVars(cfg))
	terraform.InitAndApply(t, s.Options)

	stack, err := s.Outputs(t)
	require.NoError(t, err)
	report, err := traffic.Soak(context.Background(), tg, stack, cfg)
	require.NoError(t, err)
	t.Logf("\n%s", report.Table())
	if !report.OK() {
		t.Fatalf("soak failed:\n%s", report.Table())
	}
}
