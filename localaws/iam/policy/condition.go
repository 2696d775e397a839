package policy

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Condition is one key under one operator of a Condition block, e.g.
// {"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["${aws:PrincipalTag/TenantId}"]}}.
type Condition struct {
	Operator string // as written
	Key      string
	Values   []string

	op   operator
	vals []value
}

type family uint8

const (
	fString family = iota
	fStringFold
	fStringLike
	fNumeric
	fDate
	fBool
	fBinary
	fIP
	fARN
	fNull
)

type comparison uint8

const (
	eq comparison = iota
	lt
	le
	gt
	ge
)

// operator is a compiled condition operator: a base operator with its set qualifier
// and IfExists suffix.
type operator struct {
	family   family
	cmp      comparison
	negated  bool
	ifExists bool
	set      setQualifier
}

type setQualifier uint8

const (
	single setQualifier = iota
	forAllValues
	forAnyValue
)

// baseOperators are the operators of reference_policies_elements_condition_operators.html,
// keyed in lower case: IAM matches operator names without regard to case.
var baseOperators = map[string]operator{
	"stringequals":              {family: fString},
	"stringnotequals":           {family: fString, negated: true},
	"stringequalsignorecase":    {family: fStringFold},
	"stringnotequalsignorecase": {family: fStringFold, negated: true},
	"stringlike":                {family: fStringLike},
	"stringnotlike":             {family: fStringLike, negated: true},
	"numericequals":             {family: fNumeric},
	"numericnotequals":          {family: fNumeric, negated: true},
	"numericlessthan":           {family: fNumeric, cmp: lt},
	"numericlessthanequals":     {family: fNumeric, cmp: le},
	"numericgreaterthan":        {family: fNumeric, cmp: gt},
	"numericgreaterthanequals":  {family: fNumeric, cmp: ge},
	"dateequals":                {family: fDate},
	"datenotequals":             {family: fDate, negated: true},
	"datelessthan":              {family: fDate, cmp: lt},
	"datelessthanequals":        {family: fDate, cmp: le},
	"dategreaterthan":           {family: fDate, cmp: gt},
	"dategreaterthanequals":     {family: fDate, cmp: ge},
	"bool":                      {family: fBool},
	"binaryequals":              {family: fBinary},
	"ipaddress":                 {family: fIP},
	"notipaddress":              {family: fIP, negated: true},
	"arnequals":                 {family: fARN},
	"arnlike":                   {family: fARN},
	"arnnotequals":              {family: fARN, negated: true},
	"arnnotlike":                {family: fARN, negated: true},
	"null":                      {family: fNull},
}

// parseOperator reads "[ForAllValues:|ForAnyValue:]<operator>[IfExists]".
func parseOperator(name string) (operator, bool) {
	lower := strings.ToLower(name)
	set := single
	if rest, ok := strings.CutPrefix(lower, "forallvalues:"); ok {
		set, lower = forAllValues, rest
	} else if rest, ok := strings.CutPrefix(lower, "foranyvalue:"); ok {
		set, lower = forAnyValue, rest
	}
	ifExists := false
	if rest, ok := strings.CutSuffix(lower, "ifexists"); ok {
		ifExists, lower = true, rest
	}
	op, ok := baseOperators[lower]
	if !ok || (op.family == fNull && (ifExists || set != single)) {
		return operator{}, false
	}
	op.set, op.ifExists = set, ifExists
	return op, true
}

func parseConditions(v any, vars bool) ([]Condition, error) {
	block, ok := v.(map[string]any)
	if !ok {
		return nil, malformed(msgSyntax)
	}
	var out []Condition
	for _, name := range sortedKeys(block) {
		op, ok := parseOperator(name)
		if !ok {
			return nil, malformed(msgSyntax)
		}
		keys, ok := block[name].(map[string]any)
		if !ok {
			return nil, malformed(msgSyntax)
		}
		for _, key := range sortedKeys(keys) {
			values, err := conditionValues(keys[key])
			if err != nil {
				return nil, err
			}
			c := Condition{Operator: name, Key: key, Values: values, op: op}
			for _, s := range values {
				c.vals = append(c.vals, compileValue(op.family, s, vars))
			}
			out = append(out, c)
		}
	}
	return out, nil
}

// conditionValues reads a value or a list of values; IAM accepts strings, numbers and
// booleans, and compares them as text.
func conditionValues(v any) ([]string, error) {
	list, ok := v.([]any)
	if !ok {
		list = []any{v}
	}
	out := make([]string, 0, len(list))
	for _, e := range list {
		switch e := e.(type) {
		case string:
			out = append(out, e)
		case json.Number:
			out = append(out, e.String())
		case bool:
			out = append(out, strconv.FormatBool(e))
		default:
			return nil, malformed(msgSyntax)
		}
	}
	return out, nil
}

// value is one compiled condition value. Without variables its typed form is parsed
// once; with variables it is parsed for each request after substitution.
type value struct {
	pattern
	text string // the literal text, when there are no variables
	num  float64
	when time.Time
	ip   netip.Prefix
	bin  []byte
	ok   bool // the typed form parsed
}

func compileValue(f family, s string, vars bool) value {
	// Only StringLike and the Arn* operators take wildcards.
	v := value{pattern: compile(s, vars, f == fStringLike || f == fARN)}
	if !v.vars {
		v.text = joinLiterals(v.toks)
		v.parse(f)
	}
	return v
}

