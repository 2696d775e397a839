package router

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/config"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/tenant"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/isolation"
)

func TestHandleSQSRecord(t *testing.T) {
	type want struct {
		failed     bool
		invoked    bool
		quarantine string // reason, or "" for none
		detail     string // part of quarantine_detail
		logReason  string // the reason on the decision's log line
		messageID  string // envelope message_id when not the SQS MessageId
	}
	tests := []struct {
		name    string
		mode    config.Mode
		rec     events.SQSMessage
		respond func(*lambda.InvokeInput) (*lambda.InvokeOutput, error)
		sendErr error
		want    want
	}{
		{name: "valid message is invoked async and acknowledged", mode: config.ModeAsync,
			rec: record("m1", "acme", body("acme")), want: want{invoked: true}},
		{name: "valid message is invoked sync and acknowledged", mode: config.ModeSync,
			rec: record("m1", "acme", body("acme")), want: want{invoked: true}},
		{name: "sync function error fails the record", mode: config.ModeSync,
			rec: record("m1", "acme", body("acme")),
			respond: func(*lambda.InvokeInput) (*lambda.InvokeOutput, error) {
				return &lambda.InvokeOutput{StatusCode: 200, FunctionError: aws.String("Unhandled"),
					Payload: []byte(`{"errorMessage":"` + secretMarker + `"}`)}, nil
			},
			want: want{invoked: true, failed: true, logReason: "function_error"}},
		{name: "async answer other than 202 fails the record", mode: config.ModeAsync,
			rec: record("m1", "acme", body("acme")),
			respond: func(*lambda.InvokeInput) (*lambda.InvokeOutput, error) {
				return &lambda.InvokeOutput{StatusCode: 200}, nil
			},
			want: want{invoked: true, failed: true, logReason: "unexpected_status"}},
		{name: "throttling fails the record for a retry", mode: config.ModeAsync,
			rec: record("m1", "acme", body("acme")),
			respond: func(*lambda.InvokeInput) (*lambda.InvokeOutput, error) {
				return nil, sdkError(429, &types.TooManyRequestsException{Message: aws.String("Rate exceeded")})
			},
			want: want{invoked: true, failed: true, logReason: "throttled"}},
		{name: "service exception fails the record for a retry", mode: config.ModeSync,
			rec: record("m1", "acme", body("acme")),
			respond: func(*lambda.InvokeInput) (*lambda.InvokeOutput, error) {
				return nil, sdkError(500, &types.ServiceException{Message: aws.String("internal")})
			},
			want: want{invoked: true, failed: true, logReason: "server_error"}},
		{name: "bare 503 fails the record for a retry", mode: config.ModeAsync,
			rec: record("m1", "acme", body("acme")),
			respond: func(*lambda.InvokeInput) (*lambda.InvokeOutput, error) {
				return nil, sdkError(503, fmt.Errorf("deserialization failed"))
			},
			want: want{invoked: true, failed: true, logReason: "server_error"}},
		{name: "generic server fault fails the record", mode: config.ModeAsync,
			rec: record("m1", "acme", body("acme")),
			respond: func(*lambda.InvokeInput) (*lambda.InvokeOutput, error) {
				return nil, &smithy.GenericAPIError{Code: "InternalFailure", Fault: smithy.FaultServer}
			},
			want: want{invoked: true, failed: true, logReason: "server_error"}},
		{name: "network error fails the record", mode: config.ModeAsync,
			rec: record("m1", "acme", body("acme")),
			respond: func(*lambda.InvokeInput) (*lambda.InvokeOutput, error) {
				return nil, &smithy.OperationError{ServiceID: "Lambda", OperationName: "Invoke", Err: errNetwork}
			},
			want: want{invoked: true, failed: true, logReason: "invoke_error"}},
		{name: "backend without tenancy config fails the record rather than dropping it", mode: config.ModeAsync,
			rec: record("m1", "acme", body("acme")),
			respond: func(*lambda.InvokeInput) (*lambda.InvokeOutput, error) {
				return nil, sdkError(400, &types.InvalidParameterValueException{Message: aws.String("tenant")})
			},
			want: want{invoked: true, failed: true, logReason: "client_error:InvalidParameterValueException"}},
		{name: "lambda refusing the payload size quarantines as too large", mode: config.ModeSync,
			rec: record("m1", "acme", body("acme")),
			respond: func(*lambda.InvokeInput) (*lambda.InvokeOutput, error) {
				return nil, sdkError(413, &types.RequestTooLargeException{Message: aws.String("too large")})
			},
			want: want{invoked: true, quarantine: "too_large", detail: "Lambda refused"}},
		{name: "the code lambda sends for an oversized payload quarantines as too large", mode: config.ModeSync,
			rec: record("m1", "acme", body("acme")),
			respond: func(*lambda.InvokeInput) (*lambda.InvokeOutput, error) {
				return nil, sdkError(413, &smithy.GenericAPIError{Code: "RequestEntityTooLargeException",
					Message: "Request must be smaller than 6291456 bytes for the InvokeFunction operation"})
			},
			want: want{invoked: true, quarantine: "too_large", detail: "Lambda refused"}},
		{name: "body over the async limit with its envelope is quarantined as too large", mode: config.ModeAsync,
			rec:  record("m1", "acme", `{"tenantId":"acme","pad":"`+strings.Repeat("x", MaxAsyncPayload-60)+`"}`),
			want: want{quarantine: "too_large", detail: "async invocations allow at most 1048576"}},
		{name: "the same body fits a sync invocation", mode: config.ModeSync,
			rec:  record("m1", "acme", `{"tenantId":"acme","pad":"`+strings.Repeat("x", MaxAsyncPayload-60)+`"}`),
			want: want{invoked: true}},
		{name: "escaping counts towards the limit", mode: config.ModeAsync,
			rec:  record("m1", "acme", `{"tenantId":"acme","pad":"`+strings.Repeat(`\n`, MaxAsyncPayload/2-40)+`"}`),
			want: want{quarantine: "too_large"}},
		{name: "missing tenant is quarantined", mode: config.ModeAsync,
			rec:  record("m1", "", `{"order":1}`),
			want: want{quarantine: "missing_tenant", detail: "no rule found a tenant ID"}},
		{name: "mismatched attribute and body is a spoof", mode: config.ModeAsync,
			rec:  record("m1", "acme", body("globex")),
			want: want{quarantine: "tenant_mismatch", detail: `found "acme" but body_pointer "/tenantId" found "globex"`}},
		{name: "look-alike tenant is quarantined as invalid", mode: config.ModeAsync,
			rec:  record("m1", "\u0430cme", body("acme")),
			want: want{quarantine: "invalid_tenant", detail: "U+0430"}},
		{name: "duplicate tenant keys are quarantined as malformed", mode: config.ModeAsync,
			rec:  record("m1", "acme", `{"tenantId":"acme","tenantId":"globex"}`),
			want: want{quarantine: "malformed", detail: "duplicate key"}},
		{name: "key equal to the tenant key when upper-cased is quarantined as malformed", mode: config.ModeAsync,
			rec:  record("m1", "acme", `{"tenantId":"acme","tenant\u0131d":"globex"}`),
			want: want{quarantine: "malformed", detail: "differs only in case"}},
		{name: "quarantine send failure fails the record", mode: config.ModeAsync,
			rec: record("m1", "", `{"order":1}`), sendErr: errNetwork,
			want: want{failed: true, logReason: "quarantine_failed"}},
		{name: "record from an unknown queue fails", mode: config.ModeAsync,
			rec: func() events.SQSMessage {
				r := record("m1", "acme", body("acme"))
				r.EventSourceARN = "arn:aws:sqs:us-east-1:123456789012:other"
				return r
			}(),
			want: want{failed: true, logReason: "unknown_source"}},
		{name: "eventbridge event from a buffer queue is routed by its detail", mode: config.ModeAsync,
			rec: events.SQSMessage{MessageId: "m1", EventSourceARN: bufferARN,
				Body: `{"id":"e1","detail-type":"order","source":"shop","detail":{"tenantId":"acme"}}`},
			want: want{invoked: true, messageID: "e1"}},
		{name: "event id with characters SQS refuses is quarantined as malformed under the SQS message id",
			mode: config.ModeAsync,
			rec: events.SQSMessage{MessageId: "m1", EventSourceARN: bufferARN,
				Body: `{"id":"a\u0000b\uffff","detail":{"tenantId":"Bad!"}}`},
			want: want{quarantine: "malformed", detail: "event id has character U+0000 at offset 1"}},
		{name: "event id over the bound is quarantined as malformed even with a valid tenant", mode: config.ModeAsync,
			rec: events.SQSMessage{MessageId: "m1", EventSourceARN: bufferARN,
				Body: `{"id":"` + strings.Repeat("e", 600<<10) + `","detail":{"tenantId":"acme"}}`},
			want: want{quarantine: "malformed", detail: "event id is 614400 bytes; at most 128"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, testConfig(tt.mode))
			h.inv.respond = tt.respond
			h.snd.err = tt.sendErr

			resp, err := h.r.HandleSQS(invocationCtx(t), events.SQSEvent{Records: []events.SQSMessage{tt.rec}})
			require.NoError(t, err)

			if tt.want.failed {
				assert.Equal(t, []string{"m1"}, failedIDs(resp))
			} else {
				assert.Empty(t, resp.BatchItemFailures)
			}
			if tt.want.invoked {
				require.Len(t, h.inv.calls, 1)
				call := h.inv.calls[0]
				assert.Equal(t, backendARN, aws.ToString(call.FunctionName))
				assert.Equal(t, "acme", aws.ToString(call.TenantId))
				wantType := types.InvocationTypeEvent
				if tt.mode == config.ModeSync {
					wantType = types.InvocationTypeRequestResponse
				}
				assert.Equal(t, wantType, call.InvocationType)
				env := h.inv.envelopes(t)[0]
				assert.Equal(t, tt.rec.Body, env.Body, "the body travels unchanged")
				wantID := "m1"
				if tt.want.messageID != "" {
					wantID = tt.want.messageID
				}
				assert.Equal(t, wantID, env.MessageID, "EventBridge sources are known by the event id")
			} else {
				assert.Empty(t, h.inv.calls, "a rejected message must never be invoked")
			}
			if tt.want.quarantine != "" {
				require.Len(t, h.snd.msgs, 1)
				q := h.snd.msgs[0]
				assert.Equal(t, quarantineQ, aws.ToString(q.QueueUrl))
				a := attrsOf(q)
				if a[AttrOriginalTruncated] == "true" {
					assert.True(t, strings.HasPrefix(tt.rec.Body, aws.ToString(q.MessageBody)))
				} else {
					assert.Equal(t, tt.rec.Body, aws.ToString(q.MessageBody))
				}
				assert.Equal(t, tt.want.quarantine, a[AttrReason])
				assert.Contains(t, a[AttrDetail], tt.want.detail)
				assert.Equal(t, "m1", a[AttrOriginalMessageID])
				assert.NotEmpty(t, a[AttrSource])
				assert.Nil(t, q.MessageGroupId, "a standard quarantine queue takes no group")
			} else {
				assert.Empty(t, h.snd.msgs)
			}
			logs := h.log.String()
			assert.NotContains(t, logs, secretMarker, "bodies and backend responses must never be logged")
			if tt.want.logReason != "" {
				assert.Contains(t, logs, `"reason":"`+tt.want.logReason+`"`)
			}
		})
	}
}

