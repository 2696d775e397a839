package logs

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"
)

// matchFunc reports whether a log event message matches a filter pattern.
type matchFunc func(message string) bool

// compileFilter compiles a CloudWatch Logs filter pattern. Supported: the empty pattern,
// terms and "quoted phrases" (all must occur, case-sensitively), ?terms (at least one
// must occur), -terms (none may occur), %regex% terms, and JSON patterns such as
// { ($.a = "x*" || $.b > 3) && $.c IS TRUE } with =, !=, <, <=, >, >=, IS TRUE|FALSE|NULL
// and NOT EXISTS. Space-delimited patterns ([a, b, ...]) are rejected as unsupported.
func compileFilter(pattern string) (matchFunc, error) {
	p := strings.TrimSpace(pattern)
	switch {
	case p == "" || p == `""`:
		return func(string) bool { return true }, nil
	case strings.HasPrefix(p, "{"):
		return compileJSONFilter(p)
	case strings.HasPrefix(p, "["):
		return nil, fmt.Errorf("space-delimited filter patterns are not supported by localaws")
	default:
		return compileTermFilter(p)
	}
}

type termKind int

const (
	termAll  termKind = iota // must occur
	termAny                  // ?term: at least one of them must occur
	termNone                 // -term: must not occur
)

func compileTermFilter(p string) (matchFunc, error) {
	type term struct {
		kind  termKind
		match func(string) bool
	}
	var terms []term
	for i := 0; i < len(p); {
		if p[i] == ' ' || p[i] == '\t' {
			i++
			continue
		}
		kind := termAll
		switch p[i] {
		case '?':
			kind, i = termAny, i+1
		case '-':
			kind, i = termNone, i+1
		}
		if i >= len(p) {
			return nil, fmt.Errorf("filter pattern ends with an operator")
		}
		var text string
		var err error
		switch p[i] {
		case '"':
			text, i, err = readQuoted(p, i)
		case '%':
			end := strings.IndexByte(p[i+1:], '%')
			if end < 0 {
				return nil, fmt.Errorf("unterminated regular expression in filter pattern")
			}
			re, err := regexp.Compile(p[i+1 : i+1+end])
			if err != nil {
				return nil, fmt.Errorf("invalid regular expression in filter pattern: %v", err)
			}
			terms = append(terms, term{kind, re.MatchString})
			i += end + 2
			continue
		default:
			end := strings.IndexAny(p[i:], " \t")
			if end < 0 {
				end = len(p) - i
			}
			text, i = p[i:i+end], i+end
		}
		if err != nil {
			return nil, err
		}
		t := text
		terms = append(terms, term{kind, func(m string) bool { return strings.Contains(m, t) }})
	}
	return func(m string) bool {
		anyTerms, anyMatched := false, false
		for _, t := range terms {
			ok := t.match(m)
			switch t.kind {
			case termAll:
				if !ok {
					return false
				}
			case termNone:
				if ok {
					return false
				}
			case termAny:
				anyTerms = true
				anyMatched = anyMatched || ok
			}
		}
		return !anyTerms || anyMatched
	}, nil
}

// readQuoted reads a double-quoted string starting at p[i], with backslash escapes, and
// returns it unquoted with the index after the closing quote.
func readQuoted(p string, i int) (string, int, error) {
	var b strings.Builder
	for j := i + 1; j < len(p); j++ {
		switch p[j] {
		case '\\':
			if j+1 < len(p) {
				j++
				b.WriteByte(p[j])
			}
		case '"':
			return b.String(), j + 1, nil
		default:
			b.WriteByte(p[j])
		}
	}
	return "", 0, fmt.Errorf("unterminated quoted string in filter pattern")
}

// jsonExpr evaluates against a decoded JSON log event.
type jsonExpr func(doc any) bool

func compileJSONFilter(p string) (matchFunc, error) {
	if !strings.HasSuffix(p, "}") {
		return nil, fmt.Errorf("JSON filter pattern must end with '}'")
	}
	ps := &jsonParser{src: p[1 : len(p)-1]}
	expr, err := ps.parseOr()
	if err != nil {
		return nil, err
	}
	if ps.skipSpace(); ps.pos != len(ps.src) {
		return nil, fmt.Errorf("unexpected %q in JSON filter pattern", ps.src[ps.pos:])
	}
	return func(m string) bool {
		var doc any
		dec := json.NewDecoder(strings.NewReader(m))
		dec.UseNumber()
		if dec.Decode(&doc) != nil {
			return false
		}
		return expr(doc)
	}, nil
}

