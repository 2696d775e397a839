package lambda_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var lastModified = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+0000$`)

func TestFunctionRoundTripCarriesWhatTheProviderReads(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	zip := zipOf(t, map[string][]byte{"bootstrap": []byte("v1")})
	sum := sha256.Sum256(zip)

	created := h.create("worker", perTenant, func(in *lambda.CreateFunctionInput) {
		in.Code.ZipFile = zip
		in.Tags = map[string]string{"team": "a"}
		in.Environment = &types.Environment{Variables: map[string]string{"MODE": "test"}}
		in.LoggingConfig = &types.LoggingConfig{LogFormat: types.LogFormatJson}
	})
	assert.Equal(t, types.StatePending, created.State, "a new function is Pending first")
	assert.Equal(t, types.LastUpdateStatusSuccessful, created.LastUpdateStatus)
	assert.Equal(t, base64.StdEncoding.EncodeToString(sum[:]), aws.ToString(created.CodeSha256))
	assert.EqualValues(t, len(zip), created.CodeSize)
	assert.Equal(t, "$LATEST", aws.ToString(created.Version))
	assert.Equal(t, h.arn("worker"), aws.ToString(created.FunctionArn))
	assert.Regexp(t, lastModified, aws.ToString(created.LastModified))
	assert.NotEmpty(t, aws.ToString(created.RevisionId))
	assert.Equal(t, []types.Architecture{types.ArchitectureX8664}, created.Architectures)
	assert.EqualValues(t, 3, aws.ToInt32(created.Timeout))
	assert.EqualValues(t, 128, aws.ToInt32(created.MemorySize))
	assert.EqualValues(t, 512, aws.ToInt32(created.EphemeralStorage.Size))
	assert.Equal(t, types.PackageTypeZip, created.PackageType)
	assert.Equal(t, types.TracingModePassThrough, created.TracingConfig.Mode)
	assert.Equal(t, &types.LoggingConfig{LogFormat: types.LogFormatJson, LogGroup: aws.String("/aws/lambda/worker"),
		ApplicationLogLevel: types.ApplicationLogLevelInfo, SystemLogLevel: types.SystemLogLevelInfo}, created.LoggingConfig)
	require.NotNil(t, created.TenancyConfig)
	assert.Equal(t, types.TenantIsolationModePerTenant, created.TenancyConfig.TenantIsolationMode)

	got, err := h.client.GetFunction(h.ctx(), &lambda.GetFunctionInput{FunctionName: aws.String("worker")})
	require.NoError(t, err)
	require.NotNil(t, got.Configuration)
	require.NotNil(t, got.Code, "the provider treats a nil Code as not found")
	assert.Equal(t, types.StateActive, got.Configuration.State, "the next read sees Active")
	assert.Equal(t, "S3", aws.ToString(got.Code.RepositoryType))
	assert.Equal(t, map[string]string{"team": "a"}, got.Tags)
	assert.Equal(t, map[string]string{"MODE": "test"}, got.Configuration.Environment.Variables)
	assert.Equal(t, types.TenantIsolationModePerTenant, got.Configuration.TenancyConfig.TenantIsolationMode)
	assert.Nil(t, got.Concurrency, "no reservation, no Concurrency")

	resp, err := http.Get(aws.ToString(got.Code.Location))
	require.NoError(t, err)
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, resp.Body.Close())
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.True(t, bytes.Equal(zip, body), "Code.Location serves the uploaded package")

	byARN, err := h.client.GetFunctionConfiguration(h.ctx(), &lambda.GetFunctionConfigurationInput{
		FunctionName: aws.String(h.arn("worker")), Qualifier: aws.String("$LATEST")})
	require.NoError(t, err)
	assert.Equal(t, h.arn("worker")+":$LATEST", aws.ToString(byARN.FunctionArn), "a qualified read returns a qualified ARN")

	updated, err := h.client.UpdateFunctionConfiguration(h.ctx(), &lambda.UpdateFunctionConfigurationInput{
		FunctionName: aws.String("worker"), MemorySize: aws.Int32(256), Timeout: aws.Int32(30),
		Environment: &types.Environment{Variables: map[string]string{}},
	})
	require.NoError(t, err)
	assert.Equal(t, types.LastUpdateStatusInProgress, updated.LastUpdateStatus)
	assert.NotEqual(t, aws.ToString(created.RevisionId), aws.ToString(updated.RevisionId))
	cfg, err := h.client.GetFunctionConfiguration(h.ctx(), &lambda.GetFunctionConfigurationInput{FunctionName: aws.String("worker")})
	require.NoError(t, err)
	assert.Equal(t, types.LastUpdateStatusSuccessful, cfg.LastUpdateStatus)
	assert.EqualValues(t, 256, aws.ToInt32(cfg.MemorySize))
	assert.EqualValues(t, 30, aws.ToInt32(cfg.Timeout))
	assert.Nil(t, cfg.Environment, "empty variables remove the environment")
	require.NotNil(t, cfg.TenancyConfig, "tenancy survives a configuration update")
	assert.Equal(t, types.TenantIsolationModePerTenant, cfg.TenancyConfig.TenantIsolationMode)

	zip2 := zipOf(t, map[string][]byte{"bootstrap": []byte("v2")})
	code, err := h.client.UpdateFunctionCode(h.ctx(), &lambda.UpdateFunctionCodeInput{FunctionName: aws.String("worker"), ZipFile: zip2})
	require.NoError(t, err)
	assert.Equal(t, types.LastUpdateStatusInProgress, code.LastUpdateStatus)
	assert.NotEqual(t, aws.ToString(created.CodeSha256), aws.ToString(code.CodeSha256))
	cfg, err = h.client.GetFunctionConfiguration(h.ctx(), &lambda.GetFunctionConfigurationInput{FunctionName: aws.String("worker")})
	require.NoError(t, err)
	assert.Equal(t, types.LastUpdateStatusSuccessful, cfg.LastUpdateStatus)
	assert.Equal(t, aws.ToString(code.CodeSha256), aws.ToString(cfg.CodeSha256))

	_, err = h.client.DeleteFunction(h.ctx(), &lambda.DeleteFunctionInput{FunctionName: aws.String("worker")})
	require.NoError(t, err)
	_, err = h.client.GetFunction(h.ctx(), &lambda.GetFunctionInput{FunctionName: aws.String("worker")})
	nf := requireNotFound(t, err)
	assert.Equal(t, "Function not found: "+h.arn("worker"), aws.ToString(nf.Message))
}

func TestCreateFunctionRejects(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.create("taken")
	for _, tc := range []struct {
		name   string
		fn     string
		mutate func(*lambda.CreateFunctionInput)
		code   string
		status int
	}{
		{"an existing name is a conflict", "taken", nil, "ResourceConflictException", 409},
		{"a role that is not an IAM role ARN", "f", func(in *lambda.CreateFunctionInput) { in.Role = aws.String("lambda-exec") }, "ValidationException", 400},
		{"memory below 128 MB", "f", func(in *lambda.CreateFunctionInput) { in.MemorySize = aws.Int32(64) }, "ValidationException", 400},
		{"memory above 10240 MB", "f", func(in *lambda.CreateFunctionInput) { in.MemorySize = aws.Int32(10241) }, "ValidationException", 400},
		{"timeout above 900 s", "f", func(in *lambda.CreateFunctionInput) { in.Timeout = aws.Int32(901) }, "ValidationException", 400},
		{"two architectures", "f", func(in *lambda.CreateFunctionInput) {
			in.Architectures = []types.Architecture{types.ArchitectureX8664, types.ArchitectureArm64}
		}, "ValidationException", 400},
		{"an unknown tenant isolation mode", "f", func(in *lambda.CreateFunctionInput) {
			in.TenancyConfig = &types.TenancyConfig{TenantIsolationMode: "SHARED"}
		}, "ValidationException", 400},
		{"code from S3, which is not emulated", "f", func(in *lambda.CreateFunctionInput) {
			in.Code = &types.FunctionCode{S3Bucket: aws.String("b"), S3Key: aws.String("k")}
		}, "InvalidParameterValueException", 400},
		{"a container image, which localaws cannot run", "f", func(in *lambda.CreateFunctionInput) {
			in.PackageType, in.Runtime, in.Handler = types.PackageTypeImage, "", nil
			in.Code = &types.FunctionCode{ImageUri: aws.String("123456789012.dkr.ecr.us-east-1.amazonaws.com/worker:v1")}
		}, "InvalidParameterValueException", 400},
		{"a file that is not a zip", "f", func(in *lambda.CreateFunctionInput) { in.Code.ZipFile = []byte("not a zip") }, "InvalidParameterValueException", 400},
		{"no handler for a zip package", "f", func(in *lambda.CreateFunctionInput) { in.Handler = nil }, "InvalidParameterValueException", 400},
		{"a deprecated runtime", "f", func(in *lambda.CreateFunctionInput) { in.Runtime = types.RuntimeGo1x }, "InvalidParameterValueException", 400},
		{"log levels with the Text format", "f", func(in *lambda.CreateFunctionInput) {
			in.LoggingConfig = &types.LoggingConfig{LogFormat: types.LogFormatText, ApplicationLogLevel: types.ApplicationLogLevelDebug}
		}, "InvalidParameterValueException", 400},
		{"a reserved environment variable", "f", func(in *lambda.CreateFunctionInput) {
			in.Environment = &types.Environment{Variables: map[string]string{"AWS_REGION": "eu-west-1"}}
		}, "InvalidParameterValueException", 400},
		{"environment variables above 4 KB", "f", func(in *lambda.CreateFunctionInput) {
			in.Environment = &types.Environment{Variables: map[string]string{"BIG": strings.Repeat("x", 4096)}}
		}, "InvalidParameterValueException", 400},
		{"an invalid function name", "bad name!", nil, "ValidationException", 400},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := h.createInput(tc.fn)
			if tc.mutate != nil {
				tc.mutate(in)
			}
			_, err := h.client.CreateFunction(h.ctx(), in)
			requireCode(t, err, tc.code, tc.status)
		})
	}
	_, err := h.client.GetFunction(h.ctx(), &lambda.GetFunctionInput{FunctionName: aws.String("f")})
	requireNotFound(t, err)
}

// The SDK's UpdateFunctionConfiguration has no TenancyConfig member, so this sends the
// request a client written against the API reference could send.
func TestTenancyConfigIsImmutable(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.create("isolated", perTenant)
	req, err := http.NewRequest(http.MethodPut, h.srv.URL()+"/2015-03-31/functions/isolated/configuration",
		strings.NewReader(`{"TenancyConfig":{"TenantIsolationMode":"PER_TENANT"},"MemorySize":512}`))
	require.NoError(t, err)
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/lambda/aws4_request, SignedHeaders=host, Signature=0")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Equal(t, "InvalidParameterValueException", resp.Header.Get("X-Amzn-ErrorType"))

	cfg, err := h.client.GetFunctionConfiguration(h.ctx(), &lambda.GetFunctionConfigurationInput{FunctionName: aws.String("isolated")})
	require.NoError(t, err)
	assert.EqualValues(t, 128, aws.ToInt32(cfg.MemorySize), "a refused update changes nothing")
	assert.Equal(t, types.TenantIsolationModePerTenant, cfg.TenancyConfig.TenantIsolationMode)
}

func TestVersions(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.create("fn")
	list := func(opts ...func(*lambda.ListVersionsByFunctionInput)) []string {
		t.Helper()
		in := &lambda.ListVersionsByFunctionInput{FunctionName: aws.String("fn"), MaxItems: aws.Int32(10000)}
		for _, o := range opts {
			o(in)
		}
		out, err := h.client.ListVersionsByFunction(h.ctx(), in)
		require.NoError(t, err)
		var arns []string
		for _, v := range out.Versions {
			arns = append(arns, aws.ToString(v.FunctionArn))
		}
		return arns
	}
	assert.Equal(t, []string{h.arn("fn") + ":$LATEST"}, list(), "$LATEST is always listed")

	v1, err := h.client.PublishVersion(h.ctx(), &lambda.PublishVersionInput{FunctionName: aws.String("fn")})
	require.NoError(t, err)
	assert.Equal(t, "1", aws.ToString(v1.Version))
	assert.Equal(t, h.arn("fn")+":1", aws.ToString(v1.FunctionArn))
	again, err := h.client.PublishVersion(h.ctx(), &lambda.PublishVersionInput{FunctionName: aws.String("fn")})
	require.NoError(t, err)
	assert.Equal(t, "1", aws.ToString(again.Version), "an unchanged $LATEST publishes no new version")

	_, err = h.client.PublishVersion(h.ctx(), &lambda.PublishVersionInput{FunctionName: aws.String("fn"), CodeSha256: aws.String("stale")})
	requireCode(t, err, "InvalidParameterValueException", 400)

	_, err = h.client.UpdateFunctionCode(h.ctx(), &lambda.UpdateFunctionCodeInput{FunctionName: aws.String("fn"),
		ZipFile: zipOf(t, map[string][]byte{"bootstrap": []byte("v2")}), Publish: true})
	require.NoError(t, err)
	assert.Equal(t, []string{h.arn("fn") + ":$LATEST", h.arn("fn") + ":1", h.arn("fn") + ":2"}, list(),
		"oldest first, so the last entry is the newest")

	page, err := h.client.ListVersionsByFunction(h.ctx(), &lambda.ListVersionsByFunctionInput{FunctionName: aws.String("fn"), MaxItems: aws.Int32(2)})
	require.NoError(t, err)
	require.Len(t, page.Versions, 2)
	require.NotNil(t, page.NextMarker)
	assert.Equal(t, []string{h.arn("fn") + ":2"}, list(func(in *lambda.ListVersionsByFunctionInput) { in.Marker = page.NextMarker }))

	one, err := h.client.GetFunctionConfiguration(h.ctx(), &lambda.GetFunctionConfigurationInput{FunctionName: aws.String("fn"), Qualifier: aws.String("1")})
	require.NoError(t, err)
	assert.Equal(t, aws.ToString(v1.CodeSha256), aws.ToString(one.CodeSha256), "a version keeps its code")

	_, err = h.client.DeleteFunction(h.ctx(), &lambda.DeleteFunctionInput{FunctionName: aws.String("fn"), Qualifier: aws.String("$LATEST")})
	requireCode(t, err, "InvalidParameterValueException", 400)
	_, err = h.client.DeleteFunction(h.ctx(), &lambda.DeleteFunctionInput{FunctionName: aws.String("fn:1")})
	require.NoError(t, err)
	_, err = h.client.GetFunction(h.ctx(), &lambda.GetFunctionInput{FunctionName: aws.String("fn"), Qualifier: aws.String("1")})
	nf := requireNotFound(t, err)
	assert.Equal(t, "Function not found: "+h.arn("fn")+":1", aws.ToString(nf.Message))
	_, err = h.client.GetFunction(h.ctx(), &lambda.GetFunctionInput{FunctionName: aws.String("fn:2"), Qualifier: aws.String("1")})
	requireCode(t, err, "InvalidParameterValueException", 400)

	published := h.create("published", func(in *lambda.CreateFunctionInput) { in.Publish = true })
	assert.Equal(t, "1", aws.ToString(published.Version))
}

func TestFunctionNameForms(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.create("fn")
	for _, name := range []string{"fn", h.arn("fn"), account + ":function:fn", "fn:$LATEST", h.arn("fn") + ":$LATEST"} {
		t.Run(name, func(t *testing.T) {
			_, err := h.client.GetFunction(h.ctx(), &lambda.GetFunctionInput{FunctionName: aws.String(name)})
			require.NoError(t, err)
		})
	}
	t.Run("another account is not found", func(t *testing.T) {
		_, err := h.client.GetFunction(h.ctx(), &lambda.GetFunctionInput{FunctionName: aws.String("arn:aws:lambda:us-east-1:111111111111:function:fn")})
		nf := requireNotFound(t, err)
		assert.Contains(t, aws.ToString(nf.Message), "111111111111")
	})
}

func TestListFunctionsPages(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	for i := range 3 {
		h.create(fmt.Sprintf("fn-%d", i), func(in *lambda.CreateFunctionInput) { in.Publish = true })
	}
	var names []string
	p := lambda.NewListFunctionsPaginator(h.client, &lambda.ListFunctionsInput{MaxItems: aws.Int32(2)})
	for p.HasMorePages() {
		out, err := p.NextPage(h.ctx())
		require.NoError(t, err)
		for _, f := range out.Functions {
			names = append(names, aws.ToString(f.FunctionName)+"@"+aws.ToString(f.Version))
		}
	}
	assert.Equal(t, []string{"fn-0@$LATEST", "fn-1@$LATEST", "fn-2@$LATEST"}, names)

	all, err := h.client.ListFunctions(h.ctx(), &lambda.ListFunctionsInput{FunctionVersion: types.FunctionVersionAll})
	require.NoError(t, err)
	assert.Len(t, all.Functions, 6, "FunctionVersion=ALL adds the published versions")
}

func TestPermissions(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.create("fn")
	_, err := h.client.GetPolicy(h.ctx(), &lambda.GetPolicyInput{FunctionName: aws.String("fn")})
	requireNotFound(t, err)

	added, err := h.client.AddPermission(h.ctx(), &lambda.AddPermissionInput{
		FunctionName: aws.String("fn"), StatementId: aws.String("AllowEvents"), Action: aws.String("lambda:InvokeFunction"),
		Principal: aws.String("events.amazonaws.com"), SourceArn: aws.String("arn:aws:events:us-east-1:000000000000:rule/r"),
		SourceAccount: aws.String(account),
	})
	require.NoError(t, err)
	assert.JSONEq(t, `{"Sid":"AllowEvents","Effect":"Allow","Principal":{"Service":"events.amazonaws.com"},
		"Action":"lambda:InvokeFunction","Resource":"`+h.arn("fn")+`",
		"Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:events:us-east-1:000000000000:rule/r"},
		"StringEquals":{"AWS:SourceAccount":"`+account+`"}}}`, aws.ToString(added.Statement))

	_, err = h.client.AddPermission(h.ctx(), &lambda.AddPermissionInput{
		FunctionName: aws.String(h.arn("fn")), StatementId: aws.String("AllowAccount"), Action: aws.String("lambda:InvokeFunction"),
		Principal: aws.String("111111111111"),
	})
	require.NoError(t, err)
	_, err = h.client.AddPermission(h.ctx(), &lambda.AddPermissionInput{
		FunctionName: aws.String("fn"), StatementId: aws.String("AllowEvents"), Action: aws.String("lambda:InvokeFunction"),
		Principal: aws.String("events.amazonaws.com"),
	})
	requireCode(t, err, "ResourceConflictException", 409)

	got, err := h.client.GetPolicy(h.ctx(), &lambda.GetPolicyInput{FunctionName: aws.String("fn")})
	require.NoError(t, err)
	var doc struct {
		Version   string
		ID        string `json:"Id"`
		Statement []struct {
			Sid       string
			Principal map[string]string
			Resource  string
		}
	}
	require.NoError(t, json.Unmarshal([]byte(aws.ToString(got.Policy)), &doc), "Policy is a JSON string")
	assert.Equal(t, "2012-10-17", doc.Version)
	assert.Equal(t, "default", doc.ID)
	require.Len(t, doc.Statement, 2)
	assert.Equal(t, map[string]string{"AWS": "arn:aws:iam::111111111111:root"}, doc.Statement[1].Principal)
	assert.Equal(t, h.arn("fn"), doc.Statement[1].Resource)

	for _, sid := range []string{"AllowEvents", "AllowAccount"} {
		_, err = h.client.RemovePermission(h.ctx(), &lambda.RemovePermissionInput{FunctionName: aws.String("fn"), StatementId: aws.String(sid)})
		require.NoError(t, err)
	}
	_, err = h.client.RemovePermission(h.ctx(), &lambda.RemovePermissionInput{FunctionName: aws.String("fn"), StatementId: aws.String("AllowEvents")})
	requireNotFound(t, err)
	_, err = h.client.GetPolicy(h.ctx(), &lambda.GetPolicyInput{FunctionName: aws.String("fn")})
	requireNotFound(t, err)
}

func TestConcurrency(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.create("fn")
	h.create("other")
	got, err := h.client.GetFunctionConcurrency(h.ctx(), &lambda.GetFunctionConcurrencyInput{FunctionName: aws.String("fn")})
	require.NoError(t, err)
	assert.Nil(t, got.ReservedConcurrentExecutions)

	_, err = h.client.PutFunctionConcurrency(h.ctx(), &lambda.PutFunctionConcurrencyInput{FunctionName: aws.String("fn"), ReservedConcurrentExecutions: aws.Int32(800)})
	require.NoError(t, err)
	fn, err := h.client.GetFunction(h.ctx(), &lambda.GetFunctionInput{FunctionName: aws.String("fn")})
	require.NoError(t, err)
	require.NotNil(t, fn.Concurrency)
	assert.EqualValues(t, 800, aws.ToInt32(fn.Concurrency.ReservedConcurrentExecutions))

	_, err = h.client.PutFunctionConcurrency(h.ctx(), &lambda.PutFunctionConcurrencyInput{FunctionName: aws.String("other"), ReservedConcurrentExecutions: aws.Int32(101)})
	requireCode(t, err, "InvalidParameterValueException", 400)
	settings, err := h.client.GetAccountSettings(h.ctx(), &lambda.GetAccountSettingsInput{})
	require.NoError(t, err)
	assert.EqualValues(t, 200, aws.ToInt32(settings.AccountLimit.UnreservedConcurrentExecutions))
	assert.EqualValues(t, 2, settings.AccountUsage.FunctionCount)

	_, err = h.client.DeleteFunctionConcurrency(h.ctx(), &lambda.DeleteFunctionConcurrencyInput{FunctionName: aws.String("fn")})
	require.NoError(t, err)
	got, err = h.client.GetFunctionConcurrency(h.ctx(), &lambda.GetFunctionConcurrencyInput{FunctionName: aws.String("fn")})
	require.NoError(t, err)
	assert.Nil(t, got.ReservedConcurrentExecutions)
}

func TestCodeSigningConfigIsEmpty(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.create("fn")
	out, err := h.client.GetFunctionCodeSigningConfig(h.ctx(), &lambda.GetFunctionCodeSigningConfigInput{FunctionName: aws.String("fn")})
	require.NoError(t, err)
	assert.Empty(t, aws.ToString(out.CodeSigningConfigArn))
	assert.Equal(t, "fn", aws.ToString(out.FunctionName))
	_, err = h.client.GetFunctionCodeSigningConfig(h.ctx(), &lambda.GetFunctionCodeSigningConfigInput{FunctionName: aws.String("missing")})
	requireNotFound(t, err)
}

func TestEventInvokeConfig(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.create("fn")
	_, err := h.client.GetFunctionEventInvokeConfig(h.ctx(), &lambda.GetFunctionEventInvokeConfigInput{FunctionName: aws.String("fn")})
	requireNotFound(t, err)

	put, err := h.client.PutFunctionEventInvokeConfig(h.ctx(), &lambda.PutFunctionEventInvokeConfigInput{
		FunctionName: aws.String("fn"), MaximumRetryAttempts: aws.Int32(0), MaximumEventAgeInSeconds: aws.Int32(60),
		DestinationConfig: &types.DestinationConfig{OnFailure: &types.OnFailure{Destination: aws.String(queue)}},
	})
	require.NoError(t, err)
	assert.Equal(t, h.arn("fn")+":$LATEST", aws.ToString(put.FunctionArn))
	assert.NotNil(t, put.LastModified)

	_, err = h.client.UpdateFunctionEventInvokeConfig(h.ctx(), &lambda.UpdateFunctionEventInvokeConfigInput{
		FunctionName: aws.String("fn"), MaximumRetryAttempts: aws.Int32(1)})
	require.NoError(t, err)
	got, err := h.client.GetFunctionEventInvokeConfig(h.ctx(), &lambda.GetFunctionEventInvokeConfigInput{FunctionName: aws.String("fn")})
	require.NoError(t, err)
	assert.EqualValues(t, 1, aws.ToInt32(got.MaximumRetryAttempts))
	assert.EqualValues(t, 60, aws.ToInt32(got.MaximumEventAgeInSeconds), "an update keeps what it does not name")
	assert.Equal(t, queue, aws.ToString(got.DestinationConfig.OnFailure.Destination))

	for _, tc := range []struct {
		name string
		in   *lambda.PutFunctionEventInvokeConfigInput
		code string
	}{
		{"three retries", &lambda.PutFunctionEventInvokeConfigInput{MaximumRetryAttempts: aws.Int32(3)}, "ValidationException"},
		{"an event age under a minute", &lambda.PutFunctionEventInvokeConfigInput{MaximumEventAgeInSeconds: aws.Int32(59)}, "ValidationException"},
		{"an event age over six hours", &lambda.PutFunctionEventInvokeConfigInput{MaximumEventAgeInSeconds: aws.Int32(21601)}, "ValidationException"},
		{"a destination that is not an ARN", &lambda.PutFunctionEventInvokeConfigInput{
			DestinationConfig: &types.DestinationConfig{OnSuccess: &types.OnSuccess{Destination: aws.String("queue")}}}, "InvalidParameterValueException"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.in.FunctionName = aws.String("fn")
			_, err := h.client.PutFunctionEventInvokeConfig(h.ctx(), tc.in)
			requireCode(t, err, tc.code, 400)
		})
	}

	_, err = h.client.DeleteFunctionEventInvokeConfig(h.ctx(), &lambda.DeleteFunctionEventInvokeConfigInput{FunctionName: aws.String("fn")})
	require.NoError(t, err)
	_, err = h.client.GetFunctionEventInvokeConfig(h.ctx(), &lambda.GetFunctionEventInvokeConfigInput{FunctionName: aws.String("fn")})
	requireNotFound(t, err)
}

func TestTags(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.create("fn", func(in *lambda.CreateFunctionInput) { in.Tags = map[string]string{"a": "1"} })
	_, err := h.client.TagResource(h.ctx(), &lambda.TagResourceInput{Resource: aws.String(h.arn("fn")), Tags: map[string]string{"b": "2"}})
	require.NoError(t, err)
	_, err = h.client.UntagResource(h.ctx(), &lambda.UntagResourceInput{Resource: aws.String(h.arn("fn")), TagKeys: []string{"a"}})
	require.NoError(t, err)
	out, err := h.client.ListTags(h.ctx(), &lambda.ListTagsInput{Resource: aws.String(h.arn("fn"))})
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"b": "2"}, out.Tags)

	_, err = h.client.ListTags(h.ctx(), &lambda.ListTagsInput{Resource: aws.String(h.arn("missing"))})
	requireNotFound(t, err)
}

func TestTagLimits(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.create("fn")
	tag := func(tags map[string]string) error {
		_, err := h.client.TagResource(h.ctx(), &lambda.TagResourceInput{Resource: aws.String(h.arn("fn")), Tags: tags})
		return err
	}
	many := func(n int, prefix string) map[string]string {
		m := map[string]string{}
		for i := range n {
			m[fmt.Sprintf("%s%02d", prefix, i)] = "v"
		}
		return m
	}
	// 128 two-byte characters: AWS counts characters, so the key is at the limit, not over it.
	require.NoError(t, tag(map[string]string{strings.Repeat("é", 128): strings.Repeat("é", 256)}))
	requireCode(t, tag(map[string]string{strings.Repeat("k", 129): "v"}), "ValidationException", http.StatusBadRequest)
	requireCode(t, tag(map[string]string{"k": strings.Repeat("v", 257)}), "ValidationException", http.StatusBadRequest)

	require.NoError(t, tag(many(49, "a")), "49 added to the one above make 50")
	requireCode(t, tag(many(1, "b")), "InvalidParameterValueException", http.StatusBadRequest)
	out, err := h.client.ListTags(h.ctx(), &lambda.ListTagsInput{Resource: aws.String(h.arn("fn"))})
	require.NoError(t, err)
	assert.Len(t, out.Tags, 50, "a refused TagResource changes nothing")

	_, err = h.client.CreateFunction(h.ctx(), h.createInput("many", func(in *lambda.CreateFunctionInput) { in.Tags = many(51, "c") }))
	requireCode(t, err, "InvalidParameterValueException", http.StatusBadRequest)
}

func TestUnknownOperationNamesMethodAndPath(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	_, err := h.client.ListAliases(h.ctx(), &lambda.ListAliasesInput{FunctionName: aws.String("fn")})
	requireCode(t, err, "UnknownOperationException", http.StatusNotFound)
	assert.Contains(t, err.Error(), "GET /2015-03-31/functions/fn/aliases")
}

func TestEnvironmentsListIsAJSONArray(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	resp, err := http.Get(h.srv.URL() + "/_localaws/environments")
	require.NoError(t, err)
	defer resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	var envs []map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&envs))
	assert.NotNil(t, envs, "an empty list is [], not null")
}
