package effectsize

import (
	"fmt"
	"math"
)

// InputError reports an input value for which a quantity is not defined.
type InputError struct {
	Func   string  // the function or measure, e.g. "ZCOR"
	Arg    string  // the argument, e.g. "n"
	Index  int     // the row index into the input slices, or -1 for a scalar call
	Value  float64 // the offending value
	Reason string  // what is wrong and what to do
}

func (e *InputError) Error() string {
	if e.Index < 0 {
		return fmt.Sprintf("effectsize: %s: %s = %g: %s", e.Func, e.Arg, e.Value, e.Reason)
	}
	return fmt.Sprintf("effectsize: %s: %s[%d] = %g: %s", e.Func, e.Arg, e.Index, e.Value, e.Reason)
}

func inputErr(fn, arg string, i int, v float64, reason string) error {
	return &InputError{Func: fn, Arg: arg, Index: i, Value: v, Reason: reason}
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// checkR reports r unless it is a finite number in (−1, 1).
func checkR(fn string, i int, r float64) error {
	if !finite(r) {
		return inputErr(fn, "r", i, r, "the correlation is not a finite number")
	}
	if r <= -1 || r >= 1 {
		return inputErr(fn, "r", i, r, "a correlation must lie strictly between -1 and 1")
	}
	return nil
}

// checkN reports n unless it is finite and greater than min.
func checkN(fn string, i int, n, min float64, why string) error {
	if !finite(n) {
		return inputErr(fn, "n", i, n, "the sample size is not a finite number")
	}
	if n <= min {
		return inputErr(fn, "n", i, n, fmt.Sprintf("%s needs n > %g", why, min))
	}
	return nil
}

func checkLen(fn string, names []string, lens ...int) error {
	for j := 1; j < len(lens); j++ {
		if lens[j] != lens[0] {
			return fmt.Errorf("effectsize: %s: len(%s) = %d but len(%s) = %d: the columns must have one value per study",
				fn, names[0], lens[0], names[j], lens[j])
		}
	}
	return nil
}
