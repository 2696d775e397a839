package tenant

import (
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCheckAWS(t *testing.T) {
	tests := []struct {
		name   string
		id     string
		ok     bool
		detail string
	}{
		{name: "plain id is valid", id: "acme", ok: true},
		{name: "every allowed punctuation is valid", id: "a.b_c:d/e=f+g-h@i j", ok: true},
		{name: "256 characters is the longest valid id", id: strings.Repeat("a", 256), ok: true},
		{name: "single character is valid", id: "7", ok: true},
		{name: "empty is invalid", id: "", detail: "empty"},
		{name: "257 characters is too long", id: strings.Repeat("a", 257), detail: "257 bytes"},
		{name: "cyrillic a is a look-alike", id: "\u0430cme", detail: "U+0430 at offset 0"},
		{name: "fullwidth letters are look-alikes", id: "ａｃｍｅ", detail: "U+FF41"},
		{name: "greek omicron in the middle is a look-alike", id: "acme-c\u03bfrp", detail: "U+03BF at offset 6"},
		{name: "nul byte is invalid", id: "acme\x00", detail: "U+0000 at offset 4"},
		{name: "newline is invalid", id: "acme\nother", detail: "U+000A"},
		{name: "tab is invalid", id: "acme\t", detail: "U+0009"},
		{name: "delete is invalid", id: "acme\x7f", detail: "U+007F"},
		{name: "zero width space is invalid", id: "ac\u200bme", detail: "U+200B"},
		{name: "right to left override is invalid", id: "acme\u202e", detail: "U+202E"},
		{name: "invalid utf-8 is invalid", id: "acme\xff", detail: "invalid UTF-8 byte 0xff at offset 4"},
		{name: "truncated utf-8 is invalid", id: "acme\xd0", detail: "invalid UTF-8"},
		{name: "shell metacharacters are invalid", id: "acme;rm", detail: "U+003B"},
		{name: "quote is invalid", id: `acme"`, detail: "U+0022"},
		{name: "backslash is invalid", id: `acme\`, detail: "U+005C"},
		{name: "256 characters ending in a look-alike is invalid", id: strings.Repeat("a", 255) + "\u0430",
			detail: "bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rej := CheckAWS(tt.id)
			if tt.ok {
				assert.Nil(t, rej)
				return
			}
			require.NotNil(t, rej)
			assert.Equal(t, ReasonInvalid, rej.Reason)
			assert.Contains(t, rej.Detail, tt.detail)
		})
	}
}

func TestChecker(t *testing.T) {
	tests := []struct {
		name    string
		pattern string // "" means the default
		known   []string
		idCase  Case // "" means the default, lower
		id      string
		reason  Reason // "" means accepted
	}{
		{name: "default pattern accepts a simple id", id: "acme-corp_1"},
		{name: "default pattern refuses what AWS allows", id: "acme@corp", reason: ReasonInvalid},
		{name: "default pattern refuses a leading dash", id: "-acme", reason: ReasonInvalid},
		{name: "default pattern refuses 65 characters", id: strings.Repeat("a", 65), reason: ReasonInvalid},
		{name: "aws rule runs before a permissive pattern", pattern: `.*`, id: "acme\n", reason: ReasonInvalid},
		{name: "unanchored pattern still has to match the whole id", pattern: `[a-z]+`, id: "acme.corp",
			reason: ReasonInvalid},
		{name: "custom pattern accepts", pattern: `t-[0-9]+`, id: "t-42"},
		{name: "known tenant is accepted", known: []string{"acme", "globex"}, id: "globex"},
		{name: "unknown tenant is refused", known: []string{"acme", "globex"}, id: "initech", reason: ReasonUnknown},
		{name: "known list is case sensitive", idCase: CasePreserve, known: []string{"acme"}, id: "ACME",
			reason: ReasonUnknown},
		{name: "lower case refuses an upper-case variant", id: "ACME", reason: ReasonInvalid},
		{name: "lower case refuses a capital anywhere", id: "acmE", reason: ReasonInvalid},
		{name: "lower case refuses a variant of a known tenant as invalid", known: []string{"acme"}, id: "Acme",
			reason: ReasonInvalid},
		{name: "preserve accepts upper case as another tenant", idCase: CasePreserve, id: "ACME"},
		{name: "invalid id is invalid before unknown", known: []string{"acme"}, id: "ac me", reason: ReasonInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var re *regexp.Regexp
			if tt.pattern != "" {
				re = regexp.MustCompile(tt.pattern)
			}
			c, err := NewChecker(re, tt.known, tt.idCase)
			require.NoError(t, err)
			rej := c.Check(tt.id)
			if tt.reason == "" {
				assert.Nil(t, rej)
				return
			}
			require.NotNil(t, rej)
			assert.Equal(t, tt.reason, rej.Reason, rej.Detail)
		})
	}
}

func TestNewCheckerRefusesInvalidKnownTenant(t *testing.T) {
	_, err := NewChecker(nil, []string{"acme", "bad tenant!"}, "")
	require.Error(t, err)
	assert.Contains(t, err.Error(), `known tenant "bad tenant!"`)
}

func TestNewCheckerRefusesKnownTenantsThatDifferOnlyInCase(t *testing.T) {
	tests := []struct {
		name   string
		known  []string
		idCase Case
		err    string
	}{
		{name: "upper-case known tenant under lower", known: []string{"Acme"}, err: `known tenant "Acme"`},
		{name: "two spellings of one tenant under preserve", known: []string{"acme", "ACME"}, idCase: CasePreserve,
			err: `known tenants "acme" and "ACME" differ only in case`},
		{name: "unknown case option", idCase: "upper", err: `tenant ID case "upper" unknown`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewChecker(nil, tt.known, tt.idCase)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.err)
		})
	}
}

func TestRejectionDetailQuotesAtMostAPrefix(t *testing.T) {
	c, err := NewChecker(regexp.MustCompile(`x`), nil, "")
	require.NoError(t, err)
	rej := c.Check(strings.Repeat("a", 200))
	require.NotNil(t, rej)
	assert.Contains(t, rej.Detail, "(200 bytes)")
	assert.NotContains(t, rej.Detail, strings.Repeat("a", 65))
}
