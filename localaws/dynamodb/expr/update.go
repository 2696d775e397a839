package expr

import (
	"strings"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/dynamodb/attr"
)

// Update is a parsed update expression.
type Update struct {
	sets     []setAction
	removes  []Path
	adds     []setAction
	deletes  []setAction
	names    []string
	modified []string
	// targets is the tree of every path the update writes or removes.
	targets *projNode
}

// setAction is path = value (SET), or path value (ADD, DELETE).
type setAction struct {
	path Path
	val  valueExpr
}

// Attributes is the top-level attribute names the update reads or writes.
func (u *Update) Attributes() []string { return u.names }

// Updated is the part of item at the paths the update writes or removes: applied to
// the item before the update it is UPDATED_OLD, applied to the item after it,
// UPDATED_NEW.
func (u *Update) Updated(item attr.Item) attr.Item { return u.targets.apply(item) }

// Modified is the top-level attribute names the update writes or removes, in order of
// first appearance; the caller rejects key attributes among them.
func (u *Update) Modified() []string { return u.modified }

var updateKeywords = []string{"SET", "REMOVE", "ADD", "DELETE"}

// updateFunctions maps each SET function (and the two operators) to its operand count.
var updateFunctions = map[string]int{"if_not_exists": 2, "list_append": 2, "+": 2, "-": 2}

// typeWords are the type names DynamoDB's ADD and DELETE operand messages use.
var typeWords = map[attr.Type]string{
	attr.TypeS: "STRING", attr.TypeN: "NUMBER", attr.TypeB: "BINARY", attr.TypeNULL: "NULL",
	attr.TypeBOOL: "BOOLEAN", attr.TypeL: "LIST", attr.TypeM: "MAP",
}

// ParseUpdate parses an UpdateExpression: SET, REMOVE, ADD and DELETE clauses in any
// order, each at most once.
func ParseUpdate(text string, ph *Placeholders) (*Update, error) {
	p, err := newParser(UpdateExpression, text, ph, updateKeywords...)
	if err != nil {
		return nil, err
	}
	p.nameSlot, p.valueSlot = slotName, slotValue
	u := &Update{}
	seen := map[string]bool{}
	var targets []Path
	for {
		section := p.peek()
		if !p.isKeyword(section) {
			return nil, p.syntaxError()
		}
		p.next()
		word := strings.ToUpper(section.text)
		if seen[word] {
			p.errs.flag(slotSection, "The \"%s\" section can only be used once in an update expression;", word)
		}
		seen[word] = true
		for {
			path, err := p.parsePath()
			if err != nil {
				return nil, err
			}
			targets = append(targets, path)
			switch word {
			case "SET":
				if err := p.expect("="); err != nil {
					return nil, err
				}
				val, err := p.parseSetValue()
				if err != nil {
					return nil, err
				}
				u.sets = append(u.sets, setAction{path, val})
			case "REMOVE":
				u.removes = append(u.removes, path)
			default: // ADD, DELETE
				v, err := p.parseValue()
				if err != nil {
					return nil, err
				}
				p.checkSetOperand(word, v)
				if word == "ADD" {
					u.adds = append(u.adds, setAction{path, valueOperand{v}})
				} else {
					u.deletes = append(u.deletes, setAction{path, valueOperand{v}})
				}
			}
			if !p.accept(",") {
				break
			}
		}
		if p.peek().kind == tokEOF {
			break
		}
	}
	p.checkOverlaps(targets)
	if err := p.errs.first(UpdateExpression, updateOrder); err != nil {
		return nil, err
	}
	u.names = p.topNames()
	u.modified = distinctTops(targets)
	u.targets = newProjTree(targets)
	return u, nil
}

// checkSetOperand rejects literal operands ADD and DELETE cannot use: ADD takes a
// number or a set, DELETE only a set.
func (p *parser) checkSetOperand(op string, v attr.Value) {
	if word, scalar := typeWords[v.Type()]; scalar && !(op == "ADD" && v.Type() == attr.TypeN) {
		p.errs.flag(slotOperand, "Incorrect operand type for operator or function; operator: %s, operand type: %s", op, word)
	}
}

// parseSetValue reads operand, operand + operand or operand - operand, optionally in
// parentheses.
func (p *parser) parseSetValue() (valueExpr, error) {
	if p.peek().is("(") && !isArithmetic(p.afterParen(0)) {
		p.next()
		v, err := p.parseSetValue()
		if err != nil {
			return nil, err
		}
		return v, p.expect(")")
	}
	l, err := p.parseUpdateOperand()
	if err != nil {
		return nil, err
	}
	if op := p.peek(); isArithmetic(op) {
		p.next()
		r, err := p.parseUpdateOperand()
		if err != nil {
			return nil, err
		}
		p.checkLiteralTypes(op.text, attr.TypeN, l, r)
		return arithmetic{op: op.text, l: l, r: r}, nil
	}
	return l, nil
}

func isArithmetic(t token) bool { return t.is("+") || t.is("-") }

// parseUpdateOperand reads a path, a value, a function call or a parenthesised operand.
func (p *parser) parseUpdateOperand() (valueExpr, error) {
	t := p.peek()
	switch {
	case t.is("("):
		p.next()
		o, err := p.parseUpdateOperand()
		if err != nil {
			return nil, err
		}
		return o, p.expect(")")
	case t.kind == tokValue:
		v, err := p.parseValue()
		return valueOperand{v}, err
	case t.kind == tokIdent && p.peekAt(1).is("(") && !p.isKeyword(t):
		return p.parseUpdateFunction()
	}
	path, err := p.parsePath()
	return pathOperand{path}, err
}

func (p *parser) parseUpdateFunction() (valueExpr, error) {
	name := p.next().text
	p.next() // "("
	var args []valueExpr
	for {
		a, err := p.parseUpdateOperand()
		if err != nil {
			return nil, err
		}
		args = append(args, a)
		if p.accept(")") {
			break
		}
		if err := p.expect(","); err != nil {
			return nil, err
		}
	}
	want, known := updateFunctions[name]
	switch {
	case !known || name == "+" || name == "-":
		p.errs.flag(slotUnknownFunction, "Invalid function name; function: %s", name)
		return valueOperand{}, nil
	case want != len(args):
		p.errs.flag(slotFunction, "Incorrect number of operands for operator or function; operator or function: %s, number of operands: %d", name, len(args))
		return valueOperand{}, nil
	}
	if name == "if_not_exists" {
		path, ok := args[0].(pathOperand)
		if !ok {
			p.errs.flag(slotFunction, "Operator or function requires a document path; operator or function: %s", name)
			return valueOperand{}, nil
		}
		return ifNotExists{path: path.path, def: args[1]}, nil
	}
	p.checkLiteralTypes(name, attr.TypeL, args...)
	return listAppend{l: args[0], r: args[1]}, nil
}

// checkLiteralTypes flags a literal operand of the wrong type for an operator or
// function (+ and - take numbers, list_append lists).
func (p *parser) checkLiteralTypes(name string, want attr.Type, args ...valueExpr) {
	for _, a := range args {
		if v, ok := a.(valueOperand); ok && !v.v.IsZero() && v.v.Type() != want {
			p.errs.flag(slotFunction, "Incorrect operand type for operator or function; operator or function: %s, operand type: %s", name, v.v.Type())
		}
	}
}

func distinctTops(paths []Path) []string {
	var out []string
	seen := map[string]bool{}
	for _, p := range paths {
		if !seen[p.Top()] {
			seen[p.Top()] = true
			out = append(out, p.Top())
		}
	}
	return out
}
