package iam

import (
	"strings"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/iam/identity"
)

// The IAM service is the authorizer's directory of roles and managed policies, and the
// trust policy is a role's resource policy.

// RoleByARN returns a role with its policies as they are now.
func (s *Service) RoleByARN(arn string) (identity.Role, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.roleByARN(arn)
	if r == nil {
		return identity.Role{}, false
	}
	out := identity.Role{Name: r.name, ARN: r.arn, ID: r.id, MaxSessionDuration: r.maxSessionDuration,
		TrustPolicy: r.assumeRolePolicy}
	for _, t := range r.tags.List() {
		out.Tags = append(out.Tags, identity.Tag{Key: t.Key, Value: t.Value})
	}
	for _, p := range r.inline {
		out.Policies = append(out.Policies, identity.Document{ID: r.arn + "/inline/" + p.name, Text: p.document})
	}
	for _, arn := range r.attached {
		if d, ok := s.managedDocument(arn); ok {
			out.Policies = append(out.Policies, d)
		}
	}
	if r.boundary != "" {
		d, _ := s.managedDocument(r.boundary)
		out.Boundary = &d // a boundary localaws cannot read allows nothing
	}
	return out, true
}

// roleByARN finds a role by ARN; the caller holds s.mu.
func (s *Service) roleByARN(arn string) *role {
	i := strings.LastIndexByte(arn, '/')
	if i < 0 {
		return nil
	}
	r, ok := s.roles[key(arn[i+1:])]
	if !ok || !strings.EqualFold(r.arn, arn) {
		return nil
	}
	return r
}

// ManagedPolicy returns the default version of a managed policy.
func (s *Service) ManagedPolicy(arn string) (identity.Document, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.managedDocument(arn)
}

// managedDocument is the default version of an AWS or customer managed policy; the
// caller holds s.mu.
func (s *Service) managedDocument(arn string) (identity.Document, bool) {
	ref, p, err := s.attachable(arn)
	if err != nil {
		return identity.Document{}, false
	}
	if ref.owner == awsManagedPolicyOwner {
		doc, ok := awsManagedDocument(arn)
		return identity.Document{ID: arn, Text: doc}, ok
	}
	for _, v := range p.versions {
		if v.id == p.defaultID {
			return identity.Document{ID: p.arn, Text: v.document}, true
		}
	}
	return identity.Document{}, false
}

// ResourcePolicy is a role's trust policy, the resource policy of sts:AssumeRole.
func (s *Service) ResourcePolicy(arn string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r := s.roleByARN(arn); r != nil {
		return r.assumeRolePolicy, true
	}
	return "", false
}
