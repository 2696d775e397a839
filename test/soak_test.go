//go:build e2e

package test

import (
	"context"
	"testing"
	"time"

	"github.com/gruntwork-io/terratest/modules/terraform"
	"github.com/stretchr/testify/require"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/e2e/runner"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/e2e/traffic"
)

// TestSoak is `make soak` in small: 300 messages over 50 tenants on SQS and EventBridge,
// 5% poison and 5% spoofed, and on localaws 10% injected backend failures and one kill
// of the router's environment mid-batch. Nothing may be lost, run as another tenant or
// quarantined for the wrong reason.
func TestSoak(t *testing.T) {
	t.Parallel()
	s := newStack(t, "examples/complete", "ts", runner.DestroyOnAWS, false)
	s.Options.Vars["router_timeout"] = traffic.SoakRouterTimeout
	terraform.InitAndApply(t, s.Options)

	stack, err := s.Outputs(t)
	require.NoError(t, err)
	report, err := traffic.Soak(context.Background(), tg, stack, traffic.SoakConfig{Messages: 300, Tenants: 50, Seed: 1,
		Timeout: 5 * time.Minute})
	require.NoError(t, err)
	t.Logf("\n%s", report.Table())
	if !report.OK() {
		t.Fatalf("soak failed:\n%s", report.Table())
	}
}
