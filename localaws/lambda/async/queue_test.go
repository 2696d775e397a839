package async_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awssqs "github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/core"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/internal/testserver"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/lambda/async"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/protocol"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/sqs"
)

const functionARN = "arn:aws:lambda:us-east-1:000000000000:function:worker"

// fakeLambda stands in for the Lambda service as a destination: it records Invoke calls.
type fakeLambda struct {
	mu    sync.Mutex
	calls []lambdaCall
	drop  int // connections to close unanswered before recording calls
}

type lambdaCall struct {
	path, invocationType string
	body                 []byte
}

func (f *fakeLambda) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	if f.drop > 0 {
		f.drop--
		f.mu.Unlock()
		if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
			_ = conn.Close()
		}
		return
	}
	f.calls = append(f.calls, lambdaCall{path: r.URL.EscapedPath(), invocationType: r.Header.Get("X-Amz-Invocation-Type"),
		body: body})
	f.mu.Unlock()
	w.WriteHeader(http.StatusAccepted)
}

func (f *fakeLambda) Route() core.Route { return core.Route{SigningName: "lambda"} }

type harness struct {
	srv    *localaws.Server
	sqs    *awssqs.Client
	lambda *fakeLambda
	logs   *testserver.LogBuffer
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	h := &harness{lambda: &fakeLambda{}, logs: &testserver.LogBuffer{}}
	srv, err := localaws.New(localaws.Config{Addr: "127.0.0.1:0", Logger: slog.New(slog.NewTextHandler(h.logs, nil))},
		localaws.Use(sqs.New),
		localaws.Use(func(*core.Env) *fakeLambda { return h.lambda }))
	require.NoError(t, err)
	require.NoError(t, srv.Start())
	t.Cleanup(func() { _ = srv.Close() })
	h.srv = srv
	h.sqs = awssqs.NewFromConfig(aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL()),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")})
	return h
}

// queue starts a Queue with short delays that Cleanup closes before the server.
func (h *harness) queue(t *testing.T, invoke async.InvokeFunc, cfg async.Config, opts ...async.Option) *async.Queue {
	opts = append([]async.Option{async.WithRetryDelays(50*time.Millisecond, 100*time.Millisecond),
		async.WithThrottleBackoff(10*time.Millisecond, 50*time.Millisecond)}, opts...)
	q := async.New(h.srv.Env(), invoke, func(arn, qualifier string) async.Config {
		assert.Equal(t, functionARN, arn)
		assert.Equal(t, "$LATEST", qualifier)
		return cfg
	}, opts...)
	t.Cleanup(func() { _ = q.Close() })
	return q
}

// destination creates an SQS queue and returns its URL and ARN.
func (h *harness) destination(t *testing.T, name string) (string, string) {
	t.Helper()
	ctx := context.Background()
	out, err := h.sqs.CreateQueue(ctx, &awssqs.CreateQueueInput{QueueName: aws.String(name)})
	require.NoError(t, err)
	attrs, err := h.sqs.GetQueueAttributes(ctx, &awssqs.GetQueueAttributesInput{QueueUrl: out.QueueUrl,
		AttributeNames: []types.QueueAttributeName{types.QueueAttributeNameQueueArn}})
	require.NoError(t, err)
	return aws.ToString(out.QueueUrl), attrs.Attributes["QueueArn"]
}

// record waits for one invocation record on the queue and returns it raw.
func (h *harness) record(t *testing.T, url string) []byte {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		out, err := h.sqs.ReceiveMessage(context.Background(), &awssqs.ReceiveMessageInput{QueueUrl: &url,
			WaitTimeSeconds: 1})
		require.NoError(t, err)
		if len(out.Messages) > 0 {
			require.Len(t, out.Messages, 1)
			return []byte(aws.ToString(out.Messages[0].Body))
		}
	}
	t.Fatal("no invocation record arrived")
	return nil
}

