package router

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/config"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/tenant"
)

// spoofWithAttribute is the input of the finding: a mismatched tenant, and an attribute x of 200,000 '<', which
// json.Marshal would have written as 1.2 MB of \u003c.
func spoofWithAttribute() events.SQSMessage {
	rec := record("m1", "acme", `{"tenantId":"globex"}`)
	rec.MessageAttributes["x"] = events.SQSMessageAttribute{DataType: "String",
		StringValue: aws.String(strings.Repeat("<", 200_000))}
	return rec
}

// nearLimit is a spoofed message whose body and attributes come within slack bytes of SQS's limit.
func nearLimit(slack int) events.SQSMessage {
	return withBody(record("m1", "acme", ""), MaxSQSMessage-slack)
}

// withBody gives rec a spoofed body that brings its size, as SQS counts it, to size.
func withBody(rec events.SQSMessage, size int) events.SQSMessage {
	prefix, suffix := `{"tenantId":"globex","pad":"`, `"}`
	rec.Body = prefix + strings.Repeat("p", size-originalSize(item{attrs: rec.MessageAttributes})-
		len(prefix)-len(suffix)) + suffix
	return rec
}

func TestQuarantineMessageAlwaysFits(t *testing.T) {
	tests := []struct {
		name      string
		rec       events.SQSMessage
		truncated bool
		check     func(t *testing.T, rec events.SQSMessage, a map[string]string, body string)
	}{
		{name: "attribute of 200,000 '<' is kept whole and unescaped", rec: spoofWithAttribute(),
			check: func(t *testing.T, rec events.SQSMessage, a map[string]string, body string) {
				assert.Equal(t, rec.Body, body)
				assert.Equal(t, `{"tenantId":"acme","traceId":"t-1","x":"`+strings.Repeat("<", 200_000)+`"}`,
					a[AttrOriginalAttributes])
			}},
		{name: "message 300 bytes under the limit is kept whole", rec: nearLimit(300),
			check: func(t *testing.T, rec events.SQSMessage, a map[string]string, body string) {
				assert.Equal(t, rec.Body, body)
				assert.Equal(t, `{"tenantId":"acme","traceId":"t-1"}`, a[AttrOriginalAttributes])
			}},
		{name: "message at the limit has its body cut and says so", rec: nearLimit(0), truncated: true,
			check: func(t *testing.T, rec events.SQSMessage, a map[string]string, body string) {
				assert.True(t, strings.HasPrefix(rec.Body, body))
				assert.Greater(t, len(body), len(rec.Body)-reasonBudget, "the body keeps all the room there is")
				assert.NotContains(t, a, AttrOriginalAttributes, "no whole attribute fits after the body")
			}},
		{name: "message at the limit without attributes has its body cut", truncated: true,
			rec: func() events.SQSMessage {
				return record("m1", "", `{"tenantId":"x"`+strings.Repeat(" ", MaxSQSMessage-len(`{"tenantId":"x"}`))+`}`)
			}(),
			check: func(t *testing.T, rec events.SQSMessage, a map[string]string, body string) {
				assert.True(t, strings.HasPrefix(rec.Body, body))
			}},
		{name: "multi-byte characters are cut on a character boundary", truncated: true,
			rec: func() events.SQSMessage {
				// An odd prefix puts the byte budget in the middle of a two-byte character.
				return record("m1", "", `{"a":"x`+strings.Repeat("é", MaxSQSMessage/2-6)+`"}`)
			}(),
			check: func(t *testing.T, rec events.SQSMessage, a map[string]string, body string) {
				_, c, ok := sqsText(body)
				assert.True(t, ok, "cut inside %U", c)
				assert.True(t, strings.HasPrefix(rec.Body, body))
			}},
		{name: "binary attribute is not copied, and that is said", truncated: true,
			rec: func() events.SQSMessage {
				rec := record("m1", "acme", body("globex"))
				rec.MessageAttributes["sig"] = events.SQSMessageAttribute{DataType: "Binary", BinaryValue: []byte{1, 2}}
				return rec
			}(),
			check: func(t *testing.T, rec events.SQSMessage, a map[string]string, body string) {
				assert.Equal(t, rec.Body, body)
				assert.Equal(t, `{"tenantId":"acme","traceId":"t-1"}`, a[AttrOriginalAttributes])
			}},
		{name: "attributes that do not all fit keep the whole ones that do", truncated: true,
			rec: func() events.SQSMessage {
				rec := record("m1", "acme", "")
				// JSON doubles every '"', so the attributes no longer fit once rendered.
				rec.MessageAttributes["z"] = events.SQSMessageAttribute{DataType: "String",
					StringValue: aws.String(strings.Repeat(`"`, 2000))}
				return withBody(rec, MaxSQSMessage-300)
			}(),
			check: func(t *testing.T, rec events.SQSMessage, a map[string]string, body string) {
				assert.Equal(t, rec.Body, body)
				assert.Equal(t, `{"tenantId":"acme","traceId":"t-1"}`, a[AttrOriginalAttributes])
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, testConfig(config.ModeAsync))
			resp, err := h.r.HandleSQS(invocationCtx(t), events.SQSEvent{Records: []events.SQSMessage{tt.rec}})
			require.NoError(t, err)
			require.Empty(t, resp.BatchItemFailures)
			require.Len(t, h.snd.msgs, 1)
			q := h.snd.msgs[0]
			assert.LessOrEqual(t, sqsSize(q), MaxSQSMessage)
			a := attrsOf(q)
			assert.Equal(t, "m1", a[AttrOriginalMessageID])
			assert.NotEmpty(t, a[AttrReason])
			if tt.truncated {
				sum := sha256.Sum256([]byte(tt.rec.Body))
				assert.Equal(t, "true", a[AttrOriginalTruncated])
				assert.Equal(t, strconv.Itoa(originalSize(item{body: tt.rec.Body, attrs: tt.rec.MessageAttributes})),
					a[AttrOriginalSize])
				assert.Equal(t, hex.EncodeToString(sum[:]), a[AttrOriginalSHA256])
				assert.Contains(t, h.log.String(), `"original_truncated":true`)
			} else {
				assert.NotContains(t, a, AttrOriginalTruncated)
				assert.NotContains(t, a, AttrOriginalSize)
				assert.NotContains(t, a, AttrOriginalSHA256)
			}
			tt.check(t, tt.rec, a, aws.ToString(q.MessageBody))
		})
	}
}

