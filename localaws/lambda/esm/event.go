package esm

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// eventEnvelope is the size of `{"Records":[]}`, what an event costs beyond its records.
const eventEnvelope = len(`{"Records":[]}`)

// toRecord converts a received message into the record Lambda hands the function.
func toRecord(msg types.Message, sourceARN, region string) events.SQSMessage {
	attrs := make(map[string]string, len(msg.Attributes))
	for k, v := range msg.Attributes {
		attrs[k] = v
	}
	mattrs := make(map[string]events.SQSMessageAttribute, len(msg.MessageAttributes))
	for name, v := range msg.MessageAttributes {
		a := events.SQSMessageAttribute{
			StringValue: v.StringValue,
			BinaryValue: v.BinaryValue,
			DataType:    aws.ToString(v.DataType),
			// Lambda always sends both lists, empty rather than null.
			StringListValues: v.StringListValues,
			BinaryListValues: v.BinaryListValues,
		}
		if a.StringListValues == nil {
			a.StringListValues = []string{}
		}
		if a.BinaryListValues == nil {
			a.BinaryListValues = [][]byte{}
		}
		mattrs[name] = a
	}
	return events.SQSMessage{
		MessageId:              aws.ToString(msg.MessageId),
		ReceiptHandle:          aws.ToString(msg.ReceiptHandle),
		Body:                   aws.ToString(msg.Body),
		Md5OfBody:              aws.ToString(msg.MD5OfBody),
		Md5OfMessageAttributes: aws.ToString(msg.MD5OfMessageAttributes),
		Attributes:             attrs,
		MessageAttributes:      mattrs,
		EventSourceARN:         sourceARN,
		EventSource:            "aws:sqs",
		AWSRegion:              region,
	}
}

// recordSize is what a record adds to the invoke payload, its separating comma included.
func recordSize(rec events.SQSMessage) int {
	b, err := json.Marshal(rec)
	if err != nil {
		return 0 // the types hold only strings, maps and byte slices: Marshal cannot fail
	}
	return len(b) + 1
}

// batchFailures reads a ReportBatchItemFailures response. It returns the message IDs to
// keep in the queue, or ok=false when Lambda treats the whole batch as failed: invalid
// JSON, or an item whose itemIdentifier is missing, null, empty, not a string or not the
// ID of a record in the batch. A null or empty response, or a null or empty list, is a
// complete success.
func batchFailures(out []byte, records []events.SQSMessage) (failed map[string]bool, ok bool, reason string) {
	out = bytes.TrimSpace(out)
	if len(out) == 0 || bytes.Equal(out, []byte("null")) {
		return nil, true, ""
	}
	// Decoded by hand: encoding/json matches keys case-insensitively, Lambda does not.
	var top map[string]json.RawMessage
	if err := json.Unmarshal(out, &top); err != nil {
		return nil, false, "response is not a JSON object"
	}
	raw, present := top["batchItemFailures"]
	if !present {
		return nil, true, ""
	}
	var items []map[string]json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		return nil, false, "batchItemFailures is not a list of objects"
	}
	known := make(map[string]bool, len(records))
	for _, r := range records {
		known[r.MessageId] = true
	}
	failed = map[string]bool{}
	for i, item := range items {
		var id string
		if err := json.Unmarshal(item["itemIdentifier"], &id); err != nil || id == "" {
			return nil, false, fmt.Sprintf("batchItemFailures[%d] has no itemIdentifier string", i)
		}
		if !known[id] {
			return nil, false, fmt.Sprintf("batchItemFailures[%d] names %q, which is not in the batch", i, id)
		}
		failed[id] = true
	}
	return failed, true, ""
}
