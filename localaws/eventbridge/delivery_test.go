package eventbridge_test

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/core"
	eb "github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/eventbridge"
	locallambda "github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/lambda"
)

type envelope struct {
	Version    string          `json:"version"`
	ID         string          `json:"id"`
	DetailType string          `json:"detail-type"`
	Source     string          `json:"source"`
	Account    string          `json:"account"`
	Time       string          `json:"time"`
	Region     string          `json:"region"`
	Resources  []string        `json:"resources"`
	Detail     json.RawMessage `json:"detail"`
}

func TestPutEventsDeliversMatchingEventsToSQS(t *testing.T) {
	t.Parallel()
	h := start(t, nil, nil)
	url, arn := h.queue(t, "orders")
	h.rule(t, "tenant-orders", `{"source":["app.orders"],"detail":{"tenantId":[{"prefix":"t-"}]}}`,
		ebtypes.Target{Id: aws.String("q"), Arn: aws.String(arn)})

	e := entry(`{"tenantId": "t-1", "total": 12}`)
	e.Resources = []string{"arn:aws:example:::order/1"}
	e.Time = aws.Time(epoch)
	out := h.put(t, e, entry(`{"tenantId":"x-2"}`))
	require.Zero(t, out.FailedEntryCount)
	require.Len(t, out.Entries, 2)
	id := aws.ToString(out.Entries[0].EventId)
	require.NotEmpty(t, id)
	assert.NotEqual(t, id, aws.ToString(out.Entries[1].EventId))

	msgs := h.receive(t, url, 5)
	require.Len(t, msgs, 1, "only the matching event is delivered")
	body := aws.ToString(msgs[0].Body)
	var got envelope
	require.NoError(t, json.Unmarshal([]byte(body), &got))
	assert.Equal(t, envelope{Version: "0", ID: id, DetailType: "OrderPlaced", Source: "app.orders", Account: account,
		Time: "2026-01-02T03:04:05Z", Region: "us-east-1", Resources: []string{"arn:aws:example:::order/1"},
		Detail: json.RawMessage(`{"tenantId":"t-1","total":12}`)}, got)
	assert.True(t, strings.HasPrefix(body, `{"version":"0","id":`), "fields in AWS's order: %s", body)
	assert.Empty(t, h.receive(t, url, 1), "the non-matching event never arrives")
}

func TestPutEventsHonoursBusAndRuleState(t *testing.T) {
	t.Parallel()
	h := start(t, nil, nil)
	ctx := context.Background()
	url, arn := h.queue(t, "q")
	_, err := h.events.CreateEventBus(ctx, &eventbridge.CreateEventBusInput{Name: aws.String("custom")})
	require.NoError(t, err)
	_, err = h.events.PutRule(ctx, &eventbridge.PutRuleInput{Name: aws.String("r"), EventBusName: aws.String("custom"),
		EventPattern: aws.String(`{"detail":{"n":[{"exists":true}]}}`)})
	require.NoError(t, err)
	_, err = h.events.PutTargets(ctx, &eventbridge.PutTargetsInput{Rule: aws.String("r"), EventBusName: aws.String("custom"),
		Targets: []ebtypes.Target{{Id: aws.String("q"), Arn: aws.String(arn)}}})
	require.NoError(t, err)

	onDefault := entry(`{"n":1}`)
	h.put(t, onDefault)
	assert.Empty(t, h.receive(t, url, 1), "rules of another bus do not see the event")

	onCustom := entry(`{"n":2}`)
	onCustom.EventBusName = aws.String("arn:aws:events:us-east-1:" + account + ":event-bus/custom")
	h.put(t, onCustom)
	msgs := h.receive(t, url, 5)
	require.Len(t, msgs, 1)
	assert.Contains(t, aws.ToString(msgs[0].Body), `"detail":{"n":2}`)

	_, err = h.events.DisableRule(ctx, &eventbridge.DisableRuleInput{Name: aws.String("r"), EventBusName: aws.String("custom")})
	require.NoError(t, err)
	onCustom.Detail = aws.String(`{"n":3}`)
	h.put(t, onCustom)
	assert.Empty(t, h.receive(t, url, 1), "a disabled rule delivers nothing")

	missing := entry(`{"n":4}`)
	missing.EventBusName = aws.String("no-such-bus")
	out := h.put(t, missing)
	assert.Zero(t, out.FailedEntryCount, "AWS accepts events for a bus that does not exist")
	assert.NotEmpty(t, aws.ToString(out.Entries[0].EventId))
}

