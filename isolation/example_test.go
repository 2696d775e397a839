package isolation_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/isolation"
)

// An isolated handler guards every invocation and logs with the tenant attached. In a real function, main would end
// with lambda.Start(isolation.Handler(guard, handle)); here two invocations are simulated by hand.
func Example() {
	// Drop the timestamp so that the output below is stable.
	noTime := func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}
	logger := slog.New(isolation.NewLogHandler(slog.NewJSONHandler(os.Stdout, &slog.HandlerOptions{ReplaceAttr: noTime})))
	guard := isolation.NewGuard(logger)

	handle := func(ctx context.Context, e isolation.Envelope) (string, error) {
		tenant, _ := isolation.TenantID(ctx)
		if e.TenantID != tenant {
			return "", fmt.Errorf("payload names tenant %q but the invocation is for %q", e.TenantID, tenant)
		}
		logger.InfoContext(ctx, "processed", "messageId", e.MessageID)
		return "done", nil
	}
	h := isolation.Handler(guard, handle)

	invoke := func(tenant, request string, e isolation.Envelope) {
		ctx := lambdacontext.NewContext(context.Background(),
			&lambdacontext.LambdaContext{AwsRequestID: request, TenantID: tenant})
		if _, err := h(ctx, e); err != nil {
			fmt.Println("invocation failed:", err)
		}
	}
	invoke("acme", "req-1", isolation.Envelope{TenantID: "acme", MessageID: "m-1"})
	invoke("globex", "req-2", isolation.Envelope{TenantID: "globex", MessageID: "m-2"})

	// Output:
	// {"level":"INFO","msg":"processed","tenantId":"acme","requestId":"req-1","messageId":"m-1"}
	// {"level":"ERROR","msg":"isolation violated","tenantId":"globex","requestId":"req-2","boundTenantId":"acme","receivedTenantId":"globex"}
	// invocation failed: isolation: environment bound to tenant "acme" received tenant "globex"
}
