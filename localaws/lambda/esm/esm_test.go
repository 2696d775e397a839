package esm_test

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awssqs "github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/lambda/esm"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/protocol"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/sqs"
)

const functionARN = "arn:aws:lambda:us-east-1:000000000000:function:worker"

type harness struct {
	srv *localaws.Server
	sqs *awssqs.Client
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	srv, err := localaws.New(localaws.Config{Addr: "127.0.0.1:0", Logger: testLogger()},
		localaws.Use(sqs.New))
	require.NoError(t, err)
	require.NoError(t, srv.Start())
	t.Cleanup(func() { _ = srv.Close() })
	client := awssqs.NewFromConfig(aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL()),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")})
	return &harness{srv: srv, sqs: client}
}

// manager starts an ESM manager that Cleanup closes before the server.
func (h *harness) manager(t *testing.T, invoke esm.InvokeFunc, opts ...esm.Option) *esm.Manager {
	opts = append([]esm.Option{esm.WithBackoff(20*time.Millisecond, 200*time.Millisecond, 50*time.Millisecond)}, opts...)
	m := esm.New(h.srv.Env(), invoke, opts...)
	t.Cleanup(func() { _ = m.Close() })
	return m
}

// queue creates a queue and returns its URL and ARN.
func (h *harness) queue(t *testing.T, name string, attrs map[string]string) (string, string) {
	t.Helper()
	ctx := context.Background()
	out, err := h.sqs.CreateQueue(ctx, &awssqs.CreateQueueInput{QueueName: aws.String(name), Attributes: attrs})
	require.NoError(t, err)
	got, err := h.sqs.GetQueueAttributes(ctx, &awssqs.GetQueueAttributesInput{QueueUrl: out.QueueUrl,
		AttributeNames: []types.QueueAttributeName{types.QueueAttributeNameQueueArn}})
	require.NoError(t, err)
	return aws.ToString(out.QueueUrl), got.Attributes["QueueArn"]
}

func (h *harness) send(t *testing.T, url string, bodies ...string) {
	t.Helper()
	for len(bodies) > 0 {
		n := min(len(bodies), 10)
		var entries []types.SendMessageBatchRequestEntry
		for i, b := range bodies[:n] {
			entries = append(entries, types.SendMessageBatchRequestEntry{Id: aws.String(strconv.Itoa(i)),
				MessageBody: aws.String(b)})
		}
		out, err := h.sqs.SendMessageBatch(context.Background(), &awssqs.SendMessageBatchInput{QueueUrl: &url,
			Entries: entries})
		require.NoError(t, err)
		require.Empty(t, out.Failed)
		bodies = bodies[n:]
	}
}

// depth is the number of messages in the queue, visible or in flight.
func (h *harness) depth(t *testing.T, url string) int {
	t.Helper()
	out, err := h.sqs.GetQueueAttributes(context.Background(), &awssqs.GetQueueAttributesInput{QueueUrl: &url,
		AttributeNames: []types.QueueAttributeName{types.QueueAttributeNameApproximateNumberOfMessages,
			types.QueueAttributeNameApproximateNumberOfMessagesNotVisible}})
	require.NoError(t, err)
	visible, _ := strconv.Atoi(out.Attributes["ApproximateNumberOfMessages"])
	inFlight, _ := strconv.Atoi(out.Attributes["ApproximateNumberOfMessagesNotVisible"])
	return visible + inFlight
}

// responder scripts the function: call is 1-based, per batch.
type responder func(call int, ev events.SQSEvent) (out []byte, functionError string, err error)

// fakeFunction records every batch and the peak of concurrent invokes.
type fakeFunction struct {
	mu       sync.Mutex
	batches  []events.SQSEvent
	raw      [][]byte
	running  int
	peak     int
	delay    time.Duration
	respond  responder
	observer func(ev events.SQSEvent, start bool)
}

