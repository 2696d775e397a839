package expr

import (
	"slices"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/dynamodb/attr"
)

// Projection is a parsed projection expression.
type Projection struct {
	root  *projNode
	names []string
}

// projNode is the tree of projected paths: a leaf keeps the whole value, inner nodes
// keep map keys or list indexes (never both: such paths conflict).
type projNode struct {
	leaf    bool
	keys    map[string]*projNode
	indexes map[int]*projNode
}

// ParseProjection parses a ProjectionExpression: document paths separated by commas.
func ParseProjection(text string, ph *Placeholders) (*Projection, error) {
	p, err := newParser(ProjectionExpression, text, ph)
	if err != nil {
		return nil, err
	}
	p.nameSlot, p.valueSlot = slotName, slotValue
	var paths []Path
	for {
		path, err := p.parsePath()
		if err != nil {
			return nil, err
		}
		paths = append(paths, path)
		if p.peek().kind == tokEOF {
			break
		}
		if err := p.expect(","); err != nil {
			return nil, err
		}
	}
	p.checkOverlaps(paths)
	if err := p.errs.first(ProjectionExpression, updateOrder); err != nil {
		return nil, err
	}
	return &Projection{root: newProjTree(paths), names: p.topNames()}, nil
}

// newProjTree builds the tree of paths that neither overlap nor conflict.
func newProjTree(paths []Path) *projNode {
	root := &projNode{}
	for _, path := range paths {
		root.add(path)
	}
	return root
}

func (n *projNode) add(path Path) {
	if len(path) == 0 {
		n.leaf = true
		return
	}
	var child *projNode
	if s := path[0]; s.IsIndex {
		if n.indexes == nil {
			n.indexes = map[int]*projNode{}
		}
		if child = n.indexes[s.Index]; child == nil {
			child = &projNode{}
			n.indexes[s.Index] = child
		}
	} else {
		if n.keys == nil {
			n.keys = map[string]*projNode{}
		}
		if child = n.keys[s.Name]; child == nil {
			child = &projNode{}
			n.keys[s.Name] = child
		}
	}
	child.add(path[1:])
}

// Attributes is the top-level attribute names the projection selects.
func (pr *Projection) Attributes() []string { return pr.names }

// Apply returns the parts of the item the projection selects. Selected list elements
// keep their order and close up ("a[1], a[3]" gives a two-element list); paths the
// item lacks are left out.
func (pr *Projection) Apply(item attr.Item) attr.Item { return pr.root.apply(item) }

func (n *projNode) apply(item attr.Item) attr.Item {
	out, ok := n.extract(attr.M(item))
	if !ok {
		return attr.Item{}
	}
	return out.M()
}

func (n *projNode) extract(v attr.Value) (attr.Value, bool) {
	switch {
	case n.leaf:
		return v, true
	case n.keys != nil && v.Type() == attr.TypeM:
		out := attr.Item{}
		for name, child := range n.keys {
			if cv, ok := v.M()[name]; ok {
				if r, ok := child.extract(cv); ok {
					out[name] = r
				}
			}
		}
		return attr.M(out), len(out) > 0
	case n.indexes != nil && v.Type() == attr.TypeL:
		idx := make([]int, 0, len(n.indexes))
		for i := range n.indexes {
			idx = append(idx, i)
		}
		slices.Sort(idx)
		var out []attr.Value
		for _, i := range idx {
			if i < len(v.L()) {
				if r, ok := n.indexes[i].extract(v.L()[i]); ok {
					out = append(out, r)
				}
			}
		}
		return attr.L(out...), len(out) > 0
	}
	return attr.Value{}, false
}
