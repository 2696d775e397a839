package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// DetailType is the detail-type of the events the harness puts; the example's rule
// matches on source only.
const DetailType = "TenantWorkItem"

// Stack is what the e2e run needs from examples/complete's outputs.
type Stack struct {
	SourceQueueURL     string
	QuarantineQueueURL string
	DLQURL             string
	EvidenceQueueURL   string
	EventBusName       string
	EventSource        string
	EventDetailType    string
	BackendFunction    string
	RouterFunction     string
}

// StackFromOutputs maps `terraform output` values onto a Stack.
func StackFromOutputs(out map[string]any) (Stack, error) {
	get := func(k string) string { s, _ := out[k].(string); return s }
	s := Stack{
		SourceQueueURL:     get("source_queue_url"),
		QuarantineQueueURL: get("quarantine_queue_url"),
		DLQURL:             get("dlq_url"),
		EvidenceQueueURL:   get("evidence_queue_url"),
		EventBusName:       get("event_bus_name"),
		EventSource:        get("event_source"),
		EventDetailType:    DetailType,
		BackendFunction:    get("backend_function_name"),
		RouterFunction:     get("router_function_name"),
	}
	for name, v := range map[string]string{"source_queue_url": s.SourceQueueURL, "quarantine_queue_url": s.QuarantineQueueURL,
		"evidence_queue_url": s.EvidenceQueueURL, "event_bus_name": s.EventBusName, "backend_function_name": s.BackendFunction,
		"event_source": s.EventSource} {
		if v == "" {
			return s, fmt.Errorf("examples/complete has no output %q", name)
		}
	}
	return s, nil
}

// Clients are the SDK clients a producer and the checker use.
type Clients struct {
	SQS         *sqs.Client
	EventBridge *eventbridge.Client
}

// NewClients builds the clients from an SDK config.
func NewClients(cfg aws.Config) Clients {
	return Clients{SQS: sqs.NewFromConfig(cfg), EventBridge: eventbridge.NewFromConfig(cfg)}
}

// Plan says how much traffic to send.
type Plan struct {
	SQSTenants         []string // half get the tenant in the message attribute, half in the body
	EventBridgeTenants []string
	PerTenant          int
	// Bad adds one missing, one invalid and one spoofed message.
	Bad bool
}

// Send sends the plan's traffic and returns what was sent.
func Send(ctx context.Context, c Clients, s Stack, p Plan) ([]Sent, []Bad, error) {
	var sent []Sent
	for i, tenant := range p.SQSTenants {
		for n := 0; n < p.PerTenant; n++ {
			inAttribute := (i+n)%2 == 0
			var id string
			var err error
			if inAttribute {
				id, err = sendSQS(ctx, c, s, map[string]any{"seq": n, "note": "tenant in attribute"}, tenant)
			} else {
				id, err = sendSQS(ctx, c, s, map[string]any{"seq": n, "tenantId": tenant}, "")
			}
			if err != nil {
				return nil, nil, err
			}
			via := "sqs-body"
			if inAttribute {
				via = "sqs-attribute"
			}
			sent = append(sent, Sent{MessageID: id, Tenant: tenant, Via: via})
		}
	}
	for _, tenant := range p.EventBridgeTenants {
		for n := 0; n < p.PerTenant; n++ {
			id, err := putEvent(ctx, c, s, map[string]any{"tenantId": tenant, "seq": n})
			if err != nil {
				return nil, nil, err
			}
			sent = append(sent, Sent{MessageID: id, Tenant: tenant, Via: "eventbridge"})
		}
	}
	if !p.Bad {
		return sent, nil, nil
	}
	var bad []Bad
	for _, b := range []struct {
		kind, reason, attr string
		body               map[string]any
	}{
		{"missing tenant", "missing_tenant", "", map[string]any{"seq": 0}},
		{"invalid tenant", "invalid_tenant", "acme;DROP TABLE", map[string]any{"seq": 0}},
		{"spoofed tenant", "tenant_mismatch", "acme", map[string]any{"seq": 0, "tenantId": "globex"}},
	} {
		id, err := sendSQS(ctx, c, s, b.body, b.attr)
		if err != nil {
			return nil, nil, err
		}
		bad = append(bad, Bad{MessageID: id, Kind: b.kind, WantReason: b.reason, Via: "sqs"})
	}
	return sent, bad, nil
}

