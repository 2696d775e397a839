package shape

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Violations collects the members of a request that break its API model's constraints.
// AWS reports them together in one message ("2 validation errors detected: …; …"),
// under the code the service uses for it.
type Violations struct {
	list []string
}

// Add records that value at member fails constraint, e.g. "Member must not be null".
func (v *Violations) Add(value any, member, constraint string) {
	v.list = append(v.list, fmt.Sprintf("Value '%v' at '%s' failed to satisfy constraint: %s", value, member,
		constraint))
}

// Null records a required member that is missing.
func (v *Violations) Null(member string) {
	v.list = append(v.list, fmt.Sprintf("Value null at '%s' failed to satisfy constraint: Member must not be null",
		member))
}

// Length checks a string's length in characters, as AWS counts it, against [lo, hi];
// hi 0 means unbounded.
func (v *Violations) Length(member, value string, lo, hi int) {
	switch n := utf8.RuneCountInString(value); {
	case n < lo:
		v.Add(value, member, fmt.Sprintf("Member must have length greater than or equal to %d", lo))
	case hi > 0 && n > hi:
		v.Add(value, member, fmt.Sprintf("Member must have length less than or equal to %d", hi))
	}
}

// Range checks a number against [lo, hi].
func (v *Violations) Range(member string, n, lo, hi int) {
	switch {
	case n < lo:
		v.Add(n, member, fmt.Sprintf("Member must have value greater than or equal to %d", lo))
	case n > hi:
		v.Add(n, member, fmt.Sprintf("Member must have value less than or equal to %d", hi))
	}
}

// OptionalRange is Range for a member that may be absent (nil).
func (v *Violations) OptionalRange(member string, n *int, lo, hi int) {
	if n != nil {
		v.Range(member, *n, lo, hi)
	}
}

// Pattern checks that re, an anchored pattern such as Anchored builds, matches value.
// The message quotes the pattern without its anchors, as the API model spells it.
func (v *Violations) Pattern(member, value string, re *regexp.Regexp) {
	if !re.MatchString(value) {
		v.Add(value, member, "Member must satisfy regular expression pattern: "+patternText(re))
	}
}

// Enum checks a non-empty value against its allowed set.
func (v *Violations) Enum(member, value string, allowed ...string) {
	if value != "" && !slices.Contains(allowed, value) {
		v.Add(value, member, "Member must satisfy enum value set: ["+strings.Join(allowed, ", ")+"]")
	}
}

// Len is the number of violations recorded.
func (v *Violations) Len() int { return len(v.list) }

// Err is the service's error for every violation recorded, or nil when there is none.
func (v *Violations) Err(newErr ErrorFunc) error {
	switch len(v.list) {
	case 0:
		return nil
	case 1:
		return newErr("1 validation error detected: %s", v.list[0])
	}
	return newErr("%d validation errors detected: %s", len(v.list), strings.Join(v.list, "; "))
}

// ParseInt reads an optional integer member of a query or form request within
// [lo, hi]; "" takes def.
func ParseInt(newErr ErrorFunc, member, raw string, lo, hi, def int) (int, error) {
	if raw == "" {
		return def, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil {
		return 0, ConstraintError(newErr, raw, member, "Member must be a number")
	}
	var v Violations
	v.Range(member, n, lo, hi)
	return n, v.Err(newErr)
}

// ConstraintError is the service's error for one violation, for checks that stop at the first.
func ConstraintError(newErr ErrorFunc, value any, member, constraint string) error {
	var v Violations
	v.Add(value, member, constraint)
	return v.Err(newErr)
}

// Anchored compiles an API model pattern to match whole values only.
func Anchored(pattern string) *regexp.Regexp {
	return regexp.MustCompile(`^(?:` + pattern + `)$`)
}

// patternText is the model's pattern behind an anchored regexp.
func patternText(re *regexp.Regexp) string {
	s := re.String()
	if inner, ok := strings.CutPrefix(s, "^(?:"); ok {
		if inner, ok := strings.CutSuffix(inner, ")$"); ok {
			return inner
		}
	}
	return strings.TrimSuffix(strings.TrimPrefix(s, "^"), "$")
}
