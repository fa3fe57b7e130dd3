package main

import (
	"fmt"
	"github.com/alliance-research/alliance/analysis/jsonout"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/alliance-research/alliance/analysis/mixed"
	"github.com/alliance-research/alliance/datasets"
	"github.com/spf13/cobra"
)

// lmmFlags are the flags of 'alliance lmm'.
type lmmFlags struct {
	read    readFlags
	formula string
	ml      bool
	ar1     string
	compare string
	ranef   bool
	level   float64
	plot    string
}

const (
	lmmDefaultDataset = "demo-sessions"
	lmmDefaultFormula = "outcome ~ session + alliance + (1 | therapist/patient)"
)

func newLmmCmd(e *env) *cobra.Command {
	lf := &lmmFlags{}
	cmd := &cobra.Command{
		Use:   "lmm [FILE] --formula \"y ~ x + (1 | g)\"",
		Short: "Linear mixed model from an R-style formula (lme4's lmer, lmerTest's Satterthwaite df, nlme's AR(1))",
		Long: `Fits a linear mixed model by REML (default) or ML with the formula syntax of
lme4: fixed terms with + : * (text columns become factors, treatment coding
as R), random terms (1 | g), (1 + t | g), (0 + t | g), nested (1 | g1/g2).
Fixed effects are tested with Satterthwaite's degrees of freedom (lmerTest);
--ar1 session adds AR(1) residuals within the innermost group over an integer
time column, gaps respected (nlme's corAR1). Output: fixed effects, variance
components and correlations, logLik/AIC/BIC, ICC, Nakagawa R², BLUPs with
conditional SDs (--ranef), and a likelihood-ratio test (--compare).

Without FILE the embedded, simulated demo-sessions data are analysed with
` + lmmDefaultFormula + `.`,
		Example: `  alliance lmm                                               # embedded demo data
  alliance lmm sessions.csv --formula "outcome ~ session + (1 + session | patient)"
  alliance lmm sessions.csv --formula "outcome ~ alliance + (1 | therapist/patient)" --ar1 session
  alliance lmm sessions.csv --formula "outcome ~ alliance + (1 | patient)" --compare "outcome ~ 1 + (1 | patient)"`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if lf.formula == "" {
				if len(args) > 0 || lf.read.dataset != "" {
					return usagef("give the model with --formula, e.g. --formula \"outcome ~ alliance + (1 | patient)\"")
				}
				lf.formula = lmmDefaultFormula
				e.infof("alliance: example model: --formula %q", lf.formula)
			}
			return runLmm(e, lf, args)
		},
	}
	f := cmd.Flags()
	lf.read.register(cmd, lmmDefaultDataset)
	f.StringVar(&lf.formula, "formula", "", "the model, lme4 syntax: response ~ fixed terms + (random | group)")
	f.BoolVar(&lf.ml, "ml", false, "fit by maximum likelihood instead of REML")
	f.StringVar(&lf.ar1, "ar1", "", "AR(1) residuals over this integer time `COLUMN` within the innermost group")
	f.StringVar(&lf.compare, "compare", "", "a second, nested formula: likelihood-ratio test of the two (refitted by ML, as lme4's anova)")
	f.BoolVar(&lf.ranef, "ranef", false, "list the BLUPs (conditional modes) with conditional SDs (text and Markdown; JSON always does)")
	f.Float64Var(&lf.level, "level", 95, "confidence level in percent")
	f.StringVar(&lf.plot, "plot", "", "write a caterpillar plot of the first random effect's BLUPs to `FILE` (.png, .svg, .pdf)")
	return cmd
}

type lmmOutput struct {
	Data string `json:"data"`
	mixed.Result
	Compare *mixed.LRT `json:"compare,omitempty"`
}

func runLmm(e *env, lf *lmmFlags, args []string) error {
	level, err := parseLevel(lf.level)
	if err != nil {
		return err
	}
	if err := checkFigurePath("--plot", lf.plot); err != nil {
		return err
	}
	src, err := lf.read.load(e, args, lmmDefaultDataset)
	if err != nil {
		return err
	}
	forms := []string{lf.formula}
	if lf.compare != "" {
		forms = append(forms, lf.compare)
	}
	data, err := mixedData(src.table, forms, lf.ar1)
	if err != nil {
		return err
	}
	opt := mixed.Options{ML: lf.ml, AR1: lf.ar1, Level: level}
	m, err := mixed.Fit(lf.formula, data, opt)
	if err != nil {
		return analysisOrInput(err)
	}
	name := src.table.Name
	if src.embedded != nil {
		name = src.embedded.Name
	}
	out := lmmOutput{Data: name, Result: m.Result}
	if lf.compare != "" {
		m2, err := mixed.Fit(lf.compare, data, opt)
		if err != nil {
			return analysisOrInput(fmt.Errorf("--compare: %w", err))
		}
		lrt, err := mixed.Compare(m, m2)
		if err != nil {
			return usageError{err}
		}
		out.Compare = &lrt
	}
	if lf.plot != "" {
		fig, err := caterpillarFigure(&m.Result)
		if err := e.saveFigure(fig, err, lf.plot); err != nil {
			return err
		}
	}
	if err := e.emit(func(w io.Writer) error {
		switch e.format {
		case "json":
			return jsonout.Write(w, out)
		case "csv":
			return fixedTable(&out.Result).csv(w)
		}
		return renderLmm(w, e.format, &out, lf.ranef)
	}); err != nil {
		return err
	}
	if !m.Result.Converged {
		return fmt.Errorf("the optimiser did not converge: %s (the estimates above are where it stopped; try a simpler random-effects structure, or rescale predictors)", m.Result.Reason)
	}
	return nil
}

