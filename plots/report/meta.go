package report

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/alliance-research/alliance/analysis/apa"
	"github.com/alliance-research/alliance/analysis/effectsize"
	"github.com/alliance-research/alliance/analysis/meta"
	"github.com/alliance-research/alliance/analysis/metamv"
	"github.com/alliance-research/alliance/datasets"
	"github.com/alliance-research/alliance/plots"
)

// MetaResults holds the meta-analysis part of results.json.
type MetaResults struct {
	// Measure is ZCOR (correlations pooled as Fisher z, reported as r) or
	// GEN (precomputed effect sizes).
	Measure string `json:"measure"`
	// Model is the univariate random-effects model (metafor's rma).
	Model *meta.Result `json:"model"`
	// Summary, Interpretation: the APA results sentence and its reading.
	Summary        string `json:"summary"`
	Interpretation string `json:"interpretation"`
	// Bias: Egger's regression test, the rank correlation test, trim and
	// fill and the fail-safe N; BiasReading has a sentence for each.
	Bias        *meta.BiasResult `json:"bias,omitempty"`
	BiasReading string           `json:"bias_reading,omitempty"`
	Funnel      *meta.FunnelData `json:"funnel,omitempty"`
	// Influence: case diagnostics (metafor's influence) and leave-one-out.
	Influence        *meta.InfluenceResult `json:"influence,omitempty"`
	InfluenceReading string                `json:"influence_reading,omitempty"`
	LeaveOneOut      []meta.SummaryRow     `json:"leave1out,omitempty"`
	// Moderators: a subgroup analysis per categorical column and a
	// meta-regression per numeric one.
	Moderators []ModeratorResult `json:"moderators,omitempty"`
	// ThreeLevel is the model of effects nested in studies, with CR2
	// cluster-robust inference in ThreeLevel.Robust.
	ThreeLevel        *metamv.Result `json:"three_level,omitempty"`
	ThreeLevelSummary string         `json:"three_level_summary,omitempty"`
	Notes             []string       `json:"notes,omitempty"`
}

// ModeratorResult is the analysis of one moderator column.
type ModeratorResult struct {
	Name string `json:"name"`
	// Kind is "categorical" (subgroups) or "numeric" (meta-regression).
	Kind       string               `json:"kind"`
	Subgroups  *meta.SubgroupResult `json:"subgroups,omitempty"`
	Regression *meta.Result         `json:"regression,omitempty"`
	Note       string               `json:"note,omitempty"`
}

