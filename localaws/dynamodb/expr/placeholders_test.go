package expr_test

import (
	"testing"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/dynamodb/expr"
)

func TestPlaceholderMapsAreValidated(t *testing.T) {
	cases := []struct {
		name, names, values, want string
	}{
		{"empty names", `{}`, "", "ExpressionAttributeNames must not be empty"},
		{"name key without #", `{"a":"a"}`, "", `ExpressionAttributeNames contains invalid key: Syntax error; key: "a"`},
		{"empty values", "", `{}`, "ExpressionAttributeValues must not be empty"},
		{"value key without colon", "", `{"v":{"S":"a"}}`, `ExpressionAttributeValues contains invalid key: Syntax error; key: "v"`},
		{"invalid value", "", `{":e":{"SS":[]}}`, "ExpressionAttributeValues contains invalid value: One or more parameter values were invalid: An string set  may not be empty for key :e"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := expr.NewPlaceholders(names(t, tc.names), values(t, tc.values))
			wantMessage(t, err, tc.want)
		})
	}
}

func TestUnusedPlaceholdersAcrossExpressions(t *testing.T) {
	ph, err := expr.NewPlaceholders(names(t, `{"#a":"a","#b":"b","#c":"c"}`), values(t, `{":x":{"N":"1"},":y":{"N":"2"}}`))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := expr.ParseCondition(expr.ConditionExpression, "#a = :x", ph); err != nil {
		t.Fatal(err)
	}
	wantMessage(t, ph.Unused(), "Value provided in ExpressionAttributeNames unused in expressions: keys: {#b, #c}")
	if _, err := expr.ParseCondition(expr.FilterExpression, "#b = :x AND #c = :x", ph); err != nil {
		t.Fatal(err)
	}
	wantMessage(t, ph.Unused(), "Value provided in ExpressionAttributeValues unused in expressions: keys: {:y}")
}
