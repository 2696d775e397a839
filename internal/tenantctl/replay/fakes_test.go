package replay

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

const heldURL = "https://sqs.us-east-1.amazonaws.com/123456789012/ti-held"

// fakeSQS is the held queue and the source queues: a message received is hidden until it is deleted, made visible
// again, or expire() models its visibility timeout passing. Hooks fail a call to model a crash at that step.
type fakeSQS struct {
	mu      sync.Mutex
	queues  map[string][]*fakeMsg
	seq     int
	sent    []*sqs.SendMessageInput
	sendErr func(in *sqs.SendMessageInput) error // a send that fails: nothing is sent
	delErr  error
}

type fakeMsg struct {
	id, receipt string
	body        string
	attrs       map[string]sqstypes.MessageAttributeValue
	hidden      bool
}

func newSQS() *fakeSQS { return &fakeSQS{queues: map[string][]*fakeMsg{}} }

// hold puts a held message as the router would.
func (f *fakeSQS) hold(tenant, source, origID, body string, extra map[string]string) {
	attrs := map[string]string{"quarantine_reason": "tenant_suspended", "quarantine_source": source,
		"original_message_id": origID, "held_tenant_id": tenant}
	for k, v := range extra {
		attrs[k] = v
	}
	in := &sqs.SendMessageInput{QueueUrl: aws.String(heldURL), MessageBody: aws.String(body),
		MessageAttributes: map[string]sqstypes.MessageAttributeValue{}}
	for k, v := range attrs {
		in.MessageAttributes[k] = sqstypes.MessageAttributeValue{DataType: aws.String("String"), StringValue: aws.String(v)}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.put(in)
}

func (f *fakeSQS) put(in *sqs.SendMessageInput) {
	f.seq++
	f.queues[aws.ToString(in.QueueUrl)] = append(f.queues[aws.ToString(in.QueueUrl)], &fakeMsg{
		id: fmt.Sprintf("q-%d", f.seq), body: aws.ToString(in.MessageBody), attrs: in.MessageAttributes})
}

func (f *fakeSQS) ReceiveMessage(_ context.Context, in *sqs.ReceiveMessageInput, _ ...func(*sqs.Options)) (*sqs.ReceiveMessageOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := &sqs.ReceiveMessageOutput{}
	for _, m := range f.queues[aws.ToString(in.QueueUrl)] {
		if m.hidden || len(out.Messages) == int(in.MaxNumberOfMessages) {
			continue
		}
		f.seq++
		m.hidden, m.receipt = true, fmt.Sprintf("rh-%d", f.seq)
		out.Messages = append(out.Messages, sqstypes.Message{MessageId: aws.String(m.id),
			ReceiptHandle: aws.String(m.receipt), Body: aws.String(m.body), MessageAttributes: m.attrs})
	}
	return out, nil
}

func (f *fakeSQS) SendMessage(_ context.Context, in *sqs.SendMessageInput, _ ...func(*sqs.Options)) (*sqs.SendMessageOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.sendErr != nil {
		if err := f.sendErr(in); err != nil {
			return nil, err
		}
	}
	f.sent = append(f.sent, in)
	f.put(in)
	return &sqs.SendMessageOutput{MessageId: aws.String("sent")}, nil
}

func (f *fakeSQS) DeleteMessage(_ context.Context, in *sqs.DeleteMessageInput, _ ...func(*sqs.Options)) (*sqs.DeleteMessageOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.delErr != nil {
		return nil, f.delErr
	}
	q := f.queues[aws.ToString(in.QueueUrl)]
	for i, m := range q {
		if m.receipt == aws.ToString(in.ReceiptHandle) && m.hidden {
			f.queues[aws.ToString(in.QueueUrl)] = append(q[:i], q[i+1:]...)
			return &sqs.DeleteMessageOutput{}, nil
		}
	}
	return &sqs.DeleteMessageOutput{}, nil
}

func (f *fakeSQS) ChangeMessageVisibility(_ context.Context, in *sqs.ChangeMessageVisibilityInput, _ ...func(*sqs.Options)) (*sqs.ChangeMessageVisibilityOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, m := range f.queues[aws.ToString(in.QueueUrl)] {
		if m.receipt == aws.ToString(in.ReceiptHandle) && in.VisibilityTimeout == 0 {
			m.hidden = false
		}
	}
	return &sqs.ChangeMessageVisibilityOutput{}, nil
}

// expire makes every hidden message visible, as when a crashed reader's visibility timeout passes.
func (f *fakeSQS) expire() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, q := range f.queues {
		for _, m := range q {
			m.hidden = false
		}
	}
}

// in returns the messages in a queue, visible or not.
func (f *fakeSQS) in(url string) []*fakeMsg {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]*fakeMsg(nil), f.queues[url]...)
}

// fakeLedger is the ledger in memory, with DynamoLedger's claim rule, on a clock the test moves.
type fakeLedger struct {
	mu         sync.Mutex
	entries    map[string]ledgerEntry
	now        time.Time
	confirmErr error
}

type ledgerEntry struct {
	state, run, sentID string
	at                 time.Time
}

func newLedger() *fakeLedger {
	return &fakeLedger{entries: map[string]ledgerEntry{}, now: time.Date(2026, 12, 6, 14, 0, 0, 0, time.UTC)}
}

func (l *fakeLedger) State(_ context.Context, k string) (string, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.entries[k].state, nil
}

func (l *fakeLedger) Claim(_ context.Context, k, run string, lease time.Duration) (bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	e, ok := l.entries[k]
	if ok && !(e.state == StateSending && e.at.Before(l.now.Add(-lease))) {
		return false, nil
	}
	l.entries[k] = ledgerEntry{state: StateSending, run: run, at: l.now}
	return true, nil
}

func (l *fakeLedger) Confirm(_ context.Context, k, run, sentID string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.confirmErr != nil {
		return l.confirmErr
	}
	l.entries[k] = ledgerEntry{state: StateSent, run: run, at: l.now, sentID: sentID}
	return nil
}

func (l *fakeLedger) advance(d time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.now = l.now.Add(d)
}

// fakeEvents records PutEvents.
type fakeEvents struct {
	mu  sync.Mutex
	put []*eventbridge.PutEventsInput
}

func (f *fakeEvents) PutEvents(_ context.Context, in *eventbridge.PutEventsInput, _ ...func(*eventbridge.Options)) (*eventbridge.PutEventsOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.put = append(f.put, in)
	return &eventbridge.PutEventsOutput{Entries: []ebtypes.PutEventsResultEntry{{EventId: aws.String("new-event-id")}}}, nil
}
