package tenant

import (
	"errors"
	"fmt"
	"strconv"
)

// Reason says why a message was rejected. The values are the quarantine reasons of docs/contracts.md.
type Reason string

// The rejection reasons. Every one of them is permanent: retrying the same message gives the same answer, so the
// router quarantines it instead of reporting a batch item failure.
const (
	ReasonMissing   Reason = "missing_tenant"  // no rule found a tenant ID
	ReasonInvalid   Reason = "invalid_tenant"  // a value breaks AWS's rule or the configured pattern
	ReasonUnknown   Reason = "unknown_tenant"  // a valid ID that is not in the known-tenant list
	ReasonMismatch  Reason = "tenant_mismatch" // two rules found different IDs: a spoof
	ReasonMalformed Reason = "malformed"       // the body is not well-formed, unambiguous JSON, or a pointer finds no string
	ReasonTooLarge  Reason = "too_large"       // the body or the payload is over a size bound
	// From the tenant registry: an offboarded tenant is quarantined; a suspended one is held, not quarantined, and
	// replayed when it is resumed.
	ReasonOffboarded Reason = "tenant_offboarded"
	ReasonSuspended  Reason = "tenant_suspended"
)

// Rejection is the error returned for a message that must not be routed. Detail is meant for operators: it names the
// rule and the position of the problem, quotes at most a short prefix of a value, and never holds the body.
type Rejection struct {
	Reason Reason
	Detail string
}

func (r *Rejection) Error() string {
	return string(r.Reason) + ": " + r.Detail
}

// Reject builds a Rejection with a formatted detail.
func Reject(reason Reason, format string, args ...any) *Rejection {
	return &Rejection{Reason: reason, Detail: fmt.Sprintf(format, args...)}
}

// AsRejection reports whether err is, or wraps, a Rejection.
func AsRejection(err error) (*Rejection, bool) {
	return errors.AsType[*Rejection](err)
}

// maxQuoted bounds how much of an untrusted value a detail may quote.
const maxQuoted = 64

// quote renders an untrusted value for a detail: ASCII only, escaped, and cut to maxQuoted bytes of input.
func quote(s string) string {
	if len(s) <= maxQuoted {
		return strconv.QuoteToASCII(s)
	}
	return strconv.QuoteToASCII(s[:maxQuoted]) + fmt.Sprintf("... (%d bytes)", len(s))
}
