package main

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/alliance-research/alliance/analysis/effectsize"
	"github.com/alliance-research/alliance/analysis/meta"
	"github.com/alliance-research/alliance/analysis/metamv"
	"github.com/alliance-research/alliance/datasets"
	"github.com/spf13/cobra"
)

// metaExtraFlags are the flags of 'alliance meta' for publication bias,
// influence, dependent effect sizes and figures.
type metaExtraFlags struct {
	bias                   bool
	regModel, predictor    string
	tfEstimator, tfSide    string
	fsnTarget              float64
	petPeese, selModel     bool
	influence, leave1out   bool
	leaveCluster           string
	cumulative             string
	cumDecreasing          bool
	cluster                string
	rho                    float64
	aggregate, aggMethod   string
	aggOut                 string
	robust, robustType     string
	noProfile              bool
	forest, funnel, baujat string
	bubble                 string
	radial, infPlot        string
	l1oForest, cumForest   string
	aggTable               *metamv.AggTable
	rhoSet                 bool
	clusterIdx             map[string]int // column → index in Studies.Cluster
	clusterCols            []string
}

func (x *metaExtraFlags) register(cmd *cobra.Command) {
	f := cmd.Flags()
	f.BoolVar(&x.bias, "bias", false, "publication bias: Egger's regression test, rank correlation test, trim-and-fill, fail-safe N")
	f.StringVar(&x.regModel, "regtest-model", "rma", "Egger-type test: rma (the model with a precision predictor) or lm (weighted regression)")
	f.StringVar(&x.predictor, "predictor", "sei", "Egger-type test predictor: sei, vi, ni, ninv, sqrtni, sqrtninv")
	f.StringVar(&x.tfEstimator, "trimfill", "L0", "trim-and-fill estimator: L0, R0 or Q0")
	f.StringVar(&x.tfSide, "trimfill-side", "", "side with missing studies: left or right (default: chosen as metafor does)")
	f.Float64Var(&x.fsnTarget, "fsn-target", math.NaN(), "Orwin's fail-safe N target effect (default: half the unweighted mean effect, as metafor — an arbitrary choice)")
	f.BoolVar(&x.petPeese, "pet-peese", false, "with --bias: the conditional PET-PEESE estimate")
	f.BoolVar(&x.selModel, "selmodel", false, "with --bias: the three-parameter selection model (one step at one-sided p = .025, ML)")
	f.BoolVar(&x.influence, "influence", false, "influence diagnostics: studentized residuals, DFFITS, Cook's distance, COVRATIO, leave-one-out τ² and Q, hat values, weights, DFBETAS")
	f.BoolVar(&x.leave1out, "leave1out", false, "leave-one-out estimates, one study at a time")
	f.StringVar(&x.leaveCluster, "leave1out-cluster", "", "leave-one-out by cluster: leave out all rows of one value of `COLUMN` at a time (e.g. study)")
	f.StringVar(&x.cumulative, "cumulative", "", "cumulative meta-analysis ordered by a numeric `COLUMN` (e.g. year)")
	f.BoolVar(&x.cumDecreasing, "cumulative-decreasing", false, "order the cumulative meta-analysis from the largest value down")
	f.StringVar(&x.cluster, "cluster", "", "three-level model: outer[/inner] columns (e.g. study or study/es_id; without inner, one inner unit per row)")
	f.Float64Var(&x.rho, "rho", 0, "correlation of sampling errors within a cluster (three-level model) or the assumed correlation for --aggregate")
	f.StringVar(&x.aggregate, "aggregate", "", "aggregate effect sizes within this `COLUMN` before the analysis (use --rho; default .5 for aggregation)")
	f.StringVar(&x.aggMethod, "aggregate-method", "cs", "aggregation: cs (metafor aggregate.escalc, compound symmetry) or mac (the MAc composite of correlations)")
	f.StringVar(&x.aggOut, "aggregate-out", "", "also write the aggregated table as CSV to `FILE`")
	f.StringVar(&x.robust, "robust", "", "cluster-robust inference clustering by this `COLUMN` (CR2 with Satterthwaite df by default)")
	f.StringVar(&x.robustType, "robust-type", "CR2", "robust variance: CR2 (clubSandwich) or CR1 (metafor robust, adjust = TRUE)")
	f.BoolVar(&x.noProfile, "no-profile", false, "three-level model: skip the profile-likelihood CIs and likelihood-ratio tests (faster for large k)")
	f.StringVar(&x.forest, "forest", "", "write a forest plot to `FILE` (.png, .svg, .pdf)")
	f.StringVar(&x.funnel, "funnel", "", "write a contour-enhanced funnel plot (with trim-and-fill's filled studies and Egger's line) to `FILE`")
	f.StringVar(&x.baujat, "baujat", "", "write a Baujat plot (contribution to Q vs influence on the estimate) to `FILE`")
	f.StringVar(&x.bubble, "bubble", "", "write a bubble plot of a meta-regression on one numeric moderator to `FILE`")
	f.StringVar(&x.l1oForest, "leave1out-forest", "", "write the leave-one-out estimates as a forest plot to `FILE` (implies --leave1out)")
	f.StringVar(&x.cumForest, "cumulative-forest", "", "write the cumulative meta-analysis as a forest plot to `FILE` (needs --cumulative)")
	f.StringVar(&x.radial, "radial", "", "write a radial (Galbraith) plot to `FILE`")
	f.StringVar(&x.infPlot, "influence-plot", "", "write the influence panel (rstudent, DFFITS, Cook's D, COVRATIO, τ² and Q_E left out, hat, weight by study) to `FILE`")
}

