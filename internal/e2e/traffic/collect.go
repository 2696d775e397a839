package traffic

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/e2e/verdict"
)

// outputQueue is one queue that Collect drains, and how it reads a message into an verdict.Outcome.
type outputQueue struct {
	url     string
	readers int // concurrent receivers: the evidence queue gets one record per invocation
	read    func(*verdict.Outcome, sqstypes.Message) error
}

func (s Stack) outputQueues() []outputQueue {
	qs := []outputQueue{
		{url: s.EvidenceQueueURL, readers: 4, read: readEvidence},
		{url: s.QuarantineQueueURL, readers: 1, read: func(o *verdict.Outcome, m sqstypes.Message) error {
			o.Quarantine = append(o.Quarantine, quarantineOf(m))
			return nil
		}},
		{url: s.DLQURL, readers: 1, read: readSourceDLQ},
		{url: s.EventBridgeDLQURL, readers: 1, read: readEventBridgeDLQ},
		{url: s.OnFailureQueueURL, readers: 1, read: readOnFailure},
	}
	out := qs[:0]
	for _, q := range qs {
		if q.url != "" {
			out = append(out, q)
		}
	}
	return out
}

// Collect drains the stack's output queues (evidence, quarantine, the dead-letter and
// on-failure queues) in rounds until done reports the run complete or timeout passes.
// Then it keeps draining until two rounds bring nothing new, so that late duplicates
// and strays are seen too. Messages are deleted once read.
func Collect(ctx context.Context, c Clients, s Stack, done func(*verdict.Outcome) (bool, error), timeout time.Duration) (verdict.Outcome, error) {
	deadline := time.Now().Add(timeout)
	var o verdict.Outcome
	quiet := 0
	complete := false
	for time.Now().Before(deadline) {
		wait := int32(1)
		if complete {
			wait = 2
		}
		n, err := drainRound(ctx, c, s.outputQueues(), &o, wait)
		if err != nil {
			return o, err
		}
		if complete {
			quiet++
			if n > 0 {
				quiet = 0
			}
			if quiet >= 2 {
				return o, nil
			}
			continue
		}
		if complete, err = done(&o); err != nil {
			return o, err
		}
	}
	return o, fmt.Errorf("collection still incomplete after %s: %d evidence records, %d quarantined, %d parked",
		timeout, len(o.Evidence), len(o.Quarantine), len(o.Parked))
}

// drainRound reads every queue until a receive that waited wait seconds comes back
// empty, and returns how many messages it read.
func drainRound(ctx context.Context, c Clients, qs []outputQueue, o *verdict.Outcome, wait int32) (int, error) {
	var (
		mu    sync.Mutex
		total int
		errs  = make(chan error, 16)
		wg    sync.WaitGroup
	)
	for _, q := range qs {
		for range q.readers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					n, err := receive(ctx, c, q.url, wait, func(m sqstypes.Message) error {
						mu.Lock()
						defer mu.Unlock()
						return q.read(o, m)
					})
					if err != nil {
						select {
						case errs <- err:
						default:
						}
						return
					}
					mu.Lock()
					total += n
					mu.Unlock()
					if n == 0 || ctx.Err() != nil {
						return
					}
				}
			}()
		}
	}
	wg.Wait()
	select {
	case err := <-errs:
		return total, err
	default:
		return total, nil
	}
}

// receive reads one batch, hands each message to fn and deletes the batch.
func receive(ctx context.Context, c Clients, url string, wait int32, fn func(sqstypes.Message) error) (int, error) {
	out, err := c.SQS.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{
		QueueUrl: aws.String(url), MaxNumberOfMessages: 10, WaitTimeSeconds: wait,
		MessageAttributeNames:       []string{"All"},
		MessageSystemAttributeNames: []sqstypes.MessageSystemAttributeName{sqstypes.MessageSystemAttributeNameSentTimestamp},
	})
	if err != nil {
		return 0, fmt.Errorf("receive from %s: %w", url, err)
	}
	if len(out.Messages) == 0 {
		return 0, nil
	}
	entries := make([]sqstypes.DeleteMessageBatchRequestEntry, len(out.Messages))
	for i, m := range out.Messages {
		if err := fn(m); err != nil {
			return 0, fmt.Errorf("%s: %w", url, err)
		}
		entries[i] = sqstypes.DeleteMessageBatchRequestEntry{Id: aws.String(strconv.Itoa(i)), ReceiptHandle: m.ReceiptHandle}
	}
	del, err := c.SQS.DeleteMessageBatch(ctx, &sqs.DeleteMessageBatchInput{QueueUrl: aws.String(url), Entries: entries})
	if err != nil {
		return 0, fmt.Errorf("delete from %s: %w", url, err)
	}
	if len(del.Failed) > 0 {
		return 0, fmt.Errorf("delete from %s: %d of %d failed: %s", url, len(del.Failed), len(entries),
			aws.ToString(del.Failed[0].Message))
	}
	return len(out.Messages), nil
}

