package router

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/smithy-go"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/config"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/tenant"
)

// invokeError is a failed Invoke, classified. A non-nil rejection makes the failure permanent (quarantine);
// otherwise the message is left for a retry.
type invokeError struct {
	reason    string     // for logs: throttled, server_error, client_error, function_error, ...
	level     slog.Level // how loudly to log it
	rejection *tenant.Rejection
	err       error
}

func (e *invokeError) Error() string { return e.reason + ": " + e.err.Error() }
func (e *invokeError) Unwrap() error { return e.err }

// invoke calls the backend once. The SDK's retryer has already retried throttles and 5xx responses with backoff by
// the time an error reaches here.
func (r *Router) invoke(ctx context.Context, tenantID string, payload []byte) error {
	in := &lambda.InvokeInput{
		FunctionName: aws.String(r.function),
		Payload:      payload,
		TenantId:     aws.String(tenantID),
	}
	want := int32(http.StatusAccepted)
	in.InvocationType = types.InvocationTypeEvent
	if r.mode == config.ModeSync {
		in.InvocationType = types.InvocationTypeRequestResponse
		want = http.StatusOK
	}
	out, err := r.inv.Invoke(ctx, in)
	if err != nil {
		return classify(err)
	}
	if out.FunctionError != nil {
		// Only synchronous invocations report function errors. The response payload is the backend's error object;
		// it may hold tenant data, so it is not logged.
		return &invokeError{reason: "function_error", level: slog.LevelWarn,
			err: fmt.Errorf("backend returned function error %q", aws.ToString(out.FunctionError))}
	}
	if out.StatusCode != want {
		return &invokeError{reason: "unexpected_status", level: slog.LevelError,
			err: fmt.Errorf("invoke returned status %d, want %d", out.StatusCode, want)}
	}
	return nil
}

// classify sorts an Invoke error by type, never by message text.
func classify(err error) *invokeError {
	ie := &invokeError{reason: "invoke_error", level: slog.LevelError, err: err}
	var status interface{ HTTPStatusCode() int }
	var api smithy.APIError
	switch {
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled):
		ie.reason, ie.level = "deadline", slog.LevelWarn
	case isType[*types.RequestTooLargeException](err) || isType[*types.SerializedRequestEntityTooLargeException](err),
		// The code Lambda sends for an oversized payload; the SDK has no type for it.
		errors.As(err, &api) && api.ErrorCode() == "RequestEntityTooLargeException":
		ie.reason, ie.level = "too_large", slog.LevelWarn
		ie.rejection = tenant.Reject(tenant.ReasonTooLarge, "Lambda refused the payload as too large")
	case isType[*types.TooManyRequestsException](err) || isType[*types.EC2ThrottledException](err):
		// Includes the tenant-isolation limit on environments per concurrency.
		ie.reason, ie.level = "throttled", slog.LevelWarn
	case errors.As(err, &api) && api.ErrorFault() == smithy.FaultServer,
		errors.As(err, &status) && status.HTTPStatusCode() >= 500:
		ie.reason, ie.level = "server_error", slog.LevelWarn
	case errors.As(err, &api):
		// A client fault that is not the message's: access denied, function not found, a function created without
		// tenancy_config. The deployment is wrong; retrying, and then the DLQ, keeps the message.
		ie.reason = "client_error:" + api.ErrorCode()
	}
	return ie
}

func isType[E error](err error) bool {
	_, ok := errors.AsType[E](err)
	return ok
}
