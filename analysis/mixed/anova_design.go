package mixed

import (
	"fmt"
	"math"
	"strings"

	"github.com/alliance-research/alliance/analysis/internal/linalg"
	"gonum.org/v1/gonum/mat"
)

// anovaDesign holds what the F tests of the fixed-effect terms need from the
// design, computed once from X and from the "rank-deficient" design rdX of
// lmerTest (an intercept, then every term with full indicator coding of its
// factors, so that rdX does not depend on the contrasts).
type anovaDesign struct {
	terms    []string // R's term labels, e.g. "arm:time"
	termCols [][]int  // columns of X of each term
	numerics [][]string
	vars     [][]string
	rdNames  []string
	// Filled on first use (cross): XᵀX (p × p) and Xᵀ rdX (p × m).
	fx, rd []fixedCol
	keep   []int
	xtx    []float64
	xtr    []float64
}

// anovaInputs builds d.anova from the columns used, the X columns fx and
// the number of X columns of each fixed term (perTerm, from fixedColumns).
func (d *design) anovaInputs(f Formula, cols map[string]*column, keep []int, fx []fixedCol, perTerm []int) error {
	a := &anovaDesign{}
	var rd []fixedCol
	off := 0
	if f.Intercept {
		rd = append(rd, fx[0])
		off = 1
	}
	for ti, t := range f.Fixed {
		tc := perTerm[ti]
		idx := make([]int, tc)
		for j := range idx {
			idx[j] = off + j
		}
		off += tc
		a.termCols = append(a.termCols, idx)
		a.terms = append(a.terms, strings.Join(t, ":"))
		a.vars = append(a.vars, t)
		var num []string
		for _, v := range t {
			// poly(x, k) is a matrix variable ("nmatrix.k" in R's
			// dataClasses): lmerTest counts only "numeric" variables as
			// numeric here, so poly() terms take part in containment like
			// factors.
			if !cols[v].isFactor() && cols[v].polyDegree == 0 {
				num = append(num, v)
			}
		}
		a.numerics = append(a.numerics, num)
		full, err := termColumns(t, cols, map[string]bool{}, keep)
		if err != nil {
			return err
		}
		rd = append(rd, full...)
	}
	if off != len(fx) {
		return fmt.Errorf("mixed: internal error: %d term columns for %d columns of X", off, len(fx))
	}
	for _, c := range rd {
		a.rdNames = append(a.rdNames, c.name)
	}
	a.fx, a.rd, a.keep = fx, rd, keep
	d.anova = a
	return nil
}

// cross computes XᵀX and Xᵀ rdX once (a pass over the rows).
func (a *anovaDesign) cross() {
	if a.xtx != nil {
		return
	}
	fx, rd, keep := a.fx, a.rd, a.keep
	p, m := len(fx), len(rd)
	a.xtx = make([]float64, p*p)
	a.xtr = make([]float64, p*m)
	xv := make([]float64, p)
	for k, i := range keep {
		for j, c := range fx {
			xv[j] = c.vals(i, k)
		}
		for j := 0; j < p; j++ {
			for l := 0; l < p; l++ {
				a.xtx[j*p+l] += xv[j] * xv[l]
			}
			if xv[j] == 0 {
				continue
			}
			for l, c := range rd {
				a.xtr[j*m+l] += xv[j] * c.vals(i, k)
			}
		}
	}
}

// contained reports whether term s is contained in term t as lmerTest's
// containment(): the variables of s are a proper subset of those of t and
// both have the same numeric variables.
func (a *anovaDesign) contained(s, t int) bool {
	in := func(v string, set []string) bool {
		for _, w := range set {
			if w == v {
				return true
			}
		}
		return false
	}
	for _, v := range a.vars[s] {
		if !in(v, a.vars[t]) {
			return false
		}
	}
	if len(a.vars[t]) <= len(a.vars[s]) {
		return false
	}
	if len(a.numerics[s]) != len(a.numerics[t]) {
		return false
	}
	for _, v := range a.numerics[s] {
		if !in(v, a.numerics[t]) {
			return false
		}
	}
	return true
}

// type3 returns lmerTest's type III hypothesis matrix of every term (rows
// of length p; Kuznetsova et al. 2017; lmerTest's get_contrasts_type3 for
// treatment contrasts): L = (X⁺ rdX)ᵀ (m × p, a row per rdX column); the
// columns of each term contained in another are replaced, higher-order
// terms first, by their residuals on the columns of the terms containing
// it (least squares over the m rows); the rows whose rdX names are the
// names of X are kept (p × p), and term T's hypothesis matrix is the
// transpose of its columns, without rows of |·|-sum ≤ 1e-8. Entries are
// rounded as R's zapsmall (7 significant digits of the largest) where
// lmerTest does.
func (d *design) type3() ([][][]float64, error) {
	a, p := d.anova, d.p
	a.cross()
	m := len(a.rdNames)
	var invM mat.Dense
	if err := invM.Inverse(mat.NewDense(p, p, append([]float64(nil), a.xtx...))); err != nil {
		return nil, fmt.Errorf("mixed: XᵀX is singular: %w", err)
	}
	inv := invM.RawMatrix().Data
	// L[r][c]: row r of rdX, column c of X.
	L := make([][]float64, m)
	for r := range L {
		L[r] = make([]float64, p)
		for c := 0; c < p; c++ {
			s := 0.0
			for j := 0; j < p; j++ {
				s += inv[c*p+j] * a.xtr[j*m+r]
			}
			L[r][c] = s
		}
	}
	zapsmall(L)
	order := make([]int, len(a.terms))
	for i := range order {
		order[i] = i
	}
	// Stable sort by decreasing order (number of variables).
	for i := 1; i < len(order); i++ {
		for j := i; j > 0 && len(a.vars[order[j]]) > len(a.vars[order[j-1]]); j-- {
			order[j], order[j-1] = order[j-1], order[j]
		}
	}
	for _, t := range order {
		var by []int
		for u := range a.terms {
			if u != t && a.contained(t, u) {
				by = append(by, a.termCols[u]...)
			}
		}
		if len(by) == 0 {
			continue
		}
		res := residualCols(L, by, a.termCols[t])
		zapsmall(res)
		for r := range L {
			for k, c := range a.termCols[t] {
				L[r][c] = res[r][k]
			}
		}
	}
	rowOf := make([]int, p)
	for c, nm := range d.xnames {
		rowOf[c] = -1
		for r, rn := range a.rdNames {
			if rn == nm {
				rowOf[c] = r
				break
			}
		}
		if rowOf[c] < 0 {
			return nil, fmt.Errorf("mixed: type III contrasts: column %q of X is not among the indicator columns", nm)
		}
	}
	out := make([][][]float64, len(a.terms))
	for t, tc := range a.termCols {
		for _, c := range tc {
			row := make([]float64, p)
			s := 0.0
			for j := 0; j < p; j++ {
				row[j] = L[rowOf[j]][c]
				s += math.Abs(row[j])
			}
			if s > 1e-8 {
				out[t] = append(out[t], row)
			}
		}
	}
	return out, nil
}

