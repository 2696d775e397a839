package policy

import (
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
)

// Policy versions. A document without Version is 2008-10-17, which has no policy
// variables: "${aws:username}" is then literal text.
const (
	Version2012 = "2012-10-17"
	Version2008 = "2008-10-17"
)

// Effect is a statement's Effect.
type Effect string

// The two effects a statement can have.
const (
	Allow Effect = "Allow"
	Deny  Effect = "Deny"
)

// Policy is a parsed policy document. It is immutable after Parse and safe to share
// between goroutines.
type Policy struct {
	Version    string
	ID         string
	Statements []Statement
}

// Statement is one statement, with its elements as written and their compiled forms.
// Exactly one of Action and NotAction is set; at most one of Resource and NotResource
// (a trust policy has neither); at most one of Principal and NotPrincipal.
type Statement struct {
	Sid          string
	Effect       Effect
	Principal    *Principals
	NotPrincipal *Principals
	Action       []string
	NotAction    []string
	Resource     []string
	NotResource  []string
	Condition    []Condition
	// Start and End are the statement's braces in the document.
	Start, End Position

	actions   []pattern
	resources []pattern
}

// Principals is a Principal or NotPrincipal element. "*" sets All.
type Principals struct {
	All           bool
	AWS           []string
	Service       []string
	Federated     []string
	CanonicalUser []string
}

// Kind is the grammar a document must follow beyond the common one.
type Kind int

// The policy kinds IAM validates differently.
const (
	// Identity is an inline or managed policy, a permissions boundary or a session
	// policy: Resource required, Principal forbidden.
	Identity Kind = iota
	// Trust is a role's assume role policy: Principal required, Resource forbidden.
	Trust
	// Resource is a resource policy (queue policy, function policy): Principal and
	// Resource required.
	Resource
)

// Error is a document IAM would refuse with MalformedPolicyDocument; Message is IAM's text.
type Error struct{ Message string }

func (e *Error) Error() string { return e.Message }

func malformed(msg string) *Error { return &Error{Message: msg} }

// IAM's messages for malformed documents.
const (
	msgInvalidJSON    = "This policy contains invalid Json"
	msgSyntax         = "Syntax errors in policy."
	msgLegacy         = "The policy failed legacy parsing"
	msgNoActions      = "Policy statement must contain actions."
	msgNoResources    = "Policy statement must contain resources."
	msgNoPrincipal    = "Policy document should not specify a principal."
	msgNeedsPrincipal = "Missing required field Principal"
	msgNoResourceHere = "Has prohibited field Resource"
	msgBadPrincipal   = "Invalid principal in policy"
	msgVendor         = "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."
	msgOneColon       = "Actions/Condition can contain only one colon."
	msgSidUnique      = "Statement IDs (SID) in a single policy must be unique."
	msgSidChars       = "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*"
)

// Parse parses a policy document of any kind and compiles it for Evaluate. It checks
// the grammar every kind shares; Validate adds the checks of one kind. Errors are
// *Error values carrying IAM's MalformedPolicyDocument message.
func Parse(doc string) (*Policy, error) {
	dec := json.NewDecoder(strings.NewReader(doc))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil || dec.More() {
		return nil, malformed(msgInvalidJSON)
	}
	root, ok := v.(map[string]any)
	if !ok {
		return nil, malformed(msgSyntax)
	}
	p := &Policy{Version: Version2008}
	var statements []any
	for _, k := range sortedKeys(root) {
		val := root[k]
		switch k {
		case "Version":
			s, ok := val.(string)
			if !ok || (s != Version2012 && s != Version2008) {
				return nil, malformed(msgLegacy)
			}
			p.Version = s
		case "Id":
			s, ok := val.(string)
			if !ok {
				return nil, malformed(msgSyntax)
			}
			p.ID = s
		case "Statement":
			switch st := val.(type) {
			case map[string]any:
				statements = []any{st}
			case []any:
				statements = st
			default:
				return nil, malformed(msgSyntax)
			}
		default:
			return nil, malformed(msgSyntax)
		}
	}
	if len(statements) == 0 {
		return nil, malformed(msgSyntax)
	}
	vars := p.Version == Version2012
	for _, raw := range statements {
		m, ok := raw.(map[string]any)
		if !ok {
			return nil, malformed(msgSyntax)
		}
		st, err := parseStatement(m, vars)
		if err != nil {
			return nil, err
		}
		p.Statements = append(p.Statements, st)
	}
	p.locateStatements(doc)
	return p, nil
}

func parseStatement(m map[string]any, vars bool) (Statement, error) {
	var st Statement
	var err error
	for _, k := range sortedKeys(m) {
		val := m[k]
		switch k {
		case "Sid":
			s, ok := val.(string)
			if !ok {
				return st, malformed(msgSyntax)
			}
			st.Sid = s
		case "Effect":
			if val != string(Allow) && val != string(Deny) {
				return st, malformed(msgSyntax)
			}
			st.Effect = Effect(val.(string))
		case "Principal":
			st.Principal, err = parsePrincipals(val)
		case "NotPrincipal":
			st.NotPrincipal, err = parsePrincipals(val)
		case "Action":
			st.Action, err = stringList(val)
		case "NotAction":
			st.NotAction, err = stringList(val)
		case "Resource":
			st.Resource, err = stringList(val)
		case "NotResource":
			st.NotResource, err = stringList(val)
		case "Condition":
			st.Condition, err = parseConditions(val, vars)
		default:
			return st, malformed(msgSyntax)
		}
		if err != nil {
			return st, err
		}
	}
	if st.Effect == "" {
		return st, malformed(msgSyntax)
	}
	if both(st.Action, st.NotAction) || both(st.Resource, st.NotResource) ||
		(st.Principal != nil && st.NotPrincipal != nil) {
		return st, malformed(msgSyntax)
	}
	actions := st.Action
	if actions == nil {
		actions = st.NotAction
	}
	if len(actions) == 0 {
		return st, malformed(msgNoActions)
	}
	for _, a := range actions {
		switch colons := strings.Count(a, ":"); {
		case a != "*" && colons == 0:
			return st, malformed(msgVendor)
		case colons > 1:
			return st, malformed(msgOneColon)
		}
		// Actions never take variables, and compare case-insensitively.
		st.actions = append(st.actions, compile(strings.ToLower(a), false, true))
	}
	resources := st.Resource
	if resources == nil {
		resources = st.NotResource
	}
	for _, r := range resources {
		st.resources = append(st.resources, compile(r, vars, true))
	}
	return st, nil
}

