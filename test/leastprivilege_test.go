//go:build e2e

package test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/gruntwork-io/terratest/modules/terraform"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/e2e/runner"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/e2e/traffic"
)

// TestLeastPrivilege applies examples/minimal and asks IAM, through
// SimulatePrincipalPolicy on the applied roles, the same questions on localaws and in an
// account: the router may invoke the backend (and its versions) and nothing else, send
// only to its quarantine queue and consume only its own source; the backend may invoke
// nothing and may not read the source. Then it takes the router's quarantine permission
// away and shows that the router's own call is refused with AccessDenied.
func TestLeastPrivilege(t *testing.T) {
	t.Parallel()
	s := newStack(t, "examples/minimal", "tl", runner.DestroyOnAWS, true)
	terraform.InitAndApply(t, s.Options)
	ctx := context.Background()
	cfg := tg.AWSConfig()
	out := func(name string) string { return terraform.Output(t, s.Options, name) }
	queue := func(output string) string {
		arn, err := traffic.QueueARN(ctx, cfg, out(output))
		require.NoError(t, err)
		return arn
	}
	role := func(function string) string {
		arn, err := traffic.FunctionRole(ctx, cfg, out(function))
		require.NoError(t, err)
		return arn
	}
	router, backend := role("router_function_name"), role("backend_function_name")
	routerFn, err := traffic.FunctionARN(ctx, cfg, out("router_function_name"))
	require.NoError(t, err)
	backendFn, err := traffic.FunctionARN(ctx, cfg, out("backend_function_name"))
	require.NoError(t, err)
	otherFn := strings.TrimSuffix(backendFn, out("backend_function_name")) + "some-other-function"
	source, quarantine, dlq := queue("source_queue_url"), queue("quarantine_queue_url"), queue("dlq_url")
	evidence, onFailure := queue("evidence_queue_url"), queue("on_failure_queue_url")

	const allowed, denied = "allowed", "implicitDeny"
	tests := []struct {
		name, role, action, resource, want string
	}{
		{"router invokes the backend", router, "lambda:InvokeFunction", backendFn, allowed},
		{"router invokes a version of the backend", router, "lambda:InvokeFunction", backendFn + ":1", allowed},
		{"router invokes no other function", router, "lambda:InvokeFunction", otherFn, denied},
		{"router does not invoke itself", router, "lambda:InvokeFunction", routerFn, denied},
		{"router sends rejects to quarantine", router, "sqs:SendMessage", quarantine, allowed},
		{"router sends nothing to its source", router, "sqs:SendMessage", source, denied},
		{"router sends nothing to the DLQ", router, "sqs:SendMessage", dlq, denied},
		{"router sends nothing to the evidence queue", router, "sqs:SendMessage", evidence, denied},
		{"router receives from its source", router, "sqs:ReceiveMessage", source, allowed},
		{"router deletes from its source", router, "sqs:DeleteMessage", source, allowed},
		{"router does not read the quarantine", router, "sqs:ReceiveMessage", quarantine, denied},
		{"router does not read the DLQ", router, "sqs:ReceiveMessage", dlq, denied},
		{"router does not purge its source", router, "sqs:PurgeQueue", source, denied},
		{"backend invokes no backend", backend, "lambda:InvokeFunction", backendFn, denied},
		{"backend invokes no router", backend, "lambda:InvokeFunction", routerFn, denied},
		{"backend does not read the source", backend, "sqs:ReceiveMessage", source, denied},
		{"backend does not send to the source", backend, "sqs:SendMessage", source, denied},
		{"backend does not send to quarantine", backend, "sqs:SendMessage", quarantine, denied},
		{"backend writes its evidence", backend, "sqs:SendMessage", evidence, allowed},
		{"backend's async failures reach the on-failure queue", backend, "sqs:SendMessage", onFailure, allowed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := traffic.Simulate(ctx, cfg, tt.role, tt.action, tt.resource)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got, "%s %s on %s", tt.role, tt.action, tt.resource)
		})
	}

	t.Run("router without its quarantine permission is refused", func(t *testing.T) {
		if !tg.EnforcesIAM() {
			t.Skip("localaws runs with IAM enforcement off: nothing is refused")
		}
		line, err := traffic.DenyQuarantine(ctx, cfg, router, quarantine, out("source_queue_url"),
			"/aws/lambda/"+out("router_function_name"), 3*time.Minute)
		require.NoError(t, err)
		t.Logf("router log: %s", line)
	})
}
