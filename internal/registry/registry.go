// Package registry is the tenant registry: a DynamoDB table with one item per tenant, keyed by tenant_id, whose
// status says whether the router may invoke the backend for it (docs/contracts.md, "Tenant registry").
//
// The router reads it through a Cache: batched BatchGetItem lookups, a TTL, negative caching, one lookup in flight
// per tenant, and the last known status served for a bounded time when the registry fails. cmd/tenantctl writes it.
package registry

import (
	"fmt"
	"strings"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/tenant"
)

// Status is a tenant's state in the registry.
type Status string

// The statuses an item may hold, and Unknown for a tenant the registry has no item for.
const (
	Active     Status = "ACTIVE"     // routed to the backend
	Suspended  Status = "SUSPENDED"  // held in the held queue, never invoked, replayed on resume
	Offboarded Status = "OFFBOARDED" // quarantined as tenant_offboarded
	Unknown    Status = ""           // no item: quarantined as unknown_tenant, unless known_tenants lists it
)

// Statuses lists the statuses an item may hold, in the order used in messages.
var Statuses = []Status{Active, Suspended, Offboarded}

// ParseStatus reads an item's status. Anything but the three statuses is an error that names them, so that a typo in
// an item fails loudly instead of being read as unknown.
func ParseStatus(s string) (Status, error) {
	for _, st := range Statuses {
		if s == string(st) {
			return st, nil
		}
	}
	return Unknown, fmt.Errorf("status %q is not one of %s", s, statusList())
}

func statusList() string {
	names := make([]string, len(Statuses))
	for i, s := range Statuses {
		names[i] = string(s)
	}
	return strings.Join(names, ", ")
}

// Item attribute names (docs/contracts.md). tenant_id is the table's partition key.
const (
	AttrTenantID  = "tenant_id"
	AttrStatus    = "status"     // one of Statuses
	AttrUpdatedAt = "updated_at" // RFC 3339, UTC: when the status last changed
	AttrReason    = "reason"     // why it last changed, free text from the operator
	AttrSettings  = "settings"   // a map kept for per-tenant settings (limits, tier) that later features read
)

// KeySeparator never occurs in a tenant ID: AWS allows only [a-zA-Z0-9._:/=+\-@ ]. Items whose key holds it are not
// tenants (tenantctl's replay ledger), so a router lookup can never read one and tenantctl list skips them.
const KeySeparator = "#"

// CheckTenantID refuses an ID that AWS does not accept as a TenantId, which no message could carry.
func CheckTenantID(id string) error {
	if rej := tenant.CheckAWS(id); rej != nil {
		return rej
	}
	return nil
}
