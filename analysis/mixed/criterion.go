package mixed

import (
	"math"
	"slices"

	"github.com/alliance-research/alliance/analysis/internal/linalg"
	"github.com/alliance-research/alliance/internal/parallel"
)

// engine evaluates the profiled (RE)ML criterion of Bates, Mächler, Bolker &
// Walker (2015, J. Stat. Softw. 67(1), section 3) for nested random effects.
//
// With relative covariance factor Λθ (block diagonal, one lower-triangular
// q×q block per group of each term) the penalised least-squares system
//
//	[ΛᵀZᵀZΛ + I   ΛᵀZᵀX   ΛᵀZᵀy]
//	[XᵀZΛ         XᵀX     Xᵀy  ]
//	[yᵀZΛ         yᵀX     yᵀy  ]
//
// is factored by block Cholesky elimination over the tree of nested groups,
// finest groups first. Each group's frontal matrix spans its own random
// effects, its ancestors' and the X, y columns; it is kept in unscaled
// coordinates as B − Δ, where B, the sum of the raw cross-products of
// [Z X y] over the group's rows, is computed once, and Δ collects the
// rank-q updates C′ᵀC′ passed up by the eliminated children, with
// C′ = L⁻¹ Λᵀ F_own,rest and L Lᵀ = Λᵀ F_own,own Λ + I. An evaluation
// therefore costs O(groups · q · m²) with m = Σq + p + 1, independent of the
// number of rows. With AR(1) residuals the finest groups' cross-products are
// those of the whitened rows, assembled per evaluation from lag-0/lag-1 sums
// grouped by time gap.
type engine struct {
	d     *design
	S     []float64      // finest nodes × m0·fs0: raw cross-products, columns 0..fs0−1
	fs0   int            // row stride of a finest node's S: m0 (full, with AR(1)) or q0 (own columns only)
	res   *residEngine   // residual structure (resid.go); nil for independent, homoscedastic residuals
	mdim  []int          // frontal dimension per level; mdim[nl] = p+1 (the top)
	base  [][]float64    // level 1..nl: nodes × m², Σ of the descendants' S
	delta [][]float64    // level 1..nl: nodes × m², lower triangle
	G     []float64      // (p+1)², lower triangle: reduced [X y] block, factored
	sc    *scratch       // per-node scratch of a serial pass (parts.go)
	parts []*part        // the independent parts of a parallel pass; nil for a serial one (parts.go)
	team  *parallel.Team // runs the parts; nil runs them in order on the caller (inline)
	lam   [][]float64
	keep  bool
	// kept remembers the last evaluation made with keep (its factors are
	// still in fac, LX and cX): evalGrad at the same point reuses it.
	kept keptEval
	fac  []nodeFactors
	LX   []float64 // p×p lower Cholesky factor of the reduced XᵀX (kept)
	cX   []float64 // L_X⁻¹ times the reduced Xᵀy (kept)
	gen  *general  // the general sparse path (general.go) instead of the nested one
	gw   *gradWork // scratch of evalGrad (gradient.go)
}

// nodeFactors keeps, for every node of one level, its Cholesky block L (q×q,
// lower) and its rows W (m−q rows of q: W[c][i] = (L⁻¹ F_own,rest)[i][c] in
// scaled coordinates).
type nodeFactors struct {
	L []float64
	W []float64
}

// crit holds the pieces of the profiled criterion at one θ (and φ).
type crit struct {
	ldL2    float64 // log |Lθ|²
	ldRX2   float64 // log |R_X|²
	logdetR float64 // log |R| of the AR(1) correlation (0 without AR(1))
	r2      float64 // penalised residual sum of squares r²(θ)
}

