package mixed

import (
	"errors"
	"math"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/alliance-research/alliance/analysis/errs"
	"github.com/alliance-research/alliance/analysis/internal/linalg"
	"github.com/alliance-research/alliance/internal/parallel"
)

// level is one random-effects term; levels are ordered finest (most groups)
// first, which is also lme4's order of terms.
type level struct {
	name     string   // group name as lme4 prints it
	colNames []string // "(Intercept)", slope names
	q        int
	nodes    int
	labels   []string // group labels, node order
	parent   []int    // node → node of the next (coarser) level; nil at the top
	off      int      // offset of this level's z columns in a row vector
	thetaOff int      // offset of this level's θ entries
	// group is the grouping factor's name (ngrps, ranef) when it differs
	// from name, lme4's VarCorr name: the second term on one factor is
	// "Subject.1" (see uniqueTermNames).
	group string
}

// groupName is the level's grouping factor as lme4's ngrps and ranef name it.
func (l level) groupName() string {
	if l.group != "" {
		return l.group
	}
	return l.name
}

// design holds everything a fit needs, in node order: rows are sorted by
// finest group (and by time within it for AR(1)).
type design struct {
	formula Formula
	n, p    int
	xnames  []string
	levels  []level
	m0      int // row-vector length: Σq + p + 1
	// rows holds the n × m0 row vectors (z columns of every level, x,
	// y − yShift) once materialised (ensureRows); src makes them one at a
	// time (fillRow), nil for a design from statistics.
	rows     []float64
	src      *rowSource
	rowsMu   *sync.Mutex
	start    []int     // finest node k holds rows start[k]..start[k+1]-1
	time     []float64 // time per row of a residual correlation (nil without one)
	timeName string
	resid    *residual // residual structure (resid.go); nil: independent, homoscedastic
	input    []int     // the input data row of every design row (residual structures only)
	dropped  int
	// yShift is subtracted from y in rows when the model has an intercept
	// (then r², the determinants and every β but the intercept are
	// unchanged, and β̂_0 is the fitted one plus yShift). Centring keeps
	// the cross-products of y small, so r² = yᵀy − … loses fewer digits to
	// cancellation and the deviance is smooth to ~1e-15 relative, which the
	// Newton polish of the optimum needs.
	yShift float64
	notes  []string // Result.Notes from the design (codeNotes)
	anova  *anovaDesign
	// xcols are the columns of X, cols the model's variables and keep the
	// input rows used: what a reference grid needs (emmeans.go).
	xcols []fixedCol
	cols  map[string]*column
	keep  []int
	// transformInputs are the columns read only inside a transformed
	// variable (time in log(time + 1)): a reference grid sets them.
	transformInputs map[string]*column
	// tot holds the totals of a design from statistics (rows is nil).
	tot *totals
	// general is set when the grouping factors are not nested (crossed or
	// partially crossed) or one factor carries several terms: the fit then
	// uses the sparse path of general.go, and codes[l][r] is the group of
	// row r (node order) at level l.
	general bool
	codes   [][]int
}

func (d *design) ntheta() int {
	t := 0
	for _, l := range d.levels {
		t += l.q * (l.q + 1) / 2
	}
	return t
}

// fixedCol is one column of X: its name as R's model.matrix gives it and its
// value at input row i (kept-row index k).
type fixedCol struct {
	name string
	vals func(i, k int) float64 // i: input row, k: kept-row index
	// num, when set, holds vals by input row (a plain numeric variable),
	// and one says the column is the intercept: the row source reads them
	// without a call per row (newRowSource).
	num []float64
	one bool
	// parts say what the column multiplies, for evaluating it away from the
	// data (a reference grid, emmeans.go): one entry per variable of its
	// term, level −1 for a numeric variable (its value) and otherwise the
	// factor level whose indicator it is. The intercept has none.
	parts []colPart
}

// colPart is one factor of a fixed-effect column (see fixedCol.parts).
type colPart struct {
	v      string // formula variable, e.g. "factor(arm)"
	level  int    // −1 for a numeric variable, 0 for a factor (see coding)
	degree int    // column j of poly(x, k), else 0
	// coding is a factor column's value at each level (an indicator for
	// treatment coding, a contrast column otherwise).
	coding []float64
}

