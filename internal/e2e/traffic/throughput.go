package traffic

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/e2e/verdict"
)

// Throughput sends messages valid SQS messages over tenants through a deployed
// examples/complete, waits for every evidence record, and measures. It fails when a
// message was lost or duplicated or isolation broke: a fast wrong answer is no figure.
func Throughput(ctx context.Context, target Target, stack Stack, messages, tenants, workers int, timeout time.Duration) (verdict.ThroughputResult, error) {
	r := verdict.ThroughputResult{Messages: messages, Tenants: tenants}
	load := Load{Messages: messages, Tenants: tenants}
	if err := load.Validate(); err != nil {
		return r, err
	}
	c := NewClients(target.AWSConfig())

	start := time.Now()
	sent, _, err := SendLoad(ctx, c, stack, load, workers, nil)
	if err != nil {
		return r, err
	}
	r.SendTime = time.Since(start)
	// Count the evidence without reading it, so that the measurement does not compete
	// with its own collection; the end comes from the records' timestamps anyway.
	if err := waitForMessages(ctx, c, stack.EvidenceQueueURL, messages, timeout); err != nil {
		return r, err
	}
	envs, err := target.Environments(ctx)
	if err != nil {
		return r, err
	}
	for _, e := range envs {
		if e.FunctionName == stack.BackendFunction {
			r.RSSKB = append(r.RSSKB, e.RSSKB)
		}
	}
	out, err := Collect(ctx, c, stack, func(o *verdict.Outcome) (bool, error) { return len(o.Evidence) >= messages, nil }, timeout)
	if err != nil {
		return r, err
	}
	r.Report = verdict.Analyze(verdict.Input{Sent: sent, Evidence: out.Evidence, Quarantine: out.Quarantine, Parked: out.Parked,
		Environments: envs, Backend: stack.BackendFunction})
	if !r.Report.OK() {
		return r, fmt.Errorf("%w: %v", verdict.ErrIsolation, r.Report.Violations)
	}
	r.Measure(start, out.Evidence)
	return r, nil
}

// waitForMessages polls the queue's counters until it holds at least n messages.
func waitForMessages(ctx context.Context, c Clients, url string, n int, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	got := 0
	for time.Now().Before(deadline) {
		out, err := c.SQS.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(url),
			AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameApproximateNumberOfMessages,
				sqstypes.QueueAttributeNameApproximateNumberOfMessagesNotVisible}})
		if err != nil {
			return fmt.Errorf("attributes of %s: %w", url, err)
		}
		got = 0
		for _, v := range out.Attributes {
			k, _ := strconv.Atoi(v)
			got += k
		}
		if got >= n {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
	return fmt.Errorf("after %s: %d of %d messages in %s", timeout, got, n, url)
}
