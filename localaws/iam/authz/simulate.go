package authz

import (
	"errors"
	"strconv"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/core"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/iam/identity"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/iam/policy"
)

// Simulation is one SimulatePrincipalPolicy or SimulateCustomPolicy request.
type Simulation struct {
	// Source is the principal whose policies are simulated (a role ARN or the admin
	// user's); "" simulates Policies alone.
	Source string
	// Policies are further identity policies; Boundaries permissions boundaries.
	Policies, Boundaries []string
	Actions, Resources   []string
	// ResourcePolicy is the resource's policy, when the request gives one: the
	// simulation reads no resource policy of its own, as in AWS.
	ResourcePolicy string
	// Caller is the principal resource policies are matched against (CallerArn).
	Caller string
	// Context holds the request's context entries.
	Context map[string][]string
}

// SimulationResult is one action on one resource.
type SimulationResult struct {
	Action, Resource string
	policy.Simulation
}

// ErrNoSuchPrincipal is a Source that names no role or user localaws holds.
var ErrNoSuchPrincipal = errors.New("no such principal")

// Simulate evaluates every action on every resource with the same evaluator that
// authorises requests.
func (a *Authorizer) Simulate(sim Simulation) ([]SimulationResult, error) {
	p := &Principal{Keys: map[string][]string{}}
	switch {
	case sim.Source == a.env.ARN("iam", "", "user/"+identity.AdminUser):
		p = a.admin()
	case sim.Source != "":
		dir := a.ids.Directory()
		if dir == nil {
			return nil, ErrNoSuchPrincipal
		}
		role, ok := dir.RoleByARN(sim.Source)
		if !ok {
			return nil, ErrNoSuchPrincipal
		}
		p.ARN, p.Match, p.Policies = role.ARN, policy.Principal{ARN: role.ARN, RoleARN: role.ARN}, a.rolePolicies(role)
		p.Keys["aws:PrincipalArn"] = []string{role.ARN}
		p.Keys["aws:PrincipalAccount"] = []string{a.env.Account}
		for k, v := range PrincipalTags(role.Tags, nil) {
			p.Keys["aws:PrincipalTag/"+k] = []string{v}
		}
	}
	for i, doc := range sim.Policies {
		p.Policies.Identity = append(p.Policies.Identity, a.parseAll([]identity.Document{{ID: inputID(i), Text: doc}})...)
	}
	for i, doc := range sim.Boundaries {
		p.Policies.Boundary = append(p.Policies.Boundary, a.parseAll([]identity.Document{{ID: inputID(i), Text: doc}})...)
	}
	if sim.Caller != "" {
		p.Match = policy.Principal{ARN: sim.Caller}
	}
	resources := sim.Resources
	if len(resources) == 0 {
		resources = []string{"*"}
	}
	var out []SimulationResult
	for _, action := range sim.Actions {
		for _, resource := range resources {
			out = append(out, a.simulateOne(p, sim, action, resource))
		}
	}
	return out, nil
}

func (a *Authorizer) simulateOne(p *Principal, sim Simulation, action, resource string) SimulationResult {
	r := policy.Request{Action: action, Resource: resource, Principal: p.Match,
		Context: make(map[string][]string, len(p.Keys)+len(sim.Context))}
	for _, keys := range []map[string][]string{p.Keys, sim.Context} {
		for k, v := range keys {
			r.Context[k] = v
		}
	}
	set := p.Policies
	if sim.ResourcePolicy != "" {
		set.Resource = a.parseAll([]identity.Document{{ID: "ResourcePolicy", Text: sim.ResourcePolicy}})
	}
	set.RequireResource = set.Resource != nil && isTrust(core.AccessRequest{Action: action, Resource: resource})
	return SimulationResult{Action: action, Resource: resource, Simulation: policy.Simulate(r, set)}
}

// inputID names the n-th policy of a simulation's input list, as IAM does.
func inputID(n int) string { return "PolicyInputList." + strconv.Itoa(n+1) }