func newEngine(d *design) *engine {
	if d.general {
		return newGeneralEngine(d)
	}
	e := &engine{d: d}
	m0 := d.m0
	nl := len(d.levels)
	e.mdim = make([]int, nl+1)
	m := m0
	for l := 0; l <= nl; l++ {
		e.mdim[l] = m
		if l < nl {
			m -= d.levels[l].q
		}
	}
	e.base = make([][]float64, nl+1)
	e.delta = make([][]float64, nl+1)
	for l := 1; l <= nl; l++ {
		nodes := 1
		if l < nl {
			nodes = d.levels[l].nodes
		}
		e.base[l] = make([]float64, nodes*e.mdim[l]*e.mdim[l])
		e.delta[l] = make([]float64, nodes*e.mdim[l]*e.mdim[l])
	}
	e.G = make([]float64, (d.p+1)*(d.p+1))
	e.sc = newScratch(m0)
	e.lam = make([][]float64, nl)
	for l := range e.lam {
		e.lam[l] = make([]float64, d.levels[l].q*d.levels[l].q)
	}
	e.planParts()
	nodes := d.levels[0].nodes
	e.fs0 = m0
	if d.tot != nil { // fitted from sufficient statistics: newStatsEngine fills S and the bases
		return e
	}
	e.S = make([]float64, nodes*m0*m0)
	if d.resid != nil {
		e.res = newResidEngine(d, m0)
		return e
	}
	// Each finest node's cross-products, from its own rows (the
	// materialised ones, or each made as it is summed, the same numbers):
	// nodes in parallel ranges.
	// The lower triangle is summed packed (tri[a(a+1)/2 + b], b ≤ a), then
	// unpacked and mirrored. Rows made as they are summed are summed over
	// their distinct coordinates only (rowBasis): an intercept's 1 or a
	// variable that is both a fixed effect and a random slope is one
	// coordinate however often the row holds it.
	bi, nu := d.rowBasis()
	parallel.Chunks(nodes, rowWorkers(d.n), func(_, lo, hi int) {
		tri := make([]float64, nu*(nu+1)/2)
		buf := make([]float64, max(m0, nu))
		for j := lo; j < hi; j++ {
			clear(tri)
			if nu == 3 && d.rows == nil && d.src != nil {
				sumRows3(d, j, buf[:3], tri)
			} else {
				sumRows(d, j, buf[:nu], tri)
			}
			S := e.S[j*m0*m0 : (j+1)*m0*m0]
			for a := 0; a < m0; a++ {
				for b := 0; b <= a; b++ {
					ia, ib := bi[a], bi[b]
					if ia < ib {
						ia, ib = ib, ia
					}
					S[a*m0+b] = tri[ia*(ia+1)/2+ib]
					S[b*m0+a] = S[a*m0+b]
				}
			}
		}
	})
	e.sumBases()
	return e
}

// sumRows adds to tri (packed, tri[a(a+1)/2 + b] for b ≤ a) the
// cross-products of node j's rows: the materialised ones, or each made as
// it is summed (its distinct coordinates, fillBasis) in v.
func sumRows(d *design, j int, v, tri []float64) {
	m0 := d.m0
	for r := d.start[j]; r < d.start[j+1]; r++ {
		if d.rows != nil {
			v = d.rows[r*m0 : (r+1)*m0 : (r+1)*m0]
		} else {
			d.fillBasis(r, v)
		}
		k := 0
		for a, va := range v {
			t := tri[k : k+a+1]
			k += a + 1
			if va == 0 {
				continue
			}
			for b, vb := range v[:len(t)] {
				t[b] += va * vb
			}
		}
	}
}

// sumRows3 is newEngine's sum of node j's packed cross-products tri
// (cleared) over its rows made as they are summed, for three distinct
// coordinates (an intercept, one variable, y: the usual random intercept
// or intercept and slope), written out: the same products added in the
// same order, so the same sums to the last bit.
func sumRows3(d *design, j int, v, tri []float64) {
	var t0, t1, t2, t3, t4, t5 float64
	src := d.src
	// An intercept and a plain column (the usual) are read directly: the
	// values rowCol.at gives them.
	c0, c1 := &src.cols[src.basis[0]], &src.cols[src.basis[1]]
	x := c1.num
	plain := c0.one && !c1.one && x != nil
	for r := d.start[j]; r < d.start[j+1]; r++ {
		var v0, v1, v2 float64
		if plain {
			i := src.keep[src.order[r]]
			v0, v1, v2 = 1, x[i], src.y[i]-d.yShift
		} else {
			d.fillBasis(r, v)
			v0, v1, v2 = v[0], v[1], v[2]
		}
		if v0 != 0 {
			t0 += v0 * v0
		}
		if v1 != 0 {
			t1 += v1 * v0
			t2 += v1 * v1
		}
		if v2 != 0 {
			t3 += v2 * v0
			t4 += v2 * v1
			t5 += v2 * v2
		}
	}
	tri[0], tri[1], tri[2], tri[3], tri[4], tri[5] = t0, t1, t2, t3, t4, t5
}

// crossX is XᵀX (p × p) from the finest nodes' cross-products.
func (e *engine) crossX() []float64 { return e.nodeSum(e.d.m0-e.d.p-1, e.d.p) }

