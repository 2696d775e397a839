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
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/faults"
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
	// Registry, when set, runs the soak against the stack's tenant registry with tenants suspended mid-run.
	Registry *SoakRegistry
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
	if r := c.Registry; r != nil && (r.Suspend < 1 || r.Suspend >= c.Tenants || r.Tenants < c.Tenants) {
		return fmt.Errorf("the registry must hold at least the %d load tenants (got %d) and suspend from 1 to %d of "+
			"them (got %d)", c.Tenants, r.Tenants, c.Tenants-1, r.Suspend)
	}
	return nil
}

// Soak sends cfg's load over both sources of a deployed examples/complete (applied with
// router_timeout SoakRouterTimeout), with 5% poison and 5% spoofed messages. On
// localaws it also fails 10% of the backend's invocations and kills the router's
// environment once, a third of the way in. It then reads every output queue until
// each message is accounted for, and checks the run with verdict.Analyze.
func Soak(ctx context.Context, target Target, stack Stack, cfg SoakConfig) (verdict.SoakReport, error) {
	if err := cfg.Validate(); err != nil {
		return verdict.SoakReport{}, err
	}
	load := Load{Messages: cfg.Messages, Tenants: cfg.Tenants, Bad: true, EventBridge: true}
	for name, url := range map[string]string{"buffer_queue_url": stack.BufferQueueURL, "dlq_url": stack.DLQURL,
		"eventbridge_dlq_url": stack.EventBridgeDLQURL, "on_failure_queue_url": stack.OnFailureQueueURL} {
		if url == "" {
			return verdict.SoakReport{}, fmt.Errorf("the soak needs output %s of examples/complete", name)
		}
	}
	if cfg.Workers == 0 {
		cfg.Workers = 4
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 15 * time.Minute
	}
	c := NewClients(target.AWSConfig())
	r := verdict.SoakReport{Target: target.Name(), Tenants: cfg.Tenants, Injected: target.Local()}

	var midway func() error
	if r.Injected {
		r.BackendErrorRate = soakBackendErrorRate
		seed := cfg.Seed
		if err := target.SetFaults(ctx, stack.BackendFunction, faults.Config{ErrorRate: soakBackendErrorRate, Seed: &seed}); err != nil {
			return r, err
		}
		defer target.ClearFaults(context.WithoutCancel(ctx), stack.BackendFunction)
		defer target.ClearFaults(context.WithoutCancel(ctx), stack.RouterFunction)
		midway = func() error {
			return target.SetFaults(ctx, stack.RouterFunction, faults.Config{Seed: &seed,
				Kill: &faults.Kill{Count: 1, AfterMS: soakKillAfter.Milliseconds()}})
		}
	}

	var lc *lifecycle
	if cfg.Registry != nil {
		var err error
		if lc, err = newLifecycle(target.AWSConfig(), stack, *cfg.Registry); err != nil {
			return r, err
		}
		if err := lc.seed(ctx, cfg.Tenants); err != nil {
			return r, err
		}
		kill := midway
		midway = func() error {
			if kill != nil {
				if err := kill(); err != nil {
					return err
				}
			}
			return lc.suspend(ctx)
		}
	}

	start := time.Now()
	sent, bad, err := SendLoad(ctx, c, stack, load, cfg.Workers, midway)
	if err != nil {
		return r, err
	}
	r.SendTime = time.Since(start)
	var (
		before verdict.Outcome // collected before the resume
		held   []verdict.Held
	)
	if lc != nil {
		// Until every message has been routed (or held), then resume and replay.
		if before, err = Collect(ctx, c, stack, func(*verdict.Outcome) (bool, error) {
			return queuesIdle(ctx, c, stack.SourceQueueURL, stack.BufferQueueURL)
		}, cfg.Timeout); err != nil {
			return r, err
		}
		if _, err := lc.resume(ctx); err != nil {
			return r, err
		}
		if held, err = lc.held(ctx, sent); err != nil {
			return r, err
		}
	}
	merge := func(o *verdict.Outcome) verdict.Outcome {
		m := verdict.Outcome{Evidence: append(append([]verdict.Evidence(nil), before.Evidence...), o.Evidence...),
			Quarantine: append(append([]verdict.Quarantined(nil), before.Quarantine...), o.Quarantine...),
			Parked:     append(append([]verdict.Parked(nil), before.Parked...), o.Parked...)}
		if lc != nil {
			m, _, _ = verdict.CheckSuspension(m, held, lc.effective, lc.resumed)
		}
		return m
	}
	var settled time.Time // when everything was accounted for, before Collect's quiet rounds
	done := func(o *verdict.Outcome) (bool, error) {
		if m := merge(o); !m.AccountsFor(sent, bad) {
			return false, nil
		}
		idle, err := queuesIdle(ctx, c, stack.SourceQueueURL, stack.BufferQueueURL)
		if idle {
			settled = time.Now()
		}
		return idle, err
	}
	after, collectErr := Collect(ctx, c, stack, done, cfg.Timeout)
	out := merge(&after)
	var suspension []string // violations of the suspension, added to the verdict below
	if lc != nil {
		var s verdict.Suspension
		_, s, suspension = verdict.CheckSuspension(verdict.Outcome{Evidence: append(append([]verdict.Evidence(nil),
			before.Evidence...), after.Evidence...)}, held, lc.effective, lc.resumed)
		s.RegistryTenants, s.Suspended = cfg.Registry.Tenants, len(lc.suspended)
		r.Registry = &s
	}
	if settled.IsZero() {
		settled = time.Now()
	}
	r.Elapsed = settled.Sub(start)

	envs, err := target.Environments(ctx)
	if err != nil {
		return r, err
	}
	r.Report = verdict.Analyze(verdict.Input{Sent: sent, Bad: bad, Evidence: out.Evidence, Quarantine: out.Quarantine,
		Parked: out.Parked, Environments: envs, Backend: stack.BackendFunction, Faulty: r.Injected})
	r.Violations = append(r.Violations, suspension...)
	if collectErr != nil {
		r.Violations = append(r.Violations, collectErr.Error())
	}
	r.CountSent(sent, bad)
	if r.Injected {
		backend, err := target.FaultStats(ctx, stack.BackendFunction)
		if err != nil {
			return r, err
		}
		router, err := target.FaultStats(ctx, stack.RouterFunction)
		if err != nil {
			return r, err
		}
		r.CheckFaults(backend, router)
	}
	return r, nil
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
