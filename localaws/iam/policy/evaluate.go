package policy

import "strings"

// Request is one question to Evaluate: may Principal perform Action on Resource, given
// the request context?
type Request struct {
	// Action is the IAM action, e.g. "sqs:SendMessage"; matched without regard to case.
	Action string
	// Resource is the resource ARN, or "*" for actions without a resource type.
	Resource string
	// Principal is matched against the Principal elements of resource policies.
	Principal Principal
	// Context holds the condition keys and their values, e.g. "aws:PrincipalTag/TenantId",
	// "aws:CurrentTime", "dynamodb:LeadingKeys". Keys are looked up without regard to case.
	// A key that is absent is different from one with no values only to Null and the set
	// operators, which treat both as absent.
	Context map[string][]string
}

// Named is a policy with the name decisions report, e.g. "role/router inline policy
// 'this'" or a managed policy ARN.
type Named struct {
	Name   string
	Policy *Policy
	// ARN is the managed policy's ARN, which AWS names after an explicit deny ("with an
	// explicit deny in an identity-based policy: arn:aws:iam::…:policy/x"); empty for
	// inline and resource policies, which have none.
	ARN string
}

// Set is every policy that applies to one request.
type Set struct {
	// Identity holds the principal's inline and attached policies.
	Identity []Named
	// Resource holds the resource's policy: a queue or function policy, a role's trust policy.
	Resource []Named
	// Boundary is the permissions boundary. nil means none; a non-nil empty slice is a
	// boundary that allows nothing.
	Boundary []Named
	// Session is the session policy (inline and managed ARNs passed to AssumeRole). nil
	// means none.
	Session []Named
	// RequireResource makes the resource policy necessary, as a role's trust policy is
	// for sts:AssumeRole and sts:TagSession: it must allow, naming the caller (or its role,
	// service or everyone), or naming the caller's account, whose identity policies must
	// then allow too (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html).
	// An identity allow alone is then "because no resource-based policy allows".
	RequireResource bool
}

// PolicyType is the kind of policy a statement came from.
type PolicyType string

// The policy types, as AWS's AccessDenied messages name them.
const (
	IdentityBased       PolicyType = "identity-based policy"
	ResourceBased       PolicyType = "resource-based policy"
	PermissionsBoundary PolicyType = "permissions boundary"
	SessionPolicy       PolicyType = "session policy"
)

// Match names the statement that decided.
type Match struct {
	Policy    string     // Named.Name
	Type      PolicyType // which part of the Set it came from
	Statement int        // index in the policy's Statements
	Sid       string
}

// Decision effects.
const (
	Allowed      = "Allow"
	ExplicitDeny = "ExplicitDeny"
	ImplicitDeny = "ImplicitDeny"
)

// Decision is Evaluate's answer.
type Decision struct {
	Allowed bool
	// Effect is Allowed, ExplicitDeny or ImplicitDeny.
	Effect string
	// Matched is the statement that decided: the deny, or the allow that was needed.
	// nil for an implicit deny.
	Matched *Match
	// Because ends AWS's AccessDenied message after "on resource: <arn> ", e.g. "because no
	// identity-based policy allows the sqs:SendMessage action" or "with an explicit deny in
	// a resource-based policy". Empty when allowed.
	Because string
}

// Evaluate decides a request within one account, following
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html:
//  1. An explicit Deny in any policy of the set decides.
//  2. An Allow in a resource policy that names the role session or IAM user ARN itself
//     allows, whatever the identity policies, boundary and session policy say.
//  3. Otherwise an Allow is needed in an identity policy or in a resource policy that
//     names the principal (a role ARN, a service, "*"). A resource policy that names only
//     the account delegates to identity policies and allows nothing by itself.
//  4. A permissions boundary and a session policy, when present, must each allow too.
//
// SCPs, RCPs and cross-account requests are outside this package.
func Evaluate(req Request, set Set) Decision {
	d, _ := evaluate(req, set, nil)
	return d
}

