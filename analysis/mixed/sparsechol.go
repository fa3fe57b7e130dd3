package mixed

import (
	"math"
	"slices"
)

// blockChol is a sparse Cholesky factorisation A = L Lᵀ of a symmetric
// positive definite matrix made of small dense blocks: node i (a group of
// one random-effects term) spans dim[i] consecutive rows and columns, and
// the blocks are stored column by column ("panels"). Panel j holds the
// diagonal block of node j followed by the blocks of the nodes rows[j]
// below it, each dim[i] × dim[j], row-major.
//
// The pattern is the filled graph of the node order (George & Liu 1981,
// "Computer solution of large sparse positive definite systems", ch. 5):
// struct(L_j) = adj(j) ∪ ⋃ struct(L_c) \ {j} over the children c of j in
// the elimination tree, parent(c) = min struct(L_c). The node order is the
// fill-reducing choice of the caller: for crossed factors the larger factor
// first (its nodes have no fill among themselves; the fill lands in the
// smaller factor's block, dense at worst).
//
// The numeric factorisation is left-looking: column j gathers its updates
// −L_ik L_jkᵀ from the columns k < j with a block in row j (upd[j]), then
// L_jj = chol(A_jj) and L_ij = A_ij L_jj⁻ᵀ.
type blockChol struct {
	n int
	// dense is the first node of the trailing block factored as one dense
	// matrix (n: none). Its columns' patterns are full; the columns before
	// it update it by dense outer products L_Rk L_Rkᵀ, and it is factored
	// by a dense Cholesky: for crossed factors the smaller factor's block,
	// which the fill makes dense anyway.
	dense int
	dbuf  []float64 // the dense block, nd × nd, row-major
	nd    int       // its dimension: Σ dim over the dense nodes
	doff  []int     // row of node i ≥ dense in dbuf
	dim   []int
	rows  [][]int // rows[j]: the nodes i > j with a block in panel j, ascending
	roff  [][]int // roff[j][t]: row offset of rows[j][t] in panel j (dim[j] for the first)
	poff  []int   // offset of panel j in val
	plen  []int   // rows of panel j
	upd   [][]kref
	val   []float64
	pos   []int // scratch: node → row offset in the current panel (−1: none)
	tmp   []float64
}

// kref names the block of row node j in panel k: rows[k][t] = j.
type kref struct{ k, t int }

// newBlockChol builds the symbolic factorisation from the lower adjacency
// adj[j] (nodes i > j with A_ij ≠ 0, any order, duplicates allowed).
//
// dense is the first node of a trailing block to factor densely (len(dim)
// for none).
func newBlockChol(dim []int, adj [][]int, dense int) *blockChol {
	n := len(dim)
	c := &blockChol{n: n, dim: dim, rows: make([][]int, n), roff: make([][]int, n),
		poff: make([]int, n+1), plen: make([]int, n), upd: make([][]kref, n), pos: make([]int, n), dense: dense}
	children := make([][]int, n)
	mark := make([]int, n)
	for i := range mark {
		mark[i] = -1
		c.pos[i] = -1
	}
	for j := 0; j < n; j++ {
		var s []int
		if j >= dense { // full pattern
			for i := j + 1; i < n; i++ {
				s = append(s, i)
			}
			c.setColumn(j, s)
			continue
		}
		add := func(i int) {
			if i != j && mark[i] != j {
				mark[i] = j
				s = append(s, i)
			}
		}
		for _, i := range adj[j] {
			add(i)
		}
		for _, ch := range children[j] {
			for _, i := range c.rows[ch] {
				add(i)
			}
		}
		slices.Sort(s)
		if len(s) > 0 {
			children[s[0]] = append(children[s[0]], j)
		}
		c.setColumn(j, s)
	}
	c.val = make([]float64, c.poff[n])
	c.doff = make([]int, n+1)
	for i := dense; i < n; i++ {
		c.doff[i+1] = c.doff[i] + dim[i]
	}
	c.nd = c.doff[n]
	c.dbuf = make([]float64, c.nd*c.nd)
	maxd := 0
	for _, d := range dim {
		maxd = max(maxd, d)
	}
	c.tmp = make([]float64, maxd*maxd)
	return c
}

// setColumn records the pattern s of column j, its panel's layout and the
// updates it sends to later sparse columns.
func (c *blockChol) setColumn(j int, s []int) {
	c.rows[j] = s
	off := c.dim[j]
	c.roff[j] = make([]int, len(s))
	for t, i := range s {
		c.roff[j][t] = off
		off += c.dim[i]
		if i < c.dense {
			c.upd[i] = append(c.upd[i], kref{j, t})
		}
	}
	c.plen[j] = off
	c.poff[j+1] = c.poff[j] + off*c.dim[j]
}

