package router

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"

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
)

// reject quarantines a message. The message counts as handled only once the quarantine queue has it.
func (r *Router) reject(ctx context.Context, it item, rej *tenant.Rejection) (outcome, error) {
	in := &sqs.SendMessageInput{
		QueueUrl:          aws.String(r.quarantineURL),
		MessageBody:       aws.String(it.body),
		MessageAttributes: map[string]sqstypes.MessageAttributeValue{},
	}
	put := func(k, v string) {
		if v != "" { // SQS refuses empty attribute values
			in.MessageAttributes[k] = sqstypes.MessageAttributeValue{DataType: aws.String("String"), StringValue: aws.String(v)}
		}
	}
	put(AttrReason, string(rej.Reason))
	put(AttrSource, it.src.name)
	put(AttrDetail, rej.Detail)
	put(AttrOriginalMessageID, it.messageID)
	if orig := originalAttributes(it); orig != "" {
		put(AttrOriginalAttributes, orig)
	}
	if r.fifoQuarantine {
		// A FIFO quarantine queue needs a group; the dedup ID makes a redelivered reject idempotent.
		group := it.groupID
		if group == "" {
			group = it.src.name
		}
		sum := sha256.Sum256([]byte(it.src.name + "\x00" + it.messageID + "\x00" + it.body))
		in.MessageGroupId = aws.String(group)
		in.MessageDeduplicationId = aws.String(hex.EncodeToString(sum[:]))
	}

	// The detail quotes parts of untrusted values, so it goes to the quarantine message only, never to a log line.
	logAttrs := func(reason string, extra ...slog.Attr) []slog.Attr {
		return append([]slog.Attr{
			requestAttr(ctx),
			slog.String("messageId", it.messageID),
			slog.String("source", it.src.name),
			slog.String("reason", reason),
		}, extra...)
	}
	if _, err := r.snd.SendMessage(ctx, in); err != nil {
		r.log.LogAttrs(ctx, slog.LevelError, "message failed", logAttrs("quarantine_failed",
			slog.String("rejection", string(rej.Reason)), slog.String("error", err.Error()))...)
		return outcomeFailed, fmt.Errorf("router: quarantining message %s (%s): %w", it.messageID, rej.Reason, err)
	}
	r.log.LogAttrs(ctx, slog.LevelWarn, "message quarantined", logAttrs(string(rej.Reason))...)
	return outcomeQuarantined, nil
}

// originalAttributes renders the string values of the message's attributes as a JSON object, or "" when it has none.
func originalAttributes(it item) string {
	if len(it.attrs) == 0 {
		return ""
	}
	m := make(map[string]string, len(it.attrs))
	for k, a := range it.attrs {
		if a.StringValue != nil && (strings.HasPrefix(a.DataType, "String") || strings.HasPrefix(a.DataType, "Number")) {
			m[k] = *a.StringValue
		}
	}
	if len(m) == 0 {
		return ""
	}
	b, err := json.Marshal(m)
	if err != nil {
		return ""
	}
	return string(b)
}
