// Package async runs Lambda's asynchronous invocations: queued events, two retries
// with backoff, maximum event age, and on-success / on-failure destinations.
//
// AWS waits about one minute before the first retry and two before the second; those
// delays are options here, with defaults scaled down to 1 s and 2 s so that local runs
// and tests finish. Throttles and 5xx invoke errors do not count as attempts: they are
// retried with backoff until the event is older than MaximumEventAge.
package async

import (
	"context"
	"encoding/json"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/core"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/lambda/esm"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/protocol"
)

// Config is a function's event invoke config (PutFunctionEventInvokeConfig).
type Config struct {
	MaximumRetryAttempts int           // 0-2; AWS default 2
	MaximumEventAge      time.Duration // 60 s - 6 h; AWS default 6 h
	OnSuccess            string        // destination ARN (SQS queue or Lambda function), or ""
	OnFailure            string
	// Credentials sign destination deliveries: the function's execution role. nil uses
	// the server's own keys.
	Credentials aws.CredentialsProvider
}

// DefaultConfig is what a function without an event invoke config gets. A ConfigFunc
// returns it (with any configured fields overriding) for such functions.
func DefaultConfig() Config { return Config{MaximumRetryAttempts: 2, MaximumEventAge: 6 * time.Hour} }

// Event is one queued async invocation.
type Event struct {
	FunctionARN string // unqualified
	Qualifier   string // "$LATEST" or a version
	TenantID    string
	RequestID   string
	Payload     []byte
	EnqueuedAt  time.Time // set by Enqueue when zero
}

// InvokeFunc runs ev synchronously. functionError is "" or "Unhandled". A throttle is
// an error with code TooManyRequestsException (see esm.IsThrottle).
type InvokeFunc func(ctx context.Context, ev Event) (out []byte, functionError string, err error)

// ConfigFunc returns the event invoke config of a function and qualifier.
type ConfigFunc func(functionARN, qualifier string) Config

// Option tunes a Queue.
type Option func(*options)

type options struct {
	workers         int
	retryDelays     []time.Duration
	throttleBackoff time.Duration
	maxBackoff      time.Duration
	closeGrace      time.Duration
}

// WithWorkers bounds how many events are invoked at once (default 10).
func WithWorkers(n int) Option { return func(o *options) { o.workers = max(n, 1) } }

// WithRetryDelays sets the waits before the first and second retry (default 1 s and
// 2 s, AWS's one and two minutes scaled down).
func WithRetryDelays(first, second time.Duration) Option {
	return func(o *options) { o.retryDelays = []time.Duration{first, second} }
}

// WithThrottleBackoff sets the first wait after a throttle, doubling up to maxDelay
// (defaults 100 ms and 5 s; AWS starts at 1 s and goes up to 5 min).
func WithThrottleBackoff(first, maxDelay time.Duration) Option {
	return func(o *options) { o.throttleBackoff, o.maxBackoff = first, maxDelay }
}

// WithCloseGrace sets how long Close lets in-flight invokes finish before cancelling
// them (default 5 s, on the wall clock).
func WithCloseGrace(d time.Duration) Option { return func(o *options) { o.closeGrace = d } }

// Queue holds async events.
type Queue struct {
	env    *core.Env
	invoke InvokeFunc
	config ConfigFunc
	opts   options
	dest   *destinations

	mu      sync.Mutex
	cond    *sync.Cond
	ready   []*item
	waiting map[*item]bool // between attempts
	running map[*item]bool
	closed  bool

	workers sync.WaitGroup // workers and retry timers
	stopped chan struct{}  // closed by Close: timers give up
	// work is the context of invokes and deliveries; Close cancels it after the grace period.
	work       context.Context
	cancelWork context.CancelFunc
}

// item is an event and its progress.
type item struct {
	ev       Event
	invokes  int      // attempts that reached the function
	throttle int      // consecutive throttles, for the backoff
	last     *attempt // outcome of the latest invoke that ran
}

// attempt is the outcome of one invoke, as the invocation record reports it.
type attempt struct {
	status        int
	functionError string
	payload       []byte
}

// New builds a queue and starts its workers.
func New(env *core.Env, invoke InvokeFunc, config ConfigFunc, opts ...Option) *Queue {
	o := options{workers: 10, retryDelays: []time.Duration{time.Second, 2 * time.Second},
		throttleBackoff: 100 * time.Millisecond, maxBackoff: 5 * time.Second, closeGrace: 5 * time.Second}
	for _, opt := range opts {
		opt(&o)
	}
	work, cancel := context.WithCancel(context.Background())
	q := &Queue{env: env, invoke: invoke, config: config, opts: o, dest: &destinations{env: env},
		waiting: map[*item]bool{}, running: map[*item]bool{}, stopped: make(chan struct{}),
		work: work, cancelWork: cancel}
	q.cond = sync.NewCond(&q.mu)
	for range o.workers {
		q.workers.Add(1)
		go q.worker()
	}
	return q
}

// Enqueue accepts ev; it returns at once (the 202 of an Event invoke).
func (q *Queue) Enqueue(ev Event) {
	if ev.EnqueuedAt.IsZero() {
		ev.EnqueuedAt = q.env.Clock.Now()
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		q.env.Logger.Warn("async event arrived after shutdown; dropped", "requestId", ev.RequestID,
			"functionArn", ev.FunctionARN)
		return
	}
	q.ready = append(q.ready, &item{ev: ev})
	q.cond.Signal()
}

