package mixed

import (
	"math"
	"slices"

	"github.com/alliance-research/alliance/analysis/internal/linalg"
)

// grouped is a shortcut of the general criterion for two terms whose first
// (larger) one is scalar, such as (1 | patient) + (1 | rater) or
// (1 | Subject) + (0 + Days | Subject): the first term's groups k are
// connected only to the second term's (dense) block D, so eliminating them
// gives, with d_k = λ₀² s_kk + 1 (s_kk = Σ z_k² over group k's rows),
//
//	log|Lθ|² = Σ_k log d_k + log|A_DD|,
//	A_DD = Λ_Dᵀ (S_DD − Σ_k (λ₀²/d_k) s_k s_kᵀ) Λ_D + I,
//	b_D  = Λ_Dᵀ (Zᵀ_D[X y] − Σ_k (λ₀²/d_k) s_k z_kᵀ[X y]),
//	G    = [X y]ᵀ[X y] − Σ_k (λ₀²/d_k) (z_kᵀ[X y])ᵀ(z_kᵀ[X y]) − b_Dᵀ A_DD⁻¹ b_D,
//
// where s_k is group k's cross-product with the D columns. The weights
// λ₀²/d_k depend on k only through s_kk, so the sums are accumulated once
// per distinct s_kk (a group size, for a random intercept): an evaluation
// then costs O(#sizes · nd² + nd³) whatever the number of groups and rows.
// The fit's last evaluation (BLUPs, kept factors) uses the sparse
// factorisation itself.
type grouped struct {
	vals []float64   // distinct s_kk
	cnt  []float64   // groups with each
	M    [][]float64 // per value: Σ s_k s_kᵀ (nd × nd)
	N    [][]float64 // per value: Σ s_k (z_kᵀ[X y]) (nd × w)
	P    [][]float64 // per value: Σ (z_kᵀ[X y])ᵀ(z_kᵀ[X y]) (w × w)
	SDD  []float64   // S_DD, full (nd × nd)
	zxD  []float64   // Zᵀ_D[X y] (nd × w)
	X, B []float64   // scratch: nd × nd, nd × w
}

// maxGroupedFloats bounds the memory of the per-size sums (32 MB).
const maxGroupedFloats = 4 << 20

// newGrouped returns the shortcut for g, or nil when it does not apply
// (more than two terms, a first term with several columns, no dense
// block, or too many distinct sizes for it to pay).
func newGrouped(g *general) *grouped {
	d, ch := g.d, g.chol
	if len(d.levels) != 2 || d.levels[0].q != 1 || ch.dense != g.nlev[1] {
		return nil
	}
	n0 := g.nlev[1]
	nd := ch.nd
	w := d.p + 1
	var vals []float64
	for k := 0; k < n0; k++ {
		vals = append(vals, g.chol.panel(g.S, k)[0])
	}
	slices.Sort(vals)
	vals = slices.Compact(vals)
	nv := len(vals)
	if 4*nv > n0 || nv*(nd*nd+nd*w+w*w) > maxGroupedFloats {
		return nil
	}
	gr := &grouped{vals: vals, cnt: make([]float64, nv), M: make([][]float64, nv), N: make([][]float64, nv), P: make([][]float64, nv),
		SDD: make([]float64, nd*nd), zxD: make([]float64, nd*w), X: make([]float64, nd*nd), B: make([]float64, nd*w)}
	for v := range vals {
		gr.M[v] = make([]float64, nd*nd)
		gr.N[v] = make([]float64, nd*w)
		gr.P[v] = make([]float64, w*w)
	}
	idx := []int{}
	sv := []float64{}
	for k := 0; k < n0; k++ {
		K := ch.panel(g.S, k)
		v, _ := slices.BinarySearch(vals, K[0])
		gr.cnt[v]++
		idx, sv = idx[:0], sv[:0]
		for t, i := range ch.rows[k] {
			o := ch.roff[k][t]
			for a := 0; a < ch.dim[i]; a++ {
				idx = append(idx, ch.doff[i]+a)
				sv = append(sv, K[o+a])
			}
		}
		zx := g.zx[g.uoff[k]*w : (g.uoff[k]+1)*w]
		M, N, P := gr.M[v], gr.N[v], gr.P[v]
		for a, ra := range idx {
			for b, rb := range idx {
				M[ra*nd+rb] += sv[a] * sv[b]
			}
			for c, x := range zx {
				N[ra*w+c] += sv[a] * x
			}
		}
		for a, xa := range zx {
			for b, xb := range zx {
				P[a*w+b] += xa * xb
			}
		}
	}
	s := ch.dense
	for j := s; j < ch.n; j++ {
		qj := ch.dim[j]
		Pn := ch.panel(g.S, j)
		cj := ch.doff[j]
		for a := 0; a < qj; a++ {
			for b := 0; b < qj; b++ {
				gr.SDD[(cj+a)*nd+cj+b] = Pn[a*qj+b]
			}
		}
		for t, i := range ch.rows[j] {
			o, ri := ch.roff[j][t], ch.doff[i]
			for a := 0; a < ch.dim[i]; a++ {
				for b := 0; b < qj; b++ {
					x := Pn[(o+a)*qj+b]
					gr.SDD[(ri+a)*nd+cj+b] = x
					gr.SDD[(cj+b)*nd+ri+a] = x
				}
			}
		}
		copy(gr.zxD[cj*w:(cj+qj)*w], g.zx[g.uoff[j]*w:(g.uoff[j]+qj)*w])
	}
	return gr
}

