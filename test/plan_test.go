//go:build e2e

package test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/gruntwork-io/terratest/modules/terraform"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/e2e/runner"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/e2e/traffic"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/e2e/verdict"
)

// TestPlan plans examples/complete and checks the properties that must hold before
// anything is created.
func TestPlan(t *testing.T) {
	t.Parallel()
	opts := newStack(t, "examples/complete", "tp", runner.PlanOnly, true).Options
	opts.PlanFilePath = filepath.Join(opts.TerraformDir, "plan.out")
	plan := terraform.InitAndPlanAndShowWithStruct(t, opts)

	var functions, mappings, forbidden []string
	for addr, rc := range plan.ResourcePlannedValuesMap {
		switch rc.Type {
		case "aws_lambda_function":
			functions = append(functions, addr)
		case "aws_lambda_event_source_mapping":
			mappings = append(mappings, addr)
		case "aws_lambda_function_url", "aws_lambda_provisioned_concurrency_config":
			forbidden = append(forbidden, addr)
		}
	}
	require.Len(t, functions, 2, "the router and the backend")
	assert.Empty(t, forbidden, "tenant isolation forbids function URLs and provisioned concurrency")

	t.Run("backend is PER_TENANT", func(t *testing.T) {
		backend := plan.ResourcePlannedValuesMap["module.tenant_isolation.module.backend.aws_lambda_function.this"]
		require.NotNil(t, backend, "backend function address changed")
		assert.Equal(t, []any{map[string]any{"tenant_isolation_mode": "PER_TENANT"}}, backend.AttributeValues["tenancy_config"])
		assert.Equal(t, "provided.al2023", backend.AttributeValues["runtime"])
		assert.Empty(t, backend.AttributeValues["snap_start"], "SnapStart is not allowed with tenant isolation")
	})
	t.Run("router is not tenant-isolated", func(t *testing.T) {
		router := plan.ResourcePlannedValuesMap["module.tenant_isolation.module.router.aws_lambda_function.this"]
		require.NotNil(t, router, "router function address changed")
		assert.Empty(t, router.AttributeValues["tenancy_config"], "an ESM cannot invoke a tenant-isolated function")
	})
	t.Run("router may invoke only the backend", func(t *testing.T) {
		backend := plan.ResourcePlannedValuesMap["module.tenant_isolation.module.backend.aws_lambda_function.this"]
		policy := plan.ResourcePlannedValuesMap["module.tenant_isolation.module.router.aws_iam_role_policy.this"]
		require.NotNil(t, backend, "backend function address changed")
		require.NotNil(t, policy, "router policy address changed")
		backendARN, err := traffic.FunctionARN(context.Background(), tg.AWSConfig(), backend.AttributeValues["function_name"].(string))
		require.NoError(t, err)
		doc, ok := policy.AttributeValues["policy"].(string)
		require.True(t, ok, "the router policy must be known at plan time")
		require.NoError(t, verdict.CheckInvokeScope(backendARN, doc))
	})
	t.Run("every mapping reports batch item failures", func(t *testing.T) {
		require.Len(t, mappings, 2, "one per source queue: orders and the EventBridge buffer")
		for _, addr := range mappings {
			assert.Equal(t, []any{"ReportBatchItemFailures"}, plan.ResourcePlannedValuesMap[addr].AttributeValues["function_response_types"], addr)
		}
	})
	t.Run("dead-letter queues accept only their source queues", func(t *testing.T) {
		for dlq, source := range map[string]string{
			`module.tenant_isolation.module.sqs_source["orders"].module.dlq.aws_sqs_queue.this`:         "-orders",
			`module.tenant_isolation.module.eventbridge_source["events"].module.dlq.aws_sqs_queue.this`: "-events-buffer",
		} {
			q := plan.ResourcePlannedValuesMap[dlq]
			require.NotNil(t, q, "dead-letter queue address changed: %s", dlq)
			var p struct {
				RedrivePermission string   `json:"redrivePermission"`
				SourceQueueArns   []string `json:"sourceQueueArns"`
			}
			require.NoError(t, json.Unmarshal([]byte(q.AttributeValues["redrive_allow_policy"].(string)), &p), dlq)
			assert.Equal(t, "byQueue", p.RedrivePermission, dlq)
			require.Len(t, p.SourceQueueArns, 1, dlq)
			assert.True(t, strings.HasSuffix(p.SourceQueueArns[0], source), "%s allows %s", dlq, p.SourceQueueArns[0])
		}
	})
	t.Run("role names carry the region", func(t *testing.T) {
		// The provider plans the router's environment as a whole unknown (the quarantine
		// URL is known only after apply), so the region is the one the stack plans in.
		region := tg.AWSConfig().Region
		require.NotEmpty(t, region)
		for _, name := range []string{"router", "backend"} {
			role := plan.ResourcePlannedValuesMap["module.tenant_isolation.module."+name+".aws_iam_role.this"]
			require.NotNil(t, role, "%s role address changed", name)
			assert.Equal(t, opts.Vars["name"].(string)+"-"+name+"-"+region, role.AttributeValues["name"])
		}
	})
}

