// Package execenv is the Lambda data plane: it unpacks function code, runs each
// execution environment as a child process that speaks the Lambda Runtime API to this
// server, and pools environments per (function, version, tenant) for PER_TENANT
// functions so that an environment never serves two tenants.
package execenv

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/core"
)

// Function is what the pool needs to start and invoke an environment.
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
	PerTenant    bool              // TenancyConfig.TenantIsolationMode == PER_TENANT
	LogGroup     string            // e.g. /aws/lambda/<name>
	// ReservedConcurrency caps concurrent environments; -1 means unreserved.
	ReservedConcurrency int
}

// Result is one finished invocation.
type Result struct {
	Payload []byte
	// FunctionError is "" on success, else "Unhandled" (AWS's X-Amz-Function-Error).
	FunctionError   string
	EnvironmentID   string
	ExecutedVersion string
	Duration        time.Duration
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
	ColdStart     bool      `json:"-"`
	StartedAt     time.Time `json:"started_at"`
}

// Pool runs execution environments.
type Pool struct {
	env *core.Env
}

// New builds an empty pool.
func New(env *core.Env) *Pool { return &Pool{env: env} }

// Invoke runs payload in an environment of fn for tenantID ("" for functions without
// tenant isolation), starting one when none is idle. Errors the caller should return
// to the client are *protocol.Error.
func (p *Pool) Invoke(ctx context.Context, fn Function, tenantID, requestID string, payload []byte) (Result, error) {
	return Result{}, errors.New("execenv: not implemented")
}

// Environments lists every live environment.
func (p *Pool) Environments() []EnvironmentInfo { return nil }

// Drain stops every environment of the function (on delete or code/config update).
func (p *Pool) Drain(functionName string) {}

// AdminRoutes serves the Runtime API under /_localaws/runtime/{env}/2018-06-01/.
func (p *Pool) AdminRoutes(mux *http.ServeMux) {}

// Close stops every environment process.
func (p *Pool) Close() error { return nil }
