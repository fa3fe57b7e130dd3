package main

import (
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/alliance-research/alliance/analysis/jsonout"

	"github.com/alliance-research/alliance/analysis/apa"
	"github.com/alliance-research/alliance/analysis/effectsize"
	"github.com/alliance-research/alliance/analysis/meta"
	"github.com/alliance-research/alliance/datasets"
	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"golang.org/x/term"
)

// metaFlags are the flags of 'alliance meta'.
type metaFlags struct {
	read                         readFlags
	r, n, yi, vi, sei, study     string
	measure, vtype, method, test string
	level                        float64
	mods, subgroup               string
	permutations                 int
	exact                        bool
	seed                         uint64
	rcode                        bool
	tau2                         float64
	tau2Set                      bool
	ext                          metaExtraFlags
}

const metaDefaultDataset = "demo-studies"

func newMetaCmd(e *env) *cobra.Command {
	mf := &metaFlags{}
	cmd := &cobra.Command{
		Use:   "meta [FILE]",
		Short: "Meta-analysis of correlations or precomputed effect sizes (metafor's rma)",
		Long: `Pools study-level correlations (columns ri and ni by default; Fisher z,
measure ZCOR) or precomputed effect sizes (yi with vi or sei) in a fixed- or
random-effects model, with every tau² estimator of metafor (FE, EE, DL, HE,
HS, SJ, ML, REML, EB, PM), z, t or Knapp–Hartung tests, heterogeneity (Q, I²,
H², τ² with Q-profile CIs), the prediction interval, moderators, subgroups
and permutation tests. Numbers equal metafor 3.8-1's.

Without FILE the embedded, simulated dataset demo-studies is analysed.`,
		Example: `  alliance meta                                   # embedded demo data
  alliance meta --dataset molloy2014 --test knha
  alliance meta studies.csv --r r --n n --mods year,rater
  alliance meta studies.csv --yi d --vi v --method DL --format json
  alliance meta studies.csv --subgroup rater --r-code`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			mf.tau2Set = cmd.Flags().Changed("tau2")
			mf.ext.rhoSet = cmd.Flags().Changed("rho")
			return runMeta(e, mf, args)
		},
	}
	f := cmd.Flags()
	mf.read.register(cmd, metaDefaultDataset)
	f.StringVar(&mf.r, "r", "", "correlation column (default: ri or r)")
	f.StringVar(&mf.n, "n", "", "sample-size column (default: ni or n)")
	f.StringVar(&mf.yi, "yi", "", "precomputed effect-size column (default: yi)")
	f.StringVar(&mf.vi, "vi", "", "sampling-variance column (default: vi)")
	f.StringVar(&mf.sei, "sei", "", "standard-error column, instead of --vi (default: sei)")
	f.StringVar(&mf.study, "study", "", "study-label column (default: label, study, author or authors)")
	f.StringVar(&mf.measure, "measure", "", "effect-size measure: ZCOR (default for r), COR, UCOR; for yi/vi a label, e.g. ZCOR when yi are Fisher z values (adds the r back-transform)")
	f.StringVar(&mf.vtype, "vtype", "LS", "variance type for COR and UCOR: LS, AV, H0 (UCOR: also UB)")
	f.StringVar(&mf.method, "method", "REML", "tau² estimator: FE, EE, DL, HE, HS, SJ, ML, REML, EB, PM")
	f.StringVar(&mf.test, "test", "z", "inference: z, t, knha (Knapp–Hartung) or adhoc")
	f.Float64Var(&mf.level, "level", 95, "confidence level in percent (or as a proportion)")
	f.StringVar(&mf.mods, "mods", "", "moderator columns, comma-separated (text columns become factors)")
	f.StringVar(&mf.subgroup, "subgroup", "", "column defining subgroups: a model per level and tests of subgroup differences")
	f.IntVar(&mf.permutations, "permutations", 0, "permutation test with `N` iterations (exact when 2^k ≤ N for intercept-only models)")
	f.Uint64Var(&mf.seed, "seed", 1, "seed of the permutation test")
	f.BoolVar(&mf.exact, "exact", false, "exact permutation test: enumerate every sign flip (intercept-only) or unique row permutation (moderators), as permutest(exact = TRUE)")
	f.BoolVar(&mf.rcode, "r-code", false, "also print the equivalent metafor call, so a reviewer can check the numbers")
	f.Float64Var(&mf.tau2, "tau2", 0, "fix tau² at this value instead of estimating it")
	mf.ext.register(cmd)
	for name, vals := range map[string][]string{
		"method":  {"FE", "EE", "DL", "HE", "HS", "SJ", "ML", "REML", "EB", "PM"},
		"test":    {"z", "t", "knha", "adhoc"},
		"measure": {"ZCOR", "COR", "UCOR"},
		"vtype":   {"LS", "AV", "H0", "UB"},
	} {
		vals := vals
		_ = cmd.RegisterFlagCompletionFunc(name, func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			return vals, cobra.ShellCompDirectiveNoFileComp
		})
	}
	return cmd
}

