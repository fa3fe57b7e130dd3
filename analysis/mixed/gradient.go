package mixed

import (
	"math"

	"github.com/alliance-research/alliance/analysis/internal/linalg"
)

// Analytic gradient of the profiled (RE)ML deviance over θ.
//
// In the scaled coordinates of the engine (u = Λ⁻¹b, β, and y last) the
// penalised system matrix is
//
//	M̃(θ) = Dᵀ Ω D + E,   D = blockdiag(Λθ, I_p, 1),  E = blockdiag(I_q, 0, 0),
//
// with Ω = [Z X y]ᵀ[Z X y]. Its leading parts are A = ΛᵀZᵀZΛ + I (the
// random-effects block, log det A = log|Lθ|²) and M (A bordered by X:
// log det M = log|Lθ|² + log|R_X|²), and its last Cholesky pivot is r, so
// log r² = log det M̃ − log det M (Bates et al. 2015, J. Stat. Softw. 67(1),
// section 3). Each log-determinant has the derivative
// ∂ log det M/∂θ_k = tr(M⁻¹ ∂M/∂θ_k), hence
//
//	REML: ∂d/∂θ_k = tr(M⁻¹∂M) + (n−p)[tr(M̃⁻¹∂M̃) − tr(M⁻¹∂M)]
//	ML:   ∂d/∂θ_k = tr(A⁻¹∂A) + n[tr(M̃⁻¹∂M̃) − tr(M⁻¹∂M)]
//
// (for the deviance at a given σ, devianceAt, the factors n−p and n become
// r²/σ²). The three inverses need only the blocks on the pattern of the
// block Cholesky factor (every group with its ancestors and [X y]), which the
// recursion of Takahashi, Fagan & Chen (1973) gives top down from the kept
// factor blocks 𝓛_hh = L_h and 𝓛_{R,h} = W_h of every node h:
//
//	Z_{R,h} = −Z_{R,R} W_h L_h⁻¹,   Z_hh = L_h⁻ᵀL_h⁻¹ − (W_h L_h⁻¹)ᵀ Z_{R,h},
//
// where R are h's ancestors' and the [X y] coordinates, so Z_{R,R} is the
// block of the parent's frontal coordinates. The recursion is affine in the
// top block, and the weights of the three matrices sum to one, so one pass
// with the combined top block
//
//	Z_top = [(L_X L_Xᵀ)⁻¹ (REML only) ⊕ 0] + w·v vᵀ,   v = (−β̂, 1),
//	w = (n−p)/r² (REML), n/r² (ML) or 1/σ²,
//
// gives the combination (the rank-one term is (M̃⁻¹ − M⁻¹ ⊕ 0) at the top,
// from the factor [L_X 0; cᵀ r] of the reduced [X y] block and β̂ = L_X⁻ᵀc).
// With Ω split over the nodes as the parts of their frontal cross-products
// F_h that involve their own coordinates (the rest × rest part belongs to
// the parent), ∂M̃/∂θ_k is the sum over nodes of D_kᵀF_hD + DᵀF_hD_k, and
//
//	∂d/∂θ_k = 2 Σ_h tr(Z_h Dᵀ F_h D_k),
//
// D_k = ∂D/∂θ_k holding a one at the position (i, j) of θ_k in the block of
// its term. An evaluation with the gradient costs about twice one without,
// O(groups · m² · q). With AR(1) residuals F_h are the cross-products of the
// whitened rows and the gradient is the one at fixed φ.

// gradWork holds the scratch of evalGrad, kept between calls.
type gradWork struct {
	zf      [][]float64 // per level ≥ 1: nodes × m², the frontal blocks of the combined inverse
	z0      []float64   // a finest node's frontal block
	ztop    []float64   // (p+1)², the top block
	bw, zrh []float64   // W L⁻¹ and Z_{R,h}
	linv    []float64   // L⁻¹
	zd      []float64   // Z Dᵀ, z rows only
	lx      []float64   // L_X⁻¹
}

