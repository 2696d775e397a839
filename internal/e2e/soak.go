package e2e

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/lambda/faults"
)

// SoakRouterTimeout is the router_timeout the soak applies examples/complete with: the
// source queues then hide a received batch for 6 x 5 s, so the batch whose router was
// killed comes back after 30 s rather than 6 minutes.
const SoakRouterTimeout = 5

// Faults the soak injects on localaws.
const (
	soakBackendErrorRate = 0.10
	soakKillAfter        = 2 * time.Millisecond // into a router batch, so that part of it was handed off
)

// SoakConfig says what the soak sends.
type SoakConfig struct {
	Messages int
	Tenants  int
	Workers  int   // concurrent senders; 4 when 0
	Seed     int64 // of the injected faults' PRNG, so that a run can be repeated
	// Timeout bounds the wait for every message to be accounted for.
	Timeout time.Duration
}

// Validate says what is wrong with the config, if anything.
func (c SoakConfig) Validate() error {
	if err := (Load{Messages: c.Messages, Tenants: c.Tenants}).Validate(); err != nil {
		return err
	}
	if c.Workers < 0 || c.Workers > 64 {
		return fmt.Errorf("workers must be from 1 to 64 (0 for the default 4), got %d", c.Workers)
	}
	if c.Timeout < 0 {
		return fmt.Errorf("timeout must not be negative, got %s", c.Timeout)
	}
	return nil
}

// SoakReport is the soak's verdict: Analyze's, plus what was sent and injected.
type SoakReport struct {
	Report
	Target  string
	Tenants int
	// Injected is false on AWS, where localaws's faults do not exist.
	Injected bool
	Poison   int
	Spoofed  int
	SentVia  map[string]int          // every message, bad ones included, by how it was sent
	Faults   map[string]faults.Stats // what localaws injected, by role ("backend", "router")
	SendTime time.Duration
	Elapsed  time.Duration // from the first send until every message was accounted for
}

// Soak sends cfg's load over both sources of a deployed examples/complete (applied with
// router_timeout SoakRouterTimeout), with 5% poison and 5% spoofed messages. On
// localaws it also fails 10% of the backend's invocations and kills the router's
// environment once, a third of the way in. It then reads every output queue until
// each message is accounted for, and checks the run with Analyze.
func Soak(ctx context.Context, target *Target, stack Stack, cfg SoakConfig) (SoakReport, error) {
	if err := cfg.Validate(); err != nil {
		return SoakReport{}, err
	}
	load := Load{Messages: cfg.Messages, Tenants: cfg.Tenants, Bad: true, EventBridge: true}
	for name, url := range map[string]string{"buffer_queue_url": stack.BufferQueueURL, "dlq_url": stack.DLQURL,
		"eventbridge_dlq_url": stack.EventBridgeDLQURL, "on_failure_queue_url": stack.OnFailureQueueURL} {
		if url == "" {
			return SoakReport{}, fmt.Errorf("the soak needs output %s of examples/complete", name)
		}
	}
	if cfg.Workers == 0 {
		cfg.Workers = 4
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 15 * time.Minute
	}
	awsCfg, err := target.AWSConfig(ctx)
	if err != nil {
		return SoakReport{}, err
	}
	c := NewClients(awsCfg)
	r := SoakReport{Target: target.Name, Tenants: cfg.Tenants, Injected: target.Local()}

	var midway func() error
	if r.Injected {
		seed := cfg.Seed
		if _, err := target.SetFaults(ctx, stack.BackendFunction, faults.Config{ErrorRate: soakBackendErrorRate, Seed: &seed}); err != nil {
			return r, err
		}
		defer target.ClearFaults(context.WithoutCancel(ctx), stack.BackendFunction)
		defer target.ClearFaults(context.WithoutCancel(ctx), stack.RouterFunction)
		midway = func() error {
			_, err := target.SetFaults(ctx, stack.RouterFunction, faults.Config{Seed: &seed,
				Kill: &faults.Kill{Count: 1, AfterMS: soakKillAfter.Milliseconds()}})
			return err
		}
	}

	start := time.Now()
	sent, bad, err := SendLoad(ctx, c, stack, load, cfg.Workers, midway)
	if err != nil {
		return r, err
	}
	r.SendTime = time.Since(start)
	var settled time.Time // when everything was accounted for, before Collect's quiet rounds
	done := func(o *Outcome) (bool, error) {
		if !accountedFor(o, sent, bad) {
			return false, nil
		}
		idle, err := queuesIdle(ctx, c, stack.SourceQueueURL, stack.BufferQueueURL)
		if idle {
			settled = time.Now()
		}
		return idle, err
	}
	out, collectErr := Collect(ctx, c, stack, done, cfg.Timeout)
	if settled.IsZero() {
		settled = time.Now()
	}
	r.Elapsed = settled.Sub(start)

	envs, err := target.Environments(ctx)
	if err != nil {
		return r, err
	}
	r.Report = Analyze(Input{Sent: sent, Bad: bad, Evidence: out.Evidence, Quarantine: out.Quarantine, Parked: out.Parked,
		Environments: envs, Backend: stack.BackendFunction, Faulty: r.Injected})
	if collectErr != nil {
		r.Violations = append(r.Violations, collectErr.Error())
	}
	r.SentVia = map[string]int{}
	for _, s := range sent {
		r.SentVia[s.Via]++
	}
	for _, b := range bad {
		r.SentVia[b.Via]++
		if b.WantReason == "tenant_mismatch" {
			r.Spoofed++
		} else {
			r.Poison++
		}
	}
	r.Sent = len(sent) + len(bad)
	if r.Injected {
		if err := r.readFaults(ctx, target, stack); err != nil {
			return r, err
		}
	}
	return r, nil
}

