package eventbridge_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/require"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/core"
	eb "github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/eventbridge"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/internal/testserver"
	localsqs "github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/sqs"
)

const account = "000000000000"

type harness struct {
	srv    *localaws.Server
	svc    *eb.Service
	events *eventbridge.Client
	sqs    *sqs.Client
}

// start runs localaws with SQS, EventBridge and any extra services; configure may
// substitute the service's delivery clients before it serves.
func start(t *testing.T, clock core.Clock, configure func(*eb.Service), extra ...localaws.Factory) *harness {
	t.Helper()
	h := &harness{}
	factories := append([]localaws.Factory{
		localaws.Use(localsqs.New),
		localaws.Use(func(e *core.Env) *eb.Service {
			h.svc = eb.New(e)
			if configure != nil {
				configure(h.svc)
			}
			return h.svc
		})}, extra...)
	// Without IAM enforcement: these tests are about EventBridge's semantics, and their
	// queues carry no policy for events.amazonaws.com; delivery under queue policies is
	// tested in localaws/iam_test.go.
	srv, awsCfg := testserver.Start(t, localaws.Config{Clock: clock, IAM: localaws.IAMOff}, factories...)
	h.srv = srv
	h.events = eventbridge.NewFromConfig(awsCfg)
	h.sqs = sqs.NewFromConfig(awsCfg)
	return h
}

func (h *harness) queue(t *testing.T, name string) (url, arn string) {
	t.Helper()
	attrs := map[string]string{}
	if len(name) > 5 && name[len(name)-5:] == ".fifo" {
		attrs["FifoQueue"] = "true"
	}
	out, err := h.sqs.CreateQueue(context.Background(), &sqs.CreateQueueInput{QueueName: aws.String(name),
		Attributes: attrs})
	require.NoError(t, err)
	return aws.ToString(out.QueueUrl), "arn:aws:sqs:us-east-1:" + account + ":" + name
}

// receive returns the messages available now (long-polling up to wait).
func (h *harness) receive(t *testing.T, url string, wait int32) []sqstypes.Message {
	t.Helper()
	out, err := h.sqs.ReceiveMessage(context.Background(), &sqs.ReceiveMessageInput{QueueUrl: aws.String(url),
		MaxNumberOfMessages: 10, WaitTimeSeconds: wait, MessageAttributeNames: []string{"All"}})
	require.NoError(t, err)
	return out.Messages
}

// rule puts a rule with one target.
func (h *harness) rule(t *testing.T, name, pattern string, targets ...ebtypes.Target) string {
	t.Helper()
	ctx := context.Background()
	out, err := h.events.PutRule(ctx, &eventbridge.PutRuleInput{Name: aws.String(name),
		EventPattern: aws.String(pattern)})
	require.NoError(t, err)
	if len(targets) > 0 {
		res, err := h.events.PutTargets(ctx, &eventbridge.PutTargetsInput{Rule: aws.String(name), Targets: targets})
		require.NoError(t, err)
		require.Zero(t, res.FailedEntryCount)
	}
	return aws.ToString(out.RuleArn)
}

func (h *harness) put(t *testing.T, entries ...ebtypes.PutEventsRequestEntry) *eventbridge.PutEventsOutput {
	t.Helper()
	out, err := h.events.PutEvents(context.Background(), &eventbridge.PutEventsInput{Entries: entries})
	require.NoError(t, err)
	return out
}

func entry(detail string) ebtypes.PutEventsRequestEntry {
	return ebtypes.PutEventsRequestEntry{Source: aws.String("app.orders"), DetailType: aws.String("OrderPlaced"),
		Detail: aws.String(detail)}
}

// apiCode returns the error code of an SDK error.
func apiCode(t *testing.T, err error) string {
	t.Helper()
	require.Error(t, err)
	var api smithy.APIError
	require.True(t, errors.As(err, &api), "not an API error: %v", err)
	return api.ErrorCode()
}

// fakeLambda records async invokes and answers with err.
type fakeLambda struct {
	mu    sync.Mutex
	calls []*lambda.InvokeInput
	err   error
}

func (f *fakeLambda) Invoke(_ context.Context, in *lambda.InvokeInput, _ ...func(*lambda.Options)) (
	*lambda.InvokeOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, in)
	if f.err != nil {
		return nil, f.err
	}
	return &lambda.InvokeOutput{StatusCode: 202}, nil
}

func (f *fakeLambda) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.calls)
}

func (f *fakeLambda) call(i int) *lambda.InvokeInput {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[i]
}

var epoch = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// sqsMessage is a received message with its string attributes.
type sqsMessage struct {
	body  string
	attrs map[string]string
}

// receiveAll returns the messages visible now, without waiting: with a fake clock,
// long polls would wait on it.
func receiveAll(t *testing.T, h *harness, url string) []sqsMessage {
	t.Helper()
	var out []sqsMessage
	for _, m := range h.receive(t, url, 0) {
		msg := sqsMessage{body: aws.ToString(m.Body), attrs: map[string]string{}}
		for k, v := range m.MessageAttributes {
			msg.attrs[k] = aws.ToString(v.StringValue)
		}
		out = append(out, msg)
	}
	return out
}
