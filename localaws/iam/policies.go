package iam

import (
	"context"
	"maps"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/iam/managed"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/iam/policy"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/shape"
)

// Default IAM quotas on managed policies.
const (
	maxPolicyVersions      = 5
	maxAttachedPerRole     = 10
	awsManagedPolicyOwner  = "aws"
	permissionsBoundaryUse = "PermissionsBoundary"
	permissionsPolicyUse   = "PermissionsPolicy"
)

// managedPolicy is a customer managed policy with its versions.
type managedPolicy struct {
	name, path, id, arn string
	description         *string
	created, updated    time.Time
	versions            []*policyVersion // oldest first
	nextVersion         int
	defaultID           string
	tags                shape.TagSet
}

type policyVersion struct {
	id       string
	document string
	created  time.Time
}

// Policy is the Policy element of IAM responses.
type Policy struct {
	PolicyName                    string      `xml:"PolicyName"`
	PolicyID                      string      `xml:"PolicyId"`
	Arn                           string      `xml:"Arn"`
	Path                          string      `xml:"Path"`
	DefaultVersionID              string      `xml:"DefaultVersionId"`
	AttachmentCount               int         `xml:"AttachmentCount"`
	PermissionsBoundaryUsageCount int         `xml:"PermissionsBoundaryUsageCount"`
	IsAttachable                  bool        `xml:"IsAttachable"`
	Description                   *string     `xml:"Description"`
	CreateDate                    string      `xml:"CreateDate"`
	UpdateDate                    string      `xml:"UpdateDate"`
	Tags                          *TagMembers `xml:"Tags"`
}

// PolicyVersion is the PolicyVersion element; Document is only set by GetPolicyVersion.
type PolicyVersion struct {
	Document         string `xml:"Document,omitempty"`
	VersionID        string `xml:"VersionId"`
	IsDefaultVersion bool   `xml:"IsDefaultVersion"`
	CreateDate       string `xml:"CreateDate"`
}

// PolicyResult is the result of CreatePolicy and GetPolicy.
type PolicyResult struct {
	Policy Policy `xml:"Policy"`
}

// PolicyList is the ListPolicies result.
type PolicyList struct {
	Policies []Policy `xml:"Policies>member"`
	Page
}

// PolicyVersionResult is the result of CreatePolicyVersion and GetPolicyVersion.
type PolicyVersionResult struct {
	PolicyVersion PolicyVersion `xml:"PolicyVersion"`
}

// PolicyVersionList is the ListPolicyVersions result.
type PolicyVersionList struct {
	Versions []PolicyVersion `xml:"Versions>member"`
	Page
}

// PolicyRole is one member of ListEntitiesForPolicy's PolicyRoles.
type PolicyRole struct {
	RoleName string `xml:"RoleName"`
	RoleID   string `xml:"RoleId"`
}

// PolicyEntities is the ListEntitiesForPolicy result. localaws has no users or groups.
type PolicyEntities struct {
	PolicyRoles []PolicyRole `xml:"PolicyRoles>member"`
	Page
}

// policyARNPattern splits arn:aws:iam::<account|aws>:policy<path><name>.
var policyARNPattern = regexp.MustCompile(`^arn:aws:iam::(aws|\d{12}):policy(/(?:[\x21-\x7E]*/)?)([\w+=,.@-]+)$`)

type policyRef struct {
	arn, owner, path, name string
}

func parsePolicyARN(arn string) (policyRef, error) {
	m := policyARNPattern.FindStringSubmatch(arn)
	if m == nil {
		return policyRef{}, invalidInput("ARN %s is not valid.", arn)
	}
	return policyRef{arn: arn, owner: m[1], path: m[2], name: m[3]}, nil
}

// attachable resolves a policy ARN that a role may attach. AWS managed policies are
// accepted without checking: localaws carries only a few of AWS's (localaws/iam/managed).
// Customer managed policies must exist. The caller holds s.mu.
func (s *Service) attachable(arn string) (policyRef, *managedPolicy, error) {
	ref, err := parsePolicyARN(arn)
	if err != nil {
		return ref, nil, err
	}
	if ref.owner == awsManagedPolicyOwner {
		return ref, nil, nil
	}
	if p, ok := s.policies[key(ref.name)]; ok && ref.owner == s.env.Account && strings.EqualFold(p.arn, arn) {
		return ref, p, nil
	}
	return ref, nil, noSuchEntity("Policy %s does not exist or is not attachable.", arn)
}

