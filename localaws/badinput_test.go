package localaws_test

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	logtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/internal/testserver"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/protocol"
)

// Current AWS payload limits.
const (
	mib          = 1 << 20
	syncInvoke   = 6 * mib
	asyncInvoke  = 1 * mib
	sqsMessage   = 1 * mib
	eventEntry   = 1 * mib
	farAboveBody = 20 * mib
)

// badEnv is a server with every service, SDK clients for it, and a queue and a function
// that the liveness check uses.
type badEnv struct {
	url    string
	cfg    aws.Config
	sqs    *sqs.Client
	events *eventbridge.Client
	logs   *cloudwatchlogs.Client
	lambda *lambda.Client
	iam    *iam.Client
	sts    *sts.Client
	queue  string
}

const fnName = "badinput"

func newBadEnv(t *testing.T) *badEnv {
	t.Helper()
	srv, cfg := testserver.Start(t, localaws.Config{})
	// One attempt: a refused request must surface as the error it is, and a dead server
	// must fail the liveness check instead of being retried around.
	cfg.RetryMaxAttempts = 1
	e := &badEnv{url: srv.URL(), cfg: cfg, sqs: sqs.NewFromConfig(cfg), events: eventbridge.NewFromConfig(cfg),
		logs: cloudwatchlogs.NewFromConfig(cfg), lambda: lambda.NewFromConfig(cfg), iam: iam.NewFromConfig(cfg),
		sts: sts.NewFromConfig(cfg)}
	ctx := testCtx(t)
	q, err := e.sqs.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("badinput")})
	require.NoError(t, err)
	e.queue = aws.ToString(q.QueueUrl)
	// DryRun never starts the bootstrap, so a stub is enough to exercise the invoke path.
	_, err = e.lambda.CreateFunction(ctx, &lambda.CreateFunctionInput{
		FunctionName: aws.String(fnName), Role: aws.String("arn:aws:iam::000000000000:role/r"),
		Runtime: lambdatypes.RuntimeProvidedal2023, Handler: aws.String("bootstrap"),
		Code: &lambdatypes.FunctionCode{ZipFile: stubZip(t)},
	})
	require.NoError(t, err)
	return e
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// requireServing proves the server still serves: one ordinary SDK call per service.
func (e *badEnv) requireServing(t *testing.T) {
	t.Helper()
	ctx := testCtx(t)
	calls := map[string]func() error{
		"sts": func() error { _, err := e.sts.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); return err },
		"iam": func() error { _, err := e.iam.ListRoles(ctx, &iam.ListRolesInput{}); return err },
		"logs": func() error {
			_, err := e.logs.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{})
			return err
		},
		"sqs": func() error {
			_, err := e.sqs.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: &e.queue, MessageBody: aws.String("ok")})
			return err
		},
		"events": func() error {
			out, err := e.events.PutEvents(ctx, &eventbridge.PutEventsInput{Entries: []ebtypes.PutEventsRequestEntry{{
				Source: aws.String("badinput"), DetailType: aws.String("ok"), Detail: aws.String(`{}`)}}})
			if err == nil && out.FailedEntryCount != 0 {
				err = fmt.Errorf("%d entries failed", out.FailedEntryCount)
			}
			return err
		},
		"lambda": func() error {
			_, err := e.lambda.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String(fnName),
				InvocationType: lambdatypes.InvocationTypeDryRun, Payload: []byte(`{"ok":true}`)})
			return err
		},
	}
	for name, call := range calls {
		require.NoError(t, call(), "%s no longer serves", name)
	}
}

// outcome is what a refused request got back, whatever its protocol.
type outcome struct {
	status        int
	code, message string
}

// sdkOutcome reads the status, code and message of an SDK error.
func sdkOutcome(t *testing.T, err error) outcome {
	t.Helper()
	var api smithy.APIError
	require.True(t, errors.As(err, &api), "want an AWS API error, got %v", err)
	var re *awshttp.ResponseError
	require.True(t, errors.As(err, &re), "want an HTTP response, got %v", err)
	return outcome{re.HTTPStatusCode(), api.ErrorCode(), api.ErrorMessage()}
}