// metaOutput is the JSON document of 'alliance meta': the fitted model in
// the names of DESIGN.md, plus the optional parts.
type metaOutput struct {
	Data string `json:"data"`
	*meta.Result
	Subgroups   *meta.SubgroupResult `json:"subgroups,omitempty"`
	Permutation *meta.PermResult     `json:"permutation,omitempty"`
	metaExtras
	RCode string `json:"r_code,omitempty"`
}

func runMeta(e *env, mf *metaFlags, args []string) error {
	level, err := parseLevel(mf.level)
	if err != nil {
		return err
	}
	src, err := mf.read.load(e, args, metaDefaultDataset)
	if err != nil {
		return err
	}
	cols := datasets.StudyColumns{Label: mf.study, R: mf.r, N: mf.n, Yi: mf.yi, Vi: mf.vi, Sei: mf.sei, Mods: splitList(mf.mods)}
	if mf.subgroup != "" {
		cols.Mods = append(cols.Mods, mf.subgroup)
	}
	if src.embedded != nil {
		cols.Cluster = src.embedded.StudyColumns.Cluster
	}
	if err := mf.ext.check(); err != nil {
		return err
	}
	if c := mf.ext.clusterColumns(); c != nil {
		cols.Cluster = c
	}
	measure := strings.ToUpper(mf.measure)
	useES := mf.yi != "" || mf.vi != "" || mf.sei != ""
	st, err := src.table.Studies(cols, datasets.StudyOptions{FisherZ: !useES && (measure == "" || measure == "ZCOR")})
	if err != nil {
		return err
	}
	dataName := st.Name
	if src.embedded != nil {
		dataName = src.embedded.Name
		if src.embedded.Simulated {
			dataName += " (SIMULATED)"
		}
	}

	// Effect sizes.
	var yi, vi []float64
	switch {
	case st.Yi != nil && (st.Vi != nil || st.Sei != nil) && (useES || st.R == nil):
		yi, vi = st.Yi, st.Vi
		if st.Sei != nil && (vi == nil || mf.sei != "") {
			vi = make([]float64, len(st.Sei))
			for i, s := range st.Sei {
				vi[i] = s * s
			}
		}
		if measure == "" {
			measure = "GEN"
		}
	case st.R != nil && st.N != nil:
		if measure == "" {
			measure = "ZCOR"
		}
		m, err := effectsize.ParseMeasure(measure)
		if err != nil {
			return usageError{err}
		}
		tab, err := effectsize.Escalc(m, effectsize.VType(strings.ToUpper(mf.vtype)), st.R, st.N)
		if err != nil {
			var ie *effectsize.InputError
			if errors.As(err, &ie) {
				return ie.At(st.Name, st.Line)
			}
			return usageError{fmt.Errorf("%s: %w", st.Name, err)}
		}
		yi, vi = tab.Yi, tab.Vi
	default:
		return usagef("%s: need correlations and sample sizes (--r, --n) or effect sizes with variances (--yi with --vi or --sei)", st.Name)
	}

	opt := meta.Options{Method: mf.method, Test: strings.ToLower(mf.test), Level: level, Labels: st.Label, Measure: measure}
	if mf.tau2Set {
		t := mf.tau2
		opt.Tau2 = &t
	}
	nmods := len(splitList(mf.mods))
	for _, v := range st.Mods[:nmods] {
		m := meta.Moderator{Name: v.Name}
		if v.Numeric {
			m.Numeric = v.Num
		} else {
			m.Text = v.Text
		}
		opt.Mods = append(opt.Mods, m)
	}

	if mf.ext.multilevel() {
		if mf.subgroup != "" || mf.permutations > 0 || mf.tau2Set {
			return usagef("--subgroup, --permutations and --tau2 are available for univariate models; with --cluster use --mods for moderators")
		}
		return runMetaMultilevel(e, mf, src, st, dataName, yi, vi, opt)
	}
	if mf.ext.aggregate != "" {
		if yi, vi, st, err = aggregateStudies(e, mf, st, yi, vi, measure); err != nil {
			return err
		}
		opt.Labels = st.Label
		opt.Mods = nil
	}
	res, err := meta.Fit(yi, vi, opt)
	if err != nil {
		return analysisOrInput(err)
	}
	if len(st.Cluster) > 0 && mf.ext.aggregate == "" {
		if note := dependenceNote(st.Cluster[0].Text, res.Rows); note != "" {
			res.Notes = append(res.Notes, note)
		}
	}
	out := metaOutput{Data: dataName, Result: res}
	if mf.subgroup != "" {
		if nmods > 0 {
			return usagef("--subgroup cannot be combined with --mods; use the subgroup column as a moderator instead")
		}
		g := st.Mods[nmods]
		groups := g.Text
		if g.Numeric {
			groups = make([]string, len(g.Num))
			for i, x := range g.Num {
				if !math.IsNaN(x) {
					groups[i] = strconv.FormatFloat(x, 'g', -1, 64)
				}
			}
		}
		sg, err := meta.Subgroups(yi, vi, groups, opt)
		if err != nil {
			return analysisOrInput(err)
		}
		out.Subgroups = sg
	}
	if mf.permutations > 0 || mf.exact {
		var bar *progressbar.ProgressBar
		progress := func(int) {}
		if f, ok := e.stderr.(interface{ Fd() uintptr }); ok && !e.quiet && term.IsTerminal(int(f.Fd())) {
			bar = progressbar.NewOptions(max(mf.permutations, 1), progressbar.OptionSetWriter(e.stderr), progressbar.OptionSetDescription("permutations"), progressbar.OptionClearOnFinish())
			progress = func(done int) { _ = bar.Set(done) }
		}
		var pr *meta.PermResult
		var err error
		if mf.exact {
			pr, err = meta.PermuteExact(yi, vi, opt, progress)
		} else {
			pr, err = meta.Permute(yi, vi, opt, mf.permutations, mf.seed, progress)
		}
		if bar != nil {
			_ = bar.Finish()
		}
		if err != nil {
			return analysisOrInput(err)
		}
		out.Permutation = pr
	}
	if err := mf.ext.run(e, src, st, res, &out.metaExtras); err != nil {
		return err
	}
	if mf.rcode {
		out.RCode = res.RCode("")
	}
	return e.emit(func(w io.Writer) error {
		if e.format == "json" {
			return jsonout.Write(w, out)
		}
		return renderMeta(w, e.format, &out)
	})
}