// check validates the flag combinations before any data are read.
func (x *metaExtraFlags) check() error {
	for flag, p := range map[string]string{"--forest": x.forest, "--funnel": x.funnel, "--baujat": x.baujat, "--bubble": x.bubble, "--radial": x.radial, "--influence-plot": x.infPlot, "--leave1out-forest": x.l1oForest, "--cumulative-forest": x.cumForest} {
		if err := checkFigurePath(flag, p); err != nil {
			return err
		}
	}
	if x.aggregate != "" && (x.cumulative != "" || x.leaveCluster != "") {
		return usagef("--cumulative and --leave1out-cluster refer to rows of the original table; they cannot be combined with --aggregate")
	}
	if x.cluster != "" && x.aggregate != "" {
		return usagef("give --cluster (a three-level model) or --aggregate (aggregate within clusters first), not both")
	}
	if x.cumForest != "" && x.cumulative == "" {
		return usagef("--cumulative-forest needs --cumulative COLUMN (the order of the studies)")
	}
	if x.l1oForest != "" {
		x.leave1out = x.leave1out || x.leaveCluster == ""
	}
	if x.cluster != "" && (x.bias || x.influence || x.leave1out || x.leaveCluster != "" || x.cumulative != "" || x.funnel != "" || x.baujat != "" || x.bubble != "" || x.radial != "" || x.infPlot != "") {
		return usagef("--bias, --influence, --leave1out, --cumulative and the figures are available for univariate models; drop --cluster, or use --robust for cluster-robust inference in a univariate model")
	}
	if !(x.rho > -1 && x.rho < 1) {
		return usagef("--rho %v: give a correlation between -1 and 1", x.rho)
	}
	switch strings.ToLower(x.aggMethod) {
	case "cs", "mac":
	default:
		return usagef("--aggregate-method %q: give cs or mac", x.aggMethod)
	}
	switch strings.ToUpper(x.robustType) {
	case metamv.CR1, metamv.CR2:
	default:
		return usagef("--robust-type %q: give CR2 or CR1", x.robustType)
	}
	return nil
}