// nodeSum is the q × q block at row and column off of the finest nodes'
// cross-products S, summed in node order: Σ_r v_r v_rᵀ over the rows for
// those coordinates (engines that keep S per node: hasNodeSums).
func (e *engine) nodeSum(off, q int) []float64 {
	m0 := e.d.m0
	a := make([]float64, q*q)
	for j := 0; j < e.d.levels[0].nodes; j++ {
		S := e.S[j*m0*m0 : (j+1)*m0*m0]
		for i := 0; i < q; i++ {
			for k := 0; k < q; k++ {
				a[i*q+k] += S[(off+i)*m0+off+k]
			}
		}
	}
	return a
}

// hasNodeSums reports whether S holds every finest node's full m0 × m0
// cross-products (a nested fit without a residual structure).
func (e *engine) hasNodeSums() bool {
	return e.d.resid == nil && e.gen == nil && e.S != nil && e.fs0 == e.d.m0
}

// parentOf returns the node of level l+1 (the top has one node) that holds
// node j of level l.
func (e *engine) parentOf(l, j int) int {
	if l+1 == len(e.d.levels) {
		return 0
	}
	return e.d.levels[l].parent[j]
}

// sumBases sets every higher node's B to the sum of its finest
// descendants' cross-products, restricted to its coordinates.
func (e *engine) sumBases() {
	d := e.d
	nl := len(d.levels)
	for l := 1; l <= nl; l++ {
		clear(e.base[l])
	}
	m0 := d.m0
	for j := 0; j < d.levels[0].nodes; j++ {
		e.addToAncestors(j, e.S[j*m0*m0:(j+1)*m0*m0])
	}
}

// addToAncestors adds the cross-products S (m0 × m0, row-major, lower
// triangle used) of finest node j to the base B of each coarser node above
// it, restricted to that level's trailing coordinates.
func (e *engine) addToAncestors(j int, S []float64) {
	m0 := e.d.m0
	node := j
	for l := 1; l <= len(e.d.levels); l++ {
		node = e.parentOf(l-1, node)
		m := e.mdim[l]
		o := m0 - m
		B := e.base[l][node*m*m : (node+1)*m*m]
		for a := 0; a < m; a++ {
			src := S[(o+a)*m0+o : (o+a)*m0+o+a+1]
			dst := B[a*m : a*m+a+1]
			for b, v := range src {
				dst[b] += v
			}
		}
	}
}

// setLambda fills the Λ blocks from θ (fillLambda).
func (e *engine) setLambda(theta []float64) {
	for l := range e.d.levels {
		e.d.levels[l].fillLambda(e.lam[l], theta)
	}
}

// fillLambda writes the level's q × q block of Λ (row-major, lower
// triangular) from its part of θ: the lower triangle column by column, as
// lme4 orders θ.
func (lv *level) fillLambda(L, theta []float64) {
	q, k := lv.q, lv.thetaOff
	for j := 0; j < q; j++ {
		for i := j; i < q; i++ {
			L[i*q+j] = theta[k]
			k++
		}
	}
}

// putLambda writes the level's part of θ from its lower triangular q × q
// block L (row-major): the inverse of fillLambda.
func (lv *level) putLambda(theta, L []float64) {
	q, k := lv.q, lv.thetaOff
	for j := 0; j < q; j++ {
		for i := j; i < q; i++ {
			theta[k] = L[i*q+j]
			k++
		}
	}
}