func TestQuarantineAttributes(t *testing.T) {
	h := newHarness(t, testConfig(config.ModeAsync))
	rec := record("m1", "acme", body("globex"))
	_, err := h.r.HandleSQS(invocationCtx(t), events.SQSEvent{Records: []events.SQSMessage{rec}})
	require.NoError(t, err)

	require.Len(t, h.snd.msgs, 1)
	q := h.snd.msgs[0]
	for k, v := range q.MessageAttributes {
		assert.Equal(t, "String", aws.ToString(v.DataType), k)
	}
	a := attrsOf(q)
	assert.Equal(t, map[string]string{
		AttrReason:             "tenant_mismatch",
		AttrSource:             "orders",
		AttrDetail:             `message_attribute "tenantId" found "acme" but body_pointer "/tenantId" found "globex"`,
		AttrOriginalMessageID:  "m1",
		AttrOriginalAttributes: `{"tenantId":"acme","traceId":"t-1"}`,
	}, a)
	assert.Equal(t, rec.Body, aws.ToString(q.MessageBody))

	// The decision is logged once, with the request, the message and the reason, and without the body.
	var line map[string]any
	for _, l := range h.log.lines(t) {
		if l["msg"] == "message quarantined" {
			line = l
		}
	}
	require.NotNil(t, line)
	assert.Equal(t, "WARN", line["level"])
	assert.Equal(t, "req-1", line["requestId"])
	assert.Equal(t, "m1", line["messageId"])
	assert.Equal(t, "tenant_mismatch", line["reason"])
	assert.NotContains(t, line, "tenantId")
	assert.NotContains(t, h.log.String(), "globex", "an unvalidated tenant ID is never logged")
}

