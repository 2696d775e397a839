// Package pattern compiles and matches EventBridge event patterns: exact values,
// prefix, suffix, equals-ignore-case, wildcard, anything-but, numeric, cidr, exists,
// $or and nested fields, with the semantics AWS documents under "Content filtering in
// Amazon EventBridge event patterns" (and implements in its open-source event-ruler).
package pattern

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"net/netip"
	"slices"
	"strconv"
	"strings"
)

// Pattern is a compiled event pattern. It is immutable and safe for concurrent use.
type Pattern struct {
	root *node
}

// Error is an invalid pattern; its message says what is wrong and where.
type Error struct {
	Path    string
	Message string
}

func (e *Error) Error() string {
	if e.Path == "" {
		return "Event pattern is not valid. Reason: " + e.Message
	}
	return fmt.Sprintf("Event pattern is not valid. Reason: %s at %q", e.Message, e.Path)
}

// node is an object level of the pattern: every field must match (AND), and each
// $or group must have one alternative that matches.
type node struct {
	fields []field
	ors    [][]*node
}

// field is one key of an object level: either a nested object or a leaf list of
// matchers, any of which may match (OR).
type field struct {
	name  string
	child *node
	leaf  []matcher
}

// numericLimit is the range event-ruler can compare numerically (ComparableNumber).
const numericLimit = 5e9

// orKeyword names the $or primitive; these keys cannot be field names inside $or.
const orKeyword = "$or"

var reservedInOr = map[string]bool{
	"exactly": true, "equals-ignore-case": true, "prefix": true, "suffix": true, "anything-but": true,
	"exists": true, "wildcard": true, "numeric": true, "cidr": true, "=": true, "<": true, "<=": true,
	">": true, ">=": true,
}

// Compile parses and validates a pattern. Errors are *Error.
func Compile(src string) (*Pattern, error) {
	dec := json.NewDecoder(strings.NewReader(src))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, &Error{Message: "Filter is not valid JSON: " + err.Error()}
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, &Error{Message: "Filter is not valid JSON: unexpected data after the top-level object"}
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, &Error{Message: "Filter is not an object"}
	}
	c := compiler{}
	root, err := c.object(obj, "", false)
	if err != nil {
		return nil, err
	}
	return &Pattern{root: root}, nil
}

type compiler struct{}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

func (c compiler) object(obj map[string]any, path string, insideOr bool) (*node, error) {
	if len(obj) == 0 {
		return nil, &Error{Path: path, Message: "Empty objects are not allowed"}
	}
	n := &node{}
	for _, name := range sortedKeys(obj) {
		val := obj[name]
		if name == orKeyword {
			group, err := c.or(val, path)
			if err != nil {
				return nil, err
			}
			n.ors = append(n.ors, group)
			continue
		}
		if insideOr && reservedInOr[name] {
			return nil, &Error{Path: join(path, name), Message: fmt.Sprintf("%s is a reserved keyword which cannot be used as a field name inside %s", name, orKeyword)}
		}
		p := join(path, name)
		switch tv := val.(type) {
		case map[string]any:
			child, err := c.object(tv, p, insideOr)
			if err != nil {
				return nil, err
			}
			n.fields = append(n.fields, field{name: name, child: child})
		case []any:
			leaf, err := c.leaf(tv, p)
			if err != nil {
				return nil, err
			}
			n.fields = append(n.fields, field{name: name, leaf: leaf})
		default:
			return nil, &Error{Path: p, Message: fmt.Sprintf("%q must be an object or an array", name)}
		}
	}
	return n, nil
}

func (c compiler) or(val any, path string) ([]*node, error) {
	p := join(path, orKeyword)
	arr, ok := val.([]any)
	if !ok {
		return nil, &Error{Path: p, Message: orKeyword + " must be followed by an array"}
	}
	if len(arr) < 2 {
		return nil, &Error{Path: p, Message: "There must be at least 2 objects in " + orKeyword}
	}
	alts := make([]*node, 0, len(arr))
	for _, item := range arr {
		obj, ok := item.(map[string]any)
		if !ok {
			return nil, &Error{Path: p, Message: "Only JSON objects are allowed in the array of " + orKeyword}
		}
		alt, err := c.object(obj, path, true)
		if err != nil {
			return nil, err
		}
		alts = append(alts, alt)
	}
	return alts, nil
}

func (c compiler) leaf(arr []any, path string) ([]matcher, error) {
	if len(arr) == 0 {
		return nil, &Error{Path: path, Message: "Empty arrays are not allowed"}
	}
	out := make([]matcher, 0, len(arr))
	for _, item := range arr {
		switch tv := item.(type) {
		case string:
			out = append(out, newExactString(tv))
		case json.Number:
			out = append(out, newExactNumber(tv))
		case bool:
			out = append(out, exactBool(tv))
		case nil:
			out = append(out, exactNull{})
		case map[string]any:
			m, err := c.expression(tv, path)
			if err != nil {
				return nil, err
			}
			out = append(out, m)
		default:
			return nil, &Error{Path: path, Message: "Match value must be String, number, true, false, or null"}
		}
	}
	return out, nil
}