// denseCount returns the blocks of the pattern within the trailing nodes
// from s on and the number a full pattern would have.
func (c *blockChol) denseCount(s int) (have, full int) {
	for j := s; j < c.n; j++ {
		for _, i := range c.rows[j] {
			if i >= s {
				have++
			}
		}
	}
	m := c.n - s
	return have, m * (m - 1) / 2
}

// panel returns panel j (plen[j] × dim[j], row-major) of v, laid out as val.
func (c *blockChol) panel(v []float64, j int) []float64 { return v[c.poff[j]:c.poff[j+1]] }

// find returns the row offset of node i in panel j, or −1.
func (c *blockChol) find(j, i int) int {
	if i == j {
		return 0
	}
	t, ok := slices.BinarySearch(c.rows[j], i)
	if !ok {
		return -1
	}
	return c.roff[j][t]
}

// factor factors val in place (val holds A's blocks on entry, lower
// triangle of the diagonal blocks significant) and returns log|L|² =
// log det A; ok is false when A is not positive definite.
func (c *blockChol) factor() (logdet float64, ok bool) {
	ld := logAcc{prod: 1}
	for j := 0; j < c.dense; j++ {
		qj := c.dim[j]
		P := c.panel(c.val, j)
		c.pos[j] = 0
		for t, i := range c.rows[j] {
			c.pos[i] = c.roff[j][t]
		}
		for _, kr := range c.upd[j] {
			k, t := kr.k, kr.t
			qk := c.dim[k]
			K := c.panel(c.val, k)
			Ljk := K[c.roff[k][t]*qk : (c.roff[k][t]+qj)*qk]
			for tt := t; tt < len(c.rows[k]); tt++ {
				i := c.rows[k][tt]
				qi := c.dim[i]
				Lik := K[c.roff[k][tt]*qk : (c.roff[k][tt]+qi)*qk]
				dst := P[c.pos[i]*qj : (c.pos[i]+qi)*qj]
				if qk == 1 && qj == 1 {
					l := Ljk[0]
					for a := 0; a < qi; a++ {
						dst[a] -= Lik[a] * l
					}
					continue
				}
				for a := 0; a < qi; a++ {
					for b := 0; b < qj; b++ {
						s := 0.0
						for m := 0; m < qk; m++ {
							s += Lik[a*qk+m] * Ljk[b*qk+m]
						}
						dst[a*qj+b] -= s
					}
				}
			}
		}
		// Diagonal block.
		D := P[:qj*qj]
		for a := 0; a < qj; a++ {
			for b := 0; b <= a; b++ {
				s := D[a*qj+b]
				for m := 0; m < b; m++ {
					s -= D[a*qj+m] * D[b*qj+m]
				}
				if a == b {
					if !(s > 0) {
						return 0, false
					}
					ld.add(s)
					D[a*qj+a] = math.Sqrt(s)
				} else {
					D[a*qj+b] = s / D[b*qj+b]
				}
			}
			for b := a + 1; b < qj; b++ {
				D[a*qj+b] = 0
			}
		}
		// Off-diagonal rows: each row r solves x L_jjᵀ = r.
		for r := qj; r < c.plen[j]; r++ {
			row := P[r*qj : (r+1)*qj]
			for b := 0; b < qj; b++ {
				s := row[b]
				for m := 0; m < b; m++ {
					s -= row[m] * D[b*qj+m]
				}
				row[b] = s / D[b*qj+b]
			}
		}
		for _, i := range c.rows[j] {
			c.pos[i] = -1
		}
	}
	if c.dense < c.n && !c.factorDense(&ld) {
		return 0, false
	}
	return ld.value(), true
}