func TestQuarantineWithoutAttributesOmitsOriginalAttributes(t *testing.T) {
	h := newHarness(t, testConfig(config.ModeAsync))
	_, err := h.r.HandleSQS(invocationCtx(t), events.SQSEvent{Records: []events.SQSMessage{record("m1", "", "{}")}})
	require.NoError(t, err)
	require.Len(t, h.snd.msgs, 1)
	assert.NotContains(t, h.snd.msgs[0].MessageAttributes, AttrOriginalAttributes)
}

func TestFIFOQuarantineQueueGetsGroupAndDedupID(t *testing.T) {
	cfg := testConfig(config.ModeAsync)
	cfg.QuarantineQueueURL = quarantineQ + ".fifo"
	h := newHarness(t, cfg)
	rec := fifoRecord("m1", "bad group!")
	_, err := h.r.HandleSQS(invocationCtx(t), events.SQSEvent{Records: []events.SQSMessage{rec, rec}})
	require.NoError(t, err)
	require.Len(t, h.snd.msgs, 2)
	assert.Equal(t, "bad group!", aws.ToString(h.snd.msgs[0].MessageGroupId))
	assert.Len(t, aws.ToString(h.snd.msgs[0].MessageDeduplicationId), 64)
	assert.Equal(t, h.snd.msgs[0].MessageDeduplicationId, h.snd.msgs[1].MessageDeduplicationId,
		"a redelivered reject must deduplicate")
}

