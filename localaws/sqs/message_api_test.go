package sqs_test

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func str(dataType, v string) types.MessageAttributeValue {
	return types.MessageAttributeValue{DataType: aws.String(dataType), StringValue: aws.String(v)}
}

func bin(dataType string, v []byte) types.MessageAttributeValue {
	return types.MessageAttributeValue{DataType: aws.String(dataType), BinaryValue: v}
}

func TestMessageAttributeDigestsMatchAWSVectors(t *testing.T) {
	t.Parallel()
	h := newHarness(t, false)
	url := h.createQueue("digests", nil)
	// Published vectors of AWS's attribute digest algorithm (SDK test suites).
	cases := []struct {
		name  string
		attrs map[string]types.MessageAttributeValue
		want  string
	}{
		{"two strings", map[string]types.MessageAttributeValue{
			"test_attribute_name_2": str("String", "test_attribute_value_2"),
			"test_attribute_name_1": str("String", "test_attribute_value_1"),
		}, "d53f3b558fe951154770f25cb63dbba9"},
		{"binary", map[string]types.MessageAttributeValue{
			"test_attribute_name": bin("Binary", []byte("test_attribute_value")),
		}, "23f6bd27ea87aab7dfeadcc9aebee495"},
		{"one string", map[string]types.MessageAttributeValue{
			"SellerName": str("String", "Example Store"),
		}, "cd28f3b68aeee4b2eac9c66f2f694b58"},
		{"number and string", map[string]types.MessageAttributeValue{
			"ordinal":  str("Number", "1"),
			"category": str("String", "test"),
		}, "d21ae90c49061e927f57df5f5d72be1f"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			body := "body of " + tc.name
			sent := h.send(url, body, func(in *sqs.SendMessageInput) { in.MessageAttributes = tc.attrs })
			require.Equal(t, tc.want, aws.ToString(sent.MD5OfMessageAttributes))
			require.Equal(t, md5Hex(body), aws.ToString(sent.MD5OfMessageBody))

			msgs := h.receive(url, 1)
			require.Len(t, msgs, 1)
			m := msgs[0]
			require.Equal(t, tc.want, aws.ToString(m.MD5OfMessageAttributes))
			require.Equal(t, tc.attrs, m.MessageAttributes)
			_, err := h.client.DeleteMessage(h.ctx(), &sqs.DeleteMessageInput{QueueUrl: aws.String(url),
				ReceiptHandle: m.ReceiptHandle})
			require.NoError(t, err)
		})
	}
}

func md5Hex(s string) string {
	sum := md5.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}

func TestMessageRoundTripsThroughSDKChecksums(t *testing.T) {
	t.Parallel()
	h := newHarness(t, false)
	url := h.createQueue("round-trip", nil)
	attrs := map[string]types.MessageAttributeValue{
		"tenantId":   str("String", "tenant-a"),
		"attempt":    str("Number", "-1.50e3"),
		"payload":    bin("Binary", []byte{0, 1, 2, 0xff, 0xfe}),
		"image":      bin("Binary.png", []byte("\x89PNG")),
		"unicode":    str("String.utf8", "żółć ✓ 𝄞"),
		"trace.span": str("String", "abc"),
	}
	body := `{"tenantId":"tenant-a","text":"żółć ✓ 𝄞","tab":"\t"}`
	sent, err := h.client.SendMessage(h.ctx(), &sqs.SendMessageInput{QueueUrl: aws.String(url),
		MessageBody: aws.String(body), MessageAttributes: attrs,
		MessageSystemAttributes: map[string]types.MessageSystemAttributeValue{
			"AWSTraceHeader": {DataType: aws.String("String"), StringValue: aws.String("Root=1-5759e988-bd862e3fe1be46a994272793")},
		}})
	require.NoError(t, err, "the SDK verifies MD5OfMessageBody")
	require.NotEmpty(t, aws.ToString(sent.MD5OfMessageSystemAttributes))

	msgs := h.receive(url, 10)
	require.Len(t, msgs, 1, "the SDK verifies MD5OfBody on receive")
	m := msgs[0]
	require.Equal(t, body, aws.ToString(m.Body))
	require.Equal(t, aws.ToString(sent.MessageId), aws.ToString(m.MessageId))
	require.Equal(t, attrs, m.MessageAttributes)
	require.Equal(t, aws.ToString(sent.MD5OfMessageAttributes), aws.ToString(m.MD5OfMessageAttributes))
	require.Equal(t, "Root=1-5759e988-bd862e3fe1be46a994272793", m.Attributes["AWSTraceHeader"])
}

