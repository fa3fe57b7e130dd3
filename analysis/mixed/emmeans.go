package mixed

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/alliance-research/alliance/analysis/errs"
	"github.com/alliance-research/alliance/analysis/internal/srange"
	"github.com/alliance-research/alliance/analysis/internal/wald"
)

// EMMSpec asks for estimated marginal means, as emmeans' emmeans(m, ~ Vars | By,
// at = At, lmer.df = "satterthwaite") and pairs() of them.
type EMMSpec struct {
	// Vars are the variables whose level combinations get a mean (e.g.
	// "arm"; factor(x) may be named x), By the variables within whose levels
	// means (and pairs) are formed separately.
	Vars, By []string
	// At fixes variables of the reference grid: numeric covariates at the
	// given values (default: their mean over the rows used), factors to the
	// given levels (default: all).
	At map[string][]string
	// Pairs adds every pairwise difference of the means within each By
	// group, adjusted by Adjust: "tukey" (default; emmeans' default for
	// pairs), "holm", "bonferroni" or "none".
	Pairs  bool
	Adjust string
	// Level of the confidence intervals of the means; default the model's.
	Level float64
}

// EMM is one estimated marginal mean with its t-based interval (emmeans'
// emmean, SE, df, lower.CL, upper.CL).
type EMM struct {
	Term   string            `json:"term"`   // the spec variables joined by ":", e.g. "arm"
	Levels map[string]string `json:"levels"` // level of each spec and by variable
	EMMean float64           `json:"emmean"`
	SE     float64           `json:"se"`
	DF     float64           `json:"df"` // Satterthwaite
	CILB   float64           `json:"ci_lb"`
	CIUB   float64           `json:"ci_ub"`
	label  string            // spec levels joined by " " (emmeans' contrast labels, contrastLabel)
	group  int               // By group
	l      []float64         // the linear function of β
}

// EMMContrast is one pairwise difference of marginal means (emmeans'
// contrast, estimate, SE, df, t.ratio, p.value).
type EMMContrast struct {
	Contrast string            `json:"contrast"` // "cbt - control"
	By       map[string]string `json:"by,omitempty"`
	Estimate float64           `json:"estimate"`
	SE       float64           `json:"se"`
	DF       float64           `json:"df"`
	T        float64           `json:"t"`
	P        float64           `json:"p"`      // adjusted within the By group
	PRaw     float64           `json:"p_raw"`  // unadjusted
	Adjust   string            `json:"adjust"` // tukey, holm, bonferroni or none
	Family   int               `json:"family"` // means (tukey) or contrasts (holm, bonferroni) in the family
}

// GridVar is one variable of the reference grid and the values it takes.
type GridVar struct {
	Name    string   `json:"name"`
	Factor  bool     `json:"factor"`
	Values  []string `json:"values"`
	Mean    bool     `json:"mean,omitempty"` // a numeric covariate at its mean (not given in At)
	Average bool     `json:"averaged"`       // averaged over (neither in Vars nor in By)
}

// EMMResult holds the marginal means and, with Pairs, their differences.
type EMMResult struct {
	Vars      []string      `json:"vars"`
	By        []string      `json:"by,omitempty"`
	Grid      []GridVar     `json:"grid"`
	EMMeans   []EMM         `json:"emmeans"`
	Contrasts []EMMContrast `json:"contrasts,omitempty"`
	Adjust    string        `json:"adjust,omitempty"`
	Level     float64       `json:"level"`
	Notes     []string      `json:"notes,omitempty"`
}

// ParseEMMSpec reads an emmeans specification such as "arm", "~ arm",
// "arm * site", "arm:site" or "arm | site" (variables before the bar get
// means, those after it are the By groups).
func ParseEMMSpec(s string) (vars, by []string, err error) {
	s = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(s), "~"))
	split := func(t string) []string {
		return strings.FieldsFunc(t, func(r rune) bool { return r == '*' || r == ':' || r == '+' || r == ',' || r == ' ' })
	}
	parts := strings.Split(s, "|")
	if len(parts) > 2 {
		return nil, nil, errs.New(errs.InvalidOption, "mixed", "marginal means %q: at most one | (means | by groups)", s)
	}
	vars = split(parts[0])
	if len(parts) == 2 {
		by = split(parts[1])
	}
	if len(vars) == 0 {
		return nil, nil, errs.New(errs.InvalidOption, "mixed", "marginal means %q: name a variable, e.g. arm or \"arm | site\"", s)
	}
	return vars, by, nil
}

