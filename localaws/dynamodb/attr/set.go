package attr

// Sets keep their members in the order first seen; DynamoDB documents no order.

// memberType is the scalar type of a set's members.
func memberType(set Type) Type {
	switch set {
	case TypeSS:
		return TypeS
	case TypeNS:
		return TypeN
	case TypeBS:
		return TypeB
	}
	return ""
}

// SetOf is the set type whose members have scalar type t ("" if none).
func SetOf(t Type) Type {
	switch t {
	case TypeS:
		return TypeSS
	case TypeN:
		return TypeNS
	case TypeB:
		return TypeBS
	}
	return ""
}

// Member is a set's i-th member as a scalar value.
func (v Value) Member(i int) Value { return Value{t: memberType(v.t), str: v.set[i]} }

// Len is the number of members of a set, elements of a list or attributes of a map.
func (v Value) Len() int {
	switch v.t {
	case TypeM:
		return len(v.m)
	case TypeL:
		return len(v.l)
	}
	return len(v.set)
}

// Has reports whether set v has a member equal to the scalar m.
func (v Value) Has(m Value) bool {
	if !v.IsSet() || m.t != memberType(v.t) {
		return false
	}
	for i := range v.set {
		if Equal(v.Member(i), m) {
			return true
		}
	}
	return false
}

// Union is the set of a's members followed by b's members that a lacks; a and b must
// have the same set type.
func Union(a, b Value) Value {
	out := append([]string{}, a.set...)
	for i := range b.set {
		if !a.Has(b.Member(i)) {
			out = append(out, b.set[i])
		}
	}
	return a.withMembers(out)
}

// Difference is a's members that b lacks; it may be empty, which DynamoDB stores by
// removing the attribute.
func Difference(a, b Value) Value {
	out := []string{}
	for i := range a.set {
		if !b.Has(a.Member(i)) {
			out = append(out, a.set[i])
		}
	}
	return a.withMembers(out)
}
