// Package authz is localaws's core.Authorizer: it resolves a request's caller to a
// principal (the account's administrator user for keys localaws did not issue, a role
// session with its role's policies, or a service principal acting for a resource), adds
// the global condition keys, finds the resource's policy, evaluates with package policy
// and records each decision.
package authz
