package router

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/tenant"
)

// Quarantine message attributes (docs/contracts.md).
const (
	AttrReason             = "quarantine_reason"
	AttrSource             = "quarantine_source"
	AttrDetail             = "quarantine_detail"
	AttrOriginalMessageID  = "original_message_id"
	AttrOriginalAttributes = "original_attributes"
	// Set only when the original did not fit whole: "true", the original's size as SQS counted it (body plus every
	// attribute's name, data type and value), and the SHA-256 of the original body in hex.
	AttrOriginalTruncated = "original_truncated"
	AttrOriginalSize      = "original_size"
	AttrOriginalSHA256    = "original_sha256"
	// "true" when the body held characters SQS refuses, written as JSON \uXXXX escapes (with size and digest too).
	AttrOriginalEscaped = "original_escaped"
)

// Size of a quarantine message. SQS counts the body and every attribute's name, data type and value against
// MaxSQSMessage. The reason attributes (every one but original_attributes) stay within reasonBudget, and the original
// gets all the rest.
const (
	MaxSQSMessage = 1 << 20
	reasonBudget  = 2 << 10
	maxDetail     = reasonBudget / 2 // details quote at most short prefixes of values; this only cuts pathological ones
	stringType    = "String"
	marker        = "true" // the value of original_truncated and original_escaped
)

// reject quarantines a message. The message counts as handled only once the quarantine queue has it.
func (r *Router) reject(ctx context.Context, it item, rej *tenant.Rejection) (outcome, error) {
	in := r.quarantineMessage(it, rej)

	// The detail quotes parts of untrusted values, so it goes to the quarantine message only, never to a log line.
	logAttrs := func(reason string, extra ...slog.Attr) []slog.Attr {
		attrs := []slog.Attr{
			requestAttr(ctx),
			slog.String("messageId", it.messageID),
			slog.String("source", it.src.name),
			slog.String("reason", reason),
		}
		for _, k := range []string{AttrOriginalTruncated, AttrOriginalEscaped} {
			if _, ok := in.MessageAttributes[k]; ok {
				attrs = append(attrs, slog.Bool(k, true))
			}
		}
		return append(attrs, extra...)
	}
	if _, err := r.snd.SendMessage(ctx, in); err != nil {
		r.log.LogAttrs(ctx, slog.LevelError, "message failed", logAttrs("quarantine_failed",
			slog.String("rejection", string(rej.Reason)), slog.String("error", err.Error()))...)
		return outcomeFailed, fmt.Errorf("router: quarantining message %s (%s): %w", it.messageID, rej.Reason, err)
	}
	r.log.LogAttrs(ctx, slog.LevelWarn, "message quarantined", logAttrs(string(rej.Reason))...)
	return outcomeQuarantined, nil
}

// quarantineMessage builds the quarantine message.
func (r *Router) quarantineMessage(it item, rej *tenant.Rejection) *sqs.SendMessageInput {
	return r.message(r.quarantineURL, r.fifoQuarantine, it, rej, nil)
}

// attr is a String message attribute; one with an empty value is left out.
type attr struct{ name, value string }

