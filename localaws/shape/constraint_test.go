package shape_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/protocol"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/shape"
)

func TestViolations(t *testing.T) {
	name := shape.Anchored(`[a-z]+`)
	tests := []struct {
		name  string
		check func(v *shape.Violations)
		want  string // "" for no error
	}{
		{"a value within every bound is no violation", func(v *shape.Violations) {
			v.Length("name", "abc", 1, 3)
			v.Range("limit", 5, 1, 10)
			v.Pattern("name", "abc", name)
			v.Enum("mode", "", "A", "B")
		}, ""},
		{"a missing member is null", func(v *shape.Violations) { v.Null("roleName") },
			"1 validation error detected: Value null at 'roleName' failed to satisfy constraint: Member must not be null"},
		{"an empty string is too short", func(v *shape.Violations) { v.Length("name", "", 1, 64) },
			"1 validation error detected: Value '' at 'name' failed to satisfy constraint: " +
				"Member must have length greater than or equal to 1"},
		{"length counts characters, not bytes", func(v *shape.Violations) { v.Length("key", strings.Repeat("é", 128), 1, 128) }, ""},
		{"one character over is too long", func(v *shape.Violations) { v.Length("key", strings.Repeat("é", 129), 1, 128) },
			"Member must have length less than or equal to 128"},
		{"max zero is unbounded", func(v *shape.Violations) { v.Length("doc", strings.Repeat("x", 1<<16), 0, 0) }, ""},
		{"a number below the range", func(v *shape.Violations) { v.Range("limit", 0, 1, 100) },
			"Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1"},
		{"a number above the range", func(v *shape.Violations) { v.Range("limit", 101, 1, 100) },
			"Member must have value less than or equal to 100"},
		{"a pattern is quoted without its anchors", func(v *shape.Violations) { v.Pattern("name", "A!", name) },
			"Value 'A!' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-z]+"},
		{"an enum lists its values", func(v *shape.Violations) { v.Enum("mode", "C", "A", "B") },
			"Member must satisfy enum value set: [A, B]"},
		{"several violations are reported together, counted", func(v *shape.Violations) {
			v.Null("a")
			v.Range("b", 0, 1, 2)
		}, "2 validation errors detected: Value null at 'a' failed to satisfy constraint: Member must not be null; " +
			"Value '0' at 'b' failed to satisfy constraint: Member must have value greater than or equal to 1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var v shape.Violations
			tc.check(&v)
			err := v.Err(protocol.Validation)
			if tc.want == "" {
				assert.NoError(t, err)
				return
			}
			var pe *protocol.Error
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, "ValidationException", pe.Code)
			assert.Contains(t, pe.Message, tc.want)
		})
	}
}

func TestConstraintErrorUsesTheServicesCode(t *testing.T) {
	invalidParameter := func(format string, args ...any) *protocol.Error {
		return protocol.Errorf(400, "InvalidParameterException", format, args...)
	}
	err := shape.ConstraintError(invalidParameter, 7, "limit", "Member must be odd")
	var pe *protocol.Error
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "InvalidParameterException", pe.Code)
	assert.Equal(t, "1 validation error detected: Value '7' at 'limit' failed to satisfy constraint: Member must be odd",
		pe.Message)
}

func TestAPercentSignInAValueIsNotAVerb(t *testing.T) {
	var v shape.Violations
	v.Length("name", "%d%s", 10, 20)
	assert.Contains(t, v.Err(protocol.Validation).Error(), "Value '%d%s' at 'name'")
}
