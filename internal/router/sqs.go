package router

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// sqsText reports whether s holds only the characters SQS accepts in a body or a String attribute value:
// #x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD | #x10000-#x10FFFF. Otherwise it returns the byte offset and the
// first character it refuses (utf8.RuneError for a byte that is not UTF-8).
func sqsText(s string) (int, rune, bool) {
	for i, c := range s {
		if !sqsAllowed(s[i:], c) {
			return i, c, false
		}
	}
	return 0, 0, true
}

// sqsAllowed reports whether c, decoded from the start of s, is a character SQS accepts.
func sqsAllowed(s string, c rune) bool {
	switch {
	case c == utf8.RuneError:
		_, size := utf8.DecodeRuneInString(s)
		return size > 1 // a real U+FFFD, not a byte that is not UTF-8
	case c == 0x9 || c == 0xA || c == 0xD:
		return true
	case c >= 0x20 && c <= 0xD7FF, c >= 0xE000 && c <= 0xFFFD, c >= 0x10000 && c <= 0x10FFFF:
		return true
	}
	return false
}

// sqsEscape writes each character SQS refuses as a JSON escape, \uXXXX (\ufffd for a byte that is not UTF-8), and
// reports whether it wrote any. Inside a JSON string the escape stands for the same character, so a JSON document
// keeps its meaning. Only a direct EventBridge event can hold such characters: SQS never delivers them.
func sqsEscape(s string) (string, bool) {
	i, _, ok := sqsText(s)
	if ok {
		return s, false
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	b.WriteString(s[:i])
	for j := i; j < len(s); {
		c, size := utf8.DecodeRuneInString(s[j:])
		switch {
		case sqsAllowed(s[j:], c):
			b.WriteString(s[j : j+size])
		case c == utf8.RuneError:
			b.WriteString(`\ufffd`)
		default:
			fmt.Fprintf(&b, `\u%04x`, c)
		}
		j += size
	}
	return b.String(), true
}