func (r *Report) buildMeta(st *datasets.Studies, part *DataPart) (*MetaResults, error) {
	opt := r.opt
	sec := &section{id: "meta", title: "Meta-analysis"}
	r.metaSec = sec
	k := st.K()
	cols := st.Columns
	for role, name := range map[string]string{"label": cols.Label, "r": cols.R, "n": cols.N, "yi": cols.Yi, "vi": cols.Vi, "sei": cols.Sei} {
		if name != "" {
			part.Roles[role] = name
		}
	}
	mr := &MetaResults{}

	// Effect sizes.
	var yi, vi []float64
	switch {
	case st.R != nil && st.N != nil:
		tab, err := effectsize.Escalc(effectsize.MeasureZCOR, "", st.R, st.N)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", st.Name, err)
		}
		yi, vi, mr.Measure = tab.Yi, tab.Vi, "ZCOR"
		delete(part.Roles, "yi")
		delete(part.Roles, "vi")
		delete(part.Roles, "sei")
	case st.Yi != nil && (st.Vi != nil || st.Sei != nil):
		yi, vi, mr.Measure = st.Yi, st.Vi, "GEN"
		if vi == nil {
			vi = make([]float64, k)
			for i, s := range st.Sei {
				vi[i] = s * s
			}
		}
	default:
		return nil, fmt.Errorf("%s: need correlations and sample sizes (columns ri and ni) or effect sizes with variances (yi with vi or sei)", st.Name)
	}
	isR := mr.Measure == "ZCOR"

	// Nesting: the cluster column, or repeated study labels.
	cluster, clusterName := r.studyCluster(st)
	var inner []string
	innerName := ""
	if cluster != nil {
		part.Roles["cluster"] = clusterName
		if v := findVar(st, r.opt.Inner, "es_id", "esid", "effect_id", "es"); v != nil {
			inner, innerName = varText(v), v.Name
			part.Roles["effect id"] = innerName
		}
	}
	labels := append([]string(nil), st.Label...)
	if cluster != nil && repeats(labels) {
		seen := map[string]int{}
		for i, l := range labels {
			seen[l]++
			if inner != nil {
				labels[i] = l + " · " + inner[i]
			} else {
				labels[i] = l + " · " + strconv.Itoa(seen[l])
			}
		}
	}

	res, err := meta.Fit(yi, vi, meta.Options{Method: opt.Method, Level: opt.Level, Labels: labels, Measure: mr.Measure})
	if err != nil {
		return nil, fmt.Errorf("%s: meta-analysis: %w", st.Name, err)
	}
	mr.Model = res
	mr.Summary, mr.Interpretation = res.Summary(), res.Interpretation()
	part.Counts["effects analysed"] = res.K
	if d := k - res.K; d > 0 {
		part.Dropped = append(part.Dropped, Dropped{Analysis: "meta-analysis", N: d, Unit: "effect sizes", Reason: "missing effect size or variance"})
	}
	nClusters := 0
	if cluster != nil {
		nClusters = distinct(cluster)
		part.Counts["studies (clusters)"] = nClusters
		mr.Notes = append(mr.Notes, fmt.Sprintf("%d effect sizes come from %d studies: the model of this section treats effects of the same study as independent; the three-level model below accounts for the dependence.", res.K, nClusters))
	}

	// Main results: sentence, APA table, forest plot.
	sec.h("meta-model", "Pooled estimate and heterogeneity")
	what := "correlations, pooled as Fisher z and back-transformed to r"
	if !isR {
		what = "effect sizes"
	}
	sec.p(fmt.Sprintf("A %s random-effects model (%s) of %d %s:", methodWord(opt.Method), opt.Method, res.K, what))
	sec.ph("<span class=\"apa\">" + esc(mr.Summary) + "</span>")
	reading := mr.Interpretation
	if isR && res.R != nil {
		reading += " For comparison, the most recent synthesis of the alliance–outcome literature found r = .278, 95% CI [.256, .299], over 295 studies (Flückiger et al., 2018)."
	}
	sec.add(para{html: esc(reading), class: "reading"})
	for _, n := range append(append([]string(nil), res.Notes...), mr.Notes...) {
		sec.add(para{html: esc("Note. " + n), class: "note"})
	}
	sec.add(metaTable(res, isR, "Random-effects meta-analysis of the alliance–outcome association"))
	rows, summary, err := plots.ForestFromMeta(res, labels, st.N)
	if err == nil {
		fo := plots.ForestOptions{Overall: &summary, Digits: 2, LabelHeader: "Study", WeightHeader: "Weight"}
		if isR {
			fo.Transform, fo.XLabel, fo.EffectHeader, fo.NoLeadingZero = math.Tanh, "Correlation (r)", "r [95% CI]", true
		}
		f, ferr := plots.Forest(rows, fo)
		sec.fig(r.addFigure("forest", "Forest plot", fmt.Sprintf("Effect sizes with %s confidence intervals; squares sized by random-effects weight; the diamond is the pooled estimate and the line through it the %s prediction interval.", apa.Level(opt.Level), apa.Level(opt.Level)), f, ferr))
	} else {
		r.Results.Notes = append(r.Results.Notes, "forest plot not drawn: "+err.Error())
	}

	// Bias.
	sec.h("meta-bias", "Small-study effects and publication bias")
	bias, err := meta.Bias(res, meta.BiasOptions{})
	if err != nil {
		sec.p("Bias analyses could not be run: " + err.Error())
	} else {
		mr.Bias, mr.BiasReading = bias, bias.Reading()
		sec.add(biasTable(bias, isR))
		sec.add(para{html: esc(mr.BiasReading), class: "reading"})
		fd, ferr := meta.Funnel(res, bias.TrimFill)
		if ferr == nil {
			mr.Funnel = fd
			var y, s, fy, fs []float64
			for _, p := range fd.Points {
				if p.Filled {
					fy, fs = append(fy, p.Yi), append(fs, p.SEI)
				} else {
					y, s = append(y, p.Yi), append(s, p.SEI)
				}
			}
			fo := plots.FunnelOptions{Estimate: fd.Center, Level: opt.Level, Contours: true, FilledYi: fy, FilledSEI: fs}
			if bias.Egger != nil && bias.Egger.Estimate != nil {
				fo.Egger = &plots.EggerLine{Intercept: *bias.Egger.Estimate, Slope: bias.Egger.Slope}
			}
			if isR {
				fo.XLabel = "Fisher's z"
			}
			f, err := plots.Funnel(y, s, fo)
			cap := "Contour-enhanced funnel plot: shaded regions mark p < .10, .05 and .01 around zero; the triangle is the pseudo-confidence region around the pooled estimate"
			if len(fy) > 0 {
				cap += fmt.Sprintf("; hollow points are the %d studies imputed by trim and fill", len(fy))
			}
			if fo.Egger != nil {
				cap += "; the dotted line is Egger's regression (the limit estimate at SE = 0)"
			}
			sec.fig(r.addFigure("funnel", "Funnel plot", cap+".", f, err))
		}
	}

	// Influence.
	sec.h("meta-influence", "Influential studies")
	inf, err := meta.Influence(res)
	if err != nil {
		sec.p("Influence diagnostics could not be computed: " + err.Error())
	} else {
		mr.Influence, mr.InfluenceReading = inf, inf.Reading()
		sec.add(para{html: esc(mr.InfluenceReading), class: "reading"})
		if t := influenceTable(inf); t != nil {
			sec.add(t)
		}
		x := make([]float64, len(inf.Baujat))
		y := make([]float64, len(inf.Baujat))
		lab := make([]string, len(inf.Baujat))
		for i, b := range inf.Baujat {
			x[i], y[i], lab[i] = b.X, b.Y, strconv.Itoa(i+1)
		}
		f, err := plots.Baujat(x, y, plots.BaujatOptions{Labels: lab})
		sec.fig(r.addFigure("baujat", "Baujat plot", "Each study's contribution to the heterogeneity statistic Q (x) against its influence on the pooled estimate (y); numbers are rows of the data (see the influence table).", f, err))
	}
	if l1, err := meta.LeaveOneOut(res); err == nil && len(l1) > 0 {
		mr.LeaveOneOut = l1
		lo, hi := math.Inf(1), math.Inf(-1)
		var loS, hiS string
		for _, row := range l1 {
			if !finite(row.Estimate) {
				continue
			}
			if row.Estimate < lo {
				lo, loS = row.Estimate, row.Study
			}
			if row.Estimate > hi {
				hi, hiS = row.Estimate, row.Study
			}
		}
		if finite(lo) {
			f := func(z float64) string { return num(z, 3) }
			unit := "estimate"
			if isR {
				f = func(z float64) string { return rnum(math.Tanh(z), 3) }
				unit = "r"
			}
			sec.p(fmt.Sprintf("Leaving out one effect at a time, the pooled %s ranges from %s (without %s) to %s (without %s).", unit, f(lo), loS, f(hi), hiS))
		}
	}

	// Moderators.
	mods := r.moderatorVars(st, clusterName, innerName)
	if len(mods) > 0 {
		sec.h("meta-moderators", "Moderators")
		r.buildModerators(sec, mr, st, mods, yi, vi, isR)
	}

	// Three-level model.
	if cluster != nil && !opt.NoThreeLevel && nClusters < res.K {
		sec.h("meta-threelevel", "Three-level model: effects nested in studies")
		r.buildThreeLevel(sec, mr, yi, vi, cluster, inner, clusterName, innerName, isR)
	}
	r.Results.RCode.Meta = res.RCode("")
	return mr, nil
}