// eval is general.eval by the shortcut (see grouped).
func (gr *grouped) eval(g *general, e *engine) (crit, bool) {
	d, ch := g.d, g.chol
	var c crit
	nd, w, p := ch.nd, d.p+1, d.p
	l0 := e.lam[0][0]
	l02 := l0 * l0
	X, B := gr.X, gr.B
	copy(X, gr.SDD)
	copy(B, gr.zxD)
	G := e.G
	copy(G, g.xx)
	ld := 0.0
	for v, s := range gr.vals {
		dk := l02*s + 1
		ld += gr.cnt[v] * math.Log(dk)
		wt := l02 / dk
		for i, m := range gr.M[v] {
			X[i] -= wt * m
		}
		for i, m := range gr.N[v] {
			B[i] -= wt * m
		}
		for i, m := range gr.P[v] {
			G[i] -= wt * m
		}
	}
	// A_DD = Λ_Dᵀ X Λ_D + I and b_D = Λ_Dᵀ B, block by block (level 1).
	q := d.levels[1].q
	lam := e.lam[1]
	if q == 1 {
		l := lam[0]
		for i := range X {
			X[i] *= l * l
		}
		for i := range B {
			B[i] *= l
		}
	} else {
		nb := nd / q
		for bi := 0; bi < nb; bi++ {
			for bj := 0; bj <= bi; bj++ {
				blk := make([]float64, q*q)
				for a := 0; a < q; a++ {
					copy(blk[a*q:(a+1)*q], X[(bi*q+a)*nd+bj*q:(bi*q+a)*nd+bj*q+q])
				}
				scaleBlock(blk, q, q, lam, lam)
				for a := 0; a < q; a++ {
					copy(X[(bi*q+a)*nd+bj*q:(bi*q+a)*nd+bj*q+q], blk[a*q:(a+1)*q])
				}
			}
			scaleBlock(B[bi*q*w:(bi+1)*q*w], q, w, lam, identity(w))
		}
	}
	for a := 0; a < nd; a++ {
		X[a*nd+a]++
	}
	if linalg.Cholesky(X, nd) != nil {
		return c, false
	}
	for a := 0; a < nd; a++ {
		ld += 2 * math.Log(X[a*nd+a])
	}
	c.ldL2 = ld
	// y = L_DD⁻¹ b_D, then G −= yᵀy.
	for a := 0; a < nd; a++ {
		for col := 0; col < w; col++ {
			s := B[a*w+col]
			for m := 0; m < a; m++ {
				s -= X[a*nd+m] * B[m*w+col]
			}
			B[a*w+col] = s / X[a*nd+a]
		}
	}
	for r := 0; r < nd; r++ {
		row := B[r*w : (r+1)*w]
		for a := 0; a < w; a++ {
			for b := 0; b <= a; b++ {
				G[a*w+b] -= row[a] * row[b]
			}
		}
	}
	if linalg.Cholesky(G, w) != nil {
		return c, false
	}
	for j := 0; j < p; j++ {
		c.ldRX2 += 2 * math.Log(G[j*w+j])
	}
	c.r2 = G[p*w+p] * G[p*w+p]
	return c, true
}

// identity returns the n×n identity, row-major.
func identity(n int) []float64 {
	I := make([]float64, n*n)
	for i := 0; i < n; i++ {
		I[i*n+i] = 1
	}
	return I
}
