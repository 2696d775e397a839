package iam

import (
	"encoding/json"
	"net/url"
	"strings"
	"unicode"
)

// docKind says which grammar a policy document must follow.
type docKind int

const (
	identityPolicy docKind = iota // inline and managed policies: Resource required, no Principal
	trustPolicy                   // a role's assume role policy: Principal allowed, no Resource
)

// Default IAM quotas on document size. IAM does not count white space against them.
const (
	trustPolicyMaxSize   = 2048  // ACLSizePerRole
	managedPolicyMaxSize = 6144  // PolicySize
	roleInlineMaxSize    = 10240 // aggregate of a role's inline policies
)

// validatePolicyDocument checks what IAM checks before storing a document: the model
// constraints, JSON syntax, and the policy grammar's required and forbidden elements.
// It never evaluates the policy.
func validatePolicyDocument(p param, doc string, kind docKind) error {
	if err := p.check(doc); err != nil {
		return err
	}
	dec := json.NewDecoder(strings.NewReader(doc))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil || dec.More() {
		return malformedPolicy("This policy contains invalid Json")
	}
	root, ok := v.(map[string]any)
	if !ok {
		return malformedPolicy("Syntax errors in policy.")
	}
	if ver, ok := root["Version"]; ok && ver != "2012-10-17" && ver != "2008-10-17" {
		return malformedPolicy("The policy failed legacy parsing")
	}
	var statements []any
	switch st := root["Statement"].(type) {
	case map[string]any:
		statements = []any{st}
	case []any:
		statements = st
	}
	if len(statements) == 0 {
		return malformedPolicy("Syntax errors in policy.")
	}
	for _, raw := range statements {
		st, ok := raw.(map[string]any)
		if !ok {
			return malformedPolicy("Syntax errors in policy.")
		}
		if e := st["Effect"]; e != "Allow" && e != "Deny" {
			return malformedPolicy("Syntax errors in policy.")
		}
		if !hasAny(st, "Action", "NotAction") {
			return malformedPolicy("Policy statement must contain actions.")
		}
		switch kind {
		case identityPolicy:
			if hasAny(st, "Principal", "NotPrincipal") {
				return malformedPolicy("Policy document should not specify a principal.")
			}
			if !hasAny(st, "Resource", "NotResource") {
				return malformedPolicy("Policy statement must contain resources.")
			}
		case trustPolicy:
			if hasAny(st, "Resource", "NotResource") {
				return malformedPolicy("Has prohibited field Resource")
			}
		}
	}
	return nil
}

func hasAny(m map[string]any, keys ...string) bool {
	for _, k := range keys {
		if _, ok := m[k]; ok {
			return true
		}
	}
	return false
}

// policySize is a document's size as IAM counts it against quotas: without white space.
func policySize(doc string) int {
	n := 0
	for _, r := range doc {
		if !unicode.IsSpace(r) {
			n++
		}
	}
	return n
}

// encodeDocument URL-encodes a policy document as IAM returns it. Spaces become %20, not
// '+', so that both query and path unescaping restore the document (the provider uses
// url.QueryUnescape, which also turns a literal '+' into a space; QueryEscape sends '+'
// as %2B).
func encodeDocument(doc string) string {
	return strings.ReplaceAll(url.QueryEscape(doc), "+", "%20")
}