// EMMeans returns the estimated marginal means of the model (Searle, Speed
// & Milliken 1980, Am. Stat. 34, 216–221: "population marginal means";
// Lenth's emmeans package), as emmeans 1.8.4's emmeans(m, ~ Vars | By,
// lmer.df = "satterthwaite").
//
// The reference grid crosses every factor of the fixed part (all its
// levels, or At's) with every numeric covariate at its mean over the rows
// used (or At's values). For grid row g with design row x_g, the
// prediction is x_gᵀβ̂; the mean of a combination c of the Vars and By
// levels is the equally weighted average over the grid rows of c,
//
//	μ̂_c = l_cᵀβ̂,  l_c = (1/|G_c|) Σ_{g ∈ G_c} x_g,
//
// with SE √(l_cᵀ V l_c) (V = cov(β̂)), Satterthwaite df 2(l_cᵀVl_c)²/(gᵀAg)
// (g the gradient of l_cᵀV(ψ)l_c in the variance parameters ψ, A their
// asymptotic covariance: lmerTest's contest1D, as for the fixed effects)
// and the interval μ̂_c ± t_{df,(1+level)/2}·SE.
//
// With Pairs, every difference μ̂_i − μ̂_j (i before j) within a By group
// has its own SE, Satterthwaite df and t; Tukey's p is P(Q_{k,df} > √2|t|)
// with k the means in the group (srange, as R's ptukey), Bonferroni's
// min(1, m·p) and Holm's step-down with m the contrasts in the group.
// With Options.DDF kenward-roger the SEs come from Kenward and Roger's
// adjusted covariance Φ_A and the df are theirs (emmeans' lmer.df =
// "kenward-roger", pbkrtest's Lb_ddf; see kenwardRoger).
func (m *Model) EMMeans(spec EMMSpec) (*EMMResult, error) {
	d := m.d
	if d.cols == nil {
		return nil, errNoColumns("estimated marginal means")
	}
	if d.resid != nil && d.general && !d.oneFactor() {
		// emmeans' containment df of nlme's pdBlocked form (one all-data
		// group) are 0: it gives no intervals or tests to match.
		return nil, errs.New(errs.InvalidOption, "mixed", "estimated marginal means with crossed grouping factors and a residual structure are not available: their reference, emmeans on nlme's pdBlocked fit (one group holding all the data), has containment df 0 and gives no intervals; compare the fixed effects instead").WithHint("EMMeans")
	}
	if spec.Level == 0 {
		spec.Level = m.opts.Level
	}
	if !(spec.Level > 0 && spec.Level < 1) {
		return nil, errs.New(errs.InvalidOption, "mixed", "confidence level %g must lie in (0, 1)", spec.Level)
	}
	adjust := strings.ToLower(spec.Adjust)
	if adjust == "" {
		adjust = "tukey"
	}
	switch adjust {
	case "tukey", "holm", "bonferroni", "none":
	default:
		return nil, errs.New(errs.InvalidOption, "mixed", "p-value adjustment %q: give tukey, holm, bonferroni or none", spec.Adjust)
	}
	grid, err := d.referenceGrid(spec)
	if err != nil {
		return nil, err
	}
	res := &EMMResult{Level: spec.Level}
	role := map[string]int{} // 1 Vars, 2 By, 0 averaged
	res.Vars, res.By = spec.Vars, spec.By
	for _, g := range grid {
		role[g.v] = g.role
		res.Grid = append(res.Grid, GridVar{Name: g.display, Factor: g.factor, Values: g.labels, Mean: g.mean, Average: g.role == 0})
	}
	res.Notes = d.interactionNotes(grid, role)

	// Enumerate the grid with the Vars varying fastest (in the order
	// given, the first fastest), then By, then the averaged variables.
	order := make([]int, 0, len(grid))
	for _, r := range []int{1, 2, 0} {
		start := len(order)
		for i, g := range grid {
			if g.role == r {
				order = append(order, i)
			}
		}
		part := order[start:]
		sort.SliceStable(part, func(a, b int) bool { return grid[part[a]].pos < grid[part[b]].pos })
	}
	ncell, nby, navg := 1, 1, 1
	for _, g := range grid {
		switch g.role {
		case 1:
			ncell *= len(g.labels)
		case 2:
			nby *= len(g.labels)
		default:
			navg *= len(g.labels)
		}
	}
	p := d.p
	beta := make([]float64, p)
	for i, c := range m.Result.Fixed {
		beta[i] = c.Estimate
	}
	V, vd, err := m.contrastInference()
	if err != nil {
		return nil, fmt.Errorf("mixed: df of the marginal means: %w", err)
	}
	idx := make([]int, len(grid)) // current level of each grid variable
	decode := func(cell, a int) {
		for _, gi := range order {
			n := len(grid[gi].labels)
			if grid[gi].role == 0 {
				idx[gi], a = a%n, a/n
			} else {
				idx[gi], cell = cell%n, cell/n
			}
		}
	}
	x := make([]float64, p)
	term := strings.Join(res.Vars, ":")
	for cell := 0; cell < ncell*nby; cell++ {
		l := make([]float64, p)
		for a := 0; a < navg; a++ {
			decode(cell, a)
			d.gridRow(grid, idx, x)
			for j := range l {
				l[j] += x[j] / float64(navg)
			}
		}
		e := EMM{Term: term, Levels: map[string]string{}, l: l, group: cell / ncell}
		var lab []string
		for _, gi := range order {
			g := grid[gi]
			if g.role == 0 {
				continue
			}
			e.Levels[g.display] = g.labels[idx[gi]]
			if g.role == 1 {
				lab = append(lab, g.contrastLabel(idx[gi]))
			}
		}
		e.label = strings.Join(lab, " ")
		est, v := quad(l, beta, V)
		df := vd.df(l)
		w := wald.StudentT(df, spec.Level).CoefSE(est, math.Sqrt(v))
		e.EMMean, e.SE, e.DF, e.CILB, e.CIUB = est, w.SE, df, w.CILB, w.CIUB
		res.EMMeans = append(res.EMMeans, e)
	}
	if spec.Pairs {
		res.Adjust = adjust
		res.Contrasts = pairs(res.EMMeans, ncell, nby, beta, V, vd, adjust, grid)
	}
	return res, nil
}