// Simulation is Simulate's answer: the decision with what IAM's policy simulator
// reports besides.
type Simulation struct {
	Decision
	// Statements are every statement with the deciding effect: all the explicit denies,
	// or all the allows. Empty for an implicit deny.
	Statements []Match
	// AllowedByBoundary says whether the permissions boundary allows the request; nil
	// when the set has none.
	AllowedByBoundary *bool
}

// Simulate decides as Evaluate does, and reports every statement that decided, for
// SimulatePrincipalPolicy and SimulateCustomPolicy.
func Simulate(req Request, set Set) Simulation {
	var sim Simulation
	var boundary bool
	sim.Decision, boundary = evaluate(req, set, &sim.Statements)
	if set.Boundary != nil {
		sim.AllowedByBoundary = &boundary
	}
	return sim
}

// evaluate is Evaluate. With all nil it stops at the first explicit deny; otherwise it
// reads every statement and sets *all to those with the deciding effect. It also
// reports whether a permissions boundary statement allows.
func evaluate(req Request, set Set, all *[]Match) (Decision, bool) {
	s := state{req: &req}
	groups := [...]struct {
		policies []Named
		typ      PolicyType
	}{
		{set.Identity, IdentityBased}, {set.Resource, ResourceBased},
		{set.Boundary, PermissionsBoundary}, {set.Session, SessionPolicy},
	}
	var deny *Decision
	var denies, allowing []Match
	var allows [len(groups)]*Match // the first allow of each group
	var resourceGrant grant
	accountGrant := false // a resource policy allows, naming only the caller's account
	for gi, g := range groups {
		for _, named := range g.policies {
			if named.Policy == nil {
				continue
			}
			for i := range named.Policy.Statements {
				st := &named.Policy.Statements[i]
				applies, gr := s.applies(st, g.typ == ResourceBased)
				switch {
				case !applies:
					continue
				case st.Effect == Deny:
					m := match(named, g.typ, i)
					if deny == nil {
						deny = &Decision{Effect: ExplicitDeny, Matched: m, Because: explicit(g.typ, named.ARN)}
					}
					if all == nil {
						return *deny, false
					}
					denies = append(denies, *m)
					continue
				case g.typ == ResourceBased && gr == grantAccount:
					accountGrant = true
					continue // delegated to identity policies
				}
				first := allows[gi] == nil || (g.typ == ResourceBased && gr > resourceGrant)
				if !first && all == nil {
					continue
				}
				m := match(named, g.typ, i)
				if all != nil {
					allowing = append(allowing, *m)
				}
				if first {
					allows[gi] = m
					if g.typ == ResourceBased {
						resourceGrant = gr
					}
				}
			}
		}
	}
	boundary := allows[2] != nil
	if deny != nil {
		*all = denies
		return *deny, boundary
	}
	d := decide(req.Action, set, allows, resourceGrant)
	if set.RequireResource && allows[1] == nil && !accountGrant {
		d = implicit("no resource-based policy", req.Action)
	}
	if all != nil && d.Allowed {
		*all = allowing
	}
	return d, boundary
}

// decide applies the allow rules to the first allow of each group (identity, resource,
// boundary, session) once no explicit deny applies.
func decide(action string, set Set, allows [4]*Match, resourceGrant grant) Decision {
	identity, resource := allows[0], allows[1]
	if resource != nil && resourceGrant == grantSession {
		return Decision{Allowed: true, Effect: Allowed, Matched: resource}
	}
	if identity == nil && resource == nil {
		return implicit("no identity-based policy", action)
	}
	if set.Boundary != nil && allows[2] == nil {
		return implicit("no permissions boundary", action)
	}
	if set.Session != nil && allows[3] == nil {
		return implicit("no session policy", action)
	}
	if identity == nil {
		identity = resource
	}
	return Decision{Allowed: true, Effect: Allowed, Matched: identity}
}

func match(n Named, t PolicyType, i int) *Match {
	return &Match{Policy: n.Name, Type: t, Statement: i, Sid: n.Policy.Statements[i].Sid}
}