// dependenceNote warns when several analysed effects share a cluster (study):
// a univariate model treats them as independent.
func dependenceNote(cluster []string, rows []int) string {
	seen := make(map[string]bool, len(rows))
	for _, i := range rows {
		seen[cluster[i]] = true
	}
	if len(seen) == len(rows) {
		return ""
	}
	return fmt.Sprintf("%d effects come from %d studies: this model treats effects of the same study as independent; a three-level model (effects within studies) or aggregation within studies accounts for the dependence.", len(rows), len(seen))
}

// analysisOrInput classifies an analysis error by its type: bad input
// (*errs.InputError) and invalid options (errs.InvalidOption) are usage
// errors (exit 2); no convergence, singular fits, too few studies and
// untyped errors are analysis failures (exit 1). See isUsage.
func analysisOrInput(err error) error {
	if isUsage(err) {
		return usageError{err}
	}
	return err
}

func methodName(m string) string {
	switch m {
	case "FE", "EE":
		return "Fixed-effects (" + m + ")"
	default:
		return "Random-effects (" + m + ")"
	}
}

func measureName(m string) string {
	switch m {
	case "ZCOR":
		return "Fisher z-transformed correlations"
	case "COR":
		return "correlations"
	case "UCOR":
		return "unbiased correlations (Olkin–Pratt)"
	default:
		return "effect sizes"
	}
}

