package tenant

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParsePointer(t *testing.T) {
	tests := []struct {
		name    string
		pointer string
		tokens  []string
		err     string
	}{
		{name: "empty pointer is the whole document", pointer: ""},
		{name: "single token", pointer: "/tenantId", tokens: []string{"tenantId"}},
		{name: "nested tokens", pointer: "/detail/tenant/id", tokens: []string{"detail", "tenant", "id"}},
		{name: "tilde one is a slash", pointer: "/a~1b", tokens: []string{"a/b"}},
		{name: "tilde zero is a tilde", pointer: "/m~0n", tokens: []string{"m~n"}},
		{name: "tilde zero one is tilde then one, not slash", pointer: "/~01", tokens: []string{"~1"}},
		{name: "empty token is the empty key", pointer: "/", tokens: []string{""}},
		{name: "missing leading slash", pointer: "tenantId", err: "must start with '/'"},
		{name: "bare tilde", pointer: "/a~", err: "not followed by 0 or 1"},
		{name: "tilde two", pointer: "/a~2", err: "not followed by 0 or 1"},
		{name: "invalid utf-8", pointer: "/\xff", err: "not valid UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ParsePointer(tt.pointer)
			if tt.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.tokens, p.tokens)
			assert.Equal(t, tt.pointer, p.String())
		})
	}
}

// The examples of RFC 6901 section 5, all of which must resolve.
func TestResolveRFC6901Examples(t *testing.T) {
	doc := `{
      "foo": ["bar", "baz"],
      "": 0,
      "a/b": 1,
      "c%d": 2,
      "e^f": 3,
      "g|h": 4,
      "i\\j": 5,
      "k\"l": 6,
      " ": 7,
      "m~n": 8
   }`
	tests := map[string]string{
		"":       "",
		"/foo":   `["bar", "baz"]`,
		"/foo/0": `"bar"`,
		"/":      "0",
		"/a~1b":  "1",
		"/c%d":   "2",
		"/e^f":   "3",
		"/g|h":   "4",
		"/i\\j":  "5",
		"/k\"l":  "6",
		"/ ":     "7",
		"/m~0n":  "8",
	}
	for ptr, want := range tests {
		t.Run(ptr, func(t *testing.T) {
			l, rej := MustParsePointer(ptr).Resolve(doc)
			require.Nil(t, rej)
			require.True(t, l.Found)
			if ptr == "" {
				assert.Equal(t, KindObject, l.Kind)
				return
			}
			assert.Equal(t, want, l.Raw)
		})
	}
}

