//go:build e2e

package test

import (
	"context"
	"testing"

	"github.com/gruntwork-io/terratest/modules/terraform"
	"github.com/stretchr/testify/require"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/e2e/runner"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/e2e/traffic"
)

// TestMinimalRoundTrip is the provider round trip of examples/minimal: apply, a plan
// that shows no changes, and destroy, which must leave nothing named after the stack.
// Its point is the destroy, so it destroys on every target.
func TestMinimalRoundTrip(t *testing.T) {
	t.Parallel()
	s := newStack(t, "examples/minimal", "tm", runner.Destroy, false)
	terraform.InitAndApplyAndIdempotent(t, s.Options)

	// The check after the destroy must see what it looks for.
	created, err := traffic.Leftovers(context.Background(), tg.AWSConfig(), s.Name())
	require.NoError(t, err)
	require.NotEmpty(t, created, "the applied stack must be listed by name before its destroy")
	t.Logf("applied: %v", created)

	require.NoError(t, s.Teardown(t), "destroy must succeed and leave nothing behind")
}