func methodWord(m string) string {
	switch m {
	case "FE", "EE":
		return "fixed-effects"
	}
	return "restricted maximum-likelihood"
}

// metaTable is the APA table of an intercept-only univariate model.
func metaTable(res *meta.Result, isR bool, title string) *table {
	c := res.Coefficients[0]
	st := "z"
	if res.Test != "z" {
		st = "t"
	}
	lvl := apa.Level(res.Level)
	t := &table{title: title,
		cols:  []string{"k", effName(isR), lvl + " CI", st, "p", "τ²", "I²", "Q (df)", "p(Q)", lvl + " PI"},
		right: []bool{true, true, false, true, true, true, true, true, true, false}}
	est, lb, ub := c.Estimate, c.CILB, c.CIUB
	pilb, piub := deref(res.PILB), deref(res.PIUB)
	if isR && res.R != nil {
		est, lb, ub = res.R.Estimate, res.R.CILB, res.R.CIUB
		pilb, piub = deref(res.R.PILB), deref(res.R.PIUB)
	}
	f := func(x float64) string { return num(x, 3) }
	fi := func(a, b float64) string { return ci(a, b, 3, false) }
	if isR {
		f = func(x float64) string { return rnum(x, 3) }
		fi = func(a, b float64) string { return ci(a, b, 3, true) }
	}
	t.rows = append(t.rows, []string{strconv.Itoa(res.K), f(est), fi(lb, ub), num(c.Statistic, 2), pval(c.P),
		num(res.Tau2, 4), pct(res.I2), fmt.Sprintf("%s (%d)", num(res.QE, 2), res.QEDF), pval(deref(res.QEP)), fi(pilb, piub)})
	if isR {
		t.notes = append(t.notes, fmt.Sprintf("Correlations were pooled as Fisher z (estimate z = %s, SE = %s) and back-transformed with r = tanh(z); τ² is in Fisher-z units. CI = confidence interval; PI = prediction interval, the range in which %s of true effects of comparable studies are expected to lie.", num(c.Estimate, 4), num(c.SE, 4), lvl))
	} else {
		t.notes = append(t.notes, "CI = confidence interval; PI = prediction interval.")
	}
	return t
}

