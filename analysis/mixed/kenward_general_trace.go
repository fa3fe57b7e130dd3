package mixed

// The expected-information traces of one component of the general path's
// Kenward–Roger computation (kenward_general.go): with σ²M = N − D, D =
// WHWᵀ, and E_i supported on the diagonal blocks of its level's nodes,
//
//	σ⁴ tr(E_iME_jM) = Σ_Π tr(E_i N E_j (N − 2D)) + tr(HΩ_iHΩ_j),  Ω_i = WᵀE_iW,
//
// the first sum running over the blocks (c, c′) where N can be nonzero
// (a finest group with itself, a finest group with a coupled node it
// shares rows with, two coupled nodes); and with T = A⁻¹Y, whose column
// block of node c is T_c = BdY_c + ΓHW_cᵀ,
//
//	σ⁴ (ZᵀΣ⁻²Z)_cc = N_cc − D_cc − T_cᵀT_c,
//	T_cᵀT_c = (BdY_c)ᵀBdY_c + g_cᵀh_c + h_cᵀg_c + h_cᵀ(ΓᵀΓ)h_c,   g_c = ΓᵀBdY_c, h_c = HW_cᵀ,
//	‖A⁻¹‖²_F = Σ_p ‖A_pp⁻¹‖²_F + 2 Σ_p tr(A_pp⁻¹J_pHJ_pᵀ) + tr((HΓᵀΓ)²).

// krTraceParts are the blocks the traces read: per finest group Z_pp =
// N_pp − 2D_pp, Z_ρp = N_ρp − 2D_ρp (r × q0) and σ⁴(ZᵀΣ⁻²Z)_pp; the dense
// Z_RR and σ⁴(ZᵀΣ⁻²Z)_RR (its diagonal node blocks only); HΩ_i for every
// random-effects parameter; ‖A⁻¹‖²_F.
type krTraceParts struct {
	Zpp, Zrp, M2p [][]float64
	ZRR, M2R      []float64
	HOm           [][]float64
	trA2          float64
}

// traceParts computes the component's krTraceParts.
func (c *krComp) traceParts(st *krSetup) *krTraceParts {
	q0, qR := c.q0, c.qR
	np := len(c.pn)
	tp := &krTraceParts{Zpp: make([][]float64, np), Zrp: make([][]float64, np), M2p: make([][]float64, np)}
	BB, Gm := make([]float64, qR*qR), make([]float64, qR*qR) // Σ_p B_pρᵀB_pρ, Σ_p J_pᵀB_pρ
	for i, co := range c.co {
		r := len(co)
		W, J := c.W[i], c.J[i]
		hp := make([]float64, qR*q0) // H W_pᵀ
		for x := 0; x < qR; x++ {
			Hx := c.H[x*qR : (x+1)*qR]
			for a := 0; a < q0; a++ {
				s := 0.0
				for t, y := range co {
					s += Hx[y] * W[a*r+t]
				}
				hp[x*q0+a] = s
			}
		}
		hpc := make([]float64, r*q0) // its rows ρ(p)
		Hcc := make([]float64, r*r)  // H_ρρ
		Drp := make([]float64, r*q0) // W_ρ H W_pᵀ
		for s, y := range co {
			copy(hpc[s*q0:(s+1)*q0], hp[y*q0:(y+1)*q0])
			for t, z := range co {
				Hcc[s*r+t] = c.H[y*qR+z]
			}
			addRowComb(Drp[s*q0:(s+1)*q0], c.WR[y*qR:(y+1)*qR], hp, q0, nil)
		}
		Dpp := matMul(W, hpc, q0, r, q0)
		Zpp := make([]float64, q0*q0)
		for a := range Zpp {
			Zpp[a] = c.Npp[i][a] - 2*Dpp[a]
		}
		Zrp := make([]float64, r*q0)
		for s := 0; s < r; s++ {
			for a := 0; a < q0; a++ {
				Zrp[s*q0+a] = c.Npr[i][a*r+s] - 2*Drp[s*q0+a]
			}
		}
		Jt := transpose(J, q0, r)
		g := matMul(Jt, c.Bpp[i], r, q0, q0)
		gh := matMul(transpose(g, r, q0), hpc, q0, r, q0)
		TT := matMul(transpose(c.Bpp[i], q0, q0), c.Bpp[i], q0, q0, q0)
		addTMul(TT, hp, matMul(c.G, hp, qR, qR, q0), qR, q0, q0, 1)
		M2 := make([]float64, q0*q0)
		for a := 0; a < q0; a++ {
			for b := 0; b < q0; b++ {
				tt := TT[a*q0+b] + gh[a*q0+b] + gh[b*q0+a]
				M2[a*q0+b] = c.Npp[i][a*q0+b] - Dpp[a*q0+b] - tt
			}
		}
		tp.Zpp[i], tp.Zrp[i], tp.M2p[i] = Zpp, Zrp, M2
		JHJ := matMul(matMul(J, Hcc, q0, r, r), Jt, q0, r, q0)
		tp.trA2 += frob(c.Ainv[i], c.Ainv[i]) + 2*traceProd(c.Ainv[i], JHJ, q0)
		c.scatter(BB, co, matMul(transpose(c.Bpr[i], q0, r), c.Bpr[i], r, q0, r), 1)
		c.scatter(Gm, co, matMul(Jt, c.Bpr[i], r, q0, r), 1)
	}
	c.coupledParts(tp, BB, Gm)
	for _, pr := range st.pars[:len(st.pars)-1] {
		tp.HOm = append(tp.HOm, matMul(c.H, c.omega(pr), qR, qR, qR))
	}
	return tp
}

