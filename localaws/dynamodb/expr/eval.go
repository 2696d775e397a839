package expr

import (
	"strconv"
	"strings"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/dynamodb/attr"
)

// operand is something a condition compares: it resolves against an item to a value,
// or to nothing when the attribute is missing (or size() has no meaning for it).
type operand interface {
	resolve(item attr.Item) (attr.Value, bool)
}

type pathOperand struct{ path Path }

func (o pathOperand) resolve(item attr.Item) (attr.Value, bool) { return o.path.get(item) }

type valueOperand struct{ v attr.Value }

func (o valueOperand) resolve(attr.Item) (attr.Value, bool) { return o.v, !o.v.IsZero() }

// sizeOperand is size(x): string and binary lengths in bytes, the member count of a
// set, list or map; undefined for numbers, booleans and nulls.
type sizeOperand struct{ arg operand }

func (o sizeOperand) resolve(item attr.Item) (attr.Value, bool) {
	v, ok := o.arg.resolve(item)
	if !ok {
		return attr.Value{}, false
	}
	switch v.Type() {
	case attr.TypeS, attr.TypeB:
		return attr.N(strconv.Itoa(len(v.S()))), true
	case attr.TypeSS, attr.TypeNS, attr.TypeBS, attr.TypeL, attr.TypeM:
		return attr.N(strconv.Itoa(v.Len())), true
	}
	return attr.Value{}, false
}

// node is a condition.
type node interface {
	eval(item attr.Item) bool
}

type andNode struct{ l, r node }

func (n andNode) eval(item attr.Item) bool { return n.l.eval(item) && n.r.eval(item) }

type orNode struct{ l, r node }

func (n orNode) eval(item attr.Item) bool { return n.l.eval(item) || n.r.eval(item) }

type notNode struct{ n node }

func (n notNode) eval(item attr.Item) bool { return !n.n.eval(item) }

type compareNode struct {
	op   string
	l, r operand
}

func (n compareNode) eval(item attr.Item) bool {
	a, okA := n.l.resolve(item)
	b, okB := n.r.resolve(item)
	if !okA || !okB {
		// A missing attribute equals nothing, so it is "not equal" to everything.
		return n.op == "<>"
	}
	switch n.op {
	case "=":
		return attr.Equal(a, b)
	case "<>":
		return !attr.Equal(a, b)
	}
	c, ok := attr.Compare(a, b)
	if !ok {
		return false
	}
	switch n.op {
	case "<":
		return c < 0
	case "<=":
		return c <= 0
	case ">":
		return c > 0
	default: // ">="
		return c >= 0
	}
}

type betweenNode struct{ x, lo, hi operand }

func (n betweenNode) eval(item attr.Item) bool {
	x, ok1 := n.x.resolve(item)
	lo, ok2 := n.lo.resolve(item)
	hi, ok3 := n.hi.resolve(item)
	if !ok1 || !ok2 || !ok3 {
		return false
	}
	c1, okLo := attr.Compare(lo, x)
	c2, okHi := attr.Compare(x, hi)
	return okLo && okHi && c1 <= 0 && c2 <= 0
}

type inNode struct {
	x    operand
	list []operand
}

func (n inNode) eval(item attr.Item) bool {
	x, ok := n.x.resolve(item)
	if !ok {
		return false
	}
	for _, o := range n.list {
		if v, ok := o.resolve(item); ok && attr.Equal(x, v) {
			return true
		}
	}
	return false
}

// funcNode is a function used as a condition.
type funcNode struct {
	name string
	args []operand
}

func (n funcNode) eval(item attr.Item) bool {
	if n.name == "" {
		return false
	}
	a, okA := n.args[0].resolve(item)
	switch n.name {
	case "attribute_exists":
		return okA
	case "attribute_not_exists":
		return !okA
	}
	b, okB := n.args[1].resolve(item)
	if !okA || !okB {
		return false
	}
	switch n.name {
	case "attribute_type":
		return b.Type() == attr.TypeS && string(a.Type()) == b.S()
	case "begins_with":
		return a.Type() == b.Type() && (a.Type() == attr.TypeS || a.Type() == attr.TypeB) && strings.HasPrefix(a.S(), b.S())
	default: // contains
		return contains(a, b)
	}
}

// contains is contains(a, b): a substring of a string, a member of a set, or an
// element of a list.
func contains(a, b attr.Value) bool {
	switch a.Type() {
	case attr.TypeS:
		return b.Type() == attr.TypeS && strings.Contains(a.S(), b.S())
	case attr.TypeB:
		return b.Type() == attr.TypeB && strings.Contains(a.S(), b.S())
	case attr.TypeSS, attr.TypeNS, attr.TypeBS:
		return a.Has(b)
	case attr.TypeL:
		for _, e := range a.L() {
			if attr.Equal(e, b) {
				return true
			}
		}
	}
	return false
}