func TestReceiveSelectsAttributes(t *testing.T) {
	t.Parallel()
	h := newHarness(t, false)
	url := h.createQueue("selection", nil)
	cases := []struct {
		name     string
		user     []string
		system   []types.MessageSystemAttributeName
		wantUser []string
		wantSys  []string
	}{
		{name: "nothing asked"},
		{name: "All", user: []string{"All"}, wantUser: []string{"tenant.id", "tenant.name", "kind"}},
		{name: "dot star", user: []string{".*"}, wantUser: []string{"tenant.id", "tenant.name", "kind"}},
		{name: "prefix", user: []string{"tenant.*"}, wantUser: []string{"tenant.id", "tenant.name"}},
		{name: "exact name", user: []string{"kind", "absent"}, wantUser: []string{"kind"}},
		{name: "all system attributes", system: []types.MessageSystemAttributeName{"All"},
			wantSys: []string{"SenderId", "SentTimestamp", "ApproximateReceiveCount", "ApproximateFirstReceiveTimestamp"}},
		{name: "some system attributes",
			system:  []types.MessageSystemAttributeName{"SentTimestamp", "ApproximateReceiveCount"},
			wantSys: []string{"SentTimestamp", "ApproximateReceiveCount"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h.send(url, "x", func(in *sqs.SendMessageInput) {
				in.MessageAttributes = map[string]types.MessageAttributeValue{
					"tenant.id": str("String", "t1"), "tenant.name": str("String", "One"), "kind": str("Number", "7")}
			})
			out, err := h.client.ReceiveMessage(h.ctx(), &sqs.ReceiveMessageInput{QueueUrl: aws.String(url),
				MessageAttributeNames: tc.user, MessageSystemAttributeNames: tc.system})
			require.NoError(t, err)
			require.Len(t, out.Messages, 1)
			m := out.Messages[0]
			assert.ElementsMatch(t, tc.wantUser, keys(m.MessageAttributes))
			assert.ElementsMatch(t, tc.wantSys, keys(m.Attributes))
			if len(tc.wantUser) == 0 {
				assert.Nil(t, m.MD5OfMessageAttributes, "no digest without attributes")
			} else {
				assert.NotEmpty(t, aws.ToString(m.MD5OfMessageAttributes))
			}
			_, err = h.client.DeleteMessage(h.ctx(), &sqs.DeleteMessageInput{QueueUrl: aws.String(url),
				ReceiptHandle: m.ReceiptHandle})
			require.NoError(t, err)
		})
	}
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestSendValidatesMessages(t *testing.T) {
	t.Parallel()
	h := newHarness(t, false)
	url := h.createQueue("strict", nil)
	cases := []struct {
		name string
		in   sqs.SendMessageInput
		code string
	}{
		{"empty body", sqs.SendMessageInput{MessageBody: aws.String("")}, "MissingParameter"},
		{"control character in body", sqs.SendMessageInput{MessageBody: aws.String("a\x01b")}, "InvalidMessageContents"},
		{"delay above 15 minutes", sqs.SendMessageInput{MessageBody: aws.String("x"), DelaySeconds: 901},
			"InvalidParameterValue"},
		{"deduplication ID on a standard queue", sqs.SendMessageInput{MessageBody: aws.String("x"),
			MessageDeduplicationId: aws.String("d")}, "InvalidParameterValue"},
		{"attribute without a value", sqs.SendMessageInput{MessageBody: aws.String("x"),
			MessageAttributes: map[string]types.MessageAttributeValue{"a": {DataType: aws.String("String")}}},
			"InvalidParameterValue"},
		{"number that is not one", sqs.SendMessageInput{MessageBody: aws.String("x"),
			MessageAttributes: map[string]types.MessageAttributeValue{"a": str("Number", "1x")}}, "InvalidParameterValue"},
		{"unknown data type", sqs.SendMessageInput{MessageBody: aws.String("x"),
			MessageAttributes: map[string]types.MessageAttributeValue{"a": str("Text", "v")}}, "InvalidParameterValue"},
		{"reserved attribute prefix", sqs.SendMessageInput{MessageBody: aws.String("x"),
			MessageAttributes: map[string]types.MessageAttributeValue{"AWS.x": str("String", "v")}},
			"InvalidParameterValue"},
		{"eleven attributes", sqs.SendMessageInput{MessageBody: aws.String("x"),
			MessageAttributes: func() map[string]types.MessageAttributeValue {
				m := map[string]types.MessageAttributeValue{}
				for i := range 11 {
					m["a"+strconv.Itoa(i)] = str("String", "v")
				}
				return m
			}()}, "InvalidParameterValue"},
		{"system attribute other than the trace header", sqs.SendMessageInput{MessageBody: aws.String("x"),
			MessageSystemAttributes: map[string]types.MessageSystemAttributeValue{
				"SenderId": {DataType: aws.String("String"), StringValue: aws.String("me")}}}, "InvalidParameterValue"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			in.QueueUrl = aws.String(url)
			_, err := h.client.SendMessage(h.ctx(), &in)
			requireCode(t, err, tc.code)
		})
	}
	require.Equal(t, "0", h.attributes(url)["ApproximateNumberOfMessages"])
}

