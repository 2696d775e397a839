package expr

import (
	"cmp"
	"slices"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/dynamodb/attr"
)

// Runtime messages of UpdateItem, all ValidationExceptions.
const (
	msgMissingOperand = "The provided expression refers to an attribute that does not exist in the item"
	msgWrongType      = "An operand in the update expression has an incorrect data type"
	msgInvalidPath    = "The document path provided in the update expression is invalid for update"
)

// valueExpr is the right-hand side of a SET, or the operand of ADD and DELETE.
type valueExpr interface {
	value(item attr.Item) (attr.Value, error)
}

func (o pathOperand) value(item attr.Item) (attr.Value, error) {
	if v, ok := o.path.get(item); ok {
		return v, nil
	}
	return attr.Value{}, attr.Errorf(msgMissingOperand)
}

func (o valueOperand) value(attr.Item) (attr.Value, error) { return o.v, nil }

type ifNotExists struct {
	path Path
	def  valueExpr
}

func (f ifNotExists) value(item attr.Item) (attr.Value, error) {
	if v, ok := f.path.get(item); ok {
		return v, nil
	}
	return f.def.value(item)
}

type listAppend struct{ l, r valueExpr }

func (f listAppend) value(item attr.Item) (attr.Value, error) {
	a, b, err := both(item, f.l, f.r, attr.TypeL)
	if err != nil {
		return attr.Value{}, err
	}
	return attr.L(append(append([]attr.Value{}, a.L()...), b.L()...)...), nil
}

type arithmetic struct {
	op   string
	l, r valueExpr
}

func (f arithmetic) value(item attr.Item) (attr.Value, error) {
	a, b, err := both(item, f.l, f.r, attr.TypeN)
	if err != nil {
		return attr.Value{}, err
	}
	x, err := attr.ParseNumber(a.N())
	if err != nil {
		return attr.Value{}, err
	}
	y, err := attr.ParseNumber(b.N())
	if err != nil {
		return attr.Value{}, err
	}
	if f.op == "-" {
		y = y.Neg()
	}
	sum, err := x.Add(y)
	if err != nil {
		return attr.Value{}, err
	}
	return attr.N(sum.String()), nil
}

// both evaluates two operands that must both have type t.
func both(item attr.Item, l, r valueExpr, t attr.Type) (attr.Value, attr.Value, error) {
	a, err := l.value(item)
	if err != nil {
		return a, a, err
	}
	b, err := r.value(item)
	if err != nil {
		return a, b, err
	}
	if a.Type() != t || b.Type() != t {
		return a, b, attr.Errorf(msgWrongType)
	}
	return a, b, nil
}

// Apply returns the item after the update; item itself is not changed, and a nil item
// is a new one. Every SET value is computed from the item as it was before the
// update, as DynamoDB does, so "SET a = b, b = a" swaps.
func (u *Update) Apply(item attr.Item) (attr.Item, error) {
	vals := make([]attr.Value, len(u.sets))
	for i, s := range u.sets {
		v, err := s.val.value(item)
		if err != nil {
			return nil, err
		}
		vals[i] = v
	}
	doc := attr.M(item.Clone())
	var err error
	for i, s := range u.sets {
		if doc, err = setIn(doc, s.path, vals[i]); err != nil {
			return nil, err
		}
	}
	for _, path := range removeOrder(u.removes) {
		if doc, err = removeIn(doc, path); err != nil {
			return nil, err
		}
	}
	for _, a := range u.adds {
		if doc, err = addIn(doc, item, a); err != nil {
			return nil, err
		}
	}
	for _, d := range u.deletes {
		if doc, err = deleteIn(doc, item, d); err != nil {
			return nil, err
		}
	}
	return doc.M(), nil
}

// removeOrder sorts removals of list elements by descending index, so that
// "REMOVE l[1], l[2]" removes the elements the expression named, not their neighbours.
func removeOrder(paths []Path) []Path {
	out := slices.Clone(paths)
	slices.SortStableFunc(out, func(a, b Path) int {
		la, lb := a[len(a)-1], b[len(b)-1]
		if !la.IsIndex || !lb.IsIndex || a[:len(a)-1].String() != b[:len(b)-1].String() {
			return 0
		}
		return cmp.Compare(lb.Index, la.Index)
	})
	return out
}

