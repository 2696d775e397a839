// Package iam emulates the iam service over the AWS query protocol: roles, inline role
// policies, customer managed policies with versions, managed policy attachments and tags.
// Nothing is enforced: policies are stored and echoed, never evaluated.
package iam

import (
	"crypto/rand"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/core"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/protocol"
)

// XMLNamespace is the namespace of every IAM response.
const XMLNamespace = "https://iam.amazonaws.com/doc/2010-05-08/"

// Service holds the IAM state of the one account localaws serves.
type Service struct {
	protocol.QueryService
	env *core.Env

	mu sync.Mutex
	// IAM names are unique regardless of case, so both maps are keyed by lower-case name.
	roles    map[string]*role
	policies map[string]*managedPolicy
	sim      simulator
}

// New builds the service.
func New(env *core.Env) *Service {
	s := &Service{env: env, roles: map[string]*role{}, policies: map[string]*managedPolicy{}}
	s.QueryService = protocol.QueryService{Name: "iam", XMLNamespace: XMLNamespace, Logger: env.Logger, Ops: map[string]protocol.QueryOp{
		"CreateRole":                       s.CreateRole,
		"GetRole":                          s.GetRole,
		"DeleteRole":                       s.DeleteRole,
		"UpdateRole":                       s.UpdateRole,
		"UpdateRoleDescription":            s.UpdateRoleDescription,
		"UpdateAssumeRolePolicy":           s.UpdateAssumeRolePolicy,
		"ListRoles":                        s.ListRoles,
		"TagRole":                          s.TagRole,
		"UntagRole":                        s.UntagRole,
		"ListRoleTags":                     s.ListRoleTags,
		"PutRolePermissionsBoundary":       s.PutRolePermissionsBoundary,
		"DeleteRolePermissionsBoundary":    s.DeleteRolePermissionsBoundary,
		"ListInstanceProfilesForRole":      s.ListInstanceProfilesForRole,
		"PutRolePolicy":                    s.PutRolePolicy,
		"GetRolePolicy":                    s.GetRolePolicy,
		"DeleteRolePolicy":                 s.DeleteRolePolicy,
		"ListRolePolicies":                 s.ListRolePolicies,
		"AttachRolePolicy":                 s.AttachRolePolicy,
		"DetachRolePolicy":                 s.DetachRolePolicy,
		"ListAttachedRolePolicies":         s.ListAttachedRolePolicies,
		"CreatePolicy":                     s.CreatePolicy,
		"GetPolicy":                        s.GetPolicy,
		"DeletePolicy":                     s.DeletePolicy,
		"ListPolicies":                     s.ListPolicies,
		"CreatePolicyVersion":              s.CreatePolicyVersion,
		"GetPolicyVersion":                 s.GetPolicyVersion,
		"DeletePolicyVersion":              s.DeletePolicyVersion,
		"ListPolicyVersions":               s.ListPolicyVersions,
		"SetDefaultPolicyVersion":          s.SetDefaultPolicyVersion,
		"ListEntitiesForPolicy":            s.ListEntitiesForPolicy,
		"TagPolicy":                        s.TagPolicy,
		"UntagPolicy":                      s.UntagPolicy,
		"ListPolicyTags":                   s.ListPolicyTags,
		"SimulatePrincipalPolicy":          s.SimulatePrincipalPolicy,
		"SimulateCustomPolicy":             s.SimulateCustomPolicy,
		"GetContextKeysForCustomPolicy":    s.GetContextKeysForCustomPolicy,
		"GetContextKeysForPrincipalPolicy": s.GetContextKeysForPrincipalPolicy,
	}}
	return s
}

// now is the clock at IAM's one-second resolution.
func (s *Service) now() time.Time { return s.env.Clock.Now().UTC().Truncate(time.Second) }

// formatTime renders a timestamp the way IAM does (ISO 8601, seconds, UTC).
func formatTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }

// uniqueIDAlphabet is the character set of IAM unique IDs (AROA..., ANPA...).
const uniqueIDAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"

// uniqueID returns an IAM unique ID: a four-letter type prefix and 17 random characters.
func uniqueID(prefix string) string {
	b := make([]byte, 17)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	for i := range b {
		b[i] = uniqueIDAlphabet[int(b[i])%len(uniqueIDAlphabet)]
	}
	return prefix + string(b)
}

func key(name string) string { return strings.ToLower(name) }

// sortByName orders items by case-insensitive name, the order of IAM's lists.
func sortByName[T any](items []T, name func(T) string) {
	sort.Slice(items, func(i, j int) bool { return key(name(items[i])) < key(name(items[j])) })
}

// locked reads a resource from the form with find and runs fn on it, both under s.mu.
// Parameters that need no lookup are read by the caller before, as IAM validates them first.
func locked[T any](s *Service, form url.Values, find func(url.Values) (T, error),
	fn func(T) (any, error)) (any, error) {
	return core.Locked(&s.mu, func() (T, error) { return find(form) }, fn)
}

// The IAM error codes, with the HTTP status AWS documents for each.

func noSuchEntity(format string, args ...any) *protocol.Error {
	return protocol.NotFound("NoSuchEntity", format, args...)
}

func entityAlreadyExists(format string, args ...any) *protocol.Error {
	return protocol.Errorf(http.StatusConflict, "EntityAlreadyExists", format, args...)
}

func deleteConflict(format string, args ...any) *protocol.Error {
	return protocol.Errorf(http.StatusConflict, "DeleteConflict", format, args...)
}

func limitExceeded(format string, args ...any) *protocol.Error {
	return protocol.Errorf(http.StatusConflict, "LimitExceeded", format, args...)
}

func malformedPolicy(format string, args ...any) *protocol.Error {
	return protocol.Errorf(http.StatusBadRequest, "MalformedPolicyDocument", format, args...)
}

func invalidInput(format string, args ...any) *protocol.Error {
	return protocol.Errorf(http.StatusBadRequest, "InvalidInput", format, args...)
}

func validationError(format string, args ...any) *protocol.Error {
	return protocol.Errorf(http.StatusBadRequest, "ValidationError", format, args...)
}