// clusterColumns lists the id columns the flags need, in a fixed order, and
// remembers where each one is; nil when no flag needs one.
func (x *metaExtraFlags) clusterColumns() []string {
	x.clusterIdx = map[string]int{}
	add := func(c string) {
		if c == "" {
			return
		}
		if _, ok := x.clusterIdx[strings.ToLower(c)]; !ok {
			x.clusterIdx[strings.ToLower(c)] = len(x.clusterCols)
			x.clusterCols = append(x.clusterCols, c)
		}
	}
	if x.cluster != "" {
		for _, c := range strings.SplitN(x.cluster, "/", 2) {
			add(strings.TrimSpace(c))
		}
	}
	add(x.aggregate)
	add(x.robust)
	add(x.leaveCluster)
	return x.clusterCols
}

// ids returns the id column named c of the loaded study table.
func (x *metaExtraFlags) ids(st *datasets.Studies, c string) []string {
	i, ok := x.clusterIdx[strings.ToLower(c)]
	if !ok || i >= len(st.Cluster) {
		return nil
	}
	return st.Cluster[i].Text
}

func (x *metaExtraFlags) multilevel() bool { return x.cluster != "" }

// metaExtras are the optional parts of the 'alliance meta' JSON document.
type metaExtras struct {
	Bias       *meta.BiasResult    `json:"bias,omitempty"`
	Influence  []meta.InfluenceRow `json:"influence,omitempty"`
	Baujat     []meta.BaujatPoint  `json:"baujat,omitempty"`
	Leave1out  []meta.SummaryRow   `json:"leave1out,omitempty"`
	Cumulative []meta.SummaryRow   `json:"cumulative,omitempty"`
	Robust     *metamv.Robust      `json:"robust,omitempty"`
	Aggregated *metamv.AggTable    `json:"aggregated,omitempty"`

	biasReading, infReading string
	influenceNames          []string
}

// run computes the requested extras of a univariate fit and writes the
// requested figures.
func (x *metaExtraFlags) run(e *env, src source, st *datasets.Studies, res *meta.Result, out *metaExtras) error {
	out.Aggregated = x.aggTable
	intOnly := len(res.Coefficients) == 1
	need := func(what string) error {
		if !intOnly {
			return usagef("%s needs an intercept-only model (drop --mods)", what)
		}
		return nil
	}
	var tf *meta.TrimFillResult
	var egger *meta.RegTestResult
	if x.bias || x.funnel != "" {
		if err := need("--bias"); err != nil {
			return err
		}
		fsn := meta.FSNOptions{}
		if !math.IsNaN(x.fsnTarget) {
			t := x.fsnTarget
			fsn.Target = &t
		}
		b, err := meta.Bias(res, meta.BiasOptions{
			RegTest:  meta.RegTestOptions{Model: strings.ToLower(x.regModel), Predictor: strings.ToLower(x.predictor), Ni: studyNi(st, res)},
			TrimFill: meta.TrimFillOptions{Estimator: strings.ToUpper(x.tfEstimator), Side: strings.ToLower(x.tfSide)},
			FSN:      fsn,
			PETPEESE: x.petPeese,
			SelModel: x.selModel,
		})
		if err != nil {
			return analysisOrInput(err)
		}
		tf, egger = b.TrimFill, b.Egger
		if x.bias {
			out.Bias = b
			out.biasReading = b.Reading()
		}
	}
	var inf *meta.InfluenceResult
	if x.influence || x.baujat != "" || x.infPlot != "" {
		if err := need("--influence"); err != nil {
			return err
		}
		var err error
		if inf, err = meta.Influence(res); err != nil {
			return analysisOrInput(err)
		}
		if x.influence {
			out.Influence, out.Baujat, out.influenceNames = inf.Rows, inf.Baujat, inf.Names
			out.infReading = inf.Reading()
		}
	}
	if x.leave1out || x.leaveCluster != "" {
		if err := need("--leave1out"); err != nil {
			return err
		}
		var rows []meta.SummaryRow
		var err error
		if x.leaveCluster != "" {
			rows, err = meta.LeaveClusterOut(res, x.ids(st, x.leaveCluster))
		} else {
			rows, err = meta.LeaveOneOut(res)
		}
		if err != nil {
			return analysisOrInput(err)
		}
		out.Leave1out = rows
	}
	if x.cumulative != "" {
		if err := need("--cumulative"); err != nil {
			return err
		}
		tc := &tableColumns{t: src.table}
		order := tc.numeric(x.cumulative, "--cumulative")
		if err := tc.err(); err != nil {
			return err
		}
		rows, err := meta.Cumulative(res, order, x.cumDecreasing)
		if err != nil {
			return analysisOrInput(err)
		}
		out.Cumulative = rows
	}
	if x.robust != "" {
		c := x.ids(st, x.robust)
		if out.Aggregated != nil {
			return usagef("--robust clusters rows; after --aggregate each cluster is one row, so drop one of the two")
		}
		rb, err := metamv.ClusterRobustUni(res, c, metamv.RobustOptions{Type: strings.ToUpper(x.robustType), Level: res.Level})
		if err != nil {
			return analysisOrInput(err)
		}
		out.Robust = rb
	}
	for _, part := range []struct {
		path, title string
		rows        []meta.SummaryRow
	}{{x.l1oForest, "Omitted", out.Leave1out}, {x.cumForest, "Added", out.Cumulative}} {
		if part.path == "" {
			continue
		}
		fig, err := summaryForest(res, part.rows, part.title)
		if err := e.saveFigure(fig, err, part.path); err != nil {
			return err
		}
	}
	return x.figures(e, st, res, tf, egger, inf)
}

