package mixed

import (
	"slices"

	"github.com/alliance-research/alliance/analysis/internal/describe"
	"github.com/alliance-research/alliance/internal/parallel"
)

// r2 sets the ICCs and Nakagawa's R².
//
// Marginal R² = σ²_f / (σ²_f + σ²_r + σ²) and conditional R² =
// (σ²_f + σ²_r) / (σ²_f + σ²_r + σ²) (Nakagawa & Schielzeth 2013, Methods
// Ecol. Evol. 4:133–142), with σ²_f the sample variance (n − 1) of the fixed
// part Xβ̂ and σ²_r the mean over observations of z_iᵀ Σ z_i summed over
// terms (Johnson 2014, Methods Ecol. Evol. 5:944–946; for random intercepts
// the variances themselves).
//
// For random-intercept models the ICC of term k is τ²_k / (Σ τ² + σ²).
//
// A model fitted from sufficient statistics has no rows: there σ²_f =
// (βᵀ(Σ x xᵀ)β − (βᵀΣx)²/n)/(n − 1) and Σ_r z_rᵀ Σ z_r = tr(Σ · Σ_r z_r z_rᵀ)
// from the totals, the same quantities up to rounding.
func (m *Model) r2(beta []float64, s2 float64) {
	d := m.d
	Q := d.m0 - d.p - 1
	varF := 0.0
	var fx []float64
	if d.tot != nil {
		if d.n > 1 {
			m0 := d.m0
			sf, sff := 0.0, 0.0
			for i, bi := range beta {
				sf += bi * d.tot.sum[Q+i]
				for j, bj := range beta {
					sff += bi * d.tot.cross[(Q+i)*m0+Q+j] * bj
				}
			}
			varF = (sff - sf*sf/float64(d.n)) / float64(d.n-1)
		}
	} else {
		fx = make([]float64, d.n)
		parallel.Chunks(d.n, rowWorkers(d.n), func(_, lo, hi int) {
			for r := lo; r < hi; r++ {
				x := d.rows[r*d.m0+Q : r*d.m0+Q+d.p]
				v := 0.0
				for k, b := range beta {
					v += x[k] * b
				}
				fx[r] = v
			}
		})
		if d.n > 1 {
			_, varF, _ = describe.MeanVar(fx)
		}
	}
	// Σ per level, and mean z'Σz.
	varR := 0.0
	zsz := fx // per-row z'Σz, in fx's memory when it was allocated
	intercepts := true
	res := &m.Result
	vi := 0
	for _, lv := range d.levels {
		q := lv.q
		if q != 1 || lv.colNames[0] != "(Intercept)" {
			intercepts = false
		}
		// Σ from the variance components and correlations.
		S := make([]float64, q*q)
		sd := make([]float64, q)
		for i := 0; i < q; i++ {
			sd[i] = res.Random[vi+i].SD
			S[i*q+i] = res.Random[vi+i].Variance
		}
		vi += q
		for _, c := range res.Correlations {
			if c.Group != lv.name {
				continue
			}
			i, j := slices.Index(lv.colNames, c.Name1), slices.Index(lv.colNames, c.Name2)
			S[i*q+j] = c.Corr * sd[i] * sd[j]
			S[j*q+i] = S[i*q+j]
		}
		acc := 0.0
		if d.tot != nil {
			for i := 0; i < q; i++ {
				for j := 0; j < q; j++ {
					acc += S[i*q+j] * d.tot.cross[(lv.off+i)*d.m0+lv.off+j]
				}
			}
		}
		if d.tot == nil { // z_rᵀ Σ z_r row by row (in parallel ranges), then their sum in row order
			if zsz == nil {
				zsz = make([]float64, d.n)
			}
			off := lv.off
			parallel.Chunks(d.n, rowWorkers(d.n), func(_, lo, hi int) {
				for r := lo; r < hi; r++ {
					z := d.rows[r*d.m0+off : r*d.m0+off+q]
					v := 0.0
					for i := 0; i < q; i++ {
						for j := 0; j < q; j++ {
							v += z[i] * S[i*q+j] * z[j]
						}
					}
					zsz[r] = v
				}
			})
			for _, v := range zsz {
				acc += v
			}
		}
		varR += acc / float64(d.n)
	}
	tot := varF + varR + s2
	res.R2Marginal = varF / tot
	res.R2Conditional = (varF + varR) / tot
	if intercepts {
		den := s2
		for _, v := range res.Random {
			den += v.Variance
		}
		for _, v := range res.Random {
			res.ICC = append(res.ICC, ICC{Group: v.Group, ICC: v.Variance / den})
		}
	}
}