func TestMessageSizeLimit(t *testing.T) {
	t.Parallel()
	h := newHarness(t, false)
	url := h.createQueue("big", nil)
	small := h.createQueue("small", map[string]string{"MaximumMessageSize": "1024"})
	const mib = 1 << 20
	cases := []struct {
		name  string
		url   string
		body  int
		attrs map[string]types.MessageAttributeValue
		ok    bool
	}{
		{name: "exactly 1 MiB", url: url, body: mib, ok: true},
		{name: "1 MiB and one byte", url: url, body: mib + 1},
		{name: "attributes count toward the limit", url: url, body: mib - 9,
			attrs: map[string]types.MessageAttributeValue{"a": str("String", "xyz")}}, // 1 + 6 + 3 = 10 bytes
		{name: "queue maximum of 1 KiB", url: small, body: 1025},
		{name: "under the queue maximum", url: small, body: 1024, ok: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := h.client.SendMessage(h.ctx(), &sqs.SendMessageInput{QueueUrl: aws.String(tc.url),
				MessageBody: aws.String(strings.Repeat("m", tc.body)), MessageAttributes: tc.attrs})
			if tc.ok {
				require.NoError(t, err)
				return
			}
			requireCode(t, err, "InvalidParameterValue")
			require.Contains(t, err.Error(), "Message must be shorter than")
		})
	}
}

func TestVisibilityTimeoutExpiryRedelivers(t *testing.T) {
	t.Parallel()
	h := newHarness(t, true)
	url := h.createQueue("visibility", map[string]string{"VisibilityTimeout": "30"})
	sent := h.send(url, "work")

	first := h.receive(url, 1)
	require.Len(t, first, 1)
	require.Equal(t, "1", first[0].Attributes["ApproximateReceiveCount"])
	require.Empty(t, h.receive(url, 1), "hidden while in flight")
	require.Equal(t, "1", h.attributes(url)["ApproximateNumberOfMessagesNotVisible"])

	h.advance(29 * time.Second)
	require.Empty(t, h.receive(url, 1))
	h.advance(time.Second)
	second := h.receive(url, 1)
	require.Len(t, second, 1, "visible again when the timeout ends")
	require.Equal(t, aws.ToString(sent.MessageId), aws.ToString(second[0].MessageId))
	require.Equal(t, "2", second[0].Attributes["ApproximateReceiveCount"])
	require.Equal(t, strconv.FormatInt(epoch.UnixMilli(), 10), second[0].Attributes["ApproximateFirstReceiveTimestamp"])
	require.NotEqual(t, aws.ToString(first[0].ReceiptHandle), aws.ToString(second[0].ReceiptHandle))

	// A stale handle succeeds but deletes nothing, as AWS documents.
	_, err := h.client.DeleteMessage(h.ctx(), &sqs.DeleteMessageInput{QueueUrl: aws.String(url),
		ReceiptHandle: first[0].ReceiptHandle})
	require.NoError(t, err)
	h.advance(30 * time.Second)
	third := h.receive(url, 1)
	require.Len(t, third, 1, "the stale delete left the message in place")

	_, err = h.client.DeleteMessage(h.ctx(), &sqs.DeleteMessageInput{QueueUrl: aws.String(url),
		ReceiptHandle: third[0].ReceiptHandle})
	require.NoError(t, err)
	h.advance(time.Hour)
	require.Empty(t, h.receive(url, 1))

	_, err = h.client.DeleteMessage(h.ctx(), &sqs.DeleteMessageInput{QueueUrl: aws.String(url),
		ReceiptHandle: aws.String("not-a-receipt-handle")})
	requireCode(t, err, "ReceiptHandleIsInvalid")
}