// studyNi returns the sample sizes of the analysed rows (for the ni-based
// Egger predictors), or nil.
func studyNi(st *datasets.Studies, res *meta.Result) []float64 {
	if st.N == nil {
		return nil
	}
	out := make([]float64, len(res.Rows))
	for i, r := range res.Rows {
		out[i] = st.N[r]
	}
	return out
}

// aggregateStudies replaces the effects by one aggregated effect per cluster
// (--aggregate), writes the aggregated table if asked, and returns the new
// effects and a study table whose labels are the clusters.
func aggregateStudies(e *env, mf *metaFlags, st *datasets.Studies, yi, vi []float64, measure string) ([]float64, []float64, *datasets.Studies, error) {
	x := &mf.ext
	cluster := x.ids(st, x.aggregate)
	rho := x.rho
	if !x.rhoSet {
		rho = 0.5
		e.infof("alliance: --aggregate assumes a within-cluster correlation of .5 (set it with --rho)")
	}
	if len(mf.mods) > 0 || mf.subgroup != "" {
		return nil, nil, nil, usagef("--aggregate cannot be combined with --mods or --subgroup (moderators may differ within a cluster)")
	}
	var tab *metamv.AggTable
	var err error
	switch strings.ToLower(x.aggMethod) {
	case "mac":
		if st.R == nil || st.N == nil {
			return nil, nil, nil, usagef("--aggregate-method mac needs correlations and sample sizes (--r, --n)")
		}
		tab, err = metamv.AggregateMAc(st.R, st.N, cluster, rho)
	default:
		tab, err = metamv.AggregateCS(yi, vi, st.N, cluster, rho)
	}
	if err != nil {
		return nil, nil, nil, usageError{err}
	}
	agg := &datasets.Studies{Name: st.Name}
	yi, vi = nil, nil
	var r, n []float64
	for _, row := range tab.Rows {
		agg.Label = append(agg.Label, row.Cluster)
		agg.Line = append(agg.Line, 0)
		yi, vi = append(yi, row.Yi), append(vi, row.Vi)
		r, n = append(r, row.Yi), append(n, row.N)
	}
	if strings.ToLower(x.aggMethod) == "mac" {
		m, err := effectsize.ParseMeasure(measure)
		if err != nil {
			return nil, nil, nil, usageError{err}
		}
		t, err := effectsize.Escalc(m, effectsize.VType(strings.ToUpper(mf.vtype)), r, n)
		if err != nil {
			return nil, nil, nil, usageError{fmt.Errorf("aggregated correlations: %w", err)}
		}
		yi, vi = t.Yi, t.Vi
		for i := range tab.Rows {
			tab.Rows[i].Vi = vi[i]
		}
		agg.R = r
	}
	agg.N = n
	if x.aggOut != "" {
		var b strings.Builder
		if err := tab.WriteCSV(&b); err != nil {
			return nil, nil, nil, err
		}
		if err := writeFileAtomic(x.aggOut, []byte(b.String())); err != nil {
			return nil, nil, nil, err
		}
		e.infof("wrote the aggregated table (%d clusters) to %s", len(tab.Rows), x.aggOut)
	}
	x.aggTable = tab
	e.infof("alliance: aggregated %d effect sizes into %d clusters (%s, rho = %g)", len(cluster), len(tab.Rows), strings.ToUpper(x.aggMethod), rho)
	return yi, vi, agg, nil
}

