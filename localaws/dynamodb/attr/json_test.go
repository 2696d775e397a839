package attr_test

import (
	"encoding/json"
	"testing"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/dynamodb/attr"
)

func TestJSONRoundTrip(t *testing.T) {
	cases := []struct {
		name string
		wire string
	}{
		{"string", `{"S":"hello"}`},
		{"empty string is kept", `{"S":""}`},
		{"number text is kept exactly as sent", `{"N":"1.50"}`},
		{"binary is base64", `{"B":"AAEC/w=="}`},
		{"string set", `{"SS":["a","b"]}`},
		{"number set", `{"NS":["1","2.5"]}`},
		{"binary set", `{"BS":["YQ==","Yg=="]}`},
		{"empty map stays a map", `{"M":{}}`},
		{"empty list stays a list", `{"L":[]}`},
		{"nested document", `{"M":{"l":{"L":[{"N":"1"},{"M":{"x":{"NULL":true}}}]}}}`},
		{"null", `{"NULL":true}`},
		{"boolean false", `{"BOOL":false}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var v attr.Value
			if err := json.Unmarshal([]byte(tc.wire), &v); err != nil {
				t.Fatalf("Unmarshal: %v", err)
			}
			if err := attr.Validate(v); err != nil {
				t.Fatalf("Validate: %v", err)
			}
			out, err := json.Marshal(v)
			if err != nil {
				t.Fatalf("Marshal: %v", err)
			}
			if string(out) != tc.wire {
				t.Fatalf("round trip = %s, want %s", out, tc.wire)
			}
		})
	}
}

func TestJSONItemOfConstructedValues(t *testing.T) {
	it := attr.Item{"b": attr.B([]byte{0, 1}), "m": attr.M(nil), "l": attr.L(), "ns": attr.NS("1")}
	out, err := json.Marshal(it)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"b":{"B":"AAE="},"l":{"L":[]},"m":{"M":{}},"ns":{"NS":["1"]}}`
	if string(out) != want {
		t.Fatalf("Marshal = %s, want %s", out, want)
	}
}

func TestJSONRejectsMembersOfTheWrongJSONType(t *testing.T) {
	for _, wire := range []string{`{"S":1}`, `{"B":"not base64!"}`, `{"SS":"a"}`, `{"M":[]}`, `{"BOOL":"true"}`, `[]`} {
		var v attr.Value
		if err := json.Unmarshal([]byte(wire), &v); err == nil {
			t.Errorf("Unmarshal(%s) succeeded, want a decoding error", wire)
		}
	}
}
