package pattern

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// Matches reports whether the event matches the pattern.
//
// Semantics, after event-ruler's rulesForJSONEvent:
//   - keys of one object are ANDed, the values listed for a leaf are ORed;
//   - an array in the event matches when any element matches; for objects inside
//     arrays, all fields of one object level must match within the same element;
//   - a leaf's values are the scalars at that path (arrays flattened); an object or an
//     empty array there counts as absent, which is what exists:false tests.
func (p *Pattern) Matches(ev *Event) bool {
	return matchNode(p.root, ev.root, true)
}

func matchNode(n *node, v any, present bool) bool {
	var objs []map[string]any
	if present {
		objs = collectObjects(v, objs)
	}
	if len(objs) == 0 {
		// Nothing to descend into: every field below is absent.
		return matchObject(n, nil)
	}
	for _, obj := range objs {
		if matchObject(n, obj) {
			return true
		}
	}
	return false
}

func collectObjects(v any, out []map[string]any) []map[string]any {
	switch tv := v.(type) {
	case map[string]any:
		return append(out, tv)
	case []any:
		for _, item := range tv {
			out = collectObjects(item, out)
		}
	}
	return out
}

func matchObject(n *node, obj map[string]any) bool {
	for _, f := range n.fields {
		v, ok := obj[f.name]
		if f.child != nil {
			if !matchNode(f.child, v, ok) {
				return false
			}
			continue
		}
		if !matchLeaf(f.leaf, v, ok) {
			return false
		}
	}
	for _, group := range n.ors {
		matched := false
		for _, alt := range group {
			if matchObject(alt, obj) {
				matched = true
				break
			}
		}
		if !matched {
			return false
		}
	}
	return true
}

func collectScalars(v any, out []any) []any {
	switch tv := v.(type) {
	case map[string]any:
		return out
	case []any:
		for _, item := range tv {
			out = collectScalars(item, out)
		}
		return out
	default:
		return append(out, tv)
	}
}

func matchLeaf(ms []matcher, v any, present bool) bool {
	var values []any
	if present {
		values = collectScalars(v, nil)
	}
	for _, m := range ms {
		if e, ok := m.(exists); ok {
			if e.want == (len(values) > 0) {
				return true
			}
			continue
		}
		for _, val := range values {
			if m.match(val) {
				return true
			}
		}
	}
	return false
}

// matcher tests one scalar of the event: string, json.Number, bool or nil (JSON null).
type matcher interface {
	match(v any) bool
}

type exactString struct {
	s  string
	ip netip.Addr // valid when s is an IP address: other spellings of it match too
}

func newExactString(s string) exactString {
	m := exactString{s: s}
	if ip, err := netip.ParseAddr(s); err == nil {
		m.ip = ip.Unmap()
	}
	return m
}

func (m exactString) match(v any) bool {
	s, ok := v.(string)
	if !ok {
		return false
	}
	if s == m.s {
		return true
	}
	if m.ip.IsValid() {
		ip, err := netip.ParseAddr(s)
		return err == nil && ip.Unmap() == m.ip
	}
	return false
}

// exactNumber matches numerically where both sides are comparable, and by the
// literal text otherwise (an account number, say, is beyond the numeric range).
type exactNumber struct {
	text    string
	f       float64
	numeric bool
}

func newExactNumber(n json.Number) exactNumber {
	f, err := ruleNumber(n)
	return exactNumber{text: string(n), f: f, numeric: err == nil}
}

func (m exactNumber) match(v any) bool {
	n, ok := v.(json.Number)
	if !ok {
		return false
	}
	if m.numeric {
		if f, ok := eventNumber(n); ok {
			return f == m.f
		}
	}
	return string(n) == m.text
}

// eventNumber returns an event number when it is within the comparable range.
func eventNumber(n json.Number) (float64, bool) {
	f, err := strconv.ParseFloat(string(n), 64)
	if err != nil || f < -numericLimit || f > numericLimit {
		return 0, false
	}
	return f, true
}

type exactBool bool

func (m exactBool) match(v any) bool {
	b, ok := v.(bool)
	return ok && b == bool(m)
}

