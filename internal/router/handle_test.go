package router

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/config"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/isolation"
)

const directEvent = `{"version":"0","id":"evt-1","detail-type":"OrderPlaced","source":"shop","account":"123456789012",` +
	`"time":"2026-01-01T00:00:00Z","region":"us-east-1","resources":[],` +
	`"detail":{"tenantId":"%s","payment":"` + secretMarker + `"}}`

func TestHandleDispatchesByShape(t *testing.T) {
	sqsBatch, err := json.Marshal(events.SQSEvent{Records: []events.SQSMessage{record("m1", "acme", body("acme"))}})
	require.NoError(t, err)

	tests := []struct {
		name     string
		raw      string
		wantResp bool   // an SQSEventResponse comes back
		wantErr  string // "" means no error
		invoked  int
	}{
		{name: "sqs batch returns a batch response", raw: string(sqsBatch), wantResp: true, invoked: 1},
		{name: "empty sqs batch returns an empty batch response", raw: `{"Records":[]}`, wantResp: true},
		{name: "direct eventbridge event returns nothing", raw: fmt.Sprintf(directEvent, "acme"), invoked: 1},
		{name: "event of another shape is an error", raw: `{"Type":"Notification"}`,
			wantErr: "unsupported event"},
		{name: "event that is not json is an error", raw: `not json`, wantErr: "decoding the event"},
		{name: "array is an error", raw: `[1,2]`, wantErr: "decoding the event"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, testConfig(config.ModeAsync))
			out, err := h.r.Handle(invocationCtx(t), json.RawMessage(tt.raw))
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				return
			}
			require.NoError(t, err)
			if tt.wantResp {
				resp, ok := out.(events.SQSEventResponse)
				require.True(t, ok, "got %T", out)
				assert.Empty(t, resp.BatchItemFailures)
			} else {
				assert.Nil(t, out)
			}
			assert.Len(t, h.inv.calls, tt.invoked)
		})
	}
}

// esmBatch is an SQS batch as the event source mapping delivers it, with every field Lambda sends.
const esmBatch = `{"Records":[
 {"messageId":"m-attr","receiptHandle":"rh-1","body":"{\"tenantId\":\"acme\",\"note\":\"a \\\"quoted\\\" word\"}",
  "attributes":{"ApproximateReceiveCount":"1","SentTimestamp":"1767225600000","SenderId":"AIDAEXAMPLE",
   "ApproximateFirstReceiveTimestamp":"1767225600001"},
  "messageAttributes":{"tenantId":{"stringValue":"acme","stringListValues":[],"binaryListValues":[],"dataType":"String"}},
  "md5OfBody":"0123456789abcdef0123456789abcdef","eventSource":"aws:sqs",
  "eventSourceARN":"arn:aws:sqs:us-east-1:123456789012:orders","awsRegion":"us-east-1"},
 {"messageId":"m-fifo-1","receiptHandle":"rh-2","body":"{}",
  "attributes":{"ApproximateReceiveCount":"1","MessageGroupId":"globex","MessageDeduplicationId":"d-1",
   "SequenceNumber":"1"},
  "messageAttributes":{},"md5OfBody":"99914b932bd37a50b983c5e7c90ae93b","eventSource":"aws:sqs",
  "eventSourceARN":"arn:aws:sqs:us-east-1:123456789012:orders.fifo","awsRegion":"us-east-1"},
 {"messageId":"m-fifo-2","receiptHandle":"rh-3","body":"{}",
  "attributes":{"ApproximateReceiveCount":"1","MessageGroupId":"globex","SequenceNumber":"2"},
  "messageAttributes":{},"md5OfBody":"99914b932bd37a50b983c5e7c90ae93b","eventSource":"aws:sqs",
  "eventSourceARN":"arn:aws:sqs:us-east-1:123456789012:orders.fifo","awsRegion":"us-east-1"},
 {"messageId":"m-unknown","receiptHandle":"rh-4","body":"{}","attributes":{},"messageAttributes":{},
  "eventSource":"aws:sqs","eventSourceARN":"arn:aws:sqs:us-east-1:123456789012:other","awsRegion":"us-east-1"}
]}`