func effName(isR bool) string {
	if isR {
		return "r"
	}
	return "Estimate"
}

func biasTable(b *meta.BiasResult, isR bool) *table {
	t := &table{title: "Tests of small-study effects and publication bias",
		cols: []string{"Method", "Statistic", "p", "Adjusted or limit estimate"}, right: []bool{false, true, true, false}}
	est := func(z float64) string {
		if isR {
			return "r = " + rnum(math.Tanh(z), 3)
		}
		return num(z, 3)
	}
	if e := b.Egger; e != nil {
		s := "z"
		if e.DF != nil {
			s = fmt.Sprintf("t(%s)", num(*e.DF, 0))
		}
		lim := ""
		if e.Estimate != nil {
			lim = est(*e.Estimate) + " (limit estimate, SE → 0)"
		}
		t.rows = append(t.rows, []string{"Egger's regression test (predictor: standard error)", s + " = " + num(e.Statistic, 2), pval(e.P), lim})
	}
	if rk := b.Rank; rk != nil {
		t.rows = append(t.rows, []string{"Begg & Mazumdar rank correlation", "Kendall's τ = " + rnum(rk.Tau, 3), pval(rk.P), ""})
	}
	if tf := b.TrimFill; tf != nil {
		t.rows = append(t.rows, []string{fmt.Sprintf("Trim and fill (%s)", tf.Estimator), fmt.Sprintf("k₀ = %d (%s side)", tf.K0, tf.Side), pval(tf.P), est(tf.Estimate) + " " + ciWord(tf.CILB, tf.CIUB, isR)})
	}
	if f := b.FSN; f != nil {
		t.rows = append(t.rows,
			[]string{"Fail-safe N (Rosenthal)", strconv.Itoa(f.Rosenthal), pval(f.RosenthalP), ""},
			[]string{"Fail-safe N (Orwin)", strconv.Itoa(f.Orwin), "", fmt.Sprintf("target effect %s", num(f.OrwinTarget, 3))},
			[]string{"Fail-safe N (Rosenberg)", strconv.Itoa(f.Rosenberg), pval(f.RosenbergP), ""})
	}
	t.notes = append(t.notes, "Trim-and-fill p is for the adjusted pooled estimate. Fail-safe numbers are the studies averaging a null result that would have to be missing to overturn the result; they ignore heterogeneity and are reported for comparison with older literature only.")
	return t
}

func ciWord(lb, ub float64, isR bool) string {
	if isR {
		return ci(math.Tanh(lb), math.Tanh(ub), 3, true)
	}
	return ci(lb, ub, 3, false)
}

func influenceTable(inf *meta.InfluenceResult) *table {
	t := &table{title: "Studies flagged as influential",
		cols:  []string{"Row", "Study", "rstudent", "DFFITS", "Cook's D", "cov. ratio", "τ² without", "Q without", "hat", "weight (%)"},
		right: []bool{true, false, true, true, true, true, true, true, true, true}}
	for i, row := range inf.Rows {
		if !row.Inf {
			continue
		}
		t.rows = append(t.rows, []string{strconv.Itoa(i + 1), row.Study, num(row.RStudent, 2), num(row.DFFITS, 2), num(row.CookD, 3), num(row.CovR, 3), num(row.Tau2Del, 4), num(row.QEDel, 2), num(row.Hat, 3), num(row.Weight, 2)})
	}
	if len(t.rows) == 0 {
		return nil
	}
	t.notes = append(t.notes, "A study is flagged (as by metafor's influence()) when any of DFFITS, Cook's distance, the covariance ratio or the hat value exceeds its cut-off; the values after deletion refit the model without the study.")
	return t
}

