// Package pattern compiles and matches EventBridge event patterns: exact values,
// prefix, suffix, equals-ignore-case, wildcard, anything-but, numeric, cidr, exists,
// $or and nested fields, with the semantics AWS documents under "Content filtering in
// Amazon EventBridge event patterns" (and implements in its open-source event-ruler).
package pattern

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/netip"
	"slices"
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

// sortedKeys gives a deterministic order, so the same bad pattern always reports the same error.
func sortedKeys(m map[string]any) []string {
	return slices.Sorted(maps.Keys(m))
}