// mixedData reads the columns the formulas use: grouping factors as text,
// other variables as numbers when every non-missing cell is a number and as
// factors otherwise.
func mixedData(t *datasets.Table, formulas []string, ar1 string) (mixed.Data, error) {
	groups := map[string]bool{}
	vars := map[string]bool{}
	// factor(x) reads column x; the model codes it as a factor.
	column := func(v string) string {
		if x, ok := mixed.FactorOf(v); ok {
			return x
		}
		return v
	}
	for _, s := range formulas {
		f, err := mixed.ParseFormula(s)
		if err != nil {
			return mixed.Data{}, usageError{err}
		}
		vars[column(f.Response)] = true
		for _, term := range f.Fixed {
			for _, v := range term {
				vars[column(v)] = true
			}
		}
		for _, r := range f.Random {
			for _, g := range r.Group {
				groups[column(g)] = true
			}
			for _, term := range r.Slopes {
				for _, v := range term {
					vars[column(v)] = true
				}
			}
		}
	}
	if ar1 != "" {
		vars[ar1] = true
	}
	d := mixed.Data{Numeric: map[string][]float64{}, Text: map[string][]string{}}
	tc := &tableColumns{t: t}
	names := func(m map[string]bool) []string {
		out := make([]string, 0, len(m))
		for k := range m {
			out = append(out, k)
		}
		sort.Strings(out)
		return out
	}
	for _, g := range names(groups) {
		v := tc.text(g, "--formula")
		if v == nil {
			continue
		}
		var lines []string
		for i, id := range v {
			if id == "" && len(lines) < 5 {
				lines = append(lines, strconv.Itoa(t.Line(i)))
			}
		}
		if len(lines) > 0 {
			return d, usagef("%s: column %q: missing group id on line %s: every row needs its group (remove or complete those rows)", t.Name, g, strings.Join(lines, ", "))
		}
		d.Text[g] = v
	}
	for _, v := range names(vars) {
		if groups[v] {
			continue
		}
		c, err := t.Column(v)
		if err != nil {
			tc.errs = append(tc.errs, fmt.Errorf("%w (named in the formula)", err))
			continue
		}
		if v == ar1 {
			if x := tc.numeric(v, "--ar1"); x != nil {
				d.Numeric[v] = x
			}
			continue
		}
		// Numbers, or text (a factor); a mostly numeric column with a few
		// non-numbers is a typo and an input error, not a factor.
		x, numeric, err := c.Numbers()
		switch {
		case err != nil:
			tc.errs = append(tc.errs, err)
		case numeric:
			d.Numeric[v] = x
		default:
			d.Text[v] = c.Strings()
		}
	}
	if err := tc.err(); err != nil {
		return d, err
	}
	return d, nil
}

func fixedTable(r *mixed.Result) *table {
	t := &table{
		Title:   "Fixed effects",
		Columns: []string{"term", "estimate", "SE", "df", "t", "p", pctLevel(r.Level) + " CI"},
		Right:   []bool{false, true, true, true, true, true, false},
	}
	for _, c := range r.Fixed {
		t.Rows = append(t.Rows, []string{c.Name, num(c.Estimate, 4), num(c.SE, 4), num(c.DF, 1), num(c.Statistic, 2), pcell(c.P), "[" + num(c.CILB, 4) + ", " + num(c.CIUB, 4) + "]"})
	}
	t.Notes = append(t.Notes, "Note. df by "+r.DFMethod+".")
	return t
}

func renderLmm(w io.Writer, format string, o *lmmOutput, ranef bool) error {
	return renderLmmBody(w, format, o, ranef, true)
}

