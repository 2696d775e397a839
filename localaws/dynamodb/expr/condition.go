package expr

import (
	"slices"
	"strings"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/dynamodb/attr"
)

// Condition is a parsed condition or filter expression.
type Condition struct {
	root  node
	names []string
}

// Eval reports whether the item satisfies the condition. A missing item is an empty
// one. Evaluation never fails: a comparison of mismatched or missing operands is
// simply false, as in DynamoDB.
func (c *Condition) Eval(item attr.Item) bool { return c.root.eval(item) }

// Attributes is the top-level attribute names the condition reads.
func (c *Condition) Attributes() []string { return c.names }

// conditionKeywords cannot be attribute names in a condition.
var conditionKeywords = []string{"AND", "OR", "NOT", "BETWEEN", "IN"}

// conditionFunctions maps each function to its operand count.
var conditionFunctions = map[string]int{
	"attribute_exists": 1, "attribute_not_exists": 1, "attribute_type": 2,
	"begins_with": 2, "contains": 2, "size": 1,
}

// ParseCondition parses a ConditionExpression or FilterExpression (kind says which,
// for the messages), resolving placeholders through ph, which may be nil.
func ParseCondition(kind Kind, text string, ph *Placeholders) (*Condition, error) {
	p, err := newParser(kind, text, ph, conditionKeywords...)
	if err != nil {
		return nil, err
	}
	root, err := p.parseConditionText()
	if err != nil {
		return nil, err
	}
	return &Condition{root: root, names: p.topNames()}, nil
}

// parseConditionText parses a whole condition and reports its first error.
func (p *parser) parseConditionText() (node, error) {
	root, _, err := p.parseOr()
	if err != nil {
		return nil, err
	}
	if p.peek().kind != tokEOF {
		return nil, p.syntaxError()
	}
	if err := p.errs.first(p.kind, conditionOrder); err != nil {
		return nil, err
	}
	return root, nil
}

// The parse functions return, with each node, whether it was a bare parenthesised
// condition, so that "((a = b))" can be reported as redundant parentheses.

func (p *parser) parseOr() (node, bool, error) {
	l, paren, err := p.parseAnd()
	if err != nil {
		return nil, false, err
	}
	for p.accept("OR") {
		r, _, err := p.parseAnd()
		if err != nil {
			return nil, false, err
		}
		l, paren = orNode{l, r}, false
	}
	return l, paren, nil
}

func (p *parser) parseAnd() (node, bool, error) {
	l, paren, err := p.parseNot()
	if err != nil {
		return nil, false, err
	}
	for p.accept("AND") {
		r, _, err := p.parseNot()
		if err != nil {
			return nil, false, err
		}
		l, paren = andNode{l, r}, false
	}
	return l, paren, nil
}

func (p *parser) parseNot() (node, bool, error) {
	if p.accept("NOT") {
		n, _, err := p.parseNot()
		if err != nil {
			return nil, false, err
		}
		return notNode{n}, false, nil
	}
	return p.parsePrimary()
}

func (p *parser) parsePrimary() (node, bool, error) {
	if p.peek().is("(") && !startsComparison(p.afterParen(0)) {
		p.next()
		n, innerParen, err := p.parseOr()
		if err != nil {
			return nil, false, err
		}
		if innerParen {
			p.errs.flag(slotParens, "The expression has redundant parentheses;")
		}
		if err := p.expect(")"); err != nil {
			return nil, false, err
		}
		return n, true, nil
	}
	if t := p.peek(); t.kind == tokIdent && p.peekAt(1).is("(") && !p.isKeyword(t) && !startsComparison(p.afterParen(1)) {
		n, err := p.parseConditionFunction()
		return n, false, err
	}
	n, err := p.parseComparison()
	return n, false, err
}

// startsComparison reports whether t continues an operand into a comparison.
func startsComparison(t token) bool { return isComparator(t) || t.is("BETWEEN") || t.is("IN") }

