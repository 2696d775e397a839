package expr_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/dynamodb/expr"
)

// product456 is the ProductCatalog item the developer guide's condition expression
// examples run against ("Condition and filter expressions, operators, and functions").
const product456 = `{
	"Id": {"N": "456"},
	"ProductCategory": {"S": "Sporting Goods"},
	"Price": {"N": "650"},
	"Brand": {"S": "Acme"},
	"Color": {"SS": ["Red", "Black"]},
	"Pictures": {"M": {"FrontView": {"S": "http://example.com/products/456_front.jpg"}}},
	"ProductReviews": {"M": {
		"FiveStar": {"L": [{"S": "Excellent! Can't recommend it highly enough! Buy it!"}, {"S": "Do yourself a favor and buy this."}]},
		"OneStar": {"L": [{"S": "Terrible product! Do not buy this."}]}
	}},
	"Tags": {"L": [{"S": "sale"}, {"N": "2024"}]},
	"Comment": {"NULL": true}
}`

func TestConditionDeveloperGuideExamples(t *testing.T) {
	cases := []struct {
		name, expr, names, values string
		want                      bool
	}{
		{"attribute_not_exists of an attribute the item has", "attribute_not_exists(Price)", "", "", false},
		{"attribute_not_exists of an attribute the item lacks", "attribute_not_exists(Discount)", "", "", true},
		{"attribute_exists of a nested map key", "attribute_exists(ProductReviews.OneStar)", "", "", true},
		{"attribute_exists of a list element", "attribute_exists(ProductReviews.FiveStar[1])", "", "", true},
		{"attribute_exists past the end of a list", "attribute_exists(ProductReviews.FiveStar[2])", "", "", false},
		{"attribute_type of a list", "attribute_type(ProductReviews.FiveStar, :v_sub)", "", `{":v_sub":{"S":"L"}}`, true},
		{"attribute_type of a string set that is not a list", "attribute_type(Color, :v_sub)", "", `{":v_sub":{"S":"L"}}`, false},
		{"begins_with on a nested string", "begins_with(Pictures.FrontView, :v_sub)", "", `{":v_sub":{"S":"http://"}}`, true},
		{"contains a string set member", "contains(Color, :v_sub)", "", `{":v_sub":{"S":"Red"}}`, true},
		{"contains a missing set member", "contains(Color, :v_sub)", "", `{":v_sub":{"S":"Blue"}}`, false},
		{"contains a substring", "contains(Brand, :v_sub)", "", `{":v_sub":{"S":"cm"}}`, true},
		{"contains a list element of another type", "contains(Tags, :v_sub)", "", `{":v_sub":{"N":"2024.0"}}`, true},
		{"size of a string", "size(Brand) <= :v_sub", "", `{":v_sub":{"N":"20"}}`, true},
		{"size of a string set", "size(Color) < :v_sub", "", `{":v_sub":{"N":"2"}}`, false},
		{"size of a nested list", "size(ProductReviews.OneStar) > :v_sub", "", `{":v_sub":{"N":"0"}}`, true},
		{"size of a number is undefined", "size(Price) > :v_sub", "", `{":v_sub":{"N":"0"}}`, false},
		{"conditional delete: IN and between, lower-case keywords", "(ProductCategory IN (:cat1, :cat2)) and (Price between :lo and :hi)", "",
			`{":cat1":{"S":"Sporting Goods"},":cat2":{"S":"Gardening Supplies"},":lo":{"N":"500"},":hi":{"N":"600"}}`, false},
		{"conditional delete with the price in range", "ProductCategory IN (:cat1, :cat2) and #P between :lo and :hi", `{"#P":"Price"}`,
			`{":cat1":{"S":"Sporting Goods"},":cat2":{"S":"Gardening Supplies"},":lo":{"N":"600"},":hi":{"N":"700"}}`, true},
		{"conditional update: price above a limit", "Price > :limit", "", `{":limit":{"N":"500"}}`, true},
		{"numbers compare numerically", "Price > :limit", "", `{":limit":{"N":"1000"}}`, false},
		{"comparison across types is false", "Price > :s", "", `{":s":{"S":"1"}}`, false},
		{"equality across types is false", "Price = :s", "", `{":s":{"S":"650"}}`, false},
		{"missing attribute is not equal", "Discount <> :v", "", `{":v":{"N":"1"}}`, true},
		{"missing attribute is not less", "Discount < :v", "", `{":v":{"N":"1"}}`, false},
		{"NULL equals NULL", "#c = :n", `{"#c":"Comment"}`, `{":n":{"NULL":true}}`, true},
		{"sets are equal whatever the order", "Color = :c", "", `{":c":{"SS":["Black","Red"]}}`, true},
		{"NOT binds tighter than AND", "NOT Price = :p AND Brand = :b", "", `{":p":{"N":"1"},":b":{"S":"Acme"}}`, true},
		{"AND binds tighter than OR", "Brand = :x OR Brand = :b AND Price = :p", "", `{":x":{"S":"x"},":p":{"N":"650"},":b":{"S":"Acme"}}`, true},
		{"parentheses override precedence", "(Brand = :x OR Brand = :b) AND Price = :p", "", `{":x":{"S":"x"},":p":{"N":"1"},":b":{"S":"Acme"}}`, false},
		{"parenthesised operand", "(Price) = :p", "", `{":p":{"N":"650.00"}}`, true},
		{"value on the left", ":p < Price", "", `{":p":{"N":"6e2"}}`, true},
		{"BETWEEN is inclusive", "Price BETWEEN :lo AND :hi", "", `{":lo":{"N":"650"},":hi":{"N":"650"}}`, true},
		{"the provider's create condition", "attribute_not_exists(#hk)", `{"#hk":"Id"}`, "", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ph, err := expr.NewPlaceholders(names(t, tc.names), values(t, tc.values))
			if err != nil {
				t.Fatalf("NewPlaceholders: %v", err)
			}
			c, err := expr.ParseCondition(expr.ConditionExpression, tc.expr, ph)
			if err != nil {
				t.Fatalf("ParseCondition: %v", err)
			}
			if err := ph.Unused(); err != nil {
				t.Fatalf("Unused: %v", err)
			}
			if got := c.Eval(item(t, product456)); got != tc.want {
				t.Fatalf("Eval = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestConditionErrors(t *testing.T) {
	const vals = `{":v":{"N":"1"},":s":{"S":"a"},":t":{"S":"LIST"},":b":{"BOOL":true}}`
	cases := []struct {
		name, expr, want string
	}{
		{"empty", " ", "Invalid ConditionExpression: The expression can not be empty;"},
		{"bare attribute", "foo", `Invalid ConditionExpression: Syntax error; token: "<EOF>", near: "foo"`},
		{"arithmetic is not allowed", "a+:v<b", `Invalid ConditionExpression: Syntax error; token: "+", near: "a+:v"`},
		{"unclosed function", "attribute_not_exists(", `Invalid ConditionExpression: Syntax error; token: "<EOF>", near: "("`},
		{"unclosed argument list", "contains (themes, :s", `Invalid ConditionExpression: Syntax error; token: "<EOF>", near: ":s"`},
		{"dangling operator", "a = ", `Invalid ConditionExpression: Syntax error; token: "<EOF>", near: "="`},
		{"keyword as a name", "a = AND", `Invalid ConditionExpression: Syntax error; token: "AND", near: "= AND"`},
		{"reserved word", "status = :v", "Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: status"},
		{"reserved word in any case, nested", "a.Size = :v", "Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: Size"},
		{"undefined value", "a = :nope", "Invalid ConditionExpression: An expression attribute value used in expression is not defined; attribute value: :nope"},
		{"undefined name", "#nope = :v", "Invalid ConditionExpression: An expression attribute name used in the document path is not defined; attribute name: #nope"},
		{"unknown function", "nope(a)", "Invalid ConditionExpression: Invalid function name; function: nope"},
		{"wrong operand count", "begins_with(a)", "Invalid ConditionExpression: Incorrect number of operands for operator or function; operator or function: begins_with, number of operands: 1"},
		{"function as operand", "begins_with(a, :s) = :b", "Invalid ConditionExpression: The function is not allowed to be used this way in an expression; function: begins_with"},
		{"size as condition", "size(a)", "Invalid ConditionExpression: The function is not allowed to be used this way in an expression; function: size"},
		{"redundant parentheses", "((a = :v))", "Invalid ConditionExpression: The expression has redundant parentheses;"},
		{"redundant parentheses around an operand", "((a)) = :v", "Invalid ConditionExpression: The expression has redundant parentheses;"},
		{"same path twice", "a.b = a.b", "Invalid ConditionExpression: The first operand must be distinct from the remaining operands for this operator or function; operator: =, first operand: [a, b]"},
		{"exists needs a path", "attribute_exists(:v)", "Invalid ConditionExpression: Operator or function requires a document path; operator or function: attribute_exists"},
		{"begins_with a number", "begins_with(a, :v)", "Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: begins_with, operand type: N"},
		{"size of a literal boolean", "size(:b) > :v", "Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: size, operand type: BOOL"},
		{"unknown type name", "attribute_type(a, :t)", "Invalid ConditionExpression: Invalid attribute type name found; type: LIST, valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}"},
		{"type name not a string", "attribute_type(a, :v)", "Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: attribute_type, operand type: N"},
		{"BETWEEN bounds of two types", "a BETWEEN :v AND :s", "Invalid ConditionExpression: The BETWEEN operator requires same data type for lower and upper bounds; lower bound operand: AttributeValue: {N:1}, upper bound operand: AttributeValue: {S:a}"},
		{"list index is not a name", "a[b] = :v", `Invalid ConditionExpression: Syntax error; token: "b", near: "[b]"`},
		{"parentheses win over reserved words", "((status = :v))", "Invalid ConditionExpression: The expression has redundant parentheses;"},
		{"reserved words win over undefined values", "status = :nope", "Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: status"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ph, err := expr.NewPlaceholders(nil, values(t, vals))
			if err != nil {
				t.Fatal(err)
			}
			_, err = expr.ParseCondition(expr.ConditionExpression, tc.expr, ph)
			wantMessage(t, err, tc.want)
		})
	}
}

func TestExpressionSizeLimit(t *testing.T) {
	ph, err := expr.NewPlaceholders(nil, values(t, `{":v":{"N":"1"}}`))
	if err != nil {
		t.Fatal(err)
	}
	at := "a = :v" + strings.Repeat(" ", 4096-len("a = :v"))
	if _, err := expr.ParseCondition(expr.FilterExpression, at, ph); err != nil {
		t.Fatalf("a 4096-byte expression is refused: %v", err)
	}
	_, err = expr.ParseCondition(expr.FilterExpression, at+" ", ph)
	wantMessage(t, err, "Invalid FilterExpression: Expression size has exceeded the maximum allowed size; expression size: 4097")
}

func TestFilterExpressionNamesItsParameter(t *testing.T) {
	_, err := expr.ParseCondition(expr.FilterExpression, "a =", nil)
	wantMessage(t, err, `Invalid FilterExpression: Syntax error; token: "<EOF>", near: "="`)
}

func TestConditionAttributesAreTopLevelNames(t *testing.T) {
	ph, err := expr.NewPlaceholders(names(t, `{"#p":"Price"}`), values(t, `{":v":{"N":"1"}}`))
	if err != nil {
		t.Fatal(err)
	}
	c, err := expr.ParseCondition(expr.ConditionExpression, "a.b[1] = :v AND size(#p) > :v OR attribute_exists(a.c)", ph)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Attributes(); !slices.Equal(got, []string{"a", "Price"}) {
		t.Fatalf("Attributes = %v", got)
	}
}
