// Package execenv is the Lambda data plane: it unpacks function code, runs each
// execution environment as a child process that speaks the Lambda Runtime API to this
// server, and pools environments per (function, version, code, tenant) for PER_TENANT
// functions so that an environment never serves two tenants.
//
// # Environments
//
// A deployment package is unpacked once per CodeSha256 into StateDir/code/<sha>/. Each
// environment is a process in its own process group, so that a timeout, a drain or
// Close kills whatever the bootstrap started too. It gets StateDir/envs/<id>/ for
// itself: task/ is its working directory and LAMBDA_TASK_ROOT (links to the shared
// code, so files it writes stay its own), tmp/ is its TMPDIR, and output.log keeps a
// copy of its log. Its environment is built from nothing: the function's variables,
// Lambda's reserved ones (which the function cannot override), fake credentials, and
// AWS_ENDPOINT_URL pointing back at localaws. No host variable leaks in.
//
// An environment is busy from dispatch until the runtime answers, and becomes idle
// again at once; the runtime picks up the next invocation on its next /next. When a
// runtime dies between two invocations (aws-lambda-go exits after reporting a panic),
// the invocation that was waiting for it never started, so it goes to a fresh
// environment instead of failing.
//
// # Managed runtimes
//
// python3.x and nodejs* functions run on the host's interpreter: the one named for the
// runtime (python3.12, node22) when it runs, else python3 or node. Each environment
// starts the interpreter on this package's runtime interface client (clients/, embedded
// and written under StateDir/runtime/ once per content), which loads _HANDLER from
// LAMBDA_TASK_ROOT and speaks the Runtime API as AWS's clients do, errors included. The
// version probe also reads the real executable, so a version manager's shim is not
// started per environment. INIT_START names the interpreter and its version; a version
// other than the runtime's is logged once per function as a warning, and only a missing
// interpreter, or one older than the client needs (Python 3.9, Node.js 18), is an
// InvalidRuntimeError, whose Reason names the binary and how to install it. Layers are
// unpacked in order, once per list, into one directory that stands for /opt, which
// PYTHONPATH and NODE_PATH name as Lambda's do.
//
// # Failures
//
// Problems of the function are results with FunctionError "Unhandled", shaped as Lambda
// shapes them:
//   - timeout: the process group is killed and the payload is
//     {"errorType":"Sandbox.Timedout","errorMessage":"RequestId: <id> Error: Task timed out after 3.00 seconds"};
//   - a process that exits during an invocation or init: "Runtime.ExitError", "Runtime
//     exited with error: exit status N";
//   - POST /runtime/init/error: the posted error, and the environment is discarded;
//   - a response over 6 MB: "Function.ResponseSizeTooLarge";
//   - a bootstrap that cannot run here: "Runtime.InvalidEntrypoint" with Lambda's
//     "fork/exec .../bootstrap: exec format error", followed by the fix (for an arm64
//     build on an x86_64 host: build the zip with ARCH=amd64 and set architectures =
//     ["x86_64"]). Lambda reports a wrong-architecture bootstrap this way, as a function
//     error rather than a service error, so callers (ESM, async retries) treat it as
//     the function failing, which it is.
//
// Problems of the request or the service are the typed errors of errors.go, which say
// what happened in the pool's terms and leave the AWS error to the Lambda API layer:
// ThrottledError with its reason (the function's reserved concurrency, the account's
// limit, or an injected throttle), ErrShuttingDown, InvalidRuntimeError for runtimes
// other than provided.*, python3.x and nodejs* (or a managed runtime without a usable
// interpreter on the host), and PackageError for a package that cannot be unpacked. The
// pool trusts the Function and tenant it is given: the tenancy rules and the defaults
// are the control plane's, and only an incomplete Function is refused.
//
// # Fault injection
//
// Every invocation is planned against the function's faults.Config (set through
// /_localaws/faults or LOCALAWS_FAULTS, see package faults) at the top of Pool.invoke, so
// that direct invokes, ESM pollers and async deliveries all take it. A planned throttle is
// refused before the code is unpacked or an environment taken. Everything else happens
// after delivery to the environment and before the runtime's /next answer: the latency
// hold, the hang of an injected timeout (ended by the timeout, which discards the
// environment), and the injected error, answered in the runtime's place while the runtime
// keeps waiting. So all of it counts in the duration and towards the timeout and is
// logged between START and END. An injected kill is a timer armed at delivery; when it
// fires on a still-running invocation it answers it with Runtime.ExitError ("signal:
// killed") and SIGKILLs the process group, under the pool's lock, so that a late answer
// of the dying runtime cannot win.
//
// # Logs
//
// Each environment writes to its own stream, YYYY/MM/DD/[<version>]<32 hex id>, in the
// function's log group, created on first use and fed in batches by a CloudWatch Logs
// client, never on the invocation's path. START/END/REPORT lines (platform.start and
// platform.report events, with tenantId, for JSON log format) frame each invocation;
// the output the process wrote before answering is logged before END. A log group that
// does not exist is created, without tags, with the first stream, as Lambda creates
// /aws/lambda/<function> (or the configured group) on first output. A group or stream
// that cannot be created turns shipping off for that environment with one warning; the
// file copy stays.
//
// # Performance
//
// Measured with this package's benchmarks on 2 cores shared with other builds (load
// average 8 to 30): a warm invoke through Pool.Invoke takes 0.3 to 0.6 ms, against
// 0.01 ms for the same handler called in-process, so the pool adds at most about 0.6 ms
// (two loopback HTTP round trips of the Runtime API and the log lines). A cold start of a
// Go bootstrap, spawn to the answer of its first invocation, takes 4 to 7 ms, of which
// 3 to 4.5 ms is spawn to first /next. BenchmarkColdStart and BenchmarkWarmInvoke run Go,
// Python and Node.js functions side by side (make bench-runtimes): on an idle machine a
// Python cold start takes about 93 ms and a Node.js one 65 ms, nearly all of it the
// interpreter and the runtime client starting, and a warm invoke 0.65 and 1.24 ms.
package execenv