// TestPlanFIFODirect plans examples/fifo-direct: a FIFO source, a direct EventBridge
// target, a KMS key and packages in S3. localaws has neither KMS nor S3, so this
// example is tested by plan only.
func TestPlanFIFODirect(t *testing.T) {
	t.Parallel()
	opts := newStack(t, "examples/fifo-direct", "tf", runner.PlanOnly, true).Options
	opts.PlanFilePath = filepath.Join(opts.TerraformDir, "plan.out")
	plan := terraform.InitAndPlanAndShowWithStruct(t, opts)
	const root = "module.tenant_isolation."
	planned := func(t *testing.T, addr string) map[string]any {
		t.Helper()
		r := plan.ResourcePlannedValuesMap[root+addr]
		require.NotNil(t, r, "address changed: %s", addr)
		return r.AttributeValues
	}
	unknown := func(addr, attr string) bool {
		rc := plan.ResourceChangesMap[root+addr]
		if rc == nil || rc.Change == nil {
			return false
		}
		m, _ := rc.Change.AfterUnknown.(map[string]any)
		return m[attr] == true
	}

	t.Run("FIFO source maps to the router without a batching window", func(t *testing.T) {
		q := planned(t, `module.sqs_source["orders"].module.queue.aws_sqs_queue.this`)
		assert.Equal(t, true, q["fifo_queue"])
		assert.True(t, strings.HasSuffix(q["name"].(string), "-orders.fifo"), q["name"])
		esm := planned(t, `module.sqs_source["orders"].aws_lambda_event_source_mapping.this`)
		assert.EqualValues(t, 10, esm["batch_size"])
		assert.Nil(t, esm["maximum_batching_window_in_seconds"])
		assert.Equal(t, []any{map[string]any{"metrics": []any{"EventCount"}}}, esm["metrics_config"])
	})
	t.Run("EventBridge targets the router and its failures go to the source's DLQ", func(t *testing.T) {
		for addr := range plan.ResourcePlannedValuesMap {
			assert.False(t, strings.HasPrefix(addr, root+`module.eventbridge_source["events"].aws_lambda_event_source_mapping`), "no buffer mapping: %s", addr)
		}
		tgt := planned(t, `module.eventbridge_source["events"].aws_cloudwatch_event_target.this["tenant_work"]`)
		assert.True(t, strings.HasSuffix(tgt["arn"].(string), ":function:"+opts.Vars["name"].(string)+"-router"), tgt["arn"])
		cfg := planned(t, "module.router.aws_lambda_function_event_invoke_config.this")
		dest := cfg["destination_config"].([]any)[0].(map[string]any)["on_failure"].([]any)[0].(map[string]any)["destination"]
		assert.True(t, strings.HasSuffix(dest.(string), ":"+opts.Vars["name"].(string)+"-events-dlq"), dest)
	})
	t.Run("packages come from S3", func(t *testing.T) {
		for _, fn := range []string{"router", "backend"} {
			f := planned(t, "module."+fn+".aws_lambda_function.this")
			assert.Nil(t, f["filename"], fn)
			assert.True(t, unknown("module."+fn+".aws_lambda_function.this", "s3_bucket"), "%s: s3_bucket comes from the bucket", fn)
			assert.True(t, unknown("module."+fn+".aws_lambda_function.this", "s3_object_version"), "%s: s3_object_version comes from the upload", fn)
		}
	})
	t.Run("queues use the customer managed key", func(t *testing.T) {
		for _, q := range []string{
			`module.sqs_source["orders"].module.queue.aws_sqs_queue.this`,
			`module.sqs_source["orders"].module.dlq.aws_sqs_queue.this`,
			`module.eventbridge_source["events"].module.dlq.aws_sqs_queue.this`,
			"module.router.module.quarantine_queue.aws_sqs_queue.this",
			"module.backend.module.on_failure_queue[0].aws_sqs_queue.this",
		} {
			assert.True(t, unknown(q, "kms_master_key_id"), "%s: kms_master_key_id comes from the key", q)
		}
	})
}

