//go:build e2e

package test

import (
	"context"
	"testing"
	"time"

	"github.com/gruntwork-io/terratest/modules/terraform"
	"github.com/stretchr/testify/require"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/e2e"
)

// TestSoak is `make soak` in small: 300 messages over 50 tenants on SQS and EventBridge,
// 5% poison and 5% spoofed, and on localaws 10% injected backend failures and one kill
// of the router's environment mid-batch. Nothing may be lost, run as another tenant or
// quarantined for the wrong reason.
func TestSoak(t *testing.T) {
	t.Parallel()
	opts := e2e.TerraformOptions(t, target, "..", "examples/complete", dist, uniqueName("ts"), false)
	opts.Vars["router_timeout"] = e2e.SoakRouterTimeout
	defer terraform.Destroy(t, opts)
	terraform.InitAndApply(t, opts)

	stack, err := e2e.StackFromOutputs(terraform.OutputAll(t, opts))
	require.NoError(t, err)
	report, err := e2e.Soak(context.Background(), target, stack, e2e.SoakConfig{Messages: 300, Tenants: 50, Seed: 1,
		Timeout: 5 * time.Minute})
	require.NoError(t, err)
	t.Logf("\n%s", report.Table())
	if !report.OK() {
		t.Fatalf("soak failed:\n%s", report.Table())
	}
}
