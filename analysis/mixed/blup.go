package mixed

import (
	"math"

	"github.com/alliance-research/alliance/analysis/internal/linalg"
)

// blups returns the conditional modes b = Λθ û of every random effect and
// their conditional standard deviations, the square roots of the diagonal of
// σ² Λθ (ΛθᵀZᵀZΛθ + I)⁻¹ Λθᵀ (lme4's ranef(condVar = TRUE), which treats β
// as known). û solves the penalised least-squares system by back-substitution
// through the kept block factors, coarsest groups first; the needed diagonal
// blocks of the inverse come from the same factors by the recursion
//
//	Z_Aj = −Z_AA W_Aᵀ M,   Z_jj = MᵀM − Z_Ajᵀ W_Aᵀ M,   M = L_jj⁻¹,
//
// where A are the ancestors of group j and W_A its factor rows towards them.
// Groups are listed term by term (lme4's order), in level order.
func (m *Model) blups(beta []float64, s2 float64) []BLUP {
	if m.e.gen != nil {
		return m.e.gen.blups(m.e, beta, s2)
	}
	u, zs := m.condModes(beta)
	return m.blupList(u, zs, s2)
}

// condModes returns, per level, the spherical conditional modes û (nodes ×
// q) and the diagonal blocks Z_jj (nodes × q²) of (ΛᵀZᵀZΛ + I)⁻¹, from the
// factors kept at the optimum, coarsest level first.
func (m *Model) condModes(beta []float64) (u, zs [][]float64) {
	d, e := m.d, m.e
	nl := len(d.levels)
	u = make([][]float64, nl)   // per level: nodes × q
	zs = make([][]float64, nl)  // per level: nodes × q² (Z_jj)
	za := make([][]float64, nl) // per level: nodes × K×q (Z_Aj)
	kdim := make([]int, nl)     // K per level
	for l := nl - 1; l >= 0; l-- {
		for a := l + 1; a < nl; a++ {
			kdim[l] += d.levels[a].q
		}
	}
	anc := func(l, j int) []int { // ancestors of node j at level l, parent first
		var out []int
		for a := l; a < nl-1; a++ {
			j = d.levels[a].parent[j]
			out = append(out, j)
		}
		return out
	}
	for l := nl - 1; l >= 0; l-- {
		lv := d.levels[l]
		q, mr, K := lv.q, e.mdim[l]-lv.q, kdim[l]
		u[l] = make([]float64, lv.nodes*q)
		zs[l] = make([]float64, lv.nodes*q*q)
		za[l] = make([]float64, lv.nodes*K*q)
		x := make([]float64, mr-1) // values of the rest coordinates but y
		M := make([]float64, q*q)
		T := make([]float64, K*q)
		ZAA := make([]float64, K*K)
		for j := 0; j < lv.nodes; j++ {
			L := e.fac[l].L[j*q*q : (j+1)*q*q]
			W := e.fac[l].W[j*mr*q : (j+1)*mr*q]
			as := anc(l, j)
			off := 0
			for k, a := range as {
				qa := d.levels[l+1+k].q
				copy(x[off:off+qa], u[l+1+k][a*qa:(a+1)*qa])
				off += qa
			}
			copy(x[off:], beta)
			uj := u[l][j*q : (j+1)*q]
			for i := 0; i < q; i++ {
				s := W[(mr-1)*q+i]
				for rr := 0; rr < mr-1; rr++ {
					s -= W[rr*q+i] * x[rr]
				}
				uj[i] = s
			}
			for i := q - 1; i >= 0; i-- { // Lᵀ u = rhs
				s := uj[i]
				for k := i + 1; k < q; k++ {
					s -= L[k*q+i] * uj[k]
				}
				uj[i] = s / L[i*q+i]
			}
			linalg.LowerInverse(L, M, q) // M = L⁻¹
			m.ancestorBlock(ZAA, K, l, as, zs, za, kdim)
			// T = W_Aᵀ M (K×q); W_A[i][a] = W[a*q+i].
			for a := 0; a < K; a++ {
				for c := 0; c < q; c++ {
					s := 0.0
					for i := 0; i < q; i++ {
						s += W[a*q+i] * M[i*q+c]
					}
					T[a*q+c] = s
				}
			}
			ZA := za[l][j*K*q : (j+1)*K*q]
			for a := 0; a < K; a++ {
				for c := 0; c < q; c++ {
					s := 0.0
					for b := 0; b < K; b++ {
						s -= ZAA[a*K+b] * T[b*q+c]
					}
					ZA[a*q+c] = s
				}
			}
			Zj := zs[l][j*q*q : (j+1)*q*q]
			for r := 0; r < q; r++ {
				for c := 0; c < q; c++ {
					s := 0.0
					for k := 0; k < q; k++ {
						s += M[k*q+r] * M[k*q+c]
					}
					for a := 0; a < K; a++ {
						s -= ZA[a*q+r] * T[a*q+c]
					}
					Zj[r*q+c] = s
				}
			}
		}
	}
	return u, zs
}

