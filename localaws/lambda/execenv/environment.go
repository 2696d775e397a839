package execenv

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/core"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/faults"
)

type envState int

const (
	stateStarting envState = iota // spawned, has not asked for work yet
	stateIdle                     // waiting for an invocation
	stateBusy                     // holds an invocation
	stateDead                     // killed or exited; never dispatched again
)

func (s envState) String() string {
	return [...]string{"starting", "idle", "busy", "dead"}[s]
}

// environment is one execution environment: a bootstrap process and its directories.
type environment struct {
	id        string // 32 hex characters, as in Lambda's log stream names
	key       poolKey
	fn        Function
	code      *codeEntry
	interp    *interpreter // nil for provided.* runtimes, whose bootstrap runs itself
	opt       string       // the layers, unpacked: Lambda's /opt
	dir       string       // StateDir/envs/<id>
	stream    string       // CloudWatch log stream name
	startedAt time.Time
	spawnedAt time.Time // wall time, for the init duration
	pid       int
	log       *logSink
	next      chan *invocation // the invocation the runtime gets on its next /next
	exited    chan struct{}    // closed once the process has exited and been reaped
	exitErr   error            // set before exited is closed
	// peak caches the REPORT line's Max Memory Used; only the invocation in flight reads it.
	peak peakMemory

	// Guarded by Pool.mu.
	state       envState
	pending     *invocation // dispatched, not answered yet
	current     *invocation // delivered to the runtime, not answered yet
	ready       bool        // has called /next at least once
	initDur     time.Duration
	invocations int
	lastUsed    time.Time
	draining    bool
	reaped      bool
	inFlight    bool // from dispatch until the invocation is settled
}

// invocation is one request on its way through an environment.
type invocation struct {
	id, tenant  string
	payload     []byte
	traceID     string
	delivered   chan struct{} // closed when a /next response carries it
	deliveredAt time.Time     // set before delivered is closed
	done        chan outcome  // the runtime's answer; capacity 1
	plan        faults.Plan   // what fault injection does to it
	killTimer   *time.Timer   // an injected kill; guarded by Pool.mu
}

func newInvocation(id, tenant string, payload []byte) *invocation {
	return &invocation{id: id, tenant: tenant, payload: payload, traceID: newTraceID(),
		delivered: make(chan struct{}), done: make(chan outcome, 1)}
}

// newTraceID builds an X-Ray trace header as Lambda passes it to the runtime.
func newTraceID() string {
	return fmt.Sprintf("Root=1-%08x-%s;Parent=%s;Sampled=0", time.Now().Unix(), core.NewID(12), core.NewID(8))
}

type status int

const (
	statusSuccess status = iota
	statusError
	statusTimeout
)

// outcome is how an invocation ended.
type outcome struct {
	payload   []byte
	status    status
	errorType string // for REPORT's "Error Type"
	fatal     bool   // the environment must not serve again
	at        time.Time
}

func success(payload []byte) outcome {
	return outcome{payload: payload, status: statusSuccess, at: time.Now()}
}

// platformError is an error Lambda itself reports, shaped like its invoke responses:
// {"errorType":..., "errorMessage":"RequestId: <id> Error: <detail>"}.
func platformError(requestID, errorType, detail string, st status) outcome {
	body, _ := json.Marshal(struct {
		ErrorType    string `json:"errorType"`
		ErrorMessage string `json:"errorMessage"`
	}{errorType, fmt.Sprintf("RequestId: %s Error: %s", requestID, detail)})
	return outcome{payload: body, status: st, errorType: errorType, fatal: true, at: time.Now()}
}

func timeoutOutcome(requestID string, timeout time.Duration) outcome {
	return platformError(requestID, "Sandbox.Timedout",
		fmt.Sprintf("Task timed out after %.2f seconds", timeout.Seconds()), statusTimeout)
}

func exitOutcome(requestID string, err error) outcome {
	detail := "Runtime exited without providing a reason"
	if err != nil {
		detail = "Runtime exited with error: " + err.Error()
	}
	return platformError(requestID, "Runtime.ExitError", detail, statusError)
}

// entrypointError is a bootstrap that cannot be started.
type entrypointError struct{ err error }

func (e *entrypointError) Error() string { return e.err.Error() }

// invalidEntrypoint is Lambda's answer when the bootstrap cannot start, e.g.
// "fork/exec /var/task/bootstrap: exec format error" for the wrong CPU architecture.
func invalidEntrypoint(fn Function, requestID, detail string) Result {
	out := platformError(requestID, "Runtime.InvalidEntrypoint", detail, statusError)
	return Result{Payload: out.payload, FunctionError: "Unhandled", ExecutedVersion: fn.Version}
}

