package core

import (
	"context"
	"fmt"
)

// AccessRequest asks whether the caller of a request may perform one IAM action on one
// resource. An operation that touches several resources (a batch over two tables, a
// rule with targets) asks once per resource.
type AccessRequest struct {
	// Action is the IAM action, e.g. "sqs:SendMessage".
	Action string
	// Resource is the resource ARN, or "*" for actions without a resource type.
	Resource string
	// Keys are the request's own condition keys: "aws:RequestTag/<k>", "aws:TagKeys",
	// service keys such as "dynamodb:LeadingKeys". Principal and global keys
	// (aws:PrincipalArn, aws:SourceArn, aws:CurrentTime…) are added by the Authorizer.
	Keys map[string][]string
}

// Authorizer decides AccessRequests for the caller found in ctx (see WithCaller).
type Authorizer interface {
	// Authorize returns nil when every request is allowed, else an *AccessDeniedError
	// for the first one denied.
	Authorize(ctx context.Context, reqs ...AccessRequest) error
}

// AllowAll is the Authorizer when enforcement is off.
type AllowAll struct{}

// Authorize allows everything.
func (AllowAll) Authorize(context.Context, ...AccessRequest) error { return nil }

// AccessDeniedError is a denied request. Each service's codec renders it with that
// service's own AccessDenied code and status.
type AccessDeniedError struct {
	// Caller is the principal's ARN, e.g. arn:aws:sts::000000000000:assumed-role/r/s.
	Caller   string
	Action   string
	Resource string
	// Because completes AWS's sentence, e.g. "no identity-based policy allows the
	// sqs:SendMessage action" or "with an explicit deny in an identity-based policy".
	Because string
}

func (e *AccessDeniedError) Error() string {
	return fmt.Sprintf("User: %s is not authorized to perform: %s on resource: %s %s",
		e.Caller, e.Action, e.Resource, e.Because)
}

// Caller identifies who signed a request: the SigV4 access key ID and, for temporary
// credentials, the session token. The Authorizer resolves it to a principal.
type Caller struct {
	AccessKeyID  string
	SessionToken string
	// SecureTransport is aws:SecureTransport: whether the request came over TLS.
	SecureTransport bool
	// SourceIP is aws:SourceIp.
	SourceIP string
}

type callerKey struct{}

// WithCaller stores the request's caller; the server sets it before a service runs.
func WithCaller(ctx context.Context, c Caller) context.Context {
	return context.WithValue(ctx, callerKey{}, c)
}

// CallerFrom returns the caller of the current request; ok is false for requests that
// carry no credentials.
func CallerFrom(ctx context.Context) (Caller, bool) {
	c, ok := ctx.Value(callerKey{}).(Caller)
	return c, ok
}

// ExpiredTokenError is a request signed with session credentials past their expiry.
// Each codec renders it as its service's ExpiredToken error.
type ExpiredTokenError struct{}

func (*ExpiredTokenError) Error() string {
	return "The security token included in the request is expired"
}
