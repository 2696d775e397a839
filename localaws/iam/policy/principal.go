package policy

import "strings"

// Principal is who makes a request, for matching the Principal and NotPrincipal
// elements of resource and trust policies.
type Principal struct {
	// ARN is the caller as AWS names it: an IAM user, a role session
	// (arn:aws:sts::<account>:assumed-role/<role>/<session>) or the account root.
	// Empty for a service principal.
	ARN string
	// RoleARN is the IAM ARN of a role session's role (aws:PrincipalArn). A Principal
	// that names the role matches its sessions. When empty it is derived from ARN,
	// without the role's path.
	RoleARN string
	// Service is the service principal when an AWS service calls on its own behalf,
	// e.g. "events.amazonaws.com".
	Service string
	// Federated is the identity provider of a web identity or SAML session.
	Federated string
}

// grant is how specifically a resource policy's Principal names the caller; it decides
// what else must allow the request (see Evaluate).
type grant uint8

const (
	grantNone grant = iota
	// grantAccount: the caller's account. In the same account that delegates to the
	// caller's identity policies and allows nothing alone.
	grantAccount
	// grantPrincipal: everyone, the caller's role, a service or a provider.
	grantPrincipal
	// grantSession: the role session or IAM user ARN itself.
	grantSession
)

// account is the account ID of the caller, from its ARN.
func (p Principal) account() string {
	arn := p.ARN
	if arn == "" {
		arn = p.RoleARN
	}
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 {
		return ""
	}
	return parts[4]
}

// isRoot reports whether an ARN is an account's root user.
func isRoot(arn string) bool {
	return strings.HasPrefix(arn, "arn:") && strings.HasSuffix(arn, ":root")
}

// namesRole reports whether ARN a names the role of session ARN p.ARN.
func (p Principal) namesRole(a string) bool {
	if p.RoleARN != "" {
		return a == p.RoleARN
	}
	prefix := "arn:aws:sts::" + p.account() + ":assumed-role/"
	rest, ok := strings.CutPrefix(p.ARN, prefix)
	if !ok {
		return false
	}
	role, _, _ := strings.Cut(rest, "/")
	roleARN := "arn:aws:iam::" + p.account() + ":role/"
	return strings.HasPrefix(a, roleARN) && a[strings.LastIndexByte(a, '/')+1:] == role
}

func (p Principal) isSession() bool { return strings.Contains(p.ARN, ":assumed-role/") }

// namesAccount reports whether a Principal value names account acct: its ID or its
// root ARN, which both mean every principal of the account.
func namesAccount(a, acct string) bool {
	if acct == "" {
		return false
	}
	return a == acct || (isRoot(a) && strings.HasSuffix(a, "::"+acct+":root"))
}

// match says how the element names p.
func (ps *Principals) match(p Principal) grant {
	if ps.All {
		return grantPrincipal
	}
	g := grantNone
	acct := p.account()
	for _, a := range ps.AWS {
		switch {
		case p.ARN != "" && a == p.ARN && !isRoot(a):
			return grantSession
		case p.isSession() && p.namesRole(a):
			g = max(g, grantPrincipal)
		case namesAccount(a, acct):
			g = max(g, grantAccount)
		}
	}
	if p.Service != "" && containsFold(ps.Service, p.Service) {
		g = max(g, grantPrincipal)
	}
	if p.Federated != "" && containsFold(ps.Federated, p.Federated) {
		g = max(g, grantPrincipal)
	}
	return g
}

// excludes reports whether a NotPrincipal element leaves p out. AWS treats a caller as
// each of its identities (session, role, account), so every one of them must be listed
// (reference_policies_elements_notprincipal.html).
func (ps *Principals) excludes(p Principal) bool {
	if ps.All {
		return true
	}
	if p.Service != "" {
		return containsFold(ps.Service, p.Service)
	}
	if p.Federated != "" && p.ARN == "" {
		return containsFold(ps.Federated, p.Federated)
	}
	var self, role, acct bool
	for _, a := range ps.AWS {
		self = self || a == p.ARN
		role = role || (p.isSession() && p.namesRole(a))
		acct = acct || namesAccount(a, p.account())
	}
	if isRoot(p.ARN) {
		return acct
	}
	return self && acct && (role || !p.isSession())
}

func containsFold(list []string, s string) bool {
	for _, e := range list {
		if strings.EqualFold(e, s) {
			return true
		}
	}
	return false
}