// evalGrad evaluates the criterion at θ (and φ) as eval and stores in grad
// (length ntheta) the gradient over θ of the deviance: the profiled one
// (deviance) when sigma is 0, else devianceAt at that σ. It reports false
// where eval does.
func (e *engine) evalGrad(theta []float64, phi float64, reml bool, sigma float64, grad []float64) (crit, bool) {
	keep := e.keep
	e.keep = true
	c, ok := e.eval(theta, phi)
	e.keep = keep
	if !ok {
		return c, false
	}
	d := e.d
	n, p := d.n, d.p
	pp := p + 1
	w := 0.0
	switch {
	case sigma > 0:
		w = 1 / (sigma * sigma)
	case reml:
		w = float64(n-p) / c.r2
	default:
		w = float64(n) / c.r2
	}
	gw := e.gradWork()
	// The top block.
	Zt := gw.ztop
	clear(Zt)
	beta := make([]float64, p)
	for i := p - 1; i >= 0; i-- {
		s := e.cX[i]
		for k := i + 1; k < p; k++ {
			s -= e.LX[k*p+i] * beta[k]
		}
		beta[i] = s / e.LX[i*p+i]
	}
	if reml && p > 0 {
		linalg.LowerInverse(e.LX, gw.lx, p)
		for i := 0; i < p; i++ {
			for j := 0; j <= i; j++ {
				s := 0.0
				for k := i; k < p; k++ {
					s += gw.lx[k*p+i] * gw.lx[k*p+j]
				}
				Zt[i*pp+j], Zt[j*pp+i] = s, s
			}
		}
	}
	v := func(i int) float64 {
		if i == p {
			return 1
		}
		return -beta[i]
	}
	for i := 0; i < pp; i++ {
		for j := 0; j < pp; j++ {
			Zt[i*pp+j] += w * v(i) * v(j)
		}
	}
	clear(grad)
	nl := len(d.levels)
	for l := nl - 1; l >= 0; l-- {
		lv := d.levels[l]
		m, mp := e.mdim[l], e.mdim[l+1]
		fs := m
		if l == 0 {
			fs = e.fs0
		}
		for j := 0; j < lv.nodes; j++ {
			Zp := Zt
			if l+1 < nl {
				par := lv.parent[j]
				Zp = gw.zf[l+1][par*mp*mp : (par+1)*mp*mp]
			}
			Z := gw.z0
			var F []float64
			if l == 0 {
				F = e.S[j*m*fs : (j+1)*m*fs]
			} else {
				Z = gw.zf[l][j*m*m : (j+1)*m*m]
				F = e.base[l][j*m*m : (j+1)*m*m]
			}
			e.frontalInverse(l, j, Zp, Z, gw)
			e.addGradient(l, Z, F, fs, gw, grad)
		}
	}
	for k := range grad {
		grad[k] *= 2
	}
	return c, true
}

// gradWork returns the scratch of evalGrad, allocated on first use.
func (e *engine) gradWork() *gradWork {
	if e.gw != nil {
		return e.gw
	}
	d := e.d
	nl := len(d.levels)
	m0 := d.m0
	gw := &gradWork{zf: make([][]float64, nl), z0: make([]float64, m0*m0),
		ztop: make([]float64, (d.p+1)*(d.p+1)), bw: make([]float64, m0*m0), zrh: make([]float64, m0*m0),
		linv: make([]float64, m0*m0), zd: make([]float64, m0*m0), lx: make([]float64, d.p*d.p)}
	for l := 1; l < nl; l++ {
		m := e.mdim[l]
		gw.zf[l] = make([]float64, d.levels[l].nodes*m*m)
	}
	e.gw = gw
	return gw
}

// frontalInverse fills Z (m×m, full) with the block of the combined inverse
// on the frontal coordinates of node j of level l, from its parent's block
// Zp (mr×mr) and the node's kept factor blocks L and W.
func (e *engine) frontalInverse(l, j int, Zp, Z []float64, gw *gradWork) {
	q := e.d.levels[l].q
	m := e.mdim[l]
	mr := m - q
	L := e.fac[l].L[j*q*q : (j+1)*q*q]
	W := e.fac[l].W[j*mr*q : (j+1)*mr*q]
	B := gw.bw[:mr*q]
	for r := 0; r < mr; r++ { // solve B[r] L = W[r] (Lᵀ B[r]ᵀ = W[r]ᵀ)
		for i := q - 1; i >= 0; i-- {
			s := W[r*q+i]
			for k := i + 1; k < q; k++ {
				s -= B[r*q+k] * L[k*q+i]
			}
			B[r*q+i] = s / L[i*q+i]
		}
	}
	ZR := gw.zrh[:mr*q]
	for r := 0; r < mr; r++ {
		zrow := Zp[r*mr : (r+1)*mr]
		for i := 0; i < q; i++ {
			s := 0.0
			for t, zv := range zrow {
				s += zv * B[t*q+i]
			}
			ZR[r*q+i] = -s
		}
	}
	Li := gw.linv[:q*q]
	if q == 1 {
		Li[0] = 1 / L[0]
	} else {
		linalg.LowerInverse(L, Li, q)
	}
	for i := 0; i < q; i++ {
		for k := 0; k <= i; k++ {
			s := 0.0
			for r := i; r < q; r++ { // (L⁻ᵀL⁻¹)[i][k] = Σ_r Li[r][i] Li[r][k]
				s += Li[r*q+i] * Li[r*q+k]
			}
			for r := 0; r < mr; r++ {
				s -= B[r*q+i] * ZR[r*q+k]
			}
			Z[i*m+k], Z[k*m+i] = s, s
		}
	}
	for r := 0; r < mr; r++ {
		for i := 0; i < q; i++ {
			Z[(q+r)*m+i] = ZR[r*q+i]
			Z[i*m+q+r] = ZR[r*q+i]
		}
		copy(Z[(q+r)*m+q:(q+r+1)*m], Zp[r*mr:(r+1)*mr])
	}
}

