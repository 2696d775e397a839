package tenant

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Pointer is a parsed RFC 6901 JSON pointer.
type Pointer struct {
	raw    string
	tokens []string // unescaped reference tokens
	index  []int    // array index of each token, or -1 when the token cannot index an array
}

// ParsePointer parses an RFC 6901 pointer such as "/detail/tenantId" or "/a~1b/0". "~0" stands for '~' and "~1" for
// '/'; any other '~' sequence is an error. The empty pointer refers to the whole document.
func ParsePointer(s string) (Pointer, error) {
	p := Pointer{raw: s}
	if s == "" {
		return p, nil
	}
	if s[0] != '/' {
		return Pointer{}, fmt.Errorf("pointer %q must start with '/' (RFC 6901), for example \"/tenantId\"", s)
	}
	if !utf8.ValidString(s) {
		return Pointer{}, fmt.Errorf("pointer %q is not valid UTF-8", s)
	}
	for _, tok := range strings.Split(s[1:], "/") {
		if strings.Contains(tok, "~") {
			var b strings.Builder
			for i := 0; i < len(tok); i++ {
				if tok[i] != '~' {
					b.WriteByte(tok[i])
					continue
				}
				if i+1 < len(tok) && tok[i+1] == '0' {
					b.WriteByte('~')
				} else if i+1 < len(tok) && tok[i+1] == '1' {
					b.WriteByte('/')
				} else {
					return Pointer{}, fmt.Errorf("pointer %q has '~' not followed by 0 or 1; write '~' as ~0 and '/' as ~1", s)
				}
				i++
			}
			tok = b.String()
		}
		p.tokens = append(p.tokens, tok)
		p.index = append(p.index, arrayIndex(tok))
	}
	return p, nil
}

// MustParsePointer is ParsePointer for constants; it panics on error.
func MustParsePointer(s string) Pointer {
	p, err := ParsePointer(s)
	if err != nil {
		panic(err)
	}
	return p
}

// String returns the pointer as written.
func (p Pointer) String() string { return p.raw }

// arrayIndex returns the array index a token names ("0", or digits without a leading zero), or -1. The token "-"
// (the element after the last) and out-of-range numbers never resolve, so they are -1 too.
func arrayIndex(tok string) int {
	if tok == "" || len(tok) > 9 || (len(tok) > 1 && tok[0] == '0') {
		return -1
	}
	for i := 0; i < len(tok); i++ {
		if tok[i] < '0' || tok[i] > '9' {
			return -1
		}
	}
	n, _ := strconv.Atoi(tok)
	return n
}

// maxDepth bounds the nesting of a document so hostile input cannot make the walk recurse without end.
const maxDepth = 128

// Kind is the JSON type of the value a pointer resolved to.
type Kind byte

// The kinds a value can have.
const (
	KindNone   Kind = 0
	KindString Kind = '"'
	KindNumber Kind = '0'
	KindObject Kind = '{'
	KindArray  Kind = '['
	KindBool   Kind = 't'
	KindNull   Kind = 'n'
)

func (k Kind) String() string {
	switch k {
	case KindString:
		return "a string"
	case KindNumber:
		return "a number"
	case KindObject:
		return "an object"
	case KindArray:
		return "an array"
	case KindBool:
		return "a boolean"
	case KindNull:
		return "null"
	}
	return "nothing"
}

// Lookup is the outcome of resolving a pointer in a document.
type Lookup struct {
	Found bool
	Kind  Kind
	Raw   string // the value's JSON text, a slice of the document
	esc   bool   // for strings: the text holds escapes
}

// Str returns the value of a string the pointer found, unescaped.
func (l Lookup) Str() string {
	if !l.esc {
		return l.Raw[1 : len(l.Raw)-1]
	}
	var s string
	if err := json.Unmarshal([]byte(l.Raw), &s); err != nil {
		// Unreachable: the walk has already validated the string.
		return ""
	}
	return s
}