func TestPutEventsTransformsInputPerTarget(t *testing.T) {
	t.Parallel()
	h := start(t, nil, nil)
	fixedURL, fixedARN := h.queue(t, "fixed")
	pathURL, pathARN := h.queue(t, "path")
	tmplURL, tmplARN := h.queue(t, "tmpl")
	fifoURL, fifoARN := h.queue(t, "ordered.fifo")
	h.rule(t, "r", `{"source":["app.orders"]}`,
		ebtypes.Target{Id: aws.String("fixed"), Arn: aws.String(fixedARN), Input: aws.String(`{"hello":"world"}`)},
		ebtypes.Target{Id: aws.String("path"), Arn: aws.String(pathARN), InputPath: aws.String("$.detail.order")},
		ebtypes.Target{Id: aws.String("tmpl"), Arn: aws.String(tmplARN), InputTransformer: &ebtypes.InputTransformer{
			InputPathsMap: map[string]string{"tenant": "$.detail.tenantId", "order": "$.detail.order"},
			InputTemplate: aws.String(`{"msg":"tenant <tenant>","order":<order>,"rule":"<aws.events.rule-name>"}`)}},
		ebtypes.Target{Id: aws.String("fifo"), Arn: aws.String(fifoARN),
			SqsParameters: &ebtypes.SqsParameters{MessageGroupId: aws.String("group-1")}},
	)
	h.put(t, entry(`{"tenantId":"t-1","order":{"id":7}}`))

	tests := []struct {
		name, url, body string
	}{
		{"Input is sent verbatim", fixedURL, `{"hello":"world"}`},
		{"InputPath selects part of the event", pathURL, `{"id":7}`},
		{"InputTransformer fills the template", tmplURL, `{"msg":"tenant t-1","order":{"id":7},"rule":"r"}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			msgs := h.receive(t, tc.url, 5)
			require.Len(t, msgs, 1)
			assert.Equal(t, tc.body, aws.ToString(msgs[0].Body))
		})
	}
	t.Run("FIFO queues get the target's message group", func(t *testing.T) {
		out, err := h.sqs.ReceiveMessage(context.Background(), &sqs.ReceiveMessageInput{QueueUrl: aws.String(fifoURL),
			WaitTimeSeconds: 5, MessageSystemAttributeNames: []sqstypes.MessageSystemAttributeName{
				sqstypes.MessageSystemAttributeNameMessageGroupId}})
		require.NoError(t, err)
		require.Len(t, out.Messages, 1)
		assert.Equal(t, "group-1", out.Messages[0].Attributes["MessageGroupId"])
	})
}

func TestPutEventsRejectsInvalidEntries(t *testing.T) {
	t.Parallel()
	h := start(t, nil, nil)
	tests := []struct {
		name    string
		entry   ebtypes.PutEventsRequestEntry
		code    string
		message string
	}{
		{"missing source", ebtypes.PutEventsRequestEntry{DetailType: aws.String("t"), Detail: aws.String(`{}`)},
			"InvalidArgument", "Parameter Source is not valid. Reason: Source is a required argument."},
		{"missing detail type", ebtypes.PutEventsRequestEntry{Source: aws.String("s"), Detail: aws.String(`{}`)},
			"InvalidArgument", "Parameter DetailType is not valid. Reason: DetailType is a required argument."},
		{"missing detail", ebtypes.PutEventsRequestEntry{Source: aws.String("s"), DetailType: aws.String("t")},
			"InvalidArgument", "Parameter Detail is not valid. Reason: Detail is a required argument."},
		{"detail that is not JSON", entry(`{"a":`), "MalformedDetail", "Detail is malformed."},
		{"detail that is not an object", entry(`[1,2]`), "MalformedDetail", "Detail is malformed."},
		{"reserved aws source", ebtypes.PutEventsRequestEntry{Source: aws.String("aws.ec2"), DetailType: aws.String("t"),
			Detail: aws.String(`{}`)}, "NotAuthorizedForSourceException", "Not authorized for the source."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := h.put(t, entry(`{"ok":true}`), tc.entry)
			assert.Equal(t, int32(1), out.FailedEntryCount)
			require.Len(t, out.Entries, 2)
			assert.NotEmpty(t, aws.ToString(out.Entries[0].EventId), "the valid entry is accepted")
			bad := out.Entries[1]
			assert.Nil(t, bad.EventId)
			assert.Equal(t, tc.code, aws.ToString(bad.ErrorCode))
			assert.Equal(t, tc.message, aws.ToString(bad.ErrorMessage))
		})
	}
	t.Run("more than ten entries", func(t *testing.T) {
		entries := make([]ebtypes.PutEventsRequestEntry, 11)
		for i := range entries {
			entries[i] = entry(`{}`)
		}
		_, err := h.events.PutEvents(context.Background(), &eventbridge.PutEventsInput{Entries: entries})
		assert.Equal(t, "ValidationException", apiCode(t, err))
	})
	t.Run("entries over 1 MiB", func(t *testing.T) {
		big := entry(`{"pad":"` + strings.Repeat("x", 1<<20) + `"}`)
		_, err := h.events.PutEvents(context.Background(), &eventbridge.PutEventsInput{Entries: []ebtypes.PutEventsRequestEntry{big}})
		assert.Equal(t, "ValidationException", apiCode(t, err))
		assert.Contains(t, err.Error(), "Total size of the entries in the request is over the limit.")
	})
	t.Run("entries just under 1 MiB", func(t *testing.T) {
		e := entry("")
		pad := (1 << 20) - len("app.orders") - len("OrderPlaced") - len(`{"pad":""}`)
		e.Detail = aws.String(`{"pad":"` + strings.Repeat("x", pad) + `"}`)
		out := h.put(t, e)
		assert.Zero(t, out.FailedEntryCount)
	})
}

func TestLambdaTargetIsInvokedAsynchronously(t *testing.T) {
	t.Parallel()
	fake := &fakeLambda{}
	h := start(t, nil, func(s *eb.Service) { s.Lambda = fake })
	fn := "arn:aws:lambda:us-east-1:" + account + ":function:router"
	h.rule(t, "to-router", `{"detail-type":["OrderPlaced"]}`, ebtypes.Target{Id: aws.String("fn"), Arn: aws.String(fn)})
	out := h.put(t, entry(`{"tenantId":"t-9"}`))

	require.Eventually(t, func() bool { return fake.count() == 1 }, 5*time.Second, 10*time.Millisecond)
	call := fake.call(0)
	assert.Equal(t, fn, aws.ToString(call.FunctionName))
	assert.Equal(t, lambdatypes.InvocationTypeEvent, call.InvocationType, "EventBridge invokes Lambda asynchronously")
	var got envelope
	require.NoError(t, json.Unmarshal(call.Payload, &got))
	assert.Equal(t, aws.ToString(out.Entries[0].EventId), got.ID)
	assert.JSONEq(t, `{"tenantId":"t-9"}`, string(got.Detail))
}

func TestFailedDeliveryIsRetriedThenSentToTheDeadLetterQueue(t *testing.T) {
	t.Parallel()
	clock := core.NewFakeClock(epoch)
	fake := &fakeLambda{err: &smithy.GenericAPIError{Code: "TooManyRequestsException", Message: "Rate exceeded"}}
	h := start(t, clock, func(s *eb.Service) { s.Lambda = fake })
	dlqURL, dlqARN := h.queue(t, "router-dlq")
	fn := "arn:aws:lambda:us-east-1:" + account + ":function:router"
	ruleARN := h.rule(t, "to-router", `{"source":["app.orders"]}`, ebtypes.Target{Id: aws.String("fn"), Arn: aws.String(fn),
		RetryPolicy:      &ebtypes.RetryPolicy{MaximumRetryAttempts: aws.Int32(2)},
		DeadLetterConfig: &ebtypes.DeadLetterConfig{Arn: aws.String(dlqARN)}})
	out := h.put(t, entry(`{"tenantId":"t-1"}`))

	// Each retry waits on the service clock: move it until the event is dead-lettered.
	var msgs []sqsMessage
	require.Eventually(t, func() bool {
		clock.Advance(time.Minute)
		msgs = receiveAll(t, h, dlqURL)
		return len(msgs) > 0
	}, 10*time.Second, 20*time.Millisecond)
	require.Len(t, msgs, 1)
	assert.Equal(t, 3, fake.count(), "one attempt and MaximumRetryAttempts retries")
	var got envelope
	require.NoError(t, json.Unmarshal([]byte(msgs[0].body), &got))
	assert.Equal(t, aws.ToString(out.Entries[0].EventId), got.ID, "the DLQ receives the original event")
	assert.Equal(t, map[string]string{
		"RULE_ARN": ruleARN, "TARGET_ARN": fn, "ERROR_CODE": "THROTTLING", "ERROR_MESSAGE": "Rate exceeded",
		"RETRY_ATTEMPTS": "2", "EXHAUSTED_RETRY_CONDITION": "MaximumRetryAttempts",
	}, msgs[0].attrs)
}

func TestEventAgeLimitEndsRetries(t *testing.T) {
	t.Parallel()
	clock := core.NewFakeClock(epoch)
	fake := &fakeLambda{err: &smithy.GenericAPIError{Code: "ServiceException", Message: "boom",
		Fault: smithy.FaultServer}}
	h := start(t, clock, func(s *eb.Service) {
		s.Lambda = fake
		s.Backoff = eb.Backoff{Base: 40 * time.Second, Max: 40 * time.Second}
	})
	dlqURL, dlqARN := h.queue(t, "dlq")
	h.rule(t, "r", `{"source":["app.orders"]}`, ebtypes.Target{Id: aws.String("fn"),
		Arn:              aws.String("arn:aws:lambda:us-east-1:" + account + ":function:f"),
		RetryPolicy:      &ebtypes.RetryPolicy{MaximumEventAgeInSeconds: aws.Int32(60)},
		DeadLetterConfig: &ebtypes.DeadLetterConfig{Arn: aws.String(dlqARN)}})
	h.put(t, entry(`{}`))

	var msgs []sqsMessage
	require.Eventually(t, func() bool {
		clock.Advance(40 * time.Second)
		msgs = receiveAll(t, h, dlqURL)
		return len(msgs) > 0
	}, 10*time.Second, 20*time.Millisecond)
	assert.Equal(t, "MaximumEventAgeInSeconds", msgs[0].attrs["EXHAUSTED_RETRY_CONDITION"])
	assert.Less(t, fake.count(), 185, "the age limit, not the attempt limit, ended the retries")
}

func TestMissingTargetGoesStraightToTheDeadLetterQueue(t *testing.T) {
	t.Parallel()
	fake := &fakeLambda{err: &smithy.GenericAPIError{Code: "ResourceNotFoundException", Message: "Function not found"}}
	h := start(t, nil, func(s *eb.Service) { s.Lambda = fake })
	msg := h.deadLetterToMissingFunction(t)
	assert.Equal(t, "0", aws.ToString(msg.MessageAttributes["RETRY_ATTEMPTS"].StringValue))
	assert.Equal(t, 1, fake.count(), "a missing function is not retried")
}

// deadLetterToMissingFunction routes one event to a function the Lambda client reports
// missing and returns the one message the target's DLQ then holds.
func (h *harness) deadLetterToMissingFunction(t *testing.T) sqstypes.Message {
	t.Helper()
	dlqURL, dlqARN := h.queue(t, "dlq")
	h.rule(t, "r", `{"source":["app.orders"]}`, ebtypes.Target{Id: aws.String("fn"),
		Arn:              aws.String("arn:aws:lambda:us-east-1:" + account + ":function:gone"),
		DeadLetterConfig: &ebtypes.DeadLetterConfig{Arn: aws.String(dlqARN)}})
	h.put(t, entry(`{}`))
	msgs := h.receive(t, dlqURL, 5)
	require.Len(t, msgs, 1, "the event reached the dead-letter queue")
	assert.Equal(t, "RESOURCE_NOT_FOUND", aws.ToString(msgs[0].MessageAttributes["ERROR_CODE"].StringValue))
	return msgs[0]
}

func TestMissingFunctionOfTheLambdaServiceIsDeadLettered(t *testing.T) {
	t.Parallel()
	// Through the real Lambda client and service: the async Invoke of a function
	// that does not exist fails with ResourceNotFoundException, which is not retried.
	h := start(t, nil, nil, localaws.Use(locallambda.New))
	dlqURL, dlqARN := h.queue(t, "dlq")
	fn := "arn:aws:lambda:us-east-1:" + account + ":function:never-created"
	h.rule(t, "r", `{"source":["app.orders"]}`, ebtypes.Target{Id: aws.String("fn"), Arn: aws.String(fn),
		DeadLetterConfig: &ebtypes.DeadLetterConfig{Arn: aws.String(dlqARN)}})
	h.put(t, entry(`{}`))
	msgs := h.receive(t, dlqURL, 5)
	require.Len(t, msgs, 1)
	assert.Equal(t, "RESOURCE_NOT_FOUND", aws.ToString(msgs[0].MessageAttributes["ERROR_CODE"].StringValue))
	assert.Equal(t, fn, aws.ToString(msgs[0].MessageAttributes["TARGET_ARN"].StringValue))
}

func TestSQSTargetThatDoesNotExistIsDeadLettered(t *testing.T) {
	t.Parallel()
	h := start(t, nil, nil)
	dlqURL, dlqARN := h.queue(t, "dlq")
	h.rule(t, "r", `{"source":["app.orders"]}`, ebtypes.Target{Id: aws.String("q"),
		Arn:              aws.String("arn:aws:sqs:us-east-1:" + account + ":missing"),
		DeadLetterConfig: &ebtypes.DeadLetterConfig{Arn: aws.String(dlqARN)}})
	h.put(t, entry(`{}`))
	msgs := h.receive(t, dlqURL, 5)
	require.Len(t, msgs, 1)
	assert.Equal(t, "RESOURCE_NOT_FOUND", aws.ToString(msgs[0].MessageAttributes["ERROR_CODE"].StringValue))
}

func TestCloseStopsDeliveriesWaitingToRetry(t *testing.T) {
	t.Parallel()
	clock := core.NewFakeClock(epoch)
	fake := &fakeLambda{err: &smithy.GenericAPIError{Code: "TooManyRequestsException", Message: "slow down"}}
	h := start(t, clock, func(s *eb.Service) { s.Lambda = fake })
	h.rule(t, "r", `{"source":["app.orders"]}`, ebtypes.Target{Id: aws.String("fn"),
		Arn: aws.String("arn:aws:lambda:us-east-1:" + account + ":function:f")})
	h.put(t, entry(`{}`))
	require.Eventually(t, func() bool { return fake.count() == 1 }, 5*time.Second, 10*time.Millisecond)

	done := make(chan error, 1)
	go func() { done <- h.svc.Close() }()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not stop the delivery waiting on the clock")
	}
	clock.Advance(time.Hour)
	assert.Equal(t, 1, fake.count(), "no retry after Close")
}

// TestDeadLetterSendSurvivesALostConnection loses the connection of the first DLQ send:
// the target's retries are spent, so the send must retry itself rather than lose the event.
func TestDeadLetterSendSurvivesALostConnection(t *testing.T) {
	t.Parallel()
	fake := &fakeLambda{err: &smithy.GenericAPIError{Code: "ResourceNotFoundException", Message: "Function not found"}}
	lossy := &lossySQS{}
	h := start(t, nil, func(s *eb.Service) { s.Lambda, s.SQS = fake, lossy })
	// One attempt unless the caller asks for more, as localaws's own clients are built.
	lossy.client = sqs.NewFromConfig(aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(h.srv.URL()),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", ""), RetryMaxAttempts: 1,
		HTTPClient: &http.Client{Transport: &loseFirst{next: http.DefaultTransport}}})
	h.deadLetterToMissingFunction(t)
}

// lossySQS is the delivery's SQS client, built once the server listens.
type lossySQS struct{ client *sqs.Client }

func (l *lossySQS) SendMessage(ctx context.Context, in *sqs.SendMessageInput, optFns ...func(*sqs.Options)) (
	*sqs.SendMessageOutput, error) {
	return l.client.SendMessage(ctx, in, optFns...)
}

// loseFirst fails the first request as a connection closed under it would.
type loseFirst struct {
	next http.RoundTripper
	lost atomic.Bool
}

func (l *loseFirst) RoundTrip(r *http.Request) (*http.Response, error) {
	if l.lost.CompareAndSwap(false, true) {
		return nil, &net.OpError{Op: "read", Net: "tcp", Err: net.ErrClosed}
	}
	return l.next.RoundTrip(r)
}
