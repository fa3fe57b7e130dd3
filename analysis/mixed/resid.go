package mixed

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/alliance-research/alliance/analysis/errs"
	"github.com/alliance-research/alliance/analysis/internal/linalg"
)

// residual is the residual structure of a design (Options.Correlation,
// Options.Weights): within finest group j, ε_j ~ N(0, σ² R_j) with
//
//	R_j = Λ_j C_j Λ_j,  Λ_j = diag(λ_i) (the variance function),  C_j the correlation,
//
// as nlme's lme and gls (Pinheiro & Bates 2000, sections 5.1–5.3). The
// criterion is that of independent rows after whitening each group's rows
// [z x y] by R_j^(−1/2) (the inverse of R_j's Cholesky factor), plus
// log|R_j|; its parameters follow θ in the optimiser's vector, the
// correlation's first.
type residual struct {
	cor   corStruct // nil: uncorrelated
	vf    varFunc   // nil: homoscedastic
	time  string    // time column ("" when the structure uses none)
	group string    // the correlation group of a model without random effects ("" otherwise)
	gls   bool      // no random effects: nlme's gls
	maxn  int       // the largest finest group
}

func (rs *residual) ncor() int {
	if rs == nil || rs.cor == nil {
		return 0
	}
	return rs.cor.npar()
}

// npar is the number of residual parameters (0 for a nil residual).
func (rs *residual) npar() int {
	if rs == nil {
		return 0
	}
	n := rs.ncor()
	if rs.vf != nil {
		n += rs.vf.npar()
	}
	return n
}

// init returns the residual parameters' start and bounds in the
// optimiser's (unconstrained) coordinates.
func (rs *residual) init() (x0, lo, up []float64) {
	if c := rs.cor; c != nil {
		x0 = append(x0, c.start()...)
		for range c.npar() {
			lo, up = append(lo, math.Inf(-1)), append(up, math.Inf(1))
		}
	}
	if rs.vf != nil {
		l, u := rs.vf.bounds()
		x0, lo, up = append(x0, rs.vf.start()...), append(lo, l...), append(up, u...)
	}
	return x0, lo, up
}

// vcovScale is the factor on σ̂² in the fixed effects' covariance: n/(n−p)
// for an ML gls fit, whose covariance nlme's gls computes from r²/(n−p)
// (lme's and lme4's ML covariance use σ̂² = r²/n), 1 otherwise.
func (rs *residual) vcovScale(n, p int, reml bool) float64 {
	if rs == nil || !rs.gls || reml {
		return 1
	}
	return float64(n) / float64(n-p)
}

// glsGroup is the name of the one-row groups of a model without random
// effects and without a correlation group.
const glsGroup = "(row)"

