package expr_test

import (
	"slices"
	"testing"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/dynamodb/attr"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/dynamodb/expr"
)

// TestUpdateDeveloperGuideWalkthrough replays, in order, the UpdateItem examples of the
// developer guide's "Using update expressions in DynamoDB" on its item 789.
func TestUpdateDeveloperGuideWalkthrough(t *testing.T) {
	steps := []struct {
		name, expr, names, values, want string
	}{
		{"SET modifies two attributes", "SET ProductCategory = :c, Price = :p", "", `{":c":{"S":"Hardware"},":p":{"N":"60"}}`,
			`{"Brand":{"S":"Acme"},"Id":{"N":"789"},"InStock":{"BOOL":true},"Price":{"N":"60"},"ProductCategory":{"S":"Hardware"}}`},
		{"SET adds a list and a map", "SET RelatedItems = :ri, ProductReviews = :pr", "",
			`{":ri":{"L":[{"S":"Hammer"}]},":pr":{"M":{"FiveStar":{"L":[{"S":"Best product ever!"}]}}}}`,
			`{"Brand":{"S":"Acme"},"Id":{"N":"789"},"InStock":{"BOOL":true},"Price":{"N":"60"},"ProductCategory":{"S":"Hardware"},"ProductReviews":{"M":{"FiveStar":{"L":[{"S":"Best product ever!"}]}}},"RelatedItems":{"L":[{"S":"Hammer"}]}}`},
		{"SET appends past the end of a nested list and adds a nested key", "SET #pr.#5star[1] = :r5, #pr.#3star = :r3",
			`{"#pr":"ProductReviews","#5star":"FiveStar","#3star":"ThreeStar"}`,
			`{":r5":{"S":"Very happy with my purchase"},":r3":{"L":[{"S":"Just OK - not that great"}]}}`,
			`{"Brand":{"S":"Acme"},"Id":{"N":"789"},"InStock":{"BOOL":true},"Price":{"N":"60"},"ProductCategory":{"S":"Hardware"},"ProductReviews":{"M":{"FiveStar":{"L":[{"S":"Best product ever!"},{"S":"Very happy with my purchase"}]},"ThreeStar":{"L":[{"S":"Just OK - not that great"}]}}},"RelatedItems":{"L":[{"S":"Hammer"}]}}`},
		{"SET decrements a number", "SET Price = Price - :p", "", `{":p":{"N":"15"}}`,
			`{"Brand":{"S":"Acme"},"Id":{"N":"789"},"InStock":{"BOOL":true},"Price":{"N":"45"},"ProductCategory":{"S":"Hardware"},"ProductReviews":{"M":{"FiveStar":{"L":[{"S":"Best product ever!"},{"S":"Very happy with my purchase"}]},"ThreeStar":{"L":[{"S":"Just OK - not that great"}]}}},"RelatedItems":{"L":[{"S":"Hammer"}]}}`},
		{"list_append at the end", "SET #ri = list_append(#ri, :vals)", `{"#ri":"RelatedItems"}`, `{":vals":{"L":[{"S":"Screwdriver"},{"S":"Hacksaw"}]}}`,
			`{"Brand":{"S":"Acme"},"Id":{"N":"789"},"InStock":{"BOOL":true},"Price":{"N":"45"},"ProductCategory":{"S":"Hardware"},"ProductReviews":{"M":{"FiveStar":{"L":[{"S":"Best product ever!"},{"S":"Very happy with my purchase"}]},"ThreeStar":{"L":[{"S":"Just OK - not that great"}]}}},"RelatedItems":{"L":[{"S":"Hammer"},{"S":"Screwdriver"},{"S":"Hacksaw"}]}}`},
		{"list_append at the start", "SET #ri = list_append(:vals, #ri)", `{"#ri":"RelatedItems"}`, `{":vals":{"L":[{"S":"Chisel"}]}}`,
			`{"Brand":{"S":"Acme"},"Id":{"N":"789"},"InStock":{"BOOL":true},"Price":{"N":"45"},"ProductCategory":{"S":"Hardware"},"ProductReviews":{"M":{"FiveStar":{"L":[{"S":"Best product ever!"},{"S":"Very happy with my purchase"}]},"ThreeStar":{"L":[{"S":"Just OK - not that great"}]}}},"RelatedItems":{"L":[{"S":"Chisel"},{"S":"Hammer"},{"S":"Screwdriver"},{"S":"Hacksaw"}]}}`},
		{"if_not_exists keeps an existing value", "SET Price = if_not_exists(Price, :p)", "", `{":p":{"N":"100"}}`,
			`{"Brand":{"S":"Acme"},"Id":{"N":"789"},"InStock":{"BOOL":true},"Price":{"N":"45"},"ProductCategory":{"S":"Hardware"},"ProductReviews":{"M":{"FiveStar":{"L":[{"S":"Best product ever!"},{"S":"Very happy with my purchase"}]},"ThreeStar":{"L":[{"S":"Just OK - not that great"}]}}},"RelatedItems":{"L":[{"S":"Chisel"},{"S":"Hammer"},{"S":"Screwdriver"},{"S":"Hacksaw"}]}}`},
		{"REMOVE attributes, one of them missing", "REMOVE Brand, InStock, QuantityOnHand", "", "",
			`{"Id":{"N":"789"},"Price":{"N":"45"},"ProductCategory":{"S":"Hardware"},"ProductReviews":{"M":{"FiveStar":{"L":[{"S":"Best product ever!"},{"S":"Very happy with my purchase"}]},"ThreeStar":{"L":[{"S":"Just OK - not that great"}]}}},"RelatedItems":{"L":[{"S":"Chisel"},{"S":"Hammer"},{"S":"Screwdriver"},{"S":"Hacksaw"}]}}`},
		{"REMOVE two list elements by their original indexes", "REMOVE RelatedItems[1], RelatedItems[2]", "", "",
			`{"Id":{"N":"789"},"Price":{"N":"45"},"ProductCategory":{"S":"Hardware"},"ProductReviews":{"M":{"FiveStar":{"L":[{"S":"Best product ever!"},{"S":"Very happy with my purchase"}]},"ThreeStar":{"L":[{"S":"Just OK - not that great"}]}}},"RelatedItems":{"L":[{"S":"Chisel"},{"S":"Hacksaw"}]}}`},
		{"ADD creates a missing number", "ADD QuantityOnHand :q", "", `{":q":{"N":"5"}}`,
			`{"Id":{"N":"789"},"Price":{"N":"45"},"ProductCategory":{"S":"Hardware"},"ProductReviews":{"M":{"FiveStar":{"L":[{"S":"Best product ever!"},{"S":"Very happy with my purchase"}]},"ThreeStar":{"L":[{"S":"Just OK - not that great"}]}}},"QuantityOnHand":{"N":"5"},"RelatedItems":{"L":[{"S":"Chisel"},{"S":"Hacksaw"}]}}`},
		{"ADD creates a missing set", "ADD Color :c", "", `{":c":{"SS":["Orange","Purple"]}}`,
			`{"Color":{"SS":["Orange","Purple"]},"Id":{"N":"789"},"Price":{"N":"45"},"ProductCategory":{"S":"Hardware"},"ProductReviews":{"M":{"FiveStar":{"L":[{"S":"Best product ever!"},{"S":"Very happy with my purchase"}]},"ThreeStar":{"L":[{"S":"Just OK - not that great"}]}}},"QuantityOnHand":{"N":"5"},"RelatedItems":{"L":[{"S":"Chisel"},{"S":"Hacksaw"}]}}`},
		{"DELETE removes set members, absent ones ignored", "DELETE Color :p", "", `{":p":{"SS":["Yellow","Purple"]}}`,
			`{"Color":{"SS":["Orange"]},"Id":{"N":"789"},"Price":{"N":"45"},"ProductCategory":{"S":"Hardware"},"ProductReviews":{"M":{"FiveStar":{"L":[{"S":"Best product ever!"},{"S":"Very happy with my purchase"}]},"ThreeStar":{"L":[{"S":"Just OK - not that great"}]}}},"QuantityOnHand":{"N":"5"},"RelatedItems":{"L":[{"S":"Chisel"},{"S":"Hacksaw"}]}}`},
	}
	cur := item(t, `{"Id":{"N":"789"},"ProductCategory":{"S":"Home Improvement"},"Price":{"N":"52"},"InStock":{"BOOL":true},"Brand":{"S":"Acme"}}`)
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			before := toJSON(t, cur)
			next := applyUpdate(t, st.expr, st.names, st.values, cur)
			if got := toJSON(t, next); got != st.want {
				t.Fatalf("after %q:\n got %s\nwant %s", st.expr, got, st.want)
			}
			if toJSON(t, cur) != before {
				t.Fatal("Apply changed its input item")
			}
			cur = next
		})
	}
}

