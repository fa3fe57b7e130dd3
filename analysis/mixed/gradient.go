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

// gradWork holds the scratch of evalGrad, kept between calls
// (the per-node scratch is the pass's, parts.go).
type gradWork struct {
	zf   [][]float64 // per level ≥ 1: nodes × m², the frontal blocks of the combined inverse
	ztop []float64   // (p+1)², the top block
	lx   []float64   // L_X⁻¹
}

// evalGrad evaluates the criterion at θ (and φ) as eval and stores in grad
// (length ntheta) the gradient over θ of the deviance: the profiled one
// (deviance) when sigma is 0, else devianceAt at that σ. It reports false
// where eval does.
func (e *engine) evalGrad(theta []float64, phi float64, reml bool, sigma float64, grad []float64) (crit, bool) {
	c, ok := e.kept.at(theta, []float64{phi})
	if !ok { // not the point of the last kept evaluation (the line search's accepted trial)
		keep := e.keep
		e.keep = true
		c, ok = e.eval(theta, phi)
		e.keep = keep
		if !ok {
			return c, false
		}
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
	beta := e.betaHat()
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
	e.gradientAll(Zt, gw, grad)
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
	gw := &gradWork{zf: make([][]float64, nl), ztop: make([]float64, (d.p+1)*(d.p+1)), lx: make([]float64, d.p*d.p)}
	for l := 1; l < nl; l++ {
		m := e.mdim[l]
		gw.zf[l] = make([]float64, d.levels[l].nodes*m*m)
	}
	e.gw = gw
	return gw
}

// nodeGradient adds node j's (level l) terms 2·tr(Z_h Dᵀ F_h D_k) to grad
// (the factor 2 is applied by the caller) and, when Z is not nil, fills Z
// (m×m, full) with the node's frontal block of the combined inverse for its
// children. Zp (mr×mr) is the parent's block; F the node's raw frontal
// cross-products (row stride fs; own columns, lower triangle read).
//
// With B = W L⁻¹, Z_R = −Zp B and Z_hh = L⁻ᵀL⁻¹ − BᵀZ_R, and F split into
// F_oo (own × own) and F_ro (rest × own), the trace for θ_k of the node's
// own term at (i, j) is Q_ji with
//
//	Q = Z_hh Λᵀ F_oo + Z_Rᵀ D_rᵀ F_ro
//
// (D_r = D on the rest coordinates), and for θ_k of an ancestor's term at
// (i, j) it is P_ji with P = Z_R (F_ro Λ)ᵀ on that term's coordinates.
func (e *engine) nodeGradient(l, j int, Zp, Z, F []float64, fs int, sc *scratch, grad []float64) {
	q := e.d.levels[l].q
	mr := e.mdim[l] - q
	ZR, Zh := e.nodeInverse(l, j, Zp, sc)
	if Z != nil {
		fillNodeZ(Z, Zp, ZR, Zh, q, mr)
	}
	U := e.ancestorRows(l, F, fs, sc)
	e.addOwnGrad(l, Zh, ZR, U, F, fs, sc, grad)
	e.addAncestorGrad(l, ZR, F, fs, grad)
}

// nodeInverse returns the node's blocks of the inverse from its factor L
// and W (the rows below it) and the rest's block Zp: with B = W L⁻¹,
// Z_R = −Zp B (mr×q) and Z_hh = L⁻ᵀL⁻¹ − Bᵀ Z_R (q×q, symmetric), in gw's
// scratch.
func (e *engine) nodeInverse(l, j int, Zp []float64, gw *scratch) ([]float64, []float64) {
	q := e.d.levels[l].q
	mr := e.mdim[l] - q
	L := e.fac[l].L[j*q*q : (j+1)*q*q]
	W := e.fac[l].W[j*mr*q : (j+1)*mr*q]
	switch q {
	case 1:
		return nodeInverse1(L[0], W, Zp, mr, gw)
	case 2:
		return nodeInverse2(L, W, Zp, mr, gw)
	}
	B := gw.bw[:mr*q]
	Li := gw.linv[:q*q]
	linalg.LowerInverse(L, Li, q)
	for r := 0; r < mr; r++ { // B[r] = W[r] L⁻¹
		w := W[r*q : (r+1)*q]
		for i := 0; i < q; i++ {
			s := 0.0
			for k := i; k < q; k++ {
				s += w[k] * Li[k*q+i]
			}
			B[r*q+i] = s
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
	Zh := gw.zd[:q*q]
	for i := 0; i < q; i++ {
		for k := 0; k <= i; k++ {
			s := 0.0
			for r := i; r < q; r++ { // (L⁻ᵀL⁻¹)[i][k] = Σ_r Li[r][i] Li[r][k]
				s += Li[r*q+i] * Li[r*q+k]
			}
			for r := 0; r < mr; r++ {
				s -= B[r*q+i] * ZR[r*q+k]
			}
			Zh[i*q+k], Zh[k*q+i] = s, s
		}
	}
	return ZR, Zh
}

// nodeInverse1 is nodeInverse for q = 1 written out (the same operations
// in the same order): B = W/L, Z_R = −Zp B, Z_hh = 1/L² − Bᵀ Z_R.
func nodeInverse1(L float64, W, Zp []float64, mr int, gw *scratch) ([]float64, []float64) {
	li := 1 / L
	B := gw.bw[:mr]
	for r, w := range W[:mr] {
		B[r] = w * li
	}
	ZR := gw.zrh[:mr]
	for r := range ZR {
		zrow := Zp[r*mr : (r+1)*mr]
		s := 0.0
		for t, zv := range zrow {
			s += zv * B[t]
		}
		ZR[r] = -s
	}
	zh := li * li
	for r, b := range B {
		zh -= b * ZR[r]
	}
	Zh := gw.zd[:1]
	Zh[0] = zh
	return ZR, Zh
}

// nodeInverse2 is nodeInverse for q = 2 written out (the same operations
// in the same order), with L⁻¹ = [a 0; b c].
func nodeInverse2(L, W, Zp []float64, mr int, gw *scratch) ([]float64, []float64) {
	a, c := 1/L[0], 1/L[3]
	b := -L[2] * a * c
	B := gw.bw[: 2*mr : 2*mr]
	for r := 0; r < mr; r++ {
		w0, w1 := W[2*r], W[2*r+1]
		B[2*r] = w0*a + w1*b
		B[2*r+1] = w1 * c
	}
	ZR := gw.zrh[: 2*mr : 2*mr]
	for r := 0; r < mr; r++ {
		zrow := Zp[r*mr : (r+1)*mr]
		s0, s1 := 0.0, 0.0
		for t, zv := range zrow {
			s0 += zv * B[2*t]
			s1 += zv * B[2*t+1]
		}
		ZR[2*r], ZR[2*r+1] = -s0, -s1
	}
	z00, z10, z11 := a*a+b*b, c*b, c*c
	for r := 0; r < mr; r++ {
		b0, b1 := B[2*r], B[2*r+1]
		z00 -= b0 * ZR[2*r]
		z10 -= b1 * ZR[2*r]
		z11 -= b1 * ZR[2*r+1]
	}
	Zh := gw.zd[:4]
	Zh[0], Zh[1], Zh[2], Zh[3] = z00, z10, z10, z11
	return ZR, Zh
}

// fillNodeZ writes the node's full block of the inverse, [Z_hh Z_Rᵀ; Z_R
// Zp] (m×m with m = q + mr), into Z.
func fillNodeZ(Z, Zp, ZR, Zh []float64, q, mr int) {
	m := q + mr
	for i := 0; i < q; i++ {
		copy(Z[i*m:i*m+q], Zh[i*q:(i+1)*q])
	}
	for r := 0; r < mr; r++ {
		for i := 0; i < q; i++ {
			Z[(q+r)*m+i] = ZR[r*q+i]
			Z[i*m+q+r] = ZR[r*q+i]
		}
		copy(Z[(q+r)*m+q:(q+r+1)*m], Zp[r*mr:(r+1)*mr])
	}
}

// ancestorRows is U = D_rᵀ F_ro (mr×q): the rows of F below the node's
// block, scaled by the ancestors' Λ (the rest rows past them as they are).
func (e *engine) ancestorRows(l int, F []float64, fs int, gw *scratch) []float64 {
	d := e.d
	q := d.levels[l].q
	mr := e.mdim[l] - q
	U := gw.u[:mr*q]
	o := 0
	for a := l + 1; a < len(d.levels); a++ {
		qa := d.levels[a].q
		la := e.lam[a]
		for c := 0; c < qa; c++ { // U[o+c] = Σ_{c' ≥ c} Λ_a[c'][c] F[q+o+c']
			for i := 0; i < q; i++ {
				s := 0.0
				for k := c; k < qa; k++ {
					s += la[k*qa+c] * F[(q+o+k)*fs+i]
				}
				U[(o+c)*q+i] = s
			}
		}
		o += qa
	}
	for r := o; r < mr; r++ {
		copy(U[r*q:(r+1)*q], F[(q+r)*fs:(q+r)*fs+q])
	}
	return U
}

// addOwnGrad adds the derivatives in the node's own θ: Q = Z_hh (Λᵀ F_oo)
// + Z_Rᵀ U, of which Q[j][i] with i ≥ j is needed.
func (e *engine) addOwnGrad(l int, Zh, ZR, U, F []float64, fs int, gw *scratch, grad []float64) {
	d := e.d
	q := d.levels[l].q
	mr := e.mdim[l] - q
	lam := e.lam[l]
	off := d.levels[l].thetaOff
	switch q {
	case 1:
		addOwnGrad1(lam[0]*F[0], Zh, ZR, U, mr, grad[off:])
		return
	case 2:
		addOwnGrad2(lam, Zh, ZR, U, F, fs, mr, grad[off:])
		return
	}
	LF := gw.lf[:q*q] // Λᵀ F_oo
	for i := 0; i < q; i++ {
		for c := 0; c < q; c++ {
			s := 0.0
			for k := i; k < q; k++ {
				fk := F[k*fs+c]
				if c > k {
					fk = F[c*fs+k]
				}
				s += lam[k*q+i] * fk
			}
			LF[i*q+c] = s
		}
	}
	k := off
	for jj := 0; jj < q; jj++ {
		for ii := jj; ii < q; ii++ {
			s := 0.0
			for t := 0; t < q; t++ {
				s += Zh[jj*q+t] * LF[t*q+ii]
			}
			for r := 0; r < mr; r++ {
				s += ZR[r*q+jj] * U[r*q+ii]
			}
			grad[k] += s
			k++
		}
	}
}

// addOwnGrad1 is addOwnGrad for q = 1 written out (the same operations in
// the same order), lf = Λᵀ F_oo.
func addOwnGrad1(lf float64, Zh, ZR, U []float64, mr int, grad []float64) {
	s := Zh[0] * lf
	for r, z := range ZR[:mr] {
		s += z * U[r]
	}
	grad[0] += s
}

// addOwnGrad2 is addOwnGrad for q = 2 written out (the same operations in
// the same order): θ in lme4's order (0,0), (1,0), (1,1).
func addOwnGrad2(lam, Zh, ZR, U, F []float64, fs, mr int, grad []float64) {
	f00, f10, f11 := F[0], F[fs], F[fs+1]
	lf00 := lam[0]*f00 + lam[2]*f10
	lf01 := lam[0]*f10 + lam[2]*f11
	lf10 := lam[3] * f10
	lf11 := lam[3] * f11
	s00 := Zh[0] * lf00
	s00 += Zh[1] * lf10
	s01 := Zh[0] * lf01
	s01 += Zh[1] * lf11
	s11 := Zh[2] * lf01
	s11 += Zh[3] * lf11
	for r := 0; r < mr; r++ {
		z0, z1 := ZR[2*r], ZR[2*r+1]
		u0, u1 := U[2*r], U[2*r+1]
		s00 += z0 * u0
		s01 += z0 * u1
		s11 += z1 * u1
	}
	grad[0] += s00
	grad[1] += s01
	grad[2] += s11
}

// addAncestorGrad adds the derivatives in the ancestors' θ:
// P[b][a] = Σ_i Z_R[b][i] (F_ro Λ)[a][i].
func (e *engine) addAncestorGrad(l int, ZR, F []float64, fs int, grad []float64) {
	d := e.d
	q := d.levels[l].q
	lam := e.lam[l]
	o := 0
	for a := l + 1; a < len(d.levels); a++ {
		lv := d.levels[a]
		qa := lv.q
		k := lv.thetaOff
		for jj := 0; jj < qa; jj++ {
			for ii := jj; ii < qa; ii++ {
				fr := F[(q+o+ii)*fs : (q+o+ii)*fs+q]
				s := 0.0
				for i := 0; i < q; i++ {
					v := 0.0 // (F_ro Λ)[o+ii][i]
					for c := i; c < q; c++ {
						v += fr[c] * lam[c*q+i]
					}
					s += ZR[(o+jj)*q+i] * v
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