// resolveResidual reads the residual options: Options.AR1 is Correlation
// "ar1" with Time AR1. It returns nil for independent, homoscedastic
// residuals with random effects.
func resolveResidual(opts Options, f Formula) (*residual, error) {
	bad := func(format string, a ...any) error {
		return errs.New(errs.InvalidOption, "mixed", format, a...)
	}
	corr, tm := strings.ToLower(opts.Correlation), opts.Time
	if opts.AR1 != "" {
		if corr != "" && corr != "ar1" {
			return nil, bad("AR(1) residuals and a %q correlation were both asked for; choose one", opts.Correlation)
		}
		if tm != "" && tm != opts.AR1 {
			return nil, bad("two time columns, %q and %q; name one", opts.AR1, tm)
		}
		corr, tm = "ar1", opts.AR1
	}
	rs := &residual{gls: len(f.Random) == 0}
	if corr != "" {
		c, err := newCorStruct(corr)
		if err != nil {
			return nil, bad("%v", err)
		}
		rs.cor = c
		if c.needsTime() {
			if tm == "" {
				return nil, bad("the %s correlation needs a time column (the session number or the time of each row)", corr)
			}
			rs.time = tm
		}
	}
	if opts.Group != "" {
		// With random effects the group must be the finest factor
		// (checkGroup, once the factors are coded).
		if rs.cor == nil {
			return nil, bad("a correlation group %q is given without a correlation structure", opts.Group)
		}
		rs.group = opts.Group
	}
	if rs.gls && rs.cor != nil && rs.group == "" {
		return nil, bad("a model without random effects needs the group within which residuals are correlated (nlme's form = ~ time | patient)")
	}
	if w := opts.Weights; w != "" {
		kind, col, _ := strings.Cut(w, ":")
		col = strings.TrimSpace(col)
		switch strings.ToLower(strings.TrimSpace(kind)) {
		case "varident":
			if col == "" {
				return nil, bad("variance function %q: name the stratum column, e.g. varident:arm", w)
			}
			rs.vf = &varIdent{col: col}
		case "varpower":
			// No column: the power of the fitted values, nlme's varPower()
			// (fitFittedPower).
			rs.vf = &varPower{col: col, fitted: col == ""}
		default:
			return nil, bad("unknown variance function %q; use varident:COLUMN, varpower:COLUMN or varpower (the power of the fitted values)", w)
		}
	}
	if rs.cor == nil && rs.vf == nil && !rs.gls {
		return nil, nil
	}
	return rs, nil
}

// checkGroup checks the correlation group of a model with random effects
// once its factors are ordered (d.levels, finest first): residuals are
// correlated within the groups of the finest factor. Options.Group, if
// given, must name it; crossed factors need it (which factor's groups hold
// the correlated series is the user's to say, nlme's form = ~ time |
// patient), and it must then be the factor with the most groups, whose
// rows the general path whitens (general_resid.go).
func (rs *residual) checkGroup(d *design, rts []rterm) error {
	if rs == nil || rs.gls {
		return nil
	}
	fine := d.levels[0].groupName()
	if vp, ok := rs.vf.(*varPower); d.general && ok && vp.fitted {
		return errs.New(errs.InvalidOption, "mixed", "the power of the fitted values (varpower without a column) needs nested random effects; crossed grouping factors or several terms on one factor (%s) are not supported with it (varpower:COLUMN and varident:COLUMN are)", termList(rts)).WithHint("Weights")
	}
	if rs.cor == nil {
		return nil // a variance function only: no correlation group
	}
	var names []string
	for _, rt := range rts {
		if !slices.Contains(names, rt.rt.Name) {
			names = append(names, rt.rt.Name)
		}
	}
	if rs.group == "" {
		if d.general && len(names) > 1 {
			return errs.New(errs.InvalidOption, "mixed", "random terms %s on crossed grouping factors: name the factor within which residuals are correlated (the correlation group, nlme's form = ~ %s | %s), one of %s", termList(rts), rs.timeOrOne(), fine, strings.Join(names, ", ")).WithHint("Group")
		}
		return nil
	}
	if rs.group == fine {
		return nil
	}
	if !slices.Contains(names, rs.group) {
		return errs.New(errs.InvalidOption, "mixed", "correlation group %q is not a grouping factor of the random terms %s", rs.group, termList(rts)).WithHint("Group")
	}
	return errs.New(errs.InvalidOption, "mixed", "correlation group %q: residuals can be correlated only within the groups of the finest grouping factor, %q (%d groups, more than %q's)", rs.group, fine, d.levels[0].nodes, rs.group).WithHint("Group")
}

// timeOrOne is the left side of an nlme correlation form: the time column
// or 1.
func (rs *residual) timeOrOne() string {
	if rs.time == "" {
		return "1"
	}
	return rs.time
}