// sortedKeys makes parsing deterministic: with several faults, the same one is reported.
func sortedKeys(m map[string]any) []string { return slices.Sorted(maps.Keys(m)) }

func both(a, b []string) bool { return a != nil && b != nil }

// stringList reads an element that is a string or an array of strings.
func stringList(v any) ([]string, error) {
	switch v := v.(type) {
	case string:
		return []string{v}, nil
	case []any:
		out := make([]string, 0, len(v))
		for _, e := range v {
			s, ok := e.(string)
			if !ok {
				return nil, malformed(msgSyntax)
			}
			out = append(out, s)
		}
		return out, nil
	}
	return nil, malformed(msgSyntax)
}

func parsePrincipals(v any) (*Principals, error) {
	if v == "*" {
		return &Principals{All: true}, nil
	}
	m, ok := v.(map[string]any)
	if !ok || len(m) == 0 {
		return nil, malformed(msgBadPrincipal)
	}
	p := &Principals{}
	for _, k := range sortedKeys(m) {
		val := m[k]
		list, err := stringList(val)
		if err != nil || len(list) == 0 {
			return nil, malformed(msgBadPrincipal)
		}
		switch k {
		case "AWS":
			p.AWS = list
			// {"AWS": "*"} is the same as "*" (reference_policies_elements_principal.html).
			for _, a := range list {
				p.All = p.All || a == "*"
			}
		case "Service":
			p.Service = list
		case "Federated":
			p.Federated = list
		case "CanonicalUser":
			p.CanonicalUser = list
		default:
			return nil, malformed(msgBadPrincipal)
		}
	}
	return p, nil
}

var sidPattern = regexp.MustCompile(`^[0-9A-Za-z]*$`)

// awsPrincipalPattern is what IAM accepts as an "AWS" principal: everyone, an account
// (its ID or root), a user, role, federated user or role session ARN, or a unique ID.
// Partial wildcards are refused. That the named entity exists is IAM's to check.
var awsPrincipalPattern = regexp.MustCompile(`^(\*|\d{12}|A[A-Z0-9]{15,127}|arn:aws(-cn|-us-gov)?:(` +
	`iam::\d{12}:(root|(user|role|federated-user)/[^*?]+)|sts::\d{12}:(assumed-role/[^*?/]+/[^*?]+|federated-user/[^*?]+)))$`)

// checkPrincipals refuses AWS principals IAM would not store, with IAM's message.
func checkPrincipals(ps *Principals) error {
	if ps == nil {
		return nil
	}
	for _, a := range ps.AWS {
		if !awsPrincipalPattern.MatchString(a) {
			return malformed(fmt.Sprintf("%s: %q:%q", msgBadPrincipal, "AWS", a))
		}
	}
	return nil
}

// checkResource refuses a Resource that is neither an ARN nor "*", as IAM does.
func checkResource(values []string) error {
	for _, r := range values {
		if r != "*" && !strings.HasPrefix(r, "arn:") {
			return malformed(fmt.Sprintf("Resource %s must be in ARN format or \"*\".", r))
		}
	}
	return nil
}

// Validate applies the checks IAM makes for one kind of document.
func (p *Policy) Validate(kind Kind) error {
	sids := map[string]bool{}
	for i := range p.Statements {
		st := &p.Statements[i]
		hasPrincipal := st.Principal != nil || st.NotPrincipal != nil
		hasResource := st.Resource != nil || st.NotResource != nil
		switch kind {
		case Identity:
			if hasPrincipal {
				return malformed(msgNoPrincipal)
			}
			if !hasResource {
				return malformed(msgNoResources)
			}
			// IAM holds the Sids of its own policies to [0-9A-Za-z]*; queue and function
			// policies allow more.
			if !sidPattern.MatchString(st.Sid) {
				return malformed(msgSidChars)
			}
			if err := checkResource(append(slices.Clip(st.Resource), st.NotResource...)); err != nil {
				return err
			}
		case Trust:
			if !hasPrincipal {
				return malformed(msgNeedsPrincipal)
			}
			if hasResource {
				return malformed(msgNoResourceHere)
			}
			if err := checkPrincipals(st.Principal); err != nil {
				return err
			}
			if err := checkPrincipals(st.NotPrincipal); err != nil {
				return err
			}
		case Resource:
			if !hasPrincipal {
				return malformed(msgNeedsPrincipal)
			}
			if !hasResource {
				return malformed(msgNoResources)
			}
		default:
			return fmt.Errorf("policy: unknown kind %d", kind)
		}
		if st.Sid != "" {
			if sids[st.Sid] {
				return malformed(msgSidUnique)
			}
			sids[st.Sid] = true
		}
	}
	return nil
}
