package traffic

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
)

func TestSoakConfigValidate(t *testing.T) {
	for _, tt := range []struct {
		cfg  SoakConfig
		want string
	}{
		{SoakConfig{Messages: 300, Tenants: 50}, ""},
		{SoakConfig{Messages: 10, Tenants: 50}, "50 tenants need at least as many messages"},
		{SoakConfig{Messages: 300, Tenants: 50, Workers: 65}, "workers must be from 1 to 64"},
		{SoakConfig{Messages: 300, Tenants: 50, Timeout: -time.Second}, "timeout must not be negative"},
	} {
		err := tt.cfg.Validate()
		if (err == nil) != (tt.want == "") || (err != nil && !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("%+v: got %v, want %q", tt.cfg, err, tt.want)
		}
	}
}

func TestQueuesIdle(t *testing.T) {
	c := startQueues(t)
	ctx := context.Background()
	url, _ := createQueue(t, c, "source")
	idle := func() bool {
		t.Helper()
		ok, err := queuesIdle(ctx, c, url)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if !idle() {
		t.Fatal("an empty queue is idle")
	}
	send(t, c, url, "{}", nil)
	if idle() {
		t.Fatal("a queue with a waiting message is not idle")
	}
	out, err := c.SQS.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(url), VisibilityTimeout: 30})
	if err != nil || len(out.Messages) != 1 {
		t.Fatalf("receive: %v, %d messages", err, len(out.Messages))
	}
	if idle() {
		t.Fatal("a queue with a message in flight is not idle")
	}
	if _, err := c.SQS.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(url), ReceiptHandle: out.Messages[0].ReceiptHandle}); err != nil {
		t.Fatal(err)
	}
	if !idle() {
		t.Fatal("a drained queue is idle")
	}
	if _, err := queuesIdle(ctx, c, url+"-gone"); err == nil {
		t.Fatal("a missing queue is an error")
	}
}