func (p *Pool) newEnvironment(key poolKey, fn Function, code *codeEntry) *environment {
	id := core.NewID(16)
	now := p.env.Clock.Now()
	version := fn.Version
	e := &environment{
		id: id, key: key, fn: fn, code: code,
		dir:       filepath.Join(p.env.StateDir, "envs", id),
		stream:    fmt.Sprintf("%s/[%s]%s", now.UTC().Format("2006/01/02"), version, id),
		startedAt: now, lastUsed: now, state: stateStarting,
		next: make(chan *invocation, 1), exited: make(chan struct{}),
		opt: key.opt,
	}
	if e.opt == "" {
		e.opt = filepath.Join(e.dir, "opt") // no layers: an empty /opt
	}
	e.interp, _ = p.interpreters.resolve(fn.Runtime) // resolved by invoke already: cached
	return e
}

// spawn starts e's bootstrap in its own process group, with stdout and stderr on one
// pipe so that their lines keep their order in the log.
func (p *Pool) spawn(e *environment) error {
	task := filepath.Join(e.dir, "task")
	tmp := filepath.Join(e.dir, "tmp")
	for _, d := range []string{task, tmp} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return fmt.Errorf("execenv: environment directory: %w", err)
		}
	}
	if err := linkCode(e.code.dir, task); err != nil {
		return err
	}
	sink, err := p.newLogSink(e)
	if err != nil {
		return err
	}
	e.log = sink
	r, w, err := os.Pipe()
	if err != nil {
		sink.discard()
		return fmt.Errorf("execenv: output pipe: %w", err)
	}
	creds, err := p.credentials(e.fn)
	if err != nil {
		_ = r.Close()
		_ = w.Close()
		sink.discard()
		return &entrypointError{err: err}
	}
	args := []string{filepath.Join(task, "bootstrap")}
	env := p.environ(e, task, tmp, creds)
	if in := e.interp; in != nil {
		args = in.command()
		sink.platform(sink.initStart(in))
	}
	cmd := &exec.Cmd{
		Path: args[0], Args: args, Dir: task, Env: env,
		Stdout: w, Stderr: w, SysProcAttr: sysProcAttr(),
	}
	// Published before the process starts, since its first Runtime API call looks it
	// up; counted in the wait group under the lock, so Close either sees it or refuses it.
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		_ = r.Close()
		_ = w.Close()
		sink.discard()
		return ErrShuttingDown
	}
	e.spawnedAt = time.Now()
	p.envs[e.id] = e
	p.wg.Add(3) // log shipper, output pump, process watcher
	p.mu.Unlock()
	go func() {
		defer p.wg.Done()
		logs := &p.logs
		if e.fn.Credentials != nil {
			logs = &logClient{env: p.env, creds: e.fn.Credentials}
		}
		sink.shipper(logs, e.fn.LogGroup, e.stream)
	}()
	err = cmd.Start()
	_ = w.Close()
	if err != nil {
		_ = r.Close()
		sink.close()
		p.mu.Lock()
		delete(p.envs, e.id)
		p.mu.Unlock()
		p.wg.Add(-2)
		return &entrypointError{err: err}
	}
	p.mu.Lock()
	e.pid = cmd.Process.Pid
	if e.state == stateDead { // stopped by Close or Drain while it started
		_ = syscall.Kill(-e.pid, syscall.SIGKILL)
	}
	p.mu.Unlock()
	go func() {
		defer p.wg.Done()
		sink.pump(r)
	}()
	go p.watch(e, cmd)
	return nil
}

// linkCode gives the environment a private working directory that shows the shared,
// unpacked code: files the function creates there stay its own, while the code is
// unpacked only once per CodeSha256.
func linkCode(codeDir, task string) error {
	entries, err := os.ReadDir(codeDir)
	if err != nil {
		return fmt.Errorf("execenv: code directory: %w", err)
	}
	for _, ent := range entries {
		if err := os.Symlink(filepath.Join(codeDir, ent.Name()), filepath.Join(task, ent.Name())); err != nil {
			return fmt.Errorf("execenv: link code: %w", err)
		}
	}
	return nil
}

// reservedEnv lists the variables Lambda sets itself; the function cannot override them.
// TMPDIR and HOME are added so that every environment keeps its files to itself.
var reservedEnv = map[string]bool{
	"_HANDLER": true, "_X_AMZN_TRACE_ID": true, "AWS_DEFAULT_REGION": true, "AWS_REGION": true,
	"AWS_EXECUTION_ENV": true, "AWS_LAMBDA_FUNCTION_NAME": true, "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": true,
	"AWS_LAMBDA_FUNCTION_VERSION": true, "AWS_LAMBDA_INITIALIZATION_TYPE": true, "AWS_LAMBDA_LOG_GROUP_NAME": true,
	"AWS_LAMBDA_LOG_STREAM_NAME": true, "AWS_ACCESS_KEY": true, "AWS_ACCESS_KEY_ID": true,
	"AWS_SECRET_ACCESS_KEY": true, "AWS_SESSION_TOKEN": true, "AWS_LAMBDA_RUNTIME_API": true,
	"LAMBDA_TASK_ROOT": true, "LAMBDA_RUNTIME_DIR": true, "TMPDIR": true, "HOME": true,
}