type jsonParser struct {
	src string
	pos int
}

func (ps *jsonParser) skipSpace() {
	for ps.pos < len(ps.src) && unicode.IsSpace(rune(ps.src[ps.pos])) {
		ps.pos++
	}
}

// accept consumes tok (after white space) if it comes next.
func (ps *jsonParser) accept(tok string) bool {
	ps.skipSpace()
	if strings.HasPrefix(ps.src[ps.pos:], tok) {
		ps.pos += len(tok)
		return true
	}
	return false
}

// acceptWord consumes a keyword such as IS or TRUE, case-insensitively and whole.
func (ps *jsonParser) acceptWord(word string) bool {
	ps.skipSpace()
	rest := ps.src[ps.pos:]
	if len(rest) < len(word) || !strings.EqualFold(rest[:len(word)], word) {
		return false
	}
	if len(rest) > len(word) && isIdentChar(rest[len(word)]) {
		return false
	}
	ps.pos += len(word)
	return true
}

func (ps *jsonParser) parseOr() (jsonExpr, error) {
	left, err := ps.parseAnd()
	if err != nil {
		return nil, err
	}
	for ps.accept("||") {
		right, err := ps.parseAnd()
		if err != nil {
			return nil, err
		}
		l := left
		left = func(d any) bool { return l(d) || right(d) }
	}
	return left, nil
}

func (ps *jsonParser) parseAnd() (jsonExpr, error) {
	left, err := ps.parseUnary()
	if err != nil {
		return nil, err
	}
	for ps.accept("&&") {
		right, err := ps.parseUnary()
		if err != nil {
			return nil, err
		}
		l := left
		left = func(d any) bool { return l(d) && right(d) }
	}
	return left, nil
}

func (ps *jsonParser) parseUnary() (jsonExpr, error) {
	if ps.accept("(") {
		e, err := ps.parseOr()
		if err != nil {
			return nil, err
		}
		if !ps.accept(")") {
			return nil, fmt.Errorf("missing ')' in JSON filter pattern")
		}
		return e, nil
	}
	return ps.parseComparison()
}

func (ps *jsonParser) parseComparison() (jsonExpr, error) {
	sel, err := ps.parseSelector()
	if err != nil {
		return nil, err
	}
	switch {
	case ps.acceptWord("IS"):
		switch {
		case ps.acceptWord("TRUE"):
			return func(d any) bool { v, ok := sel(d); return ok && v == true }, nil
		case ps.acceptWord("FALSE"):
			return func(d any) bool { v, ok := sel(d); return ok && v == false }, nil
		case ps.acceptWord("NULL"):
			return func(d any) bool { v, ok := sel(d); return ok && v == nil }, nil
		}
		return nil, fmt.Errorf("expected TRUE, FALSE or NULL after IS in JSON filter pattern")
	case ps.acceptWord("NOT"):
		if !ps.acceptWord("EXISTS") {
			return nil, fmt.Errorf("expected EXISTS after NOT in JSON filter pattern")
		}
		return func(d any) bool { _, ok := sel(d); return !ok }, nil
	}
	var op string
	for _, o := range []string{"!=", "<=", ">=", "=", "<", ">"} {
		if ps.accept(o) {
			op = o
			break
		}
	}
	if op == "" {
		return nil, fmt.Errorf("expected a comparison operator in JSON filter pattern at %q", ps.src[ps.pos:])
	}
	value, err := ps.parseValue(op)
	if err != nil {
		return nil, err
	}
	return func(d any) bool {
		v, ok := sel(d)
		return ok && value(v)
	}, nil
}

// selector finds a field in a decoded document; ok is false when it is absent.
type selector func(doc any) (v any, ok bool)

