package router

import "unicode/utf8"

// sqsText reports whether s holds only the characters SQS accepts in a body or a String attribute value:
// #x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD | #x10000-#x10FFFF. Otherwise it returns the byte offset and the
// first character it refuses (utf8.RuneError for a byte that is not UTF-8).
func sqsText(s string) (int, rune, bool) {
	for i, c := range s {
		switch {
		case c == utf8.RuneError:
			if _, size := utf8.DecodeRuneInString(s[i:]); size <= 1 {
				return i, c, false
			}
		case c == 0x9 || c == 0xA || c == 0xD:
		case c >= 0x20 && c <= 0xD7FF:
		case c >= 0xE000 && c <= 0xFFFD:
		case c >= 0x10000 && c <= 0x10FFFF:
		default:
			return i, c, false
		}
	}
	return 0, 0, true
}
