package traffic

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/e2e/verdict"
)

// Load says what traffic to generate.
type Load struct {
	Messages int // in all, bad ones included
	Tenants  int
	// Bad makes one message in twenty poison (malformed, or an invalid tenant) and
	// one in twenty spoofed (attribute and body name different tenants).
	Bad bool
	// EventBridge sends a third of the valid messages and half the poison through PutEvents.
	EventBridge bool
}

// Validate says what is wrong with the load, if anything.
func (l Load) Validate() error {
	switch {
	case l.Messages < 1:
		return fmt.Errorf("messages must be at least 1, got %d", l.Messages)
	case l.Tenants < 1 || l.Tenants > 1000:
		return fmt.Errorf("tenants must be from 1 to 1000, got %d", l.Tenants)
	case l.Tenants > l.Messages:
		return fmt.Errorf("%d tenants need at least as many messages, got %d", l.Tenants, l.Messages)
	}
	return nil
}

// planned is one message to send and what must become of it.
type planned struct {
	via    string
	tenant string // the tenant it is sent for; for a bad message, the one it claims
	attr   string // tenantId attribute (SQS), "" for none
	body   string // SQS body or EventBridge detail
	kind   string // "" for a valid message, else what is wrong with it
	reason string // quarantine reason a bad message must get
}

// TenantName is the name of the i-th generated tenant.
func TenantName(i int) string { return fmt.Sprintf("tenant-%02d", i) }

// plan lays the load out message by message, deterministically: tenants round-robin,
// and in every twenty messages one poison and one spoofed when l.Bad.
func (l Load) plan() []planned {
	out := make([]planned, l.Messages)
	var poison int
	for i := range out {
		tenant := TenantName(i % l.Tenants)
		seq := strconv.Itoa(i)
		switch {
		case l.Bad && i%20 == 0:
			out[i] = poisonMessage(poison, tenant, seq, l.EventBridge)
			poison++
		case l.Bad && i%20 == 1:
			other := TenantName((i + 1) % l.Tenants)
			if other == tenant {
				other = "spoofer"
			}
			out[i] = planned{via: verdict.ViaSQSAttribute, tenant: tenant, attr: tenant, kind: "spoofed tenant", reason: "tenant_mismatch",
				body: `{"seq":` + seq + `,"tenantId":"` + other + `"}`}
		case l.EventBridge && i%3 == 2:
			out[i] = planned{via: verdict.ViaEventBridge, tenant: tenant, body: `{"seq":` + seq + `,"tenantId":"` + tenant + `"}`}
		case i%2 == 0:
			out[i] = planned{via: verdict.ViaSQSAttribute, tenant: tenant, attr: tenant, body: `{"seq":` + seq + `,"note":"tenant in attribute"}`}
		default:
			out[i] = planned{via: verdict.ViaSQSBody, tenant: tenant, body: `{"seq":` + seq + `,"tenantId":"` + tenant + `"}`}
		}
	}
	return out
}

// poisonMessage is the n-th poison message: in turn a body that is not JSON, an
// invalid tenant attribute, and (with EventBridge) a tenant that is a number and an
// invalid tenant in the event.
func poisonMessage(n int, tenant, seq string, eventBridge bool) planned {
	kinds := 2
	if eventBridge {
		kinds = 4
	}
	switch n % kinds {
	case 0:
		return planned{via: verdict.ViaSQSAttribute, tenant: tenant, attr: tenant, body: `{"seq":` + seq + `, not JSON`,
			kind: "body not JSON", reason: "malformed"}
	case 1:
		return planned{via: verdict.ViaSQSAttribute, tenant: tenant, attr: tenant + ";DROP TABLE", body: `{"seq":` + seq + `}`,
			kind: "invalid tenant attribute", reason: "invalid_tenant"}
	case 2:
		return planned{via: verdict.ViaEventBridge, tenant: tenant, body: `{"seq":` + seq + `,"tenantId":42}`,
			kind: "tenant is a number", reason: "malformed"}
	default:
		return planned{via: verdict.ViaEventBridge, tenant: tenant, body: `{"seq":` + seq + `,"tenantId":"` + tenant + ` !"}`,
			kind: "invalid tenant in event", reason: "invalid_tenant"}
	}
}

// sendAttempts is how many times a batch entry that the service refused (throttled)
// is sent before the load fails.
const sendAttempts = 5

// SendLoad sends the planned messages in batches of ten (SendMessageBatch, PutEvents)
// from workers goroutines, and returns what was sent. midway, when not nil, is called
// once after a third of the batches went out (to inject a fault mid-run).
func SendLoad(ctx context.Context, c Clients, s Stack, l Load, workers int, midway func() error) ([]verdict.Sent, []verdict.Bad, error) {
	if err := l.Validate(); err != nil {
		return nil, nil, err
	}
	if workers < 1 {
		workers = 1
	}
	var sqsBatch, ebBatch []planned
	var batches [][]planned
	for _, m := range l.plan() {
		if m.via == verdict.ViaEventBridge {
			if ebBatch = append(ebBatch, m); len(ebBatch) == 10 {
				batches, ebBatch = append(batches, ebBatch), nil
			}
		} else if sqsBatch = append(sqsBatch, m); len(sqsBatch) == 10 {
			batches, sqsBatch = append(batches, sqsBatch), nil
		}
	}
	for _, b := range [][]planned{sqsBatch, ebBatch} {
		if len(b) > 0 {
			batches = append(batches, b)
		}
	}

	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var (
		mu   sync.Mutex
		sent []verdict.Sent
		bad  []verdict.Bad
		wg   sync.WaitGroup
		work = make(chan []planned)
	)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range work {
				ids, err := sendBatch(ctx, c, s, b)
				if err != nil {
					cancel(err)
					return
				}
				mu.Lock()
				for i, m := range b {
					if m.kind == "" {
						sent = append(sent, verdict.Sent{MessageID: ids[i], Tenant: m.tenant, Via: m.via})
					} else {
						bad = append(bad, verdict.Bad{MessageID: ids[i], Kind: m.kind, WantReason: m.reason, Via: m.via})
					}
				}
				mu.Unlock()
			}
		}()
	}