func TestChangeMessageVisibility(t *testing.T) {
	t.Parallel()
	h := newHarness(t, true)
	url := h.createQueue("change", map[string]string{"VisibilityTimeout": "30"})
	h.send(url, "one")
	m := h.receive(url, 1)[0]
	change := func(handle *string, seconds int32) error {
		_, err := h.client.ChangeMessageVisibility(h.ctx(), &sqs.ChangeMessageVisibilityInput{
			QueueUrl: aws.String(url), ReceiptHandle: handle, VisibilityTimeout: seconds})
		return err
	}

	require.NoError(t, change(m.ReceiptHandle, 120))
	h.advance(100 * time.Second)
	require.Empty(t, h.receive(url, 1), "extended past the queue's 30 s")
	require.NoError(t, change(m.ReceiptHandle, 0))
	again := h.receive(url, 1)
	require.Len(t, again, 1, "zero makes it visible at once")

	require.NoError(t, change(again[0].ReceiptHandle, 0))
	requireCode(t, change(again[0].ReceiptHandle, 10), "AWS.SimpleQueueService.MessageNotInflight")

	last := h.receive(url, 1)[0]
	require.NoError(t, change(last.ReceiptHandle, 43200))
	h.advance(11 * time.Hour)
	requireCode(t, change(last.ReceiptHandle, 3601), "InvalidParameterValue")
	require.NoError(t, change(last.ReceiptHandle, 3600), "up to 12 hours after the receive")
	requireCode(t, change(aws.String("garbage"), 10), "ReceiptHandleIsInvalid")
}

func TestDelayAndCounts(t *testing.T) {
	t.Parallel()
	h := newHarness(t, true)
	url := h.createQueue("delayed", nil)
	h.send(url, "later", func(in *sqs.SendMessageInput) { in.DelaySeconds = 60 })
	h.send(url, "now")
	h.send(url, "in flight")
	require.Len(t, h.receive(url, 1), 1)

	got := h.attributes(url)
	require.Equal(t, "1", got["ApproximateNumberOfMessages"])
	require.Equal(t, "1", got["ApproximateNumberOfMessagesNotVisible"])
	require.Equal(t, "1", got["ApproximateNumberOfMessagesDelayed"])

	h.advance(60 * time.Second)
	require.ElementsMatch(t, []string{"now", "in flight", "later"}, bodies(h.receive(url, 10)),
		"the delay and the visibility timeout are both over")
}

func TestRetentionExpiresMessages(t *testing.T) {
	t.Parallel()
	h := newHarness(t, true)
	url := h.createQueue("retention", map[string]string{"MessageRetentionPeriod": "60"})
	h.send(url, "old")
	h.advance(30 * time.Second)
	h.send(url, "young")
	h.advance(30 * time.Second)
	require.Equal(t, []string{"young"}, bodies(h.receive(url, 10)))
	require.Equal(t, "0", h.attributes(url)["ApproximateNumberOfMessages"])
}

func TestRedriveToDeadLetterQueue(t *testing.T) {
	t.Parallel()
	h := newHarness(t, true)
	dlq := h.createQueue("work-dlq", nil)
	url := h.createQueue("work", map[string]string{"VisibilityTimeout": "10",
		"RedrivePolicy": `{"deadLetterTargetArn":"` + h.arn("work-dlq") + `","maxReceiveCount":"2"}`})
	sent := h.send(url, "poison", func(in *sqs.SendMessageInput) {
		in.MessageAttributes = map[string]types.MessageAttributeValue{"tenantId": str("String", "t1")}
	})
	for receive := 1; receive <= 2; receive++ {
		got := h.receive(url, 10)
		require.Equal(t, []string{"poison"}, bodies(got), "receive %d", receive)
		require.Equal(t, strconv.Itoa(receive), got[0].Attributes["ApproximateReceiveCount"])
		h.advance(11 * time.Second)
	}
	h.send(url, "fine")
	require.Equal(t, []string{"fine"}, bodies(h.receive(url, 10)), "the third receive moves the poison message")

	moved := h.receive(dlq, 10)
	require.Len(t, moved, 1)
	m := moved[0]
	require.Equal(t, aws.ToString(sent.MessageId), aws.ToString(m.MessageId))
	require.Equal(t, "poison", aws.ToString(m.Body))
	require.Equal(t, "t1", aws.ToString(m.MessageAttributes["tenantId"].StringValue))
	require.Equal(t, h.arn("work"), m.Attributes["DeadLetterQueueSourceArn"])

	sources, err := h.client.ListDeadLetterSourceQueues(h.ctx(), &sqs.ListDeadLetterSourceQueuesInput{
		QueueUrl: aws.String(dlq)})
	require.NoError(t, err)
	require.Equal(t, []string{url}, sources.QueueUrls)
}

