package workflow

import (
	"fmt"
	"math"
	"runtime"
	"sort"
	"strconv"
	"strings"

	"github.com/alliance-research/alliance/analysis/apa"
	"github.com/alliance-research/alliance/analysis/errs"
	"github.com/alliance-research/alliance/analysis/mixed"
	"github.com/alliance-research/alliance/datasets"
	"github.com/alliance-research/alliance/internal/gcpace"
	"github.com/alliance-research/alliance/internal/parallel"
)

// LMMOptions are the choices of a general linear mixed model.
type LMMOptions struct {
	// Formula is the model in lme4 syntax: y ~ fixed + (random | group).
	Formula string
	// Compare is a second, nested formula for a likelihood-ratio test
	// (both refitted by ML when their fixed effects differ, as lme4's and
	// nlme's anova; REML fits with a residual structure and the same fixed
	// effects compared as fitted, as nlme's).
	Compare string
	// ML fits by maximum likelihood instead of REML.
	ML bool
	// AR1 names an integer time column: AR(1) residuals within the
	// innermost group (nlme's corAR1), gaps respected. TimeAR1 asks for
	// the same over the Time column (a front end's switch).
	AR1     string
	TimeAR1 bool
	// Level is the confidence level (default 0.95).
	Level float64
	// Anova adds the F tests of the fixed-effect terms: 3 (type III), 2
	// (type II: each term adjusted for the terms not containing it) or 1
	// (type I, sequential), with Satterthwaite's denominator df, as
	// lmerTest's anova(m, type = 3); 0 for none.
	Anova int
	// EMMeans asks for estimated marginal means of a term, "arm" or
	// "arm | site" (means of arm within each site), as emmeans(m, ~ arm |
	// site, lmer.df = "satterthwaite"); At fixes variables of the reference
	// grid ("time=5", "time=0,5", "arm=cbt,ipt"; numeric covariates default
	// to their means); Pairs adds the pairwise differences within each by
	// group, with p adjusted by Adjust: tukey (default), holm, bonferroni
	// or none.
	EMMeans string
	At      []string
	Pairs   bool
	Adjust  string
	// Ref sets the reference level of factors, "arm=control" each (R's
	// relevel(arm, ref = "control")); default the first level in sorted
	// order, as R's factor().
	Ref []string
	// Contrasts codes the factors: treatment (default), sum or helmert, as
	// R's options(contrasts = c("contr.sum", "contr.poly")); the fit, the F
	// tests and the marginal means do not depend on it.
	Contrasts string
	// Ranova adds likelihood-ratio tests of the random-effects terms, as
	// lmerTest's ranova: "reduce" (each slope removed in turn; terms
	// without slopes deleted) or "delete" (each term deleted,
	// reduce.terms = FALSE); "" for none.
	Ranova string
	// Ranef lists the BLUPs with their conditional SDs in the tables.
	Ranef bool
	// Figures: "caterpillar" (the BLUPs of the grouping factor with the
	// fewest levels).
	Figures []string
	// DDF is the df method of the t tests, F tests and marginal means:
	// satterthwaite (the default) or kenward-roger (Kenward & Roger 1997,
	// as pbkrtest through lmerTest's ddf = "Kenward-Roger" and emmeans'
	// lmer.df = "kenward-roger"; REML fits without AR(1)).
	DDF string
	// Correlation, Time, CorGroup and Weights are the residual structure
	// (lmm_resid.go): a correlation ar1, car1, exp, cs or arma11 within the
	// innermost group over the Time column (nlme's corStruct, form = ~ Time
	// | group; CorGroup is the group of a formula without random effects,
	// fitted as nlme's gls, or the finest of crossed grouping factors,
	// fitted by nlme as one pdBlocked group), and a variance function varident:COL,
	// varpower:COL (nlme's varIdent, varPower) or varpower (nlme's default
	// varPower(), the power of the fitted values).
	Correlation string
	Time        string
	CorGroup    string
	Weights     string
	// LMMConfintOptions: confidence intervals of the variance components
	// (--confint profile|boot|wald, lmm_confint.go).
	LMMConfintOptions
}

