//go:build e2e

package test

import (
	"testing"

	"github.com/gruntwork-io/terratest/modules/terraform"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/e2e"
)

// TestMinimalRoundTrip is the provider round trip of examples/minimal: apply, a plan
// that shows no changes, and destroy.
func TestMinimalRoundTrip(t *testing.T) {
	t.Parallel()
	opts := e2e.TerraformOptions(t, target, "..", "examples/minimal", dist, uniqueName("tm"), false)
	defer terraform.Destroy(t, opts)
	terraform.InitAndApplyAndIdempotent(t, opts)
}