// renderMeta writes the text, Markdown or CSV report of a meta-analysis.
func renderMeta(w io.Writer, format string, o *metaOutput) error {
	r := o.Result
	coef := coefTable(r)
	if format == "csv" {
		return coef.csv(w)
	}
	md := format == "markdown"
	heading := func(s string) {
		if md {
			fmt.Fprintf(w, "## %s\n\n", s)
		} else {
			fmt.Fprintf(w, "%s\n\n", s)
		}
	}
	heading(fmt.Sprintf("%s meta-analysis of %d %s — %s", methodName(r.Method), r.K, measureName(r.Measure), o.Data))
	fmt.Fprintf(w, "%s\n\n", r.Summary())
	if err := coef.render(w, format); err != nil {
		return err
	}
	fmt.Fprintln(w)
	if r.Method != "FE" && r.Method != "EE" {
		if err := hetTable(r).render(w, format); err != nil {
			return err
		}
		fmt.Fprintln(w)
	}
	if o.Subgroups != nil {
		if err := subgroupTable(o.Subgroups).render(w, format); err != nil {
			return err
		}
		fmt.Fprintln(w)
	}
	if o.Permutation != nil {
		if err := permTable(o.Permutation).render(w, format); err != nil {
			return err
		}
		fmt.Fprintln(w)
	}
	if err := renderMetaExtras(w, format, r, &o.metaExtras); err != nil {
		return err
	}
	for _, n := range r.Notes {
		fmt.Fprintf(w, "Note. %s\n", n)
	}
	fmt.Fprintf(w, "%s\n", r.Interpretation())
	if o.RCode != "" {
		if md {
			fmt.Fprintf(w, "\n```r\n%s\n```\n", strings.TrimRight(o.RCode, "\n"))
		} else {
			fmt.Fprintf(w, "\nEquivalent R (metafor):\n%s\n", strings.TrimRight(o.RCode, "\n"))
		}
	}
	return nil
}

func statName(r *meta.Result) string {
	if r.Test == "z" {
		return "z"
	}
	return "t"
}

func coefTable(r *meta.Result) *table {
	pct := apa.Level(r.Level)
	t := &table{
		Title:   "Model coefficients",
		Columns: []string{"term", "estimate", "SE", statName(r), "df", "p", pct + " CI"},
		Right:   []bool{false, true, true, true, true, true, false},
	}
	for _, c := range r.Coefficients {
		df := ""
		if c.DF != nil {
			df = strconv.FormatFloat(*c.DF, 'f', -1, 64)
		}
		t.Rows = append(t.Rows, []string{c.Name, num(c.Estimate, 4), num(c.SE, 4), num(c.Statistic, 2), df, pcell(c.P), apa.Interval(c.CILB, c.CIUB, 4, false)})
	}
	if r.R != nil {
		t.Rows = append(t.Rows, []string{"r (back-transformed)", num(r.R.Estimate, 4), "", "", "", "", apa.Interval(r.R.CILB, r.R.CIUB, 4, false)})
	}
	if r.Measure != "ZCOR" && r.Measure != "GEN" && r.Measure != "" {
		t.Notes = append(t.Notes, "Estimates in units of "+r.Measure+".")
	} else if r.Measure == "ZCOR" {
		t.Notes = append(t.Notes, "Estimates in Fisher z units; r = tanh(z).")
	}
	return t
}

func hetTable(r *meta.Result) *table {
	ci := func(c *[2]float64, d int) string {
		if c == nil {
			return ""
		}
		return apa.Interval(c[0], c[1], d, false)
	}
	t := &table{
		Title:   "Heterogeneity",
		Columns: []string{"statistic", "value", apa.Level(r.Level) + " CI"},
		Right:   []bool{false, true, false},
	}
	t.Rows = append(t.Rows,
		[]string{"τ²", num(r.Tau2, 4), ci(r.Tau2CI, 4)},
		[]string{"τ", num(r.Tau, 4), sqrtCI(r.Tau2CI)},
		[]string{"I² (%)", num(r.I2, 2), ci(r.I2CI, 2)},
		[]string{"H²", num(r.H2, 2), ci(r.H2CI, 2)},
		[]string{"I² (Q-based, %)", num(r.I2Q, 2), ""},
	)
	qp := ""
	if r.QEP != nil {
		qp = ", " + apa.P(*r.QEP)
	}
	t.Rows = append(t.Rows, []string{fmt.Sprintf("Q_E(%d)", r.QEDF), num(r.QE, 2) + qp, ""})
	if r.PILB != nil && r.PIUB != nil {
		t.Rows = append(t.Rows, []string{"prediction interval", "", apa.Interval(*r.PILB, *r.PIUB, 4, false)})
		if r.R != nil && r.R.PILB != nil {
			t.Rows = append(t.Rows, []string{"prediction interval (r)", "", apa.Interval(*r.R.PILB, *r.R.PIUB, 4, false)})
		}
	}
	if r.R2 != nil {
		t.Rows = append(t.Rows, []string{"pseudo-R² (%)", num(*r.R2, 2), ""})
	}
	if r.CINote != "" {
		t.Notes = append(t.Notes, "Note. "+r.CINote)
	}
	f := r.Fit
	t.Notes = append(t.Notes, fmt.Sprintf("Fit (%s): logLik = %s, deviance = %s, AIC = %s, BIC = %s, AICc = %s",
		r.Method, num(f.LogLik, 4), num(f.Deviance, 4), num(f.AIC, 4), num(f.BIC, 4), num(f.AICc, 4)))
	return t
}

