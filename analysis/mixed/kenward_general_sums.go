package mixed

// The products and sums of one component of the general path's
// Kenward–Roger computation (kenward_general.go gives the formulas): every
// q_c × m matrix is laid out as the finest groups' q0 rows each, then the
// coupled block's qR rows.

// lamMul overwrites V (q_c × m) with ΛV, or ΛᵀV when trans, node by node.
func (c *krComp) lamMul(V []float64, m int, lam [][]float64, trans bool) {
	q0 := c.q0
	for i := range c.pn {
		lowerMul(lam[0], q0, V[i*q0*m:(i+1)*q0*m], m, trans)
	}
	for j, l := range c.rl {
		o, q := c.rb+c.ro[j], c.ro[j+1]-c.ro[j]
		lowerMul(lam[l], q, V[o*m:(o+q)*m], m, trans)
	}
}

// lowerMul overwrites the q × m B with LB, or LᵀB when trans.
func lowerMul(L []float64, q int, B []float64, m int, trans bool) {
	if q == 1 {
		for i := range B {
			B[i] *= L[0]
		}
		return
	}
	tmp := make([]float64, q*m)
	for i := 0; i < q; i++ {
		for k := 0; k < q; k++ {
			l := L[i*q+k]
			if trans {
				l = L[k*q+i]
			}
			if l == 0 {
				continue
			}
			for j := 0; j < m; j++ {
				tmp[i*m+j] += l * B[k*m+j]
			}
		}
	}
	copy(B, tmp)
}

// addMulTo adds the r × c product a b (a r × n, b n × c) to out.
func addMulTo(out, a, b []float64, r, n, c int) {
	for i := 0; i < r; i++ {
		addRowComb(out[i*c:(i+1)*c], a[i*n:(i+1)*n], b, c, nil)
	}
}

// addRowComb adds Σ_t w_t b_{rows[t]} to out (b's rows of length c; rows
// nil: row t).
func addRowComb(out, w, b []float64, c int, rows []int) {
	for t, v := range w {
		if v == 0 {
			continue
		}
		y := t
		if rows != nil {
			y = rows[t]
		}
		bt := b[y*c : (y+1)*c]
		for j := range out {
			out[j] += v * bt[j]
		}
	}
}

// gatherMul adds A·X[co] to out (rows × m) for the rows × r A and the
// qR × m X.
func gatherMul(out, A, X []float64, co []int, rows, m int) {
	r := len(co)
	for a := 0; a < rows; a++ {
		addRowComb(out[a*m:(a+1)*m], A[a*r:(a+1)*r], X, m, co)
	}
}

// scatterTMul adds AᵀY to the rows co of out (qR × m) for the rows × r A
// and the rows × m Y.
func scatterTMul(out, A, Y []float64, co []int, rows, m int) {
	r := len(co)
	for a := 0; a < rows; a++ {
		ya := Y[a*m : (a+1)*m]
		for t, x := range co {
			v := A[a*r+t]
			if v == 0 {
				continue
			}
			o := out[x*m : (x+1)*m]
			for j, y := range ya {
				o[j] += v * y
			}
		}
	}
}

// ainv returns A⁻¹V = BdV + ΓH(ΓᵀV) for the q_c × m V: with g = ΓᵀV =
// Σ_p J_pᵀV_p − V_R and h = Hg, (A⁻¹V)_p = A_pp⁻¹V_p + J_p h_ρ(p) and
// (A⁻¹V)_R = −h.
func (c *krComp) ainv(V []float64, m int) []float64 {
	q0, qR, rb := c.q0, c.qR, c.rb
	g := make([]float64, qR*m)
	for j := range g {
		g[j] = -V[rb*m+j]
	}
	for i, co := range c.co {
		scatterTMul(g, c.J[i], V[i*q0*m:], co, q0, m)
	}
	h := matMul(c.H, g, qR, qR, m)
	out := make([]float64, c.qc()*m)
	for i, co := range c.co {
		oi := out[i*q0*m : (i+1)*q0*m]
		addMulTo(oi, c.Ainv[i], V[i*q0*m:], q0, q0, m)
		gatherMul(oi, c.J[i], h, co, q0, m)
	}
	for j, v := range h {
		out[rb*m+j] = -v
	}
	return out
}

// symMul returns KV for the q_c × m V and the symmetric K of S's pattern
// given by its blocks: pp (per finest group), pr (its coupled columns)
// and the dense rr.
func (c *krComp) symMul(pp, pr [][]float64, rr, V []float64, m int) []float64 {
	q0, qR, rb := c.q0, c.qR, c.rb
	out := make([]float64, c.qc()*m)
	for i, co := range c.co {
		Vi := V[i*q0*m : (i+1)*q0*m]
		oi := out[i*q0*m : (i+1)*q0*m]
		addMulTo(oi, pp[i], Vi, q0, q0, m)
		gatherMul(oi, pr[i], V[rb*m:], co, q0, m)
		scatterTMul(out[rb*m:], pr[i], Vi, co, q0, m)
	}
	addMulTo(out[rb*m:], rr, V[rb*m:], qR, qR, m)
	return out
}