// Resolve validates doc as a single JSON value and resolves p in it, in one pass and without allocating in the common
// case. It returns a malformed Rejection when doc is not well-formed JSON (RFC 8259, UTF-8, nesting at most 128), or
// when an object along the pointer's path holds its key twice, or a key that differs from it only in case. Both are
// spoofing tricks: parsers disagree on which duplicate wins, and encoding/json, .NET's case-insensitive options and
// code that lowercases keys all match keys loosely, so a consumer could read a different tenant than the router did.
// Duplicates elsewhere in the document are left alone.
func (p Pointer) Resolve(doc string) (Lookup, *Rejection) {
	if !utf8.ValidString(doc) {
		return Lookup{}, Reject(ReasonMalformed, "document is not valid UTF-8")
	}
	w := walker{s: doc, raw: p.raw, tokens: p.tokens, index: p.index}
	if !w.value(0, 0, true) {
		return Lookup{}, w.rej
	}
	w.ws()
	if w.i != len(w.s) {
		w.fail("unexpected data after the JSON value")
		return Lookup{}, w.rej
	}
	return w.res, nil
}

// walker is a validating recursive-descent JSON scanner that notes where a pointer lands.
type walker struct {
	s      string
	i      int
	raw    string   // the pointer, for messages
	tokens []string // the pointer's tokens
	index  []int    // and their array indexes
	res    Lookup
	rej    *Rejection
	esc    bool // whether the last string scanned held escapes
}

func (w *walker) fail(what string) bool {
	w.rej = Reject(ReasonMalformed, "document is not valid JSON: %s at offset %d", what, w.i)
	return false
}

func (w *walker) ws() {
	for w.i < len(w.s) {
		switch w.s[w.i] {
		case ' ', '\t', '\n', '\r':
			w.i++
		default:
			return
		}
	}
}

// value scans one value. level is how many pointer tokens lie on the way here; onPath says that way matched them.
func (w *walker) value(depth, level int, onPath bool) bool {
	if depth > maxDepth {
		return w.fail(fmt.Sprintf("nesting deeper than %d", maxDepth))
	}
	w.ws()
	if w.i >= len(w.s) {
		return w.fail("unexpected end of input")
	}
	target := onPath && level == len(w.tokens)
	descend := onPath && level < len(w.tokens)
	start := w.i
	var kind Kind
	var ok bool
	switch c := w.s[w.i]; {
	case c == '{':
		kind, ok = KindObject, w.object(depth, level, descend)
	case c == '[':
		kind, ok = KindArray, w.array(depth, level, descend)
	case c == '"':
		kind, ok = KindString, w.str()
	case c == 't':
		kind, ok = KindBool, w.literal("true")
	case c == 'f':
		kind, ok = KindBool, w.literal("false")
	case c == 'n':
		kind, ok = KindNull, w.literal("null")
	case c == '-' || (c >= '0' && c <= '9'):
		kind, ok = KindNumber, w.number()
	default:
		return w.fail(fmt.Sprintf("unexpected character %s", strconv.QuoteRuneToASCII(rune(c))))
	}
	if ok && target {
		w.res = Lookup{Found: true, Kind: kind, Raw: w.s[start:w.i], esc: kind == KindString && w.esc}
	}
	return ok
}

func (w *walker) object(depth, level int, descend bool) bool {
	w.i++ // '{'
	w.ws()
	if w.i < len(w.s) && w.s[w.i] == '}' {
		w.i++
		return true
	}
	var tok string
	if descend {
		tok = w.tokens[level]
	}
	seen := false
	for {
		w.ws()
		if w.i >= len(w.s) || w.s[w.i] != '"' {
			return w.fail("expected a string key")
		}
		keyStart := w.i
		if !w.str() {
			return false
		}
		match := false
		if descend {
			key := w.s[keyStart+1 : w.i-1]
			if w.esc {
				key = Lookup{Raw: w.s[keyStart:w.i], esc: true}.Str()
			}
			switch {
			case key == tok:
				if seen {
					w.rej = Reject(ReasonMalformed, "duplicate key %s at offset %d on the path of pointer %s",
						quote(tok), keyStart, quote(w.raw))
					return false
				}
				seen, match = true, true
			case caseVariant(key, tok):
				w.rej = Reject(ReasonMalformed, "key %s at offset %d differs only in case from %s on the path of "+
					"pointer %s", quote(key), keyStart, quote(tok), quote(w.raw))
				return false
			}
		}
		w.ws()
		if w.i >= len(w.s) || w.s[w.i] != ':' {
			return w.fail("expected ':' after an object key")
		}
		w.i++
		if !w.value(depth+1, level+1, match) {
			return false
		}
		w.ws()
		if w.i >= len(w.s) {
			return w.fail("unexpected end of input in an object")
		}
		switch w.s[w.i] {
		case ',':
			w.i++
		case '}':
			w.i++
			return true
		default:
			return w.fail("expected ',' or '}' in an object")
		}
	}
}

