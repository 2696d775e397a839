package router

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/stretchr/testify/require"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/config"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/tenant"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/isolation"
)

const (
	backendARN   = "arn:aws:lambda:us-east-1:123456789012:function:backend"
	quarantineQ  = "https://sqs.us-east-1.amazonaws.com/123456789012/router-quarantine"
	ordersARN    = "arn:aws:sqs:us-east-1:123456789012:orders"
	fifoARN      = "arn:aws:sqs:us-east-1:123456789012:orders.fifo"
	fairARN      = "arn:aws:sqs:us-east-1:123456789012:fair"
	bufferARN    = "arn:aws:sqs:us-east-1:123456789012:events-buffer"
	secretMarker = "card-4111111111111111" // appears in bodies; must never reach a log line
)

// fakeInvoker records calls and answers with respond (nil means async or sync success).
type fakeInvoker struct {
	mu          sync.Mutex
	calls       []*lambda.InvokeInput
	respond     func(in *lambda.InvokeInput) (*lambda.InvokeOutput, error)
	delay       time.Duration
	inflight    atomic.Int32
	maxInflight atomic.Int32
}

func (f *fakeInvoker) Invoke(ctx context.Context, in *lambda.InvokeInput, _ ...func(*lambda.Options)) (*lambda.InvokeOutput, error) {
	n := f.inflight.Add(1)
	defer f.inflight.Add(-1)
	for {
		m := f.maxInflight.Load()
		if n <= m || f.maxInflight.CompareAndSwap(m, n) {
			break
		}
	}
	f.mu.Lock()
	f.calls = append(f.calls, in)
	f.mu.Unlock()
	if f.delay > 0 {
		select {
		case <-time.After(f.delay):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if f.respond != nil {
		return f.respond(in)
	}
	return okOutput(in), nil
}

func okOutput(in *lambda.InvokeInput) *lambda.InvokeOutput {
	if in.InvocationType == "Event" {
		return &lambda.InvokeOutput{StatusCode: 202}
	}
	return &lambda.InvokeOutput{StatusCode: 200, Payload: []byte("null")}
}

func (f *fakeInvoker) envelopes(t *testing.T) []isolation.Envelope {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []isolation.Envelope
	for _, c := range f.calls {
		var e isolation.Envelope
		require.NoError(t, json.Unmarshal(c.Payload, &e))
		require.Equal(t, aws.ToString(c.TenantId), e.TenantID, "TenantId and envelope must agree")
		out = append(out, e)
	}
	return out
}

func (f *fakeInvoker) messageIDs(t *testing.T) []string {
	var ids []string
	for _, e := range f.envelopes(t) {
		ids = append(ids, e.MessageID)
	}
	return ids
}

// fakeSender records quarantine messages and fails with err when set.
type fakeSender struct {
	mu   sync.Mutex
	msgs []*sqs.SendMessageInput
	err  error
}

func (f *fakeSender) SendMessage(_ context.Context, in *sqs.SendMessageInput, _ ...func(*sqs.Options)) (*sqs.SendMessageOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return nil, f.err
	}
	f.msgs = append(f.msgs, in)
	return &sqs.SendMessageOutput{MessageId: aws.String("q-1")}, nil
}

// attrsOf flattens a quarantine message's attributes.
func attrsOf(in *sqs.SendMessageInput) map[string]string {
	m := map[string]string{}
	for k, v := range in.MessageAttributes {
		m[k] = aws.ToString(v.StringValue)
	}
	return m
}

// logBuffer is a concurrency-safe sink for JSON log lines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func (l *logBuffer) lines(t *testing.T) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(l.String()), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &m))
		out = append(out, m)
	}
	return out
}