// type1 returns the sequential (type I) hypothesis matrices as lmerTest's
// get_contrasts_type1: the rows of each term's columns in Uᵀ where
// XᵀX = U D Uᵀ with U unit lower triangular (Doolittle), i.e. the rows of
// the Cholesky factor R (XᵀX = RᵀR) divided by their diagonal.
func (d *design) type1() ([][][]float64, error) {
	a, p := d.anova, d.p
	a.cross()
	R, err := upperCholesky(a.xtx, p)
	if err != nil {
		return nil, err
	}
	out := make([][][]float64, len(a.terms))
	for t, tc := range a.termCols {
		for _, c := range tc {
			row := make([]float64, p)
			for j := c; j < p; j++ {
				row[j] = R[c*p+j] / R[c*p+c]
			}
			out[t] = append(out[t], row)
		}
	}
	return out, nil
}

// residualCols returns the residuals of the columns ys of L regressed on
// the columns xs (least squares over L's rows), as R's lm.fit.
func residualCols(L [][]float64, xs, ys []int) [][]float64 {
	k := len(xs)
	G := make([]float64, k*k)
	for _, row := range L {
		for i, a := range xs {
			for j, b := range xs {
				G[i*k+j] += row[a] * row[b]
			}
		}
	}
	// Pseudo-inverse through the eigen-decomposition handles collinear xs.
	Ginv := pinvSym(G, k)
	out := make([][]float64, len(L))
	for r, row := range L {
		out[r] = make([]float64, len(ys))
		for yi, yc := range ys {
			out[r][yi] = row[yc]
		}
	}
	for yi, yc := range ys {
		xty := make([]float64, k)
		for _, row := range L {
			for i, a := range xs {
				xty[i] += row[a] * row[yc]
			}
		}
		b := make([]float64, k)
		for i := 0; i < k; i++ {
			for j := 0; j < k; j++ {
				b[i] += Ginv[i*k+j] * xty[j]
			}
		}
		for r, row := range L {
			f := 0.0
			for i, a := range xs {
				f += row[a] * b[i]
			}
			out[r][yi] -= f
		}
	}
	return out
}

// zapsmall rounds every entry of M as R's zapsmall(M) with 7 digits: to
// max(0, 7 − ⌈log10 max|M|⌉) decimal places.
func zapsmall(M [][]float64) {
	mx := 0.0
	for _, r := range M {
		for _, v := range r {
			mx = math.Max(mx, math.Abs(v))
		}
	}
	if mx == 0 {
		return
	}
	dig := math.Max(0, 7-math.Ceil(math.Log10(mx)))
	s := math.Pow(10, dig)
	for _, r := range M {
		for j, v := range r {
			r[j] = math.RoundToEven(v*s) / s
		}
	}
}

// pinvSym returns the Moore–Penrose inverse of the symmetric k × k matrix G
// (eigenvalues below 1e-10 of the largest treated as zero).
func pinvSym(G []float64, k int) []float64 {
	var eig mat.EigenSym
	out := make([]float64, k*k)
	if !eig.Factorize(mat.NewSymDense(k, append([]float64(nil), G...)), true) {
		return out
	}
	vals := eig.Values(nil)
	var vecs mat.Dense
	eig.VectorsTo(&vecs)
	mx := 0.0
	for _, v := range vals {
		mx = math.Max(mx, math.Abs(v))
	}
	for t, v := range vals {
		if v <= 1e-10*mx {
			continue
		}
		for i := 0; i < k; i++ {
			for j := 0; j < k; j++ {
				out[i*k+j] += vecs.At(i, t) * vecs.At(j, t) / v
			}
		}
	}
	return out
}

// upperCholesky returns the upper Cholesky factor R of the symmetric
// positive-definite p×p G (row-major), G = RᵀR, R = Lᵀ for linalg's lower
// factor L, with a zero strict lower triangle.
func upperCholesky(G []float64, p int) ([]float64, error) {
	l := append([]float64(nil), G[:p*p]...)
	if err := linalg.Cholesky(l, p); err != nil {
		return nil, fmt.Errorf("mixed: XᵀX is not positive definite")
	}
	R := make([]float64, p*p)
	for i := 0; i < p; i++ {
		for j := 0; j <= i; j++ {
			R[j*p+i] = l[i*p+j]
		}
	}
	return R, nil
}
