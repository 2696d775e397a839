// Package esm runs SQS event source mappings: one poller per enabled mapping that
// receives batches, invokes the function synchronously with an events.SQSEvent, and
// deletes what succeeded.
//
// It reads and deletes through a real SQS client against this server, so visibility
// timeouts, FIFO group blocking and redrive to the dead-letter queue are SQS's own:
// a failed record is simply not deleted.
package esm

import (
	"context"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/core"
)

// Mapping is the poller's view of an event source mapping.
type Mapping struct {
	UUID                    string
	EventSourceARN          string // SQS queue ARN
	FunctionARN             string
	BatchSize               int
	BatchingWindow          time.Duration
	MaximumConcurrency      int  // 0: no cap beyond the poller's own
	ReportBatchItemFailures bool // FunctionResponseTypes contains ReportBatchItemFailures
	Enabled                 bool
	// Credentials sign the poller's SQS calls: the function's execution role. nil uses
	// the server's own keys.
	Credentials aws.CredentialsProvider
}

// InvokeFunc invokes a function synchronously. functionError is "" or "Unhandled".
// A throttle is an error whose code is TooManyRequestsException (see IsThrottle).
type InvokeFunc func(ctx context.Context, functionARN string, payload []byte) (out []byte, functionError string, err error)

// Option tunes a Manager.
type Option func(*options)

type options struct {
	concurrency     int
	longPoll        int32
	shortPoll       time.Duration
	maxPayload      int
	throttleBackoff time.Duration
	maxBackoff      time.Duration
	errorBackoff    time.Duration
	closeGrace      time.Duration
}

func defaultOptions() options {
	return options{
		concurrency:     5,
		longPoll:        20,
		shortPoll:       100 * time.Millisecond,
		maxPayload:      6 << 20,
		throttleBackoff: 100 * time.Millisecond,
		maxBackoff:      5 * time.Second,
		errorBackoff:    time.Second,
		closeGrace:      5 * time.Second,
	}
}

// WithConcurrency sets how many batches a mapping without MaximumConcurrency processes at
// once (default 5, where AWS starts; AWS scales further, localaws does not need to).
func WithConcurrency(n int) Option { return func(o *options) { o.concurrency = max(n, 1) } }

// WithLongPoll sets ReceiveMessage's WaitTimeSeconds while the queue is idle (default 20).
func WithLongPoll(seconds int) Option {
	return func(o *options) { o.longPoll = int32(min(max(seconds, 0), 20)) }
}

// WithBackoff sets the first delay after a throttled invoke, doubling up to maxDelay
// (defaults 100 ms and 5 s), and the pause after an invoke error (default 1 s).
func WithBackoff(throttle, maxDelay, invokeError time.Duration) Option {
	return func(o *options) { o.throttleBackoff, o.maxBackoff, o.errorBackoff = throttle, maxDelay, invokeError }
}

// WithCloseGrace sets how long Close lets in-flight invokes finish before cancelling
// them (default 5 s). It is measured on the wall clock, so that Close ends under a FakeClock.
func WithCloseGrace(d time.Duration) Option { return func(o *options) { o.closeGrace = d } }

// Manager owns the pollers.
type Manager struct {
	env    *core.Env
	invoke InvokeFunc
	opts   options

	mu      sync.Mutex
	runners map[string]*runner
	closed  bool
	wg      sync.WaitGroup // every poller goroutine, stopped ones included
	// work is the context of invokes and deletes: stopping a mapping lets its in-flight
	// batch finish, so only Close (after the grace period) cancels it.
	work       context.Context
	cancelWork context.CancelFunc
}

// New builds a manager that invokes through invoke.
func New(env *core.Env, invoke InvokeFunc, opts ...Option) *Manager {
	o := defaultOptions()
	for _, opt := range opts {
		opt(&o)
	}
	work, cancel := context.WithCancel(context.Background())
	return &Manager{env: env, invoke: invoke, opts: o, runners: map[string]*runner{}, work: work, cancelWork: cancel}
}

// Put starts, updates or stops (when !Enabled) the poller of m. A running poller takes
// new settings at its next batch; a stopped one finishes its in-flight batch.
func (m *Manager) Put(mp Mapping) {
	if mp.BatchSize <= 0 {
		mp.BatchSize = 10
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return
	}
	r := m.runners[mp.UUID]
	if r != nil && (!mp.Enabled || r.source != mp.EventSourceARN) {
		r.stop()
		delete(m.runners, mp.UUID)
		r = nil
	}
	if !mp.Enabled {
		return
	}
	if r != nil {
		r.cfg.Store(&mp)
		return
	}
	m.runners[mp.UUID] = m.start(mp)
}

// Remove stops and forgets a mapping.
func (m *Manager) Remove(uuid string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if r := m.runners[uuid]; r != nil {
		r.stop()
		delete(m.runners, uuid)
	}
}

// Close stops every poller and waits for in-flight batches, cancelling those still
// running after the grace period.
func (m *Manager) Close() error {
	m.mu.Lock()
	m.closed = true
	for uuid, r := range m.runners {
		r.stop()
		delete(m.runners, uuid)
	}
	m.mu.Unlock()
	WaitGrace(&m.wg, m.opts.closeGrace, m.cancelWork)
	return nil
}

// WaitGrace waits for wg; once grace has passed on the wall clock it calls cancel and
// keeps waiting. Shutdowns use it to let in-flight invokes finish, within bounds.
func WaitGrace(wg *sync.WaitGroup, grace time.Duration, cancel context.CancelFunc) {
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	t := time.NewTimer(grace)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
		cancel()
		<-done
	}
	cancel()
}
