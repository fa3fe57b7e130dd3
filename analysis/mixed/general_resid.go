package mixed

import "slices"

// genResid is the residual structure on the general path: crossed (or
// partially crossed) random effects with residuals correlated within the
// groups of the finest factor (the correlation group, e.g. patient in
// (1 | patient) + (1 | rater)). With ε_i ~ N(0, σ² R_i) in correlation
// group i, R_i = L_i L_iᵀ, the rows whitened by L_i⁻¹,
//
//	y*_i = L_i⁻¹ y_i,  X*_i = L_i⁻¹ X_i,  Z*_i = L_i⁻¹ Z_i,
//
// are independent with variance σ², so the profiled (RE)ML criterion is
// lme4's on the whitened data (Bates et al. 2015, section 3) plus
// Σ_i log|R_i| (Pinheiro & Bates 2000, section 5.1). Group i's rows touch
// only its own node of the finest factor and the nodes of the other factors
// its rows hold (the raters of a patient), so Z*_iᵀZ*_i is dense over those
// nodes: the pattern of ZᵀZ plus the pairs of nodes of one factor that share
// a correlation group (two raters of one patient), added to the factor's
// graph by factorLayout. Each evaluation whitens every group's rows,
// expanded over its nodes, and scatters the cross-products into the sparse
// system of general.
type genResid struct {
	re   *residEngine
	grp  []genGroup
	V    []float64 // the expanded rows of every group, concatenated
	Sloc []float64 // scratch: the widest group's m × m cross-products
}

// genGroup is one correlation group: design rows start[j]..start[j+1]−1
// (d.start), expanded over the nodes they touch.
type genGroup struct {
	s     int   // first design row
	nodes []int // the general engine's nodes touched, ascending
	coff  []int // column of each node in the expanded row; coff[len(nodes)] = Q
	m     int   // width of an expanded row: Q + p + 1
	voff  int   // offset of the group's rows in genResid.V
}

// residGroups lists the nodes of every correlation group (the finest
// level's groups), for factorLayout's pattern and newGenResid.
func (g *general) residGroups(dim []int) []genGroup {
	d := g.d
	nodes := d.levels[0].nodes
	out := make([]genGroup, nodes)
	for j := 0; j < nodes; j++ {
		s, e := d.start[j], d.start[j+1]
		var nd []int
		for r := s; r < e; r++ {
			for l := range d.levels {
				nd = append(nd, g.nlev[l]+d.codes[l][r])
			}
		}
		slices.Sort(nd)
		nd = slices.Compact(nd)
		coff := make([]int, len(nd)+1)
		for k, n := range nd {
			coff[k+1] = coff[k] + dim[n]
		}
		out[j] = genGroup{s: s, nodes: nd, coff: coff, m: coff[len(nd)] + d.p + 1}
	}
	return out
}

// newGenResid expands every group's rows [z x y] over its nodes once.
func newGenResid(g *general, grp []genGroup) *genResid {
	d := g.d
	m0 := d.m0
	Q0 := m0 - d.p - 1
	gr := &genResid{grp: grp}
	wmax, tot := 0, 0
	for j := range grp {
		grp[j].voff = tot
		tot += (d.start[j+1] - d.start[j]) * grp[j].m
		wmax = max(wmax, grp[j].m)
	}
	gr.V = make([]float64, tot)
	gr.Sloc = make([]float64, wmax*wmax)
	for j, gj := range grp {
		for r := gj.s; r < d.start[j+1]; r++ {
			v := d.rows[r*m0 : (r+1)*m0]
			w := gr.V[gj.voff+(r-gj.s)*gj.m : gj.voff+(r-gj.s+1)*gj.m]
			for l, lv := range d.levels {
				k, _ := slices.BinarySearch(gj.nodes, g.nlev[l]+d.codes[l][r])
				copy(w[gj.coff[k]:gj.coff[k]+lv.q], v[lv.off:lv.off+lv.q])
			}
			copy(w[gj.coff[len(gj.nodes)]:], v[Q0:])
		}
	}
	gr.re = newResidEngine(d, wmax)
	return gr
}

// fill overwrites g.S, g.zx and g.xx with the whitened cross-products
// Z*ᵀZ*, Z*ᵀ[X* y*] and [X* y*]ᵀ[X* y*] at the residual parameters rp and
// returns Σ_i log|R_i|; false when some R_i is not positive definite.
func (gr *genResid) fill(g *general, rp []float64) (float64, bool) {
	d, ch := g.d, g.chol
	corr, ld, ok := gr.re.prepare(rp)
	if !ok {
		return 0, false
	}
	clear(g.S)
	clear(g.zx)
	clear(g.xx)
	w := d.p + 1
	for j, gj := range gr.grp {
		m := gj.m
		S := gr.Sloc[:m*m]
		clear(S)
		nr := d.start[j+1] - gj.s
		l, ok := gr.re.whiten(S, gr.V[gj.voff:gj.voff+nr*m], m, gj.s, corr)
		if !ok {
			return 0, false
		}
		ld += l
		Q := gj.coff[len(gj.nodes)]
		for a, na := range gj.nodes {
			qa, ca := ch.dim[na], gj.coff[a]
			P := ch.panel(g.S, na)
			for b := a; b < len(gj.nodes); b++ {
				nb := gj.nodes[b]
				qb, cb := ch.dim[nb], gj.coff[b]
				o := ch.find(na, nb)
				for i := 0; i < qb; i++ {
					row := P[(o+i)*qa : (o+i+1)*qa]
					src := S[(cb+i)*m+ca : (cb+i)*m+ca+qa]
					for k, x := range src {
						row[k] += x
					}
				}
			}
			for i := 0; i < qa; i++ {
				zx := g.zx[(g.uoff[na]+i)*w : (g.uoff[na]+i+1)*w]
				src := S[(ca+i)*m+Q : (ca+i)*m+Q+w]
				for c, x := range src {
					zx[c] += x
				}
			}
		}
		for a := 0; a < w; a++ {
			src := S[(Q+a)*m+Q : (Q+a)*m+Q+w]
			for b, x := range src {
				g.xx[a*w+b] += x
			}
		}
	}
	return ld, true
}