// setIn returns cur with v stored at path. A missing final map key is created, and a
// list index past the end appends; a missing intermediate is an error.
func setIn(cur attr.Value, path Path, v attr.Value) (attr.Value, error) {
	if len(path) == 0 {
		return v, nil
	}
	step := path[0]
	if step.IsIndex {
		if cur.Type() != attr.TypeL {
			return cur, attr.Errorf(msgInvalidPath)
		}
		l := slices.Clone(cur.L())
		if step.Index >= len(l) {
			if len(path) > 1 {
				return cur, attr.Errorf(msgInvalidPath)
			}
			return attr.L(append(l, v)...), nil
		}
		e, err := setIn(l[step.Index], path[1:], v)
		l[step.Index] = e
		return attr.L(l...), err
	}
	if cur.Type() != attr.TypeM {
		return cur, attr.Errorf(msgInvalidPath)
	}
	m := cur.M()
	child, ok := m[step.Name]
	if !ok && len(path) > 1 {
		return cur, attr.Errorf(msgInvalidPath)
	}
	e, err := setIn(child, path[1:], v)
	if err != nil {
		return cur, err
	}
	m[step.Name] = e // m belongs to the cloned document
	return cur, nil
}

// removeIn returns cur without the element at path. Removing a missing element is a
// no-op; removing below one is an error.
func removeIn(cur attr.Value, path Path) (attr.Value, error) {
	step := path[0]
	switch {
	case step.IsIndex && cur.Type() == attr.TypeL:
		l := cur.L()
		if step.Index >= len(l) {
			return cur, missingParent(path)
		}
		if len(path) == 1 {
			return attr.L(slices.Delete(slices.Clone(l), step.Index, step.Index+1)...), nil
		}
		e, err := removeIn(l[step.Index], path[1:])
		l = slices.Clone(l)
		l[step.Index] = e
		return attr.L(l...), err
	case !step.IsIndex && cur.Type() == attr.TypeM:
		m := cur.M()
		child, ok := m[step.Name]
		switch {
		case len(path) == 1:
			delete(m, step.Name)
		case ok:
			e, err := removeIn(child, path[1:])
			if err != nil {
				return cur, err
			}
			m[step.Name] = e
		default:
			return cur, missingParent(path)
		}
		return cur, nil
	}
	return cur, attr.Errorf(msgInvalidPath)
}

// missingParent is the error for removing below an element that is not there;
// removing a missing last element is a no-op.
func missingParent(path Path) error {
	if len(path) > 1 {
		return attr.Errorf(msgInvalidPath)
	}
	return nil
}

// addIn applies one ADD: it creates a missing number or set, adds to a number, and
// unions into a set of the same type.
func addIn(doc attr.Value, orig attr.Item, a setAction) (attr.Value, error) {
	v, _ := a.val.value(orig)
	old, ok := a.path.get(doc.M())
	switch {
	case !ok:
		return setIn(doc, a.path, v)
	case old.Type() == attr.TypeN && v.Type() == attr.TypeN:
		sum, err := arithmetic{op: "+", l: valueOperand{old}, r: valueOperand{v}}.value(nil)
		if err != nil {
			return doc, err
		}
		return setIn(doc, a.path, sum)
	case old.IsSet() && old.Type() == v.Type():
		return setIn(doc, a.path, attr.Union(old, v))
	}
	return doc, attr.Errorf(msgWrongType)
}

// deleteIn applies one DELETE: it removes members from a set, and the attribute when
// no member is left.
func deleteIn(doc attr.Value, orig attr.Item, d setAction) (attr.Value, error) {
	v, _ := d.val.value(orig)
	old, ok := d.path.get(doc.M())
	switch {
	case !ok:
		return doc, nil
	case old.IsSet() && old.Type() == v.Type():
		if rest := attr.Difference(old, v); rest.Len() > 0 {
			return setIn(doc, d.path, rest)
		}
		return removeIn(doc, d.path)
	}
	return doc, attr.Errorf(msgWrongType)
}