// readFaults records what localaws injected, and fails the run when a fault it asked
// for never happened: the soak would then prove less than it claims.
func (r *SoakReport) readFaults(ctx context.Context, target *Target, stack Stack) error {
	rows, err := target.Faults(ctx)
	if err != nil {
		return err
	}
	r.Faults = map[string]faults.Stats{}
	for _, row := range rows {
		switch row.Function {
		case stack.BackendFunction:
			r.Faults["backend"] = row.Stats
		case stack.RouterFunction:
			r.Faults["router"] = row.Stats
		}
	}
	if r.Faults["backend"].Errors == 0 {
		r.Violations = append(r.Violations, "localaws injected no backend error: the transient failures were not exercised")
	}
	if r.Faults["router"].Kills == 0 {
		r.Violations = append(r.Violations, "localaws never killed the router's environment: the mid-batch kill was not exercised")
	}
	return nil
}

// accountedFor reports whether every valid message ran or was parked, and every bad
// one was quarantined or parked.
func accountedFor(o *Outcome, sent []Sent, bad []Bad) bool {
	seen := make(map[string]bool, len(o.Evidence)+len(o.Quarantine)+len(o.Parked))
	for _, e := range o.Evidence {
		seen[e.MessageID] = true
	}
	for _, q := range o.Quarantine {
		seen[q.OriginalMessageID] = true
	}
	for _, p := range o.Parked {
		seen[p.MessageID] = true
	}
	for _, s := range sent {
		if !seen[s.MessageID] {
			return false
		}
	}
	for _, b := range bad {
		if !seen[b.MessageID] {
			return false
		}
	}
	return true
}

// queuesIdle reports whether the queues hold nothing: no message waiting, in flight
// (a batch whose router died comes back after its visibility timeout) or delayed.
func queuesIdle(ctx context.Context, c Clients, urls ...string) (bool, error) {
	for _, url := range urls {
		out, err := c.SQS.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(url),
			AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameApproximateNumberOfMessages,
				sqstypes.QueueAttributeNameApproximateNumberOfMessagesNotVisible,
				sqstypes.QueueAttributeNameApproximateNumberOfMessagesDelayed}})
		if err != nil {
			return false, fmt.Errorf("attributes of %s: %w", url, err)
		}
		for _, v := range out.Attributes {
			if n, err := strconv.Atoi(v); err != nil || n != 0 {
				return false, nil
			}
		}
	}
	return true, nil
}