// eval factors the system at θ and the residual structure's parameters rp
// (φ with AR(1); none without a structure). It reports false when a block
// is not positive definite or r² is not positive.
func (e *engine) eval(theta []float64, rp ...float64) (crit, bool) {
	e.kept.valid = false // the factors are about to be overwritten
	if e.gen != nil {
		return e.gen.eval(e, theta, rp)
	}
	d := e.d
	var c crit
	e.setLambda(theta)
	nl := len(d.levels)
	if e.res != nil {
		ldR, ok := e.res.fill(rp, e.S)
		if !ok {
			return c, false
		}
		c.logdetR = ldR
		e.sumBases()
	}
	for l := 1; l <= nl; l++ {
		clear(e.delta[l])
	}
	if e.keep && e.fac == nil { // allocated once, reused by every kept evaluation
		e.fac = make([]nodeFactors, nl)
		for l, lv := range d.levels {
			m := e.mdim[l]
			e.fac[l] = nodeFactors{L: make([]float64, lv.nodes*lv.q*lv.q), W: make([]float64, lv.nodes*(m-lv.q)*lv.q)}
		}
	}
	ldL2, ok := e.eliminateAll()
	if !ok {
		return c, false
	}
	c.ldL2 = ldL2
	// Reduced [X y] block: G = B − Δ at the top, then its Cholesky factor.
	p := d.p
	pp := p + 1
	G := e.G
	for i := range G {
		G[i] = e.base[nl][i] - e.delta[nl][i]
	}
	// The factor of the whole (p+1)×(p+1) block: its leading p×p part is
	// L_X, its last pivot r² = l_pp² the penalised residual sum of squares.
	if linalg.Cholesky(G, pp) != nil {
		return c, false
	}
	for j := 0; j < p; j++ {
		c.ldRX2 += 2 * math.Log(G[j*pp+j])
	}
	r2 := G[p*pp+p] * G[p*pp+p]
	c.r2 = r2
	if e.keep {
		if e.LX == nil {
			e.LX = make([]float64, p*p)
			e.cX = make([]float64, p)
		}
		for i := 0; i < p; i++ {
			copy(e.LX[i*p:i*p+i+1], G[i*pp:i*pp+i+1])
			e.cX[i] = G[p*pp+i]
		}
		e.kept.remember(theta, rp, c)
	}
	return c, true
}

// keptEval is the point and criterion of the last evaluation with keep.
type keptEval struct {
	valid bool
	x     []float64 // θ, then the residual structure's parameters
	nt    int
	c     crit
}

func (k *keptEval) remember(theta, rp []float64, c crit) {
	k.x = append(append(k.x[:0], theta...), rp...)
	k.nt, k.c, k.valid = len(theta), c, true
}

// at returns the kept criterion if it was evaluated at (θ, rp).
func (k *keptEval) at(theta, rp []float64) (crit, bool) {
	if !k.valid || k.nt != len(theta) || len(k.x) != len(theta)+len(rp) || !slices.Equal(k.x[:k.nt], theta) || !slices.Equal(k.x[k.nt:], rp) {
		return crit{}, false
	}
	return k.c, true
}

// logAcc sums logarithms of factors ≥ 1 with one Log call per ~1e200 of
// product.
type logAcc struct{ sum, prod float64 }

func (a *logAcc) add(s float64) {
	a.prod *= s
	if a.prod > 1e200 {
		a.sum += math.Log(a.prod)
		a.prod = 1
	}
}

func (a *logAcc) value() float64 { return a.sum + math.Log(a.prod) }

// eliminate factors node j of level l. Its unscaled frontal matrix is F − D
// (D nil for finest groups; both m×m, lower triangle significant, own block
// first). Only F's first q columns are read, F[r*fs+i] for i < q: fs = m, or
// fs = q for a finest group whose rest block went into its parent's base
// once (a fit from sufficient statistics). It adds D_rest,rest + C′ᵀC′ into
// the parent's Δ.
func (e *engine) eliminate(l, j int, F, D, P []float64, m, fs int, sc *scratch, ld *logAcc) bool {
	q := e.d.levels[l].q
	lam := e.lam[l]
	pm := e.mdim[l+1]
	switch {
	case q == 1:
		return e.eliminate1(l, j, F, D, m, fs, P, pm, sc, ld)
	case q == 2:
		return e.eliminate2(l, j, F, D, m, fs, P, pm, lam, sc, ld)
	}
	return e.eliminateQ(l, j, F, D, m, fs, P, pm, sc, ld)
}

// eliminate1 is eliminate for q = 1 (a random intercept): L = √(λ²f₀₀ + 1),
// C′ = (λ/L) F_own,rest.
func (e *engine) eliminate1(l, j int, F, D []float64, m, fs int, P []float64, pm int, sc *scratch, ld *logAcc) bool {
	mr := m - 1
	lm := e.lam[l][0]
	f00 := F[0]
	if D != nil {
		f00 -= D[0]
	}
	s := lm*lm*f00 + 1
	if !(s > 0) {
		return false
	}
	ld.add(s)
	L := math.Sqrt(s)
	k := lm / L
	C := sc.cbuf[:mr]
	for r := 0; r < mr; r++ {
		v := F[(r+1)*fs]
		if D != nil {
			v -= D[(r+1)*m]
		}
		C[r] = k * v
	}
	for a := 0; a < mr; a++ {
		ca := C[a]
		prow := P[a*pm : a*pm+a+1]
		if D != nil {
			drow := D[(a+1)*m+1 : (a+1)*m+a+2]
			for b := range prow {
				prow[b] += drow[b] + ca*C[b]
			}
		} else {
			for b := range prow {
				prow[b] += ca * C[b]
			}
		}
	}
	if e.keep {
		e.fac[l].L[j] = L
		e.keepW(l, j, C, 1)
	}
	return true
}

