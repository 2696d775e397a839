package expr_test

import (
	"errors"
	"testing"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/dynamodb/attr"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/dynamodb/expr"
)

// The fuzz targets share placeholders of every shape and one item, so the fuzzer can
// reach evaluation, not only parsing.
const (
	fuzzNames  = `{"#a":"a","#b":"b","#l":"l","#m":"m"}`
	fuzzValues = `{":s":{"S":"ab"},":n":{"N":"1"},":big":{"N":"9.9999999999999999999999999999999999999E+125"},":l":{"L":[{"N":"2"}]},":ss":{"SS":["x","y"]},":ns":{"NS":["1","2"]},":b":{"BOOL":true},":t":{"S":"SS"}}`
	fuzzItem   = `{"a":{"S":"abc"},"b":{"N":"5"},"l":{"L":[{"N":"1"},{"M":{"x":{"S":"y"}}}]},"m":{"M":{"k":{"SS":["x"]}}},"ss":{"SS":["x"]}}`
)

func fuzzPlaceholders(t *testing.T) *expr.Placeholders {
	ph, err := expr.NewPlaceholders(names(t, fuzzNames), values(t, fuzzValues))
	if err != nil {
		t.Fatal(err)
	}
	return ph
}

// mustBeValidation fails unless err is nil or DynamoDB's typed validation error.
func mustBeValidation(t *testing.T, src string, err error) bool {
	if err == nil {
		return true
	}
	var verr *attr.ValidationError
	if !errors.As(err, &verr) {
		t.Fatalf("%q: error %T %v, want *attr.ValidationError", src, err, err)
	}
	return false
}

func FuzzParseCondition(f *testing.F) {
	for _, s := range []string{
		"a = :s", "attribute_exists(#a) AND NOT (b BETWEEN :n AND :n OR b IN (:n, :n))", "size(l) > :n",
		"begins_with(a, :s) OR contains(ss, :s)", "attribute_type(m.k, :t)", "((a = :s))", "l[1].x <> :s",
		"a = ", "status = :s", "#zz = :nope", "(a) = :s", "nope(a)", "a[99999999999999999999] = :n",
	} {
		f.Add(s)
	}
	it := item(f, fuzzItem)
	f.Fuzz(func(t *testing.T, src string) {
		c, err := expr.ParseCondition(expr.ConditionExpression, src, fuzzPlaceholders(t))
		if !mustBeValidation(t, src, err) {
			return
		}
		again, err := expr.ParseCondition(expr.ConditionExpression, src, fuzzPlaceholders(t))
		if err != nil || again.Eval(it) != c.Eval(it) {
			t.Fatalf("%q parses or evaluates differently twice: %v", src, err)
		}
	})
}

func FuzzParseUpdate(f *testing.F) {
	for _, s := range []string{
		"SET a = :s, b = b + :n REMOVE l[0] ADD ss :ss", "SET l = list_append(l, :l), #m.k = if_not_exists(#m.k, :ss)",
		"DELETE ss :ss", "SET b = b - :big", "SET a.b.c = :n", "REMOVE m.k.z", "SET a = :s,", "SET a = :s SET b = :n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		u, err := expr.ParseUpdate(src, fuzzPlaceholders(t))
		if !mustBeValidation(t, src, err) {
			return
		}
		it := item(t, fuzzItem)
		before := toJSON(t, it)
		out, err := u.Apply(it)
		if toJSON(t, it) != before {
			t.Fatalf("%q changed the input item", src)
		}
		if !mustBeValidation(t, src, err) {
			return
		}
		if err := attr.ValidateItem(out); err != nil {
			t.Fatalf("%q produced an invalid item %s: %v", src, toJSON(t, out), err)
		}
	})
}

func FuzzParseProjection(f *testing.F) {
	for _, s := range []string{"a, b", "l[1].x, #m.k", "a,", "a, a.b", "a.b, a[0]", "(a)"} {
		f.Add(s)
	}
	it := item(f, fuzzItem)
	f.Fuzz(func(t *testing.T, src string) {
		pr, err := expr.ParseProjection(src, fuzzPlaceholders(t))
		if !mustBeValidation(t, src, err) {
			return
		}
		if out := pr.Apply(it); attr.ValidateItem(out) != nil {
			t.Fatalf("%q projects an invalid item %s", src, toJSON(t, out))
		}
	})
}

func FuzzParseKeyCondition(f *testing.F) {
	for _, s := range []string{"a = :s", "a = :s AND b BETWEEN :n AND :n", "begins_with(b, :s) AND a = :s", "a = :s OR b = :n", "b = :n"} {
		f.Add(s)
	}
	schema := attr.KeySchema{Partition: attr.KeyAttribute{Name: "a", Type: attr.TypeS}, Sort: attr.KeyAttribute{Name: "b", Type: attr.TypeN}}
	f.Fuzz(func(t *testing.T, src string) {
		kc, err := expr.ParseKeyCondition(src, fuzzPlaceholders(t), schema)
		if !mustBeValidation(t, src, err) {
			return
		}
		if kc.Partition.Type() != attr.TypeS {
			t.Fatalf("%q: partition value %s", src, toJSON(t, kc.Partition))
		}
		if kc.Sort != nil {
			kc.Sort.Match(attr.N("5"))
		}
	})
}