// environ builds the process environment from nothing, so no host variable leaks in.
func (p *Pool) environ(e *environment, task, tmp string, creds aws.Credentials) []string {
	fn := e.fn
	vars := map[string]string{
		"PATH": "/usr/local/bin:/usr/bin/:/bin:/opt/bin",
		"LANG": "en_US.UTF-8",
		"TZ":   ":UTC",
		// Points the function's own SDK clients back at localaws.
		"AWS_ENDPOINT_URL": p.env.BaseURL(),
	}
	if fn.LogFormat == "JSON" {
		vars["AWS_LAMBDA_LOG_FORMAT"] = "JSON"
		if fn.ApplicationLogLevel != "" {
			vars["AWS_LAMBDA_LOG_LEVEL"] = fn.ApplicationLogLevel
		}
	}
	if e.interp != nil {
		e.interp.environ(vars, task, e.opt) // before the function's own, which may replace them
	}
	for k, v := range fn.Env {
		if !reservedEnv[k] {
			vars[k] = v
		}
	}
	host := strings.TrimPrefix(strings.TrimPrefix(p.env.BaseURL(), "http://"), "https://")
	for k, v := range map[string]string{
		"AWS_LAMBDA_RUNTIME_API":          host + "/_localaws/runtime/" + e.id,
		"AWS_LAMBDA_FUNCTION_NAME":        fn.Name,
		"AWS_LAMBDA_FUNCTION_VERSION":     fn.Version,
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": fmt.Sprint(fn.MemoryMB),
		"AWS_LAMBDA_LOG_GROUP_NAME":       fn.LogGroup,
		"AWS_LAMBDA_LOG_STREAM_NAME":      e.stream,
		"AWS_LAMBDA_INITIALIZATION_TYPE":  "on-demand",
		"AWS_REGION":                      p.env.Region,
		"AWS_DEFAULT_REGION":              p.env.Region,
		"AWS_EXECUTION_ENV":               "AWS_Lambda_" + fn.Runtime,
		"_HANDLER":                        fn.Handler,
		"LAMBDA_TASK_ROOT":                task,
		"AWS_ACCESS_KEY_ID":               creds.AccessKeyID,
		"AWS_SECRET_ACCESS_KEY":           creds.SecretAccessKey,
		"AWS_SESSION_TOKEN":               creds.SessionToken,
		"TMPDIR":                          tmp,
		"HOME":                            e.dir,
	} {
		vars[k] = v
	}
	env := make([]string, 0, len(vars))
	for k, v := range vars {
		env = append(env, k+"="+v)
	}
	return env
}

// serverKeys are the credentials of a function without an execution role session (IAM
// not enforced): keys localaws did not issue, which act as the account's administrator.
var serverKeys = aws.Credentials{AccessKeyID: "LOCALAWSACCESSKEY", SecretAccessKey: "localaws", SessionToken: "localaws"}

// credentialsTimeout bounds getting an execution role session for a new environment.
const credentialsTimeout = 10 * time.Second

// credentials are the keys a new environment gets: its execution role's session, as
// Lambda gives them, or serverKeys. A role Lambda cannot assume fails the start.
func (p *Pool) credentials(fn Function) (aws.Credentials, error) {
	if fn.Credentials == nil {
		return serverKeys, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), credentialsTimeout)
	defer cancel()
	return fn.Credentials.Retrieve(ctx)
}

// watch reaps the process, then kills what is left of its group: Lambda resets the whole
// sandbox when the runtime exits.
func (p *Pool) watch(e *environment, cmd *exec.Cmd) {
	defer p.wg.Done()
	err := cmd.Wait()
	_ = syscall.Kill(-e.pid, syscall.SIGKILL)
	p.mu.Lock()
	e.exitErr = err
	e.reaped = true
	p.killLocked(e)
	delete(p.envs, e.id)
	closeLog := !e.inFlight // else the invocation's END and REPORT lines are still to come
	p.mu.Unlock()
	close(e.exited)
	_ = os.RemoveAll(filepath.Join(e.dir, "tmp"))
	if closeLog {
		e.log.close()
	}
}

// killLocked takes e out of service and kills its process group.
func (p *Pool) killLocked(e *environment) {
	if e.state != stateDead {
		e.state = stateDead
		if stack := p.idle[e.key]; len(stack) > 0 {
			kept := stack[:0]
			for _, x := range stack {
				if x != e {
					kept = append(kept, x)
				}
			}
			p.setIdleLocked(e.key, kept)
		}
	}
	if !e.reaped && e.pid > 0 {
		_ = syscall.Kill(-e.pid, syscall.SIGKILL)
	}
}

func (p *Pool) wasReady(e *environment) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return e.ready
}

func (p *Pool) initDuration(e *environment) time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	return e.initDur
}
