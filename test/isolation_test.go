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

// TestIsolation applies examples/complete once per runtime of the worker (go, python,
// node: one stack each, side by side), sends messages for eight tenants over SQS (tenant
// in the attribute or the body) and EventBridge, plus a missing, an invalid and a spoofed
// tenant, and proves from the worker's evidence (and, on localaws, the process table)
// that every tenant ran in environments of its own and nothing was lost. Its purpose is
// that evidence, so on localaws the stacks are not destroyed.
func TestIsolation(t *testing.T) {
	t.Parallel()
	for _, runtime := range runner.WorkerRuntimes {
		t.Run(runtime, func(t *testing.T) {
			t.Parallel()
			proveIsolation(t, runtime)
		})
	}
}

func proveIsolation(t *testing.T, runtime string) {
	s := newStackWith(t, "examples/complete", "ti-"+runtime, runner.DestroyOnAWS, false,
		map[string]any{"worker_runtime": runtime})
	terraform.InitAndApplyAndIdempotent(t, s.Options)
	stack, err := s.Outputs(t)
	require.NoError(t, err)

	ctx := context.Background()
	t.Run("router may invoke only the backend", func(t *testing.T) {
		require.NoError(t, traffic.CheckRouterRole(ctx, tg.AWSConfig(), terraform.Output(t, s.Options, "router_role_arn"),
			terraform.Output(t, s.Options, "backend_function_arn")))
	})

	report, err := traffic.Exercise(ctx, tg, stack, traffic.Traffic, 3*time.Minute)
	require.NoError(t, err)
	t.Logf("per-tenant execution environments:\n%s", report.Table())
	if !report.OK() {
		t.Fatalf("isolation proof failed:\n%s\n%s", report.Table(), traffic.Diagnostics(ctx, tg, stack))
	}
	require.Len(t, report.Tenants, len(traffic.Traffic.Tenants()), "every tenant must have run")
}
