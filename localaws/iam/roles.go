package iam

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/iam/policy"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/shape"
)

// role is one IAM role with its inline policies and managed policy attachments.
type role struct {
	name, path, id, arn string
	description         *string
	created             time.Time
	assumeRolePolicy    string
	maxSessionDuration  int
	boundary            string // permissions boundary policy ARN, or ""
	tags                shape.TagSet
	inline              map[string]inlinePolicy // by lower-case name
	attached            []string                // managed policy ARNs, in attach order
}

type inlinePolicy struct {
	name, document string
}

// Role is the Role element of IAM responses.
type Role struct {
	Path                     string               `xml:"Path"`
	RoleName                 string               `xml:"RoleName"`
	RoleID                   string               `xml:"RoleId"`
	Arn                      string               `xml:"Arn"`
	CreateDate               string               `xml:"CreateDate"`
	AssumeRolePolicyDocument string               `xml:"AssumeRolePolicyDocument"`
	Description              *string              `xml:"Description"`
	MaxSessionDuration       int                  `xml:"MaxSessionDuration"`
	PermissionsBoundary      *PermissionsBoundary `xml:"PermissionsBoundary"`
	Tags                     *TagMembers          `xml:"Tags"`
	RoleLastUsed             *struct{}            `xml:"RoleLastUsed"`
}

// PermissionsBoundary is the AttachedPermissionsBoundary element.
type PermissionsBoundary struct {
	PermissionsBoundaryType string `xml:"PermissionsBoundaryType"`
	PermissionsBoundaryArn  string `xml:"PermissionsBoundaryArn"`
}

// RoleResult is the result of CreateRole, GetRole and UpdateRoleDescription.
type RoleResult struct {
	Role Role `xml:"Role"`
}

// RoleList is the ListRoles result.
type RoleList struct {
	Roles []Role `xml:"Roles>member"`
	Page
}

// view renders the role. full adds what only GetRole returns (tags, boundary, last use),
// as ListRoles leaves them out.
func (r *role) view(full bool) Role {
	v := Role{
		Path: r.path, RoleName: r.name, RoleID: r.id, Arn: r.arn, CreateDate: formatTime(r.created),
		AssumeRolePolicyDocument: encodeDocument(r.assumeRolePolicy), Description: r.description,
		MaxSessionDuration: r.maxSessionDuration,
	}
	if full {
		if r.boundary != "" {
			v.PermissionsBoundary = &PermissionsBoundary{"PermissionsBoundaryPolicy", r.boundary}
		}
		v.Tags = tagMembers(&r.tags)
		v.RoleLastUsed = &struct{}{}
	}
	return v
}

// attachment returns the index of a managed policy among the role's attachments, or -1.
func (r *role) attachment(arn string) int {
	return slices.IndexFunc(r.attached, func(a string) bool { return strings.EqualFold(a, arn) })
}

// role returns the named role; the caller holds s.mu.
func (s *Service) role(name string) (*role, error) {
	r, ok := s.roles[key(name)]
	if !ok {
		return nil, noSuchEntity("The role with name %s cannot be found.", name)
	}
	return r, nil
}

// roleParam reads RoleName and returns that role; the caller holds s.mu.
func (s *Service) roleParam(form url.Values) (*role, error) {
	name, err := roleNameParam.required(form)
	if err != nil {
		return nil, err
	}
	return s.role(name)
}

func trustPolicyParam(form url.Values, name string) (string, error) {
	p := policyDocumentParam
	p.name = name
	doc, err := p.required(form)
	if err != nil {
		return "", err
	}
	if err := validatePolicyDocument(p, doc, policy.Trust); err != nil {
		return "", err
	}
	if policySize(doc) > trustPolicyMaxSize {
		return "", limitExceeded("Cannot exceed quota for ACLSizePerRole: %d", trustPolicyMaxSize)
	}
	return doc, nil
}

func descriptionArg(form url.Values) (*string, error) {
	d, present, err := descriptionParam.optional(form, "")
	if err != nil || !present {
		return nil, err
	}
	return &d, nil
}

