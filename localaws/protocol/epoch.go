package protocol

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"time"
)

// EpochSeconds is a timestamp in the default encoding of the AWS JSON protocols: a
// JSON number of seconds since the Unix epoch, with millisecond fractions.
type EpochSeconds struct{ time.Time }

// Epoch wraps t; a zero t encodes as null.
func Epoch(t time.Time) *EpochSeconds {
	if t.IsZero() {
		return nil
	}
	return &EpochSeconds{t}
}

// MarshalJSON writes seconds with at most three decimals, e.g. 1767225600.123.
func (e EpochSeconds) MarshalJSON() ([]byte, error) {
	ms := e.UnixMilli()
	return []byte(strconv.FormatFloat(float64(ms)/1000, 'f', -1, 64)), nil
}

// UnmarshalJSON reads a number of seconds; null leaves the zero time.
func (e *EpochSeconds) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		return nil
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return fmt.Errorf("timestamp %s is not a number of epoch seconds", b)
	}
	sec, frac := math.Modf(f)
	e.Time = time.Unix(int64(sec), int64(math.Round(frac*1e3))*int64(time.Millisecond)).UTC()
	return nil
}