// policyParam reads PolicyArn and returns that customer managed policy, for operations
// that change it; the caller holds s.mu.
func (s *Service) policyParam(form url.Values) (*managedPolicy, error) {
	return s.findPolicy(form, false)
}

// readablePolicyParam is policyParam for operations that only read: it also returns the
// AWS managed policies localaws holds.
func (s *Service) readablePolicyParam(form url.Values) (*managedPolicy, error) {
	return s.findPolicy(form, true)
}

func (s *Service) findPolicy(form url.Values, awsToo bool) (*managedPolicy, error) {
	arn, err := policyARNParam.required(form)
	if err != nil {
		return nil, err
	}
	ref, p, err := s.attachable(arn)
	if err != nil {
		return nil, err
	}
	if p == nil && ref.owner == awsManagedPolicyOwner {
		if held, ok := awsManaged[strings.ToLower(arn)]; ok && awsToo {
			return held, nil
		}
		return nil, noSuchEntity("Policy %s was not found: localaws holds only the AWS managed policies in localaws/iam/managed, and does not change them.", arn)
	}
	return p, nil
}

// awsManaged are the AWS managed policies localaws holds, keyed by lower-case ARN: read-only,
// with their default version only.
var awsManaged = func() map[string]*managedPolicy {
	out := map[string]*managedPolicy{}
	for _, m := range managed.All() {
		p := &managedPolicy{name: m.Name, path: m.Path, id: m.ID, arn: m.ARN(), description: &m.Description,
			created: m.Created, updated: m.Updated, defaultID: m.Version,
			versions: []*policyVersion{{id: m.Version, document: m.Document, created: m.Updated}}}
		out[strings.ToLower(p.arn)] = p
	}
	return out
}()

func (p *managedPolicy) version(id string) (*policyVersion, error) {
	for _, v := range p.versions {
		if v.id == id {
			return v, nil
		}
	}
	return nil, noSuchEntity("Policy %s version %s does not exist or is not attachable.", p.arn, id)
}

func (v *policyVersion) view(p *managedPolicy, withDocument bool) PolicyVersion {
	pv := PolicyVersion{VersionID: v.id, IsDefaultVersion: v.id == p.defaultID, CreateDate: formatTime(v.created)}
	if withDocument {
		pv.Document = encodeDocument(v.document)
	}
	return pv
}

// setDefault makes version id the one in force. IAM moves UpdateDate with it.
func (p *managedPolicy) setDefault(id string, now time.Time) {
	p.defaultID, p.updated = id, now
}

// usage counts the roles that attach this policy and that use it as a boundary; the caller
// holds s.mu.
func (s *Service) usage(arn string) (attachments, boundaries int) {
	for _, r := range s.roles {
		if r.attachment(arn) >= 0 {
			attachments++
		}
		if strings.EqualFold(r.boundary, arn) {
			boundaries++
		}
	}
	return attachments, boundaries
}

func (s *Service) policyView(p *managedPolicy, full bool) Policy {
	attachments, boundaries := s.usage(p.arn)
	v := Policy{
		PolicyName: p.name, PolicyID: p.id, Arn: p.arn, Path: p.path, DefaultVersionID: p.defaultID,
		AttachmentCount: attachments, PermissionsBoundaryUsageCount: boundaries, IsAttachable: true,
		CreateDate: formatTime(p.created), UpdateDate: formatTime(p.updated),
	}
	if full {
		v.Description = p.description
		v.Tags = tagMembers(&p.tags)
	}
	return v
}

// identityDocParam reads and validates PolicyDocument for an identity policy.
func identityDocParam(form url.Values) (string, error) {
	doc, err := policyDocumentParam.required(form)
	if err != nil {
		return "", err
	}
	return doc, validatePolicyDocument(policyDocumentParam, doc, policy.Identity)
}

func managedDocParam(form url.Values) (string, error) {
	doc, err := identityDocParam(form)
	if err == nil && policySize(doc) > managedPolicyMaxSize {
		err = limitExceeded("Cannot exceed quota for PolicySize: %d", managedPolicyMaxSize)
	}
	return doc, err
}

