package verdict

import (
	"fmt"
	"time"
)

// Held is a message of a suspended tenant that the router held, and the ID its replay ran under (the same ID for an
// event, whose id survives the replay; a new SQS message ID otherwise).
type Held struct {
	MessageID  string
	Tenant     string
	ReplayedAs string
}

// Suspension is the soak's verdict on suspended tenants.
type Suspension struct {
	RegistryTenants int // tenants in the registry
	Suspended       int // tenants suspended mid-run and resumed
	Held            int // their messages the router held
	Replayed        int // held messages that resume put back into their sources
	// InvokedWhileSuspended counts held messages that ran before their tenant was resumed: must be 0.
	InvokedWhileSuspended int
}

// CheckSuspension checks that no held message ran between effective, when the suspension had reached every router
// and the last invocation a router made before it was over (the cache TTL, a router batch, Lambda's async retries),
// and resumed. A held message that ran before effective was invoked before the suspension and then redelivered (a
// killed router batch) and held: a duplicate, which the accounting counts as one. It returns the outcome with each replay's
// evidence and parking under the ID of the message it replays, so that the accounting counts a held message once,
// whichever ID it ran under (a replay whose backend calls all failed is parked under its new ID).
func CheckSuspension(o Outcome, held []Held, effective, resumed time.Time) (Outcome, Suspension, []string) {
	evidence := o.Evidence
	byID := make(map[string]Held, 2*len(held))
	for _, h := range held {
		byID[h.MessageID] = h
		if h.ReplayedAs != "" {
			byID[h.ReplayedAs] = h
		}
	}
	var (
		s          = Suspension{Held: len(held)}
		violations []string
		out        = make([]Evidence, len(evidence))
	)
	for _, h := range held {
		if h.ReplayedAs != "" {
			s.Replayed++
		}
	}
	for i, e := range evidence {
		out[i] = e
		h, ok := byID[e.MessageID]
		if !ok {
			continue
		}
		if !e.SentAt.Before(effective) && e.SentAt.Before(resumed) {
			s.InvokedWhileSuspended++
			violations = append(violations, fmt.Sprintf("held message %s of suspended tenant %q ran at %s, before "+
				"its tenant was resumed at %s", h.MessageID, h.Tenant, e.SentAt.Format(time.RFC3339Nano),
				resumed.Format(time.RFC3339Nano)))
		}
		out[i].MessageID = h.MessageID
	}
	parked := make([]Parked, len(o.Parked))
	for i, p := range o.Parked {
		parked[i] = p
		if h, ok := byID[p.MessageID]; ok {
			parked[i].MessageID = h.MessageID
		}
	}
	return Outcome{Evidence: out, Quarantine: o.Quarantine, Parked: parked}, s, violations
}