// studyCluster returns the cluster of each effect size and the column name:
// the column named by Options.Cluster or the table's first cluster column, or
// else the study labels when some repeat; nil when effects are not nested.
func (r *Report) studyCluster(st *datasets.Studies) ([]string, string) {
	if r.opt.Cluster != "" {
		for i := range st.Cluster {
			if strings.EqualFold(st.Cluster[i].Name, r.opt.Cluster) {
				return varText(&st.Cluster[i]), st.Cluster[i].Name
			}
		}
		if v := findVar(st, r.opt.Cluster); v != nil {
			return varText(v), v.Name
		}
		if strings.EqualFold(st.Columns.Label, r.opt.Cluster) {
			return st.Label, st.Columns.Label
		}
	}
	if len(st.Cluster) > 0 {
		return varText(&st.Cluster[0]), st.Cluster[0].Name
	}
	if st.Columns.Label != "" && repeats(st.Label) {
		return st.Label, st.Columns.Label
	}
	return nil, ""
}

func findVar(st *datasets.Studies, names ...string) *datasets.Var {
	for _, n := range names {
		if n == "" {
			continue
		}
		for i := range st.Mods {
			if strings.EqualFold(st.Mods[i].Name, n) {
				return &st.Mods[i]
			}
		}
	}
	return nil
}

func varText(v *datasets.Var) []string {
	if !v.Numeric {
		return v.Text
	}
	out := make([]string, len(v.Num))
	for i, x := range v.Num {
		if !math.IsNaN(x) {
			out[i] = strconv.FormatFloat(x, 'g', -1, 64)
		}
	}
	return out
}

func repeats(s []string) bool {
	seen := make(map[string]bool, len(s))
	for _, x := range s {
		if seen[x] {
			return true
		}
		seen[x] = true
	}
	return false
}

func distinct(s []string) int {
	seen := make(map[string]bool, len(s))
	for _, x := range s {
		seen[x] = true
	}
	return len(seen)
}

// moderatorVars selects the moderator columns: text columns with 2 to k/2
// levels (and at least 2 effects in 2 levels) and numeric columns; an id
// column (the cluster, the effect id) is not a moderator. A numeric column
// with 2 distinct values is treated as categorical.
func (r *Report) moderatorVars(st *datasets.Studies, cluster, inner string) []*datasets.Var {
	var out []*datasets.Var
	for i := range st.Mods {
		v := &st.Mods[i]
		if strings.EqualFold(v.Name, cluster) || strings.EqualFold(v.Name, inner) {
			continue
		}
		lv := map[string]int{}
		for j := 0; j < v.Len(); j++ {
			if !v.Missing(j) {
				lv[varText(v)[j]]++
			}
		}
		if len(lv) < 2 {
			continue
		}
		if !v.Numeric || len(lv) == 2 {
			if len(lv) > st.K()/2 {
				continue
			}
		}
		out = append(out, v)
	}
	return out
}

