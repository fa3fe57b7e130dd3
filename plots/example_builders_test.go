package plots_test

import (
	"bytes"
	"fmt"
	"math"

	"github.com/alliance-research/alliance/analysis/effectsize"
	"github.com/alliance-research/alliance/analysis/meta"
	"github.com/alliance-research/alliance/analysis/rupture"
	"github.com/alliance-research/alliance/datasets"
	"github.com/alliance-research/alliance/plots"
)

// The examples print what a reader can check of a figure: its axis labels
// and ranges (which follow from the data plotted), the number of panels,
// and that it encodes. Data: the embedded dat.molloy2014 (metadat) where a
// meta-analysis is drawn.

// axes prints the titles, labels and ranges of a figure's panels. The
// ranges are the axis limits, which the builders widen from the data range
// to whole tick marks (Baujat: metafor's largest x is 2.921, the axis ends
// at 3).
func axes(fig *plots.Figure) {
	for _, row := range fig.Panels {
		for _, p := range row {
			if p.Title.Text != "" {
				fmt.Printf("%s: ", p.Title.Text)
			}
			fmt.Printf("x %q [%.3f, %.3f]; y %q [%.3f, %.3f]\n",
				p.X.Label.Text, p.X.Min, p.X.Max, p.Y.Label.Text, p.Y.Min, p.Y.Max)
		}
	}
}

// encodes reports whether the figure writes as SVG.
func encodes(fig *plots.Figure) {
	var b bytes.Buffer
	err := fig.Encode(&b, "svg")
	fmt.Println("svg:", err == nil && bytes.Contains(b.Bytes(), []byte("<svg")))
}

func molloyZ() (yi, vi []float64) {
	s, err := datasets.EmbeddedStudies("molloy2014", datasets.StudyOptions{FisherZ: true})
	if err != nil {
		panic(err)
	}
	yi, vi, err = effectsize.ZCOR(s.R, s.N)
	if err != nil {
		panic(err)
	}
	return yi, vi
}