func sqrtCI(c *[2]float64) string {
	if c == nil {
		return ""
	}
	return apa.Interval(math.Sqrt(c[0]), math.Sqrt(c[1]), 4, false)
}

func subgroupTable(s *meta.SubgroupResult) *table {
	t := &table{
		Title:   "Subgroups (separate τ² per subgroup)",
		Columns: []string{"subgroup", "k", "estimate", "SE", pctLevel(levelOf(s)) + " CI", "τ²", "I² (%)"},
		Right:   []bool{false, true, true, true, false, true, true},
	}
	for i, f := range s.Fits {
		c := f.Coefficients[0]
		t.Rows = append(t.Rows, []string{s.Levels[i], strconv.Itoa(f.K), num(c.Estimate, 4), num(c.SE, 4), apa.Interval(c.CILB, c.CIUB, 4, false), num(f.Tau2, 4), num(f.I2, 1)})
	}
	t.Notes = append(t.Notes, fmt.Sprintf("Test of subgroup differences, separate τ²: Q_b(%d) = %s, %s.", s.QBDF, num(s.QB, 2), apa.P(s.QBP)))
	if c := s.Common; c != nil {
		stat := fmt.Sprintf("Q_M(%d) = %s", c.QMDF, num(c.QM, 2))
		if c.QMDF2 != nil {
			stat = fmt.Sprintf("F(%d, %d) = %s", c.QMDF, *c.QMDF2, num(c.QM, 2))
		}
		t.Notes = append(t.Notes, fmt.Sprintf("Test of subgroup differences, common τ² (= %s): %s, %s.", num(c.Tau2, 4), stat, apa.P(c.QMP)))
	}
	for _, n := range s.Notes {
		t.Notes = append(t.Notes, "Note. "+n)
	}
	return t
}

// levelOf is the confidence level of a subgroup analysis.
func levelOf(s *meta.SubgroupResult) float64 {
	if len(s.Fits) > 0 {
		return s.Fits[0].Level
	}
	return 0.95
}

func permTable(p *meta.PermResult) *table {
	kind := fmt.Sprintf("%d random permutations, seed %d", p.Iterations, p.Seed)
	if p.Exact {
		kind = fmt.Sprintf("exact: all %d sign patterns", p.Iterations)
		if len(p.Names) > 1 {
			kind = fmt.Sprintf("exact: all %d unique permutations of the moderators", p.Iterations)
		}
	}
	t := &table{
		Title:   "Permutation test (" + kind + ")",
		Columns: []string{"term", "statistic", "permutation p"},
		Right:   []bool{false, true, true},
	}
	for i, n := range p.Names {
		t.Rows = append(t.Rows, []string{n, num(p.Statistic[i], 3), pcell(p.P[i])})
	}
	t.Rows = append(t.Rows, []string{"omnibus (QM)", num(p.QM, 3), pcell(p.QMP)})
	if p.Failed > 0 {
		t.Notes = append(t.Notes, fmt.Sprintf("Note. %d permutations could not be fitted and were excluded.", p.Failed))
	}
	return t
}

// num formats a number for a table cell ("NA" when undefined).
func num(x float64, d int) string { return apa.Cell(x, d) }

// pcell formats a p-value for a table cell: ".012", "< .001".
func pcell(p float64) string { return apa.PCell(p) }