func (r *Report) buildModerators(sec *section, mr *MetaResults, st *datasets.Studies, mods []*datasets.Var, yi, vi []float64, isR bool) {
	opt := r.opt
	sum := &table{title: "Moderator tests",
		cols:  []string{"Moderator", "Type", "k", "Test", "p", "R² (%)"},
		right: []bool{false, false, true, true, true, true}}
	var detail []block
	for _, v := range mods {
		m := ModeratorResult{Name: v.Name}
		if v.Numeric && distinct(varText(v)) > 2 {
			m.Kind = "numeric"
			res, err := meta.Fit(yi, vi, meta.Options{Method: opt.Method, Level: opt.Level, Measure: mr.Measure,
				Mods: []meta.Moderator{{Name: v.Name, Numeric: v.Num}}})
			if err != nil {
				m.Note = err.Error()
				mr.Moderators = append(mr.Moderators, m)
				sum.rows = append(sum.rows, []string{v.Name, "numeric", "", m.Note, "", ""})
				continue
			}
			m.Regression = res
			b := res.Coefficients[1]
			sum.rows = append(sum.rows, []string{v.Name, "numeric (slope)", strconv.Itoa(res.K),
				fmt.Sprintf("b = %s, %s = %s", num(b.Estimate, 4), statLetter(res.Test), num(b.Statistic, 2)), pval(b.P), num(deref(res.R2), 1)})
			x := make([]float64, len(res.Rows))
			w := make([]float64, len(res.Rows))
			for i, j := range res.Rows {
				x[i] = v.Num[j]
				w[i] = 1 / (res.Vi[i] + res.Tau2)
			}
			bo := plots.BubbleOptions{Intercept: res.Coefficients[0].Estimate, Slope: b.Estimate,
				Vcov: []float64{res.Vcov[0], res.Vcov[1], res.Vcov[3]}, XLabel: v.Name, YLabel: "Effect size"}
			if isR {
				bo.Transform, bo.YLabel = math.Tanh, "Correlation (r)"
			}
			f, err := plots.Bubble(x, res.Yi, w, bo)
			fig := r.addFigure("bubble-"+slug(v.Name), "Meta-regression on "+v.Name,
				fmt.Sprintf("Each circle is an effect size, with area proportional to its random-effects weight; the line is the fitted meta-regression on %s with its %s confidence band.", v.Name, apa.Level(opt.Level)), f, err)
			detail = append(detail, para{html: esc(fmt.Sprintf("Meta-regression on %s: %s", v.Name, res.Summary()))})
			if fig != nil {
				detail = append(detail, &figBlock{fig: fig})
			}
		} else {
			m.Kind = "categorical"
			groups := varText(v)
			sg, err := meta.Subgroups(yi, vi, groups, meta.Options{Method: opt.Method, Level: opt.Level, Measure: mr.Measure})
			if err != nil {
				m.Note = err.Error()
				mr.Moderators = append(mr.Moderators, m)
				sum.rows = append(sum.rows, []string{v.Name, "categorical", "", m.Note, "", ""})
				continue
			}
			m.Subgroups = sg
			kk := 0
			for _, f := range sg.Fits {
				kk += f.K
			}
			test, p, r2 := fmt.Sprintf("Q_b(%d) = %s", sg.QBDF, num(sg.QB, 2)), sg.QBP, math.NaN()
			if c := sg.Common; c != nil {
				if c.QMDF2 != nil {
					test = fmt.Sprintf("F(%d, %d) = %s", c.QMDF, *c.QMDF2, num(c.QM, 2))
				} else {
					test = fmt.Sprintf("Q_M(%d) = %s", c.QMDF, num(c.QM, 2))
				}
				p, r2 = c.QMP, deref(c.R2)
			}
			sum.rows = append(sum.rows, []string{v.Name, fmt.Sprintf("categorical (%d levels)", len(sg.Levels)), strconv.Itoa(kk), test, pval(p), num(r2, 1)})
			detail = append(detail, subgroupTable(v.Name, sg, isR))
		}
		mr.Moderators = append(mr.Moderators, m)
	}
	sum.notes = append(sum.notes, "Each moderator is tested on its own (a mixed-effects meta-regression with a common τ²): Q_M is the omnibus test of the moderator, R² the proportion of τ² it accounts for. The subgroup tables below fit a separate model per level; the tests there use separate τ² per subgroup. Moderator analyses are observational: they describe which kinds of studies found larger correlations, not why.")
	sec.add(sum)
	sec.add(detail...)
}

func statLetter(test string) string {
	if test == "z" {
		return "z"
	}
	return "t"
}

func subgroupTable(name string, sg *meta.SubgroupResult, isR bool) *table {
	t := &table{title: "Subgroups by " + name,
		cols:  []string{name, "k", effName(isR), "95% CI", "τ²", "I²"},
		right: []bool{false, true, true, false, true, true}}
	for i, f := range sg.Fits {
		c := f.Coefficients[0]
		est, lb, ub := c.Estimate, c.CILB, c.CIUB
		e, iv := num(est, 3), ci(lb, ub, 3, false)
		if isR {
			e, iv = rnum(math.Tanh(est), 3), ci(math.Tanh(lb), math.Tanh(ub), 3, true)
		}
		t.rows = append(t.rows, []string{sg.Levels[i], strconv.Itoa(f.K), e, iv, num(f.Tau2, 4), pct(f.I2)})
	}
	t.cols[3] = apa.Level(levelOf(sg)) + " CI"
	t.notes = append(t.notes, fmt.Sprintf("Test of subgroup differences with separate τ² per subgroup: Q_b(%d) = %s, %s.", sg.QBDF, num(sg.QB, 2), apa.P(sg.QBP)))
	for _, n := range sg.Notes {
		t.notes = append(t.notes, n)
	}
	return t
}

