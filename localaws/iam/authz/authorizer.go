package authz

import (
	"context"
	"strings"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/core"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/iam/identity"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/iam/policy"
)

// Authorizer decides requests with IAM's evaluation logic. It is safe for concurrent use.
type Authorizer struct {
	env         *core.Env
	ids         *identity.Store
	cache       policy.Cache
	adminPolicy *policy.Policy
	// Decisions holds the recent decisions, served at /_localaws/iam/decisions.
	Decisions *Decisions
}

// New builds the authorizer of env, reading principals and policies from env.Identity.
func New(env *core.Env) *Authorizer {
	admin, err := policy.Parse(administratorAccess)
	if err != nil {
		panic(err) // a constant
	}
	return &Authorizer{env: env, ids: env.Identity, adminPolicy: admin, Decisions: NewDecisions(decisionsKept)}
}

// decisionsKept bounds the decisions remembered.
const decisionsKept = 1000

// Authorize decides each request for the caller in ctx and returns the first denial as
// a *core.AccessDeniedError. A caller whose session expired gets a
// *core.ExpiredTokenError even for requests that need no permission.
func (a *Authorizer) Authorize(ctx context.Context, reqs ...core.AccessRequest) error {
	p, err := a.Resolve(ctx)
	if err != nil {
		return err
	}
	base := a.requestKeys(ctx)
	for _, req := range reqs {
		d := a.Decide(p, base, req)
		a.Decisions.record(p.ARN, req, d)
		if !d.Allowed {
			a.env.Logger.Info("access denied", "principal", p.ARN, "action", req.Action, "resource", req.Resource,
				"effect", d.Effect, "because", d.Because)
			return &core.AccessDeniedError{Caller: p.ARN, Action: req.Action, Resource: req.Resource, Because: d.Because}
		}
		a.env.Logger.Debug("access allowed", "principal", p.ARN, "action", req.Action, "resource", req.Resource,
			"policy", matchedPolicy(d))
	}
	return nil
}

// Decide evaluates one request for p; base holds the request-wide keys.
func (a *Authorizer) Decide(p *Principal, base map[string][]string, req core.AccessRequest) policy.Decision {
	r := policy.Request{Action: req.Action, Resource: req.Resource, Principal: p.Match,
		Context: make(map[string][]string, len(base)+len(p.Keys)+len(req.Keys))}
	for _, keys := range []map[string][]string{base, p.Keys, req.Keys} {
		for k, v := range keys {
			r.Context[k] = v
		}
	}
	set := p.Policies
	if doc, ok := a.resourcePolicy(req.Resource); ok {
		set.Resource = a.parseAll([]identity.Document{doc})
	}
	set.RequireResource = isTrust(req)
	return policy.Evaluate(r, set)
}

// resourcePolicy finds the policy of the resource an ARN names, from the service that
// owns it.
func (a *Authorizer) resourcePolicy(resource string) (identity.Document, bool) {
	parts := strings.SplitN(resource, ":", 4)
	if len(parts) < 4 || parts[0] != "arn" {
		return identity.Document{}, false
	}
	rp := a.ids.ResourcePolicies(parts[2])
	if rp == nil {
		return identity.Document{}, false
	}
	doc, ok := rp.ResourcePolicy(resource)
	if !ok || doc == "" {
		return identity.Document{}, false
	}
	return identity.Document{ID: resource + " resource policy", Text: doc}, true
}

// isTrust reports whether a request is decided by a role's trust policy.
func isTrust(req core.AccessRequest) bool {
	action := strings.ToLower(req.Action)
	return (action == "sts:assumerole" || action == "sts:tagsession") && strings.Contains(req.Resource, ":role/")
}

func matchedPolicy(d policy.Decision) string {
	if d.Matched == nil {
		return ""
	}
	return d.Matched.Policy
}