dispatch:
	for i, b := range batches {
		if midway != nil && i == len(batches)/3 {
			if err := midway(); err != nil {
				cancel(err)
				break
			}
		}
		select {
		case work <- b:
		case <-ctx.Done():
			break dispatch
		}
	}
	close(work)
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return sent, bad, err
	}
	return sent, bad, nil
}

// sendBatch sends up to ten messages of one kind and returns their ids in order. Entries
// the service refused (throttling on AWS) are sent again, a few times.
func sendBatch(ctx context.Context, c Clients, s Stack, b []planned) ([]string, error) {
	ids := make([]string, len(b))
	pending := make([]int, len(b))
	for i := range pending {
		pending[i] = i
	}
	send := sendSQSBatch
	if b[0].via == verdict.ViaEventBridge {
		send = putEventsBatch
	}
	for attempt := 1; ; attempt++ {
		failed, err := send(ctx, c, s, b, pending, ids)
		if err != nil {
			return nil, err
		}
		if len(failed) == 0 {
			return ids, nil
		}
		if attempt == sendAttempts {
			return nil, fmt.Errorf("%d of %d entries still refused after %d attempts: %w", len(failed), len(b), attempt, failed[0].err)
		}
		pending = pending[:0]
		for _, f := range failed {
			pending = append(pending, f.index)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(time.Duration(attempt) * 100 * time.Millisecond):
		}
	}
}

// refused is a batch entry the service did not take.
type refused struct {
	index int
	err   error
}

func sendSQSBatch(ctx context.Context, c Clients, s Stack, b []planned, pending []int, ids []string) ([]refused, error) {
	entries := make([]sqstypes.SendMessageBatchRequestEntry, len(pending))
	for j, i := range pending {
		m := b[i]
		entries[j] = sqstypes.SendMessageBatchRequestEntry{Id: aws.String(strconv.Itoa(i)), MessageBody: aws.String(m.body)}
		if m.attr != "" {
			entries[j].MessageAttributes = map[string]sqstypes.MessageAttributeValue{
				"tenantId": {DataType: aws.String("String"), StringValue: aws.String(m.attr)},
			}
		}
	}
	out, err := c.SQS.SendMessageBatch(ctx, &sqs.SendMessageBatchInput{QueueUrl: aws.String(s.SourceQueueURL), Entries: entries})
	if err != nil {
		return nil, fmt.Errorf("send batch to %s: %w", s.SourceQueueURL, err)
	}
	for _, ok := range out.Successful {
		i, err := strconv.Atoi(aws.ToString(ok.Id))
		if err != nil || i < 0 || i >= len(ids) {
			return nil, fmt.Errorf("send batch to %s: answer for unknown entry %q", s.SourceQueueURL, aws.ToString(ok.Id))
		}
		ids[i] = aws.ToString(ok.MessageId)
	}
	var failed []refused
	for _, f := range out.Failed {
		i, err := strconv.Atoi(aws.ToString(f.Id))
		if err != nil || i < 0 || i >= len(ids) {
			return nil, fmt.Errorf("send batch to %s: answer for unknown entry %q", s.SourceQueueURL, aws.ToString(f.Id))
		}
		ferr := fmt.Errorf("%s: %s", aws.ToString(f.Code), aws.ToString(f.Message))
		if f.SenderFault {
			return nil, fmt.Errorf("send batch to %s: entry %d refused: %w", s.SourceQueueURL, i, ferr)
		}
		failed = append(failed, refused{index: i, err: ferr})
	}
	return failed, nil
}

func putEventsBatch(ctx context.Context, c Clients, s Stack, b []planned, pending []int, ids []string) ([]refused, error) {
	entries := make([]ebtypes.PutEventsRequestEntry, len(pending))
	for j, i := range pending {
		entries[j] = ebtypes.PutEventsRequestEntry{EventBusName: aws.String(s.EventBusName), Source: aws.String(s.EventSource),
			DetailType: aws.String(s.EventDetailType), Detail: aws.String(b[i].body)}
	}
	out, err := c.EventBridge.PutEvents(ctx, &eventbridge.PutEventsInput{Entries: entries})
	if err != nil {
		return nil, fmt.Errorf("put events on %s: %w", s.EventBusName, err)
	}
	if len(out.Entries) != len(entries) {
		return nil, fmt.Errorf("put events on %s: %d results for %d entries", s.EventBusName, len(out.Entries), len(entries))
	}
	var failed []refused
	for j, e := range out.Entries {
		i := pending[j]
		if aws.ToString(e.ErrorCode) == "" {
			ids[i] = aws.ToString(e.EventId)
			continue
		}
		ferr := errors.New(aws.ToString(e.ErrorCode) + ": " + aws.ToString(e.ErrorMessage))
		if aws.ToString(e.ErrorCode) != "ThrottlingException" && aws.ToString(e.ErrorCode) != "InternalFailure" {
			return nil, fmt.Errorf("put events on %s: entry %d refused: %w", s.EventBusName, i, ferr)
		}
		failed = append(failed, refused{index: i, err: ferr})
	}
	return failed, nil
}
