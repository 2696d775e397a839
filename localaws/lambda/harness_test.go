package lambda_test

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/require"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/internal/testserver"
	locallambda "github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/lambda"
)

const (
	account = "000000000000"
	role    = "arn:aws:iam::000000000000:role/lambda-exec"
	queue   = "arn:aws:sqs:us-east-1:000000000000:source"
)

// harness is an in-process localaws with only Lambda, and a real SDK client for it.
// The control-plane tests need no other service.
type harness struct {
	t      testing.TB
	srv    *localaws.Server
	client *lambda.Client
}

func newHarness(t testing.TB, extra ...localaws.Factory) *harness {
	t.Helper()
	return newHarnessWith(t, locallambda.Options{}, extra...)
}

// newHarnessWith is newHarness with Lambda built from opts.
func newHarnessWith(t testing.TB, opts locallambda.Options, extra ...localaws.Factory) *harness {
	t.Helper()
	factories := append([]localaws.Factory{localaws.Use(opts.New)}, extra...)
	// Lambda alone, without IAM and STS to assume execution roles: these tests are about
	// Lambda's semantics; functions under IAM enforcement are tested in localaws/iam_test.go.
	srv, cfg := testserver.Start(t, localaws.Config{IAM: localaws.IAMOff}, factories...)
	// Throttles must surface at once instead of being retried behind the test's back.
	cfg.RetryMaxAttempts = 1
	return &harness{t: t, srv: srv, client: lambda.NewFromConfig(cfg)}
}

func (h *harness) ctx() context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	h.t.Cleanup(cancel)
	return ctx
}

func (h *harness) arn(name string) string {
	return "arn:aws:lambda:us-east-1:" + account + ":function:" + name
}

// zipOf builds a deployment package in memory.
func zipOf(t testing.TB, files map[string][]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range files {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate})
		require.NoError(t, err)
		_, err = w.Write(body)
		require.NoError(t, err)
	}
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

// createInput is a valid CreateFunction request; opts adjust it.
func (h *harness) createInput(name string, opts ...func(*lambda.CreateFunctionInput)) *lambda.CreateFunctionInput {
	in := &lambda.CreateFunctionInput{
		FunctionName: aws.String(name),
		Role:         aws.String(role),
		Runtime:      types.RuntimeProvidedal2023,
		Handler:      aws.String("bootstrap"),
		Code:         &types.FunctionCode{ZipFile: zipOf(h.t, map[string][]byte{"bootstrap": []byte("#!/bin/sh\n")})},
	}
	for _, o := range opts {
		o(in)
	}
	return in
}

func (h *harness) create(name string, opts ...func(*lambda.CreateFunctionInput)) *lambda.CreateFunctionOutput {
	h.t.Helper()
	out, err := h.client.CreateFunction(h.ctx(), h.createInput(name, opts...))
	require.NoError(h.t, err)
	return out
}

func perTenant(in *lambda.CreateFunctionInput) {
	in.TenancyConfig = &types.TenancyConfig{TenantIsolationMode: types.TenantIsolationModePerTenant}
}

// requireCode asserts an API error's code and HTTP status.
func requireCode(t testing.TB, err error, code string, status int) {
	t.Helper()
	require.Error(t, err)
	var apiErr smithy.APIError
	require.True(t, errors.As(err, &apiErr), "not an API error: %v", err)
	require.Equal(t, code, apiErr.ErrorCode(), "error: %v", err)
	var re *awshttp.ResponseError
	require.True(t, errors.As(err, &re), "no HTTP response: %v", err)
	require.Equal(t, status, re.HTTPStatusCode(), "error: %v", err)
}

// requireNotFound asserts the typed 404 the provider's finders match on.
func requireNotFound(t testing.TB, err error) *types.ResourceNotFoundException {
	t.Helper()
	var nf *types.ResourceNotFoundException
	require.True(t, errors.As(err, &nf), "want ResourceNotFoundException, got %v", err)
	requireCode(t, err, "ResourceNotFoundException", http.StatusNotFound)
	return nf
}
