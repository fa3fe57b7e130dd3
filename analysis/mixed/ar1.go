package mixed

import "math"

// arData holds, for every finest group, the sums that give the
// cross-products of its AR(1)-whitened rows at any φ.
//
// With correlation φ^|s−s′| between sessions s and s′ of one group (nlme's
// corAR1(form = ~ time | group), which becomes corARMA(p = 1) when sessions
// have gaps), the process is Markov, so the inverse Cholesky factor of the
// correlation matrix is bidiagonal: the first row of a group is kept and row
// k becomes w_k = (v_k − a v_{k−1}) / s with a = φ^d, s² = 1 − φ^{2d} and d
// the time gap to the previous row. Hence
//
//	Σ w_k w_kᵀ = v_1 v_1ᵀ + Σ_d (P_d − a_d Q_d + a_d² R_d) / s_d²
//
// with P_d = Σ v_k v_kᵀ, Q_d = Σ (v_k v_{k−1}ᵀ + v_{k−1} v_kᵀ) and
// R_d = Σ v_{k−1} v_{k−1}ᵀ over rows with gap d, and log|R| = Σ log s_k².
type arData struct {
	m0     int
	first  []float64 // nodes × m0²
	gstart []int     // node j owns groups gstart[j]..gstart[j+1]-1
	gap    []float64
	count  []float64
	mats   []float64 // groups × 3 × m0²
}

func newARData(d *design) *arData {
	m0 := d.m0
	mm := m0 * m0
	nodes := d.levels[0].nodes
	a := &arData{m0: m0, first: make([]float64, nodes*mm), gstart: make([]int, nodes+1)}
	for j := 0; j < nodes; j++ {
		s, e := d.start[j], d.start[j+1]
		v := d.rows[s*m0 : (s+1)*m0]
		outer(a.first[j*mm:(j+1)*mm], v, v, m0, 1)
		g0 := len(a.gap)
		for r := s + 1; r < e; r++ {
			gap := d.time[r] - d.time[r-1]
			g := -1
			for k := g0; k < len(a.gap); k++ {
				if a.gap[k] == gap {
					g = k
					break
				}
			}
			if g < 0 {
				g = len(a.gap)
				a.gap = append(a.gap, gap)
				a.count = append(a.count, 0)
				a.mats = append(a.mats, make([]float64, 3*mm)...)
			}
			a.count[g]++
			cur := d.rows[r*m0 : (r+1)*m0]
			prev := d.rows[(r-1)*m0 : r*m0]
			M := a.mats[g*3*mm : (g+1)*3*mm]
			outer(M[:mm], cur, cur, m0, 1)
			outer(M[mm:2*mm], cur, prev, m0, 1)
			outer(M[mm:2*mm], prev, cur, m0, 1)
			outer(M[2*mm:], prev, prev, m0, 1)
		}
		a.gstart[j+1] = len(a.gap)
	}
	return a
}

// outer adds s·x yᵀ to the m×m matrix M.
func outer(M, x, y []float64, m int, s float64) {
	for i := 0; i < m; i++ {
		xi := s * x[i]
		if xi == 0 {
			continue
		}
		row := M[i*m : (i+1)*m]
		for k, yk := range y {
			row[k] += xi * yk
		}
	}
}

// assemble writes the whitened cross-product matrix of finest group j into F
// and returns that group's log|R|, for a Markov correlation whose lag
// correlation at time gap d is corr(d) (φ^d for AR(1) and CAR(1)); false
// when a gap's 1 − corr² is not positive.
func (a *arData) assemble(j int, corr func(gap float64) float64, F []float64) (float64, bool) {
	mm := a.m0 * a.m0
	copy(F, a.first[j*mm:(j+1)*mm])
	ld := 0.0
	for g := a.gstart[j]; g < a.gstart[j+1]; g++ {
		c := corr(a.gap[g])
		s2 := 1 - c*c
		if !(s2 > 0) {
			return 0, false
		}
		ld += a.count[g] * math.Log(s2)
		M := a.mats[g*3*mm : (g+1)*3*mm]
		P, Q, R := M[:mm], M[mm:2*mm], M[2*mm:]
		w0, w1, w2 := 1/s2, -c/s2, c*c/s2
		for k := range F {
			F[k] += w0*P[k] + w1*Q[k] + w2*R[k]
		}
	}
	return ld, true
}