// eliminateQ is eliminate for any q: A = Λᵀ F_oo Λ + I = L Lᵀ,
// T = Λᵀ F_o,rest, C′ = L⁻¹ T.
func (e *engine) eliminateQ(l, j int, F, D []float64, m, fs int, P []float64, pm int, sc *scratch, ld *logAcc) bool {
	q := e.d.levels[l].q
	mr := m - q
	lam := e.lam[l]
	Fo := sc.fbuf[:m*q] // rows 0..m-1, own columns, unscaled: Fo[r*q+i] = (F − D)[r][i]
	for r := 0; r < m; r++ {
		for i := 0; i < q && (r >= q || i <= r); i++ {
			v := F[r*fs+i]
			if D != nil {
				v -= D[r*m+i]
			}
			Fo[r*q+i] = v
		}
	}
	for r := 0; r < q; r++ { // symmetrise the own block
		for i := r + 1; i < q; i++ {
			Fo[r*q+i] = Fo[i*q+r]
		}
	}
	A := sc.cbuf[:q*q]
	T := sc.cbuf[q*q : q*q+q*mr] // T[i*mr+r]
	// FL = F_oo Λ (q×q), then A = Λᵀ FL.
	FL := sc.cbuf[q*q+q*mr : 2*q*q+q*mr]
	for r := 0; r < q; r++ {
		for cc := 0; cc < q; cc++ {
			s := 0.0
			for k := cc; k < q; k++ {
				s += Fo[r*q+k] * lam[k*q+cc]
			}
			FL[r*q+cc] = s
		}
	}
	for i := 0; i < q; i++ {
		for cc := 0; cc <= i; cc++ {
			s := 0.0
			for k := i; k < q; k++ {
				s += lam[k*q+i] * FL[k*q+cc]
			}
			A[i*q+cc] = s
		}
		A[i*q+i]++
	}
	if linalg.Cholesky(A, q) != nil {
		return false
	}
	for jj := 0; jj < q; jj++ {
		ld.add(A[jj*q+jj] * A[jj*q+jj])
	}
	for r := 0; r < mr; r++ {
		fr := Fo[(q+r)*q : (q+r+1)*q]
		for i := 0; i < q; i++ {
			s := 0.0
			for k := i; k < q; k++ {
				s += lam[k*q+i] * fr[k]
			}
			T[i*mr+r] = s
		}
		for i := 0; i < q; i++ { // forward solve in place, column r
			t := T[i*mr+r]
			for k := 0; k < i; k++ {
				t -= A[i*q+k] * T[k*mr+r]
			}
			T[i*mr+r] = t / A[i*q+i]
		}
	}
	for a := 0; a < mr; a++ {
		prow := P[a*pm : a*pm+a+1]
		for b := range prow {
			s := 0.0
			for i := 0; i < q; i++ {
				s += T[i*mr+a] * T[i*mr+b]
			}
			if D != nil {
				s += D[(q+a)*m+q+b]
			}
			prow[b] += s
		}
	}
	if e.keep {
		L := e.fac[l].L[j*q*q : (j+1)*q*q]
		for i := 0; i < q; i++ {
			copy(L[i*q:i*q+i+1], A[i*q:i*q+i+1])
		}
		e.keepW(l, j, T, q)
	}
	return true
}

// keepW stores W = C′ D_rest (scaled coordinates) for node j of level l,
// where C′ is q × mr (C[i*mr+r]) and D_rest = blockdiag(Λ_{l+1}, …, I).
func (e *engine) keepW(l, j int, C []float64, q int) {
	d := e.d
	m := e.mdim[l]
	mr := m - q
	W := e.fac[l].W[j*mr*q : (j+1)*mr*q]
	for r := 0; r < mr; r++ {
		for i := 0; i < q; i++ {
			W[r*q+i] = C[i*mr+r]
		}
	}
	o := 0
	for a := l + 1; a < len(d.levels); a++ {
		qa := d.levels[a].q
		la := e.lam[a]
		for i := 0; i < q; i++ {
			for cc := 0; cc < qa; cc++ {
				s := 0.0
				for k := cc; k < qa; k++ {
					s += C[i*mr+o+k] * la[k*qa+cc]
				}
				W[(o+cc)*q+i] = s
			}
		}
		o += qa
	}
}