func TestFIFOOrdersEachGroupAndBlocksGroupsInFlight(t *testing.T) {
	t.Parallel()
	h := newHarness(t, true)
	url := h.createQueue("orders.fifo", map[string]string{"FifoQueue": "true", "ContentBasedDeduplication": "true",
		"VisibilityTimeout": "30"})
	var seqs []string
	for _, s := range []struct{ group, body string }{{"A", "a1"}, {"B", "b1"}, {"A", "a2"}, {"B", "b2"}, {"A", "a3"}} {
		seqs = append(seqs, aws.ToString(h.send(url, s.body, inGroup(s.group)).SequenceNumber))
	}
	for i := 1; i < len(seqs); i++ {
		require.Len(t, seqs[i], 20)
		require.Greater(t, seqs[i], seqs[i-1], "sequence numbers grow")
	}

	first := h.receive(url, 1)
	require.Equal(t, []string{"a1"}, bodies(first))
	require.Equal(t, "A", first[0].Attributes["MessageGroupId"])
	require.Equal(t, seqs[0], first[0].Attributes["SequenceNumber"])
	require.Equal(t, []string{"b1", "b2"}, bodies(h.receive(url, 10)), "group A waits behind a1")
	require.Empty(t, h.receive(url, 10), "both groups have messages in flight")

	h.advance(31 * time.Second) // a1, b1 and b2 become visible again, in order
	again := h.receive(url, 10)
	require.Equal(t, []string{"a1", "a2", "a3", "b1", "b2"}, bodies(again))

	h.advance(31 * time.Second)
	first = h.receive(url, 1)
	require.Equal(t, []string{"a1"}, bodies(first))
	_, err := h.client.DeleteMessage(h.ctx(), &sqs.DeleteMessageInput{QueueUrl: aws.String(url),
		ReceiptHandle: first[0].ReceiptHandle})
	require.NoError(t, err)
	require.Equal(t, []string{"b1", "b2", "a2", "a3"}, bodies(h.receive(url, 10)),
		"deleting a1 unblocks group A; b1 is now the oldest message")
}

func TestFIFODeduplication(t *testing.T) {
	t.Parallel()
	h := newHarness(t, true)
	cases := []struct {
		name   string
		attrs  map[string]string
		sends  []struct{ group, body, dedup string }
		bodies []string
	}{
		{
			name:   "explicit IDs within five minutes",
			attrs:  map[string]string{},
			sends:  []struct{ group, body, dedup string }{{"g", "one", "d1"}, {"g", "two", "d1"}, {"g", "three", "d2"}},
			bodies: []string{"one", "three"},
		},
		{
			name:   "content-based",
			attrs:  map[string]string{"ContentBasedDeduplication": "true"},
			sends:  []struct{ group, body, dedup string }{{"g", "same", ""}, {"h", "same", ""}, {"g", "other", ""}},
			bodies: []string{"same", "other"},
		},
		{
			name:   "scope of a message group",
			attrs:  map[string]string{"DeduplicationScope": "messageGroup", "FifoThroughputLimit": "perMessageGroupId"},
			sends:  []struct{ group, body, dedup string }{{"g", "one", "d"}, {"h", "two", "d"}, {"g", "three", "d"}},
			bodies: []string{"one", "two"},
		},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.attrs["FifoQueue"] = "true"
			url := h.createQueue("dedup-"+strconv.Itoa(i)+".fifo", tc.attrs)
			for _, s := range tc.sends {
				h.send(url, s.body, inGroup(s.group), func(in *sqs.SendMessageInput) {
					if s.dedup != "" {
						in.MessageDeduplicationId = aws.String(s.dedup)
					}
				})
			}
			require.ElementsMatch(t, tc.bodies, bodies(h.receive(url, 10)))
		})
	}

	url := h.createQueue("window.fifo", map[string]string{"FifoQueue": "true"})
	first := h.send(url, "v1", inGroup("g"), func(in *sqs.SendMessageInput) { in.MessageDeduplicationId = aws.String("d") })
	dup := h.send(url, "v2", inGroup("g"), func(in *sqs.SendMessageInput) { in.MessageDeduplicationId = aws.String("d") })
	require.Equal(t, aws.ToString(first.MessageId), aws.ToString(dup.MessageId), "a duplicate gets the first ID")
	h.advance(5 * time.Minute)
	later := h.send(url, "v3", inGroup("g"), func(in *sqs.SendMessageInput) { in.MessageDeduplicationId = aws.String("d") })
	require.NotEqual(t, aws.ToString(first.MessageId), aws.ToString(later.MessageId), "the window is five minutes")
	require.Equal(t, []string{"v1", "v3"}, bodies(h.receive(url, 10)))
}