// quad returns lᵀβ and lᵀVl.
func quad(l, beta []float64, V [][]float64) (est, v float64) {
	for i := range l {
		est += l[i] * beta[i]
		if l[i] == 0 {
			continue
		}
		for j := range l {
			v += l[i] * V[i][j] * l[j]
		}
	}
	return est, v
}

// pairs forms the differences of the means within each By group and
// adjusts their p-values (see EMMeans).
func pairs(emms []EMM, ncell, nby int, beta []float64, V [][]float64, vd contrastDF, adjust string, grid []gridVar) []EMMContrast {
	var out []EMMContrast
	for b := 0; b < nby; b++ {
		grp := emms[b*ncell : (b+1)*ncell]
		start := len(out)
		for i := 0; i < len(grp); i++ {
			for j := i + 1; j < len(grp); j++ {
				l := make([]float64, len(beta))
				for k := range l {
					l[k] = grp[i].l[k] - grp[j].l[k]
				}
				est, v := quad(l, beta, V)
				df := vd.df(l)
				w := wald.StudentT(df, 0.95).CoefSE(est, math.Sqrt(v))
				c := EMMContrast{Contrast: grp[i].label + " - " + grp[j].label, Estimate: est, SE: w.SE, DF: df, T: w.Statistic, PRaw: w.P, Adjust: adjust}
				for _, g := range grid {
					if g.role == 2 {
						if c.By == nil {
							c.By = map[string]string{}
						}
						c.By[g.display] = grp[i].Levels[g.display]
					}
				}
				out = append(out, c)
			}
		}
		fam := out[start:]
		switch adjust {
		case "tukey":
			for k := range fam {
				fam[k].Family = len(grp)
				fam[k].P = srange.Survival(math.Sqrt2*math.Abs(fam[k].T), float64(len(grp)), fam[k].DF)
			}
		case "bonferroni":
			for k := range fam {
				fam[k].Family = len(fam)
				fam[k].P = math.Min(1, float64(len(fam))*fam[k].PRaw)
			}
		case "holm":
			ord := make([]int, len(fam))
			for k := range ord {
				ord[k] = k
			}
			sort.SliceStable(ord, func(a, b int) bool { return fam[ord[a]].PRaw < fam[ord[b]].PRaw })
			run := 0.0
			for r, k := range ord {
				run = math.Max(run, math.Min(1, float64(len(fam)-r)*fam[k].PRaw))
				fam[k].P = run
				fam[k].Family = len(fam)
			}
		default:
			for k := range fam {
				fam[k].P = fam[k].PRaw
				fam[k].Family = 1
			}
		}
	}
	return out
}