func readEvidence(o *verdict.Outcome, m sqstypes.Message) error {
	var e verdict.Evidence
	if err := json.Unmarshal([]byte(aws.ToString(m.Body)), &e); err != nil {
		return fmt.Errorf("evidence record is not JSON: %w: %s", err, aws.ToString(m.Body))
	}
	e.SentAt = sentAt(m)
	o.Evidence = append(o.Evidence, e)
	return nil
}

// sentAt is the SentTimestamp system attribute (epoch milliseconds), or zero.
func sentAt(m sqstypes.Message) time.Time {
	ms, err := strconv.ParseInt(m.Attributes[string(sqstypes.MessageSystemAttributeNameSentTimestamp)], 10, 64)
	if err != nil {
		return time.Time{}
	}
	return time.UnixMilli(ms)
}

func quarantineOf(m sqstypes.Message) verdict.Quarantined {
	return verdict.Quarantined{OriginalMessageID: stringAttr(m, "original_message_id"), Reason: stringAttr(m, "quarantine_reason"),
		Source: stringAttr(m, "quarantine_source"), Detail: stringAttr(m, "quarantine_detail")}
}

func stringAttr(m sqstypes.Message, name string) string {
	if v, ok := m.MessageAttributes[name]; ok {
		return aws.ToString(v.StringValue)
	}
	return ""
}

// readSourceDLQ: SQS redrive moves the message itself, so it keeps its MessageId.
func readSourceDLQ(o *verdict.Outcome, m sqstypes.Message) error {
	o.Parked = append(o.Parked, verdict.Parked{MessageID: aws.ToString(m.MessageId), Queue: verdict.QueueSourceDLQ,
		Detail: "received maxReceiveCount times without success"})
	return nil
}

// readEventBridgeDLQ: the queue holds EventBridge events, redriven from the buffer queue
// or sent by the rule target after its retries (then with ERROR_CODE and ERROR_MESSAGE).
func readEventBridgeDLQ(o *verdict.Outcome, m sqstypes.Message) error {
	var ev struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal([]byte(aws.ToString(m.Body)), &ev); err != nil || ev.ID == "" {
		return fmt.Errorf("EventBridge DLQ message %s is not an EventBridge event: %s", aws.ToString(m.MessageId), aws.ToString(m.Body))
	}
	detail := "buffer queue redrive"
	if code := stringAttr(m, "ERROR_CODE"); code != "" {
		detail = "rule target: " + code + " " + stringAttr(m, "ERROR_MESSAGE")
	}
	o.Parked = append(o.Parked, verdict.Parked{MessageID: ev.ID, Queue: verdict.QueueEventBridgeDLQ, Detail: detail})
	return nil
}

// readOnFailure reads Lambda's invocation record; the router's envelope is its request payload.
func readOnFailure(o *verdict.Outcome, m sqstypes.Message) error {
	var rec struct {
		RequestContext struct {
			Condition              string `json:"condition"`
			ApproximateInvokeCount int    `json:"approximateInvokeCount"`
		} `json:"requestContext"`
		RequestPayload struct {
			MessageID string `json:"message_id"`
		} `json:"requestPayload"`
		ResponsePayload json.RawMessage `json:"responsePayload"`
	}
	if err := json.Unmarshal([]byte(aws.ToString(m.Body)), &rec); err != nil || rec.RequestPayload.MessageID == "" {
		return fmt.Errorf("on-failure message %s is not an invocation record of the router's envelope: %s",
			aws.ToString(m.MessageId), aws.ToString(m.Body))
	}
	var last struct {
		ErrorType string `json:"errorType"`
	}
	_ = json.Unmarshal(rec.ResponsePayload, &last) // absent, or not an error object, when the function never ran
	o.Parked = append(o.Parked, verdict.Parked{MessageID: rec.RequestPayload.MessageID, Queue: verdict.QueueOnFailure,
		Detail: fmt.Sprintf("%s after %d invokes, last error %q", rec.RequestContext.Condition,
			rec.RequestContext.ApproximateInvokeCount, last.ErrorType)})
	return nil
}

// Peek lists up to max messages of a queue without consuming them, for failure reports.
func Peek(ctx context.Context, c Clients, url string, max int) ([]string, error) {
	var out []string
	for len(out) < max {
		res, err := c.SQS.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(url), MaxNumberOfMessages: 10,
			VisibilityTimeout: 0, MessageAttributeNames: []string{"All"}})
		if err != nil {
			return out, err
		}
		if len(res.Messages) == 0 {
			break
		}
		for _, m := range res.Messages {
			line := aws.ToString(m.Body)
			if r, ok := m.MessageAttributes["quarantine_reason"]; ok {
				line = aws.ToString(r.StringValue) + ": " + line
			}
			out = append(out, line)
		}
		if len(res.Messages) < 10 {
			break
		}
	}
	return out, nil
}
