package authz

import (
	"encoding/json"
	"net/http"
	"sync"
	"time"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/core"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/iam/policy"
)

// Decision is one recorded decision, as /_localaws/iam/decisions lists it.
type Decision struct {
	Time      time.Time `json:"time"`
	Principal string    `json:"principal"`
	Action    string    `json:"action"`
	Resource  string    `json:"resource"`
	// Effect is Allow, ExplicitDeny or ImplicitDeny.
	Effect string `json:"effect"`
	// Policy, PolicyType, Statement and Sid name the statement that decided; empty for
	// an implicit deny.
	Policy     string `json:"policy,omitempty"`
	PolicyType string `json:"policy_type,omitempty"`
	Statement  *int   `json:"statement,omitempty"`
	Sid        string `json:"sid,omitempty"`
	Because    string `json:"because,omitempty"`
}

// Decisions is a ring of the most recent decisions.
type Decisions struct {
	mu    sync.Mutex
	ring  []Decision
	next  int
	full  bool
	clock func() time.Time
}

// NewDecisions keeps the last n decisions.
func NewDecisions(n int) *Decisions {
	return &Decisions{ring: make([]Decision, n), clock: time.Now}
}

func (d *Decisions) record(principal string, req core.AccessRequest, dec policy.Decision) {
	rec := Decision{Time: d.clock().UTC(), Principal: principal, Action: req.Action, Resource: req.Resource,
		Effect: dec.Effect, Because: dec.Because}
	if m := dec.Matched; m != nil {
		i := m.Statement
		rec.Policy, rec.PolicyType, rec.Statement, rec.Sid = m.Policy, string(m.Type), &i, m.Sid
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.ring[d.next] = rec
	d.next = (d.next + 1) % len(d.ring)
	d.full = d.full || d.next == 0
}

// List returns the decisions, oldest first.
func (d *Decisions) List() []Decision {
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.full {
		return append([]Decision{}, d.ring[:d.next]...)
	}
	return append(append([]Decision{}, d.ring[d.next:]...), d.ring[:d.next]...)
}

// ServeHTTP lists the decisions as JSON, newest last; ?effect=ImplicitDeny (or any
// effect) keeps those only.
func (d *Decisions) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	list := d.List()
	if effect := r.URL.Query().Get("effect"); effect != "" {
		kept := list[:0]
		for _, rec := range list {
			if rec.Effect == effect {
				kept = append(kept, rec)
			}
		}
		list = kept
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"decisions": list})
}