func (f *fakeFunction) invoke(ctx context.Context, arn string, payload []byte) ([]byte, string, error) {
	if arn != functionARN {
		return nil, "", errors.New("unexpected function " + arn)
	}
	var ev events.SQSEvent
	if err := json.Unmarshal(payload, &ev); err != nil {
		return nil, "", err
	}
	f.mu.Lock()
	f.batches = append(f.batches, ev)
	f.raw = append(f.raw, payload)
	call := len(f.batches)
	f.running++
	f.peak = max(f.peak, f.running)
	if f.observer != nil {
		f.observer(ev, true)
	}
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		f.running--
		if f.observer != nil {
			f.observer(ev, false)
		}
		f.mu.Unlock()
	}()
	if f.delay > 0 {
		select {
		case <-time.After(f.delay):
		case <-ctx.Done():
			return nil, "", ctx.Err()
		}
	}
	if f.respond == nil {
		return []byte("null"), "", nil
	}
	return f.respond(call, ev)
}

// deliveries returns every delivered record by body, in delivery order.
func (f *fakeFunction) deliveries() map[string][]events.SQSMessage {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[string][]events.SQSMessage{}
	for _, b := range f.batches {
		for _, r := range b.Records {
			out[r.Body] = append(out[r.Body], r)
		}
	}
	return out
}

func (f *fakeFunction) snapshot() []events.SQSEvent {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]events.SQSEvent(nil), f.batches...)
}

func (f *fakeFunction) records() int {
	n := 0
	for _, b := range f.snapshot() {
		n += len(b.Records)
	}
	return n
}

func waitFor(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func bodies(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = prefix + strconv.Itoa(i)
	}
	return out
}

func TestBatchSizeAndWindow(t *testing.T) {
	t.Parallel()
	h := newHarness(t)

	t.Run("batch size caps every batch", func(t *testing.T) {
		url, arn := h.queue(t, "size", nil)
		h.send(t, url, bodies("m", 25)...)
		f := &fakeFunction{}
		m := h.manager(t, f.invoke)
		m.Put(esm.Mapping{UUID: "size", EventSourceARN: arn, FunctionARN: functionARN, BatchSize: 10,
			BatchingWindow: time.Second, Enabled: true})
		waitFor(t, 10*time.Second, "25 records", func() bool { return f.records() >= 25 })
		largest := 0
		for _, b := range f.snapshot() {
			assert.LessOrEqual(t, len(b.Records), 10)
			largest = max(largest, len(b.Records))
		}
		assert.Equal(t, 10, largest, "a full queue fills batches")
		assert.Len(t, f.deliveries(), 25, "each message once")
		waitFor(t, 5*time.Second, "the queue to drain", func() bool { return h.depth(t, url) == 0 })
	})

	t.Run("window gathers messages sent apart", func(t *testing.T) {
		url, arn := h.queue(t, "window", nil)
		f := &fakeFunction{}
		m := h.manager(t, f.invoke)
		m.Put(esm.Mapping{UUID: "window", EventSourceARN: arn, FunctionARN: functionARN, BatchSize: 10,
			BatchingWindow: 2 * time.Second, Enabled: true})
		time.Sleep(200 * time.Millisecond) // let the poller start its long poll
		sent := time.Now()
		for _, b := range []string{"a", "b", "c"} {
			h.send(t, url, b)
			time.Sleep(300 * time.Millisecond)
		}
		waitFor(t, 10*time.Second, "a batch", func() bool { return len(f.snapshot()) > 0 })
		elapsed := time.Since(sent)
		got := f.snapshot()
		require.Len(t, got, 1)
		assert.Len(t, got[0].Records, 3, "one batch with every message sent within the window")
		assert.GreaterOrEqual(t, elapsed, 1900*time.Millisecond, "the window was waited out")
		assert.Less(t, elapsed, 4*time.Second)
	})

	t.Run("no window invokes at once", func(t *testing.T) {
		url, arn := h.queue(t, "nowindow", nil)
		f := &fakeFunction{}
		m := h.manager(t, f.invoke)
		m.Put(esm.Mapping{UUID: "nowindow", EventSourceARN: arn, FunctionARN: functionARN, BatchSize: 10,
			Enabled: true})
		time.Sleep(200 * time.Millisecond)
		sent := time.Now()
		h.send(t, url, "only")
		waitFor(t, 5*time.Second, "a batch", func() bool { return len(f.snapshot()) > 0 })
		assert.Less(t, time.Since(sent), time.Second)
		assert.Len(t, f.snapshot()[0].Records, 1)
	})
}