func applyUpdate(t *testing.T, text, nameWire, valueWire string, it attr.Item) attr.Item {
	t.Helper()
	ph, err := expr.NewPlaceholders(names(t, nameWire), values(t, valueWire))
	if err != nil {
		t.Fatalf("NewPlaceholders: %v", err)
	}
	u, err := expr.ParseUpdate(text, ph)
	if err != nil {
		t.Fatalf("ParseUpdate(%q): %v", text, err)
	}
	if err := ph.Unused(); err != nil {
		t.Fatalf("Unused: %v", err)
	}
	out, err := u.Apply(it)
	if err != nil {
		t.Fatalf("Apply(%q): %v", text, err)
	}
	return out
}

func TestUpdateSemantics(t *testing.T) {
	cases := []struct {
		name, expr, values, item, want string
	}{
		{"SET values come from the item before the update", "SET a = b, b = a", "", `{"a":{"N":"1"},"b":{"N":"2"}}`, `{"a":{"N":"2"},"b":{"N":"1"}}`},
		{"clauses in any order, keywords in any case", "remove c add n :one set a = :one", `{":one":{"N":"1"}}`, `{"c":{"S":"x"},"n":{"N":"41"}}`, `{"a":{"N":"1"},"n":{"N":"42"}}`},
		{"arithmetic is exact decimal", "SET n = n + :d", `{":d":{"N":"0.2"}}`, `{"n":{"N":"0.1"}}`, `{"n":{"N":"0.3"}}`},
		{"if_not_exists supplies a missing counter", "SET n = if_not_exists(n, :zero) + :one", `{":zero":{"N":"0"},":one":{"N":"1"}}`, `{}`, `{"n":{"N":"1"}}`},
		{"parenthesised value", "SET a = (:one)", `{":one":{"N":"1"}}`, `{}`, `{"a":{"N":"1"}}`},
		{"SET on a new item", "SET a.b = :one", `{":one":{"N":"1"}}`, `{"a":{"M":{}}}`, `{"a":{"M":{"b":{"N":"1"}}}}`},
		{"ADD unions number sets numerically", "ADD s :s", `{":s":{"NS":["1.0","3"]}}`, `{"s":{"NS":["1","2"]}}`, `{"s":{"NS":["1","2","3"]}}`},
		{"DELETE of the last member removes the attribute", "DELETE s :s", `{":s":{"SS":["a"]}}`, `{"s":{"SS":["a"]}}`, `{}`},
		{"DELETE from a missing set is a no-op", "DELETE s :s", `{":s":{"SS":["a"]}}`, `{}`, `{}`},
		{"REMOVE past the end of a list is a no-op", "REMOVE l[5]", "", `{"l":{"L":[{"N":"1"}]}}`, `{"l":{"L":[{"N":"1"}]}}`},
		{"REMOVE a nested map key", "REMOVE m.k", "", `{"m":{"M":{"k":{"N":"1"},"j":{"N":"2"}}}}`, `{"m":{"M":{"j":{"N":"2"}}}}`},
		{"SET a list element in place", "SET l[0] = :one", `{":one":{"N":"1"}}`, `{"l":{"L":[{"N":"0"},{"N":"9"}]}}`, `{"l":{"L":[{"N":"1"},{"N":"9"}]}}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := applyUpdate(t, tc.expr, "", tc.values, item(t, tc.item))
			if !attr.EqualItems(got, item(t, tc.want)) {
				t.Fatalf("got %s, want %s", toJSON(t, got), tc.want)
			}
		})
	}
}

func TestUpdateRuntimeErrors(t *testing.T) {
	cases := []struct {
		name, expr, values, item, want string
	}{
		{"SET from a missing attribute", "SET a = b", "", `{}`, "The provided expression refers to an attribute that does not exist in the item"},
		{"arithmetic on a string", "SET a = a + :one", `{":one":{"N":"1"}}`, `{"a":{"S":"x"}}`, "An operand in the update expression has an incorrect data type"},
		{"list_append to a missing list", "SET l = list_append(l, :l)", `{":l":{"L":[]}}`, `{}`, "The provided expression refers to an attribute that does not exist in the item"},
		{"list_append to a map", "SET l = list_append(l, :l)", `{":l":{"L":[]}}`, `{"l":{"M":{}}}`, "An operand in the update expression has an incorrect data type"},
		{"SET under a missing map", "SET a.b.c = :one", `{":one":{"N":"1"}}`, `{"a":{"M":{}}}`, "The document path provided in the update expression is invalid for update"},
		{"SET a key of a string", "SET a.b = :one", `{":one":{"N":"1"}}`, `{"a":{"S":"x"}}`, "The document path provided in the update expression is invalid for update"},
		{"ADD a number to a set", "ADD s :one", `{":one":{"N":"1"}}`, `{"s":{"SS":["a"]}}`, "An operand in the update expression has an incorrect data type"},
		{"DELETE a string set from a number set", "DELETE s :s", `{":s":{"SS":["a"]}}`, `{"s":{"NS":["1"]}}`, "An operand in the update expression has an incorrect data type"},
		{"arithmetic overflow", "SET n = n + :big", `{":big":{"N":"1E+125"}}`, `{"n":{"N":"9.9999999999999999999999999999999999999E+125"}}`, "Number overflow. Attempting to store a number with magnitude larger than supported range"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ph, err := expr.NewPlaceholders(nil, values(t, tc.values))
			if err != nil {
				t.Fatal(err)
			}
			u, err := expr.ParseUpdate(tc.expr, ph)
			if err != nil {
				t.Fatal(err)
			}
			_, err = u.Apply(item(t, tc.item))
			wantMessage(t, err, tc.want)
		})
	}
}

func TestUpdateParseErrors(t *testing.T) {
	const vals = `{":v":{"N":"1"},":s":{"S":"a"},":l":{"L":[]},":ss":{"SS":["a"]}}`
	cases := []struct {
		name, expr, want string
	}{
		{"trailing comma", "SET a = :v,", `Invalid UpdateExpression: Syntax error; token: "<EOF>", near: ","`},
		{"no clause", "a = :v", `Invalid UpdateExpression: Syntax error; token: "a", near: "a ="`},
		{"a clause twice", "SET a = :v SET b = :v", `Invalid UpdateExpression: The "SET" section can only be used once in an update expression;`},
		{"overlapping paths", "SET a = :v REMOVE a.b", "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a, b]"},
		{"conflicting paths", "SET a.b = :v REMOVE a[0]", "Invalid UpdateExpression: Two document paths conflict with each other; must remove or rewrite one of these paths; path one: [a, b], path two: [a, [0]]"},
		{"same path twice", "SET a = :v, a = :s", "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a]"},
		{"reserved word", "SET name = :v", "Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: name"},
		{"undefined name", "SET #n = :v", "Invalid UpdateExpression: An expression attribute name used in the document path is not defined; attribute name: #n"},
		{"undefined value", "SET a = :nope", "Invalid UpdateExpression: An expression attribute value used in expression is not defined; attribute value: :nope"},
		{"names before values", "SET a = :nope, #n = :v", "Invalid UpdateExpression: An expression attribute name used in the document path is not defined; attribute name: #n"},
		{"unknown function", "SET a = nope(:v)", "Invalid UpdateExpression: Invalid function name; function: nope"},
		{"if_not_exists needs a path", "SET a = if_not_exists(:v, :v)", "Invalid UpdateExpression: Operator or function requires a document path; operator or function: if_not_exists"},
		{"list_append of a string", "SET a = list_append(a, :s)", "Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: list_append, operand type: S"},
		{"adding a string", "SET a = a + :s", "Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: +, operand type: S"},
		{"operand count", "SET a = list_append(:l)", "Invalid UpdateExpression: Incorrect number of operands for operator or function; operator or function: list_append, number of operands: 1"},
		{"ADD a string", "ADD a :s", "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, operand type: STRING"},
		{"DELETE a number", "DELETE a :v", "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: DELETE, operand type: NUMBER"},
		{"ADD needs a value", "ADD a b", `Invalid UpdateExpression: Syntax error; token: "b", near: "a b"`},
		{"empty", "", "Invalid UpdateExpression: The expression can not be empty;"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ph, err := expr.NewPlaceholders(nil, values(t, vals))
			if err != nil {
				t.Fatal(err)
			}
			_, err = expr.ParseUpdate(tc.expr, ph)
			wantMessage(t, err, tc.want)
		})
	}
}

func TestUpdatedIsTheProjectionOfTheWrittenPaths(t *testing.T) {
	ph, _ := expr.NewPlaceholders(nil, values(t, `{":v":{"N":"1"}}`))
	u, err := expr.ParseUpdate("SET m.a = :v, l[1] = :v REMOVE gone", ph)
	if err != nil {
		t.Fatal(err)
	}
	before := item(t, `{"m":{"M":{"a":{"N":"0"},"b":{"N":"9"}}},"l":{"L":[{"N":"7"},{"N":"8"}]},"gone":{"S":"x"},"keep":{"S":"y"}}`)
	after, err := u.Apply(before)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := toJSON(t, u.Updated(before)), `{"gone":{"S":"x"},"l":{"L":[{"N":"8"}]},"m":{"M":{"a":{"N":"0"}}}}`; got != want {
		t.Errorf("UPDATED_OLD = %s, want %s", got, want)
	}
	if got, want := toJSON(t, u.Updated(after)), `{"l":{"L":[{"N":"1"}]},"m":{"M":{"a":{"N":"1"}}}}`; got != want {
		t.Errorf("UPDATED_NEW = %s, want %s", got, want)
	}
}

func TestUpdateAttributes(t *testing.T) {
	ph, _ := expr.NewPlaceholders(nil, values(t, `{":v":{"N":"1"}}`))
	u, err := expr.ParseUpdate("SET a.b = c + :v REMOVE d[0] ADD e :v", ph)
	if err != nil {
		t.Fatal(err)
	}
	if got := u.Attributes(); !slices.Equal(got, []string{"a", "c", "d", "e"}) {
		t.Errorf("Attributes = %v", got)
	}
	if got := u.Modified(); !slices.Equal(got, []string{"a", "d", "e"}) {
		t.Errorf("Modified = %v", got)
	}
}
