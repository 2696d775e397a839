package attr_test

import (
	"testing"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/dynamodb/attr"
)

func TestEqual(t *testing.T) {
	cases := []struct {
		name string
		a, b attr.Value
		want bool
	}{
		{"numbers equal by value", attr.N("1"), attr.N("1.00"), true},
		{"number is not its string", attr.N("1"), attr.S("1"), false},
		{"sets ignore order", attr.SS("a", "b"), attr.SS("b", "a"), true},
		{"number sets compare by value", attr.NS("1", "2"), attr.NS("2.0", "1"), true},
		{"sets of different sizes", attr.SS("a"), attr.SS("a", "b"), false},
		{"lists keep order", attr.L(attr.S("a"), attr.S("b")), attr.L(attr.S("b"), attr.S("a")), false},
		{"maps compare deeply", attr.M(attr.Item{"x": attr.L(attr.N("1"))}), attr.M(attr.Item{"x": attr.L(attr.N("1.0"))}), true},
		{"maps with other keys", attr.M(attr.Item{"x": attr.Null()}), attr.M(attr.Item{"y": attr.Null()}), false},
		{"bools", attr.Bool(true), attr.Bool(false), false},
		{"binaries", attr.B([]byte{1}), attr.B([]byte{1}), true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := attr.Equal(tc.a, tc.b); got != tc.want {
				t.Fatalf("Equal = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestCompareOrdersSortKeys(t *testing.T) {
	cases := []struct {
		name string
		a, b attr.Value
		want int
	}{
		{"numbers numerically, not as text", attr.N("9"), attr.N("10"), -1},
		{"negative numbers", attr.N("-10"), attr.N("-9"), -1},
		{"strings by UTF-8 bytes: upper case first", attr.S("Z"), attr.S("a"), -1},
		{"strings by UTF-8 bytes: non-ASCII last", attr.S("é"), attr.S("z"), 1},
		{"binaries unsigned", attr.B([]byte{0x80}), attr.B([]byte{0x7f}), 1},
		{"prefix sorts first", attr.S("ab"), attr.S("abc"), -1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := attr.Compare(tc.a, tc.b)
			if !ok || got != tc.want {
				t.Fatalf("Compare = %d, %v; want %d", got, ok, tc.want)
			}
		})
	}
	if _, ok := attr.Compare(attr.N("1"), attr.S("1")); ok {
		t.Error("Compare of N and S is ok, want not comparable")
	}
	if _, ok := attr.Compare(attr.Bool(true), attr.Bool(true)); ok {
		t.Error("Compare of BOOLs is ok, want not comparable")
	}
}

func TestSetOperations(t *testing.T) {
	u := attr.Union(attr.NS("1", "2"), attr.NS("2.0", "3"))
	if !attr.Equal(u, attr.NS("1", "2", "3")) {
		t.Fatalf("Union = %v", u.NS())
	}
	d := attr.Difference(attr.SS("a", "b", "c"), attr.SS("b", "x"))
	if !attr.Equal(d, attr.SS("a", "c")) {
		t.Fatalf("Difference = %v", d.SS())
	}
	if attr.Difference(attr.SS("a"), attr.SS("a")).Len() != 0 {
		t.Fatal("Difference of equal sets is not empty")
	}
}

func TestCloneIsDeep(t *testing.T) {
	orig := attr.Item{"m": attr.M(attr.Item{"l": attr.L(attr.S("a"))})}
	c := orig.Clone()
	c["m"].M()["l"].L()[0] = attr.S("changed")
	if orig["m"].M()["l"].L()[0].S() != "a" {
		t.Fatal("changing the clone changed the original")
	}
}