// rterm is a random-effects term with its grouping factor coded over the
// kept rows.
type rterm struct {
	rt     RandomTerm
	codes  []int32
	labels []string
}

// buildDesign turns a parsed formula and data into the design a fit needs:
// the columns used (modelColumns), the complete rows (completeRows), X with
// R's treatment coding (fixedColumns), the random-effects levels ordered and
// checked for nesting (randomLevels), and the row vectors [z x y] in node
// order (fillRows).
func buildDesign(f Formula, data Data, opts Options) (*design, error) {
	rs, err := resolveResidual(opts, f)
	if err != nil {
		return nil, err
	}
	if rs != nil && rs.gls {
		if err = rs.glsFormula(&f, &data); err != nil {
			return nil, err
		}
	}
	ar1 := ""
	if rs != nil {
		ar1 = rs.time
	}
	cols, nrow, err := modelColumns(f, data, ar1)
	if err != nil {
		return nil, err
	}
	if err = rs.checkTimes(data, cols); err != nil {
		return nil, err
	}
	keep := completeRows(cols, nrow)
	d := &design{formula: f, n: len(keep), dropped: nrow - len(keep), timeName: ar1}
	if d.n == 0 {
		return nil, errs.New(errs.TooFew, "mixed", "no complete rows (every row has a missing value in a model column)")
	}
	if nrow > math.MaxInt32 { // row and level indices are held in 32 bits
		return nil, errs.New(errs.InvalidOption, "mixed", "%d rows: at most %d can be fitted at once; fit from sufficient statistics (FitStats) or split the data", nrow, math.MaxInt32)
	}
	if err = codeFactors(f, cols, keep, opts.Ref, opts.Contrasts); err != nil {
		return nil, err
	}
	fx, perTerm, err := fixedColumns(f, cols, keep)
	if err != nil {
		return nil, err
	}
	d.xcols, d.cols, d.keep = fx, cols, keep
	if d.transformInputs, err = transformInputs(cols, data); err != nil {
		return nil, err
	}
	d.notes = codeNotes(f, cols, keep, ar1)
	if err = d.anovaInputs(f, cols, keep, fx, perTerm); err != nil {
		return nil, err
	}
	d.p = len(fx)
	for _, c := range fx {
		d.xnames = append(d.xnames, c.name)
	}
	rts, err := d.randomLevels(f, cols, keep, rs != nil && (rs.cor != nil || rs.gls))
	if err != nil {
		return nil, err
	}
	if err := rs.checkGroup(d, rts); err != nil {
		return nil, err
	}
	d.prepareRows(cols, keep, rts, fx, ar1, rs != nil)
	if d.general || rs != nil { // their engines and setup read the rows
		d.materialise()
	}
	if rs != nil {
		if err := rs.setup(d, data, d.input); err != nil {
			return nil, err
		}
	}
	if d.rows != nil { // else Fit checks from the engine's cross-products
		if err := d.checkRank(d.rowsCrossX); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// modelColumns looks up every variable of the formula (and the AR(1) time
// column) and checks lengths and kinds.
func modelColumns(f Formula, data Data, ar1 string) (map[string]*column, int, error) {
	cols := map[string]*column{}
	var names []string
	names = append(names, f.Response)
	for _, t := range f.Fixed {
		names = append(names, t...)
	}
	for _, r := range f.Random {
		for _, s := range r.Slopes {
			names = append(names, s...)
		}
		names = append(names, r.Group...)
	}
	if ar1 != "" {
		names = append(names, ar1)
	}
	nrow := -1
	for _, nm := range names {
		c, ok := cols[nm]
		if !ok {
			var err error
			if c, err = data.lookup(nm); err != nil {
				return nil, 0, err
			}
			cols[nm] = c
		}
		if nrow < 0 {
			nrow = c.len()
		} else if c.len() != nrow {
			return nil, 0, errs.New(errs.InvalidOption, "mixed", "column %q has %d rows, column %q has %d; all columns must have the same length", nm, c.len(), names[0], nrow)
		}
	}
	if cols[f.Response].isFactor() {
		return nil, 0, errs.New(errs.InvalidOption, "mixed", "response %q is a text column or a factor; it must be numeric", f.Response)
	}
	for _, r := range f.Random {
		for _, s := range r.Slopes {
			for _, v := range s {
				if cols[v].isFactor() {
					return nil, 0, errs.New(errs.InvalidOption, "mixed", "random slope %q is a factor; factor-valued random slopes are not supported", v)
				}
				if cols[v].polyDegree > 0 {
					return nil, 0, errs.New(errs.InvalidOption, "mixed", "random slope %q: poly() in the random part is not supported; use the raw terms, e.g. (1 + x + I(x^2) | g)", v)
				}
			}
		}
	}
	if ar1 != "" && cols[ar1].num == nil {
		return nil, 0, errs.New(errs.InvalidOption, "mixed", "time column %q of the residual correlation must be numeric (session numbers or times)", ar1)
	}
	return cols, nrow, nil
}

// completeRows returns the rows with no NaN in any numeric column used.
func completeRows(cols map[string]*column, nrow int) []int {
	var numCols [][]float64
	for _, c := range cols {
		if c.num != nil {
			numCols = append(numCols, c.num)
		}
	}
	keep := make([]int, 0, nrow)
	for i := 0; i < nrow; i++ {
		ok := true
		for _, x := range numCols {
			if math.IsNaN(x[i]) {
				ok = false
				break
			}
		}
		if ok {
			keep = append(keep, i)
		}
	}
	return keep
}

// fixedColumns builds X by R's model.matrix conventions: an intercept
// column, then each term's columns; a factor gets treatment coding (first
// level dropped) when the term without it is in the model, full indicator
// coding otherwise. perTerm is the number of columns of each term of
// f.Fixed, in order.
func fixedColumns(f Formula, cols map[string]*column, keep []int) (fx []fixedCol, perTerm []int, err error) {
	for _, t := range f.Fixed {
		for _, v := range t {
			if c := cols[v]; c.isFactor() {
				c.makeFactor(keep)
			}
		}
	}
	if f.Intercept {
		fx = append(fx, fixedCol{name: "(Intercept)", vals: func(int, int) float64 { return 1 }, one: true})
	}
	present := map[string]bool{"": f.Intercept}
	for _, t := range f.Fixed {
		present[termKey(t)] = true
	}
	for _, t := range f.Fixed {
		tc, terr := termColumns(t, cols, present, keep)
		if terr != nil {
			return nil, nil, terr
		}
		fx = append(fx, tc...)
		perTerm = append(perTerm, len(tc))
	}
	return fx, perTerm, nil
}

// termPart is one variable of an interaction term: its column names
// (suffixes) and value functions.
type termPart struct {
	names   []string
	vals    []func(i, k int) float64
	levels  []int       // −1 for a numeric variable's column, 0 for a factor's
	degrees []int       // column j of poly(x, k): j (1…k); 0 otherwise
	coding  [][]float64 // a factor column's value at each level; nil otherwise
}

// termColumns returns the columns of one (interaction) term: the Cartesian
// product of its variables' columns, the first variable varying fastest.
func termColumns(t []string, cols map[string]*column, present map[string]bool, keep []int) ([]fixedCol, error) {
	parts := make([]termPart, len(t))
	for k, v := range t {
		c := cols[v]
		if c.polyDegree > 0 {
			p, err := polyPart(v, c, keep)
			if err != nil {
				return nil, err
			}
			parts[k] = p
			continue
		}
		if !c.isFactor() {
			x := c.num
			parts[k] = termPart{[]string{v}, []func(int, int) float64{func(i, _ int) float64 { return x[i] }}, []int{-1}, []int{0}, [][]float64{nil}}
			continue
		}
		rest := make([]string, 0, len(t)-1)
		for _, w := range t {
			if w != v {
				rest = append(rest, w)
			}
		}
		full := !present[termKey(rest)]
		if len(c.levels) < 2 && !full {
			return nil, errs.New(errs.TooFew, "mixed", "factor %q has a single level (%q) in the rows used; drop it from the formula", v, c.levels[0])
		}
		parts[k] = factorPart(v, c, full)
	}
	var fx []fixedCol
	idx := make([]int, len(parts))
	for {
		var nm []string
		fs := make([]func(int, int) float64, len(parts))
		cp := make([]colPart, len(parts))
		for k := range parts {
			nm = append(nm, parts[k].names[idx[k]])
			fs[k] = parts[k].vals[idx[k]]
			cp[k] = colPart{t[k], parts[k].levels[idx[k]], parts[k].degrees[idx[k]], parts[k].coding[idx[k]]}
		}
		col := fixedCol{name: strings.Join(nm, ":"), vals: func(i, k int) float64 {
			v := 1.0
			for _, g := range fs {
				v *= g(i, k)
			}
			return v
		}, parts: cp}
		if len(t) == 1 && cp[0].level == -1 && cp[0].degree == 0 { // a plain numeric variable (poly columns have degree ≥ 1)
			col.num = cols[t[0]].num
		}
		fx = append(fx, col)
		k := 0
		for k < len(parts) {
			idx[k]++
			if idx[k] < len(parts[k].names) {
				break
			}
			idx[k] = 0
			k++
		}
		if k == len(parts) {
			return fx, nil
		}
	}
}

// randomLevels codes the grouping factors, orders the terms by decreasing
// number of groups (finest first) and sets d.levels with each level's
// parent map, refusing crossed factors and several terms on one factor.
// correlated says the residuals are correlated within the finest groups
// (or the model has no random effects), which may then hold one row each.
func (d *design) randomLevels(f Formula, cols map[string]*column, keep []int, correlated bool) ([]rterm, error) {
	// The grouping columns are coded concurrently (each on its own), then
	// each term's interaction of them.
	var grouping []*column
	for _, r := range f.Random {
		for _, g := range r.Group {
			if c := cols[g]; c.codes == nil && !slices.Contains(grouping, c) {
				grouping = append(grouping, c)
			}
		}
	}
	workers := rowWorkers(len(keep))
	parallel.Each(len(grouping), workers, func(_, k int) { grouping[k].makeFactor(keep) })
	type coded struct {
		codes  []int32
		labels []string
	}
	terms := make([]coded, len(f.Random))
	parallel.Each(len(f.Random), workers, func(_, t int) {
		gc := make([]*column, len(f.Random[t].Group))
		for k, g := range f.Random[t].Group {
			gc[k] = cols[g]
		}
		terms[t].codes, terms[t].labels = groupFactor(gc)
	})
	var rts []rterm
	for t, r := range f.Random {
		codes, labels := terms[t].codes, terms[t].labels
		name := r.Name
		if name == "" {
			name = strings.Join(r.Group, ":")
		}
		r.Name = name
		for _, sub := range splitUncorrelated(r) {
			rts = append(rts, rterm{sub, codes, labels})
		}
	}
	sort.SliceStable(rts, func(a, b int) bool { return len(rts[a].labels) > len(rts[b].labels) })
	if err := checkRepeatedColumns(rts); err != nil {
		return nil, err
	}
	names := uniqueTermNames(rts)
	off := 0
	toff := 0
	for li, rt := range rts {
		l := level{name: names[li], group: rt.rt.Name, labels: rt.labels, nodes: len(rt.labels), off: off, thetaOff: toff}
		if rt.rt.Intercept {
			l.colNames = append(l.colNames, "(Intercept)")
		}
		for _, s := range rt.rt.Slopes {
			l.colNames = append(l.colNames, strings.Join(s, ":"))
		}
		l.q = len(l.colNames)
		off += l.q
		toff += l.q * (l.q + 1) / 2
		if l.nodes < 2 && l.q > 0 {
			return nil, errs.New(errs.TooFew, "mixed", "grouping factor %q has a single level in the rows used; a variance between groups needs at least two groups (drop the term)", l.name)
		}
		if li == 0 && l.nodes >= d.n && !correlated {
			return nil, errs.New(errs.Singular, "mixed", "grouping factor %q has %d levels for %d observations; the random effects and the residual cannot be told apart (lme4 refuses this too)", l.name, l.nodes, d.n)
		}
		if li > 0 && !d.general {
			// Factors that do not nest go to the general sparse path.
			if par, err := parentMap(rts[li-1], rt, len(keep)); err == nil {
				d.levels[li-1].parent = par
			} else {
				d.general = true
			}
		}
		d.levels = append(d.levels, l)
	}
	d.m0 = off + d.p + 1
	if d.general {
		for li := range d.levels {
			d.levels[li].parent = nil
		}
	}
	return rts, nil
}

// parentMap maps every group of the finer term prev to the group of rt that
// holds it, or says why rt's groups do not nest prev's.
func parentMap(prev, rt rterm, n int) ([]int, error) {
	par := make([]int, len(prev.labels))
	for i := range par {
		par[i] = -1
	}
	for k := 0; k < n; k++ {
		c, pc := prev.codes[k], int(rt.codes[k])
		if par[c] < 0 {
			par[c] = pc
		} else if par[c] != pc {
			if len(prev.labels) == len(rt.labels) {
				return nil, errs.New(errs.InvalidOption, "mixed", "random terms for %q and %q: several terms on one grouping factor, or crossed factors, are not supported; use one term such as (1 + x | g)", prev.rt.Name, rt.rt.Name)
			}
			return nil, errs.New(errs.InvalidOption, "mixed", "grouping factors %q and %q are crossed (group %q of %q occurs in several groups of %q); only nested random effects are supported", prev.rt.Name, rt.rt.Name, prev.labels[c], prev.rt.Name, rt.rt.Name)
		}
	}
	if len(prev.labels) == len(rt.labels) {
		return nil, errs.New(errs.InvalidOption, "mixed", "random terms for %q and %q use the same grouping; several terms on one grouping factor are not supported, use one term such as (1 + x | g)", prev.rt.Name, rt.rt.Name)
	}
	return par, nil
}

// rowOrder returns the kept-row indices sorted by finest node (a stable
// counting sort), then by time within a node (AR(1)), then input order, and
// sets d.start.
func (d *design) rowOrder(fine []int32, tcol []float64, keep []int) []int32 {
	d.start = make([]int, d.levels[0].nodes+1)
	for _, c := range fine {
		d.start[c+1]++
	}
	for j := 1; j < len(d.start); j++ {
		d.start[j] += d.start[j-1]
	}
	order := make([]int32, d.n)
	next := append([]int(nil), d.start[:len(d.start)-1]...)
	for k := 0; k < len(fine); { // a run of rows of one node at a time (a patient's sessions)
		c, e := fine[k], k+1
		for e < len(fine) && fine[e] == c {
			e++
		}
		at := order[next[c] : next[c]+e-k]
		for t := range at {
			at[t] = int32(k + t)
		}
		next[c] += e - k
		k = e
	}
	if tcol != nil {
		for j := 0; j+1 < len(d.start); j++ {
			grp := order[d.start[j]:d.start[j+1]]
			sort.SliceStable(grp, func(a, b int) bool { return tcol[keep[grp[a]]] < tcol[keep[grp[b]]] })
		}
	}
	return order
}

// prepareRows orders the rows by finest node (d.start), records the input
// row of each (d.input, which residual structures need: withInput), the
// residual correlation's times (checked by
// residual.setup) and, on the general path, each row's groups, and sets
// the row source fillRow reads: the row vectors themselves are written
// only when something needs them all (materialise, ensureRows), as the
// residual structures, the general path, Kenward–Roger, the bootstrap and
// ranova's fit without random effects do; a fit of a nested model sums
// each node's cross-products from them as they are made (newEngine).
func (d *design) prepareRows(cols map[string]*column, keep []int, rts []rterm, fx []fixedCol, ar1 string, withInput bool) {
	f := d.formula
	fine := rts[0].codes
	var tcol []float64
	if ar1 != "" {
		tcol = cols[ar1].num
		d.time = make([]float64, d.n)
	}
	order := d.rowOrder(fine, tcol, keep)
	if withInput {
		d.input = make([]int, d.n)
	}
	y := cols[f.Response].num
	if f.Intercept {
		s := 0.0 // a local sum: a field's would be stored at every step
		for _, i := range keep {
			s += y[i]
		}
		d.yShift = s / float64(d.n)
	}
	if d.general {
		d.codes = make([][]int, len(rts))
		for li := range rts {
			d.codes[li] = make([]int, d.n)
		}
	}
	d.src = newRowSource(cols, order, keep, rts, fx, y)
	d.rowsMu = new(sync.Mutex)
	if !withInput && !d.general && tcol == nil {
		return
	}
	parallel.Chunks(d.n, rowWorkers(d.n), func(_, lo, hi int) {
		for r := lo; r < hi; r++ {
			k := order[r]
			i := keep[k]
			if withInput {
				d.input[r] = i
			}
			if d.general {
				for li, rt := range rts {
					d.codes[li][r] = int(rt.codes[k])
				}
			}
			if tcol != nil {
				d.time[r] = tcol[i]
			}
		}
	})
}

// rowSource is what fillRow makes a row vector from: the design row's
// kept-row index (order) and input row (keep), how each of the first
// m0 − 1 entries is made (cols: the z columns of every level, then x) and
// the response.
type rowSource struct {
	order []int32
	keep  []int
	cols  []rowCol
	y     []float64
	// basis lists the first column of each distinct entry (setBasis), bi
	// the basis index of every column.
	basis, bi []int
}

// rowCol makes one entry of a row vector at input row i (kept-row index
// k): 1, num[i], the product of prod's columns at i, or vals(i, k).
type rowCol struct {
	one  bool
	num  []float64
	prod [][]float64
	vals func(i, k int) float64
}

// at is the entry at input row i, kept-row index k.
func (c *rowCol) at(i, k int) float64 {
	switch {
	case c.one:
		return 1
	case c.num != nil:
		return c.num[i]
	case c.prod != nil:
		x := 1.0
		for _, col := range c.prod {
			x *= col[i]
		}
		return x
	}
	return c.vals(i, k)
}

// newRowSource lists how each entry of a row is made: per level, its
// intercept (1) and each slope (the product of its variables' columns),
// then the fixed-effect columns.
func newRowSource(cols map[string]*column, order []int32, keep []int, rts []rterm, fx []fixedCol, y []float64) *rowSource {
	src := &rowSource{order: order, keep: keep, y: y}
	for _, rt := range rts {
		if rt.rt.Intercept {
			src.cols = append(src.cols, rowCol{one: true})
		}
		for _, sl := range rt.rt.Slopes {
			var xs [][]float64
			for _, nm := range sl {
				xs = append(xs, cols[nm].num)
			}
			if len(xs) == 1 {
				src.cols = append(src.cols, rowCol{num: xs[0]})
			} else {
				src.cols = append(src.cols, rowCol{prod: xs})
			}
		}
	}
	for _, c := range fx {
		switch {
		case c.one:
			src.cols = append(src.cols, rowCol{one: true})
		case c.num != nil:
			src.cols = append(src.cols, rowCol{num: c.num})
		default:
			src.cols = append(src.cols, rowCol{vals: c.vals})
		}
	}
	src.setBasis()
	return src
}

// rowBasis numbers the distinct coordinates of a design row: bi[a] is the
// basis index of coordinate a of the m0, nu their number (the row
// source's basis, then the response). Without a row source (materialised
// rows) every coordinate is its own.
func (d *design) rowBasis() (bi []int, nu int) {
	bi = make([]int, d.m0)
	if d.rows != nil || d.src == nil {
		for a := range bi {
			bi[a] = a
		}
		return bi, d.m0
	}
	copy(bi, d.src.bi)
	nb := len(d.src.basis)
	bi[d.m0-1] = nb
	return bi, nb + 1
}

// setBasis numbers the distinct entries of the source's columns:
// columns made the same way (the constant 1 of intercepts, one variable
// as a fixed effect and a random slope) share an index.
func (src *rowSource) setBasis() {
	src.bi = make([]int, len(src.cols))
	src.basis = src.basis[:0]
	for a := range src.cols {
		src.bi[a] = -1
		for u, f := range src.basis {
			if src.cols[f].same(&src.cols[a]) {
				src.bi[a] = u
				break
			}
		}
		if src.bi[a] < 0 {
			src.bi[a] = len(src.basis)
			src.basis = append(src.basis, a)
		}
	}
}

// same reports whether c and o make the same entry in every row: both
// the constant 1, or both the same column (the same slice).
func (c *rowCol) same(o *rowCol) bool {
	switch {
	case c.one || o.one:
		return c.one && o.one
	case c.num != nil && o.num != nil:
		return len(c.num) == len(o.num) && (len(c.num) == 0 || &c.num[0] == &o.num[0])
	}
	return false
}

// fillBasis writes row r's distinct coordinates (the source's basis, then
// y − yShift) into v: the entries fillRow would write, each once.
func (d *design) fillBasis(r int, v []float64) {
	src := d.src
	k := int(src.order[r])
	i := src.keep[k]
	v = v[:len(src.basis)+1]
	for u, a := range src.basis {
		v[u] = src.cols[a].at(i, k)
	}
	v[len(src.basis)] = src.y[i] - d.yShift
}

// fillRow writes design row r, [z of every level, x, y − yShift], into v
// (m0 long): rows[r·m0 : (r+1)·m0] once materialised.
func (d *design) fillRow(r int, v []float64) {
	src := d.src
	k := int(src.order[r])
	i := src.keep[k]
	v = v[:len(src.cols)+1]
	for j := range src.cols {
		v[j] = src.cols[j].at(i, k)
	}
	v[len(src.cols)] = src.y[i] - d.yShift
}

// materialise writes every row vector into d.rows (in parallel ranges).
func (d *design) materialise() {
	rows := make([]float64, d.n*d.m0)
	parallel.Chunks(d.n, rowWorkers(d.n), func(_, lo, hi int) {
		for r := lo; r < hi; r++ {
			d.fillRow(r, rows[r*d.m0:(r+1)*d.m0:(r+1)*d.m0])
		}
	})
	d.rows = rows
}

// ensureRows materialises the rows if they are not yet, and reports
// whether the design has them: a design from sufficient statistics has
// none.
func (d *design) ensureRows() bool {
	if d.src == nil {
		return d.rows != nil
	}
	d.rowsMu.Lock()
	defer d.rowsMu.Unlock()
	if d.rows == nil {
		d.materialise()
	}
	return true
}

// rowsCrossX is XᵀX's lower triangle from the materialised rows, summed
// over parallel row ranges (one per processor from 16,384 rows on) and
// added up in range order: the sums differ in rounding (~10⁻¹⁶ relative)
// with the number of processors, far below checkRank's pivot tolerance.
func (d *design) rowsCrossX() []float64 {
	p, Q := d.p, d.m0-d.p-1
	w := rowWorkers(d.n)
	parts := make([][]float64, w)
	parallel.Chunks(d.n, w, func(k, lo, hi int) {
		a := make([]float64, p*p)
		for r := lo; r < hi; r++ {
			x := d.rows[r*d.m0+Q : r*d.m0+Q+p : r*d.m0+Q+p]
			for i, xi := range x {
				row := a[i*p : i*p+i+1]
				for j, xj := range x[:len(row)] {
					row[j] += xi * xj
				}
			}
		}
		parts[k] = a
	})
	a := make([]float64, p*p)
	for _, part := range parts {
		for i, v := range part {
			a[i] += v
		}
	}
	return a
}

// rowWorkers is the number of goroutines for a pass over n rows: one per
// processor, but one for fewer than 16,384 rows (below which the pass takes
// less than starting them).
func rowWorkers(n int) int {
	if n < 1<<14 {
		return 1
	}
	return runtime.GOMAXPROCS(0)
}

// checkRank verifies that X has full column rank (lme4 would drop columns;
// we ask the user to), from XᵀX (p × p, lower triangle used) as xtx
// returns it: from the rows (rowsCrossX) or from the engine's node
// cross-products (engine.crossX).
func (d *design) checkRank(xtx func() []float64) error {
	p := d.p
	if p == 0 {
		return nil
	}
	if d.n <= p {
		return errs.New(errs.TooFew, "mixed", "%d observations for %d fixed effects; need more observations than fixed effects", d.n, p)
	}
	a := xtx()
	// A pivot below 1e-10 of its diagonal: column j is (numerically) a
	// linear combination of the earlier ones.
	var np *linalg.NotPositiveDefinite
	if err := linalg.CholeskyTol(a, p, 1e-10); errors.As(err, &np) {
		return errs.New(errs.Singular, "mixed", "fixed-effect column %q is constant zero or a linear combination of earlier columns (rank-deficient design); remove it from the formula", d.xnames[np.Pivot])
	} else if err != nil {
		return errs.New(errs.Singular, "mixed", "fixed-effect cross-product: %v", err)
	}
	return nil
}