func levelOf(sg *meta.SubgroupResult) float64 {
	if len(sg.Fits) > 0 {
		return sg.Fits[0].Level
	}
	return 0.95
}

func slug(s string) string {
	var b strings.Builder
	for _, c := range strings.ToLower(s) {
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
			b.WriteRune(c)
		default:
			b.WriteByte('-')
		}
	}
	return strings.Trim(b.String(), "-")
}

func (r *Report) buildThreeLevel(sec *section, mr *MetaResults, yi, vi []float64, cluster, inner []string, clusterName, innerName string, isR bool) {
	opt := r.opt
	if innerName == "" {
		innerName = "es"
	}
	res, err := metamv.Fit(yi, vi, cluster, inner, metamv.Options{Method: "REML", Level: opt.Level, Measure: mr.Measure, OuterName: clusterName, InnerName: innerName})
	if err != nil {
		sec.p("The three-level model could not be fitted: " + err.Error())
		mr.Notes = append(mr.Notes, "three-level model: "+err.Error())
		return
	}
	rob, err := metamv.ClusterRobust(res, cluster, metamv.RobustOptions{Type: "CR2", Level: opt.Level})
	if err == nil {
		res.Robust = rob
	} else {
		mr.Notes = append(mr.Notes, "CR2 robust inference: "+err.Error())
	}
	mr.ThreeLevel, mr.ThreeLevelSummary = res, res.Summary()
	sec.p(fmt.Sprintf("Effect sizes of the same study are not independent. A three-level model (Cheung, 2014; Konstantopoulos, 2011) adds a random effect for each study (level 3, %s) to the random effect of each effect size within it (level 2) and its sampling error (level 1), fitted by REML as metafor's rma.mv(yi, vi, random = ~ 1 | %s/%s). Inference robust to misspecification of this dependence uses the CR2 cluster-robust variance with Satterthwaite degrees of freedom (Pustejovsky & Tipton, 2018), clustered by %s.", clusterName, clusterName, innerName, clusterName))
	sec.ph("<span class=\"apa\">" + esc(threeLevelSentence(res, isR)) + "</span>")

	c := res.Coefficients[0]
	lvl := apa.Level(res.Level)
	t := &table{title: "Three-level model of effects nested in studies",
		cols:  []string{"Inference", "k (studies)", effName(isR), lvl + " CI", "Test", "df", "p"},
		right: []bool{false, false, true, false, true, true, true}}
	f := func(z float64) string { return num(z, 3) }
	fi := func(a, b float64) string { return ci(a, b, 3, false) }
	if isR {
		f = func(z float64) string { return rnum(math.Tanh(z), 3) }
		fi = func(a, b float64) string { return ci(math.Tanh(a), math.Tanh(b), 3, true) }
	}
	kk := fmt.Sprintf("%d (%d)", res.K, res.NLevels[0])
	st := "z"
	df := ""
	if c.DF != nil {
		st, df = "t", num(*c.DF, 0)
	}
	t.rows = append(t.rows, []string{"model-based", kk, f(c.Estimate), fi(c.CILB, c.CIUB), st + " = " + num(c.Statistic, 2), df, pval(c.P)})
	if rob := res.Robust; rob != nil && len(rob.Coefficients) > 0 {
		rc := rob.Coefficients[0]
		t.rows = append(t.rows, []string{"CR2 cluster-robust", kk, f(rc.Estimate), fi(rc.CILB, rc.CIUB), "t = " + num(rc.Statistic, 2), num(rc.DF, 1), pval(rc.P)})
	}
	if res.PILB != nil && res.PIUB != nil {
		t.notes = append(t.notes, fmt.Sprintf("%s prediction interval: %s.", lvl, fi(*res.PILB, *res.PIUB)))
	}
	if isR {
		t.notes = append(t.notes, "Estimates pooled as Fisher z and back-transformed to r.")
	}
	sec.add(t)

	v := res.Variance
	vt := &table{title: "Distribution of the variance over the three levels",
		cols:  []string{"Level", "Source", "σ²", lvl + " profile CI", "Share of total variance"},
		right: []bool{false, false, true, false, true}}
	ciS := func(i int) string {
		if res.Sigma2CI[i] == nil {
			return ""
		}
		return ci(res.Sigma2CI[i][0], res.Sigma2CI[i][1], 4, false)
	}
	vt.rows = append(vt.rows,
		[]string{"3", "between studies (" + clusterName + ")", num(res.Sigma2[0], 4), ciS(0), pct(v.Level3)},
		[]string{"2", "between effects within studies", num(res.Sigma2[1], 4), ciS(1), pct(v.Level2)},
		[]string{"1", "sampling error", "", "", pct(v.Level1)})
	vt.notes = append(vt.notes, fmt.Sprintf("Shares after Cheung (2014) with the typical sampling variance ṽ = %s; heterogeneity at levels 2 and 3 together: I² = %s.", num(v.TypicalV, 4), pct(v.I2Total)))
	for _, l := range res.LRT {
		vt.notes = append(vt.notes, fmt.Sprintf("Likelihood-ratio test of %s: χ²(%d) = %s, %s.", l.Reduced, l.DF, num(l.LRT, 2), apa.P(l.P)))
	}
	vt.notes = append(vt.notes, res.CINotes...)
	sec.add(vt)

	data := r.rDataExpr()
	var b strings.Builder
	b.WriteString("library(metafor)\n")
	fmt.Fprintf(&b, "dat <- %s\n", data)
	if isR {
		fmt.Fprintf(&b, "dat <- escalc(measure = \"ZCOR\", ri = %s, ni = %s, data = dat)\n", rName(r.studyRoles["r"]), rName(r.studyRoles["n"]))
	}
	in := innerName
	if r.studyRoles["effect id"] == "" {
		b.WriteString("dat$es <- seq_len(nrow(dat))\n")
		in = "es"
	}
	fmt.Fprintf(&b, "res3 <- rma.mv(yi, vi, random = ~ 1 | %s/%s, data = dat, method = \"REML\",\n               control = list(rel.tol = 1e-10))\nres3\n", rName(clusterName), rName(in))
	if isR {
		b.WriteString("predict(res3, transf = transf.ztor)\n")
	}
	fmt.Fprintf(&b, "confint(res3)\nrobust(res3, cluster = %s, clubSandwich = TRUE)   # CR2, Satterthwaite df\n", rName(clusterName))
	r.Results.RCode.ThreeLevel = b.String()
}