// assertEmpty checks that no record arrives on the queue.
func (h *harness) assertEmpty(t *testing.T, url string) {
	t.Helper()
	out, err := h.sqs.ReceiveMessage(context.Background(), &awssqs.ReceiveMessageInput{QueueUrl: &url,
		WaitTimeSeconds: 1})
	require.NoError(t, err)
	assert.Empty(t, out.Messages)
}

// fakeFunction counts invokes and answers with respond.
type fakeFunction struct {
	mu      sync.Mutex
	calls   []time.Time
	running int
	peak    int
	delay   time.Duration
	respond func(call int) ([]byte, string, error)
}

func (f *fakeFunction) invoke(ctx context.Context, ev async.Event) ([]byte, string, error) {
	f.mu.Lock()
	f.calls = append(f.calls, time.Now())
	call := len(f.calls)
	f.running++
	f.peak = max(f.peak, f.running)
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		f.running--
		f.mu.Unlock()
	}()
	if f.delay > 0 {
		select {
		case <-time.After(f.delay):
		case <-ctx.Done():
			return nil, "", ctx.Err()
		}
	}
	return f.respond(call)
}

func (f *fakeFunction) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.calls)
}

func unhandled(int) ([]byte, string, error) {
	return []byte(`{"errorMessage":"boom","errorType":"errorString"}`), "Unhandled", nil
}

func throttled(int) ([]byte, string, error) {
	return nil, "", protocol.Errorf(http.StatusTooManyRequests, "TooManyRequestsException", "Rate Exceeded.")
}

func event(id string) async.Event {
	return async.Event{FunctionARN: functionARN, Qualifier: "$LATEST", TenantID: "t1", RequestID: id,
		Payload: []byte(`{"order":42}`)}
}

func decode(t *testing.T, raw []byte) (async.Record, map[string]json.RawMessage) {
	t.Helper()
	var rec async.Record
	require.NoError(t, json.Unmarshal(raw, &rec))
	var fields map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(raw, &fields))
	return rec, fields
}

func TestRetriesExhaustedGoesToOnFailure(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	for _, retries := range []int{0, 1, 2} {
		t.Run("maximum retry attempts "+strconv.Itoa(retries), func(t *testing.T) {
			url, arn := h.destination(t, "failure-"+strconv.Itoa(retries))
			f := &fakeFunction{respond: unhandled}
			q := h.queue(t, f.invoke, async.Config{MaximumRetryAttempts: retries, MaximumEventAge: time.Hour,
				OnFailure: arn})
			before := time.Now()
			q.Enqueue(event("req-1"))

			rec, fields := decode(t, h.record(t, url))
			assert.Equal(t, retries+1, f.count(), "one invoke and its retries")
			assert.Equal(t, "1.0", rec.Version)
			ts, err := time.Parse("2006-01-02T15:04:05.000Z", rec.Timestamp)
			require.NoError(t, err)
			assert.WithinDuration(t, time.Now(), ts, 10*time.Second)
			assert.Equal(t, async.RequestContext{RequestID: "req-1", FunctionARN: functionARN + ":$LATEST",
				Condition: "RetriesExhausted", ApproximateInvokeCount: retries + 1}, rec.RequestContext)
			assert.JSONEq(t, `{"order":42}`, string(rec.RequestPayload))
			assert.Equal(t, &async.ResponseContext{StatusCode: 200, ExecutedVersion: "$LATEST",
				FunctionError: "Unhandled"}, rec.ResponseContext)
			assert.JSONEq(t, `{"errorMessage":"boom","errorType":"errorString"}`, string(rec.ResponsePayload))
			assert.Len(t, fields, 6)

			// The retries waited: 50 ms before the first, 100 ms before the second.
			f.mu.Lock()
			defer f.mu.Unlock()
			waits := []time.Duration{50 * time.Millisecond, 100 * time.Millisecond}
			for i := 1; i < len(f.calls); i++ {
				assert.GreaterOrEqual(t, f.calls[i].Sub(f.calls[i-1]), waits[i-1])
			}
			assert.Less(t, time.Since(before), 5*time.Second)
		})
	}
}

