package expr

import (
	"strings"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/dynamodb/attr"
)

// KeyCondition is a parsed key condition expression: the partition key value and an
// optional sort key condition.
type KeyCondition struct {
	Partition attr.Value
	// Sort is nil when the expression has no sort key condition.
	Sort  *SortCondition
	names []string
}

// Attributes is the key attribute names the condition reads.
func (kc *KeyCondition) Attributes() []string { return kc.names }

// SortCondition is the sort key part of a key condition.
type SortCondition struct {
	// Op is one of =, <, <=, >, >=, BETWEEN, begins_with.
	Op string
	// Values holds one operand, or the two bounds of BETWEEN.
	Values []attr.Value
}

// Match reports whether a sort key value satisfies the condition.
func (s *SortCondition) Match(v attr.Value) bool {
	if s.Op == "begins_with" {
		return v.Type() == s.Values[0].Type() && strings.HasPrefix(v.S(), s.Values[0].S())
	}
	c, ok := attr.Compare(v, s.Values[0])
	if !ok {
		return false
	}
	switch s.Op {
	case "=":
		return c == 0
	case "<":
		return c < 0
	case "<=":
		return c <= 0
	case ">":
		return c > 0
	case ">=":
		return c >= 0
	}
	hi, ok := attr.Compare(v, s.Values[1]) // BETWEEN
	return ok && c >= 0 && hi <= 0
}

const (
	msgKeyConditionNotSupported = "Query key condition not supported"
	msgOneConditionPerKey       = "KeyConditionExpressions must only contain one condition per key"
	msgKeyTypeMismatch          = attr.Invalid + "Condition parameter type does not match schema type"
)

func missedKey(name string) error {
	return attr.Errorf("Query condition missed key schema element: %s", name)
}

// keyTerm is one comparison of a key condition, normalised to key op values.
type keyTerm struct {
	name   string
	op     string
	values []attr.Value
}

// ParseKeyCondition parses a Query's KeyConditionExpression against the key schema of
// the table or index: partition key = value, optionally AND one sort key condition
// (=, <, <=, >, >=, BETWEEN or begins_with).
func ParseKeyCondition(text string, ph *Placeholders, schema attr.KeySchema) (*KeyCondition, error) {
	p, err := newParser(KeyConditionExpression, text, ph, conditionKeywords...)
	if err != nil {
		return nil, err
	}
	root, err := p.parseConditionText()
	if err != nil {
		return nil, err
	}
	var nodes []node
	flattenAnd(root, &nodes)
	if len(nodes) > 2 {
		return nil, attr.Errorf(msgOneConditionPerKey)
	}
	var terms []keyTerm
	for _, n := range nodes {
		t, ok := toKeyTerm(n)
		if !ok {
			return nil, attr.Errorf(msgKeyConditionNotSupported)
		}
		terms = append(terms, t)
	}
	kc := &KeyCondition{}
	var sortTerm *keyTerm
	for i, t := range terms {
		switch t.name {
		case schema.Partition.Name:
			if !kc.Partition.IsZero() {
				return nil, attr.Errorf(msgOneConditionPerKey)
			}
			if t.op != "=" {
				return nil, attr.Errorf(msgKeyConditionNotSupported)
			}
			kc.Partition = t.values[0]
		case schema.Sort.Name:
			if sortTerm != nil {
				return nil, attr.Errorf(msgOneConditionPerKey)
			}
			sortTerm = &terms[i]
		}
	}
	if kc.Partition.IsZero() {
		return nil, missedKey(schema.Partition.Name)
	}
	if len(terms) == 2 && sortTerm == nil {
		if schema.Sort.Name == "" {
			return nil, attr.Errorf(msgKeyConditionNotSupported)
		}
		return nil, missedKey(schema.Sort.Name)
	}
	if kc.Partition.Type() != schema.Partition.Type {
		return nil, attr.Errorf(msgKeyTypeMismatch)
	}
	if sortTerm != nil {
		for _, v := range sortTerm.values {
			if v.Type() != schema.Sort.Type {
				return nil, attr.Errorf(msgKeyTypeMismatch)
			}
		}
		if sortTerm.op == "begins_with" && schema.Sort.Type == attr.TypeN {
			return nil, invalid(KeyConditionExpression, "Incorrect operand type for operator or function; operator or function: begins_with, operand type: N")
		}
		kc.Sort = &SortCondition{Op: sortTerm.op, Values: sortTerm.values}
	}
	kc.names = p.topNames()
	return kc, nil
}

func flattenAnd(n node, out *[]node) {
	if a, ok := n.(andNode); ok {
		flattenAnd(a.l, out)
		flattenAnd(a.r, out)
		return
	}
	*out = append(*out, n)
}

// flipped is the comparator with its operands swapped (:v < k is k > :v).
var flipped = map[string]string{"=": "=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}

// toKeyTerm accepts the shapes a key condition allows: a top-level attribute compared
// with values.
func toKeyTerm(n node) (keyTerm, bool) {
	switch n := n.(type) {
	case compareNode:
		if name, ok := keyName(n.l); ok && isValue(n.r) && n.op != "<>" {
			return keyTerm{name, n.op, []attr.Value{n.r.(valueOperand).v}}, true
		}
		if name, ok := keyName(n.r); ok && isValue(n.l) && n.op != "<>" {
			return keyTerm{name, flipped[n.op], []attr.Value{n.l.(valueOperand).v}}, true
		}
	case betweenNode:
		if name, ok := keyName(n.x); ok && isValue(n.lo) && isValue(n.hi) {
			return keyTerm{name, "BETWEEN", []attr.Value{n.lo.(valueOperand).v, n.hi.(valueOperand).v}}, true
		}
	case funcNode:
		if n.name != "begins_with" || len(n.args) != 2 {
			break
		}
		if name, ok := keyName(n.args[0]); ok && isValue(n.args[1]) {
			return keyTerm{name, "begins_with", []attr.Value{n.args[1].(valueOperand).v}}, true
		}
	}
	return keyTerm{}, false
}

func keyName(o operand) (string, bool) {
	p, ok := o.(pathOperand)
	if !ok || len(p.path) != 1 {
		return "", false
	}
	return p.path.Top(), true
}

func isValue(o operand) bool {
	_, ok := o.(valueOperand)
	return ok
}
