package shape

import (
	"encoding/base64"
	"strconv"
)

// Pager cuts a sorted list into pages for one family of List operations. Its tokens
// are the offset of the next page, encoded so that callers treat them as opaque, as
// AWS's are.
type Pager struct {
	// SizeMember names the page-size member in constraint messages, e.g. "limit".
	SizeMember string
	// DefaultSize applies when the request sets no size; MaxSize bounds what it may set.
	DefaultSize, MaxSize int
	// Invalid is the service's error for a size out of range.
	Invalid ErrorFunc
	// BadToken is the service's error for a token it did not issue.
	BadToken func(token string) error
}

// Size checks a requested page size; nil takes the default.
func (p Pager) Size(n *int32) (int, error) {
	if n == nil {
		return p.DefaultSize, nil
	}
	var v Violations
	v.Range(p.SizeMember, int(*n), 1, p.MaxSize)
	return int(*n), v.Err(p.Invalid)
}

// ParseSize reads a page size from a query or form parameter; "" takes the default.
func (p Pager) ParseSize(raw string) (int, error) {
	return ParseInt(p.Invalid, p.SizeMember, raw, 1, p.MaxSize, p.DefaultSize)
}

// Page returns the page of at most size items that token starts (the first page for
// ""), and the token of the next page, "" after the last.
func Page[T any](p Pager, items []T, token string, size int) ([]T, string, error) {
	start := 0
	if token != "" {
		raw, err := base64.RawURLEncoding.DecodeString(token)
		n, convErr := strconv.Atoi(string(raw))
		if err != nil || convErr != nil || n < 0 || n > len(items) {
			return nil, "", p.BadToken(token)
		}
		start = n
	}
	end := min(start+size, len(items))
	if end == len(items) {
		return items[start:end], "", nil
	}
	return items[start:end], base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(end))), nil
}

// OrNil is token, or nil for "": the last page of a JSON List operation has no next
// token at all.
func OrNil(token string) *string {
	if token == "" {
		return nil
	}
	return &token
}
