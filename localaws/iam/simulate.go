package iam

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"sync"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/iam/authz"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/iam/policy"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/protocol"
)

// SimulatePrincipalPolicy and SimulateCustomPolicy answer with the evaluator that
// authorises requests, so a test can ask "may the router do X?" the same way here and
// in an account.

// EvaluationResult is one member of EvaluationResults.
type EvaluationResult struct {
	EvalActionName    string             `xml:"EvalActionName"`
	EvalResourceName  string             `xml:"EvalResourceName"`
	EvalDecision      string             `xml:"EvalDecision"`
	MatchedStatements []MatchedStatement `xml:"MatchedStatements>member"`
	// MissingContextValues is always empty: the evaluator treats missing keys as AWS does.
	MissingContextValues []string                `xml:"MissingContextValues>member"`
	BoundaryDetail       *BoundaryDecisionDetail `xml:"PermissionsBoundaryDecisionDetail,omitempty"`
}

// MatchedStatement names the statement that decided.
type MatchedStatement struct {
	SourcePolicyID   string `xml:"SourcePolicyId"`
	SourcePolicyType string `xml:"SourcePolicyType"`
}

// BoundaryDecisionDetail is PermissionsBoundaryDecisionDetail.
type BoundaryDecisionDetail struct {
	AllowedByPermissionsBoundary bool `xml:"AllowedByPermissionsBoundary"`
}

// SimulationResult is the result of both simulations.
type SimulationResult struct {
	EvaluationResults []EvaluationResult `xml:"EvaluationResults>member"`
	Page
}

// simulator is the evaluator behind the simulations, built on first use because the
// server hands out its identity store after the services are built.
type simulator struct {
	once sync.Once
	a    *authz.Authorizer
}

// SimulatePrincipalPolicy simulates a role's (or the admin user's) policies, with any
// further policies given.
func (s *Service) SimulatePrincipalPolicy(_ context.Context, form url.Values) (any, error) {
	source := form.Get("PolicySourceArn")
	if source == "" {
		return nil, validationError("1 validation error detected: Value null at 'policySourceArn' failed to satisfy constraint: Member must not be null")
	}
	return s.simulate(form, source)
}

// SimulateCustomPolicy simulates the given policies alone.
func (s *Service) SimulateCustomPolicy(_ context.Context, form url.Values) (any, error) {
	if len(protocol.Members(form, "PolicyInputList.member")) == 0 {
		return nil, validationError("1 validation error detected: Value null at 'policyInputList' failed to satisfy constraint: Member must not be null")
	}
	return s.simulate(form, "")
}

func (s *Service) simulate(form url.Values, source string) (any, error) {
	sim := authz.Simulation{Source: source, ResourcePolicy: form.Get("ResourcePolicy"), Caller: form.Get("CallerArn"),
		Policies: scalars(form, "PolicyInputList"), Boundaries: scalars(form, "PermissionsBoundaryPolicyInputList"),
		Actions: scalars(form, "ActionNames"), Resources: scalars(form, "ResourceArns"), Context: contextEntries(form)}
	if len(sim.Actions) == 0 {
		return nil, validationError("1 validation error detected: Value null at 'actionNames' failed to satisfy constraint: Member must not be null")
	}
	for _, doc := range append(append([]string{}, sim.Policies...), sim.Boundaries...) {
		if _, err := policy.Parse(doc); err != nil {
			return nil, malformedPolicy("%s", err.Error())
		}
	}
	s.sim.once.Do(func() { s.sim.a = authz.New(s.env) })
	results, err := s.sim.a.Simulate(sim)
	if errors.Is(err, authz.ErrNoSuchPrincipal) {
		return nil, noSuchEntity("The specified entity %s does not exist.", source)
	}
	if err != nil {
		return nil, err
	}
	out := make([]EvaluationResult, 0, len(results))
	for _, r := range results {
		out = append(out, evaluationResult(r, s.env.Account))
	}
	return pageOf(form, out, func(out []EvaluationResult, p Page) any {
		return &SimulationResult{EvaluationResults: out, Page: p}
	})
}

// evaluationResult renders one decision in IAM's words.
func evaluationResult(r authz.SimulationResult, account string) EvaluationResult {
	out := EvaluationResult{EvalActionName: r.Action, EvalResourceName: r.Resource, MissingContextValues: []string{}}
	switch r.Decision.Effect {
	case policy.Allowed:
		out.EvalDecision = "allowed"
	case policy.ExplicitDeny:
		out.EvalDecision = "explicitDeny"
	default:
		out.EvalDecision = "implicitDeny"
	}
	for _, m := range r.Statements {
		id, typ := m.Policy, "IAM Policy"
		switch {
		case m.Type == policy.ResourceBased:
			typ = "resource"
		case strings.HasPrefix(id, "arn:aws:iam::aws:policy/"):
			typ = "aws-managed"
		case strings.HasPrefix(id, "arn:aws:iam::"+account+":policy/"):
			typ = "user-managed"
		case strings.Contains(id, "/inline/"):
			id, typ = id[strings.LastIndex(id, "/inline/")+len("/inline/"):], "role"
		}
		out.MatchedStatements = append(out.MatchedStatements, MatchedStatement{SourcePolicyID: id, SourcePolicyType: typ})
	}
	if r.AllowedByBoundary != nil {
		out.BoundaryDetail = &BoundaryDecisionDetail{AllowedByPermissionsBoundary: *r.AllowedByBoundary}
	}
	return out
}

// scalars reads a query list of strings (Name.member.N).
func scalars(form url.Values, name string) []string {
	var out []string
	for _, m := range protocol.Members(form, name+".member") {
		out = append(out, m[""])
	}
	return out
}

// contextEntries reads ContextEntries.member.N.{ContextKeyName, ContextKeyValues.member.M}.
func contextEntries(form url.Values) map[string][]string {
	out := map[string][]string{}
	for _, m := range protocol.Members(form, "ContextEntries.member") {
		name := m["ContextKeyName"]
		if name == "" {
			continue
		}
		sub := url.Values{}
		for k, v := range m {
			sub.Set(k, v)
		}
		out[name] = scalars(sub, "ContextKeyValues")
	}
	return out
}
