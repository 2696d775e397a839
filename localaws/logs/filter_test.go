package logs

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCompileFilterMatches(t *testing.T) {
	const jsonEvent = `{"level":"ERROR","tenantId":"acme","latency":250,"ok":false,"gone":null,` +
		`"user":{"email":"a@example.com","roles":["admin","dev"]}}`
	tests := []struct {
		name    string
		pattern string
		message string
		want    bool
	}{
		{"empty pattern matches everything", "", "anything", true},
		{"empty quoted pattern matches everything", `""`, "anything", true},
		{"term matches anywhere in the message", "ERROR", "[ERROR] boom", true},
		{"term is case-sensitive", "ERROR", "[error] boom", false},
		{"all plain terms must occur", "ERROR timeout", "ERROR: disk full", false},
		{"all plain terms occurring matches", "ERROR timeout", "timeout ERROR", true},
		{"quoted phrase must occur as a whole", `"Internal Server Error"`, "Internal Error Server", false},
		{"quoted phrase matches", `"Internal Server Error"`, "500 Internal Server Error", true},
		{"question mark terms need one of them", "?ERROR ?WARN", "WARN: low disk", true},
		{"question mark terms fail when none occurs", "?ERROR ?WARN", "INFO: fine", false},
		{"minus term excludes", "ERROR -Exiting", "ERROR Exiting now", false},
		{"minus term keeps the rest", "ERROR -Exiting", "ERROR retrying", true},
		{"regex term", `%[Ee]rror [0-9]+%`, "error 42", true},
		{"regex term not matching", `%^ERROR%`, "an ERROR", false},
		{"JSON string equality", `{ $.tenantId = "acme" }`, jsonEvent, true},
		{"JSON string equality without spaces or quotes", `{$.tenantId=acme}`, jsonEvent, true},
		{"JSON string inequality", `{ $.tenantId = "other" }`, jsonEvent, false},
		{"JSON wildcard", `{ $.user.email = "*@example.com" }`, jsonEvent, true},
		{"JSON not equal", `{ $.level != "INFO" }`, jsonEvent, true},
		{"JSON not equal on a missing field does not match", `{ $.missing != "INFO" }`, jsonEvent, false},
		{"JSON numeric comparison", `{ $.latency > 200 }`, jsonEvent, true},
		{"JSON numeric comparison failing", `{ $.latency <= 200 }`, jsonEvent, false},
		{"JSON numeric equality", `{ $.latency = 250 }`, jsonEvent, true},
		{"JSON quoted number compares as a string", `{ $.latency = "250" }`, jsonEvent, false},
		{"JSON array index", `{ $.user.roles[1] = "dev" }`, jsonEvent, true},
		{"JSON and binds tighter than or", `{ $.level = "INFO" && $.tenantId = "x" || $.latency > 100 }`, jsonEvent, true},
		{"JSON parentheses group", `{ $.level = "INFO" && ($.tenantId = "x" || $.latency > 100) }`, jsonEvent, false},
		{"JSON IS FALSE", `{ $.ok IS FALSE }`, jsonEvent, true},
		{"JSON IS TRUE", `{ $.ok IS TRUE }`, jsonEvent, false},
		{"JSON IS NULL", `{ $.gone IS NULL }`, jsonEvent, true},
		{"JSON NOT EXISTS", `{ $.absent NOT EXISTS }`, jsonEvent, true},
		{"JSON NOT EXISTS on a present field", `{ $.level NOT EXISTS }`, jsonEvent, false},
		{"JSON regex value", `{ $.level = %^ERR% }`, jsonEvent, true},
		{"JSON pattern on a plain text message does not match", `{ $.level = "ERROR" }`, "level=ERROR", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			match, err := compileFilter(tt.pattern)
			require.NoError(t, err)
			assert.Equal(t, tt.want, match(tt.message))
		})
	}
}

func TestCompileFilterRejects(t *testing.T) {
	tests := []struct {
		name    string
		pattern string
	}{
		{"unterminated phrase", `"Internal Server`},
		{"lone operator", "ERROR -"},
		{"JSON without a closing brace", `{ $.a = "b"`},
		{"JSON without a value", `{ $.a = }`},
		{"JSON selector without dollar", `{ a = "b" }`},
		{"JSON ordering against a string", `{ $.a > "b" }`},
		{"JSON unbalanced parenthesis", `{ ($.a = 1 }`},
		{"JSON trailing garbage", `{ $.a = 1 $.b = 2 }`},
		{"invalid regular expression", `%(%`},
		{"space-delimited patterns are not supported", `[ip, user, status]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := compileFilter(tt.pattern)
			assert.Error(t, err)
		})
	}
}
