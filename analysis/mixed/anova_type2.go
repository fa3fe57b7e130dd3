package mixed

import (
	"math"
)

// type2 returns lmerTest's type II hypothesis matrices (its
// get_contrasts_type2_unfolded; Kuznetsova et al. 2017): a term contained
// in no other term (see anovaDesign.contained) is tested by its own
// coefficients (rows of the identity); for a term T contained in the terms
// C, the columns of X are reordered as (the others, T, C) and T's
// hypothesis rows are T's rows of the unit upper-triangular factor Uᵀ of
// the reordered XᵀX = U D Uᵀ (Doolittle, entries below 1e-6 set to zero as
// lmerTest's doolittle), mapped back to the columns of X. That is, T is
// adjusted for every term that does not contain it and the terms
// containing it are ignored. With one term (or one column) the type I
// matrices are returned, as lmerTest does.
func (d *design) type2() ([][][]float64, error) {
	a, p := d.anova, d.p
	if p <= 1 || len(a.terms) <= 1 {
		return d.type1()
	}
	a.cross()
	out := make([][][]float64, len(a.terms))
	for t, tc := range a.termCols {
		var containing []int
		for u := range a.terms {
			if u != t && a.contained(t, u) {
				containing = append(containing, u)
			}
		}
		if len(containing) == 0 {
			for _, c := range tc {
				row := make([]float64, p)
				row[c] = 1
				out[t] = append(out[t], row)
			}
			continue
		}
		last := map[int]bool{}
		order := append([]int(nil), tc...)
		for _, c := range tc {
			last[c] = true
		}
		for _, u := range containing {
			for _, c := range a.termCols[u] {
				if !last[c] {
					last[c] = true
					order = append(order, c)
				}
			}
		}
		var perm []int
		for c := 0; c < p; c++ {
			if !last[c] {
				perm = append(perm, c)
			}
		}
		first := len(perm)
		perm = append(perm, order...)
		G := make([]float64, p*p)
		for i, ci := range perm {
			for j, cj := range perm {
				G[i*p+j] = a.xtx[ci*p+cj]
			}
		}
		U, err := doolittleUpper(G, p)
		if err != nil {
			return nil, err
		}
		for k := range tc {
			i := first + k
			row := make([]float64, p)
			for j := 0; j < p; j++ {
				row[perm[j]] = U[i*p+j]
			}
			out[t] = append(out[t], row)
		}
	}
	return out, nil
}

// doolittleUpper returns Uᵀ (p × p, unit upper triangular, row-major) of
// the symmetric positive definite G = U D Uᵀ: row i of the Cholesky factor
// R (G = RᵀR) divided by R_ii, with entries of absolute value below 1e-6
// set to zero (the threshold of lmerTest's doolittle).
func doolittleUpper(G []float64, p int) ([]float64, error) {
	R, err := upperCholesky(G, p)
	if err != nil {
		return nil, err
	}
	out := make([]float64, p*p)
	for i := 0; i < p; i++ {
		for j := i; j < p; j++ {
			v := R[i*p+j] / R[i*p+i]
			if math.Abs(v) < 1e-6 {
				v = 0
			}
			out[i*p+j] = v
		}
	}
	return out, nil
}