func TestEventIsWhatLambdaSends(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	url, arn := h.queue(t, "shape", nil)
	f := &fakeFunction{}
	m := h.manager(t, f.invoke)
	_, err := h.sqs.SendMessage(context.Background(), &awssqs.SendMessageInput{QueueUrl: &url,
		MessageBody: aws.String(`{"tenantId":"t1"}`),
		MessageAttributes: map[string]types.MessageAttributeValue{
			"tenantId": {DataType: aws.String("String"), StringValue: aws.String("t1")},
			"retries":  {DataType: aws.String("Number"), StringValue: aws.String("3")},
			"blob":     {DataType: aws.String("Binary"), BinaryValue: []byte{0, 1, 2}},
		}})
	require.NoError(t, err)
	m.Put(esm.Mapping{UUID: "shape", EventSourceARN: arn, FunctionARN: functionARN, BatchSize: 10, Enabled: true})
	waitFor(t, 5*time.Second, "a batch", func() bool { return len(f.snapshot()) > 0 })

	rec := f.snapshot()[0].Records[0]
	sum := md5.Sum([]byte(`{"tenantId":"t1"}`))
	assert.Equal(t, hex.EncodeToString(sum[:]), rec.Md5OfBody)
	assert.NotEmpty(t, rec.Md5OfMessageAttributes)
	assert.NotEmpty(t, rec.MessageId)
	assert.NotEmpty(t, rec.ReceiptHandle)
	assert.Equal(t, "aws:sqs", rec.EventSource)
	assert.Equal(t, arn, rec.EventSourceARN)
	assert.Equal(t, "us-east-1", rec.AWSRegion)
	assert.Equal(t, "1", rec.Attributes["ApproximateReceiveCount"])
	for _, k := range []string{"SentTimestamp", "SenderId", "ApproximateFirstReceiveTimestamp"} {
		assert.NotEmpty(t, rec.Attributes[k], k)
	}
	assert.Equal(t, "t1", aws.ToString(rec.MessageAttributes["tenantId"].StringValue))
	assert.Equal(t, "String", rec.MessageAttributes["tenantId"].DataType)
	assert.Equal(t, "Number", rec.MessageAttributes["retries"].DataType)
	assert.Equal(t, []byte{0, 1, 2}, rec.MessageAttributes["blob"].BinaryValue)

	// The lists are empty arrays on the wire, as Lambda sends them, never null.
	var raw struct {
		Records []struct {
			MessageAttributes map[string]map[string]json.RawMessage `json:"messageAttributes"`
		}
	}
	require.NoError(t, json.Unmarshal(f.raw[0], &raw))
	assert.JSONEq(t, `[]`, string(raw.Records[0].MessageAttributes["tenantId"]["stringListValues"]))
	assert.JSONEq(t, `[]`, string(raw.Records[0].MessageAttributes["tenantId"]["binaryListValues"]))
	waitFor(t, 5*time.Second, "the queue to drain", func() bool { return h.depth(t, url) == 0 })
}