// send makes a raw request, signed with SigV4 for service unless it is "", and reads
// the error in the protocol the response declares.
func (e *badEnv) send(t *testing.T, service string, req *http.Request) outcome {
	t.Helper()
	if service != "" {
		sign(t, e.cfg, service, req)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.NotEmpty(t, resp.Header.Get("x-amzn-RequestId"), "no request ID: not an AWS-shaped reply: %s", body)
	if resp.Header.Get("Content-Type") == "text/xml" {
		var q struct {
			Error struct{ Code, Message string }
		}
		require.NoError(t, xml.Unmarshal(body, &q), "%s", body)
		return outcome{resp.StatusCode, q.Error.Code, q.Error.Message}
	}
	var j struct {
		Type    string `json:"__type"`
		Message string `json:"message"`
	}
	require.NoError(t, json.Unmarshal(body, &j), "%s", body)
	code := resp.Header.Get("X-Amzn-ErrorType")
	if j.Type != "" {
		typ := j.Type[strings.LastIndex(j.Type, "#")+1:]
		require.Equal(t, code, typ, "__type and X-Amzn-ErrorType disagree")
	}
	return outcome{resp.StatusCode, code, j.Message}
}

// sign signs req as the SDK would, with an unsigned payload so that huge bodies stream.
func sign(t *testing.T, cfg aws.Config, service string, req *http.Request) {
	t.Helper()
	creds, err := cfg.Credentials.Retrieve(req.Context())
	require.NoError(t, err)
	hash := "UNSIGNED-PAYLOAD"
	if req.GetBody != nil && req.ContentLength < mib {
		b, err := req.GetBody()
		require.NoError(t, err)
		data, err := io.ReadAll(b)
		require.NoError(t, err)
		sum := sha256.Sum256(data)
		hash = hex.EncodeToString(sum[:])
	}
	req.Header.Set("X-Amz-Content-Sha256", hash)
	require.NoError(t, v4.NewSigner().SignHTTP(req.Context(), creds, req, hash, service, cfg.Region, time.Now()))
}

func (e *badEnv) request(t *testing.T, method, path, body string, header ...string) *http.Request {
	t.Helper()
	req, err := http.NewRequestWithContext(testCtx(t), method, e.url+path, strings.NewReader(body))
	require.NoError(t, err)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return req
}

func jsonRequest(target, version string) []string {
	return []string{"X-Amz-Target", target, "Content-Type", "application/x-amz-json-" + version}
}

const form = "application/x-www-form-urlencoded; charset=utf-8"

// withHeader adds a header to every request of an SDK call.
func withHeader(name string, size int) func(*middleware.Stack) error {
	return smithyhttp.AddHeaderValue(name, strings.Repeat("h", size))
}

type badCase struct {
	name string
	do   func(t *testing.T, e *badEnv) outcome
	want outcome // message is a part of the message
}

// runBadCases runs each case on one server, then proves it still serves.
func runBadCases(t *testing.T, cases []badCase) {
	e := newBadEnv(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.do(t, e)
			assert.Equal(t, tc.want.status, got.status, "status; message: %s", got.message)
			assert.Equal(t, tc.want.code, got.code, "code; message: %s", got.message)
			assert.Contains(t, got.message, tc.want.message)
			e.requireServing(t)
		})
	}
}

