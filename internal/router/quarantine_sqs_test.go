package router

import (
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/config"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws"
)

// TestQuarantineIsAcceptedBySQS sends the quarantine messages of the size findings to a real SQS endpoint (localaws,
// which applies SQS's size accounting and character rules) and reads them back.
func TestQuarantineIsAcceptedBySQS(t *testing.T) {
	srv, err := localaws.New(localaws.Config{Addr: "127.0.0.1:0", Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	require.NoError(t, srv.Start())
	t.Cleanup(func() { _ = srv.Close() })
	client := sqs.New(sqs.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL()),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")})
	ctx := t.Context()
	q, err := client.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("quarantine")})
	require.NoError(t, err)

	cfg := testConfig(config.ModeAsync)
	cfg.QuarantineQueueURL = aws.ToString(q.QueueUrl)
	r, err := New(cfg, &fakeInvoker{}, client, slog.New(slog.DiscardHandler))
	require.NoError(t, err)

	records := []events.SQSMessage{spoofWithAttribute(), nearLimit(0), {MessageId: "m3", EventSourceARN: bufferARN,
		Body: `{"id":"a\u0000b\uffff","detail":{"tenantId":"Bad!"}}`}}
	records[1].MessageId = "m2"
	resp, err := r.HandleSQS(invocationCtx(t), events.SQSEvent{Records: records})
	require.NoError(t, err)
	require.Empty(t, resp.BatchItemFailures, "every quarantine send was accepted")
	require.NoError(t, r.HandleEvent(invocationCtx(t),
		[]byte("{\"id\":\"m4\",\"detail-type\":\"x\",\"detail\":{\"tenantId\":\"Bad!\",\"note\":\"\uffff\"}}")),
		"a direct event with a character SQS refuses is quarantined")
	records = append(records, events.SQSMessage{})

	got := map[string]map[string]string{}
	for len(got) < len(records) {
		out, err := client.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: q.QueueUrl,
			MaxNumberOfMessages: 10, MessageAttributeNames: []string{"All"}, WaitTimeSeconds: 1})
		require.NoError(t, err)
		for _, m := range out.Messages {
			a := map[string]string{}
			for k, v := range m.MessageAttributes {
				a[k] = aws.ToString(v.StringValue)
			}
			got[a[AttrOriginalMessageID]] = a
		}
		require.NoError(t, context.Cause(ctx))
	}
	assert.Equal(t, "tenant_mismatch", got["m1"][AttrReason])
	assert.True(t, strings.HasSuffix(got["m1"][AttrOriginalAttributes], `"x":"`+strings.Repeat("<", 200_000)+`"}`))
	assert.Equal(t, "true", got["m2"][AttrOriginalTruncated])
	assert.Equal(t, "malformed", got["m3"][AttrReason])
	assert.Equal(t, "true", got["m4"][AttrOriginalEscaped])
}
