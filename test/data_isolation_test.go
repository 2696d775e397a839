//go:build e2e

package test

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/gruntwork-io/terratest/modules/random"
	"github.com/gruntwork-io/terratest/modules/terraform"
	"github.com/stretchr/testify/require"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/e2e/runner"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/e2e/target"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/e2e/traffic"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws"
)

// dataTenants are the eight tenants of TestDataIsolation, all over SQS: the data plane
// does not depend on the source.
var dataTenants = traffic.Plan{
	SQSTenants: []string{"acme", "globex", "initech", "umbrella", "hooli", "stark", "wayne", "tyrell"},
	PerTenant:  3,
	Probe:      true,
}

// TestDataIsolation applies examples/complete with the tenant-access role and the tenant
// data table. Every invocation writes an item with credentials scoped to its tenant, and
// one message per tenant asks its worker to read the next tenant's item and key and to
// Scan the table. It proves, reading the whole table with the test's own credentials,
// that each tenant's items exist only under its own key and no item was written under
// another tenant's, and from the evidence that every cross-tenant read and every Scan was
// denied. Its purpose is that evidence, so on localaws the stack is not destroyed.
//
// The denials are IAM's, so the stack needs a target that enforces it: AWS, or a localaws
// with IAM on. When the suite's localaws does not enforce IAM, this test starts one of
// its own that does.
func TestDataIsolation(t *testing.T) {
	t.Parallel()
	tg := tg // the suite's target, unless it lets every request through
	if !tg.EnforcesIAM() {
		enforcing, err := target.StartLocalWith(tg.Arch, localaws.IAMOn, slog.New(slog.DiscardHandler))
		require.NoError(t, err)
		t.Cleanup(func() { require.NoError(t, enforcing.Close()) }) // after the stack's teardown, registered below
		tg = enforcing
	}
	s := runner.ForTest(t, tg, repoRoot, dist, runner.Config{Example: "examples/complete",
		Name: "td-" + strings.ToLower(random.UniqueId()), Teardown: runner.DestroyOnAWS,
		Vars: map[string]any{"create_tenant_data_table": true}})
	terraform.InitAndApply(t, s.Options)
	stack, err := s.Outputs(t)
	require.NoError(t, err)
	require.NotEmpty(t, stack.DataTableName, "examples/complete must output tenant_data_table_name")

	ctx := context.Background()
	report, err := traffic.Exercise(ctx, tg, stack, dataTenants, 3*time.Minute)
	require.NoError(t, err)
	t.Logf("per-tenant execution environments and cross-tenant reads:\n%s", report.Table())
	if !report.OK() {
		t.Fatalf("data isolation proof failed:\n%s\n%s", report.Table(), traffic.Diagnostics(ctx, tg, stack))
	}
	tenants := len(dataTenants.SQSTenants)
	require.Len(t, report.Tenants, tenants, "every tenant must have run")
	require.NotNil(t, report.Data)
	require.Equal(t, tenants*(dataTenants.PerTenant+1), report.Data.Items, "one item per message, each under its own tenant's key")
	reads := report.Data.CrossTenantTotal()
	require.Equal(t, 2*tenants, reads.Attempted, "a GetItem and a Query of the next tenant's key per tenant")
	require.Equal(t, reads.Attempted, reads.Denied, "every cross-tenant read must be denied")
	require.Equal(t, tenants, report.Data.Scans.Denied, "every Scan must be denied")
}
