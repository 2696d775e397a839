package traffic

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/e2e/verdict"
)

func TestLoadPlan(t *testing.T) {
	tests := []struct {
		load                              Load
		poison, spoofed, eventBridgeValid int
	}{
		{Load{Messages: 10000, Tenants: 50, Bad: true, EventBridge: true}, 500, 500, 3000},
		{Load{Messages: 300, Tenants: 50, Bad: true, EventBridge: true}, 15, 15, 90},
		{Load{Messages: 5000, Tenants: 50}, 0, 0, 0},
		{Load{Messages: 41, Tenants: 3, Bad: true}, 3, 2, 0},
	}
	for _, tt := range tests {
		plan := tt.load.plan()
		if len(plan) != tt.load.Messages {
			t.Fatalf("%+v: %d messages planned", tt.load, len(plan))
		}
		var poison, spoofed, ebValid int
		tenants := map[string]bool{}
		vias := map[string]int{}
		for _, m := range plan {
			tenants[m.tenant] = true
			vias[m.via]++
			switch {
			case m.reason == "tenant_mismatch":
				spoofed++
				var body struct{ TenantID string }
				if err := json.Unmarshal([]byte(m.body), &body); err != nil || body.TenantID == "" || body.TenantID == m.attr {
					t.Errorf("spoofed message must name another tenant in its body than %q: %s", m.attr, m.body)
				}
			case m.reason != "":
				poison++
				if m.kind == "" || (m.reason != "malformed" && m.reason != "invalid_tenant") {
					t.Errorf("poison message with kind %q and reason %q", m.kind, m.reason)
				}
			case m.via == verdict.ViaEventBridge:
				ebValid++
			}
			if m.kind == "" && m.via != verdict.ViaSQSAttribute && !strings.Contains(m.body, `"tenantId":"`+m.tenant+`"`) {
				t.Errorf("valid %s message does not carry its tenant %q in the body: %s", m.via, m.tenant, m.body)
			}
			if m.kind == "" && m.via == verdict.ViaSQSAttribute && m.attr != m.tenant {
				t.Errorf("valid attribute message has attribute %q for tenant %q", m.attr, m.tenant)
			}
		}
		if poison != tt.poison || spoofed != tt.spoofed || ebValid != tt.eventBridgeValid {
			t.Errorf("%+v: %d poison, %d spoofed, %d valid EventBridge; want %d, %d, %d",
				tt.load, poison, spoofed, ebValid, tt.poison, tt.spoofed, tt.eventBridgeValid)
		}
		if len(tenants) != tt.load.Tenants {
			t.Errorf("%+v: %d tenants used", tt.load, len(tenants))
		}
		if vias[verdict.ViaSQSAttribute] == 0 || vias[verdict.ViaSQSBody] == 0 || (tt.load.EventBridge && vias[verdict.ViaEventBridge] == 0) ||
			(!tt.load.EventBridge && vias[verdict.ViaEventBridge] > 0) {
			t.Errorf("%+v: sources used %v", tt.load, vias)
		}
	}
}

func TestLoadValidate(t *testing.T) {
	for _, tt := range []struct {
		load Load
		want string
	}{
		{Load{Messages: 0, Tenants: 1}, "messages must be at least 1"},
		{Load{Messages: 10, Tenants: 0}, "tenants must be from 1 to 1000"},
		{Load{Messages: 10, Tenants: 1001}, "tenants must be from 1 to 1000"},
		{Load{Messages: 10, Tenants: 11}, "11 tenants need at least as many messages"},
		{Load{Messages: 10, Tenants: 10}, ""},
	} {
		err := tt.load.Validate()
		if (err == nil) != (tt.want == "") || (err != nil && !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("%+v: got %v, want %q", tt.load, err, tt.want)
		}
	}
}

// TestSendLoad sends a mixed load to localaws and reads it back: every returned id
// names a message that arrived where it was sent, carrying the planned tenant.
func TestSendLoad(t *testing.T) {
	c := startQueues(t)
	source, _ := createQueue(t, c, "orders")
	buffer := busToQueue(t, c, "events", "load.test")
	s := Stack{SourceQueueURL: source, EventBusName: "events", EventSource: "load.test", EventDetailType: DetailType}
	load := Load{Messages: 95, Tenants: 7, Bad: true, EventBridge: true}
	calls := 0
	sent, bad, err := SendLoad(context.Background(), c, s, load, 3, func() error { calls++; return nil })
	if err != nil {
		t.Fatal(err)
	}
	if calls != 1 || len(sent)+len(bad) != load.Messages {
		t.Fatalf("midway called %d times, %d sent and %d bad; want 1 and %d in all", calls, len(sent), len(bad), load.Messages)
	}

	type arrived struct{ attr, body string }
	got := map[string]arrived{}
	drain := func(url string, eventID bool) {
		for {
			out, err := c.SQS.ReceiveMessage(context.Background(), &sqs.ReceiveMessageInput{QueueUrl: aws.String(url),
				MaxNumberOfMessages: 10, WaitTimeSeconds: 1, MessageAttributeNames: []string{"All"}})
			if err != nil {
				t.Fatal(err)
			}
			if len(out.Messages) == 0 {
				return
			}
			for _, m := range out.Messages {
				id, a := aws.ToString(m.MessageId), arrived{attr: stringAttr(m, "tenantId"), body: aws.ToString(m.Body)}
				if eventID {
					var ev struct {
						ID     string          `json:"id"`
						Detail json.RawMessage `json:"detail"`
					}
					if err := json.Unmarshal([]byte(a.body), &ev); err != nil {
						t.Fatalf("buffer queue message is not an event: %s", a.body)
					}
					id, a.body = ev.ID, string(ev.Detail)
				}
				got[id] = a
			}
		}
	}
	// EventBridge delivers to the buffer queue in the background: drain again until
	// everything arrived or the deadline passed.
	for deadline := time.Now().Add(30 * time.Second); len(got) < load.Messages && time.Now().Before(deadline); {
		drain(source, false)
		drain(buffer, true)
	}

	for _, s := range sent {
		a, ok := got[s.MessageID]
		switch {
		case !ok:
			t.Errorf("%s message %s never arrived", s.Via, s.MessageID)
		case s.Via == verdict.ViaSQSAttribute && a.attr != s.Tenant:
			t.Errorf("message %s arrived with attribute %q, want %q", s.MessageID, a.attr, s.Tenant)
		case s.Via != verdict.ViaSQSAttribute && !strings.Contains(a.body, `"tenantId":"`+s.Tenant+`"`):
			t.Errorf("%s message %s arrived without tenant %q: %s", s.Via, s.MessageID, s.Tenant, a.body)
		}
	}
	for _, b := range bad {
		if _, ok := got[b.MessageID]; !ok {
			t.Errorf("%s message %s never arrived", b.Kind, b.MessageID)
		}
	}
	if len(got) != load.Messages {
		t.Errorf("%d messages arrived, want %d", len(got), load.Messages)
	}
}
