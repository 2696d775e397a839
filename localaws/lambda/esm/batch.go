package esm

import (
	"context"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/core"
)

// receiveFunc is one ReceiveMessage call: up to max messages, long-polling for wait seconds.
type receiveFunc func(ctx context.Context, max, wait int32) ([]types.Message, error)

// batcher assembles batches the way Lambda does: read until the batch is full, the
// batching window has passed, or the invoke payload limit is reached. One batcher
// belongs to one poller goroutine.
type batcher struct {
	receive    receiveFunc
	convert    func(types.Message) events.SQSMessage
	clock      core.Clock
	longPoll   int32 // WaitTimeSeconds while nothing has been read
	maxPayload int   // bytes of the invoke payload
	shortPoll  time.Duration
	// carry holds records read past the payload limit; they open the next batch.
	carry []events.SQSMessage
	// opened is when the last batch got its first record: its visibility timeout runs from there.
	opened time.Time
}

// next returns the next batch, or an empty one when a long poll found nothing. An error
// is returned only when nothing was read; records already read are never lost to it.
func (b *batcher) next(ctx context.Context, batchSize int, window time.Duration) ([]events.SQSMessage, error) {
	var batch []events.SQSMessage
	size := eventEnvelope
	// add takes rec into the batch, or carries it to the next one when the batch is full.
	add := func(rec events.SQSMessage) {
		n := recordSize(rec)
		if len(b.carry) > 0 || len(batch) >= batchSize || (len(batch) > 0 && size+n > b.maxPayload) {
			b.carry = append(b.carry, rec)
			return
		}
		batch = append(batch, rec)
		size += n
	}
	pending := b.carry
	b.carry = nil
	for _, rec := range pending {
		add(rec)
	}
	// The window opens with the first record: an idle queue is not invoked with nothing.
	if len(batch) > 0 {
		b.opened = b.clock.Now()
	}
	for len(batch) < batchSize && len(b.carry) == 0 {
		var wait int32
		if len(batch) > 0 {
			if window <= 0 {
				break // no window: invoke with what one receive returned
			}
			remaining := window - b.clock.Now().Sub(b.opened)
			if remaining <= 0 {
				break
			}
			wait = int32(min(int64(remaining/time.Second), 20))
		} else {
			wait = b.longPoll
		}
		msgs, err := b.receive(ctx, int32(min(batchSize-len(batch), 10)), wait)
		if err != nil {
			if len(batch) > 0 {
				return batch, nil
			}
			return nil, err
		}
		if len(msgs) == 0 {
			if len(batch) == 0 {
				return nil, nil
			}
			if wait == 0 {
				// Under a second of window left: short polls, a moment apart.
				if !b.sleep(ctx, min(window-b.clock.Now().Sub(b.opened), b.shortPoll)) {
					return batch, nil
				}
			}
			continue
		}
		if len(batch) == 0 {
			b.opened = b.clock.Now()
		}
		for _, m := range msgs {
			add(b.convert(m))
		}
		if window <= 0 {
			break
		}
	}
	return batch, nil
}

// sleep waits d on the clock; false when ctx ended first.
func (b *batcher) sleep(ctx context.Context, d time.Duration) bool {
	return sleepCtx(ctx, b.clock, d)
}

func sleepCtx(ctx context.Context, clock core.Clock, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	select {
	case <-ctx.Done():
		return false
	case <-clock.After(d):
		return true
	}
}
