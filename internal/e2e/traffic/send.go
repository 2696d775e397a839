// Package traffic drives a deployed stack through the AWS SDK: it sends tenant traffic,
// drains the output queues, reads the router's role and lists what a destroy left. It
// works the same against localaws and an account; what only localaws can do (its
// process table, fault injection) comes through the Target interface.
package traffic

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/e2e/verdict"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/tenantctl/discover"
)

// DetailType is the detail-type of the events the harness puts; the example's rule
// matches on source only.
const DetailType = "TenantWorkItem"

// Stack is what the e2e run needs from examples/complete's outputs.
type Stack struct {
	SourceQueueURL     string
	QuarantineQueueURL string
	DLQURL             string // the SQS source's
	BufferQueueURL     string // the EventBridge source's buffer queue
	EventBridgeDLQURL  string // the EventBridge source's: buffer queue redrive and rule target
	OnFailureQueueURL  string // the backend's async on-failure destination
	EvidenceQueueURL   string
	EventBusName       string
	EventSource        string
	EventDetailType    string
	BackendFunction    string
	RouterFunction     string
	DataTableName      string // the tenant data table; "" when the stack has none
	// Registry is the module's tenantctl output, when the stack has a tenant registry.
	Registry *discover.Target
}

// StackFromOutputs maps `terraform output` values onto a Stack.
func StackFromOutputs(out map[string]any) (Stack, error) {
	get := func(k string) string { s, _ := out[k].(string); return s }
	s := Stack{
		SourceQueueURL:     get("source_queue_url"),
		QuarantineQueueURL: get("quarantine_queue_url"),
		DLQURL:             get("dlq_url"),
		BufferQueueURL:     get("buffer_queue_url"),
		EventBridgeDLQURL:  get("eventbridge_dlq_url"),
		OnFailureQueueURL:  get("on_failure_queue_url"),
		EvidenceQueueURL:   get("evidence_queue_url"),
		EventBusName:       get("event_bus_name"),
		EventSource:        get("event_source"),
		EventDetailType:    DetailType,
		BackendFunction:    get("backend_function_name"),
		RouterFunction:     get("router_function_name"),
		DataTableName:      get("tenant_data_table_name"),
	}
	if raw, ok := out["tenantctl"]; ok && raw != nil {
		b, err := json.Marshal(raw)
		if err == nil {
			s.Registry = &discover.Target{}
			err = json.Unmarshal(b, s.Registry)
		}
		if err != nil {
			return s, fmt.Errorf("output tenantctl of examples/complete: %w", err)
		}
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
	// Probe adds, per tenant, a message that asks the worker to read the next tenant's data; the worker of a stack
	// without a tenant data table ignores it.
	Probe bool
}

// Send sends the plan's traffic and returns what was sent.
func Send(ctx context.Context, c Clients, s Stack, p Plan) ([]verdict.Sent, []verdict.Bad, error) {
	var sent []verdict.Sent
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
			via := verdict.ViaSQSBody
			if inAttribute {
				via = verdict.ViaSQSAttribute
			}
			sent = append(sent, verdict.Sent{MessageID: id, Tenant: tenant, Via: via})
		}
	}
	for _, tenant := range p.EventBridgeTenants {
		for n := 0; n < p.PerTenant; n++ {
			id, err := putEvent(ctx, c, s, map[string]any{"tenantId": tenant, "seq": n})
			if err != nil {
				return nil, nil, err
			}
			sent = append(sent, verdict.Sent{MessageID: id, Tenant: tenant, Via: verdict.ViaEventBridge})
		}
	}
	if p.Probe && len(p.Tenants()) > 1 {
		probes, err := sendProbes(ctx, c, s, p)
		if err != nil {
			return nil, nil, err
		}
		sent = append(sent, probes...)
	}
	if !p.Bad {
		return sent, nil, nil
	}
	var bad []verdict.Bad
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
		bad = append(bad, verdict.Bad{MessageID: id, Kind: b.kind, WantReason: b.reason, Via: "sqs"})
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