// coupledParts sets the coupled block's Z_RR, σ⁴(ZᵀΣ⁻²Z)_cc for its nodes
// and adds tr((HΓᵀΓ)²) to ‖A⁻¹‖²_F, from BB = Σ_p B_pρᵀB_pρ (the blocks
// (BdY_c)ᵀBdY_c) and Gm = Σ_p J_pᵀB_pρ (the columns g_c).
func (c *krComp) coupledParts(tp *krTraceParts, BB, Gm []float64) {
	qR := c.qR
	hR := matMul(c.H, c.WRt, qR, qR, qR) // columns h_c
	DRR := matMul(c.WR, hR, qR, qR, qR)
	tp.ZRR = make([]float64, qR*qR)
	for a := range DRR {
		tp.ZRR[a] = c.NRR[a] - 2*DRR[a]
	}
	GhR := matMul(c.G, hR, qR, qR, qR)
	tp.M2R = make([]float64, qR*qR)
	for j := range c.rl {
		o, q := c.ro[j], c.ro[j+1]-c.ro[j]
		for a := o; a < o+q; a++ {
			for b := o; b < o+q; b++ {
				tt := BB[a*qR+b]
				for x := 0; x < qR; x++ {
					tt += Gm[x*qR+a]*hR[x*qR+b] + hR[x*qR+a]*Gm[x*qR+b] + hR[x*qR+a]*GhR[x*qR+b]
				}
				tp.M2R[a*qR+b] = c.NRR[a*qR+b] - DRR[a*qR+b] - tt
			}
		}
	}
	HG := matMul(c.H, c.G, qR, qR, qR)
	tp.trA2 += traceProd(HG, HG, qR)
}

// omega returns Ω_i = WᵀE_iW = Σ_nodes Σ_(x,y) W_xᵀW_y (qR × qR).
func (c *krComp) omega(pr krParam) []float64 {
	qR := c.qR
	Om := make([]float64, qR*qR)
	if pr.l > 0 {
		for _, o := range c.roff[pr.l] {
			for _, xy := range pr.pairs() {
				addOuter(Om, c.WR[(o+xy[0])*qR:(o+xy[0]+1)*qR], c.WR[(o+xy[1])*qR:(o+xy[1]+1)*qR], qR)
			}
		}
		return Om
	}
	for i, co := range c.co {
		r := len(co)
		W := c.W[i]
		for _, xy := range pr.pairs() {
			wx, wy := W[xy[0]*r:(xy[0]+1)*r], W[xy[1]*r:(xy[1]+1)*r]
			for s, a := range co {
				if wx[s] == 0 {
					continue
				}
				row := Om[a*qR : (a+1)*qR]
				for t, b := range co {
					row[b] += wx[s] * wy[t]
				}
			}
		}
	}
	return Om
}