func TestPartialBatchFailureRedeliversOnlyTheFailedRecordUntilTheDLQ(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	dlqURL, dlqARN := h.queue(t, "partial-dlq", nil)
	url, arn := h.queue(t, "partial", map[string]string{"VisibilityTimeout": "1",
		"RedrivePolicy": `{"deadLetterTargetArn":"` + dlqARN + `","maxReceiveCount":"2"}`})
	h.send(t, url, "a", "b", "c")
	f := &fakeFunction{respond: func(_ int, ev events.SQSEvent) ([]byte, string, error) {
		var resp events.SQSEventResponse
		for _, r := range ev.Records {
			if r.Body == "b" {
				resp.BatchItemFailures = append(resp.BatchItemFailures, events.SQSBatchItemFailure{ItemIdentifier: r.MessageId})
			}
		}
		out, err := json.Marshal(resp)
		return out, "", err
	}}
	m := h.manager(t, f.invoke)
	// No batching window: with one, a window as long as the visibility timeout would let
	// records reappear before the batch is invoked (AWS asks for a longer timeout).
	m.Put(esm.Mapping{UUID: "partial", EventSourceARN: arn, FunctionARN: functionARN, BatchSize: 10,
		ReportBatchItemFailures: true, Enabled: true})

	var dead []types.Message
	waitFor(t, 15*time.Second, "b in the dead-letter queue", func() bool {
		out, err := h.sqs.ReceiveMessage(context.Background(), &awssqs.ReceiveMessageInput{QueueUrl: &dlqURL,
			WaitTimeSeconds: 0})
		require.NoError(t, err)
		dead = append(dead, out.Messages...)
		return len(dead) > 0
	})
	require.Len(t, dead, 1)
	assert.Equal(t, "b", aws.ToString(dead[0].Body))

	got := f.deliveries()
	assert.Len(t, got["a"], 1, "a succeeded and was deleted")
	assert.Len(t, got["c"], 1, "c succeeded and was deleted")
	require.Len(t, got["b"], 2, "b was delivered maxReceiveCount times")
	assert.Equal(t, "1", got["b"][0].Attributes["ApproximateReceiveCount"])
	assert.Equal(t, "2", got["b"][1].Attributes["ApproximateReceiveCount"])
	assert.Equal(t, got["b"][0].MessageId, got["b"][1].MessageId)
	assert.Equal(t, 0, h.depth(t, url))
}

func TestWholeBatchFailure(t *testing.T) {
	t.Parallel()
	ok := func(int, events.SQSEvent) ([]byte, string, error) { return []byte("null"), "", nil }
	tests := []struct {
		name    string
		rbif    bool
		failure responder
	}{
		{name: "function error fails every record", failure: func(int, events.SQSEvent) ([]byte, string, error) {
			return []byte(`{"errorMessage":"boom","errorType":"errorString"}`), "Unhandled", nil
		}},
		{name: "invoke error fails every record", failure: func(int, events.SQSEvent) ([]byte, string, error) {
			return nil, "", protocol.Errorf(http.StatusInternalServerError, "ServiceException", "down")
		}},
		{name: "unparseable partial response fails every record", rbif: true,
			failure: func(int, events.SQSEvent) ([]byte, string, error) { return []byte(`{"batchItemFailures":`), "", nil }},
		{name: "unknown itemIdentifier fails every record", rbif: true,
			failure: func(int, events.SQSEvent) ([]byte, string, error) {
				return []byte(`{"batchItemFailures":[{"itemIdentifier":"not-in-batch"}]}`), "", nil
			}},
		{name: "empty itemIdentifier fails every record", rbif: true,
			failure: func(int, events.SQSEvent) ([]byte, string, error) {
				return []byte(`{"batchItemFailures":[{"itemIdentifier":""}]}`), "", nil
			}},
		{name: "function error fails every record even with partial responses", rbif: true,
			failure: func(int, events.SQSEvent) ([]byte, string, error) {
				return []byte(`{"batchItemFailures":[]}`), "Unhandled", nil
			}},
	}
	h := newHarness(t)
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name := "whole-" + strconv.Itoa(i)
			url, arn := h.queue(t, name, map[string]string{"VisibilityTimeout": "1"})
			h.send(t, url, "x", "y")
			f := &fakeFunction{respond: func(call int, ev events.SQSEvent) ([]byte, string, error) {
				if call == 1 {
					return tt.failure(call, ev)
				}
				return ok(call, ev)
			}}
			m := h.manager(t, f.invoke)
			m.Put(esm.Mapping{UUID: name, EventSourceARN: arn, FunctionARN: functionARN, BatchSize: 10,
				ReportBatchItemFailures: tt.rbif, Enabled: true})
			waitFor(t, 10*time.Second, "both records twice", func() bool {
				got := f.deliveries()
				return len(got["x"]) >= 2 && len(got["y"]) >= 2
			})
			require.Len(t, f.snapshot()[0].Records, 2, "the first batch held both records")
			for _, body := range []string{"x", "y"} {
				got := f.deliveries()[body]
				assert.Equal(t, "2", got[1].Attributes["ApproximateReceiveCount"], body)
			}
			waitFor(t, 5*time.Second, "the queue to drain", func() bool { return h.depth(t, url) == 0 })
			assert.Len(t, f.deliveries()["x"], 2, "deleted after the second, successful batch")
		})
	}
}