func TestMalformedBodies(t *testing.T) {
	t.Parallel()
	runBadCases(t, []badCase{
		{"SQS JSON 1.0: truncated JSON", func(t *testing.T, e *badEnv) outcome {
			return e.send(t, "", e.request(t, "POST", "/", `{"QueueUrl":`, jsonRequest("AmazonSQS.SendMessage", "1.0")...))
		}, outcome{400, "SerializationException", "malformed request body"}},
		{"SQS JSON 1.0: member of the wrong type", func(t *testing.T, e *badEnv) outcome {
			return e.send(t, "", e.request(t, "POST", "/", `{"QueueUrl":5,"MessageBody":"x"}`,
				jsonRequest("AmazonSQS.SendMessage", "1.0")...))
		}, outcome{400, "SerializationException", "member QueueUrl must be a string, not a JSON number"}},
		{"EventBridge JSON 1.1: not JSON", func(t *testing.T, e *badEnv) outcome {
			return e.send(t, "", e.request(t, "POST", "/", `Entries=1`, jsonRequest("AWSEvents.PutEvents", "1.1")...))
		}, outcome{400, "SerializationException", "invalid character"}},
		{"Logs JSON 1.1: invalid UTF-8", func(t *testing.T, e *badEnv) outcome {
			return e.send(t, "", e.request(t, "POST", "/", "{\"logGroupName\":\"\xff\"}",
				jsonRequest("Logs_20140328.CreateLogGroup", "1.1")...))
		}, outcome{400, "SerializationException", "not valid UTF-8"}},
		{"Lambda REST-JSON: malformed CreateFunction", func(t *testing.T, e *badEnv) outcome {
			return e.send(t, "lambda", e.request(t, "POST", "/2015-03-31/functions", `{"FunctionName":"f",`,
				"Content-Type", "application/json"))
		}, outcome{400, "InvalidRequestContentException", "Could not parse request body into json"}},
		{"Lambda REST-JSON: malformed Invoke payload", func(t *testing.T, e *badEnv) outcome {
			return e.send(t, "lambda", e.request(t, "POST", "/2015-03-31/functions/"+fnName+"/invocations", `{"a":`,
				"X-Amz-Invocation-Type", "DryRun"))
		}, outcome{400, "InvalidRequestContentException", "Could not parse request body into json"}},
		{"IAM query: malformed form", func(t *testing.T, e *badEnv) outcome {
			return e.send(t, "iam", e.request(t, "POST", "/", "Action=ListRoles&Marker=%zz", "Content-Type", form))
		}, outcome{404, "MalformedQueryString", "invalid URL escape"}},
		{"STS query: no Action", func(t *testing.T, e *badEnv) outcome {
			return e.send(t, "sts", e.request(t, "POST", "/", "Version=2011-06-15", "Content-Type", form))
		}, outcome{400, "MissingAction", "no Action parameter"}},
		{"SQS query protocol: answered in XML", func(t *testing.T, e *badEnv) outcome {
			return e.send(t, "sqs", e.request(t, "POST", "/", "Action=ListQueues&Version=2012-11-05", "Content-Type", form))
		}, outcome{400, "InvalidAction", "use AWS JSON 1.0 with X-Amz-Target: AmazonSQS.ListQueues"}},
	})
}