// renderMetaExtras writes the text/Markdown tables of the extras.
func renderMetaExtras(w io.Writer, format string, r *meta.Result, o *metaExtras) error {
	if b := o.Bias; b != nil {
		t := &table{Title: "Publication bias and small-study effects", Columns: []string{"test", "result"}}
		var readings []string
		if g := b.Egger; g != nil {
			res := fmt.Sprintf("%s = %s, %s", statLetter(g.DF), num(g.Statistic, 2), pcellP(g.P))
			if g.Estimate != nil && g.CILB != nil {
				res += fmt.Sprintf("; limit estimate %s [%s, %s]", num(*g.Estimate, 3), num(*g.CILB, 3), num(*g.CIUB, 3))
			}
			t.Rows = append(t.Rows, []string{fmt.Sprintf("Egger regression (%s, %s)", g.Model, g.Predictor), res})
			readings = append(readings, g.Reading())
		}
		if k := b.Rank; k != nil {
			t.Rows = append(t.Rows, []string{"rank correlation (Begg & Mazumdar)", fmt.Sprintf("Kendall's τ = %s, %s", num(k.Tau, 3), pcellP(k.P))})
			readings = append(readings, k.Reading())
		}
		if f := b.TrimFill; f != nil {
			t.Rows = append(t.Rows, []string{fmt.Sprintf("trim-and-fill (%s)", f.Estimator),
				fmt.Sprintf("%d filled on the %s; adjusted %s [%s, %s]", f.K0, f.Side, num(f.Estimate, 3), num(f.CILB, 3), num(f.CIUB, 3))})
			readings = append(readings, f.Reading())
		}
		if f := b.FSN; f != nil {
			t.Rows = append(t.Rows, []string{"fail-safe N", fmt.Sprintf("Rosenthal %d, Orwin %d (target %s), Rosenberg %d", f.Rosenthal, f.Orwin, num(f.OrwinTarget, 3), f.Rosenberg)})
			readings = append(readings, f.Reading())
		}
		if p := b.PETPEESE; p != nil {
			t.Rows = append(t.Rows, []string{"PET-PEESE", fmt.Sprintf("%s: %s [%s, %s]", p.Use, num(p.Estimate, 3), num(p.CILB, 3), num(p.CIUB, 3))})
			readings = append(readings, p.Reading())
		}
		if s := b.SelModel; s != nil {
			t.Rows = append(t.Rows, []string{fmt.Sprintf("selection model (step at p = %s)", num(s.Step, 3)),
				fmt.Sprintf("%s [%s, %s]; δ = %s; LRT χ²(1) = %s, %s", num(s.Estimate, 3), num(s.CILB, 3), num(s.CIUB, 3), num(s.Delta, 2), num(s.LRT, 2), pcellP(s.LRTP))})
			readings = append(readings, s.Reading())
		}
		if r.Measure == "ZCOR" {
			t.Notes = append(t.Notes, "Note. Estimates in Fisher z units.")
		}
		for _, rd := range readings {
			t.Notes = append(t.Notes, "• "+rd)
		}
		if err := t.render(w, format); err != nil {
			return err
		}
		fmt.Fprintln(w)
	}
	if len(o.Influence) > 0 {
		t := &table{
			Title:   "Influence diagnostics (* = influential by metafor's criteria)",
			Columns: []string{"study", "rstudent", "DFFITS", "Cook's D", "COVRATIO", "τ² del", "Q_E del", "hat", "weight %", ""},
			Right:   []bool{false, true, true, true, true, true, true, true, true, false},
		}
		for _, x := range o.Influence {
			flag := ""
			if x.Inf {
				flag = "*"
			}
			t.Rows = append(t.Rows, []string{x.Study, num(x.RStudent, 3), num(x.DFFITS, 3), num(x.CookD, 3), num(x.CovR, 3), num(x.Tau2Del, 4), num(x.QEDel, 2), num(x.Hat, 3), num(x.Weight, 2), flag})
		}
		if o.infReading != "" {
			t.Notes = append(t.Notes, o.infReading)
		}
		if err := t.render(w, format); err != nil {
			return err
		}
		fmt.Fprintln(w)
	}
	for _, part := range []struct {
		title string
		rows  []meta.SummaryRow
	}{{"Leave-one-out", o.Leave1out}, {"Cumulative meta-analysis", o.Cumulative}} {
		if len(part.rows) == 0 {
			continue
		}
		t := &table{Title: part.title, Columns: []string{"study", "k", "estimate", pctLevel(r.Level) + " CI", "p", "τ²", "I² %", "Q_E"}, Right: []bool{false, true, true, false, true, true, true, true}}
		for _, x := range part.rows {
			name := x.Study
			if name == "" {
				name = x.Cluster
			}
			if part.title == "Leave-one-out" {
				name = "without " + name
			} else {
				name = "+ " + name
			}
			t.Rows = append(t.Rows, []string{name, strconv.Itoa(x.K), num(x.Estimate, 4), "[" + num(x.CILB, 4) + ", " + num(x.CIUB, 4) + "]", pcell(x.P), num(x.Tau2, 4), num(x.I2, 1), num(x.QE, 2)})
		}
		if err := t.render(w, format); err != nil {
			return err
		}
		fmt.Fprintln(w)
	}
	if rb := o.Robust; rb != nil {
		if err := robustTable(rb).render(w, format); err != nil {
			return err
		}
		fmt.Fprintln(w)
	}
	return nil
}