// The reason attributes at their largest stay within reasonBudget; the original gets all the rest.
func TestReasonAttributesFitTheirBudget(t *testing.T) {
	h := newHarness(t, testConfig(config.ModeAsync))
	it := item{src: &source{name: strings.Repeat("s", 64)}, messageID: strings.Repeat("e", MaxEventIDLength),
		body: strings.Repeat("b", MaxSQSMessage)}
	q := h.r.quarantineMessage(it, tenant.Reject(tenant.ReasonMismatch, "%s", strings.Repeat("d", 10*maxDetail)))
	assert.Equal(t, "true", attrsOf(q)[AttrOriginalTruncated])
	assert.Equal(t, MaxSQSMessage, sqsSize(q), "the body fills the message")
	assert.LessOrEqual(t, sqsSize(q)-len(aws.ToString(q.MessageBody)), reasonBudget)
}

// A direct EventBridge event can hold characters SQS refuses; its quarantine copy writes them as JSON escapes, which
// keep the document's meaning, and says so.
func TestQuarantineEscapesCharactersSQSRefuses(t *testing.T) {
	h := newHarness(t, testConfig(config.ModeAsync))
	event := "{\"id\":\"e1\",\"detail-type\":\"x\",\"detail\":{\"tenantId\":\"Bad!\",\"note\":\"a\uffffb\ufffec\"}}"
	require.NoError(t, h.r.HandleEvent(invocationCtx(t), []byte(event)))
	require.Len(t, h.snd.msgs, 1)
	q := h.snd.msgs[0]
	body := aws.ToString(q.MessageBody)
	assert.Equal(t, `{"id":"e1","detail-type":"x","detail":{"tenantId":"Bad!","note":"a\uffffb\ufffec"}}`, body)
	_, c, ok := sqsText(body)
	assert.True(t, ok, "%U left in the body", c)
	var want, got any
	require.NoError(t, json.Unmarshal([]byte(event), &want))
	require.NoError(t, json.Unmarshal([]byte(body), &got))
	assert.Equal(t, want, got, "the escapes mean the same characters")
	a := attrsOf(q)
	sum := sha256.Sum256([]byte(event))
	assert.Equal(t, "invalid_tenant", a[AttrReason])
	assert.Equal(t, "true", a[AttrOriginalEscaped])
	assert.Equal(t, hex.EncodeToString(sum[:]), a[AttrOriginalSHA256])
	assert.Equal(t, strconv.Itoa(len(event)), a[AttrOriginalSize])
	assert.NotContains(t, a, AttrOriginalTruncated)
}
