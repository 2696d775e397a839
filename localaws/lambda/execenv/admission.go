package execenv

import (
	"net/http"
	"regexp"
	"time"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/protocol"
)

// Admission: what an invocation must pass before it gets an environment (its runtime,
// tenancy and the concurrency limits), counted in and out of the pool.

// tenantPattern is AWS's rule for X-Amz-Tenant-Id.
var tenantPattern = regexp.MustCompile(`^[a-zA-Z0-9._:/=+\-@ ]{1,256}$`)

// ValidTenantID reports whether id satisfies AWS's TenantId rule (1-256 characters of
// [a-zA-Z0-9._:/=+-@ ]).
func ValidTenantID(id string) bool { return tenantPattern.MatchString(id) }

func withDefaults(fn Function) Function {
	if fn.Version == "" {
		fn.Version = "$LATEST"
	}
	if fn.Timeout <= 0 {
		fn.Timeout = 3 * time.Second
	}
	if fn.MemoryMB <= 0 {
		fn.MemoryMB = 128
	}
	if fn.Architecture == "" {
		fn.Architecture = "x86_64"
	}
	if fn.LogGroup == "" {
		fn.LogGroup = "/aws/lambda/" + fn.Name
	}
	return fn
}

func supportedRuntime(r string) bool {
	switch r {
	case "provided.al2023", "provided.al2", "provided":
		return true
	}
	return false
}

// checkTenant applies Lambda's tenancy rules; the control plane checks them too, but
// the pool must never key an isolated function's environment without a tenant.
func checkTenant(fn Function, tenantID string) error {
	switch {
	case fn.PerTenant && tenantID == "":
		return invalidParameter("The invoked function is enabled with tenancy configuration. " +
			"Add a valid tenant ID in your request and try again.")
	case !fn.PerTenant && tenantID != "":
		return invalidParameter("The invoked function is not enabled with tenancy configuration. " +
			"Remove the tenant ID from your request and try again.")
	case tenantID != "" && !ValidTenantID(tenantID):
		return invalidParameter("1 validation error detected: Value at 'tenantId' failed to satisfy constraint: " +
			"Member must satisfy regular expression pattern: [a-zA-Z0-9\\._:\\/=+\\-@ ]+ and length 1-256")
	}
	return nil
}

func invalidParameter(msg string) error {
	return &protocol.Error{Code: "InvalidParameterValueException", HTTPStatus: http.StatusBadRequest, Message: msg}
}

func throttled(reason string) error {
	return &protocol.Error{Code: "TooManyRequestsException", HTTPStatus: http.StatusTooManyRequests,
		Message: "Rate Exceeded.", Fields: map[string]string{"Reason": reason}}
}

func shuttingDown() error {
	return &protocol.Error{Code: "ServiceException", HTTPStatus: http.StatusServiceUnavailable, Type: "Service",
		Message: "localaws is shutting down"}
}

// admit counts an invocation against the function's reserved concurrency and the
// account's limit, as Lambda throttles before it looks for an environment.
func (p *Pool) admit(fn Function) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case p.closed:
		return shuttingDown()
	case fn.ReservedConcurrency >= 0 && p.inflightByFunc[fn.Name] >= fn.ReservedConcurrency:
		return throttled("ReservedFunctionConcurrentInvocationLimitExceeded")
	case p.inflight >= p.maxConcurrency:
		return throttled("ConcurrentInvocationLimitExceeded")
	}
	p.inflight++
	p.inflightByFunc[fn.Name]++
	return nil
}

func (p *Pool) leave(fn Function) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.inflight--
	if p.inflightByFunc[fn.Name]--; p.inflightByFunc[fn.Name] <= 0 {
		delete(p.inflightByFunc, fn.Name)
	}
}
