package workflow

import (
	"fmt"
	"math"
	"strings"

	"github.com/alliance-research/alliance/analysis/apa"
	"github.com/alliance-research/alliance/analysis/meta"
	"github.com/alliance-research/alliance/datasets"
)

// checkScale refuses what a location–scale model (MetaOptions.Scale)
// cannot be combined with: its τ² differs between studies, so every
// analysis built on one τ² (subgroups, permutations, bias, influence,
// leave-one-out, cumulative, robust, aggregation, three-level and Bayesian
// models, fixed τ², figures of the univariate model) would answer another
// question.
func (o MetaOptions) checkScale() error {
	if len(o.Scale) == 0 {
		if len(o.NewScale) > 0 {
			return invalid("NewScale", "τ² predictions at scale values need a location–scale model: name its scale moderators too")
		}
		return nil
	}
	if o.Method != "ML" && o.Method != "REML" {
		return invalid("Method", "a location–scale model is fitted by REML or ML, not %s", o.Method)
	}
	var with []string
	add := func(on bool, what string) {
		if on {
			with = append(with, what)
		}
	}
	add(o.Cluster != "", "a three-level model (--cluster)")
	add(o.Univariate, "a univariate model beside it")
	add(o.ThreeLevelAuto, "the automatic three-level model")
	add(o.Subgroup != "", "subgroups")
	add(o.Permutations > 0 || o.Exact, "permutation tests")
	add(o.Bias, "the small-study (bias) analyses")
	add(o.Influence, "influence diagnostics")
	add(o.LeaveOneOut || o.LeaveClusterOut != "", "leave-one-out analyses")
	add(o.Cumulative != "", "a cumulative meta-analysis")
	add(o.Robust != "", "robust inference")
	add(o.Aggregate != "", "aggregation")
	add(o.Bayes != nil, "the Bayesian meta-analysis")
	add(o.Gosh, "GOSH")
	add(o.Tau2 != nil, "a fixed τ²")
	add(len(o.Figures) > 0, "figures")
	add(len(o.Predict) > 0 || len(o.TestTerms) > 0, "location predictions and term tests")
	if len(with) > 0 {
		return invalid("Scale", "a location–scale model (scale moderators) cannot be combined with %s: these assume one τ² for all studies; drop the scale moderators or the others", strings.Join(with, ", "))
	}
	return nil
}

