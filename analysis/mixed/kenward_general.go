package mixed

import (
	"fmt"
	"slices"

	"github.com/alliance-research/alliance/analysis/errs"
	"github.com/alliance-research/alliance/analysis/internal/linalg"
)

// The Kenward–Roger sums on the general path (crossed or partially crossed
// factors, uncorrelated terms, several terms on one factor): Kenward &
// Roger (1997, Biometrics 53, 983–997) as pbkrtest 0.5.2 computes them
// (Halekoh & Højsgaard 2014, J. Stat. Softw. 59(9), section 3), with
//
//	Σ = ZDZᵀ + σ²I = σ²(ZΛΛᵀZᵀ + I),   G_i = Z E_i Zᵀ (or I for σ²),
//
// D = σ²ΛΛᵀ block diagonal over the groups of every term and E_i the 0/1
// pattern of parameter i (entries (a, b) and (b, a) of each of its term's
// blocks). No n × n matrix is formed. With S = ZᵀZ, U = ZᵀX, Y = ΛᵀS and
// A = ΛᵀSΛ + I, the Woodbury identity Σ⁻¹ = σ⁻²(I − ZΛA⁻¹ΛᵀZᵀ) gives, in
// the q random-effects coordinates,
//
//	M  = ZᵀΣ⁻¹Z  = (S − YᵀA⁻¹Y)/σ²,      C = ZᵀΣ⁻¹X = (U − St)/σ²,  t = ΛA⁻¹ΛᵀU,
//	XᵀΣ⁻¹X = (XᵀX − Uᵀt)/σ²,           XᵀΣ⁻²X = X₁ᵀX₁/σ⁴,  X₁ = X − Zt,
//	ZᵀΣ⁻²X = (U₁ − St₁)/σ⁴,             XᵀΣ⁻³X = (X₁ᵀX₁ − U₁ᵀt₁)/σ⁶,  U₁ = ZᵀX₁, t₁ = ΛA⁻¹ΛᵀU₁,
//	ZᵀΣ⁻²Z = (σ²M − YᵀA⁻²Y)/σ⁴,         tr Σ⁻² = (n − q + ‖A⁻¹‖²_F)/σ⁴,
//
// so that P_i = −CᵀE_iC, Q_ij = CᵀE_iME_jC, Q_iσ = CᵀE_i(ZᵀΣ⁻²X),
// tr(Σ⁻¹G_iΣ⁻¹G_j) = tr(E_iME_jM) and tr(Σ⁻¹G_iΣ⁻¹) = tr(E_iZᵀΣ⁻²Z).
//
// Σ is block diagonal over the connected components of the random-effects
// graph (groups joined when a row belongs to both), so the sums are taken
// component by component. Within one, the groups of the finest factor
// (level 0, the most groups: patients crossed with raters) share no row,
// so A's block A_PP over them is block diagonal; the rest of the
// component's effects, R (the raters), are "coupled". Eliminating P,
//
//	A⁻¹ = Bd + ΓHΓᵀ,   Bd = diag(A_pp⁻¹, 0),   Γ = [J; −I],  J_p = A_pp⁻¹A_pR,
//	H = (A_RR − Σ_p A_Rp A_pp⁻¹ A_pR)⁻¹ (the Schur complement, dense),
//	σ²M = N − WHWᵀ,    N = S − YᵀBdY,   W = YᵀΓ,
//
// where N has S's pattern (P diagonal blocks, the P×R blocks of groups
// that share rows, a dense R×R block) and W's P rows are as sparse as
// S_PR. Every trace then reduces to sums over those blocks plus
// tr(HΩ_iHΩ_j) with Ω_i = WᵀE_iW (dim R × dim R); the cost is
// O(Σ_p r_p² + k·q_R³) per component for r_p the coupled effects of group
// p, linear in the number of finest groups.

// krMaxCoupled bounds the coupled random effects of one component (its
// dense part is cubic in them).
const krMaxCoupled = 2000

