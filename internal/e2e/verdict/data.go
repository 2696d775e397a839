package verdict

import (
	"fmt"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/internal/evidence"
)

// AccessDenied is the error code a refused DynamoDB read must get.
const AccessDenied = "AccessDeniedException"

// Item is one item of the tenant data table, as an admin scan reads it.
type Item struct {
	TenantID      string // the partition key
	SK            string
	EnvironmentID string // the environment that wrote it
	MessageID     string // the message it was written for
}

// Reads counts reads that had to be refused, and how many were.
type Reads struct {
	Attempted int
	Denied    int
}

// DataReport is the verdict on the tenant data table.
type DataReport struct {
	Items int
	// CrossTenant counts GetItem and Query calls on another tenant's key, per probing tenant.
	CrossTenant map[string]Reads
	Scans       Reads
}

// CrossTenantTotal adds up the cross-tenant reads of every tenant.
func (d DataReport) CrossTenantTotal() Reads {
	var t Reads
	for _, r := range d.CrossTenant {
		t.Attempted += r.Attempted
		t.Denied += r.Denied
	}
	return t
}

// crossTenant is one tenant's cross-tenant reads; ok is false without a data report or reads.
func (d *DataReport) crossTenant(tenant string) (Reads, bool) {
	if d == nil {
		return Reads{}, false
	}
	r, ok := d.CrossTenant[tenant]
	return r, ok
}

// checkData wants each run's item in the table under its own tenant's key, no item under a key other than its
// writer's, and every cross-tenant read and Scan of a marked message denied.
func (a *analysis) checkData() {
	d := &DataReport{Items: len(a.in.Items), CrossTenant: map[string]Reads{}}
	a.r.Data = d
	items := make(map[string]Item, len(a.in.Items))
	for _, it := range a.in.Items {
		items[it.TenantID+"\x00"+it.SK] = it
		writer, known := a.envTenant[it.EnvironmentID]
		switch {
		case !known:
			a.fail("item %q/%q was written by environment %s, which left no evidence record", it.TenantID, it.SK, it.EnvironmentID)
		case writer != it.TenantID:
			a.breach("an environment of tenant %q wrote item %q under tenant %q's key", writer, it.SK, it.TenantID)
		}
		if s, ok := a.sentBy[it.MessageID]; ok && s.Tenant != it.TenantID {
			a.breach("message %s sent for tenant %q left item %q under tenant %q's key", it.MessageID, s.Tenant, it.SK, it.TenantID)
		}
	}
	for _, e := range a.in.Evidence {
		s, ok := a.sentBy[e.MessageID]
		if !ok {
			continue // reported by checkEvidence
		}
		if e.Data == nil {
			a.fail("message %s ran as tenant %q without writing its item to the tenant data table", e.MessageID, e.TenantID)
			continue
		}
		if _, ok := items[e.TenantID+"\x00"+e.Data.SK]; !ok {
			a.fail("message %s: item %q is not in the table under tenant %q's key", e.MessageID, e.Data.SK, e.TenantID)
		}
		if s.Probe != "" {
			a.checkProbe(d, e, s.Probe)
		}
	}
}

// checkProbe counts one marked message's reads of another tenant's data.
func (a *analysis) checkProbe(d *DataReport, e Evidence, other string) {
	p := e.Data.Probe
	if p == nil || p.OtherTenant != other {
		a.fail("message %s asked tenant %q to read tenant %q's data, and the worker did not", e.MessageID, e.TenantID, other)
		return
	}
	reads := d.CrossTenant[e.TenantID]
	for _, r := range []struct {
		call, outcome string
		count         *Reads
	}{
		{"GetItem on tenant " + fmt.Sprintf("%q", other) + "'s key", p.GetItem, &reads},
		{"Query on tenant " + fmt.Sprintf("%q", other) + "'s key", p.Query, &reads},
		{"Scan of the whole table", p.Scan, &d.Scans},
	} {
		r.count.Attempted++
		switch r.outcome {
		case AccessDenied:
			r.count.Denied++
		case evidence.Allowed:
			a.breach("tenant %q's %s was allowed (message %s)", e.TenantID, r.call, e.MessageID)
		default:
			a.fail("tenant %q's %s got %s, want %s (message %s)", e.TenantID, r.call, r.outcome, AccessDenied, e.MessageID)
		}
	}
	d.CrossTenant[e.TenantID] = reads
}