// gridVar is one variable of the reference grid.
type gridVar struct {
	v       string // formula variable, e.g. "factor(arm)"
	display string // as the user names it: "arm"
	factor  bool
	labels  []string  // level labels (factors) or formatted values (numerics)
	levels  []int     // factor level index of each label
	values  []float64 // numeric values
	mean    bool
	role    int // 1 Vars, 2 By, 0 averaged
	pos     int // position in spec.Vars or spec.By
}

// contrastLabel is level i as emmeans writes it in contrast labels: the
// variable's name before it when every level of the variable looks like a
// number ("Days0 - Days1", "cbt time0 - cbt time5").
func (g gridVar) contrastLabel(i int) string {
	for _, s := range g.labels {
		if _, err := strconv.ParseFloat(s, 64); err != nil {
			return g.labels[i]
		}
	}
	return g.display + g.labels[i]
}

// referenceGrid lists the fixed part's variables (formula order) with the
// values they take on the grid and their role in spec.
func (d *design) referenceGrid(spec EMMSpec) ([]gridVar, error) {
	var grid []gridVar
	seen := map[string]int{}
	var vars []string // the grid's variables: a transform's columns stand for it
	for _, t := range d.formula.Fixed {
		for _, v := range t {
			if in, ok := inputsOf(v); ok {
				vars = append(vars, in...)
			} else {
				vars = append(vars, v)
			}
		}
	}
	for _, v := range vars {
		if _, ok := seen[v]; ok {
			continue
		}
		disp := v
		if x, ok := FactorOf(v); ok {
			disp = x
		}
		for _, g := range grid {
			if g.display == disp {
				return nil, errs.New(errs.InvalidOption, "mixed", "marginal means: variable %q enters the model both as %s and as %s; use one form", disp, g.v, v)
			}
		}
		seen[v] = len(grid)
		grid = append(grid, gridVar{v: v, display: disp})
	}
	find := func(name, what string) (int, error) {
		for i, g := range grid {
			if g.display == name || g.v == name {
				return i, nil
			}
		}
		var have []string
		for _, g := range grid {
			have = append(have, g.display)
		}
		if len(have) == 0 {
			return 0, errs.New(errs.InvalidOption, "mixed", "marginal means: the model has no fixed-effect variables")
		}
		return 0, errs.New(errs.InvalidOption, "mixed", "%s %q is not a variable of the fixed part of the model (variables: %s)", what, name, strings.Join(have, ", "))
	}
	for r, names := range [][]string{spec.Vars, spec.By} {
		for pos, v := range names {
			i, err := find(v, [2]string{"marginal means of", "marginal means by"}[r])
			if err != nil {
				return nil, err
			}
			if grid[i].role != 0 {
				return nil, errs.New(errs.InvalidOption, "mixed", "marginal means: variable %q is named twice", v)
			}
			grid[i].role, grid[i].pos = r+1, pos
		}
	}
	at := map[int][]string{}
	for name, vals := range spec.At {
		i, err := find(name, "grid variable (at)")
		if err != nil {
			return nil, err.(*errs.Error).WithHint("At")
		}
		if len(vals) == 0 {
			return nil, errs.New(errs.InvalidOption, "mixed", "at %s: give one or more values", name).WithHint("At")
		}
		at[i] = vals
	}
	for i := range grid {
		g := &grid[i]
		c := d.cols[g.v]
		if c == nil { // a column read only inside a transform
			c = d.transformInputs[g.v]
		}
		g.factor = c.isFactor()
		vals, fixed := at[i]
		if g.factor {
			if !fixed {
				for l, lab := range c.levels {
					g.labels, g.levels = append(g.labels, lab), append(g.levels, l)
				}
				continue
			}
			for _, s := range vals {
				l := slices.Index(c.levels, strings.TrimSpace(s))
				if l < 0 {
					return nil, errs.New(errs.InvalidOption, "mixed", "at %s=%s: %q is not a level of %s (levels: %s)", g.display, strings.Join(vals, ","), s, g.display, strings.Join(c.levels, ", ")).WithHint("At")
				}
				g.labels, g.levels = append(g.labels, c.levels[l]), append(g.levels, l)
			}
			continue
		}
		if !fixed {
			s := 0.0
			for _, r := range d.keep {
				s += c.num[r]
			}
			mu := s / float64(len(d.keep))
			g.values, g.labels, g.mean = []float64{mu}, []string{strconv.FormatFloat(mu, 'g', 7, 64)}, true
			continue
		}
		for _, s := range vals {
			x, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
			if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
				return nil, errs.New(errs.InvalidOption, "mixed", "at %s=%s: %q is not a number (%s is a numeric covariate)", g.display, strings.Join(vals, ","), s, g.display).WithHint("At")
			}
			g.values, g.labels = append(g.values, x), append(g.labels, strconv.FormatFloat(x, 'g', -1, 64))
		}
	}
	return grid, nil
}

