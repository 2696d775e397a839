package e2e

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// ThroughputResult is one end-to-end throughput run: SQS send to backend completion.
type ThroughputResult struct {
	Messages int
	Tenants  int
	SendTime time.Duration // until the last SendMessageBatch returned
	// Elapsed runs from the first send to the last evidence record, which the worker
	// writes at the end of its invocation (the record's SentTimestamp, in ms).
	Elapsed time.Duration
	// ColdStarts per tenant, from the worker's records.
	ColdStarts map[string]int
	// RSSKB is the resident memory of each live backend environment, from localaws's
	// table right after the run; nil on AWS.
	RSSKB  []int
	Report Report
}

// PerSecond is the end-to-end rate.
func (r ThroughputResult) PerSecond() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Messages) / r.Elapsed.Seconds()
}

// ColdStartsPerTenant is the mean number of cold starts a tenant saw.
func (r ThroughputResult) ColdStartsPerTenant() float64 {
	n := 0
	for _, c := range r.ColdStarts {
		n += c
	}
	return float64(n) / float64(max(r.Tenants, 1))
}

// RSSStats is the mean and largest resident memory per backend environment, in KB.
func (r ThroughputResult) RSSStats() (mean, largest int) {
	if len(r.RSSKB) == 0 {
		return 0, 0
	}
	sum := 0
	for _, kb := range r.RSSKB {
		sum += kb
		largest = max(largest, kb)
	}
	return sum / len(r.RSSKB), largest
}

// String summarises the run.
func (r ThroughputResult) String() string {
	mean, largest := r.RSSStats()
	counts := make([]int, 0, len(r.ColdStarts))
	for _, c := range r.ColdStarts {
		counts = append(counts, c)
	}
	sort.Ints(counts)
	spread := "n/a"
	if len(counts) > 0 {
		spread = fmt.Sprintf("%d-%d", counts[0], counts[len(counts)-1])
	}
	return fmt.Sprintf("%d messages over %d tenants: %.0f msg/s (%s end to end, sent in %s); cold starts per tenant %.1f (%s); "+
		"%d backend environments, resident memory %d KB mean, %d KB largest",
		r.Messages, r.Tenants, r.PerSecond(), r.Elapsed.Round(time.Millisecond), r.SendTime.Round(time.Millisecond),
		r.ColdStartsPerTenant(), spread, len(r.RSSKB), mean, largest)
}

// Throughput sends messages valid SQS messages over tenants through a deployed
// examples/complete, waits for every evidence record, and measures. It fails when a
// message was lost or duplicated or isolation broke: a fast wrong answer is no figure.
func Throughput(ctx context.Context, target *Target, stack Stack, messages, tenants, workers int, timeout time.Duration) (ThroughputResult, error) {
	r := ThroughputResult{Messages: messages, Tenants: tenants}
	load := Load{Messages: messages, Tenants: tenants}
	if err := load.Validate(); err != nil {
		return r, err
	}
	cfg, err := target.AWSConfig(ctx)
	if err != nil {
		return r, err
	}
	c := NewClients(cfg)

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
	out, err := Collect(ctx, c, stack, func(o *Outcome) (bool, error) { return len(o.Evidence) >= messages, nil }, timeout)
	if err != nil {
		return r, err
	}
	r.Report = Analyze(Input{Sent: sent, Evidence: out.Evidence, Quarantine: out.Quarantine, Parked: out.Parked,
		Environments: envs, Backend: stack.BackendFunction})
	if !r.Report.OK() {
		return r, fmt.Errorf("%w: %v", ErrIsolation, r.Report.Violations)
	}
	r.ColdStarts = map[string]int{}
	var last time.Time
	for _, e := range out.Evidence {
		if e.ColdStart {
			r.ColdStarts[e.TenantID]++
		}
		if e.SentAt.After(last) {
			last = e.SentAt
		}
	}
	r.Elapsed = last.Sub(start)
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
