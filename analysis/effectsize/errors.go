package effectsize

import (
	"fmt"
	"math"

	"github.com/alliance-research/alliance/analysis/errs"
)

// InputError reports an input value for which a quantity is not defined. It
// is errs.InputError, with one Problem: Source "effectsize: " + the function
// or measure (e.g. "effectsize: ZCOR"), Column and Hint the argument (e.g.
// "n"), Row the 1-based position in the input slices (0 for a scalar call),
// Value the offending value. A front end that knows the file line of each
// row places it with InputError.At.
type InputError = errs.InputError

// inputErr reports value v of argument arg at slice index i (−1 for a
// scalar call) of function fn.
func inputErr(fn, arg string, i int, v float64, reason string) error {
	return errs.BadValue("effectsize: "+fn, i+1, arg, v, "is not valid: "+reason).WithHint(arg)
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
			return errs.New(errs.InvalidOption, "effectsize: "+fn, "len(%s) = %d but len(%s) = %d: the columns must have one value per study",
				names[0], lens[0], names[j], lens[j])
		}
	}
	return nil
}