// Handle decodes only the fields the router reads; this holds it to the event source mapping's real shape.
func TestHandleDecodesESMBatch(t *testing.T) {
	h := newHarness(t, testConfig(config.ModeSync))
	var order []string
	var mu sync.Mutex
	h.inv.respond = func(in *lambda.InvokeInput) (*lambda.InvokeOutput, error) {
		var e isolation.Envelope
		if err := json.Unmarshal(in.Payload, &e); err != nil {
			return nil, err
		}
		mu.Lock()
		order = append(order, e.MessageID)
		mu.Unlock()
		if e.MessageID == "m-fifo-1" {
			return &lambda.InvokeOutput{StatusCode: 200, FunctionError: aws.String("Unhandled")}, nil
		}
		return okOutput(in), nil
	}

	out, err := h.r.Handle(invocationCtx(t), json.RawMessage(esmBatch))
	require.NoError(t, err)
	resp, ok := out.(events.SQSEventResponse)
	require.True(t, ok, "got %T", out)
	assert.ElementsMatch(t, []string{"m-fifo-1", "m-fifo-2", "m-unknown"}, failedIDs(resp),
		"the failed FIFO record holds back the rest of its group; the unknown queue fails")
	assert.ElementsMatch(t, []string{"m-attr", "m-fifo-1"}, order, "m-fifo-2 is never invoked")

	byID := map[string]isolation.Envelope{}
	for _, e := range h.inv.envelopes(t) {
		byID[e.MessageID] = e
	}
	assert.Equal(t, isolation.Envelope{TenantID: "acme", Source: "orders", MessageID: "m-attr",
		Body: `{"tenantId":"acme","note":"a \"quoted\" word"}`}, byID["m-attr"], "attribute and body agree")
	assert.Equal(t, "globex", byID["m-fifo-1"].TenantID, "the tenant comes from MessageGroupId")
}

func TestHandleDirectEvent(t *testing.T) {
	tests := []struct {
		name       string
		event      string
		respond    func(*lambda.InvokeInput) (*lambda.InvokeOutput, error)
		sendErr    error
		noDirect   bool
		wantErr    string
		invoked    bool
		quarantine string
	}{
		{name: "valid event is invoked with the tenant from its detail", event: fmt.Sprintf(directEvent, "acme"),
			invoked: true},
		{name: "event without a tenant is quarantined and acknowledged",
			event: `{"id":"evt-1","detail-type":"OrderPlaced","detail":{}}`, quarantine: "missing_tenant"},
		{name: "event with a spoofed duplicate tenant is quarantined",
			event:      `{"id":"evt-1","detail-type":"x","detail":{"tenantId":"acme","tenantId":"globex"}}`,
			quarantine: "malformed"},
		{name: "event with a nested object for a tenant is quarantined",
			event:      `{"id":"evt-1","detail-type":"x","detail":{"tenantId":{"id":"acme"}}}`,
			quarantine: "malformed"},
		{name: "event whose envelope fields have the wrong types is quarantined as malformed",
			event:      `{"id":7,"detail-type":"x","detail":{"tenantId":"acme"}}`,
			quarantine: "malformed"},
		{name: "event id with characters SQS refuses is quarantined as malformed",
			event: `{"id":"a\u0000b\uffff","detail-type":"x","detail":{"tenantId":"Bad!"}}`, quarantine: "malformed"},
		{name: "event id over the bound is quarantined as malformed",
			event:      `{"id":"` + strings.Repeat("e", 600<<10) + `","detail-type":"x","detail":{"tenantId":"acme"}}`,
			quarantine: "malformed"},
		{name: "event that is not JSON is quarantined as malformed", event: `{"id":"evt-1",`,
			quarantine: "malformed"},
		{name: "event that is not an object is quarantined as malformed", event: ` ["evt-1"]`,
			quarantine: "malformed"},
		{name: "throttled invoke is returned as an error for a retry", event: fmt.Sprintf(directEvent, "acme"),
			respond: func(*lambda.InvokeInput) (*lambda.InvokeOutput, error) {
				return nil, sdkError(429, &types.TooManyRequestsException{})
			},
			invoked: true, wantErr: "throttled"},
		{name: "failed quarantine is returned as an error for a retry",
			event: `{"id":"evt-1","detail-type":"x","detail":{}}`, sendErr: errNetwork,
			wantErr: "quarantining message evt-1"},
		{name: "direct event without a direct source is an error", event: fmt.Sprintf(directEvent, "acme"),
			noDirect: true, wantErr: "no eventbridge source"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := testConfig(config.ModeAsync)
			if tt.noDirect {
				cfg.Sources = cfg.Sources[:3] // sqs sources only
			}
			h := newHarness(t, cfg)
			h.inv.respond = tt.respond
			h.snd.err = tt.sendErr

			err := h.r.HandleEvent(invocationCtx(t), []byte(tt.event))
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
			} else {
				require.NoError(t, err)
			}
			if tt.invoked {
				require.Len(t, h.inv.calls, 1)
				assert.Equal(t, "acme", aws.ToString(h.inv.calls[0].TenantId))
				env := h.inv.envelopes(t)[0]
				assert.Equal(t, isolation.Envelope{TenantID: "acme", Source: "direct", MessageID: "evt-1",
					Body: tt.event}, env)
			} else {
				assert.Empty(t, h.inv.calls)
			}
			if tt.quarantine != "" {
				require.Len(t, h.snd.msgs, 1)
				a := attrsOf(h.snd.msgs[0])
				assert.Equal(t, tt.quarantine, a[AttrReason])
				assert.Equal(t, "direct", a[AttrSource])
				assert.Equal(t, tt.event, aws.ToString(h.snd.msgs[0].MessageBody), "the event JSON is the body")
				assert.NotContains(t, a, AttrOriginalAttributes)
				for k, v := range a {
					_, c, ok := sqsText(v)
					assert.True(t, ok, "attribute %s holds %U, which SQS refuses", k, c)
				}
			} else {
				assert.Empty(t, h.snd.msgs)
			}
			assert.NotContains(t, h.log.String(), secretMarker)
		})
	}
}

