package expr

import (
	"strconv"
	"strings"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/dynamodb/attr"
)

// Step is one element of a document path: a map key or a list index.
type Step struct {
	Name    string
	Index   int
	IsIndex bool
}

// Path is a document path such as a.b[2].c, with placeholders resolved.
type Path []Step

// Top is the path's top-level attribute name.
func (p Path) Top() string { return p[0].Name }

// String is the form DynamoDB's messages use: [a, b, [2], c].
func (p Path) String() string {
	parts := make([]string, len(p))
	for i, s := range p {
		if s.IsIndex {
			parts[i] = "[" + strconv.Itoa(s.Index) + "]"
		} else {
			parts[i] = s.Name
		}
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// get is the value at the path, if the item has one there.
func (p Path) get(item attr.Item) (attr.Value, bool) {
	cur := attr.M(item)
	for _, s := range p {
		switch {
		case s.IsIndex && cur.Type() == attr.TypeL && s.Index < len(cur.L()):
			cur = cur.L()[s.Index]
		case !s.IsIndex && cur.Type() == attr.TypeM:
			v, ok := cur.M()[s.Name]
			if !ok {
				return attr.Value{}, false
			}
			cur = v
		default:
			return attr.Value{}, false
		}
	}
	return cur, true
}

// parser is what every expression parser shares: the tokens, the placeholders and
// the semantic errors found so far.
type parser struct {
	scanner
	ph   *Placeholders
	errs semErrors
	// nameSlot and valueSlot are where undefined placeholders are recorded: condition
	// expressions report the first of either, update expressions names before values.
	nameSlot, valueSlot errSlot
	// keywords cannot be attribute names in this grammar (AND, SET, …).
	keywords []string
	// paths are every document path parsed, for Attributes.
	paths []Path
}

// maxExpressionBytes is DynamoDB's limit on the length of any expression string, 4 KB.
const maxExpressionBytes = 4096

func newParser(kind Kind, src string, ph *Placeholders, keywords ...string) (*parser, error) {
	if strings.TrimSpace(src) == "" {
		return nil, invalid(kind, "The expression can not be empty;")
	}
	if len(src) > maxExpressionBytes {
		return nil, invalid(kind, "Expression size has exceeded the maximum allowed size; expression size: %d", len(src))
	}
	p := &parser{scanner: newScanner(kind, src), ph: ph, nameSlot: slotPlaceholder, valueSlot: slotPlaceholder, keywords: keywords}
	return p, nil
}

func (p *parser) isKeyword(t token) bool {
	for _, k := range p.keywords {
		if t.is(k) {
			return true
		}
	}
	return false
}

// parsePath reads name ( . name | [ index ] )*.
func (p *parser) parsePath() (Path, error) {
	name, err := p.pathName()
	if err != nil {
		return nil, err
	}
	path := Path{{Name: name}}
	for {
		switch {
		case p.peek().is("."):
			p.next()
			name, err := p.pathName()
			if err != nil {
				return nil, err
			}
			path = append(path, Step{Name: name})
		case p.peek().is("["):
			p.next()
			t := p.peek()
			if t.kind != tokNumber {
				return nil, p.syntaxError()
			}
			p.next()
			idx, err := strconv.Atoi(t.text)
			if err != nil {
				return nil, invalid(p.kind, "List index is too large; index: %s", t.text)
			}
			if err := p.expect("]"); err != nil {
				return nil, err
			}
			path = append(path, Step{Index: idx, IsIndex: true})
		default:
			p.paths = append(p.paths, path)
			return path, nil
		}
	}
}

func (p *parser) pathName() (string, error) {
	t := p.peek()
	switch {
	case t.kind == tokName:
		p.next()
		name, ok := p.ph.name(t.text)
		if !ok {
			p.errs.flag(p.nameSlot, "An expression attribute name used in the document path is not defined; attribute name: %s", t.text)
		}
		return name, nil
	case t.kind == tokIdent && !p.isKeyword(t):
		p.next()
		if isReserved(t.text) {
			p.errs.flag(slotReserved, "Attribute name is a reserved keyword; reserved keyword: %s", t.text)
		}
		return t.text, nil
	}
	return "", p.syntaxError()
}

// parseValue reads a :placeholder.
func (p *parser) parseValue() (attr.Value, error) {
	t := p.peek()
	if t.kind != tokValue {
		return attr.Value{}, p.syntaxError()
	}
	p.next()
	v, ok := p.ph.value(t.text)
	if !ok {
		p.errs.flag(p.valueSlot, "An expression attribute value used in expression is not defined; attribute value: %s", t.text)
	}
	return v, nil
}

// checkOverlaps records the first pair of paths where one is a prefix of the other
// (overlap) and the first pair that use a key and an index at the same depth
// (conflict), as DynamoDB rejects both in update and projection expressions.
func (p *parser) checkOverlaps(paths []Path) {
	for j, b := range paths {
		for _, a := range paths[:j] {
			p.comparePaths(a, b)
		}
	}
}

func (p *parser) comparePaths(a, b Path) {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i].IsIndex != b[i].IsIndex {
			p.errs.flag(slotConflict, "Two document paths conflict with each other; must remove or rewrite one of these paths; path one: %s, path two: %s", a, b)
			return
		}
		if a[i] != b[i] {
			return
		}
	}
	p.errs.flag(slotOverlap, "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: %s, path two: %s", a, b)
}

// topNames is the distinct top-level attribute names of the parsed paths, in order of
// first use.
func (p *parser) topNames() []string { return distinctTops(p.paths) }
