package esm

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/shape"
)

// defaultVisibility is SQS's default, used when the queue's own cannot be read.
const defaultVisibility = 30 * time.Second

// runner is one enabled mapping: between 1 and its concurrency cap of pollers, each of
// which reads a batch, invokes, and deletes before reading the next.
type runner struct {
	m      *Manager
	source string
	cfg    atomic.Pointer[Mapping]
	ctx    context.Context // polling; cancelled when the mapping stops
	stop   context.CancelFunc
	log    *slog.Logger

	// Set by resolve before the first poll, read-only afterwards.
	client     *sqs.Client
	queueURL   string
	region     string
	visibility time.Duration

	mu     sync.Mutex
	active int // pollers running
}

func (m *Manager) start(mp Mapping) *runner {
	ctx, stop := context.WithCancel(context.Background())
	r := &runner{m: m, source: mp.EventSourceARN, ctx: ctx, stop: stop, active: 1,
		log: m.env.Logger.With("esm", mp.UUID, "eventSourceArn", mp.EventSourceARN)}
	r.cfg.Store(&mp)
	m.wg.Add(1)
	go func() {
		if r.resolve() {
			r.poll()
			return
		}
		m.wg.Done()
	}()
	return r
}

// limit is how many batches the mapping may process at once.
func (r *runner) limit(mp *Mapping) int {
	if mp.MaximumConcurrency > 0 {
		return mp.MaximumConcurrency
	}
	return r.m.opts.concurrency
}

// resolve finds the queue URL and visibility timeout, retrying until the queue answers.
func (r *runner) resolve() bool {
	delay := r.m.opts.errorBackoff
	for attempt := 0; ; attempt++ {
		err := r.resolveOnce()
		if err == nil {
			return true
		}
		if r.ctx.Err() != nil {
			return false
		}
		if attempt == 0 {
			r.log.Warn("event source unavailable; retrying", "err", err)
		}
		if !sleepCtx(r.ctx, r.m.env.Clock, delay) {
			return false
		}
		delay = min(2*delay, 30*time.Second)
	}
}

func (r *runner) resolveOnce() error {
	if r.m.env.BaseURL() == "" {
		return errors.New("server is not listening yet")
	}
	q, err := shape.ParseQueueARN(r.source)
	if err != nil {
		return err
	}
	cfg := r.m.env.AWSConfig()
	if creds := r.cfg.Load().Credentials; creds != nil {
		cfg = r.m.env.AWSConfigAs(creds)
	}
	client := sqs.NewFromConfig(cfg)
	url, err := QueueURL(r.m.env.BaseURL(), r.source)
	if err != nil {
		return err
	}
	r.client, r.queueURL, r.region, r.visibility = client, url, q.Region, defaultVisibility
	out, err := client.GetQueueAttributes(r.ctx, &sqs.GetQueueAttributesInput{QueueUrl: &url,
		AttributeNames: []types.QueueAttributeName{types.QueueAttributeNameVisibilityTimeout}})
	if err == nil {
		if s, perr := strconv.Atoi(out.Attributes[string(types.QueueAttributeNameVisibilityTimeout)]); perr == nil {
			r.visibility = time.Duration(s) * time.Second
		}
	}
	return nil
}

// poll is one poller's loop. It grows the pool while batches keep coming and retires
// when idle or over the cap; the last poller stays until the mapping stops.
func (r *runner) poll() {
	retired := false
	b := &batcher{receive: r.receive, clock: r.m.env.Clock, longPoll: r.m.opts.longPoll,
		maxPayload: r.m.opts.maxPayload, shortPoll: r.m.opts.shortPoll,
		convert: func(msg types.Message) events.SQSMessage { return toRecord(msg, r.source, r.region) }}
	defer func() {
		r.release(b.carry)
		if !retired {
			r.mu.Lock()
			r.active--
			r.mu.Unlock()
		}
		r.m.wg.Done()
	}()
	for r.ctx.Err() == nil {
		mp := r.cfg.Load()
		if retired = r.retire(r.limit(mp)); retired {
			return
		}
		batch, err := b.next(r.ctx, mp.BatchSize, mp.BatchingWindow)
		switch {
		case r.ctx.Err() != nil:
			r.release(batch) // stopped while reading: hand the records back at once
			return
		case err != nil:
			r.log.Warn("receive failed", "err", err)
			sleepCtx(r.ctx, r.m.env.Clock, r.m.opts.errorBackoff)
			continue
		case len(batch) == 0:
			if retired = r.retire(1); retired {
				return
			}
			continue
		}
		r.grow(mp)
		r.process(mp, batch, b.opened)
	}
}

// retire takes this poller out when more than want run.
func (r *runner) retire(want int) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.active > max(want, 1) {
		r.active--
		return true
	}
	return false
}

// grow adds a poller while the mapping is busy and below its cap.
func (r *runner) grow(mp *Mapping) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ctx.Err() != nil || r.active >= r.limit(mp) {
		return
	}
	r.active++
	r.m.wg.Add(1)
	go r.poll()
}