func statLetter(df *float64) string {
	if df != nil {
		return fmt.Sprintf("t(%s)", num(*df, 0))
	}
	return "z"
}

func robustTable(rb *metamv.Robust) *table {
	t := &table{
		Title:   fmt.Sprintf("Cluster-robust inference (%s, %d clusters)", rb.Type, rb.Clusters),
		Columns: []string{"term", "estimate", "robust SE", "t", "df", "p", pctLevel(rb.Level) + " CI"},
		Right:   []bool{false, true, true, true, true, true, false},
	}
	for _, c := range rb.Coefficients {
		t.Rows = append(t.Rows, []string{c.Name, num(c.Estimate, 4), num(c.SE, 4), num(c.Statistic, 2), num(c.DF, 2), pcell(c.P), "[" + num(c.CILB, 4) + ", " + num(c.CIUB, 4) + "]"})
	}
	if q := rb.QM; q != nil {
		t.Notes = append(t.Notes, fmt.Sprintf("Robust test of the moderators (%s): F(%s, %s) = %s, %s.", q.Test, num(q.DFNum, 0), num(q.DFDenom, 2), num(q.Fstat, 2), pcellP(q.P)))
	}
	if rb.Type == metamv.CR2 {
		t.Notes = append(t.Notes, "Note. CR2 small-sample correction with Satterthwaite degrees of freedom (Pustejovsky & Tipton 2018), as clubSandwich.")
	}
	return t
}