// glsFormula gives a formula without random terms one random term of no
// columns (q = 0) on the correlation group, or on one-row groups: a level
// whose groups only carry the residual structure.
func (rs *residual) glsFormula(f *Formula, data *Data) error {
	g := rs.group
	if g == "" {
		n := -1
		for _, v := range data.Numeric {
			n = len(v)
			break
		}
		for _, v := range data.Text {
			n = len(v)
			break
		}
		for _, v := range data.Factors {
			n = len(v.Codes)
			break
		}
		if n < 0 {
			return errs.New(errs.TooFew, "mixed", "no data columns")
		}
		ids := make([]float64, n)
		for i := range ids {
			ids[i] = float64(i)
		}
		num := make(map[string][]float64, len(data.Numeric)+1)
		for k, v := range data.Numeric {
			num[k] = v
		}
		num[glsGroup] = ids
		data.Numeric = num
		g = glsGroup
	}
	f.Random = append(f.Random[:0:0], RandomTerm{Group: []string{g}, Name: g})
	return nil
}

// checkTimes reads the time column before rows are dropped: a missing time
// is an error, not a dropped row.
func (rs *residual) checkTimes(data Data, cols map[string]*column) error {
	if rs == nil || rs.time == "" {
		return nil
	}
	c := cols[rs.time]
	if c.num == nil {
		return errs.New(errs.InvalidOption, "mixed", "time column %q of the %s correlation must be numeric (session numbers or times)", rs.time, rs.cor.name())
	}
	for i, t := range c.num {
		if math.IsNaN(t) || math.IsInf(t, 0) {
			return errs.New(errs.InvalidOption, "mixed", "time column %q is missing at %s; give every row its time or remove the row", rs.time, data.rowName(i))
		}
	}
	return nil
}

// setup checks the times of the design's rows (integers for ar1 and
// arma11, unique within a group) and codes the variance function's column.
// Rows are in node order, by time within a node.
func (rs *residual) setup(d *design, data Data, input []int) error {
	d.resid = rs
	for j := 0; j+1 < len(d.start); j++ {
		rs.maxn = max(rs.maxn, d.start[j+1]-d.start[j])
	}
	if d.time != nil {
		for r, t := range d.time {
			if rs.cor.integerTime() && t != math.Trunc(t) {
				return errs.New(errs.InvalidOption, "mixed", "time column %q: value %g at %s is not an integer; the %s correlation counts sessions (use car1 or exp for continuous times)", rs.time, t, data.rowName(input[r]), rs.cor.name())
			}
			if r > 0 && r != d.start[d.nodeOf(r)] && d.time[r-1] == t {
				return errs.New(errs.InvalidOption, "mixed", "time column %q: group %q has two rows at time %g (%s and %s); times must be unique within a group", rs.time, d.levels[0].labels[d.nodeOf(r)], t, data.rowName(input[r-1]), data.rowName(input[r]))
			}
		}
	}
	if !markovOKOf(rs.cor) && rs.maxn > 4000 {
		return errs.New(errs.TooFew, "mixed", "a group of %d rows is too large for the %s correlation (each group's matrix is factored); use car1 or split the series", rs.maxn, rs.cor.name())
	}
	switch vf := rs.vf.(type) {
	case *varIdent:
		c, err := data.lookup(vf.col)
		if err != nil {
			return err
		}
		if c.len() != len(input) && c.len() <= maxIndex(input) {
			return errs.New(errs.InvalidOption, "mixed", "variance-function column %q is shorter than the data", vf.col)
		}
		// Strata by first appearance after ordering by groups, outermost
		// first (nlme orders the data so, and its first stratum is the reference).
		code := map[string]int{}
		vf.strata = make([]int, d.n)
		for _, r := range d.nlmeOrder(input) {
			i := input[r]
			lab := ""
			if c.num != nil {
				if math.IsNaN(c.num[i]) {
					return errs.New(errs.InvalidOption, "mixed", "variance-function column %q is missing at %s", vf.col, data.rowName(i))
				}
				lab = fmt.Sprintf("%g", c.num[i])
			} else {
				lab = c.label(i)
			}
			k, ok := code[lab]
			if !ok {
				k = len(vf.labels)
				code[lab] = k
				vf.labels = append(vf.labels, lab)
			}
			vf.strata[r] = k
		}
		if len(vf.labels) < 2 {
			return errs.New(errs.TooFew, "mixed", "variance-function column %q has a single level (%q) in the rows used; varIdent needs two or more strata", vf.col, vf.labels[0])
		}
	case *varPower:
		if vf.fitted {
			vf.v = make([]float64, d.n) // the fitted values, set by fitFittedPower
			break
		}
		c, err := data.lookup(vf.col)
		if err != nil {
			return err
		}
		if c.num == nil {
			return errs.New(errs.InvalidOption, "mixed", "variance covariate %q of varPower must be numeric", vf.col)
		}
		vf.v = make([]float64, d.n)
		for r, i := range input {
			x := c.num[i]
			if math.IsNaN(x) || x == 0 || math.IsInf(x, 0) {
				return errs.New(errs.InvalidOption, "mixed", "variance covariate %q is %g at %s; varPower needs a non-zero, non-missing value in every row (|v|^δ)", vf.col, x, data.rowName(i))
			}
			vf.v[r] = x
		}
	}
	return nil
}

