package execenv

import (
	"errors"
	"fmt"
)

// Errors of Invoke other than function errors. They say what happened in the pool's
// terms; the Lambda API layer alone turns them into AWS errors, so callers act on a
// type and never on a message.

// ThrottleReason says which limit refused an invocation.
type ThrottleReason int

const (
	// FunctionLimit is the function's reserved concurrency.
	FunctionLimit ThrottleReason = iota + 1
	// AccountLimit is the account's concurrency (WithMaxConcurrency).
	AccountLimit
	// InjectedThrottle is a throttle drawn by fault injection (package faults).
	InjectedThrottle
)

func (r ThrottleReason) String() string {
	switch r {
	case FunctionLimit:
		return "function concurrency limit"
	case AccountLimit:
		return "account concurrency limit"
	case InjectedThrottle:
		return "injected throttle"
	}
	return fmt.Sprintf("ThrottleReason(%d)", int(r))
}

// ThrottledError is an invocation refused before it reached an environment.
type ThrottledError struct{ Reason ThrottleReason }

func (e *ThrottledError) Error() string { return "execenv: throttled by the " + e.Reason.String() }

// ErrShuttingDown is an invocation refused or abandoned because the pool is closing.
var ErrShuttingDown = errors.New("execenv: the pool is shutting down")

// InvalidRuntimeError is a function whose runtime the pool cannot run: a runtime other
// than provided.*, python3.x and nodejs*, or a managed runtime whose interpreter the host
// lacks (Reason then names the binary and how to install it).
type InvalidRuntimeError struct {
	Runtime string
	Reason  string
}

func (e *InvalidRuntimeError) Error() string {
	if e.Reason != "" {
		return fmt.Sprintf("execenv: runtime %q cannot run here: %s", e.Runtime, e.Reason)
	}
	return fmt.Sprintf("execenv: runtime %q cannot run here: only provided.*, python3.x and nodejs* runtimes do", e.Runtime)
}

// PackageError is a deployment package that cannot be unpacked.
type PackageError struct {
	Function string
	Err      error
}

func (e *PackageError) Error() string {
	return fmt.Sprintf("execenv: cannot unpack the deployment package of %s: %v", e.Function, e.Err)
}

func (e *PackageError) Unwrap() error { return e.Err }
