package reliability

import (
	"math"
	"sort"

	"github.com/alliance-research/alliance/analysis/errs"
	"github.com/alliance-research/alliance/analysis/internal/describe"
	"gonum.org/v1/gonum/mat"
)

// checkRect verifies that x is a non-empty rectangular matrix and returns its
// dimensions. Infinite values are rejected; NaN is allowed (missing).
func checkRect(x [][]float64, what string) (n, k int, err error) {
	n = len(x)
	if n == 0 {
		return 0, 0, errs.New(errs.TooFew, "reliability", "%s: no rows", what)
	}
	k = len(x[0])
	for i, row := range x {
		if len(row) != k {
			return 0, 0, errs.New(errs.InvalidOption, "reliability", "%s: row %d has %d values, row 1 has %d (every row needs one value per column)", what, i+1, len(row), k)
		}
		for j, v := range row {
			if math.IsInf(v, 0) {
				return 0, 0, errs.Inputf("reliability", 0, "%s: row %d column %d is %v (values must be finite; use NaN for missing)", what, i+1, j+1, v)
			}
		}
	}
	return n, k, nil
}

// pairwiseCov returns the covariance matrix of the columns listed in cols,
// each entry computed from the rows where both columns are observed (R's
// cov(x, use = "pairwise")): for columns a and b with n_ab complete pairs,
// C_ab = Σ (x_a − m_a)(x_b − m_b) / (n_ab − 1), the means m taken over those
// same pairs. An entry with fewer than two pairs is an error.
func pairwiseCov(x [][]float64, cols []int) (*mat.SymDense, error) {
	k := len(cols)
	c := mat.NewSymDense(k, nil)
	for a := 0; a < k; a++ {
		for b := a; b < k; b++ {
			ca, cb := cols[a], cols[b]
			n, _, _, sab := pairMoments(x, ca, cb)
			if n < 2 {
				return nil, errs.New(errs.TooFew, "reliability", "columns %d and %d have %v rows observed together; need at least 2 for a covariance", ca+1, cb+1, n)
			}
			c.SetSym(a, b, sab/(n-1))
		}
	}
	return c, nil
}

// pairMoments returns, over the rows where columns ca and cb are both
// observed, their number n and the centred sums of squares and products
// Σ(a − m_a)², Σ(b − m_b)², Σ(a − m_a)(b − m_b), the means taken over those
// same rows.
func pairMoments(x [][]float64, ca, cb int) (n, saa, sbb, sab float64) {
	var sa, sb float64
	for _, row := range x {
		va, vb := row[ca], row[cb]
		if math.IsNaN(va) || math.IsNaN(vb) {
			continue
		}
		n++
		sa += va
		sb += vb
	}
	if n == 0 {
		return 0, 0, 0, 0
	}
	ma, mb := sa/n, sb/n
	for _, row := range x {
		va, vb := row[ca], row[cb]
		if math.IsNaN(va) || math.IsNaN(vb) {
			continue
		}
		saa += (va - ma) * (va - ma)
		sbb += (vb - mb) * (vb - mb)
		sab += (va - ma) * (vb - mb)
	}
	return n, saa, sbb, sab
}

// cov2cor scales a covariance matrix to a correlation matrix,
// R_ab = C_ab / sqrt(C_aa C_bb) (R's cov2cor).
func cov2cor(c *mat.SymDense) *mat.SymDense {
	k := c.SymmetricDim()
	r := mat.NewSymDense(k, nil)
	for a := 0; a < k; a++ {
		for b := a; b < k; b++ {
			r.SetSym(a, b, c.At(a, b)/math.Sqrt(c.At(a, a)*c.At(b, b)))
		}
	}
	return r
}