// LMMRun is a fitted linear mixed model, its comparison and the part
// every front end renders.
type LMMRun struct {
	DataName string `json:"data"`
	mixed.Result
	Compare *mixed.LRT `json:"compare,omitempty"`
	// AnovaType is 1, 2 or 3 with Anova (the F tests of the fixed terms);
	// AnovaOmitted names the terms whose hypothesis has rank 0 (aliased),
	// which have no row.
	AnovaType    int              `json:"anova_type,omitempty"`
	Anova        []mixed.AnovaRow `json:"anova,omitempty"`
	AnovaOmitted []string         `json:"anova_omitted,omitempty"`
	anovaNotes   []string
	// Ranova are the tests of the random-effects terms (with Ranova).
	Ranova []mixed.RanovaRow `json:"ranova,omitempty"`
	// EMMeans are the estimated marginal means (with EMMeans), Contrasts
	// their pairwise differences (with Pairs), EMMGrid the reference grid.
	EMMeans   []mixed.EMM         `json:"emmeans,omitempty"`
	Contrasts []mixed.EMMContrast `json:"contrasts,omitempty"`
	EMMGrid   []mixed.GridVar     `json:"emmeans_grid,omitempty"`
	emm       *mixed.EMMResult
	// DDF is "kenward-roger" when the tests use Kenward–Roger's method
	// (absent: Satterthwaite's).
	DDF string `json:"ddf,omitempty"`
	// LMMConfint are the intervals of the variance components (with Confint).
	LMMConfint

	opt   LMMOptions
	src   Source
	sec   *Section
	top   []Note
	cites []string
}

// LMM fits the linear mixed model of opt.Formula to src. A model that
// does not converge is returned with its result and an errs.NoConvergence error,
// so a front end can show where the optimiser stopped.
func LMM(src Source, opt LMMOptions) (*LMMRun, error) {
	if opt.TimeAR1 {
		if opt.Time == "" {
			return nil, invalid("Time", "AR(1) residuals need the time (session) column")
		}
		opt.AR1 = opt.Time
	}
	if opt.Level == 0 {
		opt.Level = 0.95
	}
	if !(opt.Level > 0 && opt.Level < 1) {
		return nil, invalid("Level", "confidence level %v: give a proportion between 0 and 1", opt.Level)
	}
	for _, f := range opt.Figures {
		if f != "caterpillar" {
			return nil, invalid("Figures", "unknown figure %q", f)
		}
	}
	if strings.TrimSpace(opt.Formula) == "" {
		return nil, invalid("Formula", "give the model as a formula, e.g. outcome ~ alliance + (1 | patient)")
	}
	switch {
	case opt.Anova < 0 || opt.Anova > 3:
		return nil, invalid("Anova", "ANOVA type %d: give 3 (type III), 2 (type II) or 1 (type I, sequential)", opt.Anova)
	case opt.Anova == 2 && opt.residual():
		return nil, invalid("Anova", "type II F tests are not available with a residual structure (AR(1) residuals, a correlation, a variance function) or without random effects: nlme, the reference there, has type 1 (sequential) and type 3 (marginal) tests; ask for type 1 or 3")
	}
	emmSpec, err := emmOptions(opt)
	if err != nil {
		return nil, err
	}
	ddf, err := lmmDDF(opt)
	if err != nil {
		return nil, err
	}
	if err = checkConfint(opt); err != nil {
		return nil, err
	}
	forms := []string{opt.Formula}
	if opt.Compare != "" {
		forms = append(forms, opt.Compare)
	}
	data, err := MixedData(src.Table, forms, opt.AR1)
	if err != nil {
		return nil, err
	}
	if err = opt.residualData(src.Table, &data); err != nil {
		return nil, err
	}
	// The model's data hold what the fit needs: the table (at 10⁷ rows
	// 0.6 GB) is let go, and its memory given to the fit (gcpace).
	held := src.Table.HeapBytes()
	src.Table = nil
	gcpace.Released(held)
	mo := mixed.Options{ML: opt.ML, AR1: opt.AR1, Level: opt.Level, Contrasts: opt.Contrasts}
	mo.DDF = ddf
	opt.residualOptions(&mo)
	if mo.Ref, err = parseRef(opt.Ref); err != nil {
		return nil, err
	}
	m, err := mixed.Fit(opt.Formula, data, mo)
	if err != nil {
		return nil, err
	}
	run := &LMMRun{DataName: src.Label(), Result: m.Result, opt: opt, src: src}
	run.DDF = ddf
	if opt.Anova != 0 {
		tab, aerr := m.AnovaTable(opt.Anova)
		if aerr != nil {
			return nil, fmt.Errorf("the ANOVA table: %w", aerr)
		}
		run.AnovaType, run.Anova, run.AnovaOmitted, run.anovaNotes = opt.Anova, tab.Rows, tab.Omitted, tab.Notes
	}
	switch opt.Ranova {
	case "":
	case "reduce", "delete":
		if run.Ranova, err = m.Ranova(opt.Ranova == "reduce"); err != nil {
			return nil, fmt.Errorf("the tests of the random effects: %w", err)
		}
	default:
		return nil, invalid("Ranova", "random-effect tests %q: give reduce or delete", opt.Ranova)
	}
	if emmSpec != nil {
		if err := run.runEMMeans(m, emmSpec); err != nil {
			return nil, err
		}
	}
	if cerr := run.runConfint(m); cerr != nil {
		return nil, cerr
	}
	if opt.Compare != "" {
		mo2 := mixed.Options{ML: mo.ML, AR1: mo.AR1, Level: mo.Level, Contrasts: mo.Contrasts, Ref: refsIn(opt.Compare, mo.Ref)}
		opt.residualOptions(&mo2)
		m2, err := mixed.Fit(opt.Compare, data, mo2)
		if err != nil {
			return nil, fmt.Errorf("the comparison model: %w", err)
		}
		lrt, err := mixed.Compare(m, m2)
		if err != nil {
			return nil, invalid("Compare", "%v", err)
		}
		run.Compare = &lrt
	}
	run.compose()
	if !m.Result.Converged {
		return run, errs.New(errs.NoConvergence, "the mixed model", "the optimiser did not converge: %s (the estimates shown are where it stopped; try a simpler random-effects structure, or rescale predictors)", m.Result.Reason)
	}
	return run, nil
}

