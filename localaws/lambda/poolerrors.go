package lambda

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/lambda/execenv"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/protocol"
)

// poolError is the one place where the data plane's errors (package execenv) become
// Lambda's API errors. Anything else, such as a cancelled context, passes unchanged.
func poolError(err error) error {
	var (
		throttled *execenv.ThrottledError
		runtime   *execenv.InvalidRuntimeError
		pkg       *execenv.PackageError
	)
	switch {
	case errors.As(err, &throttled):
		return tooManyRequests(throttled.Reason)
	case errors.Is(err, execenv.ErrShuttingDown):
		return &protocol.Error{Code: "ServiceException", HTTPStatus: http.StatusServiceUnavailable, Type: "Service",
			Message: "localaws is shutting down"}
	case errors.As(err, &runtime):
		msg := fmt.Sprintf("localaws runs provided.*, python3.x and nodejs* functions, not %q: "+
			"package the function as a bootstrap executable or use one of those runtimes", runtime.Runtime)
		if runtime.Reason != "" {
			msg = fmt.Sprintf("localaws cannot run %s functions: %s", runtime.Runtime, runtime.Reason)
		}
		return &protocol.Error{Code: "InvalidRuntimeException", HTTPStatus: http.StatusBadGateway, Type: "User",
			Message: msg}
	case errors.As(err, &pkg):
		return &protocol.Error{Code: "ServiceException", HTTPStatus: http.StatusInternalServerError, Type: "Service",
			Message: fmt.Sprintf("cannot unpack the deployment package of %s: %v", pkg.Function, pkg.Err)}
	}
	return err
}

// tooManyRequests is Lambda's throttle. An injected throttle reads as the account's
// limit, the one a caller cannot tell from its own configuration.
func tooManyRequests(reason execenv.ThrottleReason) *protocol.Error {
	awsReason := "ConcurrentInvocationLimitExceeded"
	if reason == execenv.FunctionLimit {
		awsReason = "ReservedFunctionConcurrentInvocationLimitExceeded"
	}
	return &protocol.Error{Code: "TooManyRequestsException", HTTPStatus: http.StatusTooManyRequests,
		Message: "Rate Exceeded.", Fields: map[string]any{"Reason": awsReason}}
}