func isComparator(t token) bool {
	if t.kind != tokPunct {
		return false
	}
	switch t.text {
	case "=", "<>", "<", "<=", ">", ">=":
		return true
	}
	return false
}

func (p *parser) parseComparison() (node, error) {
	x, err := p.parseOperand()
	if err != nil {
		return nil, err
	}
	switch t := p.peek(); {
	case isComparator(t):
		p.next()
		y, err := p.parseOperand()
		if err != nil {
			return nil, err
		}
		p.checkDistinct(t.text, x, y)
		return compareNode{op: t.text, l: x, r: y}, nil
	case t.is("BETWEEN"):
		p.next()
		lo, err := p.parseOperand()
		if err != nil {
			return nil, err
		}
		if err := p.expect("AND"); err != nil {
			return nil, err
		}
		hi, err := p.parseOperand()
		if err != nil {
			return nil, err
		}
		p.checkBetween(lo, hi)
		return betweenNode{x: x, lo: lo, hi: hi}, nil
	case t.is("IN"):
		p.next()
		if err := p.expect("("); err != nil {
			return nil, err
		}
		list, err := p.parseOperandList()
		if err != nil {
			return nil, err
		}
		return inNode{x: x, list: list}, nil
	default:
		return nil, p.syntaxError()
	}
}

// parseOperandList reads operands up to and including the closing parenthesis.
func (p *parser) parseOperandList() ([]operand, error) {
	var list []operand
	for {
		o, err := p.parseOperand()
		if err != nil {
			return nil, err
		}
		list = append(list, o)
		if p.accept(")") {
			return list, nil
		}
		if err := p.expect(","); err != nil {
			return nil, err
		}
	}
}

// parseOperand reads a path, a value, size(…) or a parenthesised operand.
func (p *parser) parseOperand() (operand, error) {
	t := p.peek()
	switch {
	case t.is("("):
		p.next()
		if p.peek().is("(") && p.afterParen(0).is(")") {
			p.errs.flag(slotParens, "The expression has redundant parentheses;")
		}
		o, err := p.parseOperand()
		if err != nil {
			return nil, err
		}
		return o, p.expect(")")
	case t.kind == tokValue:
		v, err := p.parseValue()
		return valueOperand{v}, err
	case t.kind == tokIdent && p.peekAt(1).is("(") && !p.isKeyword(t):
		return p.parseOperandFunction()
	}
	path, err := p.parsePath()
	return pathOperand{path}, err
}

// parseCall reads name(args…) and checks the name and operand count.
func (p *parser) parseCall() (string, []operand, error) {
	name := p.next().text
	p.next() // "("
	args, err := p.parseOperandList()
	if err != nil {
		return "", nil, err
	}
	want, known := conditionFunctions[name]
	switch {
	case !known:
		p.errs.flag(slotUnknownFunction, "Invalid function name; function: %s", name)
	case want != len(args):
		p.errs.flag(slotOperand, "Incorrect number of operands for operator or function; operator or function: %s, number of operands: %d", name, len(args))
	}
	return name, args, nil
}

// parseOperandFunction reads a function used as an operand: only size() returns one.
func (p *parser) parseOperandFunction() (operand, error) {
	name, args, err := p.parseCall()
	if err != nil {
		return nil, err
	}
	if _, known := conditionFunctions[name]; known && name != "size" {
		p.errs.flag(slotMisusedFunction, "The function is not allowed to be used this way in an expression; function: %s", name)
	}
	if name != "size" || len(args) != 1 {
		return valueOperand{}, nil // already an error
	}
	p.checkOperandType(name, args[0], attr.TypeN, attr.TypeBOOL, attr.TypeNULL)
	return sizeOperand{args[0]}, nil
}