func maxIndex(x []int) int {
	m := -1
	for _, v := range x {
		m = max(m, v)
	}
	return m
}

// markovOKOf is false for structures whose groups' matrices are factored.
func markovOKOf(c corStruct) bool { return c == nil || c.markov() }

// nodeOf returns the finest node that holds design row r.
func (d *design) nodeOf(r int) int {
	lo, hi := 0, len(d.start)-1
	for hi-lo > 1 {
		mid := (lo + hi) / 2
		if d.start[mid] <= r {
			lo = mid
		} else {
			hi = mid
		}
	}
	return lo
}

// nlmeOrder returns the design rows ordered by group, outermost level
// first, then by input row: the order nlme puts a grouped data set in.
// On the general path nlme's groups are those of the one factor (several
// terms on it), or for crossed factors the one all-data group of the
// pdBlocked form, which keeps the input order, within it the correlation
// groups (all/patient) when there is a correlation.
func (d *design) nlmeOrder(input []int) []int {
	if d.general {
		order := make([]int, d.n)
		for r := range order {
			order[r] = r
		}
		one := d.oneFactor() || d.resid.cor != nil
		slices.SortFunc(order, func(a, b int) int {
			if one && d.codes[0][a] != d.codes[0][b] {
				return d.codes[0][a] - d.codes[0][b]
			}
			return input[a] - input[b]
		})
		return order
	}
	nl := len(d.levels)
	key := make([][]int, d.n)
	for j := 0; j+1 < len(d.start); j++ {
		path := make([]int, nl)
		node := j
		path[nl-1] = node
		for l := 1; l < nl; l++ {
			node = d.levels[l-1].parent[node]
			path[nl-1-l] = node
		}
		for r := d.start[j]; r < d.start[j+1]; r++ {
			key[r] = path
		}
	}
	order := make([]int, d.n)
	for r := range order {
		order[r] = r
	}
	less := func(a, b int) int {
		for l := 0; l < nl; l++ {
			if key[a][l] != key[b][l] {
				return key[a][l] - key[b][l]
			}
		}
		return input[a] - input[b]
	}
	slices.SortFunc(order, less)
	return order
}

// residEngine fills the finest groups' whitened cross-products at the
// residual parameters: with a Markov correlation and no variance function
// from the per-gap sums of arData; otherwise by whitening every group's rows.
type residEngine struct {
	d   *design
	rs  *residual
	ar  *arData
	lam []float64
	buf []float64
	// lags holds corr(d) for integer distances d = 0…maxLag at the current
	// parameters (integer-time structures: one Pow per lag, not per pair).
	lags   []float64
	maxLag int
}