func TestPayloadsOverLimits(t *testing.T) {
	t.Parallel()
	runBadCases(t, []badCase{
		{"sync Invoke over 6 MB", func(t *testing.T, e *badEnv) outcome {
			_, err := e.lambda.Invoke(testCtx(t), &lambda.InvokeInput{FunctionName: aws.String(fnName),
				Payload: jsonString(syncInvoke + 1)})
			return sdkOutcome(t, err)
		}, outcome{413, "RequestEntityTooLargeException", "6291456 bytes"}},
		{"sync Invoke of 6 MB is accepted", func(t *testing.T, e *badEnv) outcome {
			_, err := e.lambda.Invoke(testCtx(t), &lambda.InvokeInput{FunctionName: aws.String(fnName),
				InvocationType: lambdatypes.InvocationTypeDryRun, Payload: jsonString(syncInvoke)})
			require.NoError(t, err)
			return outcome{204, "", ""}
		}, outcome{204, "", ""}},
		{"async Invoke over 1 MB", func(t *testing.T, e *badEnv) outcome {
			_, err := e.lambda.Invoke(testCtx(t), &lambda.InvokeInput{FunctionName: aws.String(fnName),
				InvocationType: lambdatypes.InvocationTypeEvent, Payload: jsonString(asyncInvoke + 1)})
			return sdkOutcome(t, err)
		}, outcome{413, "RequestEntityTooLargeException", "limit 1048576 bytes"}},
		{"SQS SendMessage over 1 MiB", func(t *testing.T, e *badEnv) outcome {
			_, err := e.sqs.SendMessage(testCtx(t), &sqs.SendMessageInput{QueueUrl: &e.queue,
				MessageBody: aws.String(strings.Repeat("m", sqsMessage+1))})
			return sdkOutcome(t, err)
		}, outcome{400, "InvalidParameterValue", "Message must be shorter than 1048576 bytes"}},
		{"SQS SendMessageBatch over 1 MiB in total", func(t *testing.T, e *badEnv) outcome {
			half := strings.Repeat("m", sqsMessage/2+1)
			_, err := e.sqs.SendMessageBatch(testCtx(t), &sqs.SendMessageBatchInput{QueueUrl: &e.queue,
				Entries: []sqstypes.SendMessageBatchRequestEntry{{Id: aws.String("a"), MessageBody: &half},
					{Id: aws.String("b"), MessageBody: &half}}})
			return sdkOutcome(t, err)
		}, outcome{400, "AWS.SimpleQueueService.BatchRequestTooLong", "cannot be longer than 1048576 bytes"}},
		{"SQS MaximumMessageSize above 1 MiB", func(t *testing.T, e *badEnv) outcome {
			_, err := e.sqs.CreateQueue(testCtx(t), &sqs.CreateQueueInput{QueueName: aws.String("too-big"),
				Attributes: map[string]string{"MaximumMessageSize": "1048577"}})
			return sdkOutcome(t, err)
		}, outcome{400, "InvalidAttributeValue", "MaximumMessageSize"}},
		{"SQS MaximumMessageSize defaults to 1 MiB", func(t *testing.T, e *badEnv) outcome {
			out, err := e.sqs.GetQueueAttributes(testCtx(t), &sqs.GetQueueAttributesInput{QueueUrl: &e.queue,
				AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameMaximumMessageSize}})
			require.NoError(t, err)
			return outcome{200, "", out.Attributes["MaximumMessageSize"]}
		}, outcome{200, "", "1048576"}},
		{"Logs PutLogEvents batch over 1 MiB", func(t *testing.T, e *badEnv) outcome {
			ctx := testCtx(t)
			group, stream := aws.String("badinput"), aws.String("s")
			_, err := e.logs.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: group})
			require.NoError(t, err)
			_, err = e.logs.CreateLogStream(ctx, &cloudwatchlogs.CreateLogStreamInput{LogGroupName: group, LogStreamName: stream})
			require.NoError(t, err)
			_, err = e.logs.PutLogEvents(ctx, &cloudwatchlogs.PutLogEventsInput{LogGroupName: group, LogStreamName: stream,
				LogEvents: []logtypes.InputLogEvent{{Timestamp: aws.Int64(time.Now().UnixMilli()),
					Message: aws.String(strings.Repeat("l", mib))}}})
			return sdkOutcome(t, err)
		}, outcome{400, "InvalidParameterException", "Upload too large"}},
		{"EventBridge PutEvents entry over 1 MB", func(t *testing.T, e *badEnv) outcome {
			_, err := e.events.PutEvents(testCtx(t), &eventbridge.PutEventsInput{Entries: []ebtypes.PutEventsRequestEntry{{
				Source: aws.String("s"), DetailType: aws.String("t"), Detail: aws.String(string(jsonString(eventEntry)))}}})
			return sdkOutcome(t, err)
		}, outcome{400, "ValidationException", "Total size of the entries in the request is over the limit."}},
	})
}

// TestBodiesFarAboveLimits sends 20 MB bodies from a generator, so that the bytes the
// server consumes can be counted: it must refuse them after reading a bounded part.
func TestBodiesFarAboveLimits(t *testing.T) {
	t.Parallel()
	maxBody := "exceeds " + strconv.Itoa(protocol.MaxBodyBytes) + " bytes"
	tests := []struct {
		name, service, path string
		header              []string
		size                int64
		chunked             bool
		want                outcome
	}{
		{"SQS JSON", "", "/", jsonRequest("AmazonSQS.SendMessage", "1.0"), farAboveBody, false,
			outcome{413, "RequestEntityTooLargeException", maxBody}},
		{"SQS JSON, chunked", "", "/", jsonRequest("AmazonSQS.SendMessage", "1.0"), farAboveBody, true,
			outcome{413, "RequestEntityTooLargeException", maxBody}},
		{"EventBridge JSON", "", "/", jsonRequest("AWSEvents.PutEvents", "1.1"), farAboveBody, false,
			outcome{413, "RequestEntityTooLargeException", maxBody}},
		{"IAM query", "iam", "/", []string{"Content-Type", form}, farAboveBody, false,
			outcome{413, "RequestEntityTooLargeException", maxBody}},
		{"Lambda Invoke", "lambda", "/2015-03-31/functions/" + fnName + "/invocations", nil, farAboveBody, false,
			outcome{413, "RequestEntityTooLargeException", "6291456 bytes"}},
		// CreateFunction accepts AWS's 69905067 bytes for an inline zip.
		{"Lambda CreateFunction", "lambda", "/2015-03-31/functions", nil, 100 * mib, false,
			outcome{413, "RequestEntityTooLargeException", "69905067 bytes"}},
	}
	e := newBadEnv(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := &generated{size: tt.size}
			req, err := http.NewRequestWithContext(testCtx(t), http.MethodPost, e.url+tt.path, body)
			require.NoError(t, err)
			req.ContentLength = tt.size
			if tt.chunked {
				req.ContentLength = -1
			}
			for i := 0; i+1 < len(tt.header); i += 2 {
				req.Header.Set(tt.header[i], tt.header[i+1])
			}
			got := e.send(t, tt.service, req)
			assert.Equal(t, tt.want.status, got.status, got.message)
			assert.Equal(t, tt.want.code, got.code, got.message)
			assert.Contains(t, got.message, tt.want.message)
			assert.Less(t, body.read(), tt.size, "the whole body was read")
			t.Logf("client wrote %d of %d bytes", body.read(), tt.size)
			e.requireServing(t)
		})
	}
}