// As metafor: funnel(rma(yi, vi, data = dat.molloy2014)) — effects against
// their standard errors, y axis from 0 to the largest SE (0.1387 = 1/√52).
func ExampleFunnel() {
	yi, vi := molloyZ()
	sei := make([]float64, len(vi))
	for i := range vi {
		sei[i] = math.Sqrt(vi[i])
	}
	res, err := meta.Fit(yi, vi, meta.Options{Measure: "ZCOR"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fig, err := plots.Funnel(yi, sei, plots.FunnelOptions{Estimate: res.Coefficients[0].Estimate, XLabel: "Fisher z"})
	if err != nil {
		fmt.Println(err)
		return
	}
	axes(fig)
	encodes(fig)
	// Output:
	// x "Fisher z" [-0.200, 0.500]; y "Standard error" [0.000, 0.150]
	// svg: true
}

// As metafor: baujat(rma(yi, vi, data = dat.molloy2014)) — the x axis is
// each study's contribution to Q, so its range ends at the largest one.
func ExampleBaujat() {
	yi, vi := molloyZ()
	res, err := meta.Fit(yi, vi, meta.Options{Measure: "ZCOR"})
	if err != nil {
		fmt.Println(err)
		return
	}
	inf, err := meta.Influence(res)
	if err != nil {
		fmt.Println(err)
		return
	}
	x, y := make([]float64, len(inf.Baujat)), make([]float64, len(inf.Baujat))
	for i, b := range inf.Baujat {
		x[i], y[i] = b.X, b.Y
	}
	fig, err := plots.Baujat(x, y, plots.BaujatOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	axes(fig)
	// Output:
	// x "Contribution to overall heterogeneity" [0.000, 3.000]; y "Influence on overall result" [0.000, 0.300]
}

// As metafor: radial(rma(yi, vi, data = dat.molloy2014)) — precision 1/√(vi + τ²)
// on x, standardised effect on y.
func ExampleRadial() {
	yi, vi := molloyZ()
	res, err := meta.Fit(yi, vi, meta.Options{Measure: "ZCOR"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fig, err := plots.Radial(yi, vi, res.Coefficients[0].Estimate, plots.RadialOptions{Tau2: res.Tau2})
	if err != nil {
		fmt.Println(err)
		return
	}
	axes(fig)
	// Output:
	// x "Precision (1/SE)" [0.000, 12.500]; y "Standardised effect (y/SE)" [-2.000, 4.000]
}

// As metafor: regplot(rma(yi, vi, mods = ~ x)) for five studies: the
// line and band of the fitted meta-regression over the moderator's range
// (metafor 3.8-1: slope 0.0792).
func ExampleBubble() {
	x := []float64{1, 2, 3, 4, 5}
	yi := []float64{0.10, 0.18, 0.22, 0.35, 0.41}
	vi := []float64{0.010, 0.020, 0.015, 0.012, 0.030}
	res, err := meta.Fit(yi, vi, meta.Options{Method: "REML", Mods: []meta.Moderator{{Name: "x", Numeric: x}}})
	if err != nil {
		fmt.Println(err)
		return
	}
	w := make([]float64, len(vi))
	for i := range vi {
		w[i] = 1 / (vi[i] + res.Tau2)
	}
	fig, err := plots.Bubble(x, yi, w, plots.BubbleOptions{
		Intercept: res.Coefficients[0].Estimate, Slope: res.Coefficients[1].Estimate, Vcov: []float64{res.Vcov[0], res.Vcov[1], res.Vcov[3]}, // Result.Vcov is 2×2 row-major
		XLabel: "x", YLabel: "effect"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("slope = %.4f\n", res.Coefficients[1].Estimate)
	axes(fig)
	// Output:
	// slope = 0.0792
	// x "x" [1.000, 5.000]; y "effect" [-0.200, 0.800]
}

// As metafor: forest(rma(yi, vi, data = dat.molloy2014)) rows — CIs
// yi ± 1.96·√vi and weights(res) in percent (they add to 100); metafor
// 3.8-1 prints study 1 as 0.1892 [-0.0011, 0.3796], weight 5.68%.
func ExampleForestStudies() {
	yi, vi := molloyZ()
	res, err := meta.Fit(yi, vi, meta.Options{Measure: "ZCOR"})
	if err != nil {
		fmt.Println(err)
		return
	}
	rows, err := plots.ForestStudies(nil, nil, yi, vi, res.Tau2, 0.95)
	if err != nil {
		fmt.Println(err)
		return
	}
	sum := 0.0
	for _, r := range rows {
		sum += r.Weight
	}
	r := rows[0]
	fmt.Printf("study 1: %.4f [%.4f, %.4f], weight %.2f%%; total %.1f%%\n", r.Estimate, r.Lower, r.Upper, r.Weight, sum)
	// Output:
	// study 1: 0.1892 [-0.0011, 0.3796], weight 5.68%; total 100.0%
}

// As metafor: plot(influence(rma(yi, vi, data = dat.molloy2014))) — one
// panel per diagnostic, here two.
func ExampleInfluence() {
	yi, vi := molloyZ()
	res, err := meta.Fit(yi, vi, meta.Options{Measure: "ZCOR"})
	if err != nil {
		fmt.Println(err)
		return
	}
	inf, err := meta.Influence(res)
	if err != nil {
		fmt.Println(err)
		return
	}
	rs, cd := make([]float64, len(inf.Rows)), make([]float64, len(inf.Rows))
	for i, r := range inf.Rows {
		rs[i], cd[i] = r.RStudent, r.CookD
	}
	fig, err := plots.Influence([]plots.InfluenceSeries{{Name: "rstudent", Values: rs, RefLines: []float64{-1.96, 1.96}},
		{Name: "cook.d", Values: cd}}, plots.InfluenceOptions{Columns: 2})
	if err != nil {
		fmt.Println(err)
		return
	}
	axes(fig)
	// Output:
	// rstudent: x "" [0.500, 16.500]; y "" [-2.000, 2.000]
	// cook.d: x "" [0.500, 16.500]; y "" [0.000, 0.250]
}

// As lme4: dotplot(ranef(fit, condVar = TRUE)) for three patients' random
// intercepts (estimates and conditional SDs given here).
func ExampleCaterpillar() {
	fig, err := plots.Caterpillar([]string{"P1", "P2", "P3"}, []float64{-1.2, 0.3, 0.9}, []float64{0.4, 0.5, 0.3},
		plots.CaterpillarOptions{XLabel: "(Intercept)"})
	if err != nil {
		fmt.Println(err)
		return
	}
	axes(fig)
	// Output:
	// x "(Intercept)" [-2.000, 1.500]; y "" [-2.500, 0.500]
}

// As clinicalsignificance: plot(clinical_significance(...)) — post against
// pre with the reliable-change band and a cut-off of 20.
func ExampleJacobsonTruax() {
	pre := []float64{30, 28, 25, 33, 27}
	post := []float64{12, 26, 24, 18, 29}
	fig, err := plots.JacobsonTruax(pre, post, plots.JTOptions{SDiff: 4, Crit: 1.96, Cutoff: 20, Label: "BDI"})
	if err != nil {
		fmt.Println(err)
		return
	}
	axes(fig)
	// Output:
	// x "BDI before treatment" [10.950, 34.050]; y "BDI after treatment" [10.950, 34.050]
}

// One patient's alliance ratings with a rupture at session 4 and its repair
// at session 6 (no R counterpart; the axes follow the data).
func ExampleRupture() {
	fig, err := plots.Rupture([]float64{1, 2, 3, 4, 5, 6, 7}, []float64{5.5, 5.8, 6.0, 4.2, 5.1, 6.1, 6.2},
		plots.RuptureOptions{Ruptures: []float64{4}, Repairs: []float64{6}, Threshold: 4.5, Mean: 5.56,
			XLabel: "Session", YLabel: "Alliance"})
	if err != nil {
		fmt.Println(err)
		return
	}
	axes(fig)
	// Output:
	// x "Session" [1.000, 7.000]; y "Alliance" [3.800, 6.500]
}

// As suddengains: plot_sg() — mean and t-based 95% CI (mean_cl_normal) at
// the six positions around two gains.
func ExampleSuddenGain() {
	w := [][6]float64{{30, 29, 28, 18, 17, 16}, {26, 27, 25, 15, 16, 14}}
	fig, err := plots.SuddenGain(w, plots.SuddenGainOptions{YLabel: "BDI"})
	if err != nil {
		fmt.Println(err)
		return
	}
	axes(fig)
	// Output:
	// x "Session relative to the sudden gain" [0.500, 6.500]; y "BDI" [-10.000, 60.000]
}

// As R: t.test(value[session == s])$conf.int for each session s — the
// mean and 95% CI drawn by Trajectories (R 4.2.2: [17.0317, 26.9683] and
// [11.4276, 24.5724]).
func ExampleSessionMeans() {
	session := []float64{1, 1, 1, 2, 2, 2}
	value := []float64{20, 24, 22, 15, 19, 20}
	for _, m := range plots.SessionMeans(session, value, 0.95) {
		fmt.Printf("session %g: %.4f [%.4f, %.4f] n = %d\n", m.X, m.Mean, m.Lower, m.Upper, m.N)
	}
	// Output:
	// session 1: 22.0000 [17.0317, 26.9683] n = 3
	// session 2: 18.0000 [11.4276, 24.5724] n = 3
}

// Spaghetti lines of four patients with the session means (as ggplot2's
// stat_summary(fun.data = mean_cl_normal)).
func ExampleTrajectories() {
	fig, err := plots.Trajectories([]string{"A", "A", "A", "B", "B", "B", "C", "C", "C", "D", "D", "D"},
		[]float64{1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3},
		[]float64{20, 16, 12, 24, 23, 19, 18, 15, 14, 22, 20, 16}, plots.TrajectoryOptions{XLabel: "Session", YLabel: "PHQ-9"})
	if err != nil {
		fmt.Println(err)
		return
	}
	axes(fig)
	// Output:
	// x "Session" [1.000, 3.000]; y "PHQ-9" [10.000, 27.500]
}

// Between- and within-patient panels of alliance and outcome (Curran &
// Bauer 2011); the within panel is centred on each patient's means.
func ExampleWithinBetween() {
	fig, err := plots.WithinBetween([]string{"A", "A", "A", "B", "B", "B"}, []float64{4, 5, 6, 2, 3, 4},
		[]float64{10, 8, 7, 15, 14, 12}, plots.WBOptions{XLabel: "Alliance", YLabel: "Symptoms"})
	if err != nil {
		fmt.Println(err)
		return
	}
	axes(fig)
	// Output:
	// Between patients: x "Alliance (patient mean)" [3.000, 5.000]; y "Symptoms (patient mean)" [8.000, 14.000]
	// Within patients: x "Alliance (deviation from own mean)" [-1.000, 1.000]; y "Symptoms (deviation from own mean)" [-2.000, 2.000]
}

// The rupture plot of one patient from a rupture analysis (a drop of at
// least 1.5 points as the rule): the episode's sessions are taken from the
// result, the threshold from its reference score minus the drop needed.
func ExampleRupturePatient() {
	series := []rupture.Series{{Patient: "A", Score: []float64{5.5, 5.8, 6.0, 4.2, 5.1, 6.1, 6.2}}}
	o := rupture.DefaultOptions()
	o.Method, o.Threshold = rupture.MethodThreshold, 1.5
	res, err := rupture.Analyze(series, o)
	if err != nil {
		fmt.Println(err)
		return
	}
	fig, err := plots.RupturePatient(series, res, "A", plots.RuptureOptions{XLabel: "Session", YLabel: "Alliance"})
	if err != nil {
		fmt.Println(err)
		return
	}
	axes(fig)
	// Output:
	// x "Session" [1.000, 7.000]; y "Alliance" [3.800, 6.500]
}
