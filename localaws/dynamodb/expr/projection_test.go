package expr_test

import (
	"slices"
	"testing"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/dynamodb/expr"
)

func TestProjectionDeveloperGuideExamples(t *testing.T) {
	cases := []struct {
		name, expr, names, want string
	}{
		{"top-level attributes", "Description, RelatedItems[0], ProductReviews.FiveStar", "",
			`{"Description":{"S":"Bicycle"},"ProductReviews":{"M":{"FiveStar":{"L":[{"S":"Excellent!"},{"S":"Buy it!"}]}}},"RelatedItems":{"L":[{"N":"341"}]}}`},
		{"list elements close up in index order", "RelatedItems[2], RelatedItems[0]", "", `{"RelatedItems":{"L":[{"N":"341"},{"N":"999"}]}}`},
		{"missing paths are left out", "Nothing, Pictures.SideView, RelatedItems[7]", "", `{}`},
		{"name placeholders for reserved words", "#c, Pictures.FrontView", `{"#c":"Comment"}`, `{"Comment":{"S":"x"},"Pictures":{"M":{"FrontView":{"S":"front.jpg"}}}}`},
	}
	src := `{"Id":{"N":"123"},"Description":{"S":"Bicycle"},"Comment":{"S":"x"},
		"RelatedItems":{"L":[{"N":"341"},{"N":"472"},{"N":"999"}]},
		"Pictures":{"M":{"FrontView":{"S":"front.jpg"},"RearView":{"S":"rear.jpg"}}},
		"ProductReviews":{"M":{"FiveStar":{"L":[{"S":"Excellent!"},{"S":"Buy it!"}]},"OneStar":{"L":[{"S":"Terrible"}]}}}}`
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ph, err := expr.NewPlaceholders(names(t, tc.names), nil)
			if err != nil {
				t.Fatal(err)
			}
			pr, err := expr.ParseProjection(tc.expr, ph)
			if err != nil {
				t.Fatalf("ParseProjection: %v", err)
			}
			if got := toJSON(t, pr.Apply(item(t, src))); got != tc.want {
				t.Fatalf("Apply = %s\nwant    %s", got, tc.want)
			}
		})
	}
}

func TestProjectionErrors(t *testing.T) {
	nameWire := `{"#a":"a","#b":"[3]"}`
	cases := []struct {
		name, expr, want string
	}{
		{"empty", "", "Invalid ProjectionExpression: The expression can not be empty;"},
		{"function", "whatever(stuff)", `Invalid ProjectionExpression: Syntax error; token: "(", near: "whatever(stuff"`},
		{"value placeholder", ":a", `Invalid ProjectionExpression: Syntax error; token: ":a", near: ":a"`},
		{"trailing comma", "a,", `Invalid ProjectionExpression: Syntax error; token: "<EOF>", near: ","`},
		{"double comma", "a,,b", `Invalid ProjectionExpression: Syntax error; token: ",", near: ",,b"`},
		{"name as index", "a[b]", `Invalid ProjectionExpression: Syntax error; token: "b", near: "[b]"`},
		{"parentheses", "(a)", `Invalid ProjectionExpression: Syntax error; token: "(", near: "(a"`},
		{"minus", "a-b", `Invalid ProjectionExpression: Syntax error; token: "-", near: "a-b"`},
		{"reserved word nested", "a.abORt", "Invalid ProjectionExpression: Attribute name is a reserved keyword; reserved keyword: abORt"},
		{"undefined name", "a,b,#c", "Invalid ProjectionExpression: An expression attribute name used in the document path is not defined; attribute name: #c"},
		{"overlap wins over conflict", "b[1], b.a, #a.b, a", "Invalid ProjectionExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a, b], path two: [a]"},
		{"overlap of a list element", "a, #a[1]", "Invalid ProjectionExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a, [1]]"},
		{"conflict", "a.b, #a[1]", "Invalid ProjectionExpression: Two document paths conflict with each other; must remove or rewrite one of these paths; path one: [a, b], path two: [a, [1]]"},
		{"a name placeholder may hold brackets", "a[3].b, #a.#b.b", "Invalid ProjectionExpression: Two document paths conflict with each other; must remove or rewrite one of these paths; path one: [a, [3], b], path two: [a, [3], b]"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ph, err := expr.NewPlaceholders(names(t, nameWire), nil)
			if err != nil {
				t.Fatal(err)
			}
			_, err = expr.ParseProjection(tc.expr, ph)
			wantMessage(t, err, tc.want)
		})
	}
}

func TestProjectionAttributes(t *testing.T) {
	pr, err := expr.ParseProjection("a.b, c[0], a.d", nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := pr.Attributes(); !slices.Equal(got, []string{"a", "c"}) {
		t.Fatalf("Attributes = %v", got)
	}
}