func TestResolve(t *testing.T) {
	tests := []struct {
		name    string
		pointer string
		doc     string
		found   bool
		kind    Kind
		str     string // when kind is KindString
		reason  Reason // "" means no rejection
		detail  string
	}{
		{name: "top level string", pointer: "/tenantId", doc: `{"tenantId":"acme"}`, found: true,
			kind: KindString, str: "acme"},
		{name: "escaped string is unescaped", pointer: "/tenantId", doc: `{"tenantId":"\u0061cme\/x"}`,
			found: true, kind: KindString, str: "acme/x"},
		{name: "escaped key matches", pointer: "/tenantId", doc: `{"tenant\u0049d":"acme"}`, found: true,
			kind: KindString, str: "acme"},
		{name: "array index", pointer: "/tenants/1", doc: `{"tenants":["a","b","c"]}`, found: true,
			kind: KindString, str: "b"},
		{name: "array index past the end is not found", pointer: "/tenants/3", doc: `{"tenants":["a","b","c"]}`},
		{name: "dash index is not found", pointer: "/tenants/-", doc: `{"tenants":["a"]}`},
		{name: "leading zero index is not found", pointer: "/tenants/01", doc: `{"tenants":["a","b"]}`},
		{name: "huge index is not found", pointer: "/tenants/99999999999999999999", doc: `{"tenants":["a"]}`},
		{name: "object key that looks like an index", pointer: "/t/0", doc: `{"t":{"0":"acme"}}`, found: true,
			kind: KindString, str: "acme"},
		{name: "pointer through a string is not found", pointer: "/tenantId/x", doc: `{"tenantId":"acme"}`},
		{name: "missing key is not found", pointer: "/tenantId", doc: `{"tenant":"acme"}`},
		{name: "nested object where a string belongs", pointer: "/tenantId", doc: `{"tenantId":{"id":"acme"}}`,
			found: true, kind: KindObject},
		{name: "number where a string belongs", pointer: "/tenantId", doc: `{"tenantId":42}`, found: true,
			kind: KindNumber},
		{name: "null where a string belongs", pointer: "/tenantId", doc: `{"tenantId":null}`, found: true,
			kind: KindNull},
		{name: "deep eventbridge detail", pointer: "/detail/tenantId",
			doc:   `{"detail-type":"x","detail":{"order":{"tenantId":"no"},"tenantId":"acme"}}`,
			found: true, kind: KindString, str: "acme"},
		{name: "same key at another level is not a duplicate", pointer: "/detail/tenantId",
			doc: `{"tenantId":"other","detail":{"tenantId":"acme"}}`, found: true, kind: KindString, str: "acme"},
		{name: "duplicates off the path are allowed", pointer: "/tenantId",
			doc: `{"tenantId":"acme","x":{"k":1,"k":2}}`, found: true, kind: KindString, str: "acme"},

		{name: "duplicate key is a spoof", pointer: "/tenantId", doc: `{"tenantId":"a","tenantId":"b"}`,
			reason: ReasonMalformed, detail: `duplicate key "tenantId"`},
		{name: "duplicate key with equal values is still refused", pointer: "/tenantId",
			doc: `{"tenantId":"a","tenantId":"a"}`, reason: ReasonMalformed, detail: "duplicate key"},
		{name: "duplicate key spelled with an escape is a spoof", pointer: "/tenantId",
			doc: `{"tenantId":"a","tenant\u0049d":"b"}`, reason: ReasonMalformed, detail: "duplicate key"},
		{name: "duplicate parent key is a spoof", pointer: "/detail/tenantId",
			doc: `{"detail":{"tenantId":"a"},"detail":{"tenantId":"b"}}`, reason: ReasonMalformed,
			detail: `duplicate key "detail"`},
		{name: "key differing only in case is a spoof", pointer: "/tenantId", doc: `{"tenantId":"a","TenantID":"b"}`,
			reason: ReasonMalformed, detail: "differs only in case"},
		{name: "case variant alone is a spoof", pointer: "/tenantId", doc: `{"TENANTID":"b"}`,
			reason: ReasonMalformed, detail: "differs only in case"},
		{name: "kelvin sign folds to k", pointer: "/kind", doc: `{"kind":"a","\u212aind":"b"}`,
			reason: ReasonMalformed, detail: "differs only in case"},
		{name: "dotless i upper-cases to I", pointer: "/tenantId", doc: `{"tenantId":"acme","tenant\u0131d":"globex"}`,
			reason: ReasonMalformed, detail: "differs only in case"},
		{name: "dotless i written raw", pointer: "/tenantId", doc: `{"tenantıd":"globex"}`,
			reason: ReasonMalformed, detail: "differs only in case"},
		{name: "dotted capital I lower-cases to i", pointer: "/tenantId", doc: `{"tenant\u0130d":"globex"}`,
			reason: ReasonMalformed, detail: "differs only in case"},
		{name: "long s upper-cases to S", pointer: "/source", doc: `{"source":"a","\u017fource":"b"}`,
			reason: ReasonMalformed, detail: "differs only in case"},
		{name: "lookalike that no casing maps is another key", pointer: "/tenantId",
			doc: `{"tenantId":"acme","tenant\u0406d":"globex"}`, found: true, kind: KindString, str: "acme"},

		{name: "empty document", pointer: "/tenantId", doc: ``, reason: ReasonMalformed, detail: "unexpected end"},
		{name: "whitespace only", pointer: "/tenantId", doc: " \n\t", reason: ReasonMalformed},
		{name: "plain text", pointer: "/tenantId", doc: `acme`, reason: ReasonMalformed,
			detail: "unexpected character"},
		{name: "trailing garbage", pointer: "/tenantId", doc: `{"tenantId":"acme"} x`, reason: ReasonMalformed,
			detail: "after the JSON value"},
		{name: "two documents", pointer: "/tenantId", doc: `{"tenantId":"a"}{"tenantId":"b"}`,
			reason: ReasonMalformed},
		{name: "trailing comma", pointer: "/tenantId", doc: `{"tenantId":"acme",}`, reason: ReasonMalformed},
		{name: "single quotes", pointer: "/tenantId", doc: `{'tenantId':'acme'}`, reason: ReasonMalformed},
		{name: "unterminated string", pointer: "/tenantId", doc: `{"tenantId":"acme`, reason: ReasonMalformed},
		{name: "raw control character in a string", pointer: "/tenantId", doc: "{\"tenantId\":\"ac\x01me\"}",
			reason: ReasonMalformed, detail: "control character"},
		{name: "raw nul in a string", pointer: "/tenantId", doc: "{\"tenantId\":\"acme\x00\"}",
			reason: ReasonMalformed, detail: "control character"},
		{name: "bad escape", pointer: "/tenantId", doc: `{"tenantId":"\x41"}`, reason: ReasonMalformed,
			detail: "bad escape"},
		{name: "short unicode escape", pointer: "/tenantId", doc: `{"tenantId":"\u00"}`, reason: ReasonMalformed},
		{name: "invalid utf-8", pointer: "/tenantId", doc: "{\"tenantId\":\"acme\xff\"}", reason: ReasonMalformed,
			detail: "UTF-8"},
		{name: "overlong utf-8 encoding of slash", pointer: "/tenantId", doc: "{\"tenantId\":\"a\xc0\xafb\"}",
			reason: ReasonMalformed, detail: "UTF-8"},
		{name: "utf-16 surrogate encoded in utf-8", pointer: "/tenantId", doc: "{\"tenantId\":\"\xed\xa0\x80\"}",
			reason: ReasonMalformed, detail: "UTF-8"},
		{name: "leading zero number", pointer: "/tenantId", doc: `{"n":01}`, reason: ReasonMalformed},
		{name: "bare minus", pointer: "/tenantId", doc: `{"n":-}`, reason: ReasonMalformed},
		{name: "NaN", pointer: "/tenantId", doc: `{"n":NaN}`, reason: ReasonMalformed},
		{name: "truncated literal", pointer: "/tenantId", doc: `{"n":tru}`, reason: ReasonMalformed},
		{name: "nesting too deep", pointer: "/tenantId", doc: strings.Repeat("[", 200) + strings.Repeat("]", 200),
			reason: ReasonMalformed, detail: "nesting deeper than 128"},
		{name: "nesting at the limit is fine", pointer: "/tenantId",
			doc: strings.Repeat("[", 128) + strings.Repeat("]", 128)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, rej := MustParsePointer(tt.pointer).Resolve(tt.doc)
			if tt.reason != "" {
				require.NotNil(t, rej, "want a rejection")
				assert.Equal(t, tt.reason, rej.Reason)
				assert.Contains(t, rej.Detail, tt.detail)
				return
			}
			require.Nil(t, rej)
			assert.Equal(t, tt.found, l.Found)
			assert.Equal(t, tt.kind, l.Kind)
			if tt.kind == KindString {
				assert.Equal(t, tt.str, l.Str())
			}
		})
	}
}

