package execenv

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/core"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/faults"
)

// Function is what the pool needs to start and invoke an environment. The control plane
// sets every field; the pool applies no defaults of its own.
type Function struct {
	Name         string // function name
	ARN          string // unqualified function ARN
	Version      string // "$LATEST" or a published version number
	CodeSHA256   string // base64 SHA-256 of the zip; new code means new environments
	ZipPath      string // stored deployment package
	Handler      string
	Runtime      string // e.g. provided.al2023
	Architecture string // "x86_64" or "arm64"
	MemoryMB     int
	Timeout      time.Duration
	Env          map[string]string // the function's environment variables
	LogGroup     string            // e.g. /aws/lambda/<name>
	// ReservedConcurrency caps concurrent invocations; -1 means unreserved.
	ReservedConcurrency int
	// LogFormat is LoggingConfig.LogFormat: "Text" (default) or "JSON". JSON turns the
	// START/END/REPORT lines into platform events that carry tenantId.
	LogFormat string
	// ApplicationLogLevel is LoggingConfig.ApplicationLogLevel, passed as AWS_LAMBDA_LOG_LEVEL.
	ApplicationLogLevel string
	// Layers are the zips of the function's layers, unpacked in order into the
	// environment's equivalent of /opt (a later layer's file replaces an earlier one's).
	Layers []string
	// Credentials are the execution role's session: the process gets them in
	// AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN, and its logs are
	// shipped with them. nil gives the server's own keys.
	Credentials aws.CredentialsProvider
}

// Result is one finished invocation.
type Result struct {
	Payload []byte
	// FunctionError is "" on success, else "Unhandled" (AWS's X-Amz-Function-Error).
	FunctionError   string
	EnvironmentID   string
	ExecutedVersion string
	Duration        time.Duration
	// ColdStart is true when the environment was started for this invocation.
	ColdStart bool
	// InitDuration is the cold start (process spawn until its first /next); 0 when warm.
	InitDuration time.Duration
}

// EnvironmentInfo is one row of GET /_localaws/environments.
type EnvironmentInfo struct {
	FunctionName  string    `json:"function_name"`
	Version       string    `json:"version"`
	TenantID      string    `json:"tenant_id"`
	EnvironmentID string    `json:"environment_id"`
	PID           int       `json:"pid"`
	State         string    `json:"state"`
	Invocations   int       `json:"invocations"`
	ColdStart     bool      `json:"-"` // true until the environment finished its first invocation
	StartedAt     time.Time `json:"started_at"`
	// RSSKB is the process's resident set size (VmRSS) when listed; 0 where unknown.
	RSSKB int `json:"rss_kb"`
}

const (
	// DefaultIdleTTL is how long an idle environment lives before it is reaped.
	DefaultIdleTTL = 5 * time.Minute
	// DefaultMaxConcurrency is the account's concurrent executions limit (AWS's default quota).
	DefaultMaxConcurrency = 1000
	// initTimeout is Lambda's limit on the init phase of an on-demand environment.
	initTimeout = 10 * time.Second
	// maxAttempts bounds how often an invocation that never reached a runtime (the
	// environment died between invocations) is given to a fresh environment.
	maxAttempts = 3
)

// Option configures a Pool.
type Option func(*Pool)

// WithIdleTTL sets how long an idle environment is kept (default DefaultIdleTTL).
func WithIdleTTL(d time.Duration) Option { return func(p *Pool) { p.idleTTL = d } }

// WithFaults sets the fault injection applied to every invocation (default: none).
func WithFaults(set *faults.Set) Option { return func(p *Pool) { p.faults = set } }

// WithMaxConcurrency sets the account-wide cap on concurrent invocations (default DefaultMaxConcurrency).
func WithMaxConcurrency(n int) Option { return func(p *Pool) { p.maxConcurrency = n } }

// poolKey identifies the environments that may serve an invocation. The tenant is part
// of it for PER_TENANT functions, and "" otherwise.
type poolKey struct {
	function, version, codeSHA, tenant string
	opt                                string // the unpacked layers, "" for none
}

// Pool runs execution environments.
type Pool struct {
	env            *core.Env
	idleTTL        time.Duration
	maxConcurrency int
	code           codeCache
	logs           logClient
	faults         *faults.Set
	interpreters   *interpreters
	done           chan struct{}
	wg             sync.WaitGroup // reaper, process watchers, log shippers

	mu             sync.Mutex
	closed         bool
	envs           map[string]*environment    // every live environment by ID
	idle           map[poolKey][]*environment // idle environments, most recently used last
	inflight       int
	inflightByFunc map[string]int
}

// New builds an empty pool.
func New(env *core.Env, opts ...Option) *Pool {
	p := &Pool{
		env: env, idleTTL: DefaultIdleTTL, maxConcurrency: DefaultMaxConcurrency,
		done: make(chan struct{}), envs: map[string]*environment{}, idle: map[poolKey][]*environment{},
		inflightByFunc: map[string]int{}, faults: faults.NewSet(),
	}
	for _, o := range opts {
		o(p)
	}
	p.code.m = map[string]*codeEntry{}
	p.interpreters = newInterpreters(env.StateDir)
	p.logs.env = env
	// The first tick is armed here, not in the goroutine, so that a FakeClock advanced
	// right after New still fires it.
	interval := min(p.idleTTL/2, 30*time.Second)
	first := env.Clock.After(interval)
	p.wg.Add(1)
	go p.reap(first, interval)
	return p
}

