package isolation

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
)

// ErrNoTenant is returned when an invocation carries no tenant ID. For a PER_TENANT function this means the handler
// runs outside an invocation, or the function was created without tenancy_config.
var ErrNoTenant = errors.New("isolation: the invocation has no tenant ID; create the function with " +
	"tenancy_config PER_TENANT and invoke it with a TenantId")

// ViolationError says that one execution environment was handed two tenants.
type ViolationError struct {
	Bound    string // the tenant the environment was bound to
	Received string // the other tenant
}

func (e *ViolationError) Error() string {
	return fmt.Sprintf("isolation: environment bound to tenant %q received tenant %q", e.Bound, e.Received)
}

// Guard binds an execution environment (one process) to the first tenant it serves and fails every later invocation
// for another tenant. Create one per process, at init, and call Check at the start of every invocation.
//
// With tenancy_config PER_TENANT, Lambda never reuses an environment across tenants, so a violation means the
// isolation promise is broken and state in this process may already hold another tenant's data. The guard therefore
// stays tripped: after the first violation every invocation fails, the bound tenant's included, until Lambda replaces
// the environment. Each failure is logged at ERROR with the message "isolation violated".
//
// A Guard is safe for concurrent use.
type Guard struct {
	log     *slog.Logger
	mu      sync.Mutex
	bound   string
	tripped *ViolationError
}

// NewGuard returns a Guard that logs to logger (nil means slog.Default()).
func NewGuard(logger *slog.Logger) *Guard {
	if logger == nil {
		logger = slog.Default()
	}
	return &Guard{log: logger}
}

// Check returns the invocation's tenant, or an error that must fail the invocation: ErrNoTenant, or a
// *ViolationError when this environment has served another tenant.
func (g *Guard) Check(ctx context.Context) (string, error) {
	id, ok := TenantID(ctx)
	if !ok {
		g.log.LogAttrs(ctx, slog.LevelError, "invocation without tenant", slog.String("error", ErrNoTenant.Error()))
		return "", ErrNoTenant
	}

	g.mu.Lock()
	if g.bound == "" {
		g.bound = id
	}
	bound := g.bound
	if id != bound && g.tripped == nil {
		g.tripped = &ViolationError{Bound: bound, Received: id}
	}
	tripped := g.tripped
	g.mu.Unlock()

	if id == bound && tripped == nil {
		return id, nil
	}
	err := &ViolationError{Bound: bound, Received: id}
	attrs := []slog.Attr{
		slog.String("boundTenantId", bound),
		slog.String("receivedTenantId", id),
	}
	if id == bound {
		// The bound tenant after an earlier violation: say which one tripped the guard.
		attrs = append(attrs, slog.String("violatingTenantId", tripped.Received))
	}
	g.log.LogAttrs(ctx, slog.LevelError, "isolation violated", attrs...)
	return "", err
}

// Tenant returns the tenant the guard is bound to, if any.
func (g *Guard) Tenant() (string, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.bound, g.bound != ""
}

// Handler wraps a Lambda handler so that Guard.Check runs first and its error fails the invocation:
//
//	lambda.Start(isolation.Handler(isolation.NewGuard(logger), handle))
func Handler[TIn, TOut any](g *Guard, h func(context.Context, TIn) (TOut, error)) func(context.Context, TIn) (TOut, error) {
	return func(ctx context.Context, in TIn) (TOut, error) {
		if _, err := g.Check(ctx); err != nil {
			var zero TOut
			return zero, err
		}
		return h(ctx, in)
	}
}