// deviance returns −2 log-likelihood (ML) or −2 restricted log-likelihood
// (REML) profiled over β and σ (Bates et al. 2015, eqs. 34 and 41):
//
//	ML:   log|Lθ|² + n (1 + log(2π r²/n))
//	REML: log|Lθ|² + log|R_X|² + (n−p)(1 + log(2π r²/(n−p)))
//
// plus log|R| with AR(1) residuals.
func (e *engine) deviance(c crit, reml bool) float64 {
	n := float64(e.d.n)
	if reml {
		nr := n - float64(e.d.p)
		return c.ldL2 + c.ldRX2 + nr*(1+math.Log(2*math.Pi*c.r2/nr)) + c.logdetR
	}
	return c.ldL2 + n*(1+math.Log(2*math.Pi*c.r2/n)) + c.logdetR
}

// devianceAt returns the (RE)ML deviance as a function of the variance
// parameters themselves, not profiled over σ (lmerTest's devfun_vp):
//
//	log|Lθ|² + r²/σ² + n log(2πσ²)  [+ log|R_X|² − p log(2πσ²) for REML]
func (e *engine) devianceAt(c crit, sigma float64, reml bool) float64 {
	n := float64(e.d.n)
	s2 := sigma * sigma
	dev := c.ldL2 + c.r2/s2 + n*math.Log(2*math.Pi*s2) + c.logdetR
	if reml {
		dev += c.ldRX2 - float64(e.d.p)*math.Log(2*math.Pi*s2)
	}
	return dev
}

// covBetaUnscaled returns (L_X L_Xᵀ)⁻¹ from the kept or current G factor.
func (e *engine) covBetaUnscaled() []float64 {
	p := e.d.p
	pp := p + 1
	LX := make([]float64, p*p)
	for i := 0; i < p; i++ {
		copy(LX[i*p:i*p+i+1], e.G[i*pp:i*pp+i+1])
	}
	C := make([]float64, p*p)
	linalg.Inverse(LX, p, C, make([]float64, p*p))
	return C
}

// eliminate2 is eliminate for q = 2 (random intercept and slope) written
// out: Λ = [a 0; b c], A = ΛᵀFΛ + I, C′ = L⁻¹ Λᵀ F_own,rest.
func (e *engine) eliminate2(l, j int, F, D []float64, m, fs int, P []float64, pm int, lam []float64, sc *scratch, ld *logAcc) bool {
	a, b, c := lam[0], lam[2], lam[3]
	f00, f10, f11 := F[0], F[fs], F[fs+1]
	if D != nil {
		f00, f10, f11 = f00-D[0], f10-D[m], f11-D[m+1]
	}
	A00 := a*a*f00 + 2*a*b*f10 + b*b*f11 + 1
	A10 := c * (a*f10 + b*f11)
	A11 := c*c*f11 + 1
	if !(A00 > 0) {
		return false
	}
	L00 := math.Sqrt(A00)
	L10 := A10 / L00
	s := A11 - L10*L10
	if !(s > 0) {
		return false
	}
	ld.add(A00)
	ld.add(s)
	L11 := math.Sqrt(s)
	mr := m - 2
	C := sc.cbuf[: 2*mr : 2*mr]
	C0, C1 := C[:mr], C[mr:]
	for r := 0; r < mr; r++ {
		row := F[(r+2)*fs : (r+2)*fs+2]
		g0, g1 := row[0], row[1]
		if D != nil {
			g0 -= D[(r+2)*m]
			g1 -= D[(r+2)*m+1]
		}
		c0 := (a*g0 + b*g1) / L00
		C0[r] = c0
		C1[r] = (c*g1 - L10*c0) / L11
	}
	for i := 0; i < mr; i++ {
		x0, x1 := C0[i], C1[i]
		prow := P[i*pm : i*pm+i+1]
		c0 := C0[:len(prow)]
		c1 := C1[:len(prow)]
		if D != nil {
			drow := D[(i+2)*m+2 : (i+2)*m+i+3]
			for k := range prow {
				prow[k] += drow[k] + x0*c0[k] + x1*c1[k]
			}
		} else {
			for k := range prow {
				prow[k] += x0*c0[k] + x1*c1[k]
			}
		}
	}
	if e.keep {
		L := e.fac[l].L[j*4 : (j+1)*4]
		L[0], L[2], L[3] = L00, L10, L11
		e.keepW(l, j, C, 2)
	}
	return true
}
