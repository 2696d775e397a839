package lambda_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// jsonString is a JSON string payload of exactly n bytes.
func jsonString(n int) []byte { return []byte(`"` + strings.Repeat("a", n-2) + `"`) }

func TestInvokeRules(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.create("isolated", perTenant)
	h.create("shared")
	h.create("throttled")
	h.create("java", func(in *lambda.CreateFunctionInput) {
		in.Runtime, in.Handler = types.RuntimeJava21, aws.String("example.Handler::handleRequest")
	})
	_, err := h.client.PutFunctionConcurrency(h.ctx(), &lambda.PutFunctionConcurrencyInput{
		FunctionName: aws.String("throttled"), ReservedConcurrentExecutions: aws.Int32(0)})
	require.NoError(t, err)

	for _, tc := range []struct {
		name    string
		in      lambda.InvokeInput
		code    string
		status  int
		message string
	}{
		{name: "an isolated function without a tenant", in: lambda.InvokeInput{FunctionName: aws.String("isolated")},
			code: "InvalidParameterValueException", status: 400,
			message: "The invoked function is enabled with tenancy configuration. Add a valid tenant ID in your request and try again."},
		{name: "an isolated function asynchronously without a tenant", in: lambda.InvokeInput{FunctionName: aws.String("isolated"),
			InvocationType: types.InvocationTypeEvent}, code: "InvalidParameterValueException", status: 400},
		{name: "a dry run of an isolated function without a tenant", in: lambda.InvokeInput{FunctionName: aws.String("isolated"),
			InvocationType: types.InvocationTypeDryRun}, code: "InvalidParameterValueException", status: 400},
		{name: "a tenant on a function without isolation", in: lambda.InvokeInput{FunctionName: aws.String("shared"),
			TenantId: aws.String("blue")}, code: "InvalidParameterValueException", status: 400},
		{name: "a tenant with a character outside the pattern", in: lambda.InvokeInput{FunctionName: aws.String("isolated"),
			TenantId: aws.String("blue*")}, code: "ValidationException", status: 400},
		{name: "a tenant of 257 characters", in: lambda.InvokeInput{FunctionName: aws.String("isolated"),
			TenantId: aws.String(strings.Repeat("t", 257))}, code: "ValidationException", status: 400},
		{name: "a synchronous payload over 6 MB", in: lambda.InvokeInput{FunctionName: aws.String("shared"),
			Payload: jsonString(6<<20 + 1)}, code: "RequestEntityTooLargeException", status: 413,
			message: "Request must be smaller than 6291456 bytes for the InvokeFunction operation"},
		{name: "an asynchronous payload over 1 MB", in: lambda.InvokeInput{FunctionName: aws.String("shared"),
			InvocationType: types.InvocationTypeEvent, Payload: jsonString(1<<20 + 1)}, code: "RequestEntityTooLargeException", status: 413,
			message: "1048577 byte payload is too large for the Event invocation type (limit 1048576 bytes)"},
		{name: "a payload that is not JSON", in: lambda.InvokeInput{FunctionName: aws.String("shared"), Payload: []byte("hello")},
			code: "InvalidRequestContentException", status: 400},
		{name: "an unknown function", in: lambda.InvokeInput{FunctionName: aws.String("missing")},
			code: "ResourceNotFoundException", status: 404, message: "Function not found: " + h.arn("missing")},
		{name: "an unknown version", in: lambda.InvokeInput{FunctionName: aws.String("shared"), Qualifier: aws.String("7")},
			code: "ResourceNotFoundException", status: 404},
		{name: "a function with zero reserved concurrency", in: lambda.InvokeInput{FunctionName: aws.String("throttled")},
			code: "TooManyRequestsException", status: 429},
		{name: "a runtime localaws cannot run", in: lambda.InvokeInput{FunctionName: aws.String("java")},
			code: "InvalidRuntimeException", status: 502, message: `not "java21"`},
		{name: "an unknown invocation type", in: lambda.InvokeInput{FunctionName: aws.String("shared"), InvocationType: "Later"},
			code: "ValidationException", status: 400},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			_, err := h.client.Invoke(h.ctx(), &in)
			requireCode(t, err, tc.code, tc.status)
			if tc.message != "" {
				assert.Contains(t, err.Error(), tc.message)
			}
		})
	}

	t.Run("the missing tenant is a typed InvalidParameterValueException", func(t *testing.T) {
		_, err := h.client.Invoke(h.ctx(), &lambda.InvokeInput{FunctionName: aws.String("isolated")})
		var ipv *types.InvalidParameterValueException
		require.ErrorAs(t, err, &ipv)
	})
	t.Run("the throttle names its reason", func(t *testing.T) {
		_, err := h.client.Invoke(h.ctx(), &lambda.InvokeInput{FunctionName: aws.String("throttled")})
		var tmr *types.TooManyRequestsException
		require.ErrorAs(t, err, &tmr)
		assert.Equal(t, types.ThrottleReasonReservedFunctionConcurrentInvocationLimitExceeded, tmr.Reason)
	})
}

func TestInvokeAccepted(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.create("isolated", perTenant)
	h.create("shared")
	for _, tc := range []struct {
		name   string
		in     lambda.InvokeInput
		status int32
	}{
		{"a dry run", lambda.InvokeInput{FunctionName: aws.String("shared"), InvocationType: types.InvocationTypeDryRun}, 204},
		{"a dry run with a tenant", lambda.InvokeInput{FunctionName: aws.String("isolated"), InvocationType: types.InvocationTypeDryRun,
			TenantId: aws.String("blue.team:1/a=b+c-d@e f")}, 204},
		{"an event with a tenant", lambda.InvokeInput{FunctionName: aws.String(h.arn("isolated")), InvocationType: types.InvocationTypeEvent,
			TenantId: aws.String("blue")}, 202},
		{"an event of exactly 1 MB", lambda.InvokeInput{FunctionName: aws.String("shared"), InvocationType: types.InvocationTypeEvent,
			Payload: jsonString(1 << 20)}, 202},
		{"a dry run of exactly 6 MB", lambda.InvokeInput{FunctionName: aws.String("shared"), InvocationType: types.InvocationTypeDryRun,
			Payload: jsonString(6 << 20)}, 204},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			out, err := h.client.Invoke(h.ctx(), &in)
			require.NoError(t, err)
			assert.Equal(t, tc.status, out.StatusCode)
			assert.True(t, bytes.Equal(nil, out.Payload) || len(out.Payload) == 0, "no payload on %d", tc.status)
		})
	}
}