type exactNull struct{}

func (exactNull) match(v any) bool { return v == nil }

// affix is prefix or suffix matching, optionally ignoring case.
type affix struct {
	s          string
	suffix     bool
	ignoreCase bool
}

func (m affix) match(v any) bool {
	s, ok := v.(string)
	if !ok {
		return false
	}
	want := m.s
	if m.ignoreCase {
		s, want = strings.ToLower(s), strings.ToLower(want)
	}
	if m.suffix {
		return strings.HasSuffix(s, want)
	}
	return strings.HasPrefix(s, want)
}

type equalsIgnoreCase struct{ s string }

func (m equalsIgnoreCase) match(v any) bool {
	s, ok := v.(string)
	return ok && strings.EqualFold(s, m.s)
}

// wildcard is a '*' glob split into its literal segments; len(segs) = stars + 1.
type wildcard struct{ segs []string }

// newWildcard parses the operand: '*' matches any run of characters, "\*" is a
// literal asterisk and "\\" a backslash. "**" and any other escape are errors.
func newWildcard(s string) (wildcard, error) {
	var segs []string
	var cur strings.Builder
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '*':
			if i+1 < len(s) && s[i+1] == '*' {
				return wildcard{}, fmt.Errorf("Consecutive wildcard characters at pos %d", i)
			}
			segs = append(segs, cur.String())
			cur.Reset()
		case '\\':
			if i+1 < len(s) && (s[i+1] == '*' || s[i+1] == '\\') {
				cur.WriteByte(s[i+1])
				i++
				continue
			}
			return wildcard{}, fmt.Errorf("Invalid escape character at pos %d", i)
		default:
			cur.WriteByte(s[i])
		}
	}
	return wildcard{segs: append(segs, cur.String())}, nil
}

func (m wildcard) match(v any) bool {
	s, ok := v.(string)
	if !ok {
		return false
	}
	if len(m.segs) == 1 {
		return s == m.segs[0]
	}
	first, last := m.segs[0], m.segs[len(m.segs)-1]
	if !strings.HasPrefix(s, first) {
		return false
	}
	s = s[len(first):]
	// Leftmost placement of each middle segment leaves the most room for the rest.
	for _, seg := range m.segs[1 : len(m.segs)-1] {
		i := strings.Index(s, seg)
		if i < 0 {
			return false
		}
		s = s[i+len(seg):]
	}
	return strings.HasSuffix(s, last)
}

// anythingBut excludes a set of strings or of numbers; any other value matches.
type anythingBut struct {
	strs map[string]bool
	nums []float64
}

func (m anythingBut) match(v any) bool {
	switch tv := v.(type) {
	case string:
		return !m.strs[tv]
	case json.Number:
		f, ok := eventNumber(tv)
		if !ok {
			return true
		}
		for _, n := range m.nums {
			if n == f {
				return false
			}
		}
		return true
	default:
		return true
	}
}

// anythingButString matches strings that satisfy none of conds, and any non-string.
type anythingButString struct{ conds []matcher }

func (m anythingButString) match(v any) bool {
	if _, ok := v.(string); !ok {
		return true
	}
	for _, c := range m.conds {
		if c.match(v) {
			return false
		}
	}
	return true
}

type numericRange struct {
	lo, hi         float64
	openLo, openHi bool
}

func (m numericRange) match(v any) bool {
	n, ok := v.(json.Number)
	if !ok {
		return false
	}
	f, ok := eventNumber(n)
	if !ok {
		return false
	}
	if f < m.lo || (m.openLo && f == m.lo) {
		return false
	}
	return f < m.hi || (!m.openHi && f == m.hi)
}

type cidr struct{ prefix netip.Prefix }

func (m cidr) match(v any) bool {
	s, ok := v.(string)
	if !ok {
		return false
	}
	ip, err := netip.ParseAddr(s)
	if err != nil {
		return false
	}
	if m.prefix.Addr().Is4() {
		ip = ip.Unmap()
	}
	return m.prefix.Contains(ip)
}

// exists is handled by matchLeaf: it tests presence, not a value.
type exists struct{ want bool }

func (exists) match(any) bool { return false }