func testConfig(mode config.Mode) config.Config {
	return config.Config{
		BackendFunction:    backendARN,
		QuarantineQueueURL: quarantineQ,
		TenantPattern:      regexp.MustCompile(tenant.DefaultPattern),
		Mode:               mode,
		MaxParallel:        4,
		Sources: []config.Source{
			{Name: "orders", Kind: config.KindSQS, QueueARN: ordersARN, Rules: []tenant.Rule{
				{Type: tenant.RuleMessageAttribute, Name: "tenantId"},
				{Type: tenant.RuleBodyPointer, Pointer: "/tenantId"},
			}},
			{Name: "orders-fifo", Kind: config.KindSQS, QueueARN: fifoARN, Rules: []tenant.Rule{
				{Type: tenant.RuleMessageGroupID},
			}},
			{Name: "fair", Kind: config.KindSQS, QueueARN: fairARN, Rules: []tenant.Rule{
				{Type: tenant.RuleMessageAttribute, Name: "tenantId"},
			}},
			{Name: "events", Kind: config.KindEventBridge, QueueARN: bufferARN, Rules: []tenant.Rule{
				{Type: tenant.RuleEventPointer, Pointer: "/detail/tenantId"},
			}},
			{Name: "direct", Kind: config.KindEventBridge, Rules: []tenant.Rule{
				{Type: tenant.RuleEventPointer, Pointer: "/detail/tenantId"},
			}},
		},
	}
}

type harness struct {
	r   *Router
	inv *fakeInvoker
	snd *fakeSender
	log *logBuffer
}

func newHarness(t *testing.T, cfg config.Config, opts ...Option) *harness {
	t.Helper()
	h := &harness{inv: &fakeInvoker{}, snd: &fakeSender{}, log: &logBuffer{}}
	logger := slog.New(isolation.NewLogHandler(slog.NewJSONHandler(h.log, &slog.HandlerOptions{Level: slog.LevelDebug})))
	r, err := New(cfg, h.inv, h.snd, logger, opts...)
	require.NoError(t, err)
	h.r = r
	return h
}

// invocationCtx is the context Lambda would pass: a request ID and a deadline.
func invocationCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return lambdacontext.NewContext(ctx, &lambdacontext.LambdaContext{AwsRequestID: "req-1"})
}

// record builds an SQS record from the orders queue with a tenantId attribute (when tenant is not "") and body.
func record(id, tenantAttr, body string) events.SQSMessage {
	r := events.SQSMessage{MessageId: id, EventSourceARN: ordersARN, Body: body,
		Attributes: map[string]string{"ApproximateReceiveCount": "1"}}
	if tenantAttr != "" {
		r.MessageAttributes = map[string]events.SQSMessageAttribute{
			"tenantId": {DataType: "String", StringValue: aws.String(tenantAttr)},
			"traceId":  {DataType: "String", StringValue: aws.String("t-1")},
		}
	}
	return r
}

func body(tenantID string) string {
	return `{"tenantId":"` + tenantID + `","payment":"` + secretMarker + `"}`
}

func fifoRecord(id, group string) events.SQSMessage {
	return events.SQSMessage{MessageId: id, EventSourceARN: fifoARN, Body: `{"n":"` + id + `"}`,
		Attributes: map[string]string{"MessageGroupId": group}}
}

func failedIDs(resp events.SQSEventResponse) []string {
	ids := []string{}
	for _, f := range resp.BatchItemFailures {
		ids = append(ids, f.ItemIdentifier)
	}
	return ids
}

// sdkError wraps an API error the way the SDK does: OperationError > ResponseError(status) > api error.
func sdkError(status int, api error) error {
	return &smithy.OperationError{ServiceID: "Lambda", OperationName: "Invoke", Err: &awshttp.ResponseError{
		ResponseError: &smithyhttp.ResponseError{
			Response: &smithyhttp.Response{Response: &http.Response{StatusCode: status}},
			Err:      api,
		},
		RequestID: "aws-req",
	}}
}

var errNetwork = errors.New("dial tcp 127.0.0.1:4566: connect: connection refused")