// expression compiles one {"operator": operand} object.
func (c compiler) expression(obj map[string]any, path string) (matcher, error) {
	if len(obj) == 0 {
		return nil, &Error{Path: path, Message: "Match expression name not found"}
	}
	if len(obj) > 1 {
		return nil, &Error{Path: path, Message: "Only one key allowed in match expression"}
	}
	var op string
	var arg any
	for op, arg = range obj {
	}
	fail := func(format string, a ...any) (matcher, error) {
		return nil, &Error{Path: path, Message: fmt.Sprintf(format, a...)}
	}
	switch op {
	case "exactly":
		s, ok := arg.(string)
		if !ok {
			return fail("exactly match pattern must be a string")
		}
		return exactString{s: s}, nil
	case "prefix", "suffix":
		if inner, ok := arg.(map[string]any); ok {
			s, err := ignoreCaseOperand(inner, op)
			if err != nil {
				return nil, &Error{Path: path, Message: err.Error()}
			}
			return affix{s: s, suffix: op == "suffix", ignoreCase: true}, nil
		}
		s, ok := arg.(string)
		if !ok {
			return fail("%s match pattern must be a string", op)
		}
		return affix{s: s, suffix: op == "suffix"}, nil
	case "equals-ignore-case":
		s, ok := arg.(string)
		if !ok {
			return fail("equals-ignore-case match pattern must be a string")
		}
		return equalsIgnoreCase{s: s}, nil
	case "wildcard":
		s, ok := arg.(string)
		if !ok {
			return fail("wildcard match pattern must be a string")
		}
		w, err := newWildcard(s)
		if err != nil {
			return nil, &Error{Path: path, Message: err.Error()}
		}
		return w, nil
	case "anything-but":
		m, err := anythingButExpression(arg)
		if err != nil {
			return nil, &Error{Path: path, Message: err.Error()}
		}
		return m, nil
	case "numeric":
		arr, ok := arg.([]any)
		if !ok {
			return fail("Value of numeric must be an array.")
		}
		r, err := numericExpression(arr)
		if err != nil {
			return nil, &Error{Path: path, Message: err.Error()}
		}
		return r, nil
	case "cidr":
		s, ok := arg.(string)
		if !ok {
			return fail("cidr match pattern must be a string")
		}
		prefix, err := netip.ParsePrefix(s)
		if err != nil {
			return fail("Malformed CIDR, %q: %v", s, err)
		}
		return cidr{prefix: prefix.Masked()}, nil
	case "exists":
		b, ok := arg.(bool)
		if !ok {
			return fail("exists match pattern must be either true or false.")
		}
		return exists{want: b}, nil
	default:
		return fail("Unrecognized match type %s", op)
	}
}

// ignoreCaseOperand reads {"equals-ignore-case": "x"} nested in prefix or suffix.
func ignoreCaseOperand(inner map[string]any, op string) (string, error) {
	if len(inner) != 1 {
		return "", fmt.Errorf("Only one key allowed in match expression")
	}
	s, ok := inner["equals-ignore-case"].(string)
	if !ok {
		for k := range inner {
			if k != "equals-ignore-case" {
				return "", fmt.Errorf("Unsupported %s pattern: %s", op, k)
			}
		}
		return "", fmt.Errorf("equals-ignore-case match pattern must be a string")
	}
	return s, nil
}

func anythingButExpression(arg any) (matcher, error) {
	switch tv := arg.(type) {
	case string:
		return anythingBut{strs: map[string]bool{tv: true}}, nil
	case json.Number:
		f, err := ruleNumber(tv)
		if err != nil {
			return nil, err
		}
		return anythingBut{nums: []float64{f}}, nil
	case []any:
		ab := anythingBut{strs: map[string]bool{}}
		for _, item := range tv {
			switch iv := item.(type) {
			case string:
				ab.strs[iv] = true
			case json.Number:
				f, err := ruleNumber(iv)
				if err != nil {
					return nil, err
				}
				ab.nums = append(ab.nums, f)
			default:
				return nil, fmt.Errorf("Inside anything-but list, start|null|boolean is not supported.")
			}
		}
		if (len(ab.strs) > 0) == (len(ab.nums) > 0) {
			return nil, fmt.Errorf("Inside anything-but list, either all values are number or string, mixed type is not supported")
		}
		return ab, nil
	case map[string]any:
		if len(tv) != 1 {
			return nil, fmt.Errorf("Only one key allowed in match expression")
		}
		var op string
		var operand any
		for op, operand = range tv {
		}
		switch op {
		case "prefix", "suffix", "equals-ignore-case", "wildcard":
		default:
			return nil, fmt.Errorf("Unsupported anything-but pattern: %s", op)
		}
		var values []string
		switch ov := operand.(type) {
		case string:
			values = []string{ov}
		case []any:
			for _, item := range ov {
				s, ok := item.(string)
				if !ok {
					return nil, fmt.Errorf("Inside anything-but/%s list, number|start|null|boolean is not supported.", op)
				}
				values = append(values, s)
			}
			if len(values) == 0 {
				return nil, fmt.Errorf("Empty arrays are not allowed")
			}
		default:
			return nil, fmt.Errorf("Value of anything-but/%s must be a string or an array of strings", op)
		}
		var conds []matcher
		for _, s := range values {
			switch op {
			case "prefix", "suffix":
				if s == "" {
					return nil, fmt.Errorf("Null prefix/suffix not allowed")
				}
				conds = append(conds, affix{s: s, suffix: op == "suffix"})
			case "equals-ignore-case":
				conds = append(conds, equalsIgnoreCase{s: s})
			case "wildcard":
				w, err := newWildcard(s)
				if err != nil {
					return nil, err
				}
				conds = append(conds, w)
			}
		}
		return anythingButString{conds: conds}, nil
	default:
		return nil, fmt.Errorf("Value of anything-but must be an array or single string/number value.")
	}
}

