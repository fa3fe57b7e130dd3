package reliability

import (
	"math"
	"testing"
)

// nanRows turns a JSON matrix with nulls (R's NA) into rows with NaN.
func nanRows(m [][]*float64) [][]float64 {
	out := make([][]float64, len(m))
	for i, row := range m {
		out[i] = make([]float64, len(row))
		for j, v := range row {
			if v == nil {
				out[i][j] = math.NaN()
			} else {
				out[i][j] = *v
			}
		}
	}
	return out
}

// near reports whether got equals want to tol, relative for |want| > 1 and
// absolute otherwise.
func near(got, want, tol float64) bool {
	if math.IsNaN(want) {
		return math.IsNaN(got)
	}
	d := math.Abs(got - want)
	if s := math.Abs(want); s > 1 {
		d /= s
	}
	return d <= tol
}

func check(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	if !near(got, want, tol) {
		t.Errorf("%s = %.12g, want %.12g (tol %g)", what, got, want, tol)
	}
}
