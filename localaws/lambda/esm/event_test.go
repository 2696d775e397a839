package esm

import (
	"encoding/json"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBatchFailures(t *testing.T) {
	records := []events.SQSMessage{{MessageId: "a"}, {MessageId: "b"}, {MessageId: "c"}}
	tests := []struct {
		name   string
		out    string
		ok     bool
		failed []string
	}{
		{name: "empty response is a complete success", out: "", ok: true},
		{name: "null response is a complete success", out: "null", ok: true},
		{name: "empty object is a complete success", out: "{}", ok: true},
		{name: "null list is a complete success", out: `{"batchItemFailures":null}`, ok: true},
		{name: "empty list is a complete success", out: `{"batchItemFailures":[]}`, ok: true},
		{name: "listed records fail", out: `{"batchItemFailures":[{"itemIdentifier":"b"},{"itemIdentifier":"c"}]}`,
			ok: true, failed: []string{"b", "c"}},
		{name: "invalid JSON fails the batch", out: `{"batchItemFailures":[`},
		{name: "a JSON string fails the batch", out: `"done"`},
		{name: "empty itemIdentifier fails the batch", out: `{"batchItemFailures":[{"itemIdentifier":""}]}`},
		{name: "null itemIdentifier fails the batch", out: `{"batchItemFailures":[{"itemIdentifier":null}]}`},
		{name: "bad key name fails the batch", out: `{"batchItemFailures":[{"ItemIdentifier":"a"}]}`},
		{name: "unknown message ID fails the batch", out: `{"batchItemFailures":[{"itemIdentifier":"zz"}]}`},
		{name: "non-string itemIdentifier fails the batch", out: `{"batchItemFailures":[{"itemIdentifier":7}]}`},
		{name: "list of non-objects fails the batch", out: `{"batchItemFailures":["a"]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			failed, ok, reason := batchFailures([]byte(tt.out), records)
			assert.Equal(t, tt.ok, ok, reason)
			var got []string
			for _, r := range records {
				if failed[r.MessageId] {
					got = append(got, r.MessageId)
				}
			}
			assert.Equal(t, tt.failed, got)
		})
	}
}

func TestToRecordJSONIsWhatLambdaSends(t *testing.T) {
	msg := types.Message{
		MessageId: aws.String("m-1"), ReceiptHandle: aws.String("rh"), Body: aws.String("hello"),
		MD5OfBody: aws.String("5d41402abc4b2a76b9719d911017c592"), MD5OfMessageAttributes: aws.String("abc"),
		Attributes: map[string]string{"ApproximateReceiveCount": "1", "MessageGroupId": "g"},
		MessageAttributes: map[string]types.MessageAttributeValue{
			"tenantId": {DataType: aws.String("String"), StringValue: aws.String("t1")},
			"blob":     {DataType: aws.String("Binary"), BinaryValue: []byte{1, 2}},
		},
	}
	b, err := json.Marshal(toRecord(msg, "arn:aws:sqs:us-east-1:000000000000:q", "us-east-1"))
	require.NoError(t, err)
	assert.JSONEq(t, `{
		"messageId":"m-1","receiptHandle":"rh","body":"hello",
		"md5OfBody":"5d41402abc4b2a76b9719d911017c592","md5OfMessageAttributes":"abc",
		"attributes":{"ApproximateReceiveCount":"1","MessageGroupId":"g"},
		"messageAttributes":{
			"tenantId":{"stringValue":"t1","stringListValues":[],"binaryListValues":[],"dataType":"String"},
			"blob":{"binaryValue":"AQI=","stringListValues":[],"binaryListValues":[],"dataType":"Binary"}},
		"eventSource":"aws:sqs","eventSourceARN":"arn:aws:sqs:us-east-1:000000000000:q","awsRegion":"us-east-1"}`,
		string(b))
}