// MixedData reads the columns the formulas use from t: grouping factors as
// text (every row needs its group), the time column of AR(1) as numbers,
// other variables as numbers when every non-missing cell is a number and as
// factors otherwise (a mostly numeric column with a few non-numbers is a
// typo: an input error naming the cells, not a factor).
func MixedData(t *datasets.Table, formulas []string, ar1 string) (mixed.Data, error) {
	groups := map[string]bool{}
	vars := map[string]bool{}
	// factor(x) reads column x, I(Days^2) column Days (mixed.Columns).
	use := func(v string) {
		for _, c := range mixed.Columns(v) {
			vars[c] = true
		}
	}
	for _, s := range formulas {
		f, err := mixed.ParseGLSFormula(s)
		if err != nil {
			return mixed.Data{}, invalid("Formula", "%v", err)
		}
		use(f.Response)
		for _, term := range f.Fixed {
			for _, v := range term {
				use(v)
			}
		}
		for _, r := range f.Random {
			for _, g := range r.Group {
				groups[g] = true
			}
			for _, term := range r.Slopes {
				for _, v := range term {
					use(v)
				}
			}
		}
	}
	if ar1 != "" {
		vars[ar1] = true
	}
	d := mixed.Data{Numeric: map[string][]float64{}, Text: map[string][]string{}, Factors: map[string]mixed.Factor{}, Source: t.Name, Line: t.LineFunc()}
	// The columns are converted concurrently (each on its own), then put
	// together in the order of their names.
	names := sortedKeys(groups)
	for _, v := range sortedKeys(vars) {
		if !groups[v] {
			names = append(names, v)
		}
	}
	type converted struct {
		factor *mixed.Factor
		num    []float64
		text   []string
		err    error
	}
	out := make([]converted, len(names))
	parallel.Each(len(names), runtime.GOMAXPROCS(0), func(_, k int) {
		name := names[k]
		c, err := t.Column(name)
		switch {
		case err != nil && groups[name]:
			out[k].err = fmt.Errorf("%w (a grouping factor of the formula)", err)
		case err != nil:
			out[k].err = fmt.Errorf("%w (named in the formula)", err)
		case groups[name]:
			out[k].factor, out[k].err = groupFactor(t, c, name)
		case name == ar1:
			out[k].num, out[k].err = c.Floats()
		default:
			x, numeric, err := c.Numbers()
			switch {
			case err != nil:
				out[k].err = err
			case numeric:
				out[k].num = x
			default:
				out[k].text = c.Strings()
			}
		}
	})
	var problems []error
	for k, name := range names {
		o := out[k]
		switch {
		case o.err != nil:
			problems = append(problems, o.err)
		case o.factor != nil:
			d.Factors[name] = *o.factor
		case o.text != nil:
			d.Text[name] = o.text
		default:
			d.Numeric[name] = o.num
		}
	}
	if len(problems) > 0 {
		return d, joinInput(problems)
	}
	return d, nil
}