func TestSuccessGoesToOnSuccess(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	okURL, okARN := h.destination(t, "success")
	failURL, failARN := h.destination(t, "success-failure")
	f := &fakeFunction{respond: func(int) ([]byte, string, error) { return []byte(`{"done":true}`), "", nil }}
	q := h.queue(t, f.invoke, async.Config{MaximumRetryAttempts: 2, MaximumEventAge: time.Hour, OnSuccess: okARN,
		OnFailure: failARN})
	ev := event("req-ok")
	ev.Payload = []byte("plain text")
	q.Enqueue(ev)

	raw := h.record(t, okURL)
	rec, _ := decode(t, raw)
	assert.Equal(t, "Success", rec.RequestContext.Condition)
	assert.Equal(t, 1, rec.RequestContext.ApproximateInvokeCount)
	assert.JSONEq(t, `"plain text"`, string(rec.RequestPayload), "a payload that is not JSON is a string")
	assert.JSONEq(t, `{"done":true}`, string(rec.ResponsePayload))
	var ctx map[string]any
	require.NoError(t, json.Unmarshal(mustField(t, raw, "responseContext"), &ctx))
	assert.Equal(t, map[string]any{"statusCode": float64(200), "executedVersion": "$LATEST"}, ctx,
		"no functionError on success")
	h.assertEmpty(t, failURL)
	assert.Equal(t, 1, f.count())
}

func mustField(t *testing.T, raw []byte, name string) json.RawMessage {
	t.Helper()
	var fields map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(raw, &fields))
	require.Contains(t, fields, name)
	return fields[name]
}

func TestEventAgeExceeded(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		enqueuedAt time.Duration // before now
		maxAge     time.Duration
		respond    func(int) ([]byte, string, error)
		retryDelay time.Duration
		invokes    int // exact, or -1 for "more than one"
		count      int
		response   *async.ResponseContext
	}{
		{name: "expired before the first attempt is never invoked", enqueuedAt: 2 * time.Hour, maxAge: time.Hour,
			respond: unhandled},
		{name: "throttled until the age passes", maxAge: 300 * time.Millisecond, respond: throttled, invokes: -1},
		{name: "a retry after the age is not made", maxAge: 300 * time.Millisecond, respond: unhandled,
			retryDelay: time.Minute, invokes: 1, count: 1,
			response: &async.ResponseContext{StatusCode: 200, ExecutedVersion: "$LATEST", FunctionError: "Unhandled"}},
	}
	h := newHarness(t)
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			url, arn := h.destination(t, "age-"+strconv.Itoa(i))
			f := &fakeFunction{respond: tt.respond}
			var opts []async.Option
			if tt.retryDelay > 0 {
				opts = append(opts, async.WithRetryDelays(tt.retryDelay, tt.retryDelay))
			}
			q := h.queue(t, f.invoke, async.Config{MaximumRetryAttempts: 2, MaximumEventAge: tt.maxAge,
				OnFailure: arn}, opts...)
			ev := event("req-age")
			ev.EnqueuedAt = time.Now().Add(-tt.enqueuedAt)
			start := time.Now()
			q.Enqueue(ev)

			raw := h.record(t, url)
			rec, fields := decode(t, raw)
			assert.Equal(t, "EventAgeExceeded", rec.RequestContext.Condition)
			assert.Equal(t, tt.count, rec.RequestContext.ApproximateInvokeCount)
			assert.Equal(t, tt.response, rec.ResponseContext)
			if tt.response == nil {
				assert.NotContains(t, fields, "responseContext", "the function never ran")
				assert.NotContains(t, fields, "responsePayload")
			}
			if tt.invokes < 0 {
				assert.Greater(t, f.count(), 1)
			} else {
				assert.Equal(t, tt.invokes, f.count())
			}
			assert.Less(t, time.Since(start), 5*time.Second, "reported when the age passes, not at the next retry")
		})
	}
}