// Close stops delivery and waits for in-flight invokes. Events still queued or waiting
// for a retry are not delivered; they are named in one log line.
func (q *Queue) Close() error {
	q.mu.Lock()
	if q.closed {
		q.mu.Unlock()
		return nil
	}
	q.closed = true
	close(q.stopped)
	q.cond.Broadcast()
	q.mu.Unlock()
	esm.WaitGrace(&q.workers, q.opts.closeGrace, q.cancelWork)

	var pending []string
	for _, it := range q.ready {
		pending = append(pending, it.ev.RequestID)
	}
	for it := range q.waiting {
		pending = append(pending, it.ev.RequestID)
	}
	for it := range q.running {
		pending = append(pending, it.ev.RequestID) // cancelled by the grace period
	}
	if len(pending) > 0 {
		q.env.Logger.Warn("async queue closed with undelivered events", "count", len(pending), "requestIds", pending)
	}
	return nil
}

func (q *Queue) worker() {
	defer q.workers.Done()
	for {
		q.mu.Lock()
		for len(q.ready) == 0 && !q.closed {
			q.cond.Wait()
		}
		if q.closed {
			q.mu.Unlock()
			return
		}
		it := q.ready[0]
		q.ready = q.ready[1:]
		q.running[it] = true
		q.mu.Unlock()

		done := q.attempt(it)

		q.mu.Lock()
		if done {
			delete(q.running, it)
		}
		q.mu.Unlock()
	}
}

// configOf returns the event's config with AWS's defaults for unset fields.
func (q *Queue) configOf(ev Event) Config {
	cfg := DefaultConfig()
	if q.config != nil {
		cfg = q.config(ev.FunctionARN, qualifier(ev))
	}
	if cfg.MaximumEventAge <= 0 {
		cfg.MaximumEventAge = DefaultConfig().MaximumEventAge
	}
	cfg.MaximumRetryAttempts = max(cfg.MaximumRetryAttempts, 0)
	return cfg
}

// attempt runs one invocation of it and decides what follows: a destination, or a
// retry later. It returns false when the invoke was cut off by Close.
func (q *Queue) attempt(it *item) bool {
	cfg := q.configOf(it.ev)
	expiry := it.ev.EnqueuedAt.Add(cfg.MaximumEventAge)
	if !q.env.Clock.Now().Before(expiry) {
		q.finish(it, cfg, ConditionEventAgeExceeded)
		return true
	}
	out, functionError, err := q.invoke(q.work, it.ev)
	if q.work.Err() != nil {
		return false
	}
	log := q.env.Logger.With("requestId", it.ev.RequestID, "functionArn", it.ev.FunctionARN)
	if err != nil && (esm.IsThrottle(err) || esm.IsServerError(err)) {
		it.throttle++
		delay := q.opts.throttleBackoff << min(it.throttle-1, 20)
		log.Debug("async invoke throttled; retrying", "err", err, "delay", min(delay, q.opts.maxBackoff))
		q.later(it, min(delay, q.opts.maxBackoff), expiry)
		return true
	}
	it.throttle = 0
	it.invokes++
	it.last = outcome(out, functionError, err)
	if err == nil && functionError == "" {
		q.finish(it, cfg, ConditionSuccess)
		return true
	}
	retries := it.invokes - 1
	if retries >= cfg.MaximumRetryAttempts {
		q.finish(it, cfg, ConditionRetriesExhausted)
		return true
	}
	delay := q.opts.retryDelays[min(retries, len(q.opts.retryDelays)-1)]
	log.Info("async invocation failed; retrying", "attempt", it.invokes, "delay", delay,
		"functionError", functionError, "err", err)
	q.later(it, delay, expiry)
	return true
}

// outcome is the response context of an invoke. Errors that kept the function from
// running are reported like Lambda reports them to a synchronous caller.
func outcome(out []byte, functionError string, err error) *attempt {
	if err == nil {
		return &attempt{status: 200, functionError: functionError, payload: out}
	}
	pe := protocol.AsError(err)
	body, _ := json.Marshal(map[string]string{"errorType": pe.Code, "errorMessage": pe.Message})
	return &attempt{status: pe.Status(), functionError: "Unhandled", payload: body}
}

// later puts it back on the queue after delay, or at its expiry if that comes first, so
// that an event that runs out of age is reported when it does.
func (q *Queue) later(it *item, delay time.Duration, expiry time.Time) {
	delay = min(delay, expiry.Sub(q.env.Clock.Now()))
	q.mu.Lock()
	delete(q.running, it)
	q.waiting[it] = true
	q.workers.Add(1)
	q.mu.Unlock()
	go func() {
		defer q.workers.Done()
		select {
		case <-q.stopped:
			return
		case <-q.env.Clock.After(delay):
		}
		q.mu.Lock()
		defer q.mu.Unlock()
		if q.closed {
			return
		}
		delete(q.waiting, it)
		q.ready = append(q.ready, it)
		q.cond.Signal()
	}()
}

// finish sends the invocation record to the destination the condition calls for.
func (q *Queue) finish(it *item, cfg Config, condition string) {
	log := q.env.Logger.With("requestId", it.ev.RequestID, "functionArn", it.ev.FunctionARN,
		"condition", condition, "invokes", it.invokes)
	dest := cfg.OnSuccess
	if condition != ConditionSuccess {
		dest = cfg.OnFailure
		if dest == "" {
			log.Warn("async event failed; no on-failure destination, discarded")
			return
		}
		log.Info("async event failed; sending record to on-failure destination", "destination", dest)
	}
	if dest == "" {
		return
	}
	rec := newRecord(it.ev, condition, it.invokes, it.last, q.env.Clock.Now())
	if err := q.dest.send(q.work, dest, rec, cfg.Credentials); err != nil {
		log.Warn("destination delivery failed", "destination", dest, "err", err)
	}
}
