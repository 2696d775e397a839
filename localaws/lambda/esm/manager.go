// Package esm runs SQS event source mappings: one poller per enabled mapping that
// receives batches, invokes the function synchronously with an events.SQSEvent, and
// deletes what succeeded.
package esm

import (
	"context"
	"time"

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
}

// InvokeFunc invokes a function synchronously. functionError is "" or "Unhandled".
type InvokeFunc func(ctx context.Context, functionARN string, payload []byte) (out []byte, functionError string, err error)

// Manager owns the pollers.
type Manager struct {
	env    *core.Env
	invoke InvokeFunc
}

// New builds a manager that invokes through invoke.
func New(env *core.Env, invoke InvokeFunc) *Manager { return &Manager{env: env, invoke: invoke} }

// Put starts, updates or stops (when !Enabled) the poller of m.
func (m *Manager) Put(mp Mapping) {}

// Remove stops and forgets a mapping.
func (m *Manager) Remove(uuid string) {}

// Close stops every poller and waits for in-flight batches.
func (m *Manager) Close() error { return nil }
