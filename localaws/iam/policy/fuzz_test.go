package policy_test

import (
	"errors"
	"reflect"
	"testing"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/iam/policy"
)

// FuzzParse feeds arbitrary documents to Parse: it must return a *policy.Error or a
// policy that Validate and Evaluate handle, never panic.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		allowSend, denySend, queuePolicy(`"*"`),
		allowIf(`{"ForAllValues:StringEquals":{"dynamodb:LeadingKeys":["${aws:PrincipalTag/TenantId}"]}}`),
		allowIf(`{"IpAddress":{"aws:SourceIp":["203.0.113.0/24","2001:DB8::/32"]},"DateLessThan":{"aws:CurrentTime":"2030-01-01"}}`),
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:username, 'x'}/${*}${"}]}`,
		`{"Statement":{"Effect":"Deny","NotPrincipal":{"AWS":["123456789012"]},"NotAction":"a:*","NotResource":"arn:*"}}`,
		`{"Version":"2012-10-17","Statement":[]}`, `{`, `[]`, `null`,
	} {
		f.Add(seed)
	}
	ctx := map[string][]string{"aws:username": {"u"}, "aws:PrincipalTag/TenantId": {"t"}, "dynamodb:LeadingKeys": {"t"},
		"aws:SourceIp": {"203.0.113.1"}, "aws:CurrentTime": {"2026-03-01T12:00:00Z"}}
	f.Fuzz(func(t *testing.T, doc string) {
		p, err := policy.Parse(doc)
		if err != nil {
			var perr *policy.Error
			if !errors.As(err, &perr) || perr.Message == "" {
				t.Fatalf("Parse(%q) = %v, want a *policy.Error with IAM's message", doc, err)
			}
			return
		}
		for _, k := range []policy.Kind{policy.Identity, policy.Trust, policy.Resource} {
			_ = p.Validate(k)
		}
		for i, st := range p.Statements {
			if st.Start.Line < 1 || st.End.Line < st.Start.Line ||
				(st.End.Line == st.Start.Line && st.End.Column <= st.Start.Column) {
				t.Fatalf("statement %d of %q spans %v to %v", i, doc, st.Start, st.End)
			}
		}
		_ = p.ContextKeys()
		set := []policy.Named{{Name: "fuzz", Policy: p}}
		for _, res := range []string{queueARN, "*", "arn:aws:s3:::b/u/x", ""} {
			req := policy.Request{Action: "s3:GetObject", Resource: res, Principal: routerSession, Context: ctx}
			all := policy.Set{Identity: set, Resource: set, Boundary: set, Session: set}
			d := policy.Evaluate(req, all)
			if d.Allowed != (d.Effect == policy.Allowed) || (d.Effect == policy.ImplicitDeny) != (d.Matched == nil) {
				t.Fatalf("inconsistent decision %+v", d)
			}
			if sim := policy.Simulate(req, all); !reflect.DeepEqual(sim.Decision, d) ||
				(d.Effect == policy.ImplicitDeny) != (len(sim.Statements) == 0) {
				t.Fatalf("Simulate %+v disagrees with Evaluate %+v", sim, d)
			}
		}
	})
}
