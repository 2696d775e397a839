package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/lambda/faults"
)

func TestAccountedFor(t *testing.T) {
	sent := []Sent{{MessageID: "m1"}, {MessageID: "m2"}}
	bad := []Bad{{MessageID: "x1"}}
	tests := []struct {
		name string
		o    Outcome
		want bool
	}{
		{"nothing read yet", Outcome{}, false},
		{"all ran, bad quarantined", Outcome{Evidence: []Evidence{{MessageID: "m1"}, {MessageID: "m2"}},
			Quarantine: []Quarantined{{OriginalMessageID: "x1"}}}, true},
		{"one parked instead of run", Outcome{Evidence: []Evidence{{MessageID: "m1"}}, Parked: []Parked{{MessageID: "m2"}},
			Quarantine: []Quarantined{{OriginalMessageID: "x1"}}}, true},
		{"bad one not yet quarantined", Outcome{Evidence: []Evidence{{MessageID: "m1"}, {MessageID: "m2"}}}, false},
		{"a valid one missing, whatever else arrived", Outcome{Evidence: []Evidence{{MessageID: "m1"}, {MessageID: "m1"}, {MessageID: "zz"}},
			Quarantine: []Quarantined{{OriginalMessageID: "x1"}}}, false},
	}
	for _, tt := range tests {
		if got := accountedFor(&tt.o, sent, bad); got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
}

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

// soakReport builds a report from synthetic data the way Soak does.
func soakReport(in Input, injected bool) SoakReport {
	r := SoakReport{Report: Analyze(in), Target: "aws", Tenants: 2, Injected: injected, Poison: 1, Spoofed: 1,
		SentVia: map[string]int{ViaSQSAttribute: 3, ViaSQSBody: 1, ViaEventBridge: 1}}
	r.Sent = len(in.Sent) + len(in.Bad)
	if injected {
		r.Target = "localaws"
		r.Faults = map[string]faults.Stats{"backend": {Invocations: 5, Errors: 2}, "router": {Invocations: 3, Kills: 1}}
	}
	return r
}

func TestSoakTable(t *testing.T) {
	sent := []Sent{{MessageID: "m1", Tenant: "a", Via: ViaSQSAttribute}, {MessageID: "m2", Tenant: "a", Via: ViaSQSBody},
		{MessageID: "m3", Tenant: "b", Via: ViaEventBridge}}
	bad := []Bad{{MessageID: "x1", Kind: "body not JSON", WantReason: "malformed"}, {MessageID: "x2", Kind: "spoofed", WantReason: "tenant_mismatch"}}
	quarantine := []Quarantined{{OriginalMessageID: "x1", Reason: "malformed"}, {OriginalMessageID: "x2", Reason: "tenant_mismatch"},
		{OriginalMessageID: "x2", Reason: "tenant_mismatch"}}
	evidence := []Evidence{ev("m1", "a", "e1", 10, true), ev("m1", "a", "e1", 10, false), ev("m2", "a", "e2", 11, true)}
	parked := []Parked{{MessageID: "m3", Queue: QueueOnFailure}}

	tests := []struct {
		name     string
		r        SoakReport
		ok       bool
		contains []string
	}{
		{"faults injected, all accounted for", soakReport(Input{Sent: sent, Bad: bad, Evidence: evidence, Quarantine: quarantine,
			Parked: parked, Faulty: true}, true), true, []string{
			"SOAK on localaws: 5 messages over 2 tenants",
			"backend error_rate 0.10, router environment killed once mid-batch",
			"(SQS attribute 3, SQS body 1, EventBridge 1; 3 valid, 1 poison, 1 spoofed)",
			"processed (once per id)           2",
			"duplicates                        1",
			"retried                           3  (failed attempts injected: backend errors 2 of 5 invocations, router kills 1)",
			"in DLQ                            1  (on-failure 1, source DLQ 0, EventBridge DLQ 0)",
			"in quarantine                     2  (malformed 1, tenant_mismatch 1)",
			"lost                              0",
			"cross-tenant executions           0",
			"OK: nothing lost"}},
		{"on AWS the table says no faults were injected", soakReport(Input{Sent: sent[:2], Bad: bad, Evidence: evidence[1:],
			Quarantine: quarantine[:2]}, false), true, []string{"faults injected: none: TEST_TARGET=aws cannot inject faults",
			"retried                         n/a  (no faults injected)"}},
		{"a loss, a cross-tenant run and a wrong reason fail", soakReport(Input{Sent: sent, Bad: bad, Faulty: true,
			Evidence:   []Evidence{ev("m1", "b", "e1", 10, true), ev("m2", "a", "e2", 11, true)},
			Quarantine: []Quarantined{{OriginalMessageID: "x1", Reason: "invalid_tenant"}, {OriginalMessageID: "x2", Reason: "tenant_mismatch"}}},
			true), false, []string{
			"lost                              1", "cross-tenant executions           1", "FAILED: 3 violations",
			"m1 sent for tenant \"a\" ran as tenant \"b\"", "m3 for tenant \"b\" (eventbridge) was never processed",
			"quarantined as \"invalid_tenant\", want \"malformed\""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := tt.r.Table()
			if tt.r.OK() != tt.ok {
				t.Errorf("OK() = %v, want %v; violations %v", tt.r.OK(), tt.ok, tt.r.Violations)
			}
			for _, want := range tt.contains {
				if !strings.Contains(out, want) {
					t.Errorf("table lacks %q:\n%s", want, out)
				}
			}
			for _, line := range strings.Split(out, "\n") {
				if strings.TrimRight(line, " ") != line {
					t.Errorf("trailing space in %q", line)
				}
			}
		})
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