func TestEnvelope(t *testing.T) {
	h := newHarness(t, testConfig(config.ModeAsync))
	b := `{"tenantId":"acme","html":"<b>&</b>","uni":"ü"}`
	_, err := h.r.HandleSQS(invocationCtx(t), events.SQSEvent{Records: []events.SQSMessage{record("m1", "acme", b)}})
	require.NoError(t, err)
	require.Len(t, h.inv.calls, 1)
	payload := h.inv.calls[0].Payload
	assert.NotContains(t, string(payload), `\u003c`, "HTML escaping would inflate the size check")
	var env isolation.Envelope
	require.NoError(t, json.Unmarshal(payload, &env))
	assert.Equal(t, isolation.Envelope{TenantID: "acme", Source: "orders", MessageID: "m1", Body: b}, env)
	var keys map[string]any
	require.NoError(t, json.Unmarshal(payload, &keys))
	assert.ElementsMatch(t, []string{"tenant_id", "source", "message_id", "body"}, mapKeys(keys))
}

func mapKeys(m map[string]any) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	return ks
}

func TestMixedBatchReportsFailuresInBatchOrder(t *testing.T) {
	h := newHarness(t, testConfig(config.ModeAsync))
	h.inv.respond = func(in *lambda.InvokeInput) (*lambda.InvokeOutput, error) {
		if aws.ToString(in.TenantId) == "globex" {
			return nil, sdkError(429, &types.TooManyRequestsException{})
		}
		return okOutput(in), nil
	}
	recs := []events.SQSMessage{
		record("m1", "globex", body("globex")),
		record("m2", "acme", body("acme")),
		record("m3", "", "{}"), // quarantined
		record("m4", "globex", body("globex")),
		record("m5", "acme", body("acme")),
	}
	resp, err := h.r.HandleSQS(invocationCtx(t), events.SQSEvent{Records: recs})
	require.NoError(t, err)
	assert.Equal(t, []string{"m1", "m4"}, failedIDs(resp))
	assert.ElementsMatch(t, []string{"m1", "m2", "m4", "m5"}, h.inv.messageIDs(t))
	assert.Len(t, h.snd.msgs, 1)

	var summary map[string]any
	for _, l := range h.log.lines(t) {
		if l["msg"] == "batch routed" {
			summary = l
		}
	}
	require.NotNil(t, summary)
	assert.EqualValues(t, 5, summary["records"])
	assert.EqualValues(t, 2, summary["routed"])
	assert.EqualValues(t, 1, summary["quarantined"])
	assert.EqualValues(t, 2, summary["failed"])
}

