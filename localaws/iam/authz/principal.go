package authz

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/core"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/iam/identity"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/iam/policy"
)

// administratorAccess is AWS's AdministratorAccess policy, the admin user's only one.
const administratorAccess = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`

// AdministratorAccessARN names it in decisions.
const AdministratorAccessARN = "arn:aws:iam::aws:policy/AdministratorAccess"

// Principal is a resolved caller: who it is, the policies that speak for it and the
// global condition keys it brings to every request.
type Principal struct {
	// ARN is the caller as AccessDenied messages name it.
	ARN string
	// Match is what resource and trust policies' Principal elements are matched against.
	Match policy.Principal
	// Policies are the identity, boundary and session policies (Resource is per request).
	Policies policy.Set
	// Keys are the principal's global condition keys (aws:PrincipalArn, aws:PrincipalTag/…).
	Keys map[string][]string
	// Session is the issued session behind the caller; nil for the admin user.
	Session *identity.Session
}

// Resolve finds the principal of the caller in ctx; requests without localaws-issued
// credentials are the admin user. Expired session credentials are a
// *core.ExpiredTokenError.
func (a *Authorizer) Resolve(ctx context.Context) (*Principal, error) {
	c, _ := core.CallerFrom(ctx)
	s, ok := a.ids.Lookup(c.AccessKeyID)
	if !ok {
		return a.admin(), nil
	}
	if s.Expired(a.ids.Now()) {
		return nil, &core.ExpiredTokenError{}
	}
	if s.Service != "" {
		return &Principal{ARN: s.Service, Match: policy.Principal{Service: s.Service}, Session: &s,
			Keys: map[string][]string{
				"aws:SourceArn": {s.SourceARN}, "aws:SourceAccount": {s.SourceAccount},
				"aws:PrincipalServiceName": {s.Service}, "aws:PrincipalIsAWSService": {"true"},
			}}, nil
	}
	return a.roleSession(&s), nil
}

func (a *Authorizer) admin() *Principal {
	arn := a.env.ARN("iam", "", "user/"+identity.AdminUser)
	return &Principal{ARN: arn, Match: policy.Principal{ARN: arn},
		Policies: policy.Set{Identity: []policy.Named{{Name: AdministratorAccessARN, Policy: a.adminPolicy}}},
		Keys: map[string][]string{
			"aws:PrincipalArn": {arn}, "aws:PrincipalAccount": {a.env.Account}, "aws:userid": {identity.AdminUserID},
			"aws:username": {identity.AdminUser}, "aws:PrincipalType": {"User"}, "aws:PrincipalIsAWSService": {"false"},
		}}
}

// roleSession is a session's principal with its role's policies as they are now: IAM
// changes apply to the next request (AWS takes a few seconds to propagate them).
func (a *Authorizer) roleSession(s *identity.Session) *Principal {
	p := &Principal{ARN: s.ARN(a.env.Account), Session: s,
		Match: policy.Principal{ARN: s.ARN(a.env.Account), RoleARN: s.RoleARN},
		Keys: map[string][]string{
			"aws:PrincipalArn": {s.RoleARN}, "aws:PrincipalAccount": {a.env.Account}, "aws:userid": {s.UserID()},
			"aws:PrincipalType": {"AssumedRole"}, "aws:PrincipalIsAWSService": {"false"},
			"aws:TokenIssueTime": {s.Issued.UTC().Format(time.RFC3339)},
		}}
	var roleTags []identity.Tag
	if dir := a.ids.Directory(); dir != nil {
		if role, ok := dir.RoleByARN(s.RoleARN); ok {
			roleTags = role.Tags
			p.Policies = a.rolePolicies(role)
		}
	}
	if s.Policy != "" || len(s.PolicyARNs) > 0 {
		docs := a.sessionPolicies(s)
		p.Policies.Session = append([]policy.Named{}, a.parseAll(docs)...)
	}
	for k, v := range PrincipalTags(roleTags, s.Tags) {
		p.Keys["aws:PrincipalTag/"+k] = []string{v}
	}
	return p
}

// rolePolicies are a role's identity policies and permissions boundary.
func (a *Authorizer) rolePolicies(role identity.Role) policy.Set {
	set := policy.Set{Identity: a.parseAll(role.Policies)}
	if role.Boundary != nil {
		set.Boundary = a.parseAll([]identity.Document{*role.Boundary})
	}
	return set
}

// PrincipalTags merges role tags with session tags; a session tag overrides a role tag
// whose key is equal regardless of case.
func PrincipalTags(role, session []identity.Tag) map[string]string {
	out := map[string]string{}
	fold := map[string]string{}
	for _, tags := range [][]identity.Tag{role, session} {
		for _, t := range tags {
			if prev, ok := fold[strings.ToLower(t.Key)]; ok {
				delete(out, prev)
			}
			fold[strings.ToLower(t.Key)] = t.Key
			out[t.Key] = t.Value
		}
	}
	return out
}

// sessionPolicies are the inline session policy and the managed ones passed by ARN.
func (a *Authorizer) sessionPolicies(s *identity.Session) []identity.Document {
	var docs []identity.Document
	if s.Policy != "" {
		docs = append(docs, identity.Document{ID: "session policy", Text: s.Policy})
	}
	dir := a.ids.Directory()
	for _, arn := range s.PolicyARNs {
		if dir == nil {
			break
		}
		if d, ok := dir.ManagedPolicy(arn); ok {
			docs = append(docs, d)
		}
	}
	return docs
}

// parseAll parses documents through the cache; one that does not parse (IAM checked it
// when it was stored) grants nothing.
func (a *Authorizer) parseAll(docs []identity.Document) []policy.Named {
	out := make([]policy.Named, 0, len(docs))
	for _, d := range docs {
		p, err := a.cache.Parse(d.Text)
		if err != nil {
			a.env.Logger.Warn("policy does not parse; it grants nothing", "policy", d.ID, "err", err)
			continue
		}
		out = append(out, policy.Named{Name: d.ID, Policy: p})
	}
	return out
}

// requestKeys are the keys every request carries, on top of the principal's own.
func (a *Authorizer) requestKeys(ctx context.Context) map[string][]string {
	c, _ := core.CallerFrom(ctx)
	now := a.env.Clock.Now().UTC()
	keys := map[string][]string{
		"aws:CurrentTime":     {now.Format(time.RFC3339)},
		"aws:EpochTime":       {strconv.FormatInt(now.Unix(), 10)},
		"aws:SecureTransport": {strconv.FormatBool(c.SecureTransport)},
		"aws:RequestedRegion": {a.env.Region},
	}
	if c.SourceIP != "" {
		keys["aws:SourceIp"] = []string{c.SourceIP}
	}
	return keys
}
