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
// From the rows, σ²_f comes from one pass that keeps no value per row
// (fixedPartVariance) and Σ_r z_rᵀ Σ z_r = tr(Σ · Σ_r z_r z_rᵀ) from the
// finest nodes' cross-products (crossZ).
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
		varF = d.fixedPartVariance(beta)
		crossZ = m.crossZ()
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

// r2Block is the number of rows whose sums fixedPartVariance adds up before
// adding them to the running totals: fixed, so that the result does not
// depend on the number of processors.
const r2Block = 1 << 13

// fixedPartVariance returns the sample variance (n − 1) of the fixed part
// v_r = x_rᵀβ over the rows, from one pass (in parallel blocks of r2Block
// rows, added up in block order) that keeps no value per row.
//
// It sums the deviations from a shift K, the mean of v over the first
// block: Σ(v − m)² = Σ(v − K)² − (Σ(v − K))²/n, which in floating point
// loses only what (m − K)²/s² magnifies (Chan, Golub & LeVeque 1983,
// Am. Stat. 37:242–247): little, with K the mean of thousands of the rows,
// where storing the n values and summing squared deviations from m would
// cost a vector of n.
func (d *design) fixedPartVariance(beta []float64) float64 {
	n := d.n
	if n < 2 {
		return 0
	}
	nb := (n + r2Block - 1) / r2Block
	part := make([]float64, 2*nb)
	v0 := make([]float64, min(n, r2Block))
	d.fixedParts(0, len(v0), beta, v0)
	K := 0.0
	for _, v := range v0 {
		K += v
	}
	K /= float64(len(v0))
	workers := rowWorkers(n)
	buf := make([][]float64, workers) // a block's values, one buffer per worker
	parallel.Each(nb, workers, func(w, b int) {
		lo, hi := b*r2Block, min((b+1)*r2Block, n)
		vs := v0
		if b > 0 {
			if buf[w] == nil {
				buf[w] = make([]float64, r2Block)
			}
			vs = buf[w][:hi-lo]
			d.fixedParts(lo, hi, beta, vs)
		}
		s, ss := 0.0, 0.0 // local: the blocks' slots of part share cache lines
		for _, v := range vs {
			v -= K
			s += v
			ss += v * v
		}
		part[2*b], part[2*b+1] = s, ss
	})
	s, ss := 0.0, 0.0
	for b := 0; b < nb; b++ {
		s += part[2*b]
		ss += part[2*b+1]
	}
	return (ss - s*s/float64(n)) / float64(n-1)
}

// fixedParts sets f[r−lo] to x_rᵀβ for design rows lo ≤ r < hi, from the
// materialised rows or made from the row source a column at a time (the
// products added in column order, as a row's dot product adds them: the
// same numbers either way).
func (d *design) fixedParts(lo, hi int, beta, f []float64) {
	Q := d.m0 - d.p - 1
	if d.rows != nil {
		for r := lo; r < hi; r++ {
			x := d.rows[r*d.m0+Q : r*d.m0+Q+d.p : r*d.m0+Q+d.p]
			v := 0.0
			for k, b := range beta {
				v += x[k] * b
			}
			f[r-lo] = v
		}
		return
	}
	src := d.src
	order := src.order[lo:hi]
	clear(f)
	for j, b := range beta {
		c := &src.cols[Q+j]
		switch {
		case c.one:
			for t := range f {
				f[t] += b
			}
		case c.num != nil:
			for t, k := range order {
				f[t] += c.num[src.keep[k]] * b
			}
		default:
			for t, k := range order {
				f[t] += c.at(src.keep[k], int(k)) * b
			}
		}
	}
}

// crossZ returns, per level, Σ_r z_r z_rᵀ (q × q, row-major): the sum of
// the finest nodes' cross-products when the engine keeps them (a nested
// fit without a residual structure), else a pass over the rows.
func (m *Model) crossZ() [][]float64 {
	d, e := m.d, m.e
	out := make([][]float64, len(d.levels))
	if e.hasNodeSums() {
		for l, lv := range d.levels {
			out[l] = e.nodeSum(lv.off, lv.q)
		}
		return out
	}
	for l, lv := range d.levels {
		out[l] = make([]float64, lv.q*lv.q)
	}
	m0 := d.m0
	d.ensureRows()
	for r := 0; r < d.n; r++ {
		for l, lv := range d.levels {
			z := d.rows[r*m0+lv.off : r*m0+lv.off+lv.q]
			Z := out[l]
			for a, za := range z {
				for b, zb := range z {
					Z[a*lv.q+b] += za * zb
				}
			}
		}
	}
	return out
}