// ancestorBlock fills Z_AA (K×K), the block of the inverse on the ancestors
// as of a node of level l (parent first), from their stored blocks: each
// ancestor's Z_aa on the diagonal and its Z_Aa with its own ancestors off it.
func (m *Model) ancestorBlock(ZAA []float64, K, l int, as []int, zs, za [][]float64, kdim []int) {
	ro := 0
	for k, a := range as {
		la := l + 1 + k
		qa := m.d.levels[la].q
		Za := zs[la][a*qa*qa : (a+1)*qa*qa]
		for i := 0; i < qa; i++ {
			for jj := 0; jj < qa; jj++ {
				ZAA[(ro+i)*K+ro+jj] = Za[i*qa+jj]
			}
		}
		Ka := kdim[la]
		ZaA := za[la][a*Ka*qa : (a+1)*Ka*qa]
		co := ro + qa
		for i := 0; i < Ka; i++ {
			for jj := 0; jj < qa; jj++ {
				v := ZaA[i*qa+jj]
				ZAA[(co+i)*K+ro+jj] = v
				ZAA[(ro+jj)*K+co+i] = v
			}
		}
		ro += qa
	}
}

// blupList turns û and Z_jj into lme4's ranef rows: b = Λ û and conditional
// SD √(σ² (Λ Z_jj Λᵀ)_ii).
func (m *Model) blupList(u, zs [][]float64, s2 float64) []BLUP {
	d, e := m.d, m.e
	total := 0
	for _, lv := range d.levels {
		total += lv.nodes * lv.q
	}
	out := make([]BLUP, 0, total)
	for l, lv := range d.levels {
		q := lv.q
		lam := e.lam[l]
		for j := 0; j < lv.nodes; j++ {
			uj := u[l][j*q : (j+1)*q]
			Zj := zs[l][j*q*q : (j+1)*q*q]
			for i := 0; i < q; i++ {
				b, v := condMode(lam, uj, Zj, q, i)
				out = append(out, BLUP{Group: lv.name, Level: lv.labels[j], Name: lv.colNames[i], Value: b, CondSD: math.Sqrt(s2 * v)})
			}
		}
	}
	return out
}

// condMode is effect i of a node's conditional mode, b_i = (Λu)_i, and the
// factor (ΛZΛᵀ)_ii of its conditional variance σ²(ΛZΛᵀ)_ii, from the
// node's q × q block Λ (lower triangular), its spherical mode u and the
// block Z of (ΛᵀZᵀZΛ + I)⁻¹.
func condMode(lam, u, Z []float64, q, i int) (b, v float64) {
	for k := 0; k <= i; k++ {
		b += lam[i*q+k] * u[k]
	}
	for a := 0; a <= i; a++ {
		for c := 0; c <= i; c++ {
			v += lam[i*q+a] * Z[a*q+c] * lam[i*q+c]
		}
	}
	return b, v
}
