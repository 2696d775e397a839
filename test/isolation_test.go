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

// TestIsolation applies examples/complete, sends messages for eight tenants over SQS
// (tenant in the attribute or the body) and EventBridge, plus a missing, an invalid and a
// spoofed tenant, and proves from the worker's evidence (and, on localaws, the process
// table) that every tenant ran in environments of its own and nothing was lost.
func TestIsolation(t *testing.T) {
	t.Parallel()
	opts := e2e.TerraformOptions(t, target, "..", "examples/complete", dist, uniqueName("ti"), false)
	defer terraform.Destroy(t, opts)
	terraform.InitAndApplyAndIdempotent(t, opts)

	stack, err := e2e.StackFromOutputs(terraform.OutputAll(t, opts))
	require.NoError(t, err)

	ctx := context.Background()
	t.Run("router may invoke only the backend", func(t *testing.T) {
		cfg, err := target.AWSConfig(ctx)
		require.NoError(t, err)
		require.NoError(t, e2e.CheckRouterRole(ctx, cfg, terraform.Output(t, opts, "router_role_arn"),
			terraform.Output(t, opts, "backend_function_arn")))
	})

	report, err := e2e.Exercise(ctx, target, stack, e2e.Traffic, 3*time.Minute)
	require.NoError(t, err)
	t.Logf("per-tenant execution environments:\n%s", report.Table())
	if !report.OK() {
		t.Fatalf("isolation proof failed:\n%s\n%s", report.Table(), e2e.Diagnostics(ctx, target, stack))
	}
	require.Len(t, report.Tenants, len(e2e.Traffic.Tenants()), "every tenant must have run")
}