// krComp is one connected component: its finest groups P (q0 effects
// each, coordinates i·q0 for the i-th) and coupled nodes R (coordinates
// rb + ro[j]), q_c = rb + qR in all; per finest group its coupled nodes
// ρ(p) and blocks, and the dense R blocks.
type krComp struct {
	p, q0, qR, rb, n int
	pn               []int   // the finest groups
	rn               []int   // the coupled nodes (global node = nlev[l] + group), ascending
	rl, ro           []int   // level and R coordinate of each coupled node (ro has a last entry qR)
	roff             [][]int // per level ≥ 1, the R coordinates of its nodes
	// Per finest group p (r = its coupled columns, co their R coordinates,
	// cof the column offset of each node of rho within them).
	rho, cof, co [][]int
	Spp, Spr     [][]float64 // S_pp (q0 × q0), S_pρ (q0 × r)
	Ainv, J      [][]float64 // A_pp⁻¹, J_p = A_pp⁻¹A_pρ (q0 × r)
	Npp, Npr     [][]float64 // N's blocks
	W            [][]float64 // W_p (q0 × r)
	Bpp, Bpr     [][]float64 // A_pp⁻¹Y_pp, A_pp⁻¹Y_pρ
	// Dense R blocks (qR × qR): S_RR, N_RR, W_RR and its transpose, Λ_R, H
	// and ΓᵀΓ.
	SRR, NRR, WR, WRt, LR, H, G []float64
	U, XX                       []float64 // ZᵀX (q_c × p) and XᵀX
}

func (c *krComp) qc() int { return c.rb + c.qR }

// krGeneralSums adds every component's sums to acc. codes[l][r] is the
// group of row r at level l (d.codes on the general path; a test passes
// the nested path's too).
func (m *Model) krGeneralSums(st *krSetup, codes [][]int, acc *krSums) error {
	d := m.d
	pn, rn, nlev := krComponents(d, codes)
	loc := make([]int, nlev[len(nlev)-1]) // global node → its index in the component
	pos := make([]int, len(loc))          // global node → its position in the current ρ(p)
	for ci := range pn {
		c, err := newKRComp(d, codes, nlev, pn[ci], rn[ci], loc, pos)
		if err != nil {
			return err
		}
		if err := c.eliminate(st.lam); err != nil {
			return err
		}
		c.fixedSums(d, codes, nlev, loc, st, acc)
		c.traceSums(st, acc)
	}
	return nil
}

// krComponents returns the connected components of the random-effects
// graph, each as its finest groups and its other nodes (global node
// nlev[l] + group), both ascending, and the node offsets nlev of the
// levels.
func krComponents(d *design, codes [][]int) (pn, rn [][]int, nlev []int) {
	nl := len(d.levels)
	nlev = make([]int, nl+1)
	for l, lv := range d.levels {
		nlev[l+1] = nlev[l] + lv.nodes
	}
	par := make([]int, nlev[nl])
	for i := range par {
		par[i] = i
	}
	find := func(x int) int {
		for par[x] != x {
			par[x] = par[par[x]]
			x = par[x]
		}
		return x
	}
	for r := 0; r < d.n; r++ {
		a := find(codes[0][r])
		for l := 1; l < nl; l++ {
			if b := find(nlev[l] + codes[l][r]); b != a {
				par[b] = a
			}
		}
	}
	comp := make([]int, len(par))
	for i := range comp {
		comp[i] = -1
	}
	for j := 0; j < nlev[1]; j++ {
		root := find(j)
		if comp[root] < 0 {
			comp[root] = len(pn)
			pn = append(pn, nil)
			rn = append(rn, nil)
		}
		pn[comp[root]] = append(pn[comp[root]], j)
	}
	for g := nlev[1]; g < nlev[nl]; g++ {
		c := comp[find(g)] // every node shares a row with a finest group
		rn[c] = append(rn[c], g)
	}
	return pn, rn, nlev
}

