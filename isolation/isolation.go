// Package isolation helps write Lambda handlers for functions created with tenancy_config PER_TENANT.
//
// Lambda gives each tenant its own execution environments and tells the handler which tenant it serves through the
// Runtime API (the Lambda-Runtime-Aws-Tenant-Id header, surfaced by aws-lambda-go as LambdaContext.TenantID). This
// package reads it (TenantID), checks that an environment only ever serves one tenant (Guard), and adds the tenant to
// every structured log line (NewLogHandler, NewLogger). TenantAccess gives AWS credentials scoped to the invocation's
// tenant. Envelope is the payload the router sends to the backend.
//
// A handler should take its tenant from the context, never from the payload: the context value is set by Lambda from
// the TenantId of the Invoke call, which the router only sets after validating the message.
package isolation

import (
	"context"

	"github.com/aws/aws-lambda-go/lambdacontext"
)

// TenantID returns the tenant of the current invocation and whether there is one. It is empty outside an invocation
// (at init) and for functions without tenant isolation.
func TenantID(ctx context.Context) (string, bool) {
	lc, ok := lambdacontext.FromContext(ctx)
	if !ok || lc.TenantID == "" {
		return "", false
	}
	return lc.TenantID, true
}

// RequestID returns the AWS request ID of the current invocation, or "".
func RequestID(ctx context.Context) string {
	if lc, ok := lambdacontext.FromContext(ctx); ok {
		return lc.AwsRequestID
	}
	return ""
}

// Envelope is the JSON payload the router sends to the backend (docs/contracts.md). TenantID repeats the tenant the
// router passed as the Invoke TenantId; a handler compares the two and trusts only the context.
type Envelope struct {
	TenantID  string `json:"tenant_id"`
	Source    string `json:"source"`     // the router's source name, for example "orders"
	MessageID string `json:"message_id"` // SQS message ID, or EventBridge event ID for direct events
	Body      string `json:"body"`       // the original SQS body, or the EventBridge event JSON
}
