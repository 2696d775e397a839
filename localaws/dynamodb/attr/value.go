// Package attr is DynamoDB's AttributeValue: the ten wire types, their JSON form, the
// validation AWS applies to them (with its exact messages), number arithmetic and order,
// equality, and item size. It knows nothing of tables or expressions.
package attr

import "maps"

// Type is an AttributeValue's data type descriptor, as it appears on the wire.
type Type string

// The data type descriptors DynamoDB defines.
const (
	TypeS    Type = "S"
	TypeN    Type = "N"
	TypeB    Type = "B"
	TypeSS   Type = "SS"
	TypeNS   Type = "NS"
	TypeBS   Type = "BS"
	TypeM    Type = "M"
	TypeL    Type = "L"
	TypeNULL Type = "NULL"
	TypeBOOL Type = "BOOL"
)

// Value is one AttributeValue. The zero Value has no type and stands for "absent".
// Values are immutable by convention: the slices and maps that accessors return are the
// value's own, so callers copy (Clone) before they change them.
type Value struct {
	t Type
	// str holds S, the text of N exactly as sent, or the raw bytes of B.
	str string
	// set holds SS and NS members as text, BS members as raw bytes.
	set []string
	m   Item
	l   []Value
	// b is the BOOL value, or NULL's flag (which AWS requires to be true).
	b bool
	// bad is a decoding problem (no type, several types) that Validate reports in
	// AWS's words; decoding itself accepts such values so the request can be rejected
	// with a ValidationException rather than a serialization error.
	bad string
}

// Item is a set of named attributes: an item, a key, or the contents of an M.
type Item map[string]Value

// S is a string value.
func S(s string) Value { return Value{t: TypeS, str: s} }

// N is a number value; text is kept exactly as given (ParseNumber checks it).
func N(text string) Value { return Value{t: TypeN, str: text} }

// B is a binary value.
func B(b []byte) Value { return Value{t: TypeB, str: string(b)} }

// SS is a string set.
func SS(members ...string) Value { return Value{t: TypeSS, set: nonNil(members)} }

// NS is a number set; members are number texts.
func NS(members ...string) Value { return Value{t: TypeNS, set: nonNil(members)} }

// BS is a binary set.
func BS(members ...[]byte) Value {
	set := make([]string, len(members))
	for i, m := range members {
		set[i] = string(m)
	}
	return Value{t: TypeBS, set: set}
}

// M is a map value; a nil item is an empty map.
func M(item Item) Value {
	if item == nil {
		item = Item{}
	}
	return Value{t: TypeM, m: item}
}

// L is a list value.
func L(elems ...Value) Value {
	if elems == nil {
		elems = []Value{}
	}
	return Value{t: TypeL, l: elems}
}

// Null is the NULL value.
func Null() Value { return Value{t: TypeNULL, b: true} }

// Bool is a BOOL value.
func Bool(b bool) Value { return Value{t: TypeBOOL, b: b} }

// Type is the value's data type; "" for the zero (absent) value.
func (v Value) Type() Type { return v.t }

// IsZero reports whether v is absent (has no type).
func (v Value) IsZero() bool { return v.t == "" }

// S is the string of an S value.
func (v Value) S() string { return v.str }

// N is the text of an N value as it was given.
func (v Value) N() string { return v.str }

// B is the bytes of a B value.
func (v Value) B() []byte { return []byte(v.str) }

// SS is the members of an SS value.
func (v Value) SS() []string { return v.set }

// NS is the member texts of an NS value.
func (v Value) NS() []string { return v.set }

// BS is the members of a BS value.
func (v Value) BS() [][]byte {
	out := make([][]byte, len(v.set))
	for i, m := range v.set {
		out[i] = []byte(m)
	}
	return out
}

// M is the attributes of an M value.
func (v Value) M() Item { return v.m }

// L is the elements of an L value.
func (v Value) L() []Value { return v.l }

// Bool is the value of a BOOL.
func (v Value) Bool() bool { return v.b }

// IsSet reports whether v is SS, NS or BS.
func (v Value) IsSet() bool { return v.t == TypeSS || v.t == TypeNS || v.t == TypeBS }

// withMembers is a set of v's type with the given internal members.
func (v Value) withMembers(members []string) Value { return Value{t: v.t, set: members} }

// Clone is a deep copy of v.
func (v Value) Clone() Value {
	c := v
	if v.set != nil {
		c.set = append([]string{}, v.set...)
	}
	if v.m != nil {
		c.m = v.m.Clone()
	}
	if v.l != nil {
		c.l = make([]Value, len(v.l))
		for i, e := range v.l {
			c.l[i] = e.Clone()
		}
	}
	return c
}

// Clone is a deep copy of the item.
func (it Item) Clone() Item {
	if it == nil {
		return nil
	}
	c := make(Item, len(it))
	for k, v := range it {
		c[k] = v.Clone()
	}
	return c
}

// Names is the item's attribute names (unordered).
func (it Item) Names() []string {
	out := make([]string, 0, len(it))
	for k := range maps.Keys(it) {
		out = append(out, k)
	}
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