// newKRComp gathers one component's cross-products from its rows: per
// finest group p, S_pp = Z_pᵀZ_p, S_pρ = Z_pᵀZ_ρ over its coupled nodes ρ(p)
// and U_p = Z_pᵀX; S_RR, U_R = Z_RᵀX and XᵀX.
func newKRComp(d *design, codes [][]int, nlev, pn, rn, loc, pos []int) (*krComp, error) {
	p, m0 := d.p, d.m0
	Q := m0 - p - 1
	nl := len(d.levels)
	c := &krComp{p: p, q0: d.levels[0].q, pn: pn, rn: rn, roff: make([][]int, nl)}
	q0 := c.q0
	c.rb = len(pn) * q0
	for j, g := range rn {
		l := levelOf(nlev, g)
		loc[g] = j
		c.rl = append(c.rl, l)
		c.ro = append(c.ro, c.qR)
		c.roff[l] = append(c.roff[l], c.qR)
		c.qR += d.levels[l].q
	}
	c.ro = append(c.ro, c.qR)
	if c.qR > krMaxCoupled {
		return nil, errs.New(errs.TooFew, "mixed", "Kenward–Roger df: %d random effects of the coarser factors are coupled through shared rows, more than the %d the computation allows; use Satterthwaite df", c.qR, krMaxCoupled).WithHint("DDF")
	}
	qR, qc := c.qR, c.qc()
	c.SRR = make([]float64, qR*qR)
	c.U = make([]float64, qc*p)
	c.XX = make([]float64, p*p)
	np := len(pn)
	for _, f := range []*[][]float64{&c.Spp, &c.Spr, &c.Ainv, &c.J, &c.Npp, &c.Npr, &c.W, &c.Bpp, &c.Bpr} {
		*f = make([][]float64, np)
	}
	c.rho, c.cof, c.co = make([][]int, np), make([][]int, np), make([][]int, np)
	for i, g := range pn {
		var rho []int
		for r := d.start[g]; r < d.start[g+1]; r++ {
			for l := 1; l < nl; l++ {
				rho = append(rho, loc[nlev[l]+codes[l][r]])
			}
		}
		slices.Sort(rho)
		rho = slices.Compact(rho)
		cof := make([]int, len(rho)+1)
		var co []int
		for t, j := range rho {
			pos[rn[j]] = t
			for a := c.ro[j]; a < c.ro[j+1]; a++ {
				co = append(co, a)
			}
			cof[t+1] = len(co)
		}
		c.rho[i], c.cof[i], c.co[i] = rho, cof, co
		rc := len(co)
		Spp, Spr := make([]float64, q0*q0), make([]float64, q0*rc)
		Up := c.U[i*q0*p : (i+1)*q0*p]
		for r := d.start[g]; r < d.start[g+1]; r++ {
			v := d.rows[r*m0 : (r+1)*m0]
			z0, x := v[:q0], v[Q:Q+p]
			addOuter(Spp, z0, z0, q0)
			addOuter(Up, z0, x, p)
			addOuter(c.XX, x, x, p)
			for l := 1; l < nl; l++ {
				lv := d.levels[l]
				node := nlev[l] + codes[l][r]
				zl := v[lv.off : lv.off+lv.q]
				ct, rc0 := c.cof[i][pos[node]], c.ro[loc[node]]
				for a, za := range z0 {
					for b, zb := range zl {
						Spr[a*rc+ct+b] += za * zb
					}
				}
				addOuter(c.U[(c.rb+rc0)*p:], zl, x, p)
				for l2 := 1; l2 < nl; l2++ {
					lv2 := d.levels[l2]
					rc2 := c.ro[loc[nlev[l2]+codes[l2][r]]]
					z2 := v[lv2.off : lv2.off+lv2.q]
					for a, za := range zl {
						for b, zb := range z2 {
							c.SRR[(rc0+a)*qR+rc2+b] += za * zb
						}
					}
				}
			}
			c.n++
		}
		c.Spp[i], c.Spr[i] = Spp, Spr
	}
	return c, nil
}

// levelOf returns the level of global node g (nlev[l] ≤ g < nlev[l+1]).
func levelOf(nlev []int, g int) int {
	l, _ := slices.BinarySearch(nlev, g+1)
	return l - 1
}

// addOuter adds the outer product a bᵀ to out (len(a) × c, b of length c).
func addOuter(out, a, b []float64, c int) {
	for i, ai := range a {
		if ai == 0 {
			continue
		}
		o := out[i*c : (i+1)*c]
		for j, bj := range b[:c] {
			o[j] += ai * bj
		}
	}
}