// CreatePolicy creates a customer managed policy with its first version, v1.
func (s *Service) CreatePolicy(_ context.Context, form url.Values) (any, error) {
	name, err := policyNameParam.required(form)
	if err != nil {
		return nil, err
	}
	path, _, err := pathParam.optional(form, "/")
	if err != nil {
		return nil, err
	}
	doc, err := managedDocParam(form)
	if err != nil {
		return nil, err
	}
	desc, err := descriptionArg(form)
	if err != nil {
		return nil, err
	}
	tags, err := tagsParam(form)
	if err != nil {
		return nil, err
	}
	now := s.now()
	p := &managedPolicy{
		name: name, path: path, id: uniqueID("ANPA"), arn: s.env.ARN("iam", "", "policy"+path+name),
		description: desc, created: now, updated: now,
	}
	if err := tagging.Merge(&p.tags, tags); err != nil {
		return nil, err
	}
	p.addVersion(doc, now, true)

	s.mu.Lock()
	defer s.mu.Unlock()
	if _, exists := s.policies[key(name)]; exists {
		return nil, entityAlreadyExists("A policy called %s already exists. Duplicate names are not allowed.", name)
	}
	s.policies[key(name)] = p
	return &PolicyResult{Policy: s.policyView(p, true)}, nil
}

// addVersion appends the next version and, if asked, makes it the default.
func (p *managedPolicy) addVersion(doc string, now time.Time, setDefault bool) *policyVersion {
	p.nextVersion++
	v := &policyVersion{id: "v" + strconv.Itoa(p.nextVersion), document: doc, created: now}
	p.versions = append(p.versions, v)
	if setDefault {
		p.setDefault(v.id, now)
	}
	return v
}

// GetPolicy returns a customer managed policy or an AWS managed policy localaws holds.
func (s *Service) GetPolicy(_ context.Context, form url.Values) (any, error) {
	return locked(s, form, s.readablePolicyParam, func(p *managedPolicy) (any, error) {
		return &PolicyResult{Policy: s.policyView(p, true)}, nil
	})
}

// DeletePolicy deletes a policy that is attached nowhere and has only its default version.
func (s *Service) DeletePolicy(_ context.Context, form url.Values) (any, error) {
	return locked(s, form, s.policyParam, func(p *managedPolicy) (any, error) {
		if attachments, _ := s.usage(p.arn); attachments > 0 {
			return nil, deleteConflict("Cannot delete a policy attached to entities.")
		}
		if len(p.versions) > 1 {
			return nil, deleteConflict("This policy has more than one version. Before you delete a policy, you must " +
				"delete the policy's versions. The default version is deleted with the policy.")
		}
		delete(s.policies, key(p.name))
		return nil, nil
	})
}

// ListPolicies lists customer managed policies and, unless Scope is Local, the AWS
// managed policies localaws holds.
func (s *Service) ListPolicies(_ context.Context, form url.Values) (any, error) {
	prefix, _, err := pathPrefixParam.optional(form, "/")
	if err != nil {
		return nil, err
	}
	scope := form.Get("Scope")
	var errs shape.Violations
	errs.Enum("scope", scope, "All", "AWS", "Local")
	if err := errs.Err(validationError); err != nil {
		return nil, err
	}
	onlyAttached := form.Get("OnlyAttached") == "true"
	usageFilter := form.Get("PolicyUsageFilter")
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Policy
	for _, p := range listable(s.policies, scope) {
		if !strings.HasPrefix(p.path, prefix) {
			continue
		}
		v := s.policyView(p, false)
		switch {
		case onlyAttached && v.AttachmentCount == 0 && v.PermissionsBoundaryUsageCount == 0,
			usageFilter == permissionsPolicyUse && v.AttachmentCount == 0,
			usageFilter == permissionsBoundaryUse && v.PermissionsBoundaryUsageCount == 0:
			continue
		}
		out = append(out, v)
	}
	sortByName(out, func(p Policy) string { return p.PolicyName })
	return pageOf(form, out, func(out []Policy, p Page) any { return &PolicyList{Policies: out, Page: p} })
}

// listable is the policies a ListPolicies Scope covers.
func listable(customer map[string]*managedPolicy, scope string) []*managedPolicy {
	var out []*managedPolicy
	if scope != "AWS" {
		out = slices.AppendSeq(out, maps.Values(customer))
	}
	if scope != "Local" {
		out = slices.AppendSeq(out, maps.Values(awsManaged))
	}
	return out
}

// CreatePolicyVersion adds a version, up to IAM's five per policy.
func (s *Service) CreatePolicyVersion(_ context.Context, form url.Values) (any, error) {
	doc, err := managedDocParam(form)
	if err != nil {
		return nil, err
	}
	return locked(s, form, s.policyParam, func(p *managedPolicy) (any, error) {
		if len(p.versions) >= maxPolicyVersions {
			return nil, limitExceeded("A managed policy can have up to %d versions. Before you create a new version, "+
				"you must delete an existing version.", maxPolicyVersions)
		}
		v := p.addVersion(doc, s.now(), form.Get("SetAsDefault") == "true")
		return &PolicyVersionResult{PolicyVersion: v.view(p, false)}, nil
	})
}

