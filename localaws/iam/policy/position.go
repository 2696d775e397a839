package policy

import (
	"encoding/json"
	"io"
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
// encoding/json keeps).
func statementSpans(doc string) [][2]int {
	dec := json.NewDecoder(strings.NewReader(doc))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil
	}
	var spans [][2]int
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return nil
		}
		if key != "Statement" {
			if skipValue(dec) != nil {
				return nil
			}
			continue
		}
		spans = spans[:0]
		start := int(dec.InputOffset())
		t, err := dec.Token()
		if err != nil {
			return nil
		}
		switch t {
		case json.Delim('{'):
			spans = append(spans, [2]int{openingAt(doc, start), 0})
			if skipRest(dec) != nil {
				return nil
			}
			spans[0][1] = int(dec.InputOffset()) - 1
		case json.Delim('['):
			for dec.More() {
				from := int(dec.InputOffset())
				if skipValue(dec) != nil {
					return nil
				}
				spans = append(spans, [2]int{openingAt(doc, from), int(dec.InputOffset()) - 1})
			}
			if _, err := dec.Token(); err != nil {
				return nil
			}
		}
	}
	return spans
}

// openingAt is the offset of the first non-space, non-separator byte at or after from:
// the '{' that the decoder read after from.
func openingAt(doc string, from int) int {
	for from < len(doc) && strings.IndexByte(" \t\r\n,:", doc[from]) >= 0 {
		from++
	}
	return from
}

// skipValue consumes one value, however deep.
func skipValue(dec *json.Decoder) error {
	t, err := dec.Token()
	if err != nil {
		return err
	}
	if t == json.Delim('{') || t == json.Delim('[') {
		return skipRest(dec)
	}
	return nil
}

// skipRest consumes the rest of an object or array whose opening delimiter was read.
func skipRest(dec *json.Decoder) error {
	for depth := 1; depth > 0; {
		t, err := dec.Token()
		if err != nil {
			if err == io.EOF {
				return io.ErrUnexpectedEOF
			}
			return err
		}
		switch t {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
	}
	return nil
}

// position turns a byte offset into a line and a column counted in characters.
func position(doc string, offset int) Position {
	line := 1 + strings.Count(doc[:offset], "\n")
	lineStart := strings.LastIndexByte(doc[:offset], '\n') + 1
	return Position{Line: line, Column: 1 + utf8.RuneCountInString(doc[lineStart:offset])}
}