func TestThrottledInvokeIsRetriedWithinTheVisibilityTimeout(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	url, arn := h.queue(t, "throttle", map[string]string{"VisibilityTimeout": "30"})
	h.send(t, url, "t")
	f := &fakeFunction{respond: func(call int, _ events.SQSEvent) ([]byte, string, error) {
		if call <= 2 {
			return nil, "", protocol.Errorf(http.StatusTooManyRequests, "TooManyRequestsException", "Rate Exceeded.")
		}
		return []byte("null"), "", nil
	}}
	m := h.manager(t, f.invoke)
	m.Put(esm.Mapping{UUID: "throttle", EventSourceARN: arn, FunctionARN: functionARN, BatchSize: 10, Enabled: true})
	waitFor(t, 5*time.Second, "the queue to drain", func() bool { return h.depth(t, url) == 0 })
	got := f.deliveries()["t"]
	require.Len(t, got, 3, "two throttles, then the successful invoke")
	for _, r := range got {
		assert.Equal(t, "1", r.Attributes["ApproximateReceiveCount"], "the same receive is retried")
	}
}

func TestConcurrency(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name               string
		maximumConcurrency int
		want               int
	}{
		{name: "maximum concurrency caps concurrent invokes", maximumConcurrency: 2, want: 2},
		{name: "without maximum concurrency the poller cap applies", want: 5},
	}
	h := newHarness(t)
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name := "conc-" + strconv.Itoa(i)
			url, arn := h.queue(t, name, nil)
			h.send(t, url, bodies("m", 40)...)
			f := &fakeFunction{delay: 100 * time.Millisecond}
			m := h.manager(t, f.invoke)
			m.Put(esm.Mapping{UUID: name, EventSourceARN: arn, FunctionARN: functionARN, BatchSize: 1,
				MaximumConcurrency: tt.maximumConcurrency, Enabled: true})
			waitFor(t, 20*time.Second, "40 records", func() bool { return f.records() >= 40 })
			f.mu.Lock()
			defer f.mu.Unlock()
			assert.LessOrEqual(t, f.peak, tt.want)
			assert.GreaterOrEqual(t, f.peak, 2, "pollers scale out while the queue is busy")
		})
	}
}

func TestStoppedMappingStopsPolling(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		stop func(m *esm.Manager, mp esm.Mapping)
	}{
		{name: "disable", stop: func(m *esm.Manager, mp esm.Mapping) { mp.Enabled = false; m.Put(mp) }},
		{name: "remove", stop: func(m *esm.Manager, mp esm.Mapping) { m.Remove(mp.UUID) }},
	}
	h := newHarness(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// A short visibility timeout: a long poll cancelled just as a message arrives can
			// take it with it (SQS answers a client that has gone), as on AWS.
			url, arn := h.queue(t, "stop-"+tt.name, map[string]string{"VisibilityTimeout": "2"})
			f := &fakeFunction{}
			m := h.manager(t, f.invoke)
			mp := esm.Mapping{UUID: tt.name, EventSourceARN: arn, FunctionARN: functionARN, BatchSize: 10, Enabled: true}
			m.Put(mp)
			h.send(t, url, "before")
			waitFor(t, 5*time.Second, "the first message", func() bool { return len(f.deliveries()["before"]) == 1 })

			tt.stop(m, mp)
			time.Sleep(200 * time.Millisecond)
			h.send(t, url, "after")
			time.Sleep(1500 * time.Millisecond)
			assert.Empty(t, f.deliveries()["after"], "a stopped mapping does not poll")
			assert.Equal(t, 1, h.depth(t, url), "the message waits in the queue")

			m.Put(mp) // enabling again resumes
			waitFor(t, 5*time.Second, "the second message", func() bool { return len(f.deliveries()["after"]) == 1 })
		})
	}
}

