package mixed

import (
	"fmt"
	"math"
)

// ResidStructure is a fitted residual correlation structure or variance
// function: nlme's class, its form and its parameters by nlme's names
// (coef(m$modelStruct$corStruct, unconstrained = FALSE); for varIdent the
// SD ratio of every stratum but the reference).
type ResidStructure struct {
	Class     string       `json:"class"`
	Form      string       `json:"form"`
	Params    []ResidParam `json:"params"`
	Reference string       `json:"reference,omitempty"` // varIdent: the stratum with ratio 1
}

// residReport fills the residual structure's part of the Result and its
// notes at the optimum m.x.
func (m *Model) residReport() {
	d, r := m.d, &m.Result
	rs := d.resid
	if rs == nil {
		return
	}
	nt := d.ntheta()
	rp := m.x[nt:]
	grp := d.levels[0].name
	r.GLS = rs.gls
	if c := rs.cor; c != nil {
		form := "~ 1 | " + grp
		if c.needsTime() {
			form = "~ " + rs.time + " | " + grp
		}
		par := c.natural(rp[:c.npar()], rs.maxn)
		r.CorStruct = &ResidStructure{Class: c.class(), Form: form, Params: c.params(par)}
		if c.name() == "ar1" {
			ph := par[0]
			r.AR1Phi = &ph
		}
		if c.name() == "cs" && m.opts.Time != "" {
			r.Notes = append(r.Notes, fmt.Sprintf("Compound symmetry does not depend on time: the time column %q is not used.", m.opts.Time))
		}
		if c.name() == "cs" && rs.vf == nil {
			if note := m.csRidgeNote(par[0]); note != "" {
				r.Notes = append(r.Notes, note)
			}
		}
	}
	if v := rs.vf; v != nil {
		vs := &ResidStructure{Class: v.class(), Form: v.form(), Params: v.params(rp[rs.ncor():])}
		if vi, ok := v.(*varIdent); ok {
			vs.Reference = vi.labels[0]
		}
		r.VarFunction = vs
	}
}

// csRidgeNote says when compound symmetry within the correlation group
// (the finest factor) sits beside a random intercept on that factor: the
// group's covariance σ²((1 − ρ)I + ρJ) + τ²J + … depends on σ²(1 − ρ) and
// σ²ρ + τ² only (τ² the intercept's variance), so the likelihood is flat
// along a ridge of (ρ, σ², τ²) and the optimum reported is one point of it;
// the log-likelihood, the fixed effects and their covariance are the same
// all along it (nlme's lme stops at another point of it: see the cs_ridge
// fits of testdata/golden/mixed_resid_crossed.json). A variance function
// scales ρJ by the weights, which separates the two, so it gets no note.
// "" when there is no such intercept.
func (m *Model) csRidgeNote(rho float64) string {
	d, r := m.d, &m.Result
	g := d.levels[0].groupName()
	for l, lv := range d.levels {
		if lv.groupName() != g {
			continue
		}
		for i, cn := range lv.colNames {
			if cn != "(Intercept)" {
				continue
			}
			L, q := m.e.lam[l], lv.q
			tau2 := 0.0
			for k := 0; k <= i; k++ {
				tau2 += L[i*q+k] * L[i*q+k]
			}
			s2 := r.ResidualVariance
			tau2 *= s2
			return fmt.Sprintf("Compound symmetry within %s and the random intercept of %s are not separately identified: the likelihood depends on σ²(1 − ρ) = %.6g and σ²ρ + var(%s (Intercept)) = %.6g only, so ρ = %.4g, σ² = %.4g and that variance (%.4g) are one of many equally good splits (the log-likelihood, the fixed effects and their SEs are the same for all); drop the intercept or the correlation.",
				g, g, s2*(1-rho), g, s2*rho+tau2, rho, s2, tau2)
		}
	}
	return ""
}