// ruleNumber validates a number in a pattern the way event-ruler does: at most six
// decimals, within ±5e9.
func ruleNumber(n json.Number) (float64, error) {
	f, err := strconv.ParseFloat(string(n), 64)
	if err != nil || math.IsInf(f, 0) {
		return 0, fmt.Errorf("Value %s is not a valid number", n)
	}
	if f < -numericLimit || f > numericLimit {
		return 0, fmt.Errorf("Value must be between -5.0E9 and 5.0E9, inclusive")
	}
	if decimals(string(n)) > 6 {
		return 0, fmt.Errorf("Only values up to 6 decimals are supported: %s", n)
	}
	return f, nil
}

// decimals counts significant digits right of the point, taking an exponent into account.
func decimals(s string) int {
	mant, exp := s, 0
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		mant = s[:i]
		exp, _ = strconv.Atoi(s[i+1:])
	}
	frac := ""
	if i := strings.IndexByte(mant, '.'); i >= 0 {
		frac = strings.TrimRight(mant[i+1:], "0")
	}
	d := len(frac) - exp
	if d < 0 {
		return 0
	}
	return d
}

func numericExpression(arr []any) (matcher, error) {
	r := numericRange{lo: math.Inf(-1), hi: math.Inf(1)}
	if len(arr) == 0 {
		return nil, fmt.Errorf("Empty numeric expression")
	}
	op, ok := arr[0].(string)
	if !ok {
		return nil, fmt.Errorf("Invalid member in numeric match: %v", arr[0])
	}
	operand := func(i int, op string) (float64, error) {
		if i >= len(arr) {
			return 0, fmt.Errorf("Value of %s must be numeric", op)
		}
		n, ok := arr[i].(json.Number)
		if !ok {
			return 0, fmt.Errorf("Value of %s must be numeric", op)
		}
		return ruleNumber(n)
	}
	v, err := operand(1, op)
	if err != nil {
		return nil, err
	}
	switch op {
	case "=":
		r.lo, r.hi = v, v
		if len(arr) > 2 {
			return nil, fmt.Errorf("Too many elements in numeric expression")
		}
		return r, nil
	case "<", "<=":
		r.hi, r.openHi = v, op == "<"
		if len(arr) > 2 {
			return nil, fmt.Errorf("Too many elements in numeric expression")
		}
		return r, nil
	case ">", ">=":
		r.lo, r.openLo = v, op == ">"
	default:
		return nil, fmt.Errorf("Unrecognized numeric range operator: %s", op)
	}
	if len(arr) == 2 {
		return r, nil
	}
	top, ok := arr[2].(string)
	if !ok || (top != "<" && top != "<=") {
		return nil, fmt.Errorf("Bad numeric range operator: %v", arr[2])
	}
	hi, err := operand(3, top)
	if err != nil {
		return nil, err
	}
	if len(arr) > 4 {
		return nil, fmt.Errorf("Too many terms in numeric range expression")
	}
	r.hi, r.openHi = hi, top == "<"
	if r.lo >= r.hi {
		return nil, fmt.Errorf("Bottom must be less than top")
	}
	return r, nil
}

// sortedKeys gives a deterministic order, so the same bad pattern always reports the same error.
func sortedKeys(m map[string]any) []string {
	return slices.Sorted(maps.Keys(m))
}

// Event is a parsed event, shared by every pattern matched against it.
type Event struct {
	root any
}

// ParseEvent parses an event's JSON. Numbers keep their literal text, so that exact
// matches on numbers that cannot be compared numerically still work.
func ParseEvent(data []byte) (*Event, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if _, ok := v.(map[string]any); !ok {
		return nil, errors.New("event is not a JSON object")
	}
	return &Event{root: v}, nil
}

// MatchJSON compiles nothing: it parses data and reports whether p matches it.
func (p *Pattern) MatchJSON(data []byte) (bool, error) {
	ev, err := ParseEvent(data)
	if err != nil {
		return false, err
	}
	return p.Matches(ev), nil
}
