package mixed

import (
	"math"
	"slices"

	"github.com/alliance-research/alliance/analysis/internal/linalg"
)

// general is the criterion of the general path: any random-effects
// structure, crossed or partially crossed grouping factors and several
// terms on one factor included (design.general). It is lme4's penalised
// least squares (Bates, Mächler, Bolker & Walker 2015, J. Stat. Softw.
// 67(1), section 3) with a sparse Cholesky factor:
//
//	Lθ Lθᵀ = Λθᵀ Zᵀ Z Λθ + I,
//	Lθ R_ZX = Λθᵀ Zᵀ X,      Lθ c_u = Λθᵀ Zᵀ y,
//	R_Xᵀ R_X = XᵀX − R_ZXᵀ R_ZX,   r² = yᵀy − ‖c_u‖² − ‖c_β‖²,
//
// where Z is the sparse random-effects model matrix (one column block per
// group of every term) and Λθ is block diagonal with one lower-triangular
// q×q block per group, the same for every group of a term (a double-bar
// term is several scalar terms). The raw cross-products ZᵀZ (on the block
// pattern), ZᵀX, Zᵀy and [X y]ᵀ[X y] are summed once from the rows; an
// evaluation scales them by Λθ and factors, so its cost depends on the
// number of groups and their overlaps, not on the number of rows. The
// reduced [X y] block is factored into engine.G exactly as the nested path
// does, so the deviance, the fixed effects and their covariance, and the
// Satterthwaite machinery (satterthwaite.go) are shared.
type general struct {
	d     *design
	nodes int
	nlev  []int // node offset of each level: node = nlev[l] + group
	lev   []int // level of each node
	uoff  []int // offset of each node's coordinates in u (Σq over nodes)
	nq    int   // length of u
	S     []float64
	chol  *blockChol
	zx    []float64 // nq × (p+1): Zᵀ[X y]
	xx    []float64 // (p+1)²: [X y]ᵀ[X y]
	rzx   []float64 // nq × (p+1): L⁻¹ Λᵀ Zᵀ[X y] at the last evaluation
	// noShortcut forces the sparse factorisation (tests compare the two).
	noShortcut bool
	grp        *grouped // the shortcut for two terms, the first scalar (general_grouped.go); nil if none
	// res whitens the rows of a residual structure (general_resid.go);
	// nil for independent, homoscedastic residuals.
	res *genResid
}

// maxDense bounds the dimension of the trailing block factored densely
// (2000² doubles: 32 MB).
const maxDense = 2000

// newGeneralEngine returns an engine whose criterion is general's.
func newGeneralEngine(d *design) *engine {
	e := &engine{d: d}
	nl := len(d.levels)
	e.lam = make([][]float64, nl)
	for l := range e.lam {
		e.lam[l] = make([]float64, d.levels[l].q*d.levels[l].q)
	}
	p := d.p
	e.G = make([]float64, (p+1)*(p+1))
	g := &general{d: d, nlev: make([]int, nl+1)}
	for l, lv := range d.levels {
		g.nlev[l+1] = g.nlev[l] + lv.nodes
	}
	g.nodes = g.nlev[nl]
	g.lev = make([]int, g.nodes)
	g.uoff = make([]int, g.nodes+1)
	dim := make([]int, g.nodes)
	for l, lv := range d.levels {
		for j := 0; j < lv.nodes; j++ {
			k := g.nlev[l] + j
			g.lev[k] = l
			dim[k] = lv.q
			g.uoff[k+1] = g.uoff[k] + lv.q
		}
	}
	g.nq = g.uoff[g.nodes]
	var rg []genGroup
	if d.resid != nil {
		rg = g.residGroups(dim)
	}
	g.chol = g.factorLayout(dim, rg)
	g.crossProducts()
	g.symmetrise(dim)
	if d.resid != nil {
		g.res = newGenResid(g, rg) // the cross-products change with φ: no shortcut
	} else {
		g.grp = newGrouped(g)
	}
	e.gen = g
	return e
}

