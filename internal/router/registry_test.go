package router

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/config"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/registry"
)

const (
	registryTable = "orders-tenants"
	heldQ         = "https://sqs.us-east-1.amazonaws.com/123456789012/orders-held"
)

// fakeRegistry is the registry table behind the real cache: items by tenant, an error while err is set.
type fakeRegistry struct {
	mu    sync.Mutex
	items map[string]string
	err   error
	calls atomic.Int32
}

func (f *fakeRegistry) BatchGetItem(_ context.Context, in *dynamodb.BatchGetItemInput, _ ...func(*dynamodb.Options)) (*dynamodb.BatchGetItemOutput, error) {
	f.calls.Add(1)
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return nil, f.err
	}
	out := &dynamodb.BatchGetItemOutput{Responses: map[string][]map[string]ddbtypes.AttributeValue{}}
	for _, k := range in.RequestItems[registryTable].Keys {
		id := k[registry.AttrTenantID].(*ddbtypes.AttributeValueMemberS).Value
		if st, ok := f.items[id]; ok {
			out.Responses[registryTable] = append(out.Responses[registryTable], map[string]ddbtypes.AttributeValue{
				registry.AttrTenantID: &ddbtypes.AttributeValueMemberS{Value: id},
				registry.AttrStatus:   &ddbtypes.AttributeValueMemberS{Value: st},
			})
		}
	}
	return out, nil
}

var tenantStatuses = map[string]string{"acme": "ACTIVE", "globex": "SUSPENDED", "initech": "OFFBOARDED"}

func registryHarness(t *testing.T, known []string) (*harness, *fakeRegistry) {
	t.Helper()
	reg := &fakeRegistry{items: map[string]string{}}
	for k, v := range tenantStatuses {
		reg.items[k] = v
	}
	cfg := testConfig(config.ModeAsync)
	cfg.KnownTenants = known
	cfg.Registry = config.Registry{Table: registryTable, HeldQueueURL: heldQ, CacheTTL: time.Minute}
	h := newHarness(t, cfg, WithRegistry(registry.New(reg, registryTable, registry.Options{TTL: time.Minute})))
	return h, reg
}

// sent returns the messages sent to queueURL.
func (f *fakeSender) sent(queueURL string) []*sqs.SendMessageInput {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []*sqs.SendMessageInput
	for _, m := range f.msgs {
		if aws.ToString(m.QueueUrl) == queueURL {
			out = append(out, m)
		}
	}
	return out
}

func TestRegistryDecides(t *testing.T) {
	errOutage := errors.New("dial tcp: connection refused")
	tests := []struct {
		name        string
		tenant      string
		known       []string
		registryErr error
		direct      bool // a direct EventBridge event instead of an SQS record
		wantInvoked bool
		wantHeld    bool
		wantReason  string // quarantine reason, "" for none
		wantFailed  bool   // left for a retry (SQS: batch item failure; direct: error)
	}{
		{name: "an active tenant is invoked", tenant: "acme", wantInvoked: true},
		{name: "a suspended tenant is held, never invoked", tenant: "globex", wantHeld: true},
		{name: "an offboarded tenant is quarantined", tenant: "initech", wantReason: "tenant_offboarded"},
		{name: "a tenant the registry lacks is unknown", tenant: "hooli", wantReason: "unknown_tenant"},
		{name: "known_tenants admits a tenant the registry lacks", tenant: "hooli", known: []string{"hooli"},
			wantInvoked: true},
		{name: "known_tenants does not override a suspension", tenant: "globex", known: []string{"globex"},
			wantHeld: true},
		{name: "a registry outage is retried, never quarantined as unknown", tenant: "hooli",
			registryErr: errOutage, wantFailed: true},
		{name: "a direct event of a suspended tenant is held", tenant: "globex", direct: true, wantHeld: true},
		{name: "a direct event of an offboarded tenant is quarantined", tenant: "initech", direct: true,
			wantReason: "tenant_offboarded"},
		{name: "a direct event during an outage is an error, for EventBridge to retry", tenant: "acme",
			direct: true, registryErr: errOutage, wantFailed: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, reg := registryHarness(t, tt.known)
			reg.err = tt.registryErr
			failed := false
			if tt.direct {
				failed = h.r.HandleEvent(invocationCtx(t), fmt.Appendf(nil, directEvent, tt.tenant)) != nil
			} else {
				resp, err := h.r.HandleSQS(invocationCtx(t), events.SQSEvent{Records: []events.SQSMessage{
					record("m1", tt.tenant, body(tt.tenant))}})
				require.NoError(t, err)
				failed = len(resp.BatchItemFailures) > 0
			}
			assert.Equal(t, tt.wantFailed, failed, "left for a retry")
			assert.Equal(t, tt.wantInvoked, len(h.inv.calls) > 0, "invoked")
			assert.Equal(t, tt.wantHeld, len(h.snd.sent(heldQ)) > 0, "held")
			q := h.snd.sent(quarantineQ)
			if tt.wantReason == "" {
				assert.Empty(t, q)
			} else {
				require.Len(t, q, 1)
				assert.Equal(t, tt.wantReason, attrsOf(q[0])[AttrReason])
			}
			assert.NotContains(t, h.log.String(), secretMarker)
		})
	}
}