// groupFactor codes grouping column c (named name) of t, refusing rows
// without a group.
func groupFactor(t *datasets.Table, c *datasets.Column, name string) (*mixed.Factor, error) {
	v := groupCodes(c)
	var lines []string
	for i, id := range v.Codes {
		if id < 0 && len(lines) < 5 {
			lines = append(lines, strconv.Itoa(t.Line(i)))
		}
	}
	if len(lines) > 0 {
		return nil, fmt.Errorf("%s: column %q: missing group id on line %s: every row needs its group (remove or complete those rows)", t.Name, name, strings.Join(lines, ", "))
	}
	return &v, nil
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func (r *LMMRun) compose() {
	res := &r.Result
	s := &Section{ID: "lmm", Title: "Linear mixed model"}
	r.sec = s
	crit := "REML"
	if !res.REML {
		crit = "ML"
	}
	var groups []string
	for _, g := range sortedKeys(res.NGroups) {
		groups = append(groups, fmt.Sprintf("%s %d", g, res.NGroups[g]))
	}
	s.P(Plain, fmt.Sprintf("Linear mixed model (%s) — %s: %s", crit, r.src.Label(), res.Formula))
	line := fmt.Sprintf("%d observations; groups: %s", res.NObs, strings.Join(groups, ", "))
	if res.GLS {
		line = glsLine(res, groups)
	}
	if res.Dropped > 0 {
		line += fmt.Sprintf("; %d rows with missing values dropped", res.Dropped)
		r.top = append(r.top, Note{Level: Warning, Text: fmt.Sprintf("%d rows with missing values in the model's variables were left out", res.Dropped)})
	}
	s.P(Plain, line+".")
	s.P(Result, fmt.Sprintf("logLik = %s, AIC = %s, BIC = %s; marginal R² = %s, conditional R² = %s (Nakagawa).",
		num(res.LogLik, 3), num(res.AIC, 2), num(res.BIC, 2), num(res.R2Marginal, 3), num(res.R2Conditional, 3)))
	s.Add(FixedTable(res))
	if n := codingNote(res.Factors); n != "" {
		s.P(NoteText, n)
	}
	s.Add(randomTable(res))
	for _, n := range res.Notes {
		s.P(NoteText, n)
		r.top = append(r.top, Note{Level: Warning, Text: n})
	}
	if len(r.Anova) > 0 {
		t := anovaTable(r.AnovaType, r.Anova)
		r.anovaDDFNote(t)
		t.Notes = append(t.Notes, r.anovaNotes...)
		s.Add(t)
	}
	for _, n := range r.anovaNotes {
		if len(r.Anova) == 0 {
			s.P(NoteText, n)
		}
		r.top = append(r.top, Note{Level: Warning, Text: "ANOVA: " + n})
	}
	r.emmSection(s)
	r.ranovaSection(s)
	r.confintSection(s)
	if c := r.Compare; c != nil {
		t := &Table{Name: "compare", Title: "Likelihood-ratio test", Columns: []string{"Model", "npar", "AIC", "BIC", "logLik"}, Right: []bool{false, true, true, true, true}}
		for _, m := range c.Models {
			t.Rows = append(t.Rows, []string{m.Formula, strconv.Itoa(m.NPar), num(m.AIC, 2), num(m.BIC, 2), num(m.LogLik, 3)})
		}
		t.Notes = append(t.Notes, fmt.Sprintf("χ²(%d) = %s, %s.", c.DF, num(c.Chisq, 2), apa.P(c.P)))
		if c.Refit {
			t.Notes = append(t.Notes, "Both models were refitted by ML (REML likelihoods of models with different fixed effects are not comparable), as lme4's anova.")
		}
		if c.Note != "" {
			t.Notes = append(t.Notes, c.Note)
		}
		s.Add(t)
	}
	if r.opt.Ranef {
		t := &Table{Name: "ranef", Title: "Conditional modes (BLUPs)", Columns: []string{"Group", "Level", "Term", "Value", "Cond. SD"}, Right: []bool{false, false, false, true, true}}
		for _, b := range res.Ranef {
			t.Rows = append(t.Rows, []string{b.Group, b.Level, b.Name, num(b.Value, 4), num(b.CondSD, 4)})
		}
		s.Add(t)
	}
	if !res.Converged {
		r.top = append(r.top, Note{Level: Warning, Text: "the optimiser did not converge (" + res.Reason + ")"})
	}
	for _, f := range r.opt.Figures {
		if f == "caterpillar" {
			s.Add(&Figure{Name: "caterpillar", Title: "Random effects", Caption: "BLUPs of the grouping factor with the fewest levels, with ±1.96 conditional SDs.", Spec: CaterpillarSpec{Fit: res}})
		}
	}
	r.cites = append(r.cites, "bates2015", "kuznetsova2017")
	if r.opt.residual() || r.confintMethod == "nlme" { // nlme's models, df, tests and intervals
		r.cites = append(r.cites, "pinheiro2000")
	}
	r.cites = append(r.cites, r.krCites()...)
	if r.emm != nil {
		r.cites = append(r.cites, "searle1980", "lenth2023")
	}
}

// FixedTable is the table of fixed effects of a mixed model with its df
// method (Satterthwaite, as lmerTest).
func FixedTable(r *mixed.Result) *Table {
	t := &Table{Name: "fixed", Title: "Fixed effects",
		Columns: []string{"Term", "Estimate", "SE", "df", "t", "p", apa.Level(r.Level) + " CI"},
		Right:   []bool{false, true, true, true, true, true, false}}
	for _, c := range r.Fixed {
		t.Rows = append(t.Rows, []string{c.Name, num(c.Estimate, 4), num(c.SE, 4), num(c.DF, 1), num(c.Statistic, 2), pcell(c.P), interval(c.CILB, c.CIUB, 4, false)})
	}
	t.Notes = append(t.Notes, "df by "+r.DFMethod+".")
	if r.DFMethod == "Kenward-Roger" {
		t.Notes[len(t.Notes)-1] = krFixedNote
	}
	return t
}

// anovaTable is the table of F tests of the fixed-effect terms (lmerTest's
// anova), with an APA line per term.
func anovaTable(typ int, rows []mixed.AnovaRow) *Table {
	name := map[int]string{1: "Type I (sequential)", 2: "Type II", 3: "Type III"}[typ]
	t := &Table{Name: "anova", Title: name + " tests of fixed effects",
		Columns: []string{"Term", "Sum Sq", "Mean Sq", "df1", "df2", "F", "p"},
		Right:   []bool{false, true, true, true, true, true, true}}
	var lines []string
	for _, a := range rows {
		t.Rows = append(t.Rows, []string{a.Term, num(a.SumSq, 3), num(a.MeanSq, 3), strconv.Itoa(a.NumDF), num(a.DenDF, 2), num(a.F, 2), pcell(a.P)})
		lines = append(lines, fmt.Sprintf("%s: F(%d, %s) = %s, %s", a.Term, a.NumDF, num(a.DenDF, 2), num(a.F, 2), apa.P(a.P)))
	}
	t.Notes = append(t.Notes, "Denominator df by Satterthwaite's method (lmerTest's anova(m, type = "+strconv.Itoa(typ)+")). "+strings.Join(lines, "; ")+".")
	return t
}

func randomTable(r *mixed.Result) *Table {
	v := &Table{Name: "random", Title: "Random effects", Columns: []string{"Group", "Term", "Variance", "SD"}, Right: []bool{false, false, true, true}}
	for _, c := range r.Random {
		v.Rows = append(v.Rows, []string{c.Group, c.Name, num(c.Variance, 4), num(c.SD, 4)})
	}
	v.Rows = append(v.Rows, []string{"Residual", "", num(r.ResidualVariance, 4), num(math.Sqrt(math.Max(r.ResidualVariance, 0)), 4)})
	for _, c := range r.Correlations {
		v.Notes = append(v.Notes, fmt.Sprintf("Correlation of %s and %s within %s: %s.", c.Name1, c.Name2, c.Group, num(c.Corr, 3)))
	}
	if r.AR1Phi != nil {
		v.Notes = append(v.Notes, fmt.Sprintf("AR(1) residual correlation φ = %s.", num(*r.AR1Phi, 4)))
	}
	v.Notes = append(v.Notes, residNotes(r)...)
	for _, c := range r.ICC {
		v.Notes = append(v.Notes, fmt.Sprintf("ICC (%s) = %s.", c.Group, num(c.ICC, 3)))
	}
	if r.Singular {
		v.Notes = append(v.Notes, "Singular fit: a variance component is at zero (or a correlation at ±1); simplify the random effects.")
	}
	return v
}

// Output is the JSON result document.
func (r *LMMRun) Output() any { return r }

// Section is the rendered body.
func (r *LMMRun) Section() *Section { return r.sec }

// Methods is the methods text of what ran.
func (r *LMMRun) Methods() string {
	m := fmt.Sprintf("A linear mixed model (%s) was fitted by %s (Bates, Mächler, Bolker & Walker, 2015), with fixed effects tested with %s", r.Result.Formula, map[bool]string{true: "REML", false: "maximum likelihood"}[r.Result.REML], r.dfMethodText())
	if r.opt.AR1 != "" {
		m += " and AR(1) residuals over " + r.opt.AR1
	}
	m += r.residMethods()
	return m + "." + r.emmMethods() + r.confintMethodsText()
}

// Cites lists the citation keys used.
func (r *LMMRun) Cites() []string { return r.cites }

// TopNotes are the notes to show first.
func (r *LMMRun) TopNotes() []Note { return r.top }

// Steps reproduce the model.
func (r *LMMRun) Steps() []Step {
	cmd := []string{"alliance", "lmm"}
	if r.src.Embedded {
		cmd = append(cmd, "--dataset", r.src.Name)
	} else {
		cmd = append(cmd, shellQuote(r.src.Name))
	}
	cmd = append(cmd, "--formula", shellQuote(r.opt.Formula))
	if r.opt.ML {
		cmd = append(cmd, "--ml")
	}
	if r.opt.AR1 != "" {
		cmd = append(cmd, "--ar1", "--session", shellQuote(r.opt.AR1))
	}
	cmd = append(cmd, r.residArgs()...)
	if r.opt.Compare != "" {
		cmd = append(cmd, "--compare", shellQuote(r.opt.Compare))
	}
	if r.opt.Anova != 0 {
		cmd = append(cmd, "--anova", strconv.Itoa(r.opt.Anova))
	}
	if r.opt.Ranova != "" {
		cmd = append(cmd, "--ranova="+r.opt.Ranova)
	}
	cmd = append(cmd, r.emmArgs()...)
	if r.kr() {
		cmd = append(cmd, "--ddf", r.DDF)
	}
	cmd = append(cmd, r.confintArgs()...)
	var b strings.Builder
	fmt.Fprintf(&b, "dat <- %s\n", r.src.RRead())
	if c := r.opt.Contrasts; c != "" && c != "treatment" {
		cmd = append(cmd, "--contrasts", c)
		fmt.Fprintf(&b, "options(contrasts = c(\"contr.%s\", \"contr.poly\"))\n", c)
	}
	for _, ref := range r.opt.Ref {
		cmd = append(cmd, "--ref", shellQuote(ref))
		v, level, _ := strings.Cut(ref, "=")
		v, level = strings.TrimSpace(v), strings.TrimSpace(level)
		fmt.Fprintf(&b, "dat[[%q]] <- relevel(factor(dat[[%q]]), ref = %q)\n", v, v, level)
	}
	if r.opt.Correlation != "" || r.opt.Weights != "" || r.Result.GLS || (r.opt.AR1 != "" && (len(r.Ranova) > 0 || r.opt.Anova != 0 || r.emm != nil || r.opt.CorGroup != "")) {
		b.WriteString(r.nlmeResidCall())
	} else if r.opt.AR1 != "" {
		b.WriteString(nlmeCall(r.opt.Formula, r.opt.AR1, r.opt.ML))
		rLmeNumbers(&b, "m", r.opt.Level)
		r.confintRCode(&b, true)
	} else {
		b.WriteString("library(lmerTest)\n")
		b.WriteString(rLmerControl)
		fmt.Fprintf(&b, "m <- lmer(%s, data = dat, REML = %s, control = ctl)\nsummary(m%s)   # %s\n", r.opt.Formula, map[bool]string{true: "FALSE", false: "TRUE"}[r.opt.ML], r.rDDFArg(), r.rDDFComment())
		level := r.opt.Level
		if level == 0 {
			level = 0.95
		}
		// The intervals of the table: t with the Satterthwaite df (not
		// confint's Wald intervals, which differ in small samples).
		fmt.Fprintf(&b, "cs <- coef(summary(m%s)); q <- qt(1 - (1 - %s) / 2, cs[, \"df\"])\n", r.rDDFArg(), rNum(level))
		b.WriteString("cbind(cs[, c(\"Estimate\", \"Std. Error\", \"df\")], ci_lb = cs[, \"Estimate\"] - q * cs[, \"Std. Error\"], ci_ub = cs[, \"Estimate\"] + q * cs[, \"Std. Error\"])\n")
		r.rLmerNumbersDDF(&b, "m", level)
		if r.opt.Ranova != "" {
			fmt.Fprintf(&b, "ranova(m, reduce.terms = %s)\n", map[bool]string{true: "TRUE", false: "FALSE"}[r.opt.Ranova == "reduce"])
		}
		if r.opt.Anova != 0 {
			fmt.Fprintf(&b, "a <- anova(m, type = %d%s); a   # %s\n", r.opt.Anova, r.rDDFArg(), strings.TrimSuffix(r.rDDFComment(), " SEs and df")+" df")
			b.WriteString(`cat(jsonlite::toJSON(list(anova = data.frame(term = rownames(a), sum_sq = a[["Sum Sq"]], mean_sq = a[["Mean Sq"]],
  num_df = a$NumDF, den_df = a$DenDF, F = a[["F value"]], p = a[["Pr(>F)"]])), digits = NA, dataframe = "rows"), "\n")
`)
		}
		if r.opt.Compare != "" {
			fmt.Fprintf(&b, "m0 <- lmer(%s, data = dat, REML = %s, control = ctl)\na <- anova(m0, m); a\n", r.opt.Compare, map[bool]string{true: "FALSE", false: "TRUE"}[r.opt.ML])
			b.WriteString(`cat(jsonlite::toJSON(list(compare = list(npar = a$npar, AIC = a$AIC, BIC = a$BIC, logLik = a$logLik, deviance = a$deviance,
  Chisq = a$Chisq[2], Df = a$Df[2], p = a[["Pr(>Chisq)"]][2])), digits = NA, auto_unbox = TRUE), "\n")
`)
		}
		r.emmRCode(&b)
		r.confintRCode(&b, false)
	}
	return []Step{{Purpose: "the mixed model", Command: strings.Join(cmd, " "), RCode: b.String()}}
}

// Data accounts for the table.
func (r *LMMRun) Data() *DataPart {
	return &DataPart{Kind: "session", Source: r.src, Roles: map[string]string{"formula": r.Result.Formula}, Counts: map[string]int{"rows": r.src.Rows, "observations": r.Result.NObs}}
}

var _ Part = (*LMMRun)(nil)

// nlmeCall writes the nlme::lme call of a formula with AR(1) residuals over
// time within the innermost group: random terms become lme's random list
// (nested groups as g1/g2), corAR1(form = ~ time | group).
func nlmeCall(formula, time string, ml bool) string {
	f, err := mixed.ParseFormula(formula)
	if err != nil {
		return "# " + err.Error() + "\n"
	}
	random, levels, nested := nlmeRandom(f)
	if !nested {
		return "# these random effects (crossed or interaction groups) have no nlme::lme form; fit them without AR(1) in lme4\n"
	}
	inner := levels[len(levels)-1]
	var b strings.Builder
	b.WriteString("library(nlme)\n")
	fmt.Fprintf(&b, "m <- lme(%s ~ %s, %s,\n         correlation = corAR1(form = ~ %s | %s),\n         data = dat, method = %q, na.action = na.omit,\n         control = lmeControl(maxIter = 1000, msMaxIter = 1000, niterEM = 100, msTol = 1e-14, tolerance = 1e-12))\nsummary(m)\nintervals(m)\n",
		f.Response, nlmeTerms(f.Fixed, f.Intercept), random, time, inner, map[bool]string{true: "ML", false: "REML"}[ml])
	return b.String()
}

// MixedTables are the fixed-effects and random-effects tables of a mixed
// model, as every part that fits one shows them.
func MixedTables(r *mixed.Result) []*Table { return []*Table{FixedTable(r), randomTable(r)} }

// parseRef reads the reference levels ("arm=control" each) into the map
// mixed.Options.Ref takes.
func parseRef(refs []string) (map[string]string, error) {
	if len(refs) == 0 {
		return nil, nil
	}
	out := map[string]string{}
	for _, r := range refs {
		v, level, ok := strings.Cut(r, "=")
		v, level = strings.TrimSpace(v), strings.TrimSpace(level)
		if !ok || v == "" || level == "" {
			return nil, invalid("Ref", "reference level %q: give VARIABLE=LEVEL, e.g. arm=control", r)
		}
		if _, dup := out[v]; dup {
			return nil, invalid("Ref", "reference level of %s given twice", v)
		}
		out[v] = level
	}
	return out, nil
}

// refsIn keeps the reference levels of the variables the formula uses in
// its fixed part (the comparison model may leave a factor out).
func refsIn(formula string, ref map[string]string) map[string]string {
	f, err := mixed.ParseFormula(formula)
	if err != nil || ref == nil {
		return ref
	}
	out := map[string]string{}
	for _, t := range f.Fixed {
		for _, v := range t {
			for _, c := range mixed.Columns(v) {
				if level, ok := ref[c]; ok {
					out[c] = level
				}
			}
			if level, ok := ref[v]; ok {
				out[v] = level
			}
		}
	}
	return out
}

// codingNote says how sum- or Helmert-coded factors read (treatment coding
// is R's default and goes unsaid).
func codingNote(fs []mixed.FactorCoding) string {
	var parts []string
	for _, f := range fs {
		L := len(f.Levels)
		if L < 2 {
			continue
		}
		switch f.Contrasts {
		case "sum":
			var m []string
			for j := 0; j < L-1; j++ {
				m = append(m, fmt.Sprintf("%s%d = %s", f.Variable, j+1, f.Levels[j]))
			}
			parts = append(parts, fmt.Sprintf("%s is sum-coded (R's contr.sum): %s, each as its deviation from the mean of the %d level means; %s, the last level, has no coefficient (minus the sum of the others)", f.Variable, strings.Join(m, ", "), L, f.Levels[L-1]))
		case "helmert":
			parts = append(parts, fmt.Sprintf("%s is Helmert-coded (R's contr.helmert, levels %s): %s1 contrasts %s with %s, each next coefficient the next level with the mean of those before it, scaled as R's: coefficient j is (level j+1 − the mean of levels 1…j)/(j+1), in the model's level means", f.Variable, strings.Join(f.Levels, ", "), f.Variable, f.Levels[1], f.Levels[0]))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return strings.Join(parts, ". ") + "."
}

// ranovaSection is the table of the random-effects tests (lmerTest's
// ranova), with what its p-values mean.
func (r *LMMRun) ranovaSection(s *Section) {
	if len(r.Ranova) == 0 {
		return
	}
	t := &Table{Name: "ranova", Title: "Likelihood-ratio tests of the random effects", Columns: []string{"Model", "npar", "logLik", "AIC", "LRT", "df", "p"},
		Right: []bool{false, true, true, true, true, true, true}}
	for _, row := range r.Ranova {
		cells := []string{row.Term, strconv.Itoa(row.NPar), num(row.LogLik, 3), num(row.AIC, 2), "", "", ""}
		if row.LRT != nil {
			cells[4], cells[5], cells[6] = num(*row.LRT, 2), strconv.Itoa(row.DF), pcell(*row.P)
		}
		t.Rows = append(t.Rows, cells)
	}
	crit := "REML"
	if !r.Result.REML {
		crit = "ML"
	}
	as := "as lmerTest's ranova"
	if r.opt.residual() {
		as = "both models keeping the residual structure (without random effects: nlme's gls), as nlme's anova(reduced, full); lmerTest has no residual structures"
	}
	t.Notes = append(t.Notes, fmt.Sprintf("Each row drops one random-effects term (\"x in (1 + x | g)\": the slope x only) and compares the %s likelihoods, %s. A variance tested at zero lies on the boundary: the χ² p-values are conservative (about twice the mixture-χ² ones for one variance; Self & Liang, 1987).", crit, as))
	s.Add(t)
}
