package mixed

import (
	"runtime"

	"github.com/alliance-research/alliance/internal/parallel"
)

// Parallel passes of the nested engine.
//
// The block elimination (eval) and the inverse recursion of the gradient
// (evalGrad) visit every node once, and a node's work touches only its own
// blocks, its parent's Δ (elimination) or its parent's block of the inverse
// (gradient). Nodes under different nodes of the coarsest level therefore
// never share a block below the top: the coarsest level's nodes are split
// into contiguous ranges, each range with all its descendants is a part,
// and the parts run concurrently. Each part adds its updates of the top
// (the reduced [X y] block), its log-determinant and its gradient into
// buffers of its own, which are summed in part order afterwards.
//
// The split depends only on the data (how many finest nodes lie under each
// coarsest node), never on the number of processors, so a fit gives the
// same numbers to the last bit on every machine; within a part the nodes of
// a level are visited in increasing order, as by the serial pass, so every
// block below the top is bit-identical to the serial one.

// partNodes is the least number of finest nodes per part: below it the
// synchronisation costs more than the parallel work saves.
const partNodes = 1024

// maxParts bounds the number of parts.
const maxParts = 8

// part is one independent share of a parallel pass.
type part struct {
	nodes [][]int32 // per level, the part's nodes in increasing order
	sc    *scratch
	top   []float64 // (p+1)²: the part's updates of the top block's Δ
	ld    logAcc
	grad  []float64 // the part's share of the gradient (evalGrad)
	ok    bool
}

// scratch is the per-node working memory of one pass.
type scratch struct {
	cbuf, fbuf []float64 // eliminate: C′ (q × m0) and friends; the frontal own rows
	// gradient: W L⁻¹, Z_{R,h}, L⁻¹, Z_hh, D_rᵀ F_ro and Λᵀ F_oo
	bw, zrh, linv, zd, u, lf []float64
}

func newScratch(m0 int) *scratch {
	mm := m0 * m0
	return &scratch{cbuf: make([]float64, 4*mm), fbuf: make([]float64, mm),
		bw: make([]float64, mm), zrh: make([]float64, mm), linv: make([]float64, mm),
		zd: make([]float64, mm), u: make([]float64, mm), lf: make([]float64, mm)}
}

// planParts splits the nodes into min(8, coarsest nodes, finest nodes /
// 1024) parts (none below two), balancing their finest nodes: coarsest
// node c goes to part ⌊K·N_<c / N⌋, N_<c the finest nodes under the
// coarsest nodes before c.
func (e *engine) planParts() {
	d := e.d
	nl := len(d.levels)
	n0 := d.levels[0].nodes
	top := d.levels[nl-1].nodes
	k := min(maxParts, top, n0/partNodes)
	if k < 2 {
		return
	}
	// anc[l][j]: the coarsest ancestor of node j of level l.
	anc := make([][]int32, nl)
	anc[nl-1] = make([]int32, top)
	for j := range anc[nl-1] {
		anc[nl-1][j] = int32(j)
	}
	for l := nl - 2; l >= 0; l-- {
		anc[l] = make([]int32, d.levels[l].nodes)
		for j, p := range d.levels[l].parent {
			anc[l][j] = anc[l+1][p]
		}
	}
	under := make([]int, top) // finest nodes under each coarsest node
	for _, c := range anc[0] {
		under[c]++
	}
	of := make([]int32, top) // coarsest node → part
	before := 0
	for c, u := range under {
		of[c] = int32(min(k-1, k*before/n0))
		before += u
	}
	e.parts = make([]*part, k)
	e.team = parallel.NewTeam(min(k, runtime.GOMAXPROCS(0)))
	pp := (d.p + 1) * (d.p + 1)
	nt := d.ntheta()
	for i := range e.parts {
		// top and grad, written for every node of the part, are padded
		// by a cache line on each side: parts must not share one.
		top := make([]float64, pp+16)[8 : 8+pp]
		grad := make([]float64, nt+16)[8 : 8+nt]
		e.parts[i] = &part{nodes: make([][]int32, nl), sc: newScratch(d.m0), top: top, grad: grad}
	}
	for l := 0; l < nl; l++ {
		for j, c := range anc[l] {
			pt := e.parts[of[c]]
			pt.nodes[l] = append(pt.nodes[l], int32(j))
		}
	}
}

// inline makes the engine run its parts in order on the calling goroutine:
// the same numbers to the last bit, without helper goroutines (for engines
// that are themselves run in parallel: the bootstrap's refits, the
// profile's workers).
func (e *engine) inline() { e.team = nil }