// newResidEngine returns the engine of design d's residual structure for
// rows of width m: m0 on the nested path, where a Markov correlation
// without a variance function uses the per-gap sums of arData; the widest
// expanded group row on the general path (general_resid.go), which whitens
// rows.
func newResidEngine(d *design, m int) *residEngine {
	re := &residEngine{d: d, rs: d.resid}
	if m == d.m0 && !d.general && re.rs.cor != nil && re.rs.cor.markov() && re.rs.vf == nil {
		re.ar = newARData(d)
		return re
	}
	re.lam = make([]float64, d.n)
	if c := re.rs.cor; c != nil && c.integerTime() && d.time != nil {
		for j := 0; j+1 < len(d.start); j++ {
			if s, e := d.start[j], d.start[j+1]; e > s {
				re.maxLag = max(re.maxLag, int(d.time[e-1]-d.time[s]))
			}
		}
		re.lags = make([]float64, re.maxLag+1)
	}
	nmax := re.rs.maxn
	if markovOKOf(re.rs.cor) {
		re.buf = make([]float64, 2*m)
	} else {
		re.buf = make([]float64, nmax*nmax+nmax*m)
	}
	return re
}

// prepare sets the variance function's λ and the correlation's lag table
// at the residual parameters rp; it returns the correlation at a distance
// (nil without a correlation) and Σ log λ_r², false when some λ is not
// positive and finite.
func (re *residEngine) prepare(rp []float64) (corr func(float64) float64, ld float64, ok bool) {
	rs := re.rs
	nc := rs.ncor()
	if rs.cor != nil {
		cp := rs.cor.natural(rp[:nc], rs.maxn)
		corr = func(dist float64) float64 { return rs.cor.corr(cp, dist) }
		if re.lags != nil {
			for k := 1; k <= re.maxLag; k++ {
				re.lags[k] = rs.cor.corr(cp, float64(k))
			}
			corr = func(dist float64) float64 { return re.lags[int(dist)] }
		}
	}
	lam := re.lam
	if rs.vf != nil {
		rs.vf.sd(rp[nc:], lam)
	} else {
		for r := range lam {
			lam[r] = 1
		}
	}
	for r := range lam {
		if !(lam[r] > 0) || math.IsInf(lam[r], 0) {
			return nil, 0, false
		}
		ld += 2 * math.Log(lam[r])
	}
	return corr, ld, true
}

// fill writes S_j = V_jᵀ R_j⁻¹ V_j (m0 × m0, full) of every finest group j
// into S and returns Σ_j log|R_j|; false when some R_j is not positive
// definite at rp.
func (re *residEngine) fill(rp []float64, S []float64) (float64, bool) {
	d, rs := re.d, re.rs
	m0 := d.m0
	mm := m0 * m0
	nodes := d.levels[0].nodes
	if re.ar != nil {
		cp := rs.cor.natural(rp[:rs.ncor()], rs.maxn)
		cf := func(gap float64) float64 { return rs.cor.corr(cp, gap) }
		ld := 0.0
		for j := 0; j < nodes; j++ {
			l, ok := re.ar.assemble(j, cf, S[j*mm:(j+1)*mm])
			if !ok {
				return 0, false
			}
			ld += l
		}
		return ld, true
	}
	corr, ld, ok := re.prepare(rp)
	if !ok {
		return 0, false
	}
	for j := 0; j < nodes; j++ {
		Sj := S[j*mm : (j+1)*mm]
		clear(Sj)
		s, e := d.start[j], d.start[j+1]
		l, ok := re.whiten(Sj, d.rows[s*m0:e*m0], m0, s, corr)
		if !ok {
			return 0, false
		}
		ld += l
	}
	return ld, true
}