// parseConditionFunction reads a function used as a condition.
func (p *parser) parseConditionFunction() (node, error) {
	name, args, err := p.parseCall()
	if err != nil {
		return nil, err
	}
	if name == "size" {
		p.errs.flag(slotMisusedFunction, "The function is not allowed to be used this way in an expression; function: %s", name)
	}
	if want, known := conditionFunctions[name]; !known || want != len(args) || name == "size" {
		return funcNode{}, nil // already an error
	}
	if len(args) == 2 {
		p.checkDistinct(name, args[0], args[1])
	}
	switch name {
	case "attribute_exists", "attribute_not_exists":
		p.requirePath(name, args[0])
	case "attribute_type":
		p.requirePath(name, args[0])
		p.checkTypeName(args[1])
	case "begins_with":
		for _, a := range args {
			if v, ok := a.(valueOperand); ok && !v.v.IsZero() && v.v.Type() != attr.TypeS && v.v.Type() != attr.TypeB {
				p.errs.flag(slotFunction, "Incorrect operand type for operator or function; operator or function: %s, operand type: %s", name, v.v.Type())
			}
		}
	}
	return funcNode{name: name, args: args}, nil
}

func (p *parser) requirePath(name string, o operand) {
	if _, ok := o.(pathOperand); !ok {
		p.errs.flag(slotFunction, "Operator or function requires a document path; operator or function: %s", name)
	}
}

func (p *parser) checkOperandType(name string, o operand, bad ...attr.Type) {
	if v, ok := o.(valueOperand); ok {
		for _, t := range bad {
			if v.v.Type() == t {
				p.errs.flag(slotFunction, "Incorrect operand type for operator or function; operator or function: %s, operand type: %s", name, t)
			}
		}
	}
}

// validTypeNames is listed in the order DynamoDB's message uses.
const validTypeNames = "{B,NULL,SS,BOOL,L,BS,N,NS,S,M}"

func (p *parser) checkTypeName(o operand) {
	v, ok := o.(valueOperand)
	if !ok || v.v.IsZero() {
		if !ok {
			p.errs.flag(slotFunction, "Incorrect operand type for operator or function; operator or function: attribute_type, operand type: {NS,SS,L,BS,N,M,B,BOOL,NULL,S}")
		}
		return
	}
	if v.v.Type() != attr.TypeS {
		p.errs.flag(slotFunction, "Incorrect operand type for operator or function; operator or function: attribute_type, operand type: %s", v.v.Type())
		return
	}
	if !slices.Contains(strings.Split(strings.Trim(validTypeNames, "{}"), ","), v.v.S()) {
		p.errs.flag(slotFunction, "Invalid attribute type name found; type: %s, valid types: %s", v.v.S(), validTypeNames)
	}
}

// checkDistinct flags an operator whose two operands are the same path.
func (p *parser) checkDistinct(op string, a, b operand) {
	pa, okA := a.(pathOperand)
	pb, okB := b.(pathOperand)
	if okA && okB && pa.path.String() == pb.path.String() {
		p.errs.flag(slotDistinct, "The first operand must be distinct from the remaining operands for this operator or function; operator: %s, first operand: %s", op, pa.path)
	}
}

// checkBetween applies DynamoDB's checks on literal bounds.
func (p *parser) checkBetween(lo, hi operand) {
	l, okL := lo.(valueOperand)
	h, okH := hi.(valueOperand)
	if !okL || !okH || l.v.IsZero() || h.v.IsZero() {
		return
	}
	bounds := "lower bound operand: AttributeValue: {" + describe(l.v) + "}, upper bound operand: AttributeValue: {" + describe(h.v) + "}"
	if l.v.Type() != h.v.Type() {
		p.errs.flag(slotFunction, "The BETWEEN operator requires same data type for lower and upper bounds; %s", bounds)
		return
	}
	if c, ok := attr.Compare(l.v, h.v); ok && c > 0 {
		p.errs.flag(slotFunction, "The BETWEEN operator requires upper bound to be greater than or equal to lower bound; %s", bounds)
	}
}

// describe renders a scalar the way DynamoDB's messages do: N:5, S:abc.
func describe(v attr.Value) string {
	switch v.Type() {
	case attr.TypeS, attr.TypeN:
		return string(v.Type()) + ":" + v.S()
	}
	return string(v.Type())
}