func TestFIFOSendRules(t *testing.T) {
	t.Parallel()
	h := newHarness(t, false)
	url := h.createQueue("rules.fifo", map[string]string{"FifoQueue": "true"})
	cases := []struct {
		name string
		in   sqs.SendMessageInput
		code string
	}{
		{"no message group", sqs.SendMessageInput{MessageDeduplicationId: aws.String("d")}, "MissingParameter"},
		{"no deduplication without content-based deduplication", sqs.SendMessageInput{MessageGroupId: aws.String("g")},
			"InvalidParameterValue"},
		{"per-message delay", sqs.SendMessageInput{MessageGroupId: aws.String("g"),
			MessageDeduplicationId: aws.String("d"), DelaySeconds: 5}, "InvalidParameterValue"},
		{"group ID with a space", sqs.SendMessageInput{MessageGroupId: aws.String("a b"),
			MessageDeduplicationId: aws.String("d")}, "InvalidParameterValue"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			in.QueueUrl, in.MessageBody = aws.String(url), aws.String("x")
			_, err := h.client.SendMessage(h.ctx(), &in)
			requireCode(t, err, tc.code)
		})
	}
}

func TestFIFOReceiveRequestAttemptIDReturnsTheSameMessages(t *testing.T) {
	t.Parallel()
	h := newHarness(t, true)
	url := h.createQueue("attempts.fifo", map[string]string{"FifoQueue": "true", "ContentBasedDeduplication": "true"})
	h.send(url, "m1", inGroup("g"))
	h.send(url, "m2", inGroup("g"))
	receive := func(attempt string) []types.Message {
		out, err := h.client.ReceiveMessage(h.ctx(), &sqs.ReceiveMessageInput{QueueUrl: aws.String(url),
			MaxNumberOfMessages: 10, ReceiveRequestAttemptId: aws.String(attempt)})
		require.NoError(t, err)
		return out.Messages
	}
	first := receive("attempt-1")
	require.Equal(t, []string{"m1", "m2"}, bodies(first))
	retry := receive("attempt-1")
	require.Equal(t, first, retry, "same messages, same receipt handles")
	require.Empty(t, receive("attempt-2"), "a new attempt finds the group in flight")
}

func TestFIFOStaleReceiptHandleHasExpired(t *testing.T) {
	t.Parallel()
	h := newHarness(t, true)
	url := h.createQueue("stale.fifo", map[string]string{"FifoQueue": "true", "ContentBasedDeduplication": "true",
		"VisibilityTimeout": "10"})
	h.send(url, "m", inGroup("g"))
	m := h.receive(url, 1)[0]
	h.advance(11 * time.Second)
	_, err := h.client.DeleteMessage(h.ctx(), &sqs.DeleteMessageInput{QueueUrl: aws.String(url),
		ReceiptHandle: m.ReceiptHandle})
	requireCode(t, err, "InvalidParameterValue")
	require.Len(t, h.receive(url, 1), 1, "the message was not deleted")
}

func TestBatchEnvelopeErrors(t *testing.T) {
	t.Parallel()
	h := newHarness(t, false)
	url := h.createQueue("batches", nil)
	entries := func(n int) []types.SendMessageBatchRequestEntry {
		var out []types.SendMessageBatchRequestEntry
		for i := range n {
			out = append(out, types.SendMessageBatchRequestEntry{Id: aws.String("e" + strconv.Itoa(i)),
				MessageBody: aws.String("x")})
		}
		return out
	}
	big := strings.Repeat("b", 600<<10)
	cases := []struct {
		name    string
		entries []types.SendMessageBatchRequestEntry
		code    string
	}{
		{"no entries", []types.SendMessageBatchRequestEntry{}, "AWS.SimpleQueueService.EmptyBatchRequest"},
		{"eleven entries", entries(11), "AWS.SimpleQueueService.TooManyEntriesInBatchRequest"},
		{"repeated IDs", append(entries(2), types.SendMessageBatchRequestEntry{Id: aws.String("e0"),
			MessageBody: aws.String("y")}), "AWS.SimpleQueueService.BatchEntryIdsNotDistinct"},
		{"ID with a space", []types.SendMessageBatchRequestEntry{{Id: aws.String("a b"), MessageBody: aws.String("x")}},
			"AWS.SimpleQueueService.InvalidBatchEntryId"},
		{"more than 1 MiB in total", []types.SendMessageBatchRequestEntry{
			{Id: aws.String("a"), MessageBody: aws.String(big)}, {Id: aws.String("b"), MessageBody: aws.String(big)}},
			"AWS.SimpleQueueService.BatchRequestTooLong"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := h.client.SendMessageBatch(h.ctx(), &sqs.SendMessageBatchInput{QueueUrl: aws.String(url),
				Entries: tc.entries})
			requireCode(t, err, tc.code)
		})
	}
	require.Equal(t, "0", h.attributes(url)["ApproximateNumberOfMessages"], "a rejected batch sends nothing")
}