// Table renders the soak's figures and verdict.
func (r SoakReport) Table() string {
	var b strings.Builder
	line := func(label, n, detail string) {
		b.WriteString(strings.TrimRight(fmt.Sprintf("%-26s %8s  %s", label, n, detail), " ") + "\n")
	}
	row := func(label string, n int, detail string) { line(label, strconv.Itoa(n), detail) }
	faultsLine := fmt.Sprintf("backend error_rate %.2f, router environment killed once mid-batch", soakBackendErrorRate)
	if !r.Injected {
		faultsLine = "none: TEST_TARGET=" + r.Target + " cannot inject faults, so this run has no transient failures and no kill"
	}
	fmt.Fprintf(&b, "SOAK on %s: %d messages over %d tenants in %s (sent in %s)\n", r.Target, r.Sent, r.Tenants,
		r.Elapsed.Round(100*time.Millisecond), r.SendTime.Round(100*time.Millisecond))
	fmt.Fprintf(&b, "faults injected: %s\n\n", faultsLine)

	row("sent", r.Sent, fmt.Sprintf("(SQS attribute %d, SQS body %d, EventBridge %d; %d valid, %d poison, %d spoofed)",
		r.SentVia[ViaSQSAttribute], r.SentVia[ViaSQSBody], r.SentVia[ViaEventBridge], r.Sent-r.Poison-r.Spoofed, r.Poison, r.Spoofed))
	row("processed (once per id)", r.Processed, "")
	row("duplicates", r.Duplicates, "(extra runs of a message, after its batch came back)")
	if r.Injected {
		be, ro := r.Faults["backend"], r.Faults["router"]
		retried := be.Errors + be.Throttles + be.Timeouts + be.Kills + ro.Errors + ro.Throttles + ro.Timeouts + ro.Kills
		row("retried", int(retried), fmt.Sprintf("(failed attempts injected: backend errors %d of %d invocations, router kills %d)",
			be.Errors, be.Invocations, ro.Kills))
	} else {
		line("retried", "n/a", "(no faults injected)")
	}
	row("in DLQ", sum(r.ParkedByQueue), "("+counts(r.ParkedByQueue, QueueOnFailure, QueueSourceDLQ, QueueEventBridgeDLQ)+")")
	row("in quarantine", sum(r.QuarantineByReason), "("+counts(r.QuarantineByReason)+")")
	row("lost", r.Lost, "(must be 0)")
	row("cross-tenant executions", r.CrossTenant, "(must be 0)")
	if r.OK() {
		b.WriteString("\nOK: nothing lost, no cross-tenant execution, every bad message quarantined with its reason\n")
		return b.String()
	}
	fmt.Fprintf(&b, "\nFAILED: %d violations\n", len(r.Violations))
	for i, v := range r.Violations {
		if i == 30 {
			fmt.Fprintf(&b, "  ... and %d more\n", len(r.Violations)-i)
			break
		}
		b.WriteString("  - " + v + "\n")
	}
	return b.String()
}

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// counts renders "k1 n1, k2 n2": the given keys first (zeros included), then the rest sorted.
func counts(m map[string]int, first ...string) string {
	keys := append([]string(nil), first...)
	var rest []string
	for k := range m {
		if !slices.Contains(first, k) {
			rest = append(rest, k)
		}
	}
	sort.Strings(rest)
	parts := make([]string, 0, len(keys)+len(rest))
	for _, k := range append(keys, rest...) {
		parts = append(parts, fmt.Sprintf("%s %d", k, m[k]))
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}