// message builds a quarantine or held message for queueURL, which always fits MaxSQSMessage. The original body and
// its attributes get what the reason attributes and extra leave; when they do not fit whole, the truncation
// attributes say so, the body is kept first (cut at a character boundary when it alone is too big), then whole
// attributes in name order. Characters SQS refuses in the body are escaped first, and said so too.
func (r *Router) message(queueURL string, fifo bool, it item, rej *tenant.Rejection, extra []attr) *sqs.SendMessageInput {
	in := &sqs.SendMessageInput{
		QueueUrl:          aws.String(queueURL),
		MessageAttributes: map[string]sqstypes.MessageAttributeValue{},
	}
	put := func(k, v string) {
		if v != "" { // SQS refuses empty attribute values
			in.MessageAttributes[k] = sqstypes.MessageAttributeValue{DataType: aws.String(stringType), StringValue: aws.String(v)}
		}
	}
	put(AttrReason, string(rej.Reason))
	put(AttrSource, it.src.name)
	put(AttrDetail, cut(rej.Detail, maxDetail))
	put(AttrOriginalMessageID, it.messageID)
	for _, a := range extra {
		put(a.name, a.value)
	}

	describe := func() {
		sum := sha256.Sum256([]byte(it.body))
		put(AttrOriginalSize, strconv.Itoa(originalSize(it)))
		put(AttrOriginalSHA256, hex.EncodeToString(sum[:]))
	}
	body, escaped := sqsEscape(it.body)
	if escaped {
		put(AttrOriginalEscaped, marker)
		describe()
	}
	// room is what the original may take; original_attributes costs its name and type on top of its value.
	room := MaxSQSMessage - sqsSize(in)
	overhead := attrCost(AttrOriginalAttributes, "")
	attrs, complete := renderAttributes(it.attrs, room-len(body)-overhead)
	if !complete || len(body) > room {
		put(AttrOriginalTruncated, marker)
		describe()
		room = MaxSQSMessage - sqsSize(in)
		body = cut(body, room)
		attrs, _ = renderAttributes(it.attrs, room-len(body)-overhead)
	}
	in.MessageBody = aws.String(body)
	put(AttrOriginalAttributes, attrs)

	if fifo {
		// A FIFO quarantine queue needs a group; the dedup ID makes a redelivered reject idempotent.
		group := it.groupID
		if group == "" {
			group = it.src.name
		}
		sum := sha256.Sum256([]byte(it.src.name + "\x00" + it.messageID + "\x00" + it.body))
		in.MessageGroupId = aws.String(group)
		in.MessageDeduplicationId = aws.String(hex.EncodeToString(sum[:]))
	}
	return in
}

// sqsSize is the size SQS counts for a message: its body and every attribute's name, data type and value.
func sqsSize(in *sqs.SendMessageInput) int {
	n := len(aws.ToString(in.MessageBody))
	for k, v := range in.MessageAttributes {
		n += len(k) + len(aws.ToString(v.DataType)) + len(aws.ToString(v.StringValue)) + len(v.BinaryValue)
	}
	return n
}

// attrCost is what a String attribute counts against the message size.
func attrCost(name, value string) int { return len(name) + len(stringType) + len(value) }

// originalSize is the size SQS counted for the original message: its body and its attributes' names, types and values.
func originalSize(it item) int {
	n := len(it.body)
	for k, a := range it.attrs {
		n += len(k) + len(a.DataType) + len(aws.ToString(a.StringValue)) + len(a.BinaryValue)
	}
	return n
}

// cut returns the longest prefix of s of at most n bytes that ends on a character boundary.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// renderAttributes renders the string values of a message's attributes as a JSON object, in name order and without
// HTML escaping (json.Marshal would write each '<' as 6 bytes). It keeps whole attributes while the object fits in
// limit bytes and reports whether it kept them all (a Binary attribute is never kept). It returns "" when there is
// nothing to render.
func renderAttributes(attrs map[string]events.SQSMessageAttribute, limit int) (string, bool) {
	names := make([]string, 0, len(attrs))
	complete := true
	for k, a := range attrs {
		if a.StringValue != nil && (strings.HasPrefix(a.DataType, "String") || strings.HasPrefix(a.DataType, "Number")) {
			names = append(names, k)
		} else {
			complete = false // a Binary attribute has no string to copy
		}
	}
	if len(names) == 0 {
		return "", complete
	}
	slices.Sort(names)
	var out, entry bytes.Buffer
	enc := json.NewEncoder(&entry)
	enc.SetEscapeHTML(false)
	out.WriteByte('{')
	for _, k := range names {
		entry.Reset()
		_ = enc.Encode(k) // strings always encode
		entry.Truncate(entry.Len() - 1)
		entry.WriteByte(':')
		_ = enc.Encode(*attrs[k].StringValue)
		entry.Truncate(entry.Len() - 1)
		sep := 0
		if out.Len() > 1 {
			sep = 1
		}
		if out.Len()+sep+entry.Len()+1 > limit {
			complete = false
			continue
		}
		if sep == 1 {
			out.WriteByte(',')
		}
		out.Write(entry.Bytes())
	}
	if out.Len() == 1 {
		return "", complete
	}
	out.WriteByte('}')
	return out.String(), complete
}