func (r *runner) receive(ctx context.Context, max, wait int32) ([]types.Message, error) {
	out, err := r.client.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{
		QueueUrl:                    &r.queueURL,
		MaxNumberOfMessages:         max,
		WaitTimeSeconds:             wait,
		MessageAttributeNames:       []string{"All"},
		MessageSystemAttributeNames: []types.MessageSystemAttributeName{types.MessageSystemAttributeNameAll},
	})
	if err != nil {
		return nil, err
	}
	return out.Messages, nil
}

// process invokes the function with one batch and deletes what succeeded. Whatever
// is not deleted becomes visible again after the visibility timeout, and SQS's redrive
// policy moves it to the dead-letter queue after maxReceiveCount receives.
func (r *runner) process(mp *Mapping, batch []events.SQSMessage, received time.Time) {
	payload, err := json.Marshal(events.SQSEvent{Records: batch})
	if err != nil {
		r.log.Error("cannot encode batch", "err", err)
		return
	}
	out, functionError, err := r.invoke(mp, payload, received.Add(r.visibility))
	log := r.log.With("functionArn", mp.FunctionARN, "records", len(batch))
	switch {
	case err != nil:
		log.Warn("invoke failed; batch returns to the queue after its visibility timeout", "err", err)
		sleepCtx(r.ctx, r.m.env.Clock, r.m.opts.errorBackoff)
		return
	case functionError != "":
		log.Info("function error; batch returns to the queue after its visibility timeout",
			"functionError", functionError)
		return
	}
	done := batch
	if mp.ReportBatchItemFailures {
		failed, ok, reason := batchFailures(out, batch)
		if !ok {
			log.Warn("invalid partial batch response; the whole batch failed", "reason", reason)
			return
		}
		if len(failed) > 0 {
			log.Info("partial batch failure; failed records return after their visibility timeout",
				"failed", len(failed))
			done = make([]events.SQSMessage, 0, len(batch)-len(failed))
			for _, rec := range batch {
				if !failed[rec.MessageId] {
					done = append(done, rec)
				}
			}
		}
	}
	r.deleteRecords(done)
}

// invoke calls the function, retrying throttles with backoff while the batch is still
// invisible: the reason AWS asks for a visibility timeout of six function timeouts.
func (r *runner) invoke(mp *Mapping, payload []byte, deadline time.Time) ([]byte, string, error) {
	delay := r.m.opts.throttleBackoff
	for {
		out, functionError, err := r.m.invoke(r.m.work, mp.FunctionARN, payload)
		if err == nil || !IsThrottle(err) {
			return out, functionError, err
		}
		if r.m.env.Clock.Now().Add(delay).After(deadline) || !sleepCtx(r.ctx, r.m.env.Clock, delay) {
			return nil, "", err
		}
		delay = min(2*delay, r.m.opts.maxBackoff)
	}
}

// eachChunk calls fn with the records in groups of at most 10, SQS's batch limit.
func eachChunk(recs []events.SQSMessage, fn func([]events.SQSMessage)) {
	for len(recs) > 0 {
		n := min(len(recs), 10)
		fn(recs[:n])
		recs = recs[n:]
	}
}

func (r *runner) deleteRecords(recs []events.SQSMessage) {
	eachChunk(recs, func(chunk []events.SQSMessage) {
		entries := make([]types.DeleteMessageBatchRequestEntry, len(chunk))
		for i, rec := range chunk {
			entries[i] = types.DeleteMessageBatchRequestEntry{Id: aws.String(strconv.Itoa(i)),
				ReceiptHandle: aws.String(rec.ReceiptHandle)}
		}
		out, err := r.client.DeleteMessageBatch(r.m.work, &sqs.DeleteMessageBatchInput{QueueUrl: &r.queueURL,
			Entries: entries})
		if err != nil {
			r.log.Warn("delete failed; records will be delivered again", "err", err, "records", len(chunk))
			return
		}
		for _, f := range out.Failed {
			r.log.Warn("delete failed; record will be delivered again", "code", aws.ToString(f.Code),
				"message", aws.ToString(f.Message))
		}
	})
}

// release makes records that will not be invoked visible again at once.
func (r *runner) release(recs []events.SQSMessage) {
	eachChunk(recs, func(chunk []events.SQSMessage) {
		entries := make([]types.ChangeMessageVisibilityBatchRequestEntry, len(chunk))
		for i, rec := range chunk {
			entries[i] = types.ChangeMessageVisibilityBatchRequestEntry{Id: aws.String(strconv.Itoa(i)),
				ReceiptHandle: aws.String(rec.ReceiptHandle), VisibilityTimeout: 0}
		}
		if _, err := r.client.ChangeMessageVisibilityBatch(r.m.work, &sqs.ChangeMessageVisibilityBatchInput{
			QueueUrl: &r.queueURL, Entries: entries}); err != nil {
			r.log.Debug("cannot release records; they return after their visibility timeout", "err", err)
		}
	})
}