// factorDense factors the trailing dense block: D = A_DD − Σ_k L_Dk L_Dkᵀ
// over the sparse columns k, then D = L_DD L_DDᵀ, stored back into the
// panels.
func (c *blockChol) factorDense(ld *logAcc) bool {
	nd, s := c.nd, c.dense
	D := c.dbuf
	clear(D)
	for j := s; j < c.n; j++ { // A's blocks (lower triangle)
		qj := c.dim[j]
		P := c.panel(c.val, j)
		cj := c.doff[j]
		for a := 0; a < qj; a++ {
			copy(D[(cj+a)*nd+cj:(cj+a)*nd+cj+a+1], P[a*qj:a*qj+a+1])
		}
		for t, i := range c.rows[j] {
			o, ri := c.roff[j][t], c.doff[i]
			for a := 0; a < c.dim[i]; a++ {
				copy(D[(ri+a)*nd+cj:(ri+a)*nd+cj+qj], P[(o+a)*qj:(o+a+1)*qj])
			}
		}
	}
	var idx []int
	var vals []float64
	for k := 0; k < s; k++ {
		rows := c.rows[k]
		t0, _ := slices.BinarySearch(rows, s)
		if t0 == len(rows) {
			continue
		}
		qk := c.dim[k]
		K := c.panel(c.val, k)
		idx, vals = idx[:0], vals[:0]
		for t := t0; t < len(rows); t++ {
			i := rows[t]
			o := c.roff[k][t]
			for a := 0; a < c.dim[i]; a++ {
				idx = append(idx, c.doff[i]+a)
				vals = append(vals, K[(o+a)*qk:(o+a+1)*qk]...)
			}
		}
		if qk == 1 {
			for a, ra := range idx {
				va := vals[a]
				row := D[ra*nd:]
				for b, rb := range idx[:a+1] {
					row[rb] -= va * vals[b]
				}
			}
			continue
		}
		if qk == 2 {
			for a, ra := range idx {
				v0, v1 := vals[2*a], vals[2*a+1]
				row := D[ra*nd:]
				for b, rb := range idx[:a+1] {
					row[rb] -= v0*vals[2*b] + v1*vals[2*b+1]
				}
			}
			continue
		}
		for a, ra := range idx {
			va := vals[a*qk : (a+1)*qk]
			row := D[ra*nd:]
			for b, rb := range idx[:a+1] {
				vb := vals[b*qk : (b+1)*qk]
				sum := 0.0
				for m := range va {
					sum += va[m] * vb[m]
				}
				row[rb] -= sum
			}
		}
	}
	// Dense Cholesky, rows of the lower triangle.
	for a := 0; a < nd; a++ {
		ra := D[a*nd : a*nd+a+1]
		for b := 0; b <= a; b++ {
			rb := D[b*nd : b*nd+b]
			sum := ra[b]
			for m, v := range rb {
				sum -= ra[m] * v
			}
			if a == b {
				if !(sum > 0) {
					return false
				}
				ld.add(sum)
				ra[a] = math.Sqrt(sum)
			} else {
				ra[b] = sum / D[b*nd+b]
			}
		}
	}
	for j := s; j < c.n; j++ {
		qj := c.dim[j]
		P := c.panel(c.val, j)
		cj := c.doff[j]
		for a := 0; a < qj; a++ {
			for b := 0; b < qj; b++ {
				v := 0.0
				if b <= a {
					v = D[(cj+a)*nd+cj+b]
				}
				P[a*qj+b] = v
			}
		}
		for t, i := range c.rows[j] {
			o, ri := c.roff[j][t], c.doff[i]
			for a := 0; a < c.dim[i]; a++ {
				copy(P[(o+a)*qj:(o+a+1)*qj], D[(ri+a)*nd+cj:(ri+a)*nd+cj+qj])
			}
		}
	}
	return true
}

// solveL overwrites B (rows of the nodes, uoff offsets, w columns) with
// L⁻¹ B.
func (c *blockChol) solveL(B []float64, uoff []int, w int) {
	for j := 0; j < c.n; j++ {
		qj := c.dim[j]
		P := c.panel(c.val, j)
		bj := B[uoff[j]*w : (uoff[j]+qj)*w]
		for a := 0; a < qj; a++ {
			for col := 0; col < w; col++ {
				s := bj[a*w+col]
				for m := 0; m < a; m++ {
					s -= P[a*qj+m] * bj[m*w+col]
				}
				bj[a*w+col] = s / P[a*qj+a]
			}
		}
		for t, i := range c.rows[j] {
			qi := c.dim[i]
			L := P[c.roff[j][t]*qj : (c.roff[j][t]+qi)*qj]
			bi := B[uoff[i]*w : (uoff[i]+qi)*w]
			for a := 0; a < qi; a++ {
				for m := 0; m < qj; m++ {
					l := L[a*qj+m]
					if l == 0 {
						continue
					}
					for col := 0; col < w; col++ {
						bi[a*w+col] -= l * bj[m*w+col]
					}
				}
			}
		}
	}
}