// pinv returns the Moore–Penrose pseudo-inverse of the symmetric matrix a by
// singular value decomposition, dropping singular values below
// sqrt(machine epsilon) times the largest (psych::Pinv).
func pinv(a mat.Matrix) (*mat.Dense, error) {
	var svd mat.SVD
	if !svd.Factorize(a, mat.SVDThin) {
		return nil, errs.New(errs.Singular, "reliability", "singular value decomposition failed")
	}
	d := svd.Values(nil)
	var u, v mat.Dense
	svd.UTo(&u)
	svd.VTo(&v)
	r, _ := a.Dims()
	tol := math.Sqrt(2.220446049250313e-16) * d[0]
	out := mat.NewDense(r, r, nil)
	for i := 0; i < r; i++ {
		for j := 0; j < r; j++ {
			var s float64
			for q, dq := range d {
				if dq > tol && dq > 0 {
					s += v.At(i, q) * u.At(j, q) / dq
				}
			}
			out.Set(i, j, s)
		}
	}
	return out, nil
}

// smc returns the squared multiple correlation of each variable with all the
// others, 1 − 1/(R⁻¹)_ii, using the pseudo-inverse, with values clipped to
// [0, 1] (psych::smc on a correlation matrix without missing entries).
func smc(r mat.Symmetric) ([]float64, error) {
	k := r.SymmetricDim()
	out := make([]float64, k)
	if k == 1 {
		out[0] = 1 // psych: a lone variable's smc is set to 1
		return out, nil
	}
	inv, err := pinv(r)
	if err != nil {
		return nil, err
	}
	for i := range out {
		v := 1 - 1/inv.At(i, i)
		if v > 1 {
			v = 1
		}
		if v < 0 || math.IsNaN(v) {
			v = 0
		}
		out[i] = v
	}
	return out, nil
}

// subSym returns a without row and column drop.
func subSym(a mat.Symmetric, drop int) *mat.SymDense {
	k := a.SymmetricDim()
	s := mat.NewSymDense(k-1, nil)
	for i, ii := 0, 0; i < k; i++ {
		if i == drop {
			continue
		}
		for j, jj := 0, 0; j < k; j++ {
			if j == drop {
				continue
			}
			if jj >= ii {
				s.SetSym(ii, jj, a.At(i, j))
			}
			jj++
		}
		ii++
	}
	return s
}

// median returns the median of v (which it sorts in place).
func median(v []float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	sort.Float64s(v)
	m := len(v) / 2
	if len(v)%2 == 1 {
		return v[m]
	}
	return (v[m-1] + v[m]) / 2
}

// meanVar returns the mean and the sample variance (divisor n−1) of v
// (NaN with fewer than two values), by the one implementation of the
// analysis packages, describe.MeanVar (R's two-pass mean, as psych's
// mean() and var()).
func meanVar(v []float64) (m, s2 float64) {
	m, s2, _ = describe.MeanVar(v)
	return m, s2
}

// pairwiseCor returns the correlation matrix of the columns listed in cols
// as R's cor(x, use = "pairwise"): each entry is the Pearson correlation of
// the rows where both columns are observed, the means and standard
// deviations taken over those same rows (so it is not cov2cor of
// pairwiseCov when values are missing). A pair with fewer than two rows, or
// with no variance in those rows, is an error.
func pairwiseCor(x [][]float64, cols []int) (*mat.SymDense, error) {
	k := len(cols)
	r := mat.NewSymDense(k, nil)
	for a := 0; a < k; a++ {
		for b := a; b < k; b++ {
			ca, cb := cols[a], cols[b]
			n, saa, sbb, sab := pairMoments(x, ca, cb)
			if n < 2 {
				return nil, errs.New(errs.TooFew, "reliability", "columns %d and %d have %v rows observed together; need at least 2 for a correlation", ca+1, cb+1, n)
			}
			if !(saa > 0 && sbb > 0) {
				return nil, errs.New(errs.Singular, "reliability", "column %d or %d has no variance in the %v rows where both are observed; the correlation is undefined (drop constant items)", ca+1, cb+1, n)
			}
			v := sab / math.Sqrt(saa*sbb)
			if a == b {
				v = 1
			}
			r.SetSym(a, b, v)
		}
	}
	return r, nil
}