// factorLayout is the block Cholesky of the random-effects system: the
// lower adjacency of the node graph (the nodes of one row are all
// connected), levels ordered finest (most groups) first so that the node
// order puts the larger factor first, and the smallest factor's block
// factored densely when the fill makes it dense (at least a third of its
// blocks) or it is small. With a residual structure the nodes of each
// correlation group rg are all connected (see genResid).
func (g *general) factorLayout(dim []int, rg []genGroup) *blockChol {
	d := g.d
	nl := len(d.levels)
	adj := make([][]int, g.nodes)
	rowNodes := make([]int, nl)
	for r := 0; r < d.n; r++ {
		for l := range d.levels {
			rowNodes[l] = g.nlev[l] + d.codes[l][r]
		}
		for a := 0; a < nl; a++ {
			for b := a + 1; b < nl; b++ {
				lo, hi := min(rowNodes[a], rowNodes[b]), max(rowNodes[a], rowNodes[b])
				if lo != hi {
					adj[lo] = append(adj[lo], hi)
				}
			}
		}
	}
	for _, gj := range rg {
		for a, na := range gj.nodes {
			adj[na] = append(adj[na], gj.nodes[a+1:]...)
		}
	}
	for j := range adj {
		slices.Sort(adj[j])
		adj[j] = slices.Compact(adj[j])
	}
	ch := newBlockChol(dim, adj, g.nodes)
	if nl > 1 {
		s := g.nlev[nl-1]
		have, full := ch.denseCount(s)
		nd := g.nq - g.uoff[s]
		if nd <= maxDense && (nd <= 100 || 3*have >= full) {
			ch = newBlockChol(dim, adj, s)
		}
	}
	return ch
}

// crossProducts sums, once from the rows, ZᵀZ on the factor's block
// pattern (S), Zᵀ[X y] and [X y]ᵀ[X y].
func (g *general) crossProducts() {
	d := g.d
	nl := len(d.levels)
	p := d.p
	rowNodes := make([]int, nl)
	g.S = make([]float64, len(g.chol.val))
	w := p + 1
	g.zx = make([]float64, g.nq*w)
	g.xx = make([]float64, w*w)
	g.rzx = make([]float64, g.nq*w)
	m0 := d.m0
	Q := m0 - w
	for r := 0; r < d.n; r++ {
		v := d.rows[r*m0 : (r+1)*m0]
		xy := v[Q:]
		for l := range d.levels {
			rowNodes[l] = g.nlev[l] + d.codes[l][r]
		}
		for a := 0; a < nl; a++ {
			na := rowNodes[a]
			la := d.levels[a]
			za := v[la.off : la.off+la.q]
			// Zᵀ[X y]
			zx := g.zx[g.uoff[na]*w : (g.uoff[na]+la.q)*w]
			for i, zi := range za {
				if zi == 0 {
					continue
				}
				for c, xc := range xy {
					zx[i*w+c] += zi * xc
				}
			}
			// ZᵀZ blocks with the other terms of the row (and itself).
			for b := 0; b < nl; b++ {
				nb := rowNodes[b]
				if nb < na || (nb == na && b < a) {
					continue
				}
				lb := d.levels[b]
				zb := v[lb.off : lb.off+lb.q]
				// block (row node nb, column node na): q_b × q_a
				o := g.chol.find(na, nb)
				P := g.chol.panel(g.S, na)
				for i, zi := range zb {
					if zi == 0 {
						continue
					}
					row := P[(o+i)*la.q : (o+i+1)*la.q]
					for k, zk := range za {
						row[k] += zi * zk
					}
				}
			}
		}
		for a, xa := range xy {
			if xa == 0 {
				continue
			}
			for b, xb := range xy {
				g.xx[a*w+b] += xa * xb
			}
		}
	}
}

// symmetrise mirrors each node's diagonal block: every row added its own
// z zᵀ to each node's diagonal block (a == b) and z_b z_aᵀ once to each
// pair of distinct nodes (nodes of different levels are distinct, two
// terms on one factor included), so the diagonal blocks are full already;
// this keeps them exactly symmetric.
func (g *general) symmetrise(dim []int) {
	for j := 0; j < g.nodes; j++ {
		q := dim[j]
		D := g.chol.panel(g.S, j)[:q*q]
		for a := 0; a < q; a++ {
			for b := a + 1; b < q; b++ {
				D[a*q+b] = D[b*q+a]
			}
		}
	}
}