// TestPlanRejectsBadVariables checks that wrong configuration fails at plan with a
// message that names the fix.
func TestPlanRejectsBadVariables(t *testing.T) {
	t.Parallel()
	opts := newStack(t, "examples/complete", "tv", runner.PlanOnly, true).Options
	terraform.Init(t, opts)
	tests := []struct {
		name string
		vars map[string]any
		want string
	}{
		{"a tenant pattern that is not a regex", map[string]any{"tenant_pattern": "^([a-z$"}, "Set tenant_pattern to a valid RE2 regular expression"},
		{"an unanchored tenant pattern", map[string]any{"tenant_pattern": "[a-z]+"}, "Anchor tenant_pattern with ^ at the start and $ at the end"},
		{"batch size 0", map[string]any{"batch_size": 0}, "Set batch_size from 1 to 10000"},
		{"an unknown architecture", map[string]any{"architecture": "sparc"}, `Set architecture to "arm64" or "x86_64"`},
		{"an unknown invocation mode", map[string]any{"invocation_mode": "fire-and-forget"}, `Set invocation_mode to "async" or "sync"`},
		{"a known tenant AWS would refuse", map[string]any{"known_tenants": []string{"acme;drop"}}, "Use tenant IDs of 1-256 characters"},
		{"an unknown tenant id case", map[string]any{"tenant_id_case": "upper"}, `Set tenant_id_case to "lower" or "preserve"`},
		{"a known tenant with capitals under lower case", map[string]any{"known_tenants": []string{"Acme"}}, "Write every tenant in known_tenants in lower case"},
		{"known tenants that differ only in case", map[string]any{"known_tenants": []string{"acme", "ACME"}, "tenant_id_case": "preserve"}, "Keep one spelling of each tenant"},
		{"a sync batch that outlives the router", map[string]any{"invocation_mode": "sync", "router_timeout": 20}, "In sync mode router_timeout (20 s) must cover a whole batch"},
		{"more known tenants than the router's environment holds", map[string]any{"known_tenants": manyTenants(300)}, "over Lambda's 4 KB limit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := *opts
			o.Vars = map[string]any{}
			for k, v := range opts.Vars {
				o.Vars[k] = v
			}
			for k, v := range tt.vars {
				o.Vars[k] = v
			}
			out, err := terraform.PlanE(t, &o)
			require.Error(t, err, "plan must fail")
			assert.Contains(t, flatten(out+err.Error()), tt.want)
		})
	}
}

// manyTenants returns n distinct valid tenant IDs.
func manyTenants(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("tenant-%03d", i)
	}
	return out
}

var boxAndSpace = regexp.MustCompile(`[│╷╵\s]+`)

// flatten undoes Terraform's wrapping of diagnostics so messages can be matched whole.
func flatten(s string) string { return strings.TrimSpace(boxAndSpace.ReplaceAllString(s, " ")) }