func TestBatchReportsEachEntry(t *testing.T) {
	t.Parallel()
	h := newHarness(t, false)
	url := h.createQueue("partial", nil)
	sent, err := h.client.SendMessageBatch(h.ctx(), &sqs.SendMessageBatchInput{QueueUrl: aws.String(url),
		Entries: []types.SendMessageBatchRequestEntry{
			{Id: aws.String("ok1"), MessageBody: aws.String("first"),
				MessageAttributes: map[string]types.MessageAttributeValue{"SellerName": str("String", "Example Store")}},
			{Id: aws.String("bad"), MessageBody: aws.String("second"),
				MessageAttributes: map[string]types.MessageAttributeValue{"n": str("Number", "NaN")}},
			{Id: aws.String("ok2"), MessageBody: aws.String("third"), DelaySeconds: 0},
		}})
	require.NoError(t, err, "the SDK verifies each MD5OfMessageBody")
	require.Len(t, sent.Successful, 2)
	require.Equal(t, "ok1", aws.ToString(sent.Successful[0].Id))
	require.Equal(t, "cd28f3b68aeee4b2eac9c66f2f694b58", aws.ToString(sent.Successful[0].MD5OfMessageAttributes))
	require.Len(t, sent.Failed, 1)
	require.Equal(t, "bad", aws.ToString(sent.Failed[0].Id))
	require.Equal(t, "InvalidParameterValue", aws.ToString(sent.Failed[0].Code))
	require.True(t, sent.Failed[0].SenderFault)

	msgs := h.receive(url, 10)
	require.ElementsMatch(t, []string{"first", "third"}, bodies(msgs))

	vis, err := h.client.ChangeMessageVisibilityBatch(h.ctx(), &sqs.ChangeMessageVisibilityBatchInput{
		QueueUrl: aws.String(url), Entries: []types.ChangeMessageVisibilityBatchRequestEntry{
			{Id: aws.String("a"), ReceiptHandle: msgs[0].ReceiptHandle, VisibilityTimeout: 100},
			{Id: aws.String("b"), ReceiptHandle: aws.String("garbage"), VisibilityTimeout: 100},
		}})
	require.NoError(t, err)
	require.Equal(t, []string{"a"}, []string{aws.ToString(vis.Successful[0].Id)})
	require.Equal(t, "ReceiptHandleIsInvalid", aws.ToString(vis.Failed[0].Code))

	del, err := h.client.DeleteMessageBatch(h.ctx(), &sqs.DeleteMessageBatchInput{QueueUrl: aws.String(url),
		Entries: []types.DeleteMessageBatchRequestEntry{
			{Id: aws.String("a"), ReceiptHandle: msgs[0].ReceiptHandle},
			{Id: aws.String("b"), ReceiptHandle: msgs[1].ReceiptHandle},
			{Id: aws.String("c"), ReceiptHandle: aws.String("garbage")},
		}})
	require.NoError(t, err)
	require.Len(t, del.Successful, 2)
	require.Len(t, del.Failed, 1)
	require.Equal(t, "c", aws.ToString(del.Failed[0].Id))
	require.Equal(t, "ReceiptHandleIsInvalid", aws.ToString(del.Failed[0].Code))
	got := h.attributes(url)
	require.Equal(t, "0", got["ApproximateNumberOfMessages"])
	require.Equal(t, "0", got["ApproximateNumberOfMessagesNotVisible"])
}

func TestReceiveValidatesParameters(t *testing.T) {
	t.Parallel()
	h := newHarness(t, false)
	url := h.createQueue("params", nil)
	cases := []struct {
		name string
		in   sqs.ReceiveMessageInput
	}{
		{"eleven messages", sqs.ReceiveMessageInput{MaxNumberOfMessages: 11}},
		{"negative count", sqs.ReceiveMessageInput{MaxNumberOfMessages: -1}},
		{"wait above 20 seconds", sqs.ReceiveMessageInput{WaitTimeSeconds: 21}},
		{"visibility above 12 hours", sqs.ReceiveMessageInput{VisibilityTimeout: 43201}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			in.QueueUrl = aws.String(url)
			_, err := h.client.ReceiveMessage(h.ctx(), &in)
			requireCode(t, err, "InvalidParameterValue")
		})
	}
}