func isIdentChar(c byte) bool {
	return c == '_' || c == '-' || c == '@' || c == '$' || c == ':' ||
		'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// parseSelector parses $.a.b[0].c.
func (ps *jsonParser) parseSelector() (selector, error) {
	if !ps.accept("$") {
		return nil, fmt.Errorf("expected a selector starting with '$' in JSON filter pattern at %q", ps.src[ps.pos:])
	}
	type step struct {
		field string
		index int // used when field == ""
	}
	var steps []step
steps:
	for ps.pos < len(ps.src) {
		switch ps.src[ps.pos] {
		case '.':
			start := ps.pos + 1
			end := start
			for end < len(ps.src) && isIdentChar(ps.src[end]) {
				end++
			}
			if end == start {
				return nil, fmt.Errorf("empty field name in JSON filter selector")
			}
			steps = append(steps, step{field: ps.src[start:end]})
			ps.pos = end
		case '[':
			end := strings.IndexByte(ps.src[ps.pos:], ']')
			if end < 0 {
				return nil, fmt.Errorf("missing ']' in JSON filter selector")
			}
			n, err := strconv.Atoi(ps.src[ps.pos+1 : ps.pos+end])
			if err != nil || n < 0 {
				return nil, fmt.Errorf("invalid array index in JSON filter selector")
			}
			steps = append(steps, step{index: n})
			ps.pos += end + 1
		default:
			break steps
		}
	}
	if len(steps) == 0 {
		return nil, fmt.Errorf("selector '$' names no field in JSON filter pattern")
	}
	return func(doc any) (any, bool) {
		cur := doc
		for _, s := range steps {
			if s.field != "" {
				obj, ok := cur.(map[string]any)
				if !ok {
					return nil, false
				}
				if cur, ok = obj[s.field]; !ok {
					return nil, false
				}
				continue
			}
			arr, ok := cur.([]any)
			if !ok || s.index >= len(arr) {
				return nil, false
			}
			cur = arr[s.index]
		}
		return cur, true
	}, nil
}

// parseValue parses the right-hand side of a comparison and returns its test.
func (ps *jsonParser) parseValue(op string) (func(v any) bool, error) {
	ps.skipSpace()
	if ps.pos >= len(ps.src) {
		return nil, fmt.Errorf("missing value after %s in JSON filter pattern", op)
	}
	var raw string
	quoted := false
	switch ps.src[ps.pos] {
	case '"':
		s, next, err := readQuoted(ps.src, ps.pos)
		if err != nil {
			return nil, err
		}
		raw, ps.pos, quoted = s, next, true
	case '%':
		end := strings.IndexByte(ps.src[ps.pos+1:], '%')
		if end < 0 {
			return nil, fmt.Errorf("unterminated regular expression in JSON filter pattern")
		}
		re, err := regexp.Compile(ps.src[ps.pos+1 : ps.pos+1+end])
		if err != nil {
			return nil, fmt.Errorf("invalid regular expression in JSON filter pattern: %v", err)
		}
		ps.pos += end + 2
		if op != "=" && op != "!=" {
			return nil, fmt.Errorf("a regular expression needs = or != in JSON filter pattern")
		}
		return func(v any) bool {
			s, ok := v.(string)
			return ok && re.MatchString(s) == (op == "=")
		}, nil
	default:
		start := ps.pos
		for ps.pos < len(ps.src) && !unicode.IsSpace(rune(ps.src[ps.pos])) && !strings.ContainsRune(")&|", rune(ps.src[ps.pos])) {
			ps.pos++
		}
		raw = ps.src[start:ps.pos]
	}
	if num, err := strconv.ParseFloat(raw, 64); err == nil && !quoted {
		return numericTest(op, num), nil
	}
	if op != "=" && op != "!=" {
		return nil, fmt.Errorf("operator %s needs a number in JSON filter pattern", op)
	}
	glob := wildcard(raw)
	return func(v any) bool {
		s, ok := v.(string)
		return ok && glob.MatchString(s) == (op == "=")
	}, nil
}

func numericTest(op string, want float64) func(v any) bool {
	return func(v any) bool {
		n, ok := v.(json.Number)
		if !ok {
			return false
		}
		got, err := n.Float64()
		if err != nil {
			return false
		}
		switch op {
		case "=":
			return got == want
		case "!=":
			return got != want
		case "<":
			return got < want
		case "<=":
			return got <= want
		case ">":
			return got > want
		default:
			return got >= want
		}
	}
}

// wildcard turns a value with '*' wildcards into an anchored regular expression.
func wildcard(s string) *regexp.Regexp {
	parts := strings.Split(s, "*")
	for i, p := range parts {
		parts[i] = regexp.QuoteMeta(p)
	}
	return regexp.MustCompile(`^` + strings.Join(parts, ".*") + `$`)
}
