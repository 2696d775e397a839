package expr_test

import (
	"strings"
	"testing"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/dynamodb/expr"
)

// BenchmarkConditionParseAndEval is one PutItem's worth of condition work: placeholders,
// parse, unused check, evaluation.
func BenchmarkConditionParseAndEval(b *testing.B) {
	nm, vals, it := names(b, `{"#s":"status"}`), values(b, `{":a":{"S":"ACTIVE"},":v":{"N":"3"}}`), item(b, fuzzItem)
	for b.Loop() {
		ph, err := expr.NewPlaceholders(nm, vals)
		if err != nil {
			b.Fatal(err)
		}
		c, err := expr.ParseCondition(expr.ConditionExpression, "attribute_not_exists(a) OR (#s = :a AND b < :v)", ph)
		if err != nil || ph.Unused() != nil {
			b.Fatal(err)
		}
		c.Eval(it)
	}
}

// BenchmarkUpdateParseAndApply is one UpdateItem's worth of update work.
func BenchmarkUpdateParseAndApply(b *testing.B) {
	vals, it := values(b, `{":one":{"N":"1"},":l":{"L":[{"S":"x"}]}}`), item(b, fuzzItem)
	for b.Loop() {
		ph, err := expr.NewPlaceholders(nil, vals)
		if err != nil {
			b.Fatal(err)
		}
		u, err := expr.ParseUpdate("SET b = b + :one, l = list_append(l, :l) REMOVE m.k", ph)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := u.Apply(it); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDeeplyNestedCondition is the worst case the 4 KB limit allows: 2,000 nested
// parentheses. Lookahead past a parenthesis is a table lookup, so it stays linear.
func BenchmarkDeeplyNestedCondition(b *testing.B) {
	src := strings.Repeat("(", 2000) + "a = :v" + strings.Repeat(")", 2000)
	vals := values(b, `{":v":{"N":"1"}}`)
	for b.Loop() {
		ph, err := expr.NewPlaceholders(nil, vals)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := expr.ParseCondition(expr.ConditionExpression, src, ph); err == nil {
			b.Fatal("redundant parentheses accepted")
		}
	}
}