// residDF returns the df of the fixed effects of a model with a residual
// structure, as nlme's summary tables: n − p for gls, and for lme the
// containment ("between–within") df of Pinheiro & Bates (2000, section
// 2.4.2). There the levels are strata, outermost first, then the rows
// (Residual): stratum s has n_s − n_{s−1} df (n_s groups at level s,
// n_0 = 0, N rows for the Residual stratum). A non-constant column of X
// belongs to the innermost stratum s whose next-outer level (the whole data
// for s = 1) has a group within which it varies, and each stratum loses one
// df per column it holds; the outermost loses one more for an intercept
// (without one, every other stratum gains one). Each column gets its
// stratum's df, a constant column (the intercept) the largest.
func (d *design) residDF() ([]float64, string) {
	p := d.p
	df := make([]float64, p)
	if d.resid.gls {
		for i := range df {
			df[i] = float64(d.n - p)
		}
		return df, "residual (n - p), as nlme's gls"
	}
	if d.general && d.oneFactor() {
		// Several terms on one factor, (1 + t || g): nlme's one level g
		// with a pdDiag (or pdBlocked) covariance.
		one := *d
		one.general, one.levels = false, d.levels[:1]
		return one.residDF()
	}
	if d.general {
		// nlme fits crossed factors as one pdBlocked group holding all the
		// data: every column varies within it, so each gets the rows'
		// stratum, N − 1 − (p − 1) df.
		for i := range df {
			df[i] = float64(d.n - p)
		}
		return df, "residual (n - p), as nlme's lme with the crossed factors in one pdBlocked group"
	}
	nl := len(d.levels)
	Q := d.m0 - p - 1
	// node[l][r]: the node of level l (0 = finest) holding design row r.
	node := make([][]int, nl)
	node[0] = make([]int, d.n)
	for j := 0; j+1 < len(d.start); j++ {
		for r := d.start[j]; r < d.start[j+1]; r++ {
			node[0][r] = j
		}
	}
	for l := 1; l < nl; l++ {
		node[l] = make([]int, d.n)
		for r := range node[l] {
			node[l][r] = d.levels[l-1].parent[node[l-1][r]]
		}
	}
	// Strata 0..nl: 0 the outermost level, nl−1 the finest, nl the rows.
	size := make([]float64, nl+1)
	for s := 0; s < nl; s++ {
		size[s] = float64(d.levels[nl-1-s].nodes)
	}
	size[nl] = float64(d.n)
	sdf := make([]float64, nl+1)
	for s := range sdf {
		sdf[s] = size[s]
		if s > 0 {
			sdf[s] -= size[s-1]
		}
	}
	x := func(r, j int) float64 { return d.rows[r*d.m0+Q+j] }
	strat := make([]int, p)
	constant := make([]bool, p)
	anyInt, anyVar := false, false
	for j := 0; j < p; j++ {
		x0 := x(0, j)
		constant[j] = true
		for r := 1; r < d.n; r++ {
			if !nearlyEqual(x(r, j), x0) {
				constant[j] = false
				break
			}
		}
		if constant[j] {
			anyInt = true
			continue
		}
		anyVar = true
		// The innermost level (s−1 = finest first) with a group within
		// which column j varies; the whole data otherwise.
		strat[j] = 0
		for s := nl; s >= 1; s-- {
			if variesWithin(node[nl-s], d.n, func(r int) float64 { return x(r, j) }) {
				strat[j] = s
				break
			}
		}
	}
	if anyVar {
		for j := 0; j < p; j++ {
			if !constant[j] {
				sdf[strat[j]]--
			}
		}
		if anyInt {
			sdf[0]--
		} else {
			for s := 1; s <= nl; s++ {
				sdf[s]++
			}
		}
	}
	top := math.Inf(-1)
	for _, v := range sdf {
		top = math.Max(top, v)
	}
	for j := 0; j < p; j++ {
		if constant[j] {
			df[j] = top
		} else {
			df[j] = sdf[strat[j]]
		}
	}
	return df, "containment (between-within), as nlme's lme"
}

// nearlyEqual is nlme's test of a constant column: |x/x₀ − 1| (|x| when
// x₀ = 0) below √ε.
func nearlyEqual(x, x0 float64) bool {
	tol := math.Sqrt(2.220446049250313e-16)
	if x0 == 0 {
		return math.Abs(x) < tol
	}
	return math.Abs(x/x0-1) < tol
}

// variesWithin reports whether v takes two values within one group, the
// groups given per row.
func variesWithin(group []int, n int, v func(r int) float64) bool {
	first := map[int]float64{}
	for r := 0; r < n; r++ {
		g := group[r]
		if x, ok := first[g]; ok {
			if !nearlyEqual(v(r), x) {
				return true
			}
		} else {
			first[g] = v(r)
		}
	}
	return false
}

// oneFactor says whether every random term has the same grouping factor.
func (d *design) oneFactor() bool {
	for _, l := range d.levels[1:] {
		if l.groupName() != d.levels[0].groupName() {
			return false
		}
	}
	return true
}
