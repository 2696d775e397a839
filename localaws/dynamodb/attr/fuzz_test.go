package attr_test

import (
	"encoding/json"
	"testing"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/dynamodb/attr"
)

// FuzzParseNumber: any text either fails with a *ValidationError or parses to a number
// whose plain form parses back to the same number.
func FuzzParseNumber(f *testing.F) {
	for _, s := range []string{"0", "-1.50", "1e125", "1E-130", ".5", "5.", "+7", "1e", "e1", "--1", "1.2.3", "", "9.9999999999999999999999999999999999999E+125", "1e99999999999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := attr.ParseNumber(s)
		if err != nil {
			if _, ok := err.(*attr.ValidationError); !ok {
				t.Fatalf("ParseNumber(%q) error %T", s, err)
			}
			return
		}
		again, err := attr.ParseNumber(n.String())
		if err != nil || again.Cmp(n) != 0 {
			t.Fatalf("ParseNumber(%q).String() = %q does not parse back: %v", s, n.String(), err)
		}
	})
}

// FuzzValueJSON: whatever decodes re-encodes to JSON that decodes to an equal value.
func FuzzValueJSON(f *testing.F) {
	for _, s := range []string{`{"S":"a"}`, `{"M":{"a":{"L":[{"N":"1"},{"NULL":true}]}}}`, `{"BS":["YQ=="]}`, `{}`, `{"S":"a","N":"1"}`, `{"L":[]}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var v attr.Value
		if json.Unmarshal([]byte(s), &v) != nil || attr.Validate(v) != nil {
			return
		}
		out, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("Marshal of a valid value: %v", err)
		}
		var back attr.Value
		if err := json.Unmarshal(out, &back); err != nil || !attr.Equal(v, back) {
			t.Fatalf("%s re-encodes to %s, which decodes differently: %v", s, out, err)
		}
	})
}
