package attr_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/dynamodb/attr"
)

func TestValidateGivesAWSMessages(t *testing.T) {
	cases := []struct {
		name, wire, want string
	}{
		{"no type", `{}`, "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"},
		{"unknown member only", `{"X":"a"}`, "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"},
		{"null instead of a value", `null`, "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"},
		{"two types", `{"S":"a","N":"1"}`, "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes"},
		{"empty value nested in a map", `{"M":{"a":{}}}`, "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"},
		{"empty value nested in a list", `{"L":[{"S":"a"},{}]}`, "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"},
		{"null false", `{"NULL":false}`, "One or more parameter values were invalid: Null attribute value types must have the value of true"},
		{"empty string set", `{"SS":[]}`, "One or more parameter values were invalid: An string set  may not be empty"},
		{"empty number set", `{"NS":[]}`, "One or more parameter values were invalid: An number set  may not be empty"},
		{"empty binary set", `{"BS":[]}`, "One or more parameter values were invalid: Binary sets should not be empty"},
		{"duplicate strings", `{"SS":["a","a"]}`, "One or more parameter values were invalid: Input collection [a, a] contains duplicates."},
		{"duplicate binaries", `{"BS":["Yg==","Yg=="]}`, "One or more parameter values were invalid: Input collection [Yg==, Yg==]of type BS contains duplicates."},
		{"numerically duplicate numbers", `{"NS":["1","1.0"]}`, "Input collection contains duplicates"},
		{"empty number", `{"N":""}`, "The parameter cannot be converted to a numeric value"},
		{"word as number", `{"N":"b"}`, "The parameter cannot be converted to a numeric value: b"},
		{"bad number in a set", `{"NS":["1","b"]}`, "The parameter cannot be converted to a numeric value: b"},
		{"39 digits", `{"N":"123456789012345678901234567890123456789"}`, "Attempting to store more than 38 significant digits in a Number"},
		{"39 digits after a point", `{"N":"-1.23456789012345678901234567890123456789"}`, "Attempting to store more than 38 significant digits in a Number"},
		{"too large", `{"N":"1e126"}`, "Number overflow. Attempting to store a number with magnitude larger than supported range"},
		{"too large negative", `{"N":"-1e126"}`, "Number overflow. Attempting to store a number with magnitude larger than supported range"},
		{"too small", `{"N":"1e-131"}`, "Number underflow. Attempting to store a number with magnitude smaller than supported range"},
		{"too small negative", `{"N":"-1e-131"}`, "Number underflow. Attempting to store a number with magnitude smaller than supported range"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var v attr.Value
			if err := json.Unmarshal([]byte(tc.wire), &v); err != nil {
				t.Fatalf("Unmarshal: %v", err)
			}
			err := attr.Validate(v)
			var verr *attr.ValidationError
			if !errors.As(err, &verr) {
				t.Fatalf("Validate = %v, want *attr.ValidationError", err)
			}
			if verr.Message != tc.want {
				t.Fatalf("message = %q\nwant      %q", verr.Message, tc.want)
			}
		})
	}
}

func TestValidateAcceptsValuesAWSAccepts(t *testing.T) {
	for _, wire := range []string{
		`{"S":""}`, `{"B":""}`, `{"N":"9.9999999999999999999999999999999999999E+125"}`, `{"N":"1E-130"}`,
		`{"N":"-0"}`, `{"N":"+5"}`, `{"N":".5"}`, `{"N":"5."}`, `{"N":"00012.3400"}`,
		`{"N":"1234567890123456789012345678901234567800000"}`, `{"NS":["1","2"]}`, `{"M":{"a":{"SS":["x"]}}}`,
	} {
		var v attr.Value
		if err := json.Unmarshal([]byte(wire), &v); err != nil {
			t.Fatalf("Unmarshal(%s): %v", wire, err)
		}
		if err := attr.Validate(v); err != nil {
			t.Errorf("Validate(%s) = %v, want nil", wire, err)
		}
	}
}

func TestCheckSizeAtTheLimit(t *testing.T) {
	// The name "a" (1 byte) plus a string of n bytes is 1+n bytes.
	at := attr.Item{"a": attr.S(strings.Repeat("x", attr.MaxItemSize-1))}
	if err := attr.CheckSize(at); err != nil {
		t.Fatalf("an item of exactly 400 KB is rejected: %v", err)
	}
	over := attr.Item{"a": attr.S(strings.Repeat("x", attr.MaxItemSize))}
	err := attr.CheckSize(over)
	if err == nil || err.Error() != "Item size has exceeded the maximum allowed size" {
		t.Fatalf("CheckSize(400 KB + 1) = %v", err)
	}
}

func TestSizeFollowsTheDocumentedRules(t *testing.T) {
	cases := []struct {
		name string
		item attr.Item
		want int
	}{
		{"string counts UTF-8 bytes of name and value", attr.Item{"né": attr.S("ü")}, 3 + 2},
		{"number is one byte per two digits plus one", attr.Item{"n": attr.N("12345")}, 1 + 3 + 1},
		{"number ignores leading and trailing zeros", attr.Item{"n": attr.N("000120.00")}, 1 + 1 + 1},
		{"binary counts raw bytes", attr.Item{"b": attr.B([]byte{1, 2, 3})}, 1 + 3},
		{"null and bool are one byte", attr.Item{"x": attr.Null(), "y": attr.Bool(true)}, 2 + 2},
		{"empty map is three bytes", attr.Item{"m": attr.M(nil)}, 1 + 3},
		{"map adds a byte per element and its names", attr.Item{"m": attr.M(attr.Item{"k": attr.S("v")})}, 1 + 3 + 1 + 2},
		{"list adds a byte per element", attr.Item{"l": attr.L(attr.S("ab"), attr.Bool(false))}, 1 + 3 + 2 + 2 + 1},
		{"set sums its members", attr.Item{"s": attr.SS("ab", "c")}, 1 + 3},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := attr.Size(tc.item); got != tc.want {
				t.Fatalf("Size = %d, want %d", got, tc.want)
			}
		})
	}
}
