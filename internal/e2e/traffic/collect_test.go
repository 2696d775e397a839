package traffic

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/e2e/verdict"
)

func send(t *testing.T, c Clients, url, body string, attrs map[string]string) string {
	t.Helper()
	in := &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String(body)}
	if len(attrs) > 0 {
		in.MessageAttributes = map[string]sqstypes.MessageAttributeValue{}
		for k, v := range attrs {
			in.MessageAttributes[k] = sqstypes.MessageAttributeValue{DataType: aws.String("String"), StringValue: aws.String(v)}
		}
	}
	out, err := c.SQS.SendMessage(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.MessageId)
}

func outputStack(t *testing.T, c Clients) Stack {
	var s Stack
	s.EvidenceQueueURL, _ = createQueue(t, c, "evidence")
	s.QuarantineQueueURL, _ = createQueue(t, c, "quarantine")
	s.DLQURL, _ = createQueue(t, c, "dlq")
	s.EventBridgeDLQURL, _ = createQueue(t, c, "events-dlq")
	s.OnFailureQueueURL, _ = createQueue(t, c, "on-failure")
	return s
}

// TestCollect fills every output queue the way the stack does and reads it back.
func TestCollect(t *testing.T) {
	c := startQueues(t)
	s := outputStack(t, c)
	for i := range 25 {
		send(t, c, s.EvidenceQueueURL, fmt.Sprintf(`{"tenant_id":"acme","environment_id":"e1","invocation_seq":%d,`+
			`"cold_start":false,"source":"orders","message_id":"m%d","pid":7}`, i+1, i), nil)
	}
	send(t, c, s.QuarantineQueueURL, "not json", map[string]string{"original_message_id": "x1",
		"quarantine_reason": "malformed", "quarantine_source": "orders", "quarantine_detail": "body_pointer: not JSON"})
	dlqID := send(t, c, s.DLQURL, `{"tenantId":"acme"}`, nil)
	send(t, c, s.EventBridgeDLQURL, `{"id":"ev-1","source":"x","detail":{}}`, map[string]string{"ERROR_CODE": "SQSError",
		"ERROR_MESSAGE": "queue gone"})
	send(t, c, s.EventBridgeDLQURL, `{"id":"ev-2","source":"x","detail":{}}`, nil)
	send(t, c, s.OnFailureQueueURL, `{"version":"1.0","requestContext":{"condition":"RetriesExhausted","approximateInvokeCount":3},`+
		`"requestPayload":{"tenant_id":"acme","source":"orders","message_id":"m-failed","body":"{}"},`+
		`"responsePayload":{"errorType":"localaws.InjectedFault","errorMessage":"injected"}}`, nil)

	before := time.Now().Add(-time.Minute)
	out, err := Collect(context.Background(), c, s, func(o *verdict.Outcome) (bool, error) {
		return len(o.Evidence) >= 25 && len(o.Quarantine) >= 1 && len(o.Parked) >= 4, nil
	}, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Evidence) != 25 || out.Evidence[0].TenantID != "acme" || out.Evidence[0].PID != 7 || out.Evidence[0].SentAt.Before(before) {
		t.Errorf("evidence: %d records, first %+v", len(out.Evidence), out.Evidence[0])
	}
	if len(out.Quarantine) != 1 || out.Quarantine[0] != (verdict.Quarantined{OriginalMessageID: "x1", Reason: "malformed", Source: "orders",
		Detail: "body_pointer: not JSON"}) {
		t.Errorf("quarantine: %+v", out.Quarantine)
	}
	parked := map[string]verdict.Parked{}
	for _, p := range out.Parked {
		parked[p.MessageID] = p
	}
	for id, want := range map[string]string{dlqID: verdict.QueueSourceDLQ + "|maxReceiveCount", "ev-1": verdict.QueueEventBridgeDLQ + "|SQSError queue gone",
		"ev-2": verdict.QueueEventBridgeDLQ + "|buffer queue redrive", "m-failed": verdict.QueueOnFailure + "|RetriesExhausted after 3 invokes, last error \"localaws.InjectedFault\""} {
		queue, detail, _ := strings.Cut(want, "|")
		if p := parked[id]; p.Queue != queue || !strings.Contains(p.Detail, detail) {
			t.Errorf("parked %s = %+v, want queue %q and detail with %q", id, p, queue, detail)
		}
	}
	if idle, err := queuesIdle(context.Background(), c, s.EvidenceQueueURL, s.OnFailureQueueURL, s.EventBridgeDLQURL); err != nil || !idle {
		t.Errorf("queues must be drained: idle %v, err %v", idle, err)
	}
}

func TestCollectFails(t *testing.T) {
	t.Run("a record it cannot read", func(t *testing.T) {
		c := startQueues(t)
		s := outputStack(t, c)
		send(t, c, s.OnFailureQueueURL, `{"requestPayload":"not the envelope"}`, nil)
		_, err := Collect(context.Background(), c, s, func(*verdict.Outcome) (bool, error) { return false, nil }, time.Minute)
		if err == nil || !strings.Contains(err.Error(), "is not an invocation record") {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("timeout", func(t *testing.T) {
		c := startQueues(t)
		s := outputStack(t, c)
		_, err := Collect(context.Background(), c, s, func(*verdict.Outcome) (bool, error) { return false, nil }, time.Second)
		if err == nil || !strings.Contains(err.Error(), "still incomplete after 1s") {
			t.Fatalf("got %v", err)
		}
	})
}
