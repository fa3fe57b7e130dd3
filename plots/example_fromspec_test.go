package plots_test

import (
	"fmt"
	"strconv"

	"github.com/alliance-research/alliance/analysis/change"
	"github.com/alliance-research/alliance/analysis/effectsize"
	"github.com/alliance-research/alliance/analysis/meta"
	"github.com/alliance-research/alliance/analysis/metamv"
	"github.com/alliance-research/alliance/analysis/mixed"
	"github.com/alliance-research/alliance/analysis/rupture"
	"github.com/alliance-research/alliance/analysis/workflow"
	"github.com/alliance-research/alliance/datasets"
	"github.com/alliance-research/alliance/plots"
)

// The ...FromSpec adapters draw the figure specifications of package
// workflow. Each example builds the spec from an analysis result, as the
// workflow does, and prints what a reader can check: the axes (whose
// ranges cover the data plotted, widened to whole ticks) and that the
// figure encodes.

// molloyFit is the REML model of dat.molloy2014 (metafor: 0.1499
// [0.0881, 0.2118]).
func molloyFit() *meta.Result {
	yi, vi := molloyZ()
	res, err := meta.Fit(yi, vi, meta.Options{Measure: "ZCOR"})
	if err != nil {
		panic(err)
	}
	return res
}

// As metafor: funnel(res) with trimfill's two filled studies and
// regtest's line (meta.Bias), on the r scale label.
func ExampleFunnelFromMeta() {
	res := molloyFit()
	b, err := meta.Bias(res, meta.BiasOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fig, err := plots.FunnelFromMeta(workflow.FunnelSpec{Fit: res, Bias: b})
	if err != nil {
		fmt.Println(err)
		return
	}
	axes(fig)
	encodes(fig)
	// Output:
	// x "Effect size (ZCOR)" [-0.400, 0.600]; y "Standard error" [0.000, 0.150]
	// svg: true
}

// As metafor: regplot(rma(yi, vi, mods = ~ year, data = dat.molloy2014)),
// the studies' publication years 1995–2012 on the x axis.
func ExampleBubbleFromMeta() {
	t, err := datasets.ReadEmbedded("molloy2014", datasets.ReadOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	s, err := t.Studies(datasets.StudyColumns{Mods: []string{"year"}}, datasets.StudyOptions{FisherZ: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	yi, vi, err := effectsize.ZCOR(s.R, s.N)
	if err != nil {
		fmt.Println(err)
		return
	}
	year := s.Mods[0].Num
	res, err := meta.Fit(yi, vi, meta.Options{Measure: "ZCOR", Mods: []meta.Moderator{{Name: "year", Numeric: year}}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fig, err := plots.BubbleFromMeta(workflow.BubbleSpec{Fit: res, X: year, Moderator: "year"})
	if err != nil {
		fmt.Println(err)
		return
	}
	axes(fig)
	encodes(fig)
	// Output:
	// x "year" [1995.000, 2015.000]; y "Effect size (ZCOR)" [-0.100, 0.400]
	// svg: true
}

// The forest plot of ExampleForestFromMeta drawn from its spec on the r
// scale: 16 study rows from y = 0 down, then the summary and PI rows.
func ExampleForestFromSpec() {
	res := molloyFit()
	labels := make([]string, res.K)
	for i := range labels {
		labels[i] = "Study " + strconv.Itoa(i+1)
	}
	fig, err := plots.ForestFromSpec(workflow.ForestSpec{Fit: res, Labels: labels, R: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	axes(fig)
	encodes(fig)
	// Output:
	// x "Correlation (r)" [-0.400, 0.600]; y "" [-19.500, 0.500]
	// svg: true
}

// FromSpec dispatches on the spec's kind; an unknown spec is an error.
func ExampleFromSpec() {
	res := molloyFit()
	spec := workflow.FunnelSpec{Fit: res}
	fig, err := plots.FromSpec(spec)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(spec.Kind())
	axes(fig)
	// Output:
	// funnel
	// x "Effect size (ZCOR)" [-0.400, 0.600]; y "Standard error" [0.000, 0.150]
}

// As metafor: forest(leave1out(res)) — one row per omitted study, with
// the full model's estimate below.
func ExampleSummaryForestFromMeta() {
	res := molloyFit()
	rows, err := meta.LeaveOneOut(res)
	if err != nil {
		fmt.Println(err)
		return
	}
	fig, err := plots.SummaryForestFromMeta(workflow.SummaryForestSpec{Fit: res, Rows: rows, Header: "Omitted"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("rows:", len(rows))
	axes(fig)
	encodes(fig)
	// Output:
	// rows: 16
	// x "Effect size (ZCOR)" [0.000, 0.250]; y "" [-18.500, 0.500]
	// svg: true
}

// The forest plot of the three-level model of the demo studies (metafor:
// rma.mv(yi, vi, random = ~ 1 | study/es_id) gives 0.2839), every effect
// labelled by its study.
func ExampleThreeLevelForest() {
	s, err := datasets.EmbeddedStudies("demo-studies", datasets.StudyOptions{FisherZ: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	yi, vi, err := effectsize.ZCOR(s.R, s.N)
	if err != nil {
		fmt.Println(err)
		return
	}
	study := s.Cluster[0].Text
	res, err := metamv.Fit(yi, vi, study, nil, metamv.Options{Measure: "ZCOR", NoProfile: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	fig, err := plots.ThreeLevelForest(workflow.ThreeLevelForestSpec{Fit: res, Yi: yi, Vi: vi, Labels: study, R: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("estimate %.4f\n", res.Coefficients[0].Estimate)
	axes(fig)
	encodes(fig)
	// Output:
	// estimate 0.2839
	// x "Correlation (r)" [-0.500, 1.000]; y "" [-86.500, 0.500]
	// svg: true
}

// As lme4: dotplot(ranef(lmer(y ~ 1 + (1 | g)), condVar = TRUE)) for the
// balanced layout of mixed's ExampleFit: the conditional modes are the
// group means' deviations shrunk by τ²/(τ² + σ²/3) = 11.33/12.33: −3.063,
// −0.306, 3.369, each with conditional SD √(11.33 · 1/12.33) = 0.959 (lme4's
// ranef and postVar give the same), so the 95% intervals span −4.94 … 5.25,
// inside the axis.
func ExampleCaterpillarFromMixed() {
	data := mixed.Data{
		Numeric: map[string][]float64{"y": {1, 2, 3, 4, 5, 6, 7, 8, 12}},
		Text:    map[string][]string{"g": {"a", "a", "a", "b", "b", "b", "c", "c", "c"}},
	}
	m, err := mixed.Fit("y ~ 1 + (1 | g)", data, mixed.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fig, err := plots.CaterpillarFromMixed(workflow.CaterpillarSpec{Fit: &m.Result, Label: "Group intercept"})
	if err != nil {
		fmt.Println(err)
		return
	}
	axes(fig)
	// Output:
	// x "Group intercept" [-6.000, 6.000]; y "" [-2.500, 0.500]
}

// The Jacobson–Truax plot of change's ExampleDistribution patients
// (reliability .85, lower = better).
func ExampleJacobsonTruaxFromChange() {
	pre := []float64{28, 31, 25, 34, 29, 27, 33, 30}
	post := []float64{14, 29, 24, 20, 31, 12, 30, 22}
	ps := make([]change.Pair, len(pre))
	for i := range pre {
		ps[i] = change.Pair{ID: strconv.Itoa(i + 1), Pre: pre[i], Post: post[i]}
	}
	res, err := change.Distribution(ps, change.RCIOptions{Method: change.JT, Reliability: 0.85, Better: change.Lower})
	if err != nil {
		fmt.Println(err)
		return
	}
	fig, err := plots.JacobsonTruaxFromChange(workflow.JacobsonTruaxSpec{Change: res, Label: "BDI"})
	if err != nil {
		fmt.Println(err)
		return
	}
	axes(fig)
	// Output:
	// x "BDI before treatment" [10.900, 35.100]; y "BDI after treatment" [10.900, 35.100]
}

// The rupture plot of one patient (a 1.5-point drop as the rule): the
// axis covers the scores 4.2 … 6.2.
func ExampleRuptureFromSpec() {
	series := []rupture.Series{{Patient: "A", Score: []float64{5.5, 5.8, 6.0, 4.2, 5.1, 6.1, 6.2}}}
	o := rupture.DefaultOptions()
	o.Method, o.Threshold = rupture.MethodThreshold, 1.5
	res, err := rupture.Analyze(series, o)
	if err != nil {
		fmt.Println(err)
		return
	}
	fig, err := plots.RuptureFromSpec(workflow.RuptureSpec{Series: series, Result: res, Patients: []string{"A"}, Label: "WAI-SR"})
	if err != nil {
		fmt.Println(err)
		return
	}
	axes(fig)
	// Output:
	// Patient A: x "Session" [1.000, 7.000]; y "WAI-SR" [3.800, 6.500]
}

// The between/within panels of plots' ExampleWithinBetween from a spec
// without a model (raw least-squares slopes): patient means 5 and 3, so the
// between panel spans 3 … 5; deviations −1 … 1.
func ExampleWithinBetweenFromSpec() {
	fig, err := plots.WithinBetweenFromSpec(workflow.WithinBetweenSpec{
		Patient:  []string{"A", "A", "A", "B", "B", "B"},
		Alliance: []float64{4, 5, 6, 2, 3, 4},
		Outcome:  []float64{10, 8, 7, 15, 14, 12},
		XLabel:   "Alliance", YLabel: "Symptoms",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	axes(fig)
	// Output:
	// Between patients: x "Alliance (patient mean)" [3.000, 5.000]; y "Symptoms (patient mean)" [8.000, 14.000]
	// Within patients: x "Alliance (deviation from own mean)" [-1.000, 1.000]; y "Symptoms (deviation from own mean)" [-2.000, 2.000]
}
