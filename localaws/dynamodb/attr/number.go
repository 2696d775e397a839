package attr

import (
	"math/big"
	"strconv"
	"strings"
)

// DynamoDB's number limits: 38 significant digits, magnitudes from 1E-130 up to
// 9.9999999999999999999999999999999999999E+125.
const (
	maxDigits      = 38
	maxAdjustedExp = 125
	minAdjustedExp = -130
)

// Number messages, sent by AWS without the "One or more parameter values" prefix.
const (
	msgNotNumeric = "The parameter cannot be converted to a numeric value"
	msgPrecision  = "Attempting to store more than 38 significant digits in a Number"
	msgOverflow   = "Number overflow. Attempting to store a number with magnitude larger than supported range"
	msgUnderflow  = "Number underflow. Attempting to store a number with magnitude smaller than supported range"
)

// Number is an exact decimal: (-1)^neg × coef × 10^exp, where coef is a digit string
// with no leading or trailing zeros ("" for zero). Decimal, not binary floating point,
// because DynamoDB compares and adds numbers exactly to 38 digits.
type Number struct {
	neg  bool
	coef string
	exp  int
}

// ParseNumber reads a number in the syntax DynamoDB accepts (an optional sign, digits
// with an optional point, an optional exponent) and checks DynamoDB's limits.
func ParseNumber(text string) (Number, error) {
	n, ok := parseDecimal(text)
	if !ok {
		if strings.TrimSpace(text) == "" {
			return Number{}, Errorf(msgNotNumeric)
		}
		return Number{}, Errorf("%s: %s", msgNotNumeric, text)
	}
	return n, n.check()
}

// MustNumber is ParseNumber for constants known to be valid.
func MustNumber(text string) Number {
	n, err := ParseNumber(text)
	if err != nil {
		panic(err)
	}
	return n
}

func parseDecimal(s string) (Number, bool) {
	var n Number
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		n.neg = s[i] == '-'
		i++
	}
	var digits strings.Builder
	sawDigit, sawPoint, frac := false, false, 0
digits:
	for ; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			sawDigit = true
			digits.WriteByte(c)
			if sawPoint {
				frac++
			}
		case c == '.' && !sawPoint:
			sawPoint = true
		default:
			break digits
		}
	}
	if !sawDigit {
		return Number{}, false
	}
	exp := 0
	if i < len(s) {
		if s[i] != 'e' && s[i] != 'E' {
			return Number{}, false
		}
		e, ok := parseExponent(s[i+1:])
		if !ok {
			return Number{}, false
		}
		exp = e
	}
	coef := strings.TrimLeft(digits.String(), "0")
	trimmed := strings.TrimRight(coef, "0")
	exp += len(coef) - len(trimmed) - frac
	n.coef = trimmed
	if n.coef == "" {
		return Number{}, true // zero has no sign and no exponent
	}
	n.exp = exp
	return n, true
}

// parseExponent reads a signed decimal exponent. Exponents far outside the range only
// need to stay out of it, so they are clamped to keep the arithmetic from overflowing.
func parseExponent(s string) (int, bool) {
	const limit = 1 << 20
	e, err := strconv.ParseInt(s, 10, 32)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); !ok || ne.Err != strconv.ErrRange {
			return 0, false
		}
	}
	return int(max(min(e, limit), -limit)), true
}

// check applies DynamoDB's precision and range limits.
func (n Number) check() error {
	if n.coef == "" {
		return nil
	}
	// Range before precision: AWS reports 9.99…E+125 + 1E+125 as an overflow.
	switch adj := n.adjusted(); {
	case adj > maxAdjustedExp:
		return Errorf(msgOverflow)
	case adj < minAdjustedExp:
		return Errorf(msgUnderflow)
	case len(n.coef) > maxDigits:
		return Errorf(msgPrecision)
	}
	return nil
}

// adjusted is the exponent of the leading digit: 1.5E+3 has 3.
func (n Number) adjusted() int { return n.exp + len(n.coef) - 1 }

// IsZero reports whether n is zero.
func (n Number) IsZero() bool { return n.coef == "" }

// Digits is the number of significant digits.
func (n Number) Digits() int { return len(n.coef) }

// Cmp compares n and o: -1, 0 or +1.
func (n Number) Cmp(o Number) int {
	sn, so := n.sign(), o.sign()
	if sn != so {
		if sn < so {
			return -1
		}
		return 1
	}
	if sn == 0 {
		return 0
	}
	c := 0
	switch an, ao := n.adjusted(), o.adjusted(); {
	case an < ao:
		c = -1
	case an > ao:
		c = 1
	default:
		// Same leading exponent: the digit strings (no trailing zeros) compare as text.
		c = strings.Compare(n.coef, o.coef)
	}
	return c * sn
}

func (n Number) sign() int {
	switch {
	case n.coef == "":
		return 0
	case n.neg:
		return -1
	}
	return 1
}

// Neg is -n.
func (n Number) Neg() Number {
	if n.coef != "" {
		n.neg = !n.neg
	}
	return n
}

// Add is n+o, exact, then checked against DynamoDB's limits.
func (n Number) Add(o Number) (Number, error) {
	if n.coef == "" {
		return o, nil
	}
	if o.coef == "" {
		return n, nil
	}
	e := min(n.exp, o.exp)
	sum := new(big.Int).Add(n.scaled(e), o.scaled(e))
	r, _ := parseDecimal(sum.String() + "E" + strconv.Itoa(e))
	return r, r.check()
}

// Sub is n-o.
func (n Number) Sub(o Number) (Number, error) { return n.Add(o.Neg()) }

// scaled is n as an integer count of 10^e units (e <= n.exp).
func (n Number) scaled(e int) *big.Int {
	v, _ := new(big.Int).SetString(n.coef, 10)
	v.Mul(v, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(n.exp-e)), nil))
	if n.neg {
		v.Neg(v)
	}
	return v
}

// String is n in plain notation without exponent or redundant zeros: "100", "-0.25".
// It is how DynamoDB writes the results of arithmetic.
func (n Number) String() string {
	if n.coef == "" {
		return "0"
	}
	var b strings.Builder
	if n.neg {
		b.WriteByte('-')
	}
	switch point := len(n.coef) + n.exp; {
	case n.exp >= 0:
		b.WriteString(n.coef)
		b.WriteString(strings.Repeat("0", n.exp))
	case point > 0:
		b.WriteString(n.coef[:point])
		b.WriteByte('.')
		b.WriteString(n.coef[point:])
	default:
		b.WriteString("0.")
		b.WriteString(strings.Repeat("0", -point))
		b.WriteString(n.coef)
	}
	return b.String()
}