// eliminate computes, at Λ, per finest group A_pp = Λ₀ᵀS_ppΛ₀ + I and its
// inverse, A_pρ = Λ₀ᵀS_pρΛ_ρ, J_p = A_pp⁻¹A_pρ, B_pp = A_pp⁻¹Y_pp and B_pρ =
// A_pp⁻¹Y_pρ (Y = ΛᵀS), N_pp = S_pp − Y_ppᵀB_pp, N_pρ = S_pρ − Y_ppᵀB_pρ,
// W_p = Y_ppᵀJ_p − S_pρΛ_ρ; and the dense
//
//	N_RR = S_RR − Σ_p Y_pRᵀB_pR,   W_RR = Σ_p Y_pRᵀJ_p − S_RRΛ_R,
//	H = (Λ_RᵀS_RRΛ_R + I − Σ_p A_pRᵀJ_p)⁻¹,   ΓᵀΓ = I + Σ_p J_pᵀJ_p.
func (c *krComp) eliminate(lam [][]float64) error {
	q0, qR := c.q0, c.qR
	L0 := lam[0]
	L0t := transpose(L0, q0, q0)
	c.LR = make([]float64, qR*qR)
	for j, l := range c.rl {
		q, o := c.ro[j+1]-c.ro[j], c.ro[j]
		for a := 0; a < q; a++ {
			copy(c.LR[(o+a)*qR+o:(o+a)*qR+o+q], lam[l][a*q:(a+1)*q])
		}
	}
	Sc := make([]float64, qR*qR)
	c.NRR = append([]float64(nil), c.SRR...)
	c.WR = make([]float64, qR*qR)
	c.G = identity(qR)
	for i := range c.pn {
		co := c.co[i]
		r := len(co)
		Lr := make([]float64, r*r)
		for s, a := range co {
			for t, b := range co {
				Lr[s*r+t] = c.LR[a*qR+b]
			}
		}
		Spp, Spr := c.Spp[i], c.Spr[i]
		Ypp := matMul(L0t, Spp, q0, q0, q0)
		Ypr := matMul(L0t, Spr, q0, q0, r)
		App := matMul(Ypp, L0, q0, q0, q0)
		for a := 0; a < q0; a++ {
			App[a*q0+a]++
		}
		Ainv, _, err := linalg.InvertSPD(App, q0)
		if err != nil {
			return fmt.Errorf("mixed: Kenward–Roger: the random-effects block of group %d: %w", c.pn[i], err)
		}
		Apr := matMul(Ypr, Lr, q0, r, r)
		J := matMul(Ainv, Apr, q0, q0, r)
		Bpp, Bpr := matMul(Ainv, Ypp, q0, q0, q0), matMul(Ainv, Ypr, q0, q0, r)
		Yppt, Yprt := transpose(Ypp, q0, q0), transpose(Ypr, q0, r)
		c.Npp[i] = sub(Spp, matMul(Yppt, Bpp, q0, q0, q0))
		c.Npr[i] = sub(Spr, matMul(Yppt, Bpr, q0, q0, r))
		c.W[i] = sub(matMul(Yppt, J, q0, q0, r), matMul(Spr, Lr, q0, r, r))
		c.scatter(c.NRR, co, matMul(Yprt, Bpr, r, q0, r), -1)
		c.scatter(Sc, co, matMul(transpose(Apr, q0, r), J, r, q0, r), -1)
		c.scatter(c.WR, co, matMul(Yprt, J, r, q0, r), 1)
		c.scatter(c.G, co, matMul(transpose(J, q0, r), J, r, q0, r), 1)
		c.Ainv[i], c.J[i], c.Bpp[i], c.Bpr[i] = Ainv, J, Bpp, Bpr
	}
	// S_RRΛ_R = (Λ_RᵀS_RR)ᵀ and Λ_RᵀS_RRΛ_R = Λ_Rᵀ(S_RRΛ_R), the block
	// diagonal Λ_Rᵀ on the left.
	LRt := transpose(c.LR, qR, qR)
	SL := transpose(matMul(LRt, c.SRR, qR, qR, qR), qR, qR)
	LSL := matMul(LRt, SL, qR, qR, qR)
	for a := range Sc {
		Sc[a] += LSL[a]
		c.WR[a] -= SL[a]
	}
	for a := 0; a < qR; a++ {
		Sc[a*qR+a]++
	}
	symmetrize(Sc, qR)
	H, _, err := linalg.InvertSPD(Sc, qR)
	if err != nil {
		return fmt.Errorf("mixed: Kenward–Roger: the coupled random-effects system: %w", err)
	}
	c.H = H
	c.WRt = transpose(c.WR, qR, qR)
	return nil
}

// scatter adds s·B (r × r, rows and columns at the R coordinates co) to the
// qR × qR dst.
func (c *krComp) scatter(dst []float64, co []int, B []float64, s float64) {
	r := len(co)
	for a, x := range co {
		row := dst[x*c.qR:]
		for b, y := range co {
			row[y] += s * B[a*r+b]
		}
	}
}

// sub returns a − b.
func sub(a, b []float64) []float64 {
	out := make([]float64, len(a))
	for i := range a {
		out[i] = a[i] - b[i]
	}
	return out
}