func TestUnknownOperations(t *testing.T) {
	t.Parallel()
	runBadCases(t, []badCase{
		{"SQS unknown X-Amz-Target", func(t *testing.T, e *badEnv) outcome {
			return e.send(t, "", e.request(t, "POST", "/", `{}`, jsonRequest("AmazonSQS.Nope", "1.0")...))
		}, outcome{400, "UnknownOperationException", `"AmazonSQS.Nope"`}},
		{"EventBridge unknown X-Amz-Target", func(t *testing.T, e *badEnv) outcome {
			return e.send(t, "", e.request(t, "POST", "/", `{}`, jsonRequest("AWSEvents.Nope", "1.1")...))
		}, outcome{400, "UnknownOperationException", `"AWSEvents.Nope"`}},
		{"Logs unknown X-Amz-Target", func(t *testing.T, e *badEnv) outcome {
			return e.send(t, "", e.request(t, "POST", "/", `{}`, jsonRequest("Logs_20140328.Nope", "1.1")...))
		}, outcome{400, "UnknownOperationException", `"Logs_20140328.Nope"`}},
		{"IAM unknown Action", func(t *testing.T, e *badEnv) outcome {
			return e.send(t, "iam", e.request(t, "POST", "/", "Action=Nope&Version=2010-05-08", "Content-Type", form))
		}, outcome{400, "InvalidAction", `iam: action "Nope"`}},
		{"STS Action not emulated", func(t *testing.T, e *badEnv) outcome {
			_, err := e.sts.GetSessionToken(testCtx(t), &sts.GetSessionTokenInput{})
			return sdkOutcome(t, err)
		}, outcome{400, "InvalidAction", `sts: action "GetSessionToken"`}},
		{"Lambda unknown REST path", func(t *testing.T, e *badEnv) outcome {
			return e.send(t, "lambda", e.request(t, "GET", "/2015-03-31/nope", ""))
		}, outcome{404, "UnknownOperationException", "GET /2015-03-31/nope"}},
		{"service not emulated", func(t *testing.T, e *badEnv) outcome {
			return e.send(t, "ssm", e.request(t, "POST", "/", `{}`, "Content-Type", "application/x-amz-json-1.0"))
		}, outcome{400, "UnknownServiceException", `service "ssm" is not emulated`}},
		{"unknown X-Amz-Target prefix, unsigned", func(t *testing.T, e *badEnv) outcome {
			return e.send(t, "", e.request(t, "POST", "/", `{}`, jsonRequest("AmazonSSM.GetParameter", "1.1")...))
		}, outcome{400, "UnknownServiceException", "cannot tell which service"}},
		{"unsigned request without a target", func(t *testing.T, e *badEnv) outcome {
			return e.send(t, "", e.request(t, "POST", "/", "Action=ListRoles", "Content-Type", form))
		}, outcome{400, "UnknownServiceException", "sign it with SigV4"}},
	})
}