// scaleModerators reads the scale moderator columns st.Mods[from:] (text
// columns become factors, as moderators do).
func (r *MetaRun) scaleModerators(st *datasets.Studies, from int) ([]meta.Moderator, error) {
	var out []meta.Moderator
	for i := range r.opt.Scale {
		m, err := moderatorOf(st, st.Mods[from+i], "scale moderator")
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

// fitLocScale fits rma(yi, vi, mods = ~ x, scale = ~ z) and the τ²
// predictions asked for.
func (r *MetaRun) fitLocScale() error {
	o, e := r.opt, &r.eff
	res, err := meta.FitLocationScale(e.yi, e.vi, meta.Options{Method: o.Method, Test: o.Test, Level: o.Level, Labels: e.labels, Measure: e.measure, Mods: e.mods}, e.scale)
	if err != nil {
		return err
	}
	if len(o.NewScale) > 0 {
		if _, err := res.PredictScale(o.NewScale); err != nil {
			return invalid("NewScale", "%s", strings.TrimPrefix(err.Error(), "meta: "))
		}
	}
	r.LocScale = res
	if o.Aggregate == "" {
		for _, c := range r.st.Cluster {
			if note := dependenceNote(c.Text, res.Rows); note != "" {
				r.Notes = append(r.Notes, note)
				break
			}
		}
	}
	if d := len(e.yi) - res.K; d > 0 {
		r.data.Dropped = append(r.data.Dropped, Dropped{Analysis: "location–scale model", N: d, Unit: "effect sizes", Reason: "a missing location or scale moderator value"})
	}
	r.data.Counts["effects analysed"] = res.K
	r.data.Roles["scale moderators"] = strings.Join(o.Scale, ", ")
	return nil
}

// composeLocScale writes the location–scale model's part of the section:
// the sentence, the location and scale coefficient tables, τ² per level
// and the tests, and its methods paragraph.
func (r *MetaRun) composeLocScale(s *Section) {
	res, o := r.LocScale, r.opt
	s.H("meta-locscale", "Location–scale model")
	loc := "the average effect is a single intercept"
	if len(o.Mods) > 0 {
		loc = "the average effect depends on " + strings.Join(o.Mods, ", ")
	}
	s.P(Plain, fmt.Sprintf("Location–scale meta-regression (%s) of %d %s — %s: %s; the between-study variance τ² depends on %s (log link).",
		res.Method, res.K, measureName(res.Measure), r.src.Label(), loc, strings.Join(o.Scale, ", ")))
	s.P(Result, locScaleSummary(res))
	s.P(Reading, locScaleReading(res, o.Scale))
	for _, n := range append(append([]string(nil), res.Notes...), r.Notes...) {
		s.P(NoteText, n)
	}
	var rb *meta.RBlock
	if c := res.Coefficients[0]; res.Measure == "ZCOR" && res.P == 1 {
		rb = &meta.RBlock{Estimate: math.Tanh(c.Estimate), CILB: math.Tanh(c.CILB), CIUB: math.Tanh(c.CIUB)}
	}
	s.Add(coefficientTable("Location coefficients", res.Coefficients, rb, res.Test, res.Level, res.Measure))
	sc := coefficientTable("Scale (log τ²)", res.ScaleCoefficients, nil, res.Test, res.Level, "")
	sc.Name = "scale_coefficients"
	sc.Notes = append(sc.Notes, "τ²ᵢ = exp(zᵢ'α): a coefficient is the change in log τ²; exp(coefficient) is the ratio of τ².")
	s.Add(sc)
	if t := tau2Table(res); t != nil {
		s.Add(t)
	}
	s.Add(locScaleTests(res))
	r.cite("viechtbauer2022", "viechtbauer2010")
	est := "restricted maximum likelihood"
	if res.Method == "ML" {
		est = "maximum likelihood"
	}
	m := fmt.Sprintf("A location–scale meta-regression (Viechtbauer & López-López, 2022) was fitted to %d %s by %s: the location part models the average effect (moderators: %s), the scale part models the logarithm of the between-study variance τ² as a linear function of %s. Standard errors of the scale coefficients come from the observed information; the scale part was tested with a Wald test (QS) and a likelihood-ratio test against the same location model with one τ².",
		res.K, measureName(res.Measure), est, orNone(o.Mods, "none"), strings.Join(o.Scale, ", "))
	switch o.Test {
	case "t":
		m += fmt.Sprintf(" Tests and intervals use t distributions (k − p = %d df for the location, k − q = %d for the scale coefficients).", res.K-res.P, res.K-res.Q)
	case "knha", "adhoc":
		m += fmt.Sprintf(" The location coefficients use the Knapp–Hartung adjustment (Knapp & Hartung, 2003); scale coefficients use t with k − q = %d df.", res.K-res.Q)
		r.cite("knapp2003")
	}
	r.methods = append(r.methods, m)
}

func orNone(x []string, none string) string {
	if len(x) == 0 {
		return none
	}
	return strings.Join(x, ", ")
}

// locScaleSummary is the APA line of the scale part's tests.
func locScaleSummary(res *meta.LocScaleResult) string {
	qs := fmt.Sprintf("χ²(%d) = %s", res.QSDF, num(res.QS, 2))
	if res.QSDF2 != nil {
		qs = fmt.Sprintf("F(%d, %d) = %s", res.QSDF, *res.QSDF2, num(res.QS, 2))
	}
	out := fmt.Sprintf("Scale part: QS %s, %s", qs, apa.P(res.QSP))
	if res.ScaleLRT != nil {
		out += fmt.Sprintf("; likelihood-ratio test against one τ²: χ²(%d) = %s, %s", res.ScaleLRTDF, num(*res.ScaleLRT, 2), apa.P(*res.ScaleLRTP))
	}
	return out + "."
}

// locScaleReading is the plain-language reading of the scale part.
func locScaleReading(res *meta.LocScaleResult, scale []string) string {
	p := res.QSP
	if res.ScaleLRTP != nil {
		p = *res.ScaleLRTP
	}
	word := "There is no clear evidence that"
	if p < 0.05 {
		word = "The data suggest that"
	}
	s := fmt.Sprintf("%s the heterogeneity between studies differs by %s (likelihood-ratio test, %s).", word, strings.Join(scale, ", "), apa.P(p))
	if len(res.Tau2Levels) > 1 {
		lo, hi := res.Tau2Levels[0], res.Tau2Levels[0]
		for _, l := range res.Tau2Levels {
			if l.Tau2 < lo.Tau2 {
				lo = l
			}
			if l.Tau2 > hi.Tau2 {
				hi = l
			}
		}
		s += fmt.Sprintf(" Estimated τ² ranges from %s (%s) to %s (%s).", num(lo.Tau2, 4), levelLabel(lo.Values), num(hi.Tau2, 4), levelLabel(hi.Values))
	}
	if res.K < 40 {
		s += fmt.Sprintf(" With k = %d, scale coefficients are imprecise; treat them as exploratory.", res.K)
	}
	return s
}

func levelLabel(v map[string]string) string { return joinPairs(v, " = ", ", ") }

// joinPairs writes a map as "k1=v1,k2=v2" in key order, with the given
// separators.
func joinPairs(v map[string]string, eq, sep string) string {
	keys := sortedKeys(v)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + eq + v[k]
	}
	return strings.Join(parts, sep)
}

// tau2Table lists τ² with its CI per level of the scale factors and at
// the asked-for values.
func tau2Table(res *meta.LocScaleResult) *Table {
	rows := append(append([]meta.ScalePrediction(nil), res.Tau2Levels...), res.ScalePredictions...)
	if len(rows) == 0 {
		return nil
	}
	t := &Table{Name: "tau2_levels", Title: "τ² by scale values",
		Columns: []string{"Scale values", "log τ²", "SE", "τ²", apa.Level(res.Level) + " CI", "τ"},
		Right:   []bool{false, true, true, true, false, true}}
	for _, p := range rows {
		t.Rows = append(t.Rows, []string{levelLabel(p.Values), num(p.Pred, 4), num(p.SE, 4), num(p.Tau2, 4), interval(p.Tau2CILB, p.Tau2CIUB, 4, false), num(sqrtPos(p.Tau2), 4)})
	}
	t.Notes = append(t.Notes, "τ² = exp(z'α); its CI is exp of the CI of log τ² (metafor's predict(res, newscale, transf = exp)).")
	return t
}

// locScaleTests is the table of the model's tests and fit.
func locScaleTests(res *meta.LocScaleResult) *Table {
	t := &Table{Name: "tests", Title: "Tests and fit",
		Columns: []string{"Test", "Statistic", "df", "p"}, Right: []bool{false, true, true, true}}
	df := func(d int, d2 *int) string {
		if d2 != nil {
			return fmt.Sprintf("%d, %d", d, *d2)
		}
		return fmt.Sprint(d)
	}
	qep := ""
	if res.QEP != nil {
		qep = pcell(*res.QEP)
	}
	t.Rows = append(t.Rows,
		[]string{"residual heterogeneity Q_E", num(res.QE, 2), fmt.Sprint(res.QEDF), qep},
		[]string{"location moderators QM", num(res.QM, 2), df(res.QMDF, res.QMDF2), pcell(res.QMP)},
		[]string{"scale moderators QS", num(res.QS, 2), df(res.QSDF, res.QSDF2), pcell(res.QSP)})
	if res.ScaleLRT != nil {
		t.Rows = append(t.Rows, []string{"scale part, likelihood ratio (vs one τ²)", num(*res.ScaleLRT, 2), fmt.Sprint(res.ScaleLRTDF), pcell(*res.ScaleLRTP)})
	}
	f := res.Fit
	t.Notes = append(t.Notes, fmt.Sprintf("Fit (%s): logLik = %s, deviance = %s, AIC = %s, BIC = %s, AICc = %s; with one τ²: logLik = %s.",
		res.Method, num(f.LogLik, 4), num(f.Deviance, 4), num(f.AIC, 4), num(f.BIC, 4), num(f.AICc, 4), num(res.Homogeneous.Fit.LogLik, 4)))
	if res.QMDF2 != nil {
		t.Notes = append(t.Notes, "QM and QS are F statistics under t tests, χ² otherwise.")
	}
	return t
}

func sqrtPos(x float64) float64 { return math.Sqrt(math.Max(0, x)) }

// locScaleOutput is the JSON document of a location–scale run: the
// model's fields (coefficients beside scale_coefficients) at the top level.
func (r *MetaRun) locScaleOutput() any {
	return struct {
		Data string `json:"data"`
		*meta.LocScaleResult
		RCode string `json:"r_code,omitempty"`
	}{r.DataName, r.LocScale, r.RCode}
}

// locScaleTidy are the CSV tables of a location–scale run.
func (r *MetaRun) locScaleTidy() []TidyTable {
	res := r.LocScale
	out := []TidyTable{{"coefficients", res.Coefficients}, {"scale_coefficients", res.ScaleCoefficients}}
	type tau2Row struct {
		Values   string  `json:"values"`
		Pred     float64 `json:"pred"`
		SE       float64 `json:"se"`
		Tau2     float64 `json:"tau2"`
		Tau2CILB float64 `json:"tau2_ci_lb"`
		Tau2CIUB float64 `json:"tau2_ci_ub"`
	}
	var rows []tau2Row
	for _, p := range append(append([]meta.ScalePrediction(nil), res.Tau2Levels...), res.ScalePredictions...) {
		rows = append(rows, tau2Row{levelLabel(p.Values), p.Pred, p.SE, p.Tau2, p.Tau2CILB, p.Tau2CIUB})
	}
	if len(rows) > 0 {
		out = append(out, TidyTable{"tau2_levels", rows})
	}
	return out
}

// scaleArgs are the command-line flags of the scale part.
func (o MetaOptions) scaleArgs() []string {
	if len(o.Scale) == 0 {
		return nil
	}
	a := []string{"--scale", shellQuote(strings.Join(o.Scale, ","))}
	if len(o.NewScale) > 0 {
		pts := make([]string, len(o.NewScale))
		for i, p := range o.NewScale {
			pts[i] = joinPairs(p, "=", ",")
		}
		a = append(a, "--newscale", shellQuote(strings.Join(pts, ";")))
	}
	return a
}