func TestThrottlesAreNotAttempts(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	url, arn := h.destination(t, "throttle-success")
	f := &fakeFunction{respond: func(call int) ([]byte, string, error) {
		if call <= 2 {
			return throttled(call)
		}
		return []byte(`"ok"`), "", nil
	}}
	q := h.queue(t, f.invoke, async.Config{MaximumRetryAttempts: 0, MaximumEventAge: time.Hour, OnSuccess: arn})
	q.Enqueue(event("req-throttle"))
	rec, _ := decode(t, h.record(t, url))
	assert.Equal(t, "Success", rec.RequestContext.Condition)
	assert.Equal(t, 1, rec.RequestContext.ApproximateInvokeCount)
	assert.Equal(t, 3, f.count())
}

// TestLambdaDestinationIsInvokedAsynchronously also loses the first delivery's connection:
// nobody else can retry a destination record, so the delivery does.
func TestLambdaDestinationIsInvokedAsynchronously(t *testing.T) {
	t.Parallel()
	for _, drop := range []int{0, 1} {
		t.Run(fmt.Sprintf("%d lost connections", drop), func(t *testing.T) {
			h := newHarness(t)
			h.lambda.drop = drop
			dest := "arn:aws:lambda:us-east-1:000000000000:function:failures"
			f := &fakeFunction{respond: unhandled}
			q := h.queue(t, f.invoke, async.Config{MaximumRetryAttempts: 0, MaximumEventAge: time.Hour, OnFailure: dest})
			q.Enqueue(event("req-lambda"))
			var call lambdaCall
			require.Eventually(t, func() bool {
				h.lambda.mu.Lock()
				defer h.lambda.mu.Unlock()
				if len(h.lambda.calls) == 0 {
					return false
				}
				call = h.lambda.calls[0]
				return true
			}, 10*time.Second, 20*time.Millisecond, "logs:\n%s", h.logs.String())
			assert.Equal(t, "Event", call.invocationType)
			assert.Contains(t, call.path, "/2015-03-31/functions/")
			assert.Contains(t, call.path, "failures")
			rec, _ := decode(t, call.body)
			assert.Equal(t, "RetriesExhausted", rec.RequestContext.Condition)
			assert.Equal(t, "req-lambda", rec.RequestContext.RequestID)
			assert.NotContains(t, h.logs.String(), "destination delivery failed")
		})
	}
}

func TestWorkersAreBounded(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	f := &fakeFunction{delay: 50 * time.Millisecond, respond: func(int) ([]byte, string, error) { return nil, "", nil }}
	q := h.queue(t, f.invoke, async.DefaultConfig(), async.WithWorkers(2))
	for range 8 {
		q.Enqueue(event("req"))
	}
	require.Eventually(t, func() bool { return f.count() == 8 }, 10*time.Second, 10*time.Millisecond)
	f.mu.Lock()
	defer f.mu.Unlock()
	assert.Equal(t, 2, f.peak)
}

func TestCloseReportsUndeliveredEvents(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	started := make(chan struct{}, 1)
	invoke := func(ctx context.Context, _ async.Event) ([]byte, string, error) {
		started <- struct{}{}
		<-ctx.Done() // a function that outlives the grace period
		return nil, "", ctx.Err()
	}
	q := async.New(h.srv.Env(), invoke, func(string, string) async.Config { return async.DefaultConfig() },
		async.WithWorkers(1), async.WithCloseGrace(100*time.Millisecond))
	for _, id := range []string{"req-a", "req-b", "req-c"} {
		q.Enqueue(event(id))
	}
	<-started
	start := time.Now()
	require.NoError(t, q.Close())
	assert.Less(t, time.Since(start), 2*time.Second)
	logs := h.logs.String()
	assert.Contains(t, logs, "async queue closed with undelivered events")
	assert.Contains(t, logs, "count=3")
	for _, id := range []string{"req-a", "req-b", "req-c"} {
		assert.Contains(t, logs, id)
	}
	q.Enqueue(event("req-late"))
	assert.Contains(t, h.logs.String(), "async event arrived after shutdown")
}
