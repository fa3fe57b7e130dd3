package metamv

import (
	"bytes"
	"encoding/json"
	"math"
)

// fvec and svec read JSON arrays that jsonlite (auto_unbox = TRUE) writes
// as scalars when they have one element; null elements become NaN.
type fvec []float64
type svec []string

func (v *fvec) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] != '[' {
		b = append(append([]byte{'['}, b...), ']')
	}
	var raw []*float64
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	*v = make(fvec, len(raw))
	for i, x := range raw {
		if x == nil {
			(*v)[i] = math.NaN()
		} else {
			(*v)[i] = *x
		}
	}
	return nil
}

func (v *svec) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] != '[' {
		b = append(append([]byte{'['}, b...), ']')
	}
	var raw []string
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	*v = raw
	return nil
}