// eliminateAll eliminates every node, finest level first, into e.delta
// (the top's Δ last) and returns log|Lθ|², or false when a block is not
// positive definite.
func (e *engine) eliminateAll() (float64, bool) {
	nl := len(e.d.levels)
	if e.parts == nil {
		ld := logAcc{prod: 1}
		ok := e.eliminateNodes(nil, e.sc, e.delta[nl], &ld)
		return ld.value(), ok
	}
	e.team.Run(len(e.parts), func(_, i int) {
		pt := e.parts[i]
		clear(pt.top)
		ld := logAcc{prod: 1} // on this goroutine's stack, not shared with a part's neighbours
		pt.ok = e.eliminateNodes(pt.nodes, pt.sc, pt.top, &ld)
		pt.ld = ld
	})
	top := e.delta[nl]
	ld := 0.0
	for _, pt := range e.parts {
		if !pt.ok {
			return 0, false
		}
		for i, v := range pt.top {
			top[i] += v
		}
		ld += pt.ld.value()
	}
	return ld, true
}

// eliminateNodes eliminates the nodes of every level (those of nodes, or
// all when nodes is nil) in increasing order, finest level first, adding
// the coarsest level's updates into top.
func (e *engine) eliminateNodes(nodes [][]int32, sc *scratch, top []float64, ld *logAcc) bool {
	d := e.d
	nl := len(d.levels)
	for l := 0; l < nl; l++ {
		m, pm := e.mdim[l], e.mdim[l+1]
		fs := e.stride(l)
		for i, n := 0, e.visits(nodes, l); i < n; i++ {
			j := visit(nodes, l, i)
			F := e.frontal(l, j)
			var D []float64
			if l > 0 {
				D = e.delta[l][j*m*m : (j+1)*m*m]
			}
			P := top
			if l+1 < nl {
				par := d.levels[l].parent[j]
				P = e.delta[l+1][par*pm*pm : (par+1)*pm*pm]
			}
			if !e.eliminate(l, j, F, D, P, m, fs, sc, ld) {
				return false
			}
		}
	}
	return true
}

// visits is the number of nodes of level l a pass over nodes (all of them
// when nil) visits, and visit the i-th.
func (e *engine) visits(nodes [][]int32, l int) int {
	if nodes == nil {
		return e.d.levels[l].nodes
	}
	return len(nodes[l])
}

func visit(nodes [][]int32, l, i int) int {
	if nodes == nil {
		return i
	}
	return int(nodes[l][i])
}

// stride is the row stride of level l's frontal cross-products: m, or fs0
// for the finest level.
func (e *engine) stride(l int) int {
	if l == 0 {
		return e.fs0
	}
	return e.mdim[l]
}

// frontal returns the raw cross-products of node j of level l: its rows' S
// (m0 rows of stride(0)) at the finest level, its base B (m × m) above.
func (e *engine) frontal(l, j int) []float64 {
	if l == 0 {
		m0, fs := e.d.m0, e.fs0
		return e.S[j*m0*fs : (j+1)*m0*fs]
	}
	m := e.mdim[l]
	return e.base[l][j*m*m : (j+1)*m*m]
}

// gradientAll adds every node's terms of the gradient into grad, coarsest
// level first, from the top block Zt of the combined inverse.
func (e *engine) gradientAll(Zt []float64, gw *gradWork, grad []float64) {
	if e.parts == nil {
		e.gradientNodes(nil, e.sc, Zt, gw, grad)
		return
	}
	e.team.Run(len(e.parts), func(_, i int) {
		pt := e.parts[i]
		clear(pt.grad)
		e.gradientNodes(pt.nodes, pt.sc, Zt, gw, pt.grad)
	})
	for _, pt := range e.parts {
		for k, v := range pt.grad {
			grad[k] += v
		}
	}
}

// gradientNodes adds the terms of the nodes (those of nodes, or all when
// nil) to grad, coarsest level first, each level in increasing order.
func (e *engine) gradientNodes(nodes [][]int32, sc *scratch, Zt []float64, gw *gradWork, grad []float64) {
	d := e.d
	nl := len(d.levels)
	for l := nl - 1; l >= 0; l-- {
		if l == 0 && e.scalarChain() {
			e.leafGradient1(nodes, sc, Zt, gw, grad)
			break
		}
		lv := d.levels[l]
		m, mp := e.mdim[l], e.mdim[l+1]
		fs := e.stride(l)
		for i, n := 0, e.visits(nodes, l); i < n; i++ {
			j := visit(nodes, l, i)
			Zp := Zt
			if l+1 < nl {
				par := lv.parent[j]
				Zp = gw.zf[l+1][par*mp*mp : (par+1)*mp*mp]
			}
			F := e.frontal(l, j)
			var Z []float64
			if l > 0 {
				Z = gw.zf[l][j*m*m : (j+1)*m*m]
			}
			e.nodeGradient(l, j, Zp, Z, F, fs, sc, grad)
		}
	}
}
