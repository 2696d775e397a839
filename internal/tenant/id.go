// Package tenant finds the tenant ID of an incoming message and decides whether it may be routed.
//
// A source has an ordered list of rules (message attribute, SQS MessageGroupId, JSON pointer into the body, JSON
// pointer into an EventBridge event). Every rule that finds a value has it checked, in this order: AWS's rule for
// tenant IDs, the configured pattern, the known-tenant list. When two rules found different values the message is a
// spoof. Every refusal is a *Rejection with a Reason, which the router turns into a quarantine message.
//
// JSON pointers are resolved by a small validating scanner rather than encoding/json. It needs one pass and, in the
// common case, no allocation (a json.Decoder token walk allocates per token), it sees duplicate and case-variant keys
// that encoding/json silently resolves, and it reports byte offsets without echoing the body. A fuzz test holds it to
// encoding/json's idea of validity.
//
// The package is pure: no I/O, no clocks, no globals that change.
package tenant

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// MaxIDLength is the longest tenant ID that Lambda accepts.
const MaxIDLength = 256

// DefaultPattern is the stricter pattern used when none is configured (ROUTER_TENANT_PATTERN).
const DefaultPattern = `^[a-zA-Z0-9][a-zA-Z0-9_-]{0,63}$`

// awsAllowed marks the bytes of Lambda's TenantId pattern [a-zA-Z0-9._:/=+\-@ ].
var awsAllowed = func() (t [256]bool) {
	for c := 'a'; c <= 'z'; c++ {
		t[c] = true
	}
	for c := 'A'; c <= 'Z'; c++ {
		t[c] = true
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for _, c := range "._:/=+-@ " {
		t[c] = true
	}
	return t
}()

// CheckAWS applies Lambda's own rule for TenantId: 1 to 256 characters of [a-zA-Z0-9._:/=+\-@ ]. The set is ASCII,
// so look-alikes such as Cyrillic 'а' (U+0430) or fullwidth 'ａ' (U+FF41) fail here. It returns nil or an
// invalid_tenant Rejection whose detail names the first offending character and its byte offset.
func CheckAWS(id string) *Rejection {
	if id == "" {
		return Reject(ReasonInvalid, "tenant ID is empty")
	}
	if len(id) > MaxIDLength {
		return Reject(ReasonInvalid, "tenant ID is %d bytes; AWS allows at most %d", len(id), MaxIDLength)
	}
	for i := 0; i < len(id); i++ {
		if awsAllowed[id[i]] {
			continue
		}
		r, size := utf8.DecodeRuneInString(id[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			return Reject(ReasonInvalid, "tenant ID has invalid UTF-8 byte 0x%02x at offset %d", id[i], i)
		default:
			return Reject(ReasonInvalid, "tenant ID has character %U at offset %d; AWS allows only letters, digits, "+
				"space and ._:/=+-@", r, i)
		}
	}
	return nil
}

// Case says how letter case in tenant IDs is treated (ROUTER_TENANT_ID_CASE).
type Case string

// The cases. Lambda's TenantId is case-sensitive, so "ACME" and "acme" get different environments; a backend or a
// store that folds case would see one tenant in both.
const (
	// CaseLower accepts only IDs without upper-case letters, so that every tenant has exactly one spelling; "ACME" is
	// invalid_tenant rather than a second tenant.
	CaseLower Case = "lower"
	// CasePreserve accepts any case; "ACME" and "acme" are two tenants. Known tenants must still differ by more than
	// case.
	CasePreserve Case = "preserve"
)

// DefaultCase applies when none is configured.
const DefaultCase = CaseLower

// Checker validates tenant IDs: AWS's rule, then the case rule, then a pattern, then an optional list of known
// tenants. The zero value is not usable; build one with NewChecker.
type Checker struct {
	source  string         // the pattern as configured, for messages
	pattern *regexp.Regexp // source, anchored at both ends
	idCase  Case
	known   map[string]struct{}
}

// NewChecker returns a Checker. A nil pattern means DefaultPattern and an empty idCase DefaultCase. The pattern must
// match the whole ID, so an unanchored pattern is anchored here rather than allowed to match a substring. An empty
// known list allows every valid tenant; otherwise each entry must itself pass the checks, and no two entries may
// differ only in case.
func NewChecker(pattern *regexp.Regexp, known []string, idCase Case) (*Checker, error) {
	if pattern == nil {
		pattern = regexp.MustCompile(DefaultPattern)
	}
	switch idCase {
	case "":
		idCase = DefaultCase
	case CaseLower, CasePreserve:
	default:
		return nil, fmt.Errorf("tenant ID case %q unknown; use lower or preserve", idCase)
	}
	full, err := regexp.Compile(`^(?:` + pattern.String() + `)$`)
	if err != nil {
		return nil, fmt.Errorf("anchoring pattern %q: %w", pattern.String(), err)
	}
	c := &Checker{source: pattern.String(), pattern: full, idCase: idCase}
	if len(known) > 0 {
		c.known = make(map[string]struct{}, len(known))
		folded := make(map[string]string, len(known))
		for _, k := range known {
			if rej := c.checkFormat(k); rej != nil {
				return nil, fmt.Errorf("known tenant %s: %s", quote(k), rej.Detail)
			}
			if other, ok := folded[strings.ToLower(k)]; ok && other != k {
				return nil, fmt.Errorf("known tenants %s and %s differ only in case; keep one spelling", quote(other),
					quote(k))
			}
			folded[strings.ToLower(k)] = k
			c.known[k] = struct{}{}
		}
	}
	return c, nil
}

// Pattern returns the pattern as configured (before anchoring).
func (c *Checker) Pattern() string { return c.source }

// Check returns nil when id may be routed, or a Rejection (invalid_tenant or unknown_tenant).
func (c *Checker) Check(id string) *Rejection {
	if rej := c.checkFormat(id); rej != nil {
		return rej
	}
	if c.known != nil {
		if _, ok := c.known[id]; !ok {
			return Reject(ReasonUnknown, "tenant ID %s is not in the known-tenant list", quote(id))
		}
	}
	return nil
}

func (c *Checker) checkFormat(id string) *Rejection {
	if rej := CheckAWS(id); rej != nil {
		return rej
	}
	if c.idCase == CaseLower {
		// CheckAWS allows only ASCII, so a byte test finds every upper-case letter.
		if i := strings.IndexFunc(id, func(r rune) bool { return r >= 'A' && r <= 'Z' }); i >= 0 {
			return Reject(ReasonInvalid, "tenant ID %s has upper-case %q at offset %d; tenant IDs are lower case "+
				"(tenant_id_case lower)", quote(id), id[i], i)
		}
	}
	if !c.pattern.MatchString(id) {
		return Reject(ReasonInvalid, "tenant ID %s does not match the tenant pattern %s", quote(id), c.source)
	}
	return nil
}