func TestFIFOGroupStopsAtFirstFailure(t *testing.T) {
	tests := []struct {
		name     string
		records  []events.SQSMessage
		failOn   map[string]bool // message IDs whose invoke fails
		sendErr  error
		failed   []string
		invoked  []string // in order, per group
		quarants int
	}{
		{name: "failure fails it and every later record of its group, other groups go on",
			records: []events.SQSMessage{fifoRecord("a1", "acme"), fifoRecord("g1", "globex"),
				fifoRecord("a2", "acme"), fifoRecord("g2", "globex"), fifoRecord("a3", "acme")},
			failOn:  map[string]bool{"a2": true},
			failed:  []string{"a2", "a3"},
			invoked: []string{"a1", "a2", "g1", "g2"}},
		{name: "first record failing skips the whole group",
			records: []events.SQSMessage{fifoRecord("a1", "acme"), fifoRecord("a2", "acme")},
			failOn:  map[string]bool{"a1": true},
			failed:  []string{"a1", "a2"},
			invoked: []string{"a1"}},
		{name: "quarantined record does not block its group",
			records: []events.SQSMessage{fifoRecord("a1", "acme"), fifoRecord("x1", "bad group!"),
				fifoRecord("x2", "bad group!")},
			failed:   []string{},
			invoked:  []string{"a1"},
			quarants: 2},
		{name: "failed quarantine blocks its group",
			records: []events.SQSMessage{fifoRecord("x1", "bad group!"), fifoRecord("x2", "bad group!"),
				fifoRecord("a1", "acme")},
			sendErr: errNetwork,
			failed:  []string{"x1", "x2"},
			invoked: []string{"a1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, testConfig(config.ModeSync))
			h.snd.err = tt.sendErr
			h.inv.respond = func(in *lambda.InvokeInput) (*lambda.InvokeOutput, error) {
				var env isolation.Envelope
				_ = json.Unmarshal(in.Payload, &env)
				if tt.failOn[env.MessageID] {
					return &lambda.InvokeOutput{StatusCode: 200, FunctionError: aws.String("Unhandled")}, nil
				}
				return okOutput(in), nil
			}
			resp, err := h.r.HandleSQS(invocationCtx(t), events.SQSEvent{Records: tt.records})
			require.NoError(t, err)
			assert.Equal(t, tt.failed, failedIDs(resp))
			assert.ElementsMatch(t, tt.invoked, h.inv.messageIDs(t))
			assert.Equal(t, perGroupOrder(tt.invoked), perGroupOrder(h.inv.messageIDs(t)))
			assert.Len(t, h.snd.msgs, tt.quarants)
		})
	}
}

// A group left for retry behind a failed quarantine is logged by the digest of its ID: the ID is a tenant that failed
// validation.
func TestGroupLeftForRetryDoesNotLogARejectedTenant(t *testing.T) {
	cfg := testConfig(config.ModeAsync)
	cfg.KnownTenants = []string{"acme"}
	h := newHarness(t, cfg)
	h.snd.err = errNetwork
	resp, err := h.r.HandleSQS(invocationCtx(t), events.SQSEvent{Records: []events.SQSMessage{
		fifoRecord("g1", "globex"), fifoRecord("g2", "globex")}})
	require.NoError(t, err)
	assert.Equal(t, []string{"g1", "g2"}, failedIDs(resp))
	assert.NotContains(t, h.log.String(), "globex", "an unknown tenant is never logged")
	var line map[string]any
	for _, l := range h.log.lines(t) {
		if l["msg"] == "later messages of the group left for retry" {
			line = l
		}
	}
	require.NotNil(t, line)
	assert.Equal(t, digest("globex"), line["messageGroupIdSha256"])
	assert.Len(t, digest("globex"), 16)
}

// perGroupOrder keeps the relative order of IDs within each group, where the group is the ID's first letter.
func perGroupOrder(ids []string) map[byte][]string {
	m := map[byte][]string{}
	for _, id := range ids {
		m[id[0]] = append(m[id[0]], id)
	}
	return m
}

