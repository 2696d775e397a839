package policy

import (
	"encoding/json"
	"strings"
	"unicode/utf8"
)

// Position is a place in a policy document, 1-based, as IAM's policy simulator reports
// a matched statement's StartPosition and EndPosition.
type Position struct{ Line, Column int }

// locateStatements sets each statement's Start (its '{') and End (its '}'). The
// document has already parsed, so the scan cannot fail on syntax.
func (p *Policy) locateStatements(doc string) {
	spans := statementSpans(doc)
	if len(spans) != len(p.Statements) {
		return
	}
	for i, sp := range spans {
		p.Statements[i].Start = position(doc, sp[0])
		p.Statements[i].End = position(doc, sp[1])
	}
}

// statementSpans returns the byte offsets of the opening and closing brace of each
// statement object, under the last "Statement" key of the document (the one that
// encoding/json keeps). doc is valid JSON: Parse decoded it first.
func statementSpans(doc string) [][2]int {
	i := skipSpace(doc, 0)
	if i >= len(doc) || doc[i] != '{' {
		return nil
	}
	var spans [][2]int
	for i++; ; {
		i = skipSpace(doc, i)
		if i >= len(doc) || doc[i] == '}' {
			return spans
		}
		if doc[i] == ',' {
			i++
			continue
		}
		keyEnd := skipValue(doc, i)
		key := doc[i:keyEnd]
		i = skipSpace(doc, skipSpace(doc, keyEnd)+1) // past the colon
		end := skipValue(doc, i)
		if isKey(key, "Statement") && i < len(doc) {
			spans = spans[:0]
			switch doc[i] {
			case '{':
				spans = append(spans, [2]int{i, end - 1})
			case '[':
				for j := i + 1; j < end-1; {
					if j = skipSpace(doc, j); doc[j] == ',' || doc[j] == ']' {
						j++
						continue
					}
					e := skipValue(doc, j)
					spans = append(spans, [2]int{j, e - 1})
					j = e
				}
			}
		}
		i = end
	}
}

// isKey reports whether the quoted JSON string q is name.
func isKey(q, name string) bool {
	if !strings.Contains(q, `\`) {
		return len(q) == len(name)+2 && q[1:len(q)-1] == name
	}
	var s string
	return json.Unmarshal([]byte(q), &s) == nil && s == name
}

func skipSpace(doc string, i int) int {
	for i < len(doc) && strings.IndexByte(" \t\r\n", doc[i]) >= 0 {
		i++
	}
	return i
}

// skipValue returns the offset just past the JSON value that starts at i.
func skipValue(doc string, i int) int {
	if i >= len(doc) {
		return i
	}
	switch doc[i] {
	case '"':
		for i++; i < len(doc); i++ {
			switch doc[i] {
			case '\\':
				i++
			case '"':
				return i + 1
			}
		}
		return i
	case '{', '[':
		depth := 0
		for i < len(doc) {
			switch doc[i] {
			case '"':
				i = skipValue(doc, i)
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
			i++
		}
		return i
	}
	for i < len(doc) && strings.IndexByte(",}] \t\r\n", doc[i]) < 0 {
		i++
	}
	return i
}

// position turns a byte offset into a line and a column counted in characters.
func position(doc string, offset int) Position {
	line := 1 + strings.Count(doc[:offset], "\n")
	lineStart := strings.LastIndexByte(doc[:offset], '\n') + 1
	return Position{Line: line, Column: 1 + utf8.RuneCountInString(doc[lineStart:offset])}
}