func implicit(none, action string) Decision {
	return Decision{Effect: ImplicitDeny, Because: "because " + none + " allows the " + action + " action"}
}

// explicit is AWS's phrase for an explicit deny, naming the policy when it has an ARN
// (troubleshoot_access-denied-authorization-id.html shows the form).
func explicit(t PolicyType, arn string) string {
	article := "a "
	if t == IdentityBased {
		article = "an "
	}
	if arn != "" {
		return "with an explicit deny in " + article + string(t) + ": " + arn
	}
	return "with an explicit deny in " + article + string(t)
}

// state is one evaluation: the request and whether a policy variable failed to resolve.
type state struct {
	req        *Request
	unresolved bool
}

// applies reports whether a statement matches the request and, for resource policies,
// how its Principal names the caller. A statement whose policy variable cannot be
// resolved does not apply ("If AWS cannot resolve a variable this might cause the
// entire statement to be invalid", reference_policies_variables.html).
func (s *state) applies(st *Statement, resourcePolicy bool) (bool, grant) {
	s.unresolved = false
	if st.matchesAction(s.req.Action) == (st.NotAction != nil) {
		return false, grantNone
	}
	if st.Resource != nil || st.NotResource != nil { // a trust policy has neither
		hit := false
		for i := range st.resources {
			if hit = s.matchResource(&st.resources[i]); hit || s.unresolved {
				break
			}
		}
		if s.unresolved || hit == (st.NotResource != nil) {
			return false, grantNone
		}
	}
	g := grantPrincipal
	if resourcePolicy {
		switch {
		case st.Principal != nil:
			g = st.Principal.match(s.req.Principal)
		case st.NotPrincipal != nil && !st.NotPrincipal.excludes(s.req.Principal):
			g = grantPrincipal
		default:
			g = grantNone
		}
		if g == grantNone {
			return false, grantNone
		}
	}
	for i := range st.Condition {
		if !st.Condition[i].holds(s) || s.unresolved {
			return false, grantNone
		}
	}
	return true, g
}

func (st *Statement) matchesAction(action string) bool {
	for i := range st.actions {
		if glob(st.actions[i].toks, action, true) {
			return true
		}
	}
	return false
}

func (s *state) matchResource(p *pattern) bool {
	segs, ok := s.segments(p)
	return ok && matchARN(segs, s.req.Resource)
}

// lookup finds a context key without regard to case.
func (s *state) lookup(key string) ([]string, bool) {
	if v, ok := s.req.Context[key]; ok {
		return v, true
	}
	for k, v := range s.req.Context {
		if strings.EqualFold(k, key) {
			return v, true
		}
	}
	return nil, false
}

// variable resolves ${key}: a key with exactly one value, else the default.
// Multivalued keys cannot be variables.
func (s *state) variable(t tok) (string, bool) {
	v, ok := s.lookup(t.text)
	switch {
	case ok && len(v) == 1:
		return v[0], true
	case !ok && t.hasDef:
		return t.def, true
	}
	s.unresolved = true
	return "", false
}

// resolve substitutes a pattern's variables; their values are literal text.
func (s *state) resolve(p *pattern) ([]tok, bool) {
	if !p.vars {
		return p.toks, true
	}
	out := make([]tok, 0, len(p.toks))
	for _, t := range p.toks {
		if t.kind == tVar {
			v, ok := s.variable(t)
			if !ok {
				return nil, false
			}
			t = tok{kind: tLit, text: v}
		}
		out = append(out, t)
	}
	return out, true
}

func (s *state) segments(p *pattern) ([]segment, bool) {
	if !p.vars {
		return p.segs, true
	}
	toks, ok := s.resolve(p)
	if !ok {
		return nil, false
	}
	return segments(toks), true
}

// text is a condition value's text with its variables substituted.
func (s *state) text(v *value) (string, bool) {
	if !v.vars {
		return v.text, true
	}
	toks, ok := s.resolve(&v.pattern)
	if !ok {
		return "", false
	}
	return joinLiterals(toks), true
}