// whiten adds W_jᵀ W_j to Sj (m × m, full) for the group whose rows start
// at design row s, W_j = L_j⁻¹ Λ_j⁻¹ V_j with C_j = L_j L_jᵀ the group's
// correlation over its times (Pinheiro & Bates 2000, section 5.1.1), and
// returns log |C_j|. V holds the group's rows, m values each: the design's
// rows [z x y] (the nested path) or their expansion over the random-effect
// columns the group touches (the general path, general_resid.go).
func (re *residEngine) whiten(Sj, V []float64, m, s int, corr func(float64) float64) (float64, bool) {
	switch {
	case re.rs.cor == nil:
		re.fillIndependent(Sj, V, m, s)
		return 0, true
	case re.rs.cor.markov():
		return re.fillMarkov(Sj, V, m, s, corr)
	default:
		return re.fillDense(Sj, V, m, s, corr)
	}
}

// fillIndependent adds the rows V (m values each, design rows s…) with
// independent residuals (a variance function only): Σ w wᵀ with w = v/λ.
func (re *residEngine) fillIndependent(Sj, V []float64, m, s int) {
	lam := re.lam
	w := re.buf[:m]
	for a := 0; a*m < len(V); a++ {
		v := V[a*m : (a+1)*m]
		for k := range w {
			w[k] = v[k] / lam[s+a]
		}
		outer(Sj, w, w, m, 1)
	}
}

// fillMarkov adds the rows V (design rows s…) of a Markov correlation
// (AR(1), CAR(1), exp), whitened recursively: w_1 = v_1/λ_1; w_k = (v_k/λ_k −
// a v_{k−1}/λ_{k−1})/s_k with a = corr(t_k − t_{k−1}), s_k² = 1 − a²;
// it returns Σ log s_k² (log |R|).
func (re *residEngine) fillMarkov(Sj, V []float64, m, s int, corr func(float64) float64) (float64, bool) {
	d, lam := re.d, re.lam
	ld := 0.0
	w := re.buf[:m]
	for a := 0; a*m < len(V); a++ {
		r := s + a
		v := V[a*m : (a+1)*m]
		if a == 0 {
			for k := range w {
				w[k] = v[k] / lam[r]
			}
		} else {
			c := corr(d.time[r] - d.time[r-1])
			s2 := 1 - c*c
			if !(s2 > 0) {
				return 0, false
			}
			ld += math.Log(s2)
			sq := math.Sqrt(s2)
			pv := V[(a-1)*m : a*m]
			for k := range w {
				w[k] = (v[k]/lam[r] - c*pv[k]/lam[r-1]) / sq
			}
		}
		outer(Sj, w, w, m, 1)
	}
	return ld, true
}

// fillDense adds the rows V (design rows s…) of any other correlation: with
// C = L Lᵀ the group's correlation matrix over its times, W = L⁻¹ Λ⁻¹ V row
// by row (forward substitution); it returns log |C|.
func (re *residEngine) fillDense(Sj, V []float64, m, s int, corr func(float64) float64) (float64, bool) {
	d, lam := re.d, re.lam
	ld := 0.0
	nj := len(V) / m
	C := re.buf[:nj*nj]
	W := re.buf[nj*nj : nj*nj+nj*m]
	for a := 0; a < nj; a++ {
		C[a*nj+a] = 1
		for b := 0; b < a; b++ {
			dist := 0.0
			if d.time != nil {
				dist = math.Abs(d.time[s+a] - d.time[s+b])
			}
			C[a*nj+b] = corr(dist)
		}
	}
	if linalg.Cholesky(C, nj) != nil {
		return 0, false
	}
	for a := 0; a < nj; a++ {
		ld += 2 * math.Log(C[a*nj+a])
	}
	for a := 0; a < nj; a++ {
		wa := W[a*m : (a+1)*m]
		v := V[a*m : (a+1)*m]
		for k := range wa {
			wa[k] = v[k] / lam[s+a]
		}
		for b := 0; b < a; b++ {
			l := C[a*nj+b]
			if l == 0 {
				continue
			}
			wb := W[b*m : (b+1)*m]
			for k := range wa {
				wa[k] -= l * wb[k]
			}
		}
		inv := 1 / C[a*nj+a]
		for k := range wa {
			wa[k] *= inv
		}
		outer(Sj, wa, wa, m, 1)
	}
	return ld, true
}
