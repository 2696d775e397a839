package lambda

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/lambda/execenv"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/protocol"
)

func TestPoolErrorsBecomeLambdaErrors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		err    error
		code   string
		status int
		reason string
	}{
		{"the reserved concurrency throttles", &execenv.ThrottledError{Reason: execenv.FunctionLimit},
			"TooManyRequestsException", 429, "ReservedFunctionConcurrentInvocationLimitExceeded"},
		{"the account concurrency throttles", &execenv.ThrottledError{Reason: execenv.AccountLimit},
			"TooManyRequestsException", 429, "ConcurrentInvocationLimitExceeded"},
		{"an injected throttle reads as the account's", &execenv.ThrottledError{Reason: execenv.InjectedThrottle},
			"TooManyRequestsException", 429, "ConcurrentInvocationLimitExceeded"},
		{"a wrapped throttle is still a throttle", fmt.Errorf("invoke: %w", &execenv.ThrottledError{Reason: execenv.AccountLimit}),
			"TooManyRequestsException", 429, "ConcurrentInvocationLimitExceeded"},
		{"a shutdown is unavailable", execenv.ErrShuttingDown, "ServiceException", 503, ""},
		{"a runtime that cannot run is a bad gateway", &execenv.InvalidRuntimeError{Runtime: "java21"},
			"InvalidRuntimeException", 502, ""},
		{"a package that cannot be unpacked is the service's fault",
			&execenv.PackageError{Function: "f", Err: errors.New("disk full")}, "ServiceException", 500, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var pe *protocol.Error
			require.ErrorAs(t, poolError(tc.err), &pe)
			assert.Equal(t, tc.code, pe.Code)
			assert.Equal(t, tc.status, pe.Status())
			reason, _ := pe.Fields["Reason"].(string)
			assert.Equal(t, tc.reason, reason)
		})
	}
	t.Run("other errors pass unchanged", func(t *testing.T) {
		assert.Nil(t, poolError(nil))
		assert.Same(t, context.Canceled, poolError(context.Canceled))
	})
}
