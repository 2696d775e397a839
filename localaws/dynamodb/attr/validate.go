package attr

import (
	"fmt"
	"slices"
	"strings"
)

// ValidationError is a request DynamoDB rejects with a ValidationException; Message is
// AWS's text. Both this package and the expression package return it.
type ValidationError struct {
	Message string
}

func (e *ValidationError) Error() string { return e.Message }

// Errorf builds a *ValidationError.
func Errorf(format string, args ...any) *ValidationError {
	return &ValidationError{Message: fmt.Sprintf(format, args...)}
}

// Invalid is the prefix AWS puts before most messages about bad parameter values.
const Invalid = "One or more parameter values were invalid: "

// Validate checks v the way DynamoDB checks every AttributeValue in a request. Empty
// strings and binaries are valid here: only key attributes forbid them (a table check).
func Validate(v Value) error {
	if v.bad != "" {
		return Errorf("%s", v.bad)
	}
	switch v.t {
	case TypeNULL:
		if !v.b {
			return Errorf(Invalid + "Null attribute value types must have the value of true")
		}
	case TypeN:
		_, err := ParseNumber(v.str)
		return err
	case TypeSS:
		if len(v.set) == 0 {
			return Errorf(Invalid + "An string set  may not be empty")
		}
		if hasDuplicate(v.set) {
			return Errorf(Invalid+"Input collection [%s] contains duplicates.", strings.Join(v.set, ", "))
		}
	case TypeNS:
		if len(v.set) == 0 {
			return Errorf(Invalid + "An number set  may not be empty")
		}
		nums := make([]Number, len(v.set))
		for i, m := range v.set {
			n, err := ParseNumber(m)
			if err != nil {
				return err
			}
			nums[i] = n
		}
		slices.SortFunc(nums, Number.Cmp)
		for i := 1; i < len(nums); i++ {
			if nums[i].Cmp(nums[i-1]) == 0 {
				return Errorf("Input collection contains duplicates")
			}
		}
	case TypeBS:
		if len(v.set) == 0 {
			return Errorf(Invalid + "Binary sets should not be empty")
		}
		if hasDuplicate(v.set) {
			quoted := make([]string, len(v.set))
			for i, m := range v.set {
				quoted[i] = encodeBase64(m)
			}
			return Errorf(Invalid+"Input collection [%s]of type BS contains duplicates.", strings.Join(quoted, ", "))
		}
	case TypeM:
		return ValidateItem(v.m)
	case TypeL:
		for _, e := range v.l {
			if err := Validate(e); err != nil {
				return err
			}
		}
	}
	return nil
}

// ValidateItem validates every value of an item, in name order so the first error
// reported is the same on every run.
func ValidateItem(it Item) error {
	names := it.Names()
	slices.Sort(names)
	for _, name := range names {
		if err := Validate(it[name]); err != nil {
			return err
		}
	}
	return nil
}

func hasDuplicate(members []string) bool {
	seen := make(map[string]bool, len(members))
	for _, m := range members {
		if seen[m] {
			return true
		}
		seen[m] = true
	}
	return false
}