// gridRow writes the design row of the grid point idx (a level index per
// grid variable) into x.
func (d *design) gridRow(grid []gridVar, idx []int, x []float64) {
	at := map[string]int{}
	for i, g := range grid {
		at[g.v] = i
	}
	for j, c := range d.xcols {
		v := 1.0
		for _, pt := range c.parts {
			if pt.level < 0 {
				v *= d.gridValue(pt, grid, at, idx)
				continue
			}
			g := grid[at[pt.v]]
			v *= pt.coding[g.levels[idx[at[pt.v]]]]
		}
		x[j] = v
	}
}

// gridValue is the numeric part pt of a column at the grid point idx: the
// grid's value of a column, a transform of the grid's values of its
// columns (emmeans puts time, not log(time + 1), on the grid), or a poly()
// column evaluated there with the fitted basis (R's predict.poly).
func (d *design) gridValue(pt colPart, grid []gridVar, at map[string]int, idx []int) float64 {
	if i, ok := at[pt.v]; ok {
		return grid[i].values[idx[i]]
	}
	c := d.cols[pt.v]
	e := c.expr // parsed once, when the column was made (Data.lookup)
	vals := map[string][]float64{}
	for _, c := range e.vars(nil) {
		vals[c] = []float64{grid[at[c]].values[idx[at[c]]]}
	}
	x := e.eval(vals, 0)
	if pt.degree > 0 {
		x = c.poly.eval(x, pt.degree)
	}
	return x
}

// interactionNotes says when the means average over a factor that
// interacts with a variable of the means, as emmeans' "Results may be
// misleading due to involvement in interactions".
func (d *design) interactionNotes(grid []gridVar, role map[string]int) []string {
	disp := map[string]string{}
	multi := map[string]bool{}
	for _, g := range grid {
		disp[g.v] = g.display
		multi[g.v] = len(g.labels) > 1
	}
	var over []string
	done := map[string]bool{}
	for _, t := range d.formula.Fixed {
		hasSpec := false
		for _, v := range t {
			if role[v] != 0 {
				hasSpec = true
			}
		}
		if !hasSpec {
			continue
		}
		for _, v := range t {
			if role[v] == 0 && multi[v] && !done[v] {
				done[v] = true
				over = append(over, disp[v])
			}
		}
	}
	if len(over) == 0 {
		return nil
	}
	return []string{fmt.Sprintf("The means average over %s, which interacts with the variables of the means; they may mislead (emmeans says the same: \"Results may be misleading due to involvement in interactions\")", strings.Join(over, ", "))}
}