// mmul returns MV = (NV − W H WᵀV)/σ² for the q_c × m V.
func (c *krComp) mmul(V []float64, m int, s2 float64) []float64 {
	q0, qR, rb := c.q0, c.qR, c.rb
	wt := make([]float64, qR*m) // WᵀV
	addMulTo(wt, c.WRt, V[rb*m:], qR, qR, m)
	for i, co := range c.co {
		scatterTMul(wt, c.W[i], V[i*q0*m:], co, q0, m)
	}
	h := matMul(c.H, wt, qR, qR, m)
	out := c.symMul(c.Npp, c.Npr, c.NRR, V, m)
	wh := make([]float64, c.qc()*m) // W h
	for i, co := range c.co {
		gatherMul(wh[i*q0*m:(i+1)*q0*m], c.W[i], h, co, q0, m)
	}
	addMulTo(wh[rb*m:], c.WR, h, qR, qR, m)
	for j := range out {
		out[j] = (out[j] - wh[j]) / s2
	}
	return out
}

// coords returns the component coordinates of level l's nodes.
func (c *krComp) coords(l int) []int {
	if l > 0 {
		out := make([]int, len(c.roff[l]))
		for j, o := range c.roff[l] {
			out[j] = c.rb + o
		}
		return out
	}
	out := make([]int, len(c.pn))
	for i := range out {
		out[i] = i * c.q0
	}
	return out
}

// applyE returns E_iB for the q_c × m B: (E_iB)_{o+x} = B_{o+y} for every
// node o of the parameter's level and every pair (x, y) of its pattern.
func (c *krComp) applyE(pr krParam, B []float64, m int) []float64 {
	out := make([]float64, len(B))
	for _, o := range c.coords(pr.l) {
		for _, xy := range pr.pairs() {
			dst, src := out[(o+xy[0])*m:(o+xy[0]+1)*m], B[(o+xy[1])*m:(o+xy[1]+1)*m]
			for j, v := range src {
				dst[j] += v
			}
		}
	}
	return out
}

// fixedSums adds the component's XᵀΣ⁻¹X, P_i and Q_ij: with t =
// ΛA⁻¹ΛᵀU, U₁ = U − St = σ²C, t₁ = ΛA⁻¹ΛᵀU₁ and C₂ = (U₁ − St₁)/σ⁴ =
// ZᵀΣ⁻²X,
//
//	XᵀΣ⁻¹X = (XᵀX − Uᵀt)/σ²,  P_i = −(E_iC)ᵀC,  Q_ij = (E_iC)ᵀM(E_jC),  Q_iσ = (E_iC)ᵀC₂,
//	P_σ = −X₁ᵀX₁/σ⁴,  Q_σσ = (X₁ᵀX₁ − U₁ᵀt₁)/σ⁶.
func (c *krComp) fixedSums(d *design, codes [][]int, nlev, loc []int, st *krSetup, acc *krSums) {
	p, qc, s2 := c.p, c.qc(), st.s2
	k := len(st.pars)
	solve := func(V []float64) []float64 { // ΛA⁻¹ΛᵀV
		W := append([]float64(nil), V...)
		c.lamMul(W, p, st.lam, true)
		t := c.ainv(W, p)
		c.lamMul(t, p, st.lam, false)
		return t
	}
	t := solve(c.U)
	U1 := sub(c.U, c.symMul(c.Spp, c.Spr, c.SRR, t, p))
	C := scaled(U1, 1/s2)
	for i, v := range c.XX {
		acc.XtVX[i] += v / s2
	}
	addTMul(acc.XtVX, c.U, t, qc, p, p, -1/s2)
	X1 := c.x1Gram(d, codes, nlev, loc, t)
	t1 := solve(U1)
	C2 := scaled(sub(U1, c.symMul(c.Spp, c.Spr, c.SRR, t1, p)), 1/(s2*s2))
	X3 := append([]float64(nil), X1...)
	addTMul(X3, U1, t1, qc, p, p, -1)
	B := make([][]float64, k-1)
	for i, pr := range st.pars[:k-1] {
		B[i] = c.applyE(pr, C, p)
		addTMul(acc.P[i], C, B[i], qc, p, p, -1)
		addTMul(acc.Qm[i*k+k-1], B[i], C2, qc, p, p, 1)
	}
	for j := range B {
		MB := c.mmul(B[j], p, s2)
		for i := 0; i <= j; i++ {
			addTMul(acc.Qm[i*k+j], B[i], MB, qc, p, p, 1)
		}
	}
	s4, s6 := s2*s2, s2*s2*s2
	for i := range X1 {
		acc.P[k-1][i] -= X1[i] / s4
		acc.Qm[(k-1)*k+k-1][i] += X3[i] / s6
	}
}

// x1Gram returns X₁ᵀX₁ for X₁ = X − Zt, row by row over the component.
func (c *krComp) x1Gram(d *design, codes [][]int, nlev, loc []int, t []float64) []float64 {
	p, m0 := d.p, d.m0
	Q := m0 - p - 1
	out := make([]float64, p*p)
	w := make([]float64, p)
	sub := func(z []float64, o int) { // w −= zᵀ t_o
		for a, za := range z {
			if za == 0 {
				continue
			}
			for j, v := range t[(o+a)*p : (o+a+1)*p] {
				w[j] -= za * v
			}
		}
	}
	for i, g := range c.pn {
		for r := d.start[g]; r < d.start[g+1]; r++ {
			v := d.rows[r*m0 : (r+1)*m0]
			copy(w, v[Q:Q+p])
			for l, lv := range d.levels {
				o := i * c.q0
				if l > 0 {
					o = c.rb + c.ro[loc[nlev[l]+codes[l][r]]]
				}
				sub(v[lv.off:lv.off+lv.q], o)
			}
			addOuter(out, w, w, p)
		}
	}
	return out
}