func sendSQS(ctx context.Context, c Clients, s Stack, body map[string]any, tenantAttr string) (string, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return "", err
	}
	in := &sqs.SendMessageInput{QueueUrl: aws.String(s.SourceQueueURL), MessageBody: aws.String(string(b))}
	if tenantAttr != "" {
		in.MessageAttributes = map[string]sqstypes.MessageAttributeValue{
			"tenantId": {DataType: aws.String("String"), StringValue: aws.String(tenantAttr)},
		}
	}
	out, err := c.SQS.SendMessage(ctx, in)
	if err != nil {
		return "", fmt.Errorf("send to %s: %w", s.SourceQueueURL, err)
	}
	return aws.ToString(out.MessageId), nil
}

func putEvent(ctx context.Context, c Clients, s Stack, detail map[string]any) (string, error) {
	b, err := json.Marshal(detail)
	if err != nil {
		return "", err
	}
	out, err := c.EventBridge.PutEvents(ctx, &eventbridge.PutEventsInput{Entries: []ebtypes.PutEventsRequestEntry{{
		EventBusName: aws.String(s.EventBusName), Source: aws.String(s.EventSource),
		DetailType: aws.String(s.EventDetailType), Detail: aws.String(string(b)),
	}}})
	if err != nil {
		return "", fmt.Errorf("put event on %s: %w", s.EventBusName, err)
	}
	if out.FailedEntryCount > 0 || len(out.Entries) != 1 {
		return "", fmt.Errorf("put event on %s: entry failed: %s %s", s.EventBusName,
			aws.ToString(out.Entries[0].ErrorCode), aws.ToString(out.Entries[0].ErrorMessage))
	}
	return aws.ToString(out.Entries[0].EventId), nil
}

// Collect reads evidence and quarantine until wantEvidence records and wantQuarantine
// messages arrived or timeout passed, then drains a little longer so that duplicates
// and strays are seen too. Messages are deleted once read.
func Collect(ctx context.Context, c Clients, s Stack, wantEvidence, wantQuarantine int, timeout time.Duration) ([]Evidence, []Quarantined, error) {
	deadline := time.Now().Add(timeout)
	var evidence []Evidence
	var quarantined []Quarantined
	quietRounds := 0
	for time.Now().Before(deadline) {
		done := len(evidence) >= wantEvidence && len(quarantined) >= wantQuarantine
		wait := int32(2)
		if done {
			wait = 1
		}
		ev, err := receive(ctx, c, s.EvidenceQueueURL, wait, func(m sqstypes.Message) error {
			var e Evidence
			if err := json.Unmarshal([]byte(aws.ToString(m.Body)), &e); err != nil {
				return fmt.Errorf("evidence record is not JSON: %w: %s", err, aws.ToString(m.Body))
			}
			evidence = append(evidence, e)
			return nil
		})
		if err != nil {
			return evidence, quarantined, err
		}
		q, err := receive(ctx, c, s.QuarantineQueueURL, 0, func(m sqstypes.Message) error {
			quarantined = append(quarantined, quarantineOf(m))
			return nil
		})
		if err != nil {
			return evidence, quarantined, err
		}
		if done && ev == 0 && q == 0 {
			quietRounds++
			if quietRounds >= 2 {
				return evidence, quarantined, nil
			}
		}
	}
	return evidence, quarantined, fmt.Errorf("after %s: %d of %d evidence records and %d of %d quarantined messages",
		timeout, len(evidence), wantEvidence, len(quarantined), wantQuarantine)
}

func quarantineOf(m sqstypes.Message) Quarantined {
	attr := func(k string) string {
		if v, ok := m.MessageAttributes[k]; ok {
			return aws.ToString(v.StringValue)
		}
		return ""
	}
	return Quarantined{OriginalMessageID: attr("original_message_id"), Reason: attr("quarantine_reason"),
		Source: attr("quarantine_source"), Detail: attr("quarantine_detail")}
}

// receive reads one batch, hands each message to fn and deletes it.
func receive(ctx context.Context, c Clients, url string, wait int32, fn func(sqstypes.Message) error) (int, error) {
	out, err := c.SQS.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{
		QueueUrl: aws.String(url), MaxNumberOfMessages: 10, WaitTimeSeconds: wait,
		MessageAttributeNames: []string{"All"},
	})
	if err != nil {
		return 0, fmt.Errorf("receive from %s: %w", url, err)
	}
	for _, m := range out.Messages {
		if err := fn(m); err != nil {
			return 0, err
		}
		if _, err := c.SQS.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(url), ReceiptHandle: m.ReceiptHandle}); err != nil {
			return 0, fmt.Errorf("delete from %s: %w", url, err)
		}
	}
	return len(out.Messages), nil
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
