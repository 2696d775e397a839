package pattern

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// The operand parsers of the operators that take more than a plain value:
// anything-but, numeric and the equals-ignore-case nested in prefix and suffix.

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
