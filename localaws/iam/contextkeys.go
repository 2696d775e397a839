package iam

import (
	"context"
	"net/url"
	"slices"
	"strings"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/iam/policy"
)

// ContextKeys is the result of GetContextKeysForCustomPolicy and
// GetContextKeysForPrincipalPolicy.
type ContextKeys struct {
	ContextKeyNames []string `xml:"ContextKeyNames>member"`
}

// GetContextKeysForCustomPolicy lists the context keys the given policies read.
func (s *Service) GetContextKeysForCustomPolicy(_ context.Context, form url.Values) (any, error) {
	docs := scalars(form, "PolicyInputList")
	if len(docs) == 0 {
		return nil, validationError("1 validation error detected: Value null at 'policyInputList' failed to satisfy constraint: Member must not be null")
	}
	return contextKeys(docs)
}

// GetContextKeysForPrincipalPolicy lists the context keys a role's inline and attached
// policies read, with those of any further policies given.
func (s *Service) GetContextKeysForPrincipalPolicy(_ context.Context, form url.Values) (any, error) {
	source := form.Get("PolicySourceArn")
	if source == "" {
		return nil, validationError("1 validation error detected: Value null at 'policySourceArn' failed to satisfy constraint: Member must not be null")
	}
	r, ok := s.RoleByARN(source)
	if !ok {
		return nil, noSuchEntity("The specified entity %s does not exist.", source)
	}
	var docs []string
	for _, d := range r.Policies {
		docs = append(docs, d.Text)
	}
	return contextKeys(append(docs, scalars(form, "PolicyInputList")...))
}

// contextKeys is the union of the documents' context keys, each once whatever its case.
func contextKeys(docs []string) (*ContextKeys, error) {
	out := &ContextKeys{ContextKeyNames: []string{}}
	for _, doc := range docs {
		p, err := policy.Parse(doc)
		if err != nil {
			return nil, invalidInput("%s", err.Error())
		}
		for _, k := range p.ContextKeys() {
			if !slices.ContainsFunc(out.ContextKeyNames, func(have string) bool { return strings.EqualFold(have, k) }) {
				out.ContextKeyNames = append(out.ContextKeyNames, k)
			}
		}
	}
	return out, nil
}