// traceSums adds the component's tr(Σ⁻¹G_iΣ⁻¹G_j) to acc.K (i ≤ j):
// tr(E_iME_jM), tr(E_iZᵀΣ⁻²Z) with σ², and tr Σ⁻² = (n − q + ‖A⁻¹‖²_F)/σ⁴.
func (c *krComp) traceSums(st *krSetup, acc *krSums) {
	tp := c.traceParts(st)
	k := len(st.pars)
	s4 := st.s2 * st.s2
	for j := 0; j < k-1; j++ {
		for i := 0; i <= j; i++ {
			acc.K[i*k+j] += (c.piSum(st.pars[i], st.pars[j], tp) + traceProd(tp.HOm[i], tp.HOm[j], c.qR)) / s4
		}
		acc.K[j*k+k-1] += c.diagSum(st.pars[j], tp) / s4
	}
	acc.K[(k-1)*k+k-1] += (float64(c.n-c.qc()) + tp.trA2) / s4
}

// diagSum returns σ⁴ tr(E_iZᵀΣ⁻²Z) = Σ_nodes Σ_(x,y) σ⁴(ZᵀΣ⁻²Z)_{yx}.
func (c *krComp) diagSum(pr krParam, tp *krTraceParts) float64 {
	s := 0.0
	for _, xy := range pr.pairs() {
		x, y := xy[0], xy[1]
		if pr.l == 0 {
			for _, M := range tp.M2p {
				s += M[y*c.q0+x]
			}
			continue
		}
		for _, o := range c.roff[pr.l] {
			s += tp.M2R[(o+y)*c.qR+o+x]
		}
	}
	return s
}

// piSum returns Σ_Π tr(E_i N_cc′ E_j Z_c′c) = Σ Σ_(x,y)∈i Σ_(u,v)∈j N_{c+y, c′+u} Z_{c′+v, c+x}
// over the blocks (c, c′) of levels l_i ≤ l_j where N can be nonzero.
func (c *krComp) piSum(pi, pj krParam, tp *krTraceParts) float64 {
	if pi.l > pj.l {
		pi, pj = pj, pi
	}
	ei, ej := pi.pairs(), pj.pairs()
	q0, qR := c.q0, c.qR
	s := 0.0
	switch {
	case pj.l == 0:
		for i, N := range c.Npp {
			Z := tp.Zpp[i]
			for _, xy := range ei {
				for _, uv := range ej {
					s += N[xy[1]*q0+uv[0]] * Z[uv[1]*q0+xy[0]]
				}
			}
		}
	case pi.l == 0:
		for i, rho := range c.rho {
			r := len(c.co[i])
			N, Z := c.Npr[i], tp.Zrp[i]
			for t, j := range rho {
				if c.rl[j] != pj.l {
					continue
				}
				cu := c.cof[i][t]
				for _, xy := range ei {
					for _, uv := range ej {
						s += N[xy[1]*r+cu+uv[0]] * Z[(cu+uv[1])*q0+xy[0]]
					}
				}
			}
		}
	default:
		for _, o := range c.roff[pi.l] {
			for _, o2 := range c.roff[pj.l] {
				for _, xy := range ei {
					for _, uv := range ej {
						s += c.NRR[(o+xy[1])*qR+o2+uv[0]] * tp.ZRR[(o2+uv[1])*qR+o+xy[0]]
					}
				}
			}
		}
	}
	return s
}
