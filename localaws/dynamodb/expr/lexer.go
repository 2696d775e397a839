package expr

import "strings"

type tokenKind int

const (
	tokEOF    tokenKind = iota
	tokIdent            // a name, keyword or function name
	tokName             // #placeholder
	tokValue            // :placeholder
	tokNumber           // digits, meaningful only as a list index
	tokPunct            // operators and punctuation, or any other single character
)

type token struct {
	kind       tokenKind
	text       string
	start, end int
}

// is reports whether t is the punctuation p or the keyword p (case-insensitive).
func (t token) is(p string) bool {
	switch t.kind {
	case tokPunct:
		return t.text == p
	case tokIdent:
		return strings.EqualFold(t.text, p)
	}
	return false
}

func (t token) display() string {
	if t.kind == tokEOF {
		return "<EOF>"
	}
	return t.text
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isWord(c byte) bool   { return isLetter(c) || isDigit(c) || c == '_' }

// lex splits an expression into tokens, ending with an EOF token.
func lex(src string) []token {
	var toks []token
	i := 0
	for {
		for i < len(src) && strings.IndexByte(" \t\r\n", src[i]) >= 0 {
			i++
		}
		if i == len(src) {
			return append(toks, token{kind: tokEOF, start: i, end: i})
		}
		start, c := i, src[i]
		kind := tokPunct
		switch {
		case isLetter(c) || c == '_':
			kind = tokIdent
			for i++; i < len(src) && isWord(src[i]); i++ {
			}
		case isDigit(c):
			kind = tokNumber
			for i++; i < len(src) && isDigit(src[i]); i++ {
			}
		case (c == '#' || c == ':') && i+1 < len(src) && isWord(src[i+1]):
			kind = tokName
			if c == ':' {
				kind = tokValue
			}
			for i++; i < len(src) && isWord(src[i]); i++ {
			}
		case c == '<' && i+1 < len(src) && (src[i+1] == '=' || src[i+1] == '>'), c == '>' && i+1 < len(src) && src[i+1] == '=':
			i += 2
		default:
			i++
		}
		toks = append(toks, token{kind: kind, text: src[start:i], start: start, end: i})
	}
}

// scanner walks a token list and builds DynamoDB's syntax errors.
type scanner struct {
	kind Kind
	src  string
	toks []token
	pos  int
	// closer holds, at the index of each "(" token, the index of its ")" (or of EOF),
	// so that lookahead past a parenthesis costs nothing.
	closer []int
}

func newScanner(kind Kind, src string) scanner {
	toks := lex(src)
	closer := make([]int, len(toks))
	var open []int
	for i, t := range toks {
		switch {
		case t.is("("):
			open = append(open, i)
		case t.is(")") && len(open) > 0:
			closer[open[len(open)-1]] = i
			open = open[:len(open)-1]
		}
	}
	for _, i := range open {
		closer[i] = len(toks) - 1
	}
	return scanner{kind: kind, src: src, toks: toks, closer: closer}
}

// afterParen is the token after the parenthesis that closes the one at p.pos+offset.
// It lets the parsers decide by lookahead between "(a) = :v" (an operand) and
// "(a = :v)" (a condition), and between size(a) > :v and begins_with(a, :v), without
// backtracking.
func (s *scanner) afterParen(offset int) token {
	i := s.pos + offset
	if i >= len(s.toks) || !s.toks[i].is("(") {
		return s.toks[len(s.toks)-1]
	}
	return s.peekAt(s.closer[i] + 1 - s.pos)
}

func (s *scanner) peek() token { return s.toks[s.pos] }

func (s *scanner) peekAt(n int) token {
	if s.pos+n < len(s.toks) {
		return s.toks[s.pos+n]
	}
	return s.toks[len(s.toks)-1]
}

func (s *scanner) next() token {
	t := s.toks[s.pos]
	if t.kind != tokEOF {
		s.pos++
	}
	return t
}

// accept consumes the punctuation or keyword p if it is next.
func (s *scanner) accept(p string) bool {
	if s.peek().is(p) {
		s.next()
		return true
	}
	return false
}

func (s *scanner) expect(p string) error {
	if !s.accept(p) {
		return s.syntaxError()
	}
	return nil
}

// syntaxError is DynamoDB's message for the unexpected current token: "near" quotes
// the source from the token before it to the token after it.
func (s *scanner) syntaxError() error {
	cur := s.peek()
	from := cur.start
	if s.pos > 0 {
		from = s.toks[s.pos-1].start
	}
	to := s.peekAt(1).end
	if cur.kind == tokEOF && s.pos > 0 {
		to = s.toks[s.pos-1].end
	}
	return invalid(s.kind, "Syntax error; token: \"%s\", near: \"%s\"", cur.display(), s.src[from:to])
}
