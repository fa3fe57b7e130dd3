package mixed

// scalarLeaf enables leafGradient1 (tests turn it off to compare with the
// general nodeGradient).
var scalarLeaf = true

// scalarChain reports whether every level has one random effect (q = 1:
// nested random intercepts such as (1 | therapist/patient)), so that the
// finest level's gradient terms can be made by leafGradient1.
func (e *engine) scalarChain() bool {
	if !scalarLeaf {
		return false
	}
	for _, lv := range e.d.levels {
		if lv.q != 1 {
			return false
		}
	}
	return len(e.d.levels) > 0
}

// leafGradient1 is gradientNodes' finest level for a scalar chain
// (scalarChain), the calls of nodeGradient written out into one loop over
// the nodes: the same operations in the same order, so the same sums to
// the last bit. For node j with factor L, rows W below it (mr = m − 1) and
// the parent's block Zp of the combined inverse (nodeInverse1:
// B = W/L, Z_R = −Zp B, z_hh = 1/L² − Bᵀ Z_R),
//
//	∂d/∂θ_own += z_hh λ F₀₀ + Σ_r Z_R[r] U_r,   ∂d/∂θ_a += Z_R[a] (F_a0 λ),
//
// with U_r = λ_r F_r0 for the ancestors' rows r and F_r0 past them (the
// [X y] rows), λ the node's level's θ and λ_r that of ancestor r. Each
// gradient entry is accumulated in node order as gradientNodes does.
func (e *engine) leafGradient1(nodes [][]int32, sc *scratch, Zt []float64, gw *gradWork, grad []float64) {
	d := e.d
	nl := len(d.levels)
	lv := d.levels[0]
	m, mp := e.mdim[0], e.mdim[1]
	mr := m - 1
	na := nl - 1 // ancestors: rows 1..na of F, level a+1 each (θ la[a], ∂d/∂θ acc[a])
	fs := e.stride(0)
	m0 := d.m0
	la := sc.lf[:na]
	acc := sc.u[:na]
	for a := 0; a < na; a++ {
		la[a] = e.lam[a+1][0]
		acc[a] = grad[d.levels[a+1].thetaOff]
	}
	lam := e.lam[0][0]
	own := grad[lv.thetaOff]
	Ls, Ws := e.fac[0].L, e.fac[0].W
	for i, n := 0, e.visits(nodes, 0); i < n; i++ {
		j := visit(nodes, 0, i)
		Zp := Zt
		if nl > 1 {
			par := lv.parent[j]
			Zp = gw.zf[1][par*mp*mp : (par+1)*mp*mp]
		}
		Zp = Zp[:mr*mr]
		F := e.S[j*m0*fs : (j+1)*m0*fs]
		F = F[:mr*fs+1]
		ZR, Zh := nodeInverse1(Ls[j], Ws[j*mr:(j+1)*mr], Zp, mr, sc)
		s := Zh[0] * (lam * F[0])
		for r := 0; r < mr; r++ {
			f := F[(1+r)*fs]
			if r < na {
				u := 0.0
				u += la[r] * f
				f = u
			}
			s += ZR[r] * f
		}
		own += s
		for a := 0; a < na; a++ {
			v := 0.0
			v += F[(1+a)*fs] * lam
			t := 0.0
			t += ZR[a] * v
			acc[a] += t
		}
	}
	grad[lv.thetaOff] = own
	for a := 0; a < na; a++ {
		grad[d.levels[a+1].thetaOff] = acc[a]
	}
}
