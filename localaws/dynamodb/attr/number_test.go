package attr_test

import (
	"testing"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/dynamodb/attr"
)

func TestNumberString(t *testing.T) {
	cases := map[string]string{
		"1.50": "1.5", "-0": "0", "0.000": "0", "1e2": "100", "1E+2": "100", "-2.5e-3": "-0.0025",
		"+7": "7", ".5": "0.5", "5.": "5", "00012.3400": "12.34", "123e-1": "12.3",
	}
	for in, want := range cases {
		if got := attr.MustNumber(in).String(); got != want {
			t.Errorf("Number(%q).String() = %q, want %q", in, got, want)
		}
	}
}

func TestNumberCmp(t *testing.T) {
	ordered := []string{"-1e125", "-10", "-9.5", "-1", "-0.001", "0", "1e-130", "0.001", "0.01", "1", "1.5", "9", "10", "10.0001", "1e125"}
	for i, a := range ordered {
		for j, b := range ordered {
			want := 0
			if i < j {
				want = -1
			} else if i > j {
				want = 1
			}
			if got := attr.MustNumber(a).Cmp(attr.MustNumber(b)); got != want {
				t.Errorf("Cmp(%s, %s) = %d, want %d", a, b, got, want)
			}
		}
	}
	if attr.MustNumber("1.0").Cmp(attr.MustNumber("1")) != 0 {
		t.Error("1.0 and 1 are not equal")
	}
}

func TestNumberArithmetic(t *testing.T) {
	cases := []struct {
		name, a, b, sum, diff string
	}{
		{"integers", "5", "3", "8", "2"},
		{"decimals are exact where float64 is not", "0.1", "0.2", "0.3", "-0.1"},
		{"result crosses zero", "-2", "3", "1", "-5"},
		{"38 digits survive", "12345678901234567890123456789012345678", "0", "12345678901234567890123456789012345678", "12345678901234567890123456789012345678"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a, b := attr.MustNumber(tc.a), attr.MustNumber(tc.b)
			sum, err := a.Add(b)
			if err != nil || sum.String() != tc.sum {
				t.Fatalf("%s + %s = %v, %v; want %s", tc.a, tc.b, sum, err, tc.sum)
			}
			diff, err := a.Sub(b)
			if err != nil || diff.String() != tc.diff {
				t.Fatalf("%s - %s = %v, %v; want %s", tc.a, tc.b, diff, err, tc.diff)
			}
		})
	}
}

func TestNumberArithmeticLimits(t *testing.T) {
	max := attr.MustNumber("9.9999999999999999999999999999999999999E+125")
	if _, err := max.Add(attr.MustNumber("1E+125")); err == nil || err.Error() != "Number overflow. Attempting to store a number with magnitude larger than supported range" {
		t.Fatalf("overflowing add = %v", err)
	}
	if _, err := attr.MustNumber("1").Add(attr.MustNumber("1e-100")); err == nil || err.Error() != "Attempting to store more than 38 significant digits in a Number" {
		t.Fatalf("imprecise add = %v", err)
	}
}