// Invoke runs payload in an environment of fn for tenantID ("" for functions without
// tenant isolation), starting one when none is idle. fn is complete and tenantID
// already checked against the function's tenancy: the control plane owns those rules.
// Errors other than ctx's are the types of errors.go.
//
// A cancelled ctx returns at once, but the invocation runs on to its end or timeout, as
// in Lambda, where a caller that goes away does not stop the function.
func (p *Pool) Invoke(ctx context.Context, fn Function, tenantID, requestID string, payload []byte) (Result, error) {
	if err := check(fn); err != nil {
		return Result{}, err
	}
	if requestID == "" {
		requestID = core.NewUUID()
	}
	type answer struct {
		res Result
		err error
	}
	ch := make(chan answer, 1)
	go func() {
		res, err := p.invoke(fn, tenantID, requestID, payload)
		ch <- answer{res, err}
	}()
	select {
	case a := <-ch:
		return a.res, a.err
	case <-ctx.Done():
		return Result{}, ctx.Err()
	}
}

func (p *Pool) invoke(fn Function, tenantID, requestID string, payload []byte) (Result, error) {
	plan := p.faults.Decide(fn.Name)
	if plan.Throttle {
		return Result{}, &ThrottledError{Reason: InjectedThrottle}
	}
	interp, err := p.interpreters.resolve(fn.Runtime)
	if err != nil {
		return Result{}, err
	}
	code, err := p.code.prepare(p.env.StateDir, fn)
	var opt string
	if err == nil && len(fn.Layers) > 0 {
		opt, err = p.code.layers(p.env.StateDir, fn.Layers)
	}
	if err != nil {
		return Result{}, &PackageError{Function: fn.Name, Err: err}
	}
	if interp != nil {
		p.warnVersion(fn, interp)
	} else if msg := code.problem(fn.Architecture); msg != "" {
		p.env.Logger.Warn("lambda bootstrap cannot run here", "function", fn.Name, "reason", msg)
		return invalidEntrypoint(fn, requestID, msg), nil
	}
	if err := p.admit(fn); err != nil {
		return Result{}, err
	}
	defer p.leave(fn)

	key := poolKey{function: fn.Name, version: fn.Version, codeSHA: code.sha, opt: opt, tenant: tenantID}
	for attempt := 1; ; attempt++ {
		e, cold, err := p.take(key, fn, code)
		if err != nil {
			if ee := (*entrypointError)(nil); errors.As(err, &ee) {
				return invalidEntrypoint(fn, requestID, ee.Error()), nil
			}
			return Result{}, err
		}
		inv := newInvocation(requestID, tenantID, payload)
		inv.plan = plan
		p.dispatch(e, inv)
		res, retry, err := p.await(e, inv, cold)
		if !retry {
			return res, err
		}
		if attempt == maxAttempts {
			out := exitOutcome(requestID, fmt.Errorf("%d environments exited before taking the invocation", attempt))
			return Result{Payload: out.payload, FunctionError: "Unhandled", ExecutedVersion: fn.Version}, nil
		}
	}
}

// warnVersion says once per function that its runtime runs on another interpreter version.
func (p *Pool) warnVersion(fn Function, in *interpreter) {
	if !in.matches() && p.interpreters.warnOnce(fn.Name) {
		p.env.Logger.Warn("lambda function runs on another interpreter version than its runtime",
			"function", fn.Name, "runtime", fn.Runtime, "interpreter", in.path, "version", in.version,
			"install", in.want.preferred())
	}
}

// dispatch hands inv to e. The runtime picks it up on its next /next call.
func (p *Pool) dispatch(e *environment, inv *invocation) {
	mustServe(e, inv)
	p.mu.Lock()
	e.pending = inv
	e.inFlight = true
	p.mu.Unlock()
	e.next <- inv // capacity 1 and one invocation at a time: never blocks
}

// mustServe is the last line of tenant isolation: pool keys already separate tenants,
// so a mismatch here is a bug that must stop the server rather than leak data.
func mustServe(e *environment, inv *invocation) {
	if e.key.tenant != inv.tenant {
		panic(fmt.Sprintf("execenv: tenant isolation violated: environment %s of function %s belongs to tenant %q "+
			"but was given request %s of tenant %q", e.id, e.key.function, e.key.tenant, inv.id, inv.tenant))
	}
}