// addGradient adds tr(Z Dᵀ F_own D_k) of node h (level l) to grad[k] for
// every θ_k of level l and the levels above it. F is the node's raw frontal
// cross-product block (row stride fs; own columns, lower triangle read),
// Z its block of the combined inverse.
func (e *engine) addGradient(l int, Z, F []float64, fs int, gw *gradWork, grad []float64) {
	d := e.d
	q := d.levels[l].q
	m := e.mdim[l]
	nz := m - d.p - 1 // z coordinates of the frontal
	// ZD = Z Dᵀ on the z rows: ZD[b][c] = Σ_e Z[b][e] D[c][e].
	ZD := gw.zd[:nz*m]
	for b := 0; b < nz; b++ {
		zrow := Z[b*m : (b+1)*m]
		out := ZD[b*m : (b+1)*m]
		o := 0
		for a := l; a < len(d.levels); a++ {
			qa := d.levels[a].q
			la := e.lam[a]
			for c := 0; c < qa; c++ {
				s := 0.0
				for k := 0; k <= c; k++ {
					s += zrow[o+k] * la[c*qa+k]
				}
				out[o+c] = s
			}
			o += qa
		}
		copy(out[nz:], zrow[nz:])
	}
	fown := func(r, a int) float64 { // F[r][a] for a own, r any
		if r < q && r < a {
			return F[a*fs+r]
		}
		return F[r*fs+a]
	}
	o := 0
	for a := l; a < len(d.levels); a++ {
		lv := d.levels[a]
		qa := lv.q
		k := lv.thetaOff
		for jj := 0; jj < qa; jj++ {
			for ii := jj; ii < qa; ii++ {
				row := ZD[(o+jj)*m : (o+jj+1)*m]
				col := o + ii
				s := 0.0
				if a == l {
					for r := 0; r < m; r++ {
						s += row[r] * fown(r, col)
					}
				} else {
					for r := 0; r < q; r++ {
						s += row[r] * F[col*fs+r]
					}
				}
				grad[k] += s
				k++
			}
		}
		o += qa
	}
}

// devianceGrad returns the profiled deviance at x = (θ, [φ]) and stores its
// gradient in grad; the derivative in φ is a central difference of step
// h = 10⁻⁵·(1 − |φ|) (truncation O(h²), rounding ~10⁻¹⁶·|d|/h). It returns
// +Inf where the criterion is not defined.
func (e *engine) devianceGrad(x, grad []float64, reml bool) float64 {
	d := e.d
	nt := d.ntheta()
	phi := 0.0
	if d.time != nil {
		phi = x[nt]
	}
	c, ok := e.evalGrad(x[:nt], phi, reml, 0, grad[:nt])
	if !ok {
		for i := range grad {
			grad[i] = math.NaN()
		}
		return math.Inf(1)
	}
	f := e.deviance(c, reml)
	if d.time != nil {
		h := 1e-5 * (1 - math.Abs(phi))
		cp, okp := e.eval(x[:nt], phi+h)
		cm, okm := e.eval(x[:nt], phi-h)
		if !okp || !okm {
			grad[nt] = math.NaN()
			return f
		}
		grad[nt] = (e.deviance(cp, reml) - e.deviance(cm, reml)) / (2 * h)
	}
	return f
}