func (w *walker) array(depth, level int, descend bool) bool {
	w.i++ // '['
	w.ws()
	if w.i < len(w.s) && w.s[w.i] == ']' {
		w.i++
		return true
	}
	want := -1
	if descend {
		want = w.index[level]
	}
	for n := 0; ; n++ {
		if !w.value(depth+1, level+1, descend && n == want) {
			return false
		}
		w.ws()
		if w.i >= len(w.s) {
			return w.fail("unexpected end of input in an array")
		}
		switch w.s[w.i] {
		case ',':
			w.i++
		case ']':
			w.i++
			return true
		default:
			return w.fail("expected ',' or ']' in an array")
		}
	}
}

// str scans a string starting at its opening quote. UTF-8 validity is checked once for the whole document.
func (w *walker) str() bool {
	w.i++ // '"'
	w.esc = false
	for w.i < len(w.s) {
		c := w.s[w.i]
		switch {
		case c == '"':
			w.i++
			return true
		case c == '\\':
			w.esc = true
			if w.i+1 >= len(w.s) {
				return w.fail("unterminated escape")
			}
			switch w.s[w.i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				w.i += 2
			case 'u':
				if w.i+6 > len(w.s) || !isHex4(w.s[w.i+2:w.i+6]) {
					return w.fail("bad \\u escape")
				}
				w.i += 6
			default:
				return w.fail("bad escape")
			}
		case c < 0x20:
			return w.fail("control character in a string")
		default:
			w.i++
		}
	}
	return w.fail("unterminated string")
}

func isHex4(s string) bool {
	for i := 0; i < 4; i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

func (w *walker) literal(lit string) bool {
	if !strings.HasPrefix(w.s[w.i:], lit) {
		return w.fail("bad literal")
	}
	w.i += len(lit)
	return true
}

// number scans -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (w *walker) number() bool {
	if w.s[w.i] == '-' {
		w.i++
	}
	switch {
	case w.i < len(w.s) && w.s[w.i] == '0':
		w.i++
	case w.i < len(w.s) && w.s[w.i] >= '1' && w.s[w.i] <= '9':
		w.digits()
	default:
		return w.fail("bad number")
	}
	if w.i < len(w.s) && w.s[w.i] == '.' {
		w.i++
		if w.digits() == 0 {
			return w.fail("bad number fraction")
		}
	}
	if w.i < len(w.s) && (w.s[w.i] == 'e' || w.s[w.i] == 'E') {
		w.i++
		if w.i < len(w.s) && (w.s[w.i] == '+' || w.s[w.i] == '-') {
			w.i++
		}
		if w.digits() == 0 {
			return w.fail("bad number exponent")
		}
	}
	return true
}

func (w *walker) digits() int {
	start := w.i
	for w.i < len(w.s) && w.s[w.i] >= '0' && w.s[w.i] <= '9' {
		w.i++
	}
	return w.i - start
}

// caseVariant reports whether key and tok are different strings that some consumer could take for the same key: equal
// under Go's simple case folding (which maps the Kelvin sign to k and ſ to s), or after Unicode lower- or upper-casing,
// which map the dotless ı to I and İ to i where folding keeps them apart.
func caseVariant(key, tok string) bool {
	if key == tok {
		return false
	}
	if strings.EqualFold(key, tok) {
		return true
	}
	if isASCII(key) && isASCII(tok) {
		return false // for ASCII, lower- and upper-casing agree with folding
	}
	//lint:ignore SA6005 casing, not folding, is the point: EqualFold keeps ı and i apart, ToUpper does not
	return strings.ToLower(key) == strings.ToLower(tok) || strings.ToUpper(key) == strings.ToUpper(tok)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