func TestFairQueueGroupsAreNotSerialised(t *testing.T) {
	h := newHarness(t, testConfig(config.ModeAsync))
	h.inv.respond = func(in *lambda.InvokeInput) (*lambda.InvokeOutput, error) {
		var env isolation.Envelope
		_ = json.Unmarshal(in.Payload, &env)
		if env.MessageID == "f1" {
			return nil, sdkError(429, &types.TooManyRequestsException{})
		}
		return okOutput(in), nil
	}
	fair := func(id string) events.SQSMessage {
		r := record(id, "acme", "{}")
		r.EventSourceARN = fairARN
		r.Attributes["MessageGroupId"] = "acme"
		return r
	}
	resp, err := h.r.HandleSQS(invocationCtx(t), events.SQSEvent{Records: []events.SQSMessage{fair("f1"), fair("f2")}})
	require.NoError(t, err)
	assert.Equal(t, []string{"f1"}, failedIDs(resp), "a fair queue promises no order, so f2 is not held back")
	assert.ElementsMatch(t, []string{"f1", "f2"}, h.inv.messageIDs(t))
}

func TestDeadlineStopsNewWork(t *testing.T) {
	inv := &fakeInvoker{delay: 400 * time.Millisecond}
	cfg := testConfig(config.ModeAsync)
	cfg.MaxParallel = 1
	r, err := New(cfg, inv, &fakeSender{}, nil, WithDeadlineMargin(200*time.Millisecond))
	require.NoError(t, err)

	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	var recs []events.SQSMessage
	for i := range 5 {
		recs = append(recs, record(fmt.Sprintf("m%d", i), "acme", body("acme")))
	}
	resp, err := r.HandleSQS(ctx, events.SQSEvent{Records: recs})
	require.NoError(t, err)
	assert.NoError(t, ctx.Err(), "the router must answer before its own deadline")
	assert.NotEmpty(t, resp.BatchItemFailures, "work not done in time is left for a retry")
	assert.Less(t, len(inv.calls), 5)
	assert.Len(t, resp.BatchItemFailures, 5-len(inv.calls)+1, "the invoke cut short fails too")
}

func TestEmptyBatch(t *testing.T) {
	h := newHarness(t, testConfig(config.ModeAsync))
	resp, err := h.r.HandleSQS(invocationCtx(t), events.SQSEvent{})
	require.NoError(t, err)
	require.NotNil(t, resp.BatchItemFailures)
	b, _ := json.Marshal(resp)
	assert.JSONEq(t, `{"batchItemFailures":[]}`, string(b))
}

func TestNewRequiresClients(t *testing.T) {
	_, err := New(testConfig(config.ModeAsync), nil, &fakeSender{}, nil)
	assert.Error(t, err)
}

// With rules [attribute, body], a body alone routes; once the attribute is required it no longer does. A capital
// letter makes a second spelling of a tenant, refused by default.
func TestRequiredRuleAndTenantCase(t *testing.T) {
	tests := []struct {
		name     string
		required bool
		idCase   tenant.Case
		rec      events.SQSMessage
		reason   string // quarantine reason, or "" for routed
	}{
		{name: "body alone routes without a required rule", rec: record("m1", "", body("acme"))},
		{name: "body alone is missing_tenant once the attribute is required", required: true,
			rec: record("m1", "", body("acme")), reason: "missing_tenant"},
		{name: "required attribute with an agreeing body routes", required: true, rec: record("m1", "acme", body("acme"))},
		{name: "upper-case tenant is invalid by default", rec: record("m1", "ACME", body("ACME")),
			reason: "invalid_tenant"},
		{name: "upper-case tenant routes when case is preserved", idCase: tenant.CasePreserve,
			rec: record("m1", "ACME", body("ACME"))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := testConfig(config.ModeAsync)
			cfg.TenantIDCase = tt.idCase
			cfg.Sources[0].Rules = []tenant.Rule{
				{Type: tenant.RuleMessageAttribute, Name: "tenantId", Required: tt.required},
				{Type: tenant.RuleBodyPointer, Pointer: "/tenantId"},
			}
			h := newHarness(t, cfg)
			resp, err := h.r.HandleSQS(invocationCtx(t), events.SQSEvent{Records: []events.SQSMessage{tt.rec}})
			require.NoError(t, err)
			assert.Empty(t, resp.BatchItemFailures)
			if tt.reason == "" {
				assert.Len(t, h.inv.calls, 1)
				assert.Empty(t, h.snd.msgs)
				return
			}
			assert.Empty(t, h.inv.calls)
			require.Len(t, h.snd.msgs, 1)
			assert.Equal(t, tt.reason, attrsOf(h.snd.msgs[0])[AttrReason])
		})
	}
}
