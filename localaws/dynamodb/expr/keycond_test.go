package expr_test

import (
	"testing"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/dynamodb/attr"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/dynamodb/expr"
)

// replies is the developer guide's Reply table: partition key Id (S), sort key
// ReplyDateTime (S); threads is the Thread table keyed by ForumName (S), Subject (S).
var (
	replies = attr.KeySchema{Partition: attr.KeyAttribute{Name: "Id", Type: attr.TypeS}, Sort: attr.KeyAttribute{Name: "ReplyDateTime", Type: attr.TypeS}}
	numbers = attr.KeySchema{Partition: attr.KeyAttribute{Name: "pk", Type: attr.TypeS}, Sort: attr.KeyAttribute{Name: "n", Type: attr.TypeN}}
	hashed  = attr.KeySchema{Partition: attr.KeyAttribute{Name: "pk", Type: attr.TypeS}}
)

func TestKeyConditionDeveloperGuideExamples(t *testing.T) {
	cases := []struct {
		name, expr, names, values string
		schema                    attr.KeySchema
		match, miss               []attr.Value
	}{
		{"partition key only", "Id = :id", "", `{":id":{"S":"Amazon DynamoDB#DynamoDB Thread 1"}}`, replies, nil, nil},
		{"sort key greater than a date", "Id = :id and ReplyDateTime > :dt", "", `{":id":{"S":"x"},":dt":{"S":"2015-09-01"}}`, replies,
			[]attr.Value{attr.S("2015-09-15")}, []attr.Value{attr.S("2015-08-31"), attr.S("2015-09-01")}},
		{"sort key BETWEEN two dates, sort condition first", "ReplyDateTime BETWEEN :d1 AND :d2 AND Id = :id", "",
			`{":id":{"S":"x"},":d1":{"S":"2015-09-01"},":d2":{"S":"2015-09-30"}}`, replies,
			[]attr.Value{attr.S("2015-09-01"), attr.S("2015-09-30")}, []attr.Value{attr.S("2015-10-01")}},
		{"begins_with on the sort key", "#id = :id AND begins_with(#dt, :y)", `{"#id":"Id","#dt":"ReplyDateTime"}`,
			`{":id":{"S":"x"},":y":{"S":"2015"}}`, replies, []attr.Value{attr.S("2015-01-01")}, []attr.Value{attr.S("2016-01-01"), attr.N("2015")}},
		{"numeric sort key compares numerically", "pk = :p AND n <= :n", "", `{":p":{"S":"x"},":n":{"N":"10"}}`, numbers,
			[]attr.Value{attr.N("9"), attr.N("10.0"), attr.N("-100")}, []attr.Value{attr.N("11"), attr.N("100")}},
		{"value on the left flips the operator", "pk = :p AND :n < n", "", `{":p":{"S":"x"},":n":{"N":"10"}}`, numbers,
			[]attr.Value{attr.N("11")}, []attr.Value{attr.N("10")}},
		{"parenthesised terms", "(pk = :p) AND (n = :n)", "", `{":p":{"S":"x"},":n":{"N":"10"}}`, numbers,
			[]attr.Value{attr.N("10")}, []attr.Value{attr.N("1")}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ph, err := expr.NewPlaceholders(names(t, tc.names), values(t, tc.values))
			if err != nil {
				t.Fatal(err)
			}
			kc, err := expr.ParseKeyCondition(tc.expr, ph, tc.schema)
			if err != nil {
				t.Fatalf("ParseKeyCondition: %v", err)
			}
			if err := ph.Unused(); err != nil {
				t.Fatal(err)
			}
			if kc.Partition.IsZero() {
				t.Fatal("no partition value")
			}
			if (kc.Sort == nil) != (tc.match == nil && tc.miss == nil) {
				t.Fatalf("Sort = %+v", kc.Sort)
			}
			for _, v := range tc.match {
				if !kc.Sort.Match(v) {
					t.Errorf("%s does not match", toJSON(t, v))
				}
			}
			for _, v := range tc.miss {
				if kc.Sort.Match(v) {
					t.Errorf("%s matches", toJSON(t, v))
				}
			}
		})
	}
}

func TestKeyConditionErrors(t *testing.T) {
	const vals = `{":p":{"S":"x"},":q":{"S":"y"},":n":{"N":"1"}}`
	cases := []struct {
		name, expr string
		schema     attr.KeySchema
		want       string
	}{
		{"no partition key", "n = :n", numbers, "Query condition missed key schema element: pk"},
		{"wrong partition key name", "id = :p", numbers, "Query condition missed key schema element: pk"},
		{"condition on a non-key attribute", "pk = :p AND colour = :n", numbers, "Query condition missed key schema element: n"},
		{"second condition without a sort key", "pk = :p AND colour = :n", hashed, "Query key condition not supported"},
		{"partition key not with =", "pk > :p", numbers, "Query key condition not supported"},
		{"OR", "pk = :p OR pk = :q", numbers, "Query key condition not supported"},
		{"NOT", "NOT pk = :p", numbers, "Query key condition not supported"},
		{"not equal on the sort key", "pk = :p AND n <> :n", numbers, "Query key condition not supported"},
		{"IN on the sort key", "pk = :p AND n IN (:n)", numbers, "Query key condition not supported"},
		{"other functions", "pk = :p AND attribute_exists(n)", numbers, "Query key condition not supported"},
		{"two conditions on one key", "pk = :p AND pk = :q", numbers, "KeyConditionExpressions must only contain one condition per key"},
		{"three conditions", "pk = :p AND n > :n AND n < :n", numbers, "KeyConditionExpressions must only contain one condition per key"},
		{"partition value of the wrong type", "pk = :n", numbers, "One or more parameter values were invalid: Condition parameter type does not match schema type"},
		{"sort value of the wrong type", "pk = :p AND n = :q", numbers, "One or more parameter values were invalid: Condition parameter type does not match schema type"},
		{"syntax", "pk = ", numbers, `Invalid KeyConditionExpression: Syntax error; token: "<EOF>", near: "="`},
		{"reserved word", "status = :p", numbers, "Invalid KeyConditionExpression: Attribute name is a reserved keyword; reserved keyword: status"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ph, err := expr.NewPlaceholders(nil, values(t, vals))
			if err != nil {
				t.Fatal(err)
			}
			_, err = expr.ParseKeyCondition(tc.expr, ph, tc.schema)
			wantMessage(t, err, tc.want)
		})
	}
}