// CreateRole creates a role with its trust policy and tags.
func (s *Service) CreateRole(_ context.Context, form url.Values) (any, error) {
	name, err := roleNameParam.required(form)
	if err != nil {
		return nil, err
	}
	path, _, err := pathParam.optional(form, "/")
	if err != nil {
		return nil, err
	}
	doc, err := trustPolicyParam(form, "AssumeRolePolicyDocument")
	if err != nil {
		return nil, err
	}
	desc, err := descriptionArg(form)
	if err != nil {
		return nil, err
	}
	maxSession, err := intParam(form, "MaxSessionDuration", 3600, 43200, 3600)
	if err != nil {
		return nil, err
	}
	tags, err := tagsParam(form)
	if err != nil {
		return nil, err
	}
	r := &role{
		name: name, path: path, id: uniqueID("AROA"), arn: s.env.ARN("iam", "", "role"+path+name),
		description: desc, created: s.now(), assumeRolePolicy: doc, maxSessionDuration: maxSession,
		inline: map[string]inlinePolicy{},
	}
	if err := tagging.Merge(&r.tags, tags); err != nil {
		return nil, err
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := form["PermissionsBoundary"]; ok {
		if r.boundary, err = s.boundaryParam(form); err != nil {
			return nil, err
		}
	}
	if _, exists := s.roles[key(name)]; exists {
		return nil, entityAlreadyExists("Role with name %s already exists.", name)
	}
	s.roles[key(name)] = r
	return &RoleResult{Role: r.view(true)}, nil
}

// GetRole returns a role with its tags and permissions boundary.
func (s *Service) GetRole(_ context.Context, form url.Values) (any, error) {
	return locked(s, form, s.roleParam, func(r *role) (any, error) {
		return &RoleResult{Role: r.view(true)}, nil
	})
}

// DeleteRole deletes a role that has no inline policies and no attached policies left.
func (s *Service) DeleteRole(_ context.Context, form url.Values) (any, error) {
	return locked(s, form, s.roleParam, func(r *role) (any, error) {
		if len(r.inline) > 0 {
			return nil, deleteConflict("Cannot delete entity, must delete policies first.")
		}
		if len(r.attached) > 0 {
			return nil, deleteConflict("Cannot delete entity, must detach all policies first.")
		}
		delete(s.roles, key(r.name))
		return nil, nil
	})
}

// UpdateRole changes the description and the maximum session duration.
func (s *Service) UpdateRole(_ context.Context, form url.Values) (any, error) {
	desc, err := descriptionArg(form)
	if err != nil {
		return nil, err
	}
	maxSession, err := intParam(form, "MaxSessionDuration", 3600, 43200, 0)
	if err != nil {
		return nil, err
	}
	return locked(s, form, s.roleParam, func(r *role) (any, error) {
		if desc != nil {
			r.description = desc
		}
		if maxSession != 0 {
			r.maxSessionDuration = maxSession
		}
		return &struct{}{}, nil
	})
}

// UpdateRoleDescription sets the description and returns the role.
func (s *Service) UpdateRoleDescription(_ context.Context, form url.Values) (any, error) {
	desc, err := descriptionParam.required(form)
	if err != nil {
		return nil, err
	}
	return locked(s, form, s.roleParam, func(r *role) (any, error) {
		r.description = &desc
		return &RoleResult{Role: r.view(true)}, nil
	})
}

// UpdateAssumeRolePolicy replaces the trust policy.
func (s *Service) UpdateAssumeRolePolicy(_ context.Context, form url.Values) (any, error) {
	doc, err := trustPolicyParam(form, "PolicyDocument")
	if err != nil {
		return nil, err
	}
	return locked(s, form, s.roleParam, func(r *role) (any, error) {
		r.assumeRolePolicy = doc
		return nil, nil
	})
}

// ListRoles lists roles by name, optionally under a path prefix.
func (s *Service) ListRoles(_ context.Context, form url.Values) (any, error) {
	prefix, _, err := pathPrefixParam.optional(form, "/")
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var roles []Role
	for _, r := range s.roles {
		if strings.HasPrefix(r.path, prefix) {
			roles = append(roles, r.view(false))
		}
	}
	sortByName(roles, func(r Role) string { return r.RoleName })
	return pageOf(form, roles, func(roles []Role, p Page) any { return &RoleList{Roles: roles, Page: p} })
}

// TagRole adds or overwrites tags.
func (s *Service) TagRole(_ context.Context, form url.Values) (any, error) {
	return tagResource(s, form, s.roleParam)
}

// UntagRole removes tags.
func (s *Service) UntagRole(_ context.Context, form url.Values) (any, error) {
	return untagResource(s, form, s.roleParam)
}

// ListRoleTags lists a role's tags.
func (s *Service) ListRoleTags(_ context.Context, form url.Values) (any, error) {
	return listResourceTags(s, form, s.roleParam)
}

// PutRolePermissionsBoundary sets the role's permissions boundary.
func (s *Service) PutRolePermissionsBoundary(_ context.Context, form url.Values) (any, error) {
	return locked(s, form, s.roleParam, func(r *role) (any, error) {
		b, err := s.boundaryParam(form)
		if err != nil {
			return nil, err
		}
		r.boundary = b
		return nil, nil
	})
}

// DeleteRolePermissionsBoundary removes the role's permissions boundary.
func (s *Service) DeleteRolePermissionsBoundary(_ context.Context, form url.Values) (any, error) {
	return locked(s, form, s.roleParam, func(r *role) (any, error) {
		r.boundary = ""
		return nil, nil
	})
}

// boundaryParam reads PermissionsBoundary, which must name an attachable policy; the
// caller holds s.mu.
func (s *Service) boundaryParam(form url.Values) (string, error) {
	p := policyARNParam
	p.name = "PermissionsBoundary"
	arn, err := p.required(form)
	if err != nil {
		return "", err
	}
	if _, _, err := s.attachable(arn); err != nil {
		return "", noSuchEntity("Scope ARN: %s does not exist or is not attachable.", arn)
	}
	return arn, nil
}

// InstanceProfileList is the ListInstanceProfilesForRole result. localaws has no EC2, so
// no role is ever in an instance profile.
type InstanceProfileList struct {
	InstanceProfiles []struct{} `xml:"InstanceProfiles>member"`
	Page
}

// ListInstanceProfilesForRole returns no instance profiles for an existing role.
func (s *Service) ListInstanceProfilesForRole(_ context.Context, form url.Values) (any, error) {
	return locked(s, form, s.roleParam, func(*role) (any, error) {
		return pageOf(form, []struct{}{}, func([]struct{}, Page) any { return &InstanceProfileList{} })
	})
}
