package expr_test

import (
	"encoding/json"
	"testing"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/dynamodb/attr"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/dynamodb/expr"
)

func attributeUpdates(t *testing.T, wire string) map[string]expr.AttributeUpdate {
	t.Helper()
	var u map[string]expr.AttributeUpdate
	if err := json.Unmarshal([]byte(wire), &u); err != nil {
		t.Fatal(err)
	}
	return u
}

func TestAttributeUpdates(t *testing.T) {
	cases := []struct {
		name, item, updates, want string
	}{
		{"the provider's update: PUT and DELETE", `{"k":{"S":"1"},"a":{"S":"old"},"gone":{"N":"1"}}`,
			`{"a":{"Action":"PUT","Value":{"S":"new"}},"b":{"Action":"PUT","Value":{"M":{}}},"gone":{"Action":"DELETE"}}`,
			`{"a":{"S":"new"},"b":{"M":{}},"k":{"S":"1"}}`},
		{"PUT is the default action", `{}`, `{"a":{"Value":{"N":"1"}}}`, `{"a":{"N":"1"}}`},
		{"ADD to a number", `{"n":{"N":"1.5"}}`, `{"n":{"Action":"ADD","Value":{"N":"2"}}}`, `{"n":{"N":"3.5"}}`},
		{"ADD creates a number", `{}`, `{"n":{"Action":"ADD","Value":{"N":"2"}}}`, `{"n":{"N":"2"}}`},
		{"ADD unions a set", `{"s":{"SS":["a"]}}`, `{"s":{"Action":"ADD","Value":{"SS":["a","b"]}}}`, `{"s":{"SS":["a","b"]}}`},
		{"ADD appends to a list", `{"l":{"L":[{"N":"1"}]}}`, `{"l":{"Action":"ADD","Value":{"L":[{"N":"1"}]}}}`, `{"l":{"L":[{"N":"1"},{"N":"1"}]}}`},
		{"DELETE set members", `{"s":{"NS":["1","2"]}}`, `{"s":{"Action":"DELETE","Value":{"NS":["2.0"]}}}`, `{"s":{"NS":["1"]}}`},
		{"DELETE the last members removes the attribute", `{"s":{"NS":["1"]}}`, `{"s":{"Action":"DELETE","Value":{"NS":["1"]}}}`, `{}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := expr.ApplyAttributeUpdates(item(t, tc.item), attributeUpdates(t, tc.updates))
			if err != nil {
				t.Fatal(err)
			}
			if !attr.EqualItems(got, item(t, tc.want)) {
				t.Fatalf("got %s, want %s", toJSON(t, got), tc.want)
			}
		})
	}
}

func TestAttributeUpdatesErrors(t *testing.T) {
	cases := []struct {
		name, item, updates, want string
	}{
		{"PUT without a value", `{}`, `{"a":{"Action":"PUT"}}`, "One or more parameter values were invalid: Only DELETE action is allowed when no attribute value is specified"},
		{"DELETE with a scalar", `{}`, `{"a":{"Action":"DELETE","Value":{"S":"x"}}}`, "One or more parameter values were invalid: DELETE action with value is not supported for the type S"},
		{"ADD a string", `{}`, `{"a":{"Action":"ADD","Value":{"S":"x"}}}`, "One or more parameter values were invalid: ADD action is not supported for the type S"},
		{"ADD a number to a string", `{"a":{"S":"x"}}`, `{"a":{"Action":"ADD","Value":{"N":"1"}}}`, "Type mismatch for attribute to update"},
		{"invalid value", `{}`, `{"a":{"Value":{"SS":[]}}}`, "One or more parameter values were invalid: An string set  may not be empty"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := expr.ApplyAttributeUpdates(item(t, tc.item), attributeUpdates(t, tc.updates))
			wantMessage(t, err, tc.want)
		})
	}
}