// solveLt overwrites x (one column) with L⁻ᵀ x.
func (c *blockChol) solveLt(x []float64, uoff []int) {
	for j := c.n - 1; j >= 0; j-- {
		qj := c.dim[j]
		P := c.panel(c.val, j)
		xj := x[uoff[j] : uoff[j]+qj]
		for t, i := range c.rows[j] {
			qi := c.dim[i]
			L := P[c.roff[j][t]*qj : (c.roff[j][t]+qi)*qj]
			xi := x[uoff[i] : uoff[i]+qi]
			for a := 0; a < qi; a++ {
				for m := 0; m < qj; m++ {
					xj[m] -= L[a*qj+m] * xi[a]
				}
			}
		}
		for a := qj - 1; a >= 0; a-- {
			s := xj[a]
			for m := a + 1; m < qj; m++ {
				s -= P[m*qj+a] * xj[m]
			}
			xj[a] = s / P[a*qj+a]
		}
	}
}

// selectedInverse returns the blocks of A⁻¹ on the pattern of L, laid out
// as val, by the Takahashi recursion (Takahashi, Fagan & Chen 1973;
// Erisman & Tinney 1975), last node first: with M = L_jj⁻¹ and R = rows[j],
//
//	Z_Rj = −Z_RR L_Rj M,   Z_jj = MᵀM − Z_Rjᵀ L_Rj M,
//
// where Z_RR is already known because R is a clique of the filled graph.
func (c *blockChol) selectedInverse() []float64 {
	Z := make([]float64, len(c.val))
	for j := c.n - 1; j >= 0; j-- {
		qj := c.dim[j]
		P := c.panel(c.val, j)
		M := make([]float64, qj*qj)
		for b := 0; b < qj; b++ { // M = L_jj⁻¹, column b
			for a := 0; a < qj; a++ {
				s := 0.0
				if a == b {
					s = 1
				}
				for m := 0; m < a; m++ {
					s -= P[a*qj+m] * M[m*qj+b]
				}
				M[a*qj+b] = s / P[a*qj+a]
			}
		}
		rows := c.rows[j]
		R := c.plen[j] - qj
		Y := make([]float64, R*qj) // L_Rj M
		for r := 0; r < R; r++ {
			for b := 0; b < qj; b++ {
				s := 0.0
				for m := 0; m < qj; m++ {
					s += P[(qj+r)*qj+m] * M[m*qj+b]
				}
				Y[r*qj+b] = s
			}
		}
		Zj := c.panel(Z, j)
		for t, i := range rows {
			qi := c.dim[i]
			dst := Zj[c.roff[j][t]*qj : (c.roff[j][t]+qi)*qj]
			for tt, i2 := range rows {
				q2 := c.dim[i2]
				o2 := c.roff[j][tt] - qj
				// block Z_{i,i2} (qi × q2)
				blk := c.zBlock(Z, i, i2)
				for a := 0; a < qi; a++ {
					for b := 0; b < qj; b++ {
						s := 0.0
						for m := 0; m < q2; m++ {
							s += blk(a, m) * Y[(o2+m)*qj+b]
						}
						dst[a*qj+b] -= s
					}
				}
			}
		}
		for a := 0; a < qj; a++ {
			for b := 0; b < qj; b++ {
				s := 0.0
				for m := 0; m < qj; m++ {
					s += M[m*qj+a] * M[m*qj+b]
				}
				for r := 0; r < R; r++ {
					s -= Zj[(qj+r)*qj+a] * Y[r*qj+b]
				}
				Zj[a*qj+b] = s
			}
		}
	}
	return Z
}

// zBlock returns an accessor of block (i, i2) of the selected inverse Z
// (both nodes in the pattern: i == i2, i2 in rows of i's panel or i in
// rows of i2's).
func (c *blockChol) zBlock(Z []float64, i, i2 int) func(a, b int) float64 {
	switch {
	case i == i2:
		q := c.dim[i]
		D := c.panel(Z, i)[:q*q]
		return func(a, b int) float64 { return D[a*q+b] }
	case i > i2: // in panel i2 at row i
		q2 := c.dim[i2]
		o := c.find(i2, i)
		P := c.panel(Z, i2)
		return func(a, b int) float64 { return P[(o+a)*q2+b] }
	default: // transpose of block (i2, i) in panel i
		q := c.dim[i]
		o := c.find(i, i2)
		P := c.panel(Z, i)
		return func(a, b int) float64 { return P[(o+b)*q+a] }
	}
}
