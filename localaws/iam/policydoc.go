package iam

import (
	"errors"
	"net/url"
	"strings"
	"unicode"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/iam/policy"
)

// Default IAM quotas on document size. IAM does not count white space against them.
const (
	trustPolicyMaxSize   = 2048  // ACLSizePerRole
	managedPolicyMaxSize = 6144  // PolicySize
	roleInlineMaxSize    = 10240 // aggregate of a role's inline policies
)

// validatePolicyDocument checks what IAM checks before storing a document: the model
// constraints, then the policy grammar of its kind (localaws/iam/policy), with IAM's
// MalformedPolicyDocument messages.
func validatePolicyDocument(p param, doc string, kind policy.Kind) error {
	if err := p.check(doc); err != nil {
		return err
	}
	parsed, err := policy.Parse(doc)
	if err == nil {
		err = parsed.Validate(kind)
	}
	if perr, ok := errors.AsType[*policy.Error](err); ok {
		return malformedPolicy("%s", perr.Message)
	}
	return err
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