func joinLiterals(toks []tok) string {
	if len(toks) == 1 {
		return toks[0].text
	}
	var b strings.Builder
	for _, t := range toks {
		b.WriteString(t.text)
	}
	return b.String()
}

// parse fills the typed form of v.text for the operator family.
func (v *value) parse(f family) {
	var err error
	switch f {
	case fNumeric:
		v.num, err = strconv.ParseFloat(v.text, 64)
	case fDate:
		v.when, err = parseDate(v.text)
	case fIP:
		v.ip, err = parsePrefix(v.text)
	case fBinary:
		v.bin, err = base64.StdEncoding.DecodeString(v.text)
	}
	v.ok = err == nil
}

// parsePrefix reads a CIDR block or a single address.
func parsePrefix(s string) (netip.Prefix, error) {
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return p, err
		}
		if p.Addr().Is4In6() {
			p = netip.PrefixFrom(p.Addr().Unmap(), max(p.Bits()-96, 0))
		}
		return p.Masked(), nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), nil
}

// dateLayouts are the ISO 8601 forms IAM accepts; a plain number is epoch seconds.
var dateLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04:05",
	"2006-01-02T15:04",
	"2006-01-02",
	"20060102T150405Z0700",
	"20060102T150405Z",
	"20060102",
}

func parseDate(s string) (time.Time, error) {
	if n, err := strconv.ParseFloat(s, 64); err == nil && !strings.ContainsAny(s, "eE") {
		sec := int64(n)
		return time.Unix(sec, int64((n-float64(sec))*1e9)).UTC(), nil
	}
	var err error
	for _, layout := range dateLayouts {
		var t time.Time
		if t, err = time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, err
}

// holds decides one condition against the request context.
func (c *Condition) holds(s *state) bool {
	got, present := s.lookup(c.Key)
	present = present && len(got) > 0
	op := c.op
	if op.family == fNull {
		// "true": the key is absent (or empty); "false": it is present. Values are ORed.
		for i := range c.vals {
			if t, ok := s.text(&c.vals[i]); ok && (strings.EqualFold(t, "true") && !present ||
				strings.EqualFold(t, "false") && present) {
				return true
			}
		}
		return false
	}
	switch op.set {
	case forAllValues:
		// True for an absent key or an empty set, which makes an Allow with ForAllValues
		// permissive unless a Null check guards it (reference_policies_condition-single-vs-multi-valued-context-keys.html).
		if !present {
			return true
		}
		for _, r := range got {
			if !c.eachValue(s, r) {
				return false
			}
		}
		return true
	case forAnyValue:
		if !present {
			return op.ifExists
		}
		for _, r := range got {
			if c.eachValue(s, r) {
				return true
			}
		}
		return false
	}
	if !present {
		// A missing key fails every positive operator and passes every negated one;
		// IfExists passes either way (operators page, "Important").
		return op.ifExists || op.negated
	}
	anyMatch := slices.ContainsFunc(got, func(r string) bool { return c.matchesAny(s, r) })
	return anyMatch != op.negated
}

// eachValue is the operator applied to one request value: for a positive operator it
// matches one of the policy values; for a negated one, none of them.
func (c *Condition) eachValue(s *state, r string) bool {
	return c.matchesAny(s, r) != c.op.negated
}

// matchesAny reports whether request value r matches one of the policy values (ORed).
func (c *Condition) matchesAny(s *state, r string) bool {
	for i := range c.vals {
		if c.matches(s, &c.vals[i], r) {
			return true
		}
	}
	return false
}

// matches compares request value r to one policy value, ignoring negation.
func (c *Condition) matches(s *state, v *value, r string) bool {
	f := c.op.family
	switch f {
	case fStringLike:
		toks, ok := s.resolve(&v.pattern)
		return ok && glob(toks, r, false)
	case fARN:
		segs, ok := s.segments(&v.pattern)
		return ok && matchARN(segs, r)
	}
	if v.vars {
		t, ok := s.text(v)
		if !ok {
			return false
		}
		resolved := value{text: t}
		resolved.parse(f)
		v = &resolved
	}
	switch f {
	case fString:
		return r == v.text
	case fStringFold:
		return strings.EqualFold(r, v.text)
	case fBool:
		return strings.EqualFold(r, v.text)
	case fNumeric:
		n, err := strconv.ParseFloat(r, 64)
		return v.ok && err == nil && compare(c.op.cmp, cmpFloat(n, v.num))
	case fDate:
		t, err := parseDate(r)
		return v.ok && err == nil && compare(c.op.cmp, t.Compare(v.when))
	case fIP:
		a, err := netip.ParseAddr(r)
		return v.ok && err == nil && v.ip.Contains(a.Unmap())
	case fBinary:
		if b, err := base64.StdEncoding.DecodeString(r); err == nil && v.ok {
			return bytes.Equal(b, v.bin)
		}
		return r == v.text
	}
	return false
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func compare(c comparison, sign int) bool {
	switch c {
	case lt:
		return sign < 0
	case le:
		return sign <= 0
	case gt:
		return sign > 0
	case ge:
		return sign >= 0
	}
	return sign == 0
}
