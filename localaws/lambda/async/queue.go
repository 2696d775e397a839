// Package async runs Lambda's asynchronous invocations: queued events, two retries
// with backoff, maximum event age, and on-success / on-failure destinations.
package async

import (
	"context"
	"time"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/core"
)

// Config is a function's event invoke config (PutFunctionEventInvokeConfig).
type Config struct {
	MaximumRetryAttempts int           // 0-2; AWS default 2
	MaximumEventAge      time.Duration // 60 s - 6 h; AWS default 6 h
	OnSuccess            string        // destination ARN (SQS queue or Lambda function), or ""
	OnFailure            string
}

// Event is one queued async invocation.
type Event struct {
	FunctionARN string // unqualified
	Qualifier   string // "$LATEST" or a version
	TenantID    string
	RequestID   string
	Payload     []byte
	EnqueuedAt  time.Time
}

// InvokeFunc runs ev synchronously. functionError is "" or "Unhandled".
type InvokeFunc func(ctx context.Context, ev Event) (out []byte, functionError string, err error)

// ConfigFunc returns the event invoke config of a function and qualifier.
type ConfigFunc func(functionARN, qualifier string) Config

// Queue holds async events.
type Queue struct {
	env    *core.Env
	invoke InvokeFunc
	config ConfigFunc
}

// New builds a queue.
func New(env *core.Env, invoke InvokeFunc, config ConfigFunc) *Queue {
	return &Queue{env: env, invoke: invoke, config: config}
}

// Enqueue accepts ev; it returns at once (the 202 of an Event invoke).
func (q *Queue) Enqueue(ev Event) {}

// Close stops delivery and waits for in-flight invokes.
func (q *Queue) Close() error { return nil }