// await waits for the runtime's answer and settles the environment. retry is true when
// the invocation never reached a runtime, so it can safely go to a fresh environment.
func (p *Pool) await(e *environment, inv *invocation, cold bool) (res Result, retry bool, err error) {
	defer p.settle(e, inv)
	fn := e.fn
	limit := time.NewTimer(max(initTimeout, fn.Timeout))
	defer limit.Stop()
	select {
	case <-inv.delivered:
	case out := <-inv.done: // an init error, or an answer that raced the delivery signal
		return p.answered(e, inv, out, cold), false, nil
	case <-e.exited:
		if isClosed(inv.delivered) {
			break // delivered and then crashed: reported below
		}
		if out, ok := received(inv.done); ok {
			return p.answered(e, inv, out, cold), false, nil
		}
		if p.isClosed() {
			return Result{}, false, ErrShuttingDown
		}
		if p.wasReady(e) {
			return Result{}, true, nil // died between invocations: inv never started
		}
		p.discard(e)
		return p.finish(e, inv, exitOutcome(inv.id, e.exitErr), cold), false, nil
	case <-limit.C:
		p.discard(e)
		return p.finish(e, inv, timeoutOutcome(inv.id, fn.Timeout), cold), false, nil
	}
	limit.Reset(time.Until(inv.deliveredAt.Add(fn.Timeout)))
	select {
	case out := <-inv.done:
		return p.answered(e, inv, out, cold), false, nil
	case <-e.exited:
		if out, ok := received(inv.done); ok {
			return p.answered(e, inv, out, cold), false, nil
		}
		if p.isClosed() {
			return Result{}, false, ErrShuttingDown
		}
		p.discard(e)
		return p.finish(e, inv, exitOutcome(inv.id, e.exitErr), cold), false, nil
	case <-limit.C:
		if out, ok := received(inv.done); ok { // answered just in time
			return p.answered(e, inv, out, cold), false, nil
		}
		p.discard(e)
		return p.finish(e, inv, timeoutOutcome(inv.id, fn.Timeout), cold), false, nil
	}
}

// settle ends the invocation's hold on e, closing its log if the process is gone: the
// last lines of a crashed environment are its END and REPORT.
func (p *Pool) settle(e *environment, inv *invocation) {
	p.mu.Lock()
	if inv.killTimer != nil {
		inv.killTimer.Stop()
	}
	e.inFlight = false
	closeLog := e.reaped
	p.mu.Unlock()
	if closeLog {
		e.log.close()
	}
}

// finish logs the invocation's platform lines and builds its result.
func (p *Pool) finish(e *environment, inv *invocation, out outcome, cold bool) Result {
	var dur time.Duration
	if !inv.deliveredAt.IsZero() {
		dur = out.at.Sub(inv.deliveredAt)
	} else if out.status == statusTimeout {
		dur = e.fn.Timeout
	}
	var initDur time.Duration
	if cold {
		initDur = p.initDuration(e)
	}
	e.log.report(inv, out, dur, initDur, e.fn.MemoryMB, e.peak.get(e.pid, time.Now()))
	res := Result{Payload: out.payload, EnvironmentID: e.id, ExecutedVersion: e.fn.Version, Duration: dur,
		ColdStart: cold, InitDuration: initDur}
	if out.status != statusSuccess {
		res.FunctionError = "Unhandled"
	}
	return res
}

// answered logs an invocation the runtime answered, then lets e serve again, so that
// its next START line never comes before this END.
func (p *Pool) answered(e *environment, inv *invocation, out outcome, cold bool) Result {
	res := p.finish(e, inv, out, cold)
	p.release(e, out)
	return res
}

func (p *Pool) isClosed() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.closed
}

// Environments lists every live environment.
func (p *Pool) Environments() []EnvironmentInfo {
	p.mu.Lock()
	rows := make([]EnvironmentInfo, 0, len(p.envs))
	for _, e := range p.envs {
		rows = append(rows, EnvironmentInfo{
			FunctionName: e.fn.Name, Version: e.fn.Version, TenantID: e.key.tenant, EnvironmentID: e.id,
			PID: e.pid, State: e.state.String(), Invocations: e.invocations, ColdStart: e.invocations == 0,
			StartedAt: e.startedAt,
		})
	}
	p.mu.Unlock()
	for i := range rows { // outside the lock: it reads /proc
		rows[i].RSSKB = procStatusKB(rows[i].PID, "VmRSS")
	}
	sort.Slice(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		if a.FunctionName != b.FunctionName {
			return a.FunctionName < b.FunctionName
		}
		if a.TenantID != b.TenantID {
			return a.TenantID < b.TenantID
		}
		if !a.StartedAt.Equal(b.StartedAt) {
			return a.StartedAt.Before(b.StartedAt)
		}
		return a.EnvironmentID < b.EnvironmentID
	})
	return rows
}

// Close stops every environment process and waits for them to exit.
func (p *Pool) Close() error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil
	}
	p.closed = true
	for _, e := range p.envs {
		p.killLocked(e)
	}
	p.mu.Unlock()
	close(p.done)
	waited := make(chan struct{})
	go func() { p.wg.Wait(); close(waited) }()
	select {
	case <-waited:
		return nil
	case <-time.After(10 * time.Second):
		return fmt.Errorf("execenv: environments did not stop within 10s")
	}
}

func isClosed(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

func received(ch <-chan outcome) (outcome, bool) {
	select {
	case o := <-ch:
		return o, true
	default:
		return outcome{}, false
	}
}