func TestHugeHeaders(t *testing.T) {
	t.Parallel()
	over := localaws.MaxHeaderBytes + 1
	tooLarge := outcome{431, "RequestHeaderSectionTooLarge", "exceeds the maximum allowed size"}
	runBadCases(t, []badCase{
		{"SQS JSON 1.0", func(t *testing.T, e *badEnv) outcome {
			_, err := e.sqs.ListQueues(testCtx(t), &sqs.ListQueuesInput{}, sqs.WithAPIOptions(withHeader("X-Pad", over)))
			return sdkOutcome(t, err)
		}, tooLarge},
		{"EventBridge JSON 1.1", func(t *testing.T, e *badEnv) outcome {
			_, err := e.events.ListEventBuses(testCtx(t), &eventbridge.ListEventBusesInput{},
				eventbridge.WithAPIOptions(withHeader("X-Pad", over)))
			return sdkOutcome(t, err)
		}, tooLarge},
		{"IAM query", func(t *testing.T, e *badEnv) outcome {
			_, err := e.iam.ListRoles(testCtx(t), &iam.ListRolesInput{}, iam.WithAPIOptions(withHeader("X-Pad", over)))
			return sdkOutcome(t, err)
		}, tooLarge},
		{"Lambda REST-JSON", func(t *testing.T, e *badEnv) outcome {
			_, err := e.lambda.ListFunctions(testCtx(t), &lambda.ListFunctionsInput{},
				lambda.WithAPIOptions(withHeader("X-Pad", over)))
			return sdkOutcome(t, err)
		}, tooLarge},
		{"many small headers add up", func(t *testing.T, e *badEnv) outcome {
			req := e.request(t, "POST", "/", `{}`, jsonRequest("AmazonSQS.ListQueues", "1.0")...)
			for i := range 2000 {
				req.Header.Set(fmt.Sprintf("X-Pad-%d", i), strings.Repeat("h", 32))
			}
			return e.send(t, "", req)
		}, tooLarge},
		{"no service addressed", func(t *testing.T, e *badEnv) outcome {
			return e.send(t, "", e.request(t, "GET", "/", "", "X-Pad", strings.Repeat("h", over)))
		}, tooLarge},
		{"just under the limit is served", func(t *testing.T, e *badEnv) outcome {
			_, err := e.sqs.ListQueues(testCtx(t), &sqs.ListQueuesInput{},
				sqs.WithAPIOptions(withHeader("X-Pad", localaws.MaxHeaderBytes-4096)))
			require.NoError(t, err)
			return outcome{200, "", ""}
		}, outcome{200, "", ""}},
	})
}

// TestHeadersOverNetHTTPCap: past http.Server's own cap net/http answers for localaws
// (plain text) and closes the connection; the server must go on serving.
func TestHeadersOverNetHTTPCap(t *testing.T) {
	t.Parallel()
	e := newBadEnv(t)
	conn, err := net.Dial("tcp", strings.TrimPrefix(e.url, "http://"))
	require.NoError(t, err)
	defer conn.Close()
	require.NoError(t, conn.SetDeadline(time.Now().Add(30*time.Second)))
	pad := strings.Repeat("h", 2*mib)
	go func() {
		// The write may fail once the server has answered and closed; the reply is what counts.
		_, _ = fmt.Fprintf(conn, "POST / HTTP/1.1\r\nHost: localhost\r\nX-Amz-Target: AmazonSQS.ListQueues\r\n"+
			"X-Pad: %s\r\nContent-Length: 2\r\n\r\n{}", pad)
	}()
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	assert.Equal(t, http.StatusRequestHeaderFieldsTooLarge, resp.StatusCode)
	assert.True(t, resp.Close, "net/http closes the connection")
	assert.Contains(t, string(body), "Request Header Fields Too Large")
	e.requireServing(t)
}

// jsonString is a JSON string of exactly n bytes, quotes included.
func jsonString(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = 'p'
	}
	b[0], b[n-1] = '"', '"'
	return b
}

// generated is a request body of size bytes that is made as it is read, counting what
// the server has consumed.
type generated struct {
	size int64
	n    atomic.Int64
}

func (g *generated) Read(p []byte) (int, error) {
	left := g.size - g.n.Load()
	if left <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > left {
		p = p[:left]
	}
	for i := range p {
		p[i] = 'x'
	}
	g.n.Add(int64(len(p)))
	return len(p), nil
}

func (g *generated) read() int64 { return g.n.Load() }

// stubZip is a deployment package whose bootstrap never runs: the tests only DryRun it.
func stubZip(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.CreateHeader(&zip.FileHeader{Name: "bootstrap", Method: zip.Deflate})
	require.NoError(t, err)
	_, err = w.Write([]byte("#!/bin/sh\nexit 1\n"))
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	return buf.Bytes()
}
