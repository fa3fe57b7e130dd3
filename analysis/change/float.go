package change

import (
	"math"
	"strconv"
)

// Float is a float64 that encodes to JSON as null when it is not finite
// (NaN marks a missing value, as NA in R). Convert with float64(f).
type Float float64

// MarshalJSON writes null for NaN and ±Inf, the shortest round-tripping
// decimal otherwise.
func (f Float) MarshalJSON() ([]byte, error) {
	v := float64(f)
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return []byte("null"), nil
	}
	return strconv.AppendFloat(nil, v, 'g', -1, 64), nil
}

// UnmarshalJSON reads null as NaN.
func (f *Float) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*f = Float(math.NaN())
		return nil
	}
	v, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return err
	}
	*f = Float(v)
	return nil
}

// IsNA reports whether f is missing (NaN).
func (f Float) IsNA() bool { return math.IsNaN(float64(f)) }

var nan = math.NaN()