// eval factors the system at θ and the residual parameters rp (see
// general); it mirrors engine.eval.
func (g *general) eval(e *engine, theta, rp []float64) (crit, bool) {
	d := g.d
	var c crit
	e.setLambda(theta)
	if g.res != nil {
		ld, ok := g.res.fill(g, rp)
		if !ok {
			return c, false
		}
		c.logdetR = ld
	}
	if g.grp != nil && !e.keep && !g.noShortcut {
		return g.grp.eval(g, e)
	}
	ch := g.chol
	copy(ch.val, g.S)
	// A = Λᵀ S Λ + I block by block: block (i, j) ← Λ_iᵀ S_ij Λ_j.
	for j := 0; j < g.nodes; j++ {
		lj := e.lam[g.lev[j]]
		qj := ch.dim[j]
		P := ch.panel(ch.val, j)
		scaleBlock(P[:qj*qj], qj, qj, lj, lj)
		for a := 0; a < qj; a++ {
			P[a*qj+a]++
		}
		for t, i := range ch.rows[j] {
			qi := ch.dim[i]
			o := ch.roff[j][t]
			scaleBlock(P[o*qj:(o+qi)*qj], qi, qj, e.lam[g.lev[i]], lj)
		}
	}
	ld, ok := ch.factor()
	if !ok {
		return c, false
	}
	c.ldL2 = ld
	// R_ZX and c_u: L⁻¹ Λᵀ Zᵀ[X y].
	w := d.p + 1
	copy(g.rzx, g.zx)
	for j := 0; j < g.nodes; j++ {
		q := ch.dim[j]
		lam := e.lam[g.lev[j]]
		B := g.rzx[g.uoff[j]*w : (g.uoff[j]+q)*w]
		// B ← Λᵀ B (Λ lower: (ΛᵀB)_i = Σ_{k ≥ i} Λ_ki B_k)
		for i := 0; i < q; i++ {
			for col := 0; col < w; col++ {
				s := 0.0
				for k := i; k < q; k++ {
					s += lam[k*q+i] * B[k*w+col]
				}
				B[i*w+col] = s
			}
		}
	}
	ch.solveL(g.rzx, g.uoff, w)
	G := e.G
	copy(G, g.xx)
	for r := 0; r < g.nq; r++ {
		row := g.rzx[r*w : (r+1)*w]
		for a := 0; a < w; a++ {
			ra := row[a]
			if ra == 0 {
				continue
			}
			for b := 0; b <= a; b++ {
				G[a*w+b] -= ra * row[b]
			}
		}
	}
	p := d.p
	if linalg.Cholesky(G, w) != nil {
		return c, false
	}
	for j := 0; j < p; j++ {
		c.ldRX2 += 2 * math.Log(G[j*w+j])
	}
	c.r2 = G[p*w+p] * G[p*w+p]
	if e.keep {
		e.LX = make([]float64, p*p)
		e.cX = make([]float64, p)
		for i := 0; i < p; i++ {
			copy(e.LX[i*p:i*p+i+1], G[i*w:i*w+i+1])
			e.cX[i] = G[p*w+i]
		}
	}
	return c, true
}

// scaleBlock overwrites the r×c block B with L1ᵀ B L2 (L1 r×r and L2 c×c
// lower triangular).
func scaleBlock(B []float64, r, c int, L1, L2 []float64) {
	if r == 1 && c == 1 {
		B[0] *= L1[0] * L2[0]
		return
	}
	var buf [16]float64
	var T []float64
	if r*c <= len(buf) {
		T = buf[:r*c]
	} else {
		T = make([]float64, r*c)
	}
	for i := 0; i < r; i++ { // T = L1ᵀ B
		for j := 0; j < c; j++ {
			s := 0.0
			for k := i; k < r; k++ {
				s += L1[k*r+i] * B[k*c+j]
			}
			T[i*c+j] = s
		}
	}
	for i := 0; i < r; i++ { // B = T L2
		for j := 0; j < c; j++ {
			s := 0.0
			for k := j; k < c; k++ {
				s += T[i*c+k] * L2[k*c+j]
			}
			B[i*c+j] = s
		}
	}
}

// blups returns the conditional modes b = Λθ û, û = Lθ⁻ᵀ (c_u − R_ZX β̂),
// and their conditional SDs √diag(σ² Λθ (ΛθᵀZᵀZΛθ + I)⁻¹ Λθᵀ) (lme4's
// ranef(condVar = TRUE)) from the factor at the optimum, the diagonal
// blocks of the inverse by selectedInverse. Terms are listed in level
// order; a term on a factor that carries several is listed under the
// factor's name, as ranef does.
func (g *general) blups(e *engine, beta []float64, s2 float64) []BLUP {
	d := g.d
	w := d.p + 1
	u := make([]float64, g.nq)
	for r := range u {
		row := g.rzx[r*w : (r+1)*w]
		s := row[d.p]
		for k, b := range beta {
			s -= row[k] * b
		}
		u[r] = s
	}
	g.chol.solveLt(u, g.uoff)
	Z := g.chol.selectedInverse()
	var out []BLUP
	for l, lv := range d.levels {
		q := lv.q
		lam := e.lam[l]
		for j := 0; j < lv.nodes; j++ {
			node := g.nlev[l] + j
			uj := u[g.uoff[node] : g.uoff[node]+q]
			Zj := g.chol.panel(Z, node)[:q*q]
			for i := 0; i < q; i++ {
				b, v := condMode(lam, uj, Zj, q, i)
				out = append(out, BLUP{Group: lv.groupName(), Level: lv.labels[j], Name: lv.colNames[i], Value: b, CondSD: math.Sqrt(s2 * v)})
			}
		}
	}
	return out
}
