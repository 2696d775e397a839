package attr

import (
	"slices"
	"strings"
)

// Equal reports whether a and b are the same DynamoDB value: same type, numbers equal
// as numbers (1 = 1.0), sets equal as sets whatever their order, maps and lists equal
// element by element. It is the equality of the = operator and of set membership.
func Equal(a, b Value) bool {
	if a.t != b.t {
		return false
	}
	switch a.t {
	case TypeS, TypeB:
		return a.str == b.str
	case TypeN:
		return numbersEqual(a.str, b.str)
	case TypeSS, TypeBS:
		return len(a.set) == len(b.set) && containsAll(a.set, b.set, func(x, y string) bool { return x == y })
	case TypeNS:
		return len(a.set) == len(b.set) && containsAll(a.set, b.set, numbersEqual)
	case TypeM:
		if len(a.m) != len(b.m) {
			return false
		}
		for k, av := range a.m {
			bv, ok := b.m[k]
			if !ok || !Equal(av, bv) {
				return false
			}
		}
		return true
	case TypeL:
		return slices.EqualFunc(a.l, b.l, Equal)
	default: // NULL, BOOL, absent
		return a.b == b.b
	}
}

// EqualItems reports whether two items hold equal values under the same names.
func EqualItems(a, b Item) bool { return Equal(M(a), M(b)) }

func numbersEqual(a, b string) bool {
	na, errA := ParseNumber(a)
	nb, errB := ParseNumber(b)
	if errA != nil || errB != nil {
		return a == b
	}
	return na.Cmp(nb) == 0
}

// containsAll reports whether every member of b is in a.
func containsAll(a, b []string, eq func(x, y string) bool) bool {
	for _, y := range b {
		if !slices.ContainsFunc(a, func(x string) bool { return eq(x, y) }) {
			return false
		}
	}
	return true
}

// Comparable reports whether v is a scalar that <, <=, >, >= and BETWEEN order:
// S, N or B. Key attributes are always one of these.
func Comparable(v Value) bool { return v.t == TypeS || v.t == TypeN || v.t == TypeB }

// Compare orders two values of the same comparable type the way DynamoDB orders sort
// keys: N by numeric value, S by UTF-8 bytes, B by unsigned bytes. ok is false when
// the types differ or are not comparable.
func Compare(a, b Value) (c int, ok bool) {
	if a.t != b.t || !Comparable(a) {
		return 0, false
	}
	if a.t == TypeN {
		na, errA := ParseNumber(a.str)
		nb, errB := ParseNumber(b.str)
		if errA != nil || errB != nil {
			return 0, false
		}
		return na.Cmp(nb), true
	}
	// Go strings compare bytewise, which is UTF-8 byte order for S and unsigned byte
	// order for B.
	return strings.Compare(a.str, b.str), true
}