// A single EventBridge source serves direct events even when it also has a buffer queue.
func TestSingleEventBridgeSourceTakesDirectEvents(t *testing.T) {
	cfg := testConfig(config.ModeAsync)
	cfg.Sources = cfg.Sources[:4] // drop "direct", keep the buffered "events"
	h := newHarness(t, cfg)
	require.NoError(t, h.r.HandleEvent(invocationCtx(t), fmt.Appendf(nil, directEvent, "acme")))
	require.Len(t, h.inv.calls, 1)
	assert.Equal(t, "events", h.inv.envelopes(t)[0].Source)
}

// TestParallelFanOut runs a large batch with many groups and checks the bound, that every record is invoked exactly
// once, and that FIFO order holds per group. Run with -race.
func TestParallelFanOut(t *testing.T) {
	cfg := testConfig(config.ModeAsync)
	cfg.MaxParallel = 5
	h := newHarness(t, cfg)
	h.inv.delay = 5 * time.Millisecond

	var recs []events.SQSMessage
	for i := range 60 {
		recs = append(recs, record(fmt.Sprintf("s%02d", i), "acme", body("acme")))
		recs = append(recs, fifoRecord(fmt.Sprintf("%c%02d", 'a'+i%6, i), fmt.Sprintf("group-%d", i%6)))
	}
	resp, err := h.r.HandleSQS(invocationCtx(t), events.SQSEvent{Records: recs})
	require.NoError(t, err)
	assert.Empty(t, resp.BatchItemFailures)

	ids := h.inv.messageIDs(t)
	require.Len(t, ids, len(recs))
	seen := map[string]int{}
	for _, id := range ids {
		seen[id]++
	}
	for _, r := range recs {
		assert.Equal(t, 1, seen[r.MessageId], "%s invoked once", r.MessageId)
	}
	max := h.inv.maxInflight.Load()
	assert.LessOrEqual(t, max, int32(5), "never more than ROUTER_MAX_PARALLEL invokes at once")
	assert.Greater(t, max, int32(1), "independent records run in parallel")

	// Within a FIFO group, invocations follow batch order.
	got := map[string][]string{}
	for _, e := range h.inv.envelopes(t) {
		if e.Source == "orders-fifo" {
			got[e.TenantID] = append(got[e.TenantID], e.MessageID)
		}
	}
	want := map[string][]string{}
	for _, r := range recs {
		if r.EventSourceARN == fifoARN {
			g := r.Attributes["MessageGroupId"]
			want[g] = append(want[g], r.MessageId)
		}
	}
	assert.Equal(t, want, got)
}

// Concurrent batches share one Router, as Lambda never does in one environment but tests and callers might.
func TestRouterIsSafeForConcurrentBatches(t *testing.T) {
	h := newHarness(t, testConfig(config.ModeSync))
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			recs := []events.SQSMessage{
				record(fmt.Sprintf("b%d-1", i), "acme", body("acme")),
				record(fmt.Sprintf("b%d-2", i), "", "{}"),
			}
			resp, err := h.r.HandleSQS(invocationCtx(t), events.SQSEvent{Records: recs})
			assert.NoError(t, err)
			assert.Empty(t, resp.BatchItemFailures)
		})
	}
	wg.Wait()
	assert.Len(t, h.inv.calls, 8)
	assert.Len(t, h.snd.msgs, 8)
}
