//go:build e2e

package test

import (
	"testing"

	"github.com/gruntwork-io/terratest/modules/terraform"
	"github.com/stretchr/testify/require"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/e2e/runner"
)

// TestDynamoDBRoundTrip applies a table with an index, TTL, point-in-time recovery, SSE,
// a stream and tags, and an item in it; re-plans with no changes (the provider compares
// every setting and the item, numbers as written); and destroys, leaving no table.
func TestDynamoDBRoundTrip(t *testing.T) {
	t.Parallel()
	s := newStack(t, "test/testdata/dynamodb", "td", runner.Destroy, true)
	terraform.InitAndApplyAndIdempotent(t, s.Options)
	require.NoError(t, s.Teardown(t), "destroy must succeed and leave no table")
}
