package policy

import (
	"strings"
	"unicode/utf8"
)

type tokKind uint8

const (
	tLit  tokKind = iota // literal text
	tStar                // '*': any run of characters
	tOne                 // '?': exactly one character
	tVar                 // ${key} or ${key, 'default'}
)

type tok struct {
	kind   tokKind
	text   string // the literal, or the variable's key
	def    string // the variable's default
	hasDef bool
}

// pattern is one compiled string of a policy: an action, a resource or a condition
// value. Its tokens keep wildcards apart from literal text, so that a variable's value
// or an escape such as ${*} is always literal.
type pattern struct {
	toks []tok
	vars bool
	segs []segment // for Resource and Arn* matching; nil when vars (built per request)
}

// segment is one colon-separated part of an ARN pattern.
type segment struct {
	toks []tok
	// trailingStar: the part ends with '*', which may then span colons ("If the * is the
	// last character of a resource ARN segment, it can expand to match beyond the colon
	// boundaries", reference_policies_elements_resource.html).
	trailingStar bool
}

// compile tokenises s. vars turns on policy variables (Version 2012-10-17 documents,
// and never in actions); glob makes '*' and '?' wildcards.
func compile(s string, vars, glob bool) pattern {
	var p pattern
	lit := func(text string) {
		if text == "" {
			return
		}
		if n := len(p.toks); n > 0 && p.toks[n-1].kind == tLit {
			p.toks[n-1].text += text
			return
		}
		p.toks = append(p.toks, tok{kind: tLit, text: text})
	}
	start := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case glob && (c == '*' || c == '?'):
			lit(s[start:i])
			start = i + 1
			if c == '?' {
				p.toks = append(p.toks, tok{kind: tOne})
			} else if n := len(p.toks); n == 0 || p.toks[n-1].kind != tStar {
				p.toks = append(p.toks, tok{kind: tStar})
			}
		case vars && c == '$' && i+1 < len(s) && s[i+1] == '{':
			end := strings.IndexByte(s[i+2:], '}')
			if end < 0 {
				continue // no closing brace: literal text
			}
			lit(s[start:i])
			body := s[i+2 : i+2+end]
			i += 2 + end
			start = i + 1
			switch body {
			case "*", "?", "$": // escapes for the characters that are otherwise special
				lit(body)
			default:
				p.toks = append(p.toks, variable(body))
				p.vars = true
			}
		}
	}
	lit(s[start:])
	if !p.vars {
		p.segs = segments(p.toks)
	}
	return p
}

// variable parses the inside of ${…}: a key and an optional default, written
// ${aws:PrincipalTag/team, 'company-wide'} (reference_policies_variables.html).
func variable(body string) tok {
	t := tok{kind: tVar, text: strings.TrimSpace(body)}
	if key, def, ok := strings.Cut(body, ","); ok {
		def = strings.TrimSpace(def)
		if len(def) >= 2 && def[0] == '\'' && def[len(def)-1] == '\'' {
			t.text, t.def, t.hasDef = strings.TrimSpace(key), def[1:len(def)-1], true
		}
	}
	return t
}

// segments splits tokens at the first five literal colons: an ARN's partition, service,
// region, account and resource. Colons after the fifth belong to the resource.
func segments(toks []tok) []segment {
	segs := []segment{{}}
	for _, t := range toks {
		cur := &segs[len(segs)-1]
		if t.kind != tLit {
			cur.toks = append(cur.toks, t)
			continue
		}
		text := t.text
		for len(segs) < 6 {
			i := strings.IndexByte(text, ':')
			if i < 0 {
				break
			}
			if i > 0 {
				cur.toks = append(cur.toks, tok{kind: tLit, text: text[:i]})
			}
			segs = append(segs, segment{})
			cur = &segs[len(segs)-1]
			text = text[i+1:]
		}
		if text != "" {
			cur.toks = append(cur.toks, tok{kind: tLit, text: text})
		}
	}
	for i := range segs {
		n := len(segs[i].toks)
		segs[i].trailingStar = n > 0 && segs[i].toks[n-1].kind == tStar
	}
	return segs
}

// glob matches s against tokens without variables. fold compares case-insensitively;
// the pattern is then already lower case. Greedy with one backtrack point, which is
// exact for '*' and '?'.
func glob(toks []tok, s string, fold bool) bool {
	ti, si := 0, 0
	starTi, starSi := -1, 0
	for ti < len(toks) || si < len(s) {
		if ti < len(toks) {
			switch t := toks[ti]; t.kind {
			case tStar:
				starTi, starSi = ti, si
				ti++
				continue
			case tOne:
				if si < len(s) {
					_, n := utf8.DecodeRuneInString(s[si:])
					si, ti = si+n, ti+1
					continue
				}
			default:
				if hasPrefix(s[si:], t.text, fold) {
					si, ti = si+len(t.text), ti+1
					continue
				}
			}
		}
		if starTi < 0 || starSi >= len(s) {
			return false
		}
		_, n := utf8.DecodeRuneInString(s[starSi:])
		starSi += n
		ti, si = starTi+1, starSi
	}
	return true
}

func hasPrefix(s, prefix string, fold bool) bool {
	if len(s) < len(prefix) {
		return false
	}
	if !fold {
		return s[:len(prefix)] == prefix
	}
	for i := 0; i < len(prefix); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != prefix[i] {
			return false
		}
	}
	return true
}

// matchARN matches an ARN the way Resource and the Arn* operators do: each of the
// first five colon-separated parts on its own, a part ending in '*' possibly spanning
// several, the last pattern part covering the rest.
func matchARN(segs []segment, v string) bool {
	var starts [7]int // start of each field; starts[n] = len(v)+1
	n := 1
	for i := 0; i < len(v) && n < 6; i++ {
		if v[i] == ':' {
			starts[n] = i + 1
			n++
		}
	}
	starts[n] = len(v) + 1
	return matchFields(segs, v, starts[:n+1], 0)
}

// matchFields matches segs against the fields of v from the one starting at starts[0].
func matchFields(segs []segment, v string, starts []int, from int) bool {
	fields := len(starts) - 1
	if len(segs) == 0 {
		return from == fields
	}
	if from == fields {
		return false
	}
	seg := segs[0]
	if len(segs) == 1 {
		// The last part covers every field left: one, or several behind a trailing '*'.
		return (from == fields-1 || seg.trailingStar) && glob(seg.toks, v[starts[from]:], false)
	}
	last := from
	if seg.trailingStar {
		last = fields - 1
	}
	for end := from; end <= last; end++ {
		if glob(seg.toks, v[starts[from]:starts[end+1]-1], false) && matchFields(segs[1:], v, starts, end+1) {
			return true
		}
	}
	return false
}
