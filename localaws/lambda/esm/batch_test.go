package esm

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/core"
)

// fakeReceiver scripts ReceiveMessage: each call returns the next step's messages, and
// a long poll that finds nothing moves the fake clock by its wait.
type fakeReceiver struct {
	clock *core.FakeClock
	steps [][]types.Message
	calls []receiveCall
}

type receiveCall struct{ max, wait int32 }

func (f *fakeReceiver) receive(_ context.Context, max, wait int32) ([]types.Message, error) {
	f.calls = append(f.calls, receiveCall{max, wait})
	if len(f.steps) == 0 {
		f.clock.Advance(time.Duration(wait) * time.Second)
		return nil, nil
	}
	msgs := f.steps[0]
	f.steps = f.steps[1:]
	if len(msgs) > int(max) {
		panic("receiver asked for fewer messages than scripted")
	}
	if len(msgs) == 0 {
		f.clock.Advance(time.Duration(wait) * time.Second)
	}
	return msgs, nil
}

func messages(from, n, bodySize int) []types.Message {
	var out []types.Message
	for i := from; i < from+n; i++ {
		out = append(out, types.Message{MessageId: aws.String("m" + strconv.Itoa(i)),
			ReceiptHandle: aws.String("rh"), Body: aws.String(strings.Repeat("x", bodySize))})
	}
	return out
}

func ids(batch []events.SQSMessage) []string {
	var out []string
	for _, r := range batch {
		out = append(out, r.MessageId)
	}
	return out
}

func newTestBatcher(f *fakeReceiver, maxPayload int) *batcher {
	return &batcher{receive: f.receive, clock: f.clock, longPoll: 20, maxPayload: maxPayload,
		shortPoll: 100 * time.Millisecond,
		convert: func(m types.Message) events.SQSMessage {
			return toRecord(m, "arn:aws:sqs:us-east-1:000000000000:q", "us-east-1")
		}}
}

func TestBatcherNext(t *testing.T) {
	tests := []struct {
		name       string
		batchSize  int
		window     time.Duration
		steps      [][]types.Message
		maxPayload int
		want       [][]string // successive batches
		calls      []receiveCall
	}{
		{
			name: "no window invokes with what one receive returned", batchSize: 10,
			steps: [][]types.Message{messages(0, 3, 1), messages(3, 3, 1)},
			want:  [][]string{{"m0", "m1", "m2"}, {"m3", "m4", "m5"}},
			calls: []receiveCall{{10, 20}, {10, 20}},
		},
		{
			name: "batch size below ten asks for no more", batchSize: 2,
			steps: [][]types.Message{messages(0, 2, 1)},
			want:  [][]string{{"m0", "m1"}},
			calls: []receiveCall{{2, 20}},
		},
		{
			name: "window gathers until the batch is full", batchSize: 15, window: 5 * time.Second,
			steps: [][]types.Message{messages(0, 10, 1), messages(10, 5, 1)},
			want:  [][]string{{"m0", "m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8", "m9", "m10", "m11", "m12", "m13", "m14"}},
			calls: []receiveCall{{10, 20}, {5, 5}},
		},
		{
			name: "window closes with a partial batch", batchSize: 100, window: 3 * time.Second,
			steps: [][]types.Message{messages(0, 2, 1), {}},
			want:  [][]string{{"m0", "m1"}},
			calls: []receiveCall{{10, 20}, {10, 3}},
		},
		{
			name: "idle long poll returns an empty batch", batchSize: 10, window: time.Second,
			want:  [][]string{nil},
			calls: []receiveCall{{10, 20}},
		},
		{
			name: "payload limit carries records to the next batch", batchSize: 10, maxPayload: 3000,
			steps: [][]types.Message{messages(0, 3, 1000), messages(3, 1, 10)},
			want:  [][]string{{"m0", "m1"}, {"m2"}, {"m3"}},
			calls: []receiveCall{{10, 20}, {10, 20}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fakeReceiver{clock: core.NewFakeClock(time.Unix(1700000000, 0)), steps: tt.steps}
			if tt.maxPayload == 0 {
				tt.maxPayload = 6 << 20
			}
			b := newTestBatcher(f, tt.maxPayload)
			var got [][]string
			for range tt.want {
				batch, err := b.next(context.Background(), tt.batchSize, tt.window)
				require.NoError(t, err)
				got = append(got, ids(batch))
			}
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.calls, f.calls)
		})
	}
}

func TestBatcherKeepsRecordsWhenAReceiveFails(t *testing.T) {
	clock := core.NewFakeClock(time.Unix(1700000000, 0))
	calls := 0
	b := newTestBatcher(&fakeReceiver{clock: clock}, 6<<20)
	b.receive = func(context.Context, int32, int32) ([]types.Message, error) {
		calls++
		if calls == 1 {
			return messages(0, 2, 1), nil
		}
		return nil, errors.New("connection reset")
	}
	batch, err := b.next(context.Background(), 10, 5*time.Second)
	require.NoError(t, err)
	assert.Equal(t, []string{"m0", "m1"}, ids(batch))

	_, err = b.next(context.Background(), 10, 5*time.Second)
	assert.Error(t, err, "with nothing read, the error is the caller's")
}

func TestBatcherShortPollsTheLastSecondOfTheWindow(t *testing.T) {
	f := &fakeReceiver{clock: core.NewFakeClock(time.Unix(1700000000, 0))}
	b := newTestBatcher(f, 6<<20)
	calls := 0
	b.receive = func(_ context.Context, max, wait int32) ([]types.Message, error) {
		calls++
		f.calls = append(f.calls, receiveCall{max, wait})
		switch calls {
		case 1:
			return messages(0, 1, 1), nil
		case 2:
			f.clock.Advance(300 * time.Millisecond) // the window now has 700 ms left
			return nil, nil
		case 4:
			return messages(1, 1, 1), nil
		}
		return nil, nil
	}
	done := make(chan []events.SQSMessage)
	go func() {
		batch, _ := b.next(context.Background(), 10, time.Second)
		done <- batch
	}()
	// Drive the fake clock until next returns: each short poll waits 100 ms.
	for {
		select {
		case batch := <-done:
			assert.Equal(t, []string{"m0", "m1"}, ids(batch))
			require.Greater(t, len(f.calls), 3)
			assert.Equal(t, int32(1), f.calls[1].wait)
			for _, c := range f.calls[2:] {
				assert.Equal(t, int32(0), c.wait, "under a second left, polls are short")
			}
			return
		case <-time.After(time.Millisecond):
			f.clock.Advance(10 * time.Millisecond)
		}
	}
}