// rName quotes a column name for R when it is not syntactic.
func rName(s string) string {
	ok := s != ""
	for i, c := range s {
		if !(c == '_' || c == '.' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9') {
			ok = false
		}
	}
	if ok {
		return s
	}
	return "`" + strings.ReplaceAll(s, "`", "") + "`"
}

// sortedKeys returns the keys of m in order.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// threeLevelSentence is the APA results line of a three-level model.
func threeLevelSentence(res *metamv.Result, isR bool) string {
	c := res.Coefficients[0]
	est := "estimate = " + num(c.Estimate, 3) + ", " + apa.CI(res.Level, c.CILB, c.CIUB, 3, false)
	if isR && res.R != nil {
		est = "r = " + rnum(res.R.Estimate, 2) + ", " + apa.CI(res.Level, res.R.CILB, res.R.CIUB, 2, true)
	}
	st := "z"
	if c.DF != nil {
		st = fmt.Sprintf("t(%s)", num(*c.DF, 0))
	}
	s := fmt.Sprintf("k = %d effect sizes in %d studies, %s, %s = %s, %s", res.K, res.NLevels[0], est, st, num(c.Statistic, 2), apa.P(c.P))
	if rob := res.Robust; rob != nil && len(rob.Coefficients) > 0 {
		rc := rob.Coefficients[0]
		s += fmt.Sprintf("; %s robust: t(%s) = %s, %s", rob.Type, num(rc.DF, 1), num(rc.Statistic, 2), apa.P(rc.P))
	}
	s += fmt.Sprintf("; σ²(between studies) = %s, σ²(within studies) = %s", num(res.Sigma2[0], 4), num(res.Sigma2[1], 4))
	if res.PILB != nil && res.PIUB != nil {
		if isR {
			s += fmt.Sprintf("; %s PI %s", apa.Level(res.Level), ci(math.Tanh(*res.PILB), math.Tanh(*res.PIUB), 2, true))
		} else {
			s += fmt.Sprintf("; %s PI %s", apa.Level(res.Level), ci(*res.PILB, *res.PIUB, 3, false))
		}
	}
	return s
}