// renderLmmBody writes the model tables, with the heading and formula lines
// when header is set.
func renderLmmBody(w io.Writer, format string, o *lmmOutput, ranef, header bool) error {
	r := &o.Result
	crit := "REML"
	if !r.REML {
		crit = "ML"
	}
	var groups []string
	for g, n := range r.NGroups {
		groups = append(groups, fmt.Sprintf("%s %d", g, n))
	}
	sort.Strings(groups)
	if header {
		head := fmt.Sprintf("Linear mixed model (%s) — %s", crit, o.Data)
		if format == "markdown" {
			fmt.Fprintf(w, "## %s\n\n", head)
		} else {
			fmt.Fprintf(w, "%s\n\n", head)
		}
		fmt.Fprintf(w, "%s\n", r.Formula)
	}
	fmt.Fprintf(w, "%d observations; groups: %s", r.NObs, strings.Join(groups, ", "))
	if r.Dropped > 0 {
		fmt.Fprintf(w, "; %d rows with missing values dropped", r.Dropped)
	}
	fmt.Fprintf(w, ".\nlogLik = %s, AIC = %s, BIC = %s; marginal R² = %s, conditional R² = %s (Nakagawa).\n\n",
		num(r.LogLik, 3), num(r.AIC, 2), num(r.BIC, 2), num(r.R2Marginal, 3), num(r.R2Conditional, 3))
	for _, n := range r.Notes {
		fmt.Fprintf(w, "Note: %s.\n", n)
	}
	if len(r.Notes) > 0 {
		fmt.Fprintln(w)
	}
	if err := fixedTable(r).render(w, format); err != nil {
		return err
	}
	fmt.Fprintln(w)
	v := &table{Title: "Random effects", Columns: []string{"group", "term", "variance", "SD"}, Right: []bool{false, false, true, true}}
	for _, c := range r.Random {
		v.Rows = append(v.Rows, []string{c.Group, c.Name, num(c.Variance, 4), num(c.SD, 4)})
	}
	v.Rows = append(v.Rows, []string{"Residual", "", num(r.ResidualVariance, 4), num(sqrtOr0(r.ResidualVariance), 4)})
	for _, c := range r.Correlations {
		v.Notes = append(v.Notes, fmt.Sprintf("Correlation of %s and %s within %s: %s.", c.Name1, c.Name2, c.Group, num(c.Corr, 3)))
	}
	if r.AR1Phi != nil {
		v.Notes = append(v.Notes, fmt.Sprintf("AR(1) residual correlation φ = %s.", num(*r.AR1Phi, 4)))
	}
	for _, c := range r.ICC {
		v.Notes = append(v.Notes, fmt.Sprintf("ICC (%s) = %s.", c.Group, num(c.ICC, 3)))
	}
	if r.Singular {
		v.Notes = append(v.Notes, "Note. Singular fit: a variance component is at zero (or a correlation at ±1); simplify the random effects.")
	}
	if err := v.render(w, format); err != nil {
		return err
	}
	if o.Compare != nil {
		c := o.Compare
		fmt.Fprintln(w)
		t := &table{Title: "Likelihood-ratio test", Columns: []string{"model", "npar", "AIC", "BIC", "logLik"}, Right: []bool{false, true, true, true, true}}
		for _, m := range c.Models {
			t.Rows = append(t.Rows, []string{m.Formula, strconv.Itoa(m.NPar), num(m.AIC, 2), num(m.BIC, 2), num(m.LogLik, 3)})
		}
		t.Notes = append(t.Notes, fmt.Sprintf("χ²(%d) = %s, %s.", c.DF, num(c.Chisq, 2), pcellP(c.P)))
		if c.Refit {
			t.Notes = append(t.Notes, "Both models were refitted by ML (REML likelihoods of models with different fixed effects are not comparable), as lme4's anova.")
		}
		if c.Note != "" {
			t.Notes = append(t.Notes, "Note. "+c.Note)
		}
		if err := t.render(w, format); err != nil {
			return err
		}
	}
	if ranef {
		fmt.Fprintln(w)
		t := &table{Title: "Conditional modes (BLUPs)", Columns: []string{"group", "level", "term", "value", "cond. SD"}, Right: []bool{false, false, false, true, true}}
		for _, b := range r.Ranef {
			t.Rows = append(t.Rows, []string{b.Group, b.Level, b.Name, num(b.Value, 4), num(b.CondSD, 4)})
		}
		if err := t.render(w, format); err != nil {
			return err
		}
	}
	if !r.Converged {
		fmt.Fprintf(w, "\nWARNING: the optimiser did not converge (%s).\n", r.Reason)
	}
	return nil
}

func sqrtOr0(x float64) float64 {
	if x <= 0 {
		return 0
	}
	return math.Sqrt(x)
}

// pcellP is pcell with the "p" label: "p < .001", "p = .012".
func pcellP(p float64) string {
	s := pcell(p)
	if strings.HasPrefix(s, "<") {
		return "p " + s
	}
	return "p = " + s
}