// FuzzResolve checks the hand-written scanner against encoding/json: both must agree on validity, and for documents
// without duplicate or case-folded keys the pointer must land on the value a generic decode finds.
func FuzzResolve(f *testing.F) {
	for _, s := range []string{
		`{"tenantId":"acme"}`, `{"a":[1,2,{"b":"c"}]}`, `[]`, `"x"`, `1e5`, `{"a":"\ud83d\ude00"}`,
		`{"tenantId":"\u0000"}`, `{"a":{"a":{"a":null}}}`, `{"tenantId":"a","tenantId":"b"}`, ` [true , false] `,
		`{"a":-0.5E-3}`, `{"a":"\ud800"}`,
	} {
		f.Add(s, "/tenantId")
		f.Add(s, "/a/2/b")
	}
	f.Fuzz(func(t *testing.T, doc, ptr string) {
		p, err := ParsePointer(ptr)
		if err != nil {
			return
		}
		l, rej := p.Resolve(doc)
		valid := json.Valid([]byte(doc)) && utf8.ValidString(doc)
		if rej != nil {
			if strings.Contains(rej.Detail, "not valid JSON") || strings.Contains(rej.Detail, "UTF-8") {
				if valid && !strings.Contains(rej.Detail, "nesting") {
					t.Fatalf("scanner refused valid JSON %q: %s", doc, rej.Detail)
				}
			}
			return
		}
		if !valid {
			t.Fatalf("scanner accepted invalid JSON %q", doc)
		}
		var v any
		require.NoError(t, json.Unmarshal([]byte(doc), &v))
		want, ok := walkGeneric(v, p.tokens)
		if ok != l.Found {
			t.Fatalf("found=%v, generic found=%v for %q at %q", l.Found, ok, doc, ptr)
		}
		if !ok {
			return
		}
		var got any
		require.NoError(t, json.Unmarshal([]byte(l.Raw), &got))
		assert.Equal(t, want, got)
		if l.Kind == KindString {
			assert.Equal(t, want, l.Str())
		}
	})
}

func walkGeneric(v any, tokens []string) (any, bool) {
	for _, tok := range tokens {
		switch x := v.(type) {
		case map[string]any:
			n, ok := x[tok]
			if !ok {
				return nil, false
			}
			v = n
		case []any:
			i := arrayIndex(tok)
			if i < 0 || i >= len(x) {
				return nil, false
			}
			v = x[i]
		default:
			return nil, false
		}
	}
	return v, true
}
