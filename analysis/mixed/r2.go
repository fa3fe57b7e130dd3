package mixed

import (
	"slices"

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
// From the rows, both come from one pass that keeps no value per row
// (rowMoments; Σ_r z_rᵀ Σ z_r = tr(Σ · Σ_r z_r z_rᵀ)).
// A model fitted from sufficient statistics has no rows: there σ²_f =
// (βᵀ(Σ x xᵀ)β − (βᵀΣx)²/n)/(n − 1) and Σ_r z_rᵀ Σ z_r = tr(Σ · Σ_r z_r z_rᵀ)
// from the totals, the same quantities up to rounding.
func (m *Model) r2(beta []float64, s2 float64) {
	d := m.d
	Q := d.m0 - d.p - 1
	varF := 0.0
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
	}
	var crossZ [][]float64 // per level, Σ_r z_r z_rᵀ
	if d.tot == nil {
		varF, crossZ = d.rowMoments(beta)
	}
	// Σ per level, and mean z'Σz.
	varR := 0.0
	intercepts := true
	res := &m.Result
	vi := 0
	for l, lv := range d.levels {
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
		if d.tot == nil {
			for i, v := range crossZ[l] {
				acc += S[i] * v
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

// r2Block is the number of rows whose sums rowMoments adds up before
// adding them to the running totals: fixed, so that the result does not
// depend on the number of processors.
const r2Block = 1 << 13

// rowMoments returns, from one pass over the rows (in parallel blocks of
// r2Block rows, added up in block order), the sample variance (n − 1) of
// the fixed part v_r = x_rᵀβ and, per level, Σ_r z_r z_rᵀ (q × q,
// row-major).
//
// The variance sums the deviations from a shift K, the mean of v over the
// first block: Σ(v − m)² = Σ(v − K)² − (Σ(v − K))²/n, which in floating
// point loses only what (m − K)²/s² magnifies (Chan, Golub & LeVeque 1983,
// Am. Stat. 37:242–247): little, with K the mean of thousands of the rows,
// where storing the n values and summing squared deviations from m would
// cost a vector of n.
func (d *design) rowMoments(beta []float64) (varF float64, crossZ [][]float64) {
	m0, Q, n := d.m0, d.m0-d.p-1, d.n
	// row is design row r: materialised, or made into buf.
	row := func(r int, buf []float64) []float64 {
		if d.rows != nil {
			return d.rows[r*m0 : (r+1)*m0 : (r+1)*m0]
		}
		d.fillRow(r, buf)
		return buf
	}
	fixed := func(v []float64) float64 {
		x := v[Q : Q+d.p : Q+d.p]
		f := 0.0
		for k, b := range beta {
			f += x[k] * b
		}
		return f
	}
	K := 0.0
	first := min(n, r2Block)
	buf := make([]float64, m0)
	for r := 0; r < first; r++ {
		K += fixed(row(r, buf))
	}
	K /= float64(first)
	width := 2
	for _, lv := range d.levels {
		width += lv.q * lv.q
	}
	nb := (n + r2Block - 1) / r2Block
	part := make([]float64, nb*width)
	parallel.Each(nb, rowWorkers(n), func(_, b int) {
		acc := make([]float64, width) // its own memory: the blocks' slots of part share cache lines
		buf := make([]float64, m0)
		for r := b * r2Block; r < min((b+1)*r2Block, n); r++ {
			rv := row(r, buf)
			v := fixed(rv) - K
			acc[0] += v
			acc[1] += v * v
			k := 2
			for _, lv := range d.levels {
				z := rv[lv.off : lv.off+lv.q]
				for _, zi := range z {
					for _, zj := range z {
						acc[k] += zi * zj
						k++
					}
				}
			}
		}
		copy(part[b*width:(b+1)*width], acc)
	})
	tot := make([]float64, width)
	for b := 0; b < nb; b++ {
		for k, v := range part[b*width : (b+1)*width] {
			tot[k] += v
		}
	}
	if n > 1 {
		varF = (tot[1] - tot[0]*tot[0]/float64(n)) / float64(n-1)
	}
	k := 2
	for _, lv := range d.levels {
		crossZ = append(crossZ, tot[k:k+lv.q*lv.q])
		k += lv.q * lv.q
	}
	return varF, crossZ
}