// withVersion reads VersionId and PolicyArn, finds the policy with find and runs fn on
// that version under s.mu.
func (s *Service) withVersion(form url.Values, find func(url.Values) (*managedPolicy, error),
	fn func(*managedPolicy, *policyVersion) (any, error)) (any, error) {
	id, err := versionIDParam.required(form)
	if err != nil {
		return nil, err
	}
	return locked(s, form, find, func(p *managedPolicy) (any, error) {
		v, err := p.version(id)
		if err != nil {
			return nil, err
		}
		return fn(p, v)
	})
}

// GetPolicyVersion returns one version with its URL-encoded document.
func (s *Service) GetPolicyVersion(_ context.Context, form url.Values) (any, error) {
	return s.withVersion(form, s.readablePolicyParam, func(p *managedPolicy, v *policyVersion) (any, error) {
		return &PolicyVersionResult{PolicyVersion: v.view(p, true)}, nil
	})
}

// DeletePolicyVersion deletes a version other than the default.
func (s *Service) DeletePolicyVersion(_ context.Context, form url.Values) (any, error) {
	return s.withVersion(form, s.policyParam, func(p *managedPolicy, v *policyVersion) (any, error) {
		if v.id == p.defaultID {
			return nil, deleteConflict("Cannot delete the default version of a policy.")
		}
		p.versions = slices.DeleteFunc(p.versions, func(o *policyVersion) bool { return o == v })
		return nil, nil
	})
}

// ListPolicyVersions lists versions, newest first, without documents. Of an AWS managed
// policy, localaws holds the default version only.
func (s *Service) ListPolicyVersions(_ context.Context, form url.Values) (any, error) {
	return locked(s, form, s.readablePolicyParam, func(p *managedPolicy) (any, error) {
		out := make([]PolicyVersion, 0, len(p.versions))
		for i := len(p.versions) - 1; i >= 0; i-- {
			out = append(out, p.versions[i].view(p, false))
		}
		return pageOf(form, out, func(out []PolicyVersion, p Page) any { return &PolicyVersionList{Versions: out, Page: p} })
	})
}

// SetDefaultPolicyVersion makes an existing version the one in force.
func (s *Service) SetDefaultPolicyVersion(_ context.Context, form url.Values) (any, error) {
	return s.withVersion(form, s.policyParam, func(p *managedPolicy, v *policyVersion) (any, error) {
		p.setDefault(v.id, s.now())
		return nil, nil
	})
}

// ListEntitiesForPolicy lists the roles that attach a policy or use it as a boundary.
// AWS managed policy ARNs are answered from the attachments without validation.
func (s *Service) ListEntitiesForPolicy(_ context.Context, form url.Values) (any, error) {
	arn, err := policyARNParam.required(form)
	if err != nil {
		return nil, err
	}
	prefix, _, err := pathPrefixParam.optional(form, "/")
	if err != nil {
		return nil, err
	}
	filter, usageFilter := form.Get("EntityFilter"), form.Get("PolicyUsageFilter")
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, _, err := s.attachable(arn); err != nil {
		return nil, err
	}
	var out []PolicyRole
	if filter == "" || filter == "Role" {
		for _, r := range s.roles {
			attached := usageFilter != permissionsBoundaryUse && r.attachment(arn) >= 0
			bounded := usageFilter != permissionsPolicyUse && strings.EqualFold(r.boundary, arn)
			if (attached || bounded) && strings.HasPrefix(r.path, prefix) {
				out = append(out, PolicyRole{RoleName: r.name, RoleID: r.id})
			}
		}
	}
	sortByName(out, func(r PolicyRole) string { return r.RoleName })
	return pageOf(form, out, func(out []PolicyRole, p Page) any { return &PolicyEntities{PolicyRoles: out, Page: p} })
}

// TagPolicy adds or overwrites tags on a customer managed policy.
func (s *Service) TagPolicy(_ context.Context, form url.Values) (any, error) {
	return tagResource(s, form, s.policyParam)
}

// UntagPolicy removes tags from a customer managed policy.
func (s *Service) UntagPolicy(_ context.Context, form url.Values) (any, error) {
	return untagResource(s, form, s.policyParam)
}

// ListPolicyTags lists a customer managed policy's tags.
func (s *Service) ListPolicyTags(_ context.Context, form url.Values) (any, error) {
	return listResourceTags(s, form, s.readablePolicyParam)
}