func TestLongPollReturnsWhenAMessageArrives(t *testing.T) {
	t.Parallel()
	h := newHarness(t, false)
	url := h.createQueue("long-poll", nil)
	type result struct {
		msgs    []types.Message
		elapsed time.Duration
		err     error
	}
	done := make(chan result, 1)
	start := time.Now()
	go func() {
		out, err := h.client.ReceiveMessage(context.Background(), &sqs.ReceiveMessageInput{QueueUrl: aws.String(url),
			WaitTimeSeconds: 10})
		r := result{elapsed: time.Since(start), err: err}
		if out != nil {
			r.msgs = out.Messages
		}
		done <- r
	}()
	time.Sleep(200 * time.Millisecond) // let the receiver start waiting
	h.send(url, "hello")
	r := <-done
	require.NoError(t, r.err)
	require.Equal(t, []string{"hello"}, bodies(r.msgs))
	require.Less(t, r.elapsed, 5*time.Second, "returned on arrival, not after the full wait")
}

func TestLongPollWaitsForTheQueueDefault(t *testing.T) {
	t.Parallel()
	h := newHarness(t, false)
	url := h.createQueue("waiting", map[string]string{"ReceiveMessageWaitTimeSeconds": "1"})
	start := time.Now()
	out, err := h.client.ReceiveMessage(h.ctx(), &sqs.ReceiveMessageInput{QueueUrl: aws.String(url)})
	require.NoError(t, err)
	require.Empty(t, out.Messages)
	require.GreaterOrEqual(t, time.Since(start), 900*time.Millisecond, "ReceiveMessageWaitTimeSeconds applies")
}

func TestLongPollSeesVisibilityExpiryOnTheFakeClock(t *testing.T) {
	t.Parallel()
	h := newHarness(t, true)
	url := h.createQueue("fake-wait", map[string]string{"VisibilityTimeout": "30"})
	h.send(url, "again")
	require.Len(t, h.receive(url, 1), 1)
	done := h.longPoll(url)
	require.Equal(t, []string{"again"}, bodies(h.advanceUntil(done, time.Second)),
		"the waiting receiver sees the message become visible")
}

// longPoll starts a receive that waits up to 10 s; the channel gets its messages, or nil
// when it fails.
func (h *harness) longPoll(url string) <-chan []types.Message {
	done := make(chan []types.Message, 1)
	go func() {
		out, err := h.client.ReceiveMessage(context.Background(), &sqs.ReceiveMessageInput{QueueUrl: aws.String(url),
			WaitTimeSeconds: 10})
		if err != nil {
			done <- nil
			return
		}
		done <- out.Messages
	}()
	return done
}

// advanceUntil moves the fake clock a step at a time until a waiting receiver
// returns. Real time is bounded well below the receiver's 10 s wait, so a receiver
// that ignored the clock fails the test.
func (h *harness) advanceUntil(done <-chan []types.Message, step time.Duration) []types.Message {
	h.t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		select {
		case msgs := <-done:
			return msgs
		case <-deadline:
			h.t.Fatal("the waiting receiver did not return")
			return nil
		case <-time.After(50 * time.Millisecond):
			h.advance(step)
		}
	}
}

func TestLongPollSeesADelayedMessageSentWhileWaiting(t *testing.T) {
	t.Parallel()
	h := newHarness(t, true)
	url := h.createQueue("fake-delay", nil)
	done := h.longPoll(url)
	time.Sleep(200 * time.Millisecond)
	h.send(url, "delayed", func(in *sqs.SendMessageInput) { in.DelaySeconds = 5 })
	require.Equal(t, []string{"delayed"}, bodies(h.advanceUntil(done, time.Second)),
		"the waiting receiver sees the delay end")
}

func TestCloseEndsLongPolls(t *testing.T) {
	t.Parallel()
	h := newHarness(t, false)
	url := h.createQueue("closing", nil)
	done := make(chan time.Duration, 1)
	start := time.Now()
	go func() {
		_, _ = h.client.ReceiveMessage(context.Background(), &sqs.ReceiveMessageInput{QueueUrl: aws.String(url),
			WaitTimeSeconds: 20})
		done <- time.Since(start)
	}()
	time.Sleep(200 * time.Millisecond)
	require.NoError(t, h.srv.Close())
	select {
	case elapsed := <-done:
		require.Less(t, elapsed, 5*time.Second)
	case <-time.After(10 * time.Second):
		t.Fatal("a long poll outlived the server")
	}
}
