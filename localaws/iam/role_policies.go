package iam

import (
	"context"
	"net/url"
	"slices"
	"strings"
)

// A role's inline policies and its attached managed policies.

// RolePolicy is the GetRolePolicy result.
type RolePolicy struct {
	RoleName       string `xml:"RoleName"`
	PolicyName     string `xml:"PolicyName"`
	PolicyDocument string `xml:"PolicyDocument"`
}

// RolePolicyNames is the ListRolePolicies result.
type RolePolicyNames struct {
	PolicyNames []string `xml:"PolicyNames>member"`
	Page
}

// AttachedPolicy is one member of ListAttachedRolePolicies.
type AttachedPolicy struct {
	PolicyName string `xml:"PolicyName"`
	PolicyArn  string `xml:"PolicyArn"`
}

// AttachedPolicies is the ListAttachedRolePolicies result.
type AttachedPolicies struct {
	AttachedPolicies []AttachedPolicy `xml:"AttachedPolicies>member"`
	Page
}

// PutRolePolicy creates or replaces an inline policy, within the role's aggregate quota.
func (s *Service) PutRolePolicy(_ context.Context, form url.Values) (any, error) {
	name, err := policyNameParam.required(form)
	if err != nil {
		return nil, err
	}
	doc, err := identityDocParam(form)
	if err != nil {
		return nil, err
	}
	return locked(s, form, s.roleParam, func(r *role) (any, error) {
		total := policySize(doc)
		for k, p := range r.inline {
			if k != key(name) {
				total += policySize(p.document)
			}
		}
		if total > roleInlineMaxSize {
			return nil, limitExceeded("Maximum policy size of %d bytes exceeded for role %s", roleInlineMaxSize, r.name)
		}
		r.inline[key(name)] = inlinePolicy{name: name, document: doc}
		return nil, nil
	})
}

// inlineParam reads PolicyName and returns the role's inline policy; the caller holds s.mu.
func (s *Service) inlineParam(form url.Values) (*role, inlinePolicy, error) {
	name, err := policyNameParam.required(form)
	if err != nil {
		return nil, inlinePolicy{}, err
	}
	r, err := s.roleParam(form)
	if err != nil {
		return nil, inlinePolicy{}, err
	}
	p, ok := r.inline[key(name)]
	if !ok {
		return nil, inlinePolicy{}, noSuchEntity("The role policy with name %s cannot be found.", name)
	}
	return r, p, nil
}

// GetRolePolicy returns an inline policy with its URL-encoded document.
func (s *Service) GetRolePolicy(_ context.Context, form url.Values) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, p, err := s.inlineParam(form)
	if err != nil {
		return nil, err
	}
	return &RolePolicy{RoleName: r.name, PolicyName: p.name, PolicyDocument: encodeDocument(p.document)}, nil
}

// DeleteRolePolicy deletes an inline policy.
func (s *Service) DeleteRolePolicy(_ context.Context, form url.Values) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, p, err := s.inlineParam(form)
	if err != nil {
		return nil, err
	}
	delete(r.inline, key(p.name))
	return nil, nil
}

// ListRolePolicies lists the names of a role's inline policies.
func (s *Service) ListRolePolicies(_ context.Context, form url.Values) (any, error) {
	return locked(s, form, s.roleParam, func(r *role) (any, error) {
		names := make([]string, 0, len(r.inline))
		for _, p := range r.inline {
			names = append(names, p.name)
		}
		sortByName(names, func(n string) string { return n })
		return pageOf(form, names, func(names []string, p Page) any { return &RolePolicyNames{PolicyNames: names, Page: p} })
	})
}

// AttachRolePolicy attaches a managed policy; attaching it again changes nothing.
func (s *Service) AttachRolePolicy(_ context.Context, form url.Values) (any, error) {
	arn, err := policyARNParam.required(form)
	if err != nil {
		return nil, err
	}
	return locked(s, form, s.roleParam, func(r *role) (any, error) {
		if _, _, err := s.attachable(arn); err != nil {
			return nil, err
		}
		if r.attachment(arn) >= 0 {
			return nil, nil
		}
		if len(r.attached) >= maxAttachedPerRole {
			return nil, limitExceeded("Cannot exceed quota for PoliciesPerRole: %d", maxAttachedPerRole)
		}
		r.attached = append(r.attached, arn)
		return nil, nil
	})
}

// DetachRolePolicy detaches a managed policy.
func (s *Service) DetachRolePolicy(_ context.Context, form url.Values) (any, error) {
	arn, err := policyARNParam.required(form)
	if err != nil {
		return nil, err
	}
	if _, err := parsePolicyARN(arn); err != nil {
		return nil, err
	}
	return locked(s, form, s.roleParam, func(r *role) (any, error) {
		i := r.attachment(arn)
		if i < 0 {
			return nil, noSuchEntity("Policy %s was not found.", arn)
		}
		r.attached = slices.Delete(r.attached, i, i+1)
		return nil, nil
	})
}

// ListAttachedRolePolicies lists a role's managed policies in attach order.
func (s *Service) ListAttachedRolePolicies(_ context.Context, form url.Values) (any, error) {
	prefix, _, err := pathPrefixParam.optional(form, "/")
	if err != nil {
		return nil, err
	}
	return locked(s, form, s.roleParam, func(r *role) (any, error) {
		var out []AttachedPolicy
		for _, arn := range r.attached {
			ref, err := parsePolicyARN(arn)
			if err != nil || !strings.HasPrefix(ref.path, prefix) {
				continue
			}
			out = append(out, AttachedPolicy{PolicyName: ref.name, PolicyArn: arn})
		}
		return pageOf(form, out, func(out []AttachedPolicy, p Page) any {
			return &AttachedPolicies{AttachedPolicies: out, Page: p}
		})
	})
}