func TestHeldMessage(t *testing.T) {
	h, _ := registryHarness(t, nil)
	rec := record("m1", "globex", body("globex"))
	rec.MessageAttributes["amount"] = events.SQSMessageAttribute{DataType: "Number", StringValue: aws.String("12.5")}
	fifo := fifoRecord("m2", "globex")
	resp, err := h.r.HandleSQS(invocationCtx(t), events.SQSEvent{Records: []events.SQSMessage{rec, fifo}})
	require.NoError(t, err)
	require.Empty(t, resp.BatchItemFailures, "held messages are acknowledged")
	held := h.snd.sent(heldQ)
	require.Len(t, held, 2)
	byID := map[string]*sqs.SendMessageInput{}
	for _, m := range held {
		byID[attrsOf(m)[AttrOriginalMessageID]] = m
	}

	assert.Equal(t, map[string]string{
		AttrReason:                "tenant_suspended",
		AttrSource:                "orders",
		AttrOriginalMessageID:     "m1",
		AttrHeldTenantID:          "globex",
		AttrOriginalAttributes:    `{"amount":"12.5","tenantId":"globex","traceId":"t-1"}`,
		AttrOriginalAttributeType: `{"amount":"Number"}`,
	}, attrsOf(byID["m1"]), "the tenant, source and reason, and what a replay needs")
	assert.Equal(t, body("globex"), aws.ToString(byID["m1"].MessageBody), "the body is kept byte for byte")

	assert.Equal(t, "globex", attrsOf(byID["m2"])[AttrOriginalMessageGroup], "a FIFO message keeps its group")
	assert.Equal(t, "orders-fifo", attrsOf(byID["m2"])[AttrSource])
	assert.LessOrEqual(t, len(byID["m1"].MessageAttributes), 10, "SQS allows 10 attributes")
	assert.Contains(t, h.log.String(), `"msg":"message held"`)
}

func TestHoldFailureIsRetried(t *testing.T) {
	h, _ := registryHarness(t, nil)
	h.snd.err = errors.New("AWS.SimpleQueueService.NonExistentQueue")
	resp, err := h.r.HandleSQS(invocationCtx(t), events.SQSEvent{Records: []events.SQSMessage{
		record("m1", "globex", body("globex"))}})
	require.NoError(t, err)
	assert.Equal(t, []string{"m1"}, failedIDs(resp))
	assert.Empty(t, h.inv.calls)
	assert.Contains(t, h.log.String(), `"reason":"hold_failed"`)
}

func TestRegistryCallsPerBatch(t *testing.T) {
	h, reg := registryHarness(t, nil)
	for i := range 10 {
		reg.items[fmt.Sprintf("t%d", i)] = "ACTIVE"
	}
	batch := func() events.SQSEvent {
		var recs []events.SQSMessage
		for i := range 10 {
			id := fmt.Sprintf("t%d", i%5) // 5 tenants, two records each
			recs = append(recs, record(fmt.Sprintf("m%d", i), id, body(id)))
		}
		return events.SQSEvent{Records: recs}
	}
	_, err := h.r.HandleSQS(invocationCtx(t), batch())
	require.NoError(t, err)
	assert.Equal(t, int32(1), reg.calls.Load(), "a cold batch is one BatchGetItem")
	_, err = h.r.HandleSQS(invocationCtx(t), batch())
	require.NoError(t, err)
	assert.Equal(t, int32(1), reg.calls.Load(), "a warm batch is none")
	assert.Len(t, h.inv.calls, 20)
}

func TestRegistryNeedsAClient(t *testing.T) {
	cfg := testConfig(config.ModeAsync)
	cfg.Registry = config.Registry{Table: registryTable, HeldQueueURL: heldQ}
	_, err := New(cfg, &fakeInvoker{}, &fakeSender{}, nil)
	require.ErrorContains(t, err, "WithRegistry")
}