func TestCloseReturnsPromptlyWhileLongPolling(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	url, arn := h.queue(t, "close", nil)
	f := &fakeFunction{}
	m := esm.New(h.srv.Env(), f.invoke)
	m.Put(esm.Mapping{UUID: "close", EventSourceARN: arn, FunctionARN: functionARN, BatchSize: 10, Enabled: true})
	h.send(t, url, "one")
	waitFor(t, 5*time.Second, "a batch", func() bool { return len(f.snapshot()) == 1 })
	time.Sleep(300 * time.Millisecond) // the poller is in a 20 s long poll now

	start := time.Now()
	require.NoError(t, m.Close())
	assert.Less(t, time.Since(start), time.Second)

	m.Put(esm.Mapping{UUID: "late", EventSourceARN: arn, FunctionARN: functionARN, BatchSize: 10, Enabled: true})
	h.send(t, url, "two")
	time.Sleep(500 * time.Millisecond)
	assert.Len(t, f.snapshot(), 1, "a closed manager starts no pollers")
}

func TestCloseWaitsForTheInFlightBatch(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	url, arn := h.queue(t, "inflight", nil)
	f := &fakeFunction{delay: 500 * time.Millisecond}
	m := esm.New(h.srv.Env(), f.invoke)
	m.Put(esm.Mapping{UUID: "inflight", EventSourceARN: arn, FunctionARN: functionARN, BatchSize: 10, Enabled: true})
	h.send(t, url, "slow")
	waitFor(t, 5*time.Second, "the invoke to start", func() bool { return len(f.snapshot()) == 1 })
	require.NoError(t, m.Close())
	f.mu.Lock()
	assert.Equal(t, 0, f.running, "Close returned after the invoke")
	f.mu.Unlock()
	assert.Equal(t, 0, h.depth(t, url), "the finished batch was deleted")
}

func TestFIFOGroupsAreNeverProcessedConcurrently(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	url, arn := h.queue(t, "groups.fifo", map[string]string{"FifoQueue": "true", "ContentBasedDeduplication": "true"})
	groups := []string{"g1", "g2", "g3"}
	for i := range 6 {
		for _, g := range groups {
			_, err := h.sqs.SendMessage(context.Background(), &awssqs.SendMessageInput{QueueUrl: &url,
				MessageBody: aws.String(g + "-" + strconv.Itoa(i)), MessageGroupId: aws.String(g)})
			require.NoError(t, err)
		}
	}
	inFlight := map[string]int{}
	var overlaps []string
	f := &fakeFunction{delay: 50 * time.Millisecond, observer: func(ev events.SQSEvent, start bool) {
		seen := map[string]bool{}
		for _, r := range ev.Records {
			g := r.Attributes["MessageGroupId"]
			if seen[g] {
				continue
			}
			seen[g] = true
			if start {
				inFlight[g]++
				if inFlight[g] > 1 {
					overlaps = append(overlaps, g)
				}
			} else {
				inFlight[g]--
			}
		}
	}}
	m := h.manager(t, f.invoke)
	m.Put(esm.Mapping{UUID: "fifo", EventSourceARN: arn, FunctionARN: functionARN, BatchSize: 2,
		MaximumConcurrency: 5, Enabled: true})
	waitFor(t, 20*time.Second, "18 records", func() bool { return f.records() >= 18 })

	f.mu.Lock()
	assert.Empty(t, overlaps, "a group was in two batches at once")
	f.mu.Unlock()
	order := map[string][]string{}
	for _, b := range f.snapshot() {
		for _, r := range b.Records {
			g := r.Attributes["MessageGroupId"]
			order[g] = append(order[g], r.Body)
			assert.NotEmpty(t, r.Attributes["MessageDeduplicationId"])
			assert.NotEmpty(t, r.Attributes["SequenceNumber"])
		}
	}
	for _, g := range groups {
		want := make([]string, 6)
		for i := range want {
			want[i] = g + "-" + strconv.Itoa(i)
		}
		assert.Equal(t, want, order[g], "group %s in order, each message once", g)
	}
}

// testLogger is silent unless ESM_TEST_LOG is set.
func testLogger() *slog.Logger {
	if os.Getenv("ESM_TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}
