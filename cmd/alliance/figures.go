package main

import (
	"fmt"
	"math"
	"path/filepath"
	"strings"

	"github.com/alliance-research/alliance/analysis/meta"
	"github.com/alliance-research/alliance/analysis/metamv"
	"github.com/alliance-research/alliance/datasets"
	"github.com/alliance-research/alliance/plots"
	"gonum.org/v1/gonum/stat/distuv"
)

func distuvNormalQuantile(p float64) float64 { return distuv.UnitNormal.Quantile(p) }

// checkFigurePath rejects a figure file name without a known extension
// before any work is done.
func checkFigurePath(flag, path string) error {
	if path == "" {
		return nil
	}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".png", ".svg", ".pdf":
		return nil
	}
	return usagef("%s %s: give a file name ending in .png, .svg or .pdf", flag, path)
}

// saveFigure writes fig to path (atomically, by extension) and says so.
func (e *env) saveFigure(fig *plots.Figure, err error, path string) error {
	if err != nil {
		return fmt.Errorf("figure %s: %w", path, err)
	}
	if err := fig.Save(path); err != nil {
		return err
	}
	e.infof("wrote %s", path)
	return nil
}

// figures writes the meta-analysis figures asked for with --forest,
// --funnel, --baujat and --bubble.
func (x *metaExtraFlags) figures(e *env, st *datasets.Studies, res *meta.Result, tf *meta.TrimFillResult, egger *meta.RegTestResult, inf *meta.InfluenceResult) error {
	corr := res.Measure == "ZCOR"
	xlab := "Effect size (" + res.Measure + ")"
	var tr func(float64) float64
	if corr {
		tr, xlab = math.Tanh, "Correlation r"
	}
	if x.forest != "" {
		rows, sum, err := plots.ForestFromMeta(res, st.Label, st.N)
		var fig *plots.Figure
		if err == nil {
			fig, err = plots.Forest(rows, plots.ForestOptions{Transform: tr, Overall: &sum, XLabel: xlab, NoLeadingZero: corr,
				EffectHeader: map[bool]string{true: "r", false: "Estimate"}[corr] + " [" + pctLevel(res.Level) + " CI]"})
		}
		if err := e.saveFigure(fig, err, x.forest); err != nil {
			return err
		}
	}
	if x.funnel != "" {
		sei := make([]float64, len(res.Vi))
		for i, v := range res.Vi {
			sei[i] = math.Sqrt(v)
		}
		opt := plots.FunnelOptions{Estimate: res.Coefficients[0].Estimate, Contours: true, XLabel: map[bool]string{true: "Fisher z", false: "Effect size"}[corr]}
		if tf != nil && tf.K0 > 0 {
			opt.Estimate = tf.Estimate
			for _, f := range tf.Filled {
				opt.FilledYi = append(opt.FilledYi, f.Yi)
				opt.FilledSEI = append(opt.FilledSEI, math.Sqrt(f.Vi))
			}
		}
		if egger != nil && egger.Estimate != nil && egger.Predictor == "sei" {
			opt.Egger = &plots.EggerLine{Intercept: *egger.Estimate, Slope: egger.Slope}
		}
		fig, err := plots.Funnel(res.Yi, sei, opt)
		if err := e.saveFigure(fig, err, x.funnel); err != nil {
			return err
		}
	}
	if x.baujat != "" {
		var bx, by []float64
		var labels []string
		for _, p := range inf.Baujat {
			bx, by, labels = append(bx, p.X), append(by, p.Y), append(labels, p.Study)
		}
		fig, err := plots.Baujat(bx, by, plots.BaujatOptions{Labels: labels})
		if err := e.saveFigure(fig, err, x.baujat); err != nil {
			return err
		}
	}
	if x.radial != "" {
		fig, err := plots.Radial(res.Yi, res.Vi, res.Coefficients[0].Estimate, plots.RadialOptions{Tau2: res.Tau2, Level: res.Level})
		if err := e.saveFigure(fig, err, x.radial); err != nil {
			return err
		}
	}
	if x.infPlot != "" {
		fig, err := influenceFigure(inf)
		if err := e.saveFigure(fig, err, x.infPlot); err != nil {
			return err
		}
	}
	if x.bubble != "" {
		fig, err := bubbleFigure(res, st, tr, xlab)
		if err := e.saveFigure(fig, err, x.bubble); err != nil {
			return err
		}
	}
	return nil
}

// summaryForest draws leave-one-out or cumulative estimates as a forest
// plot (rows without weights), with the full model's estimate below.
func summaryForest(res *meta.Result, rows []meta.SummaryRow, header string) (*plots.Figure, error) {
	corr := res.Measure == "ZCOR"
	var tr func(float64) float64
	xlab := "Effect size (" + res.Measure + ")"
	if corr {
		tr, xlab = math.Tanh, "Correlation r"
	}
	fr := make([]plots.ForestRow, len(rows))
	for i, r := range rows {
		lab := r.Study
		if lab == "" {
			lab = r.Cluster
		}
		fr[i] = plots.ForestRow{Label: lab, N: math.NaN(), Estimate: r.Estimate, Lower: r.CILB, Upper: r.CIUB, Weight: math.NaN()}
	}
	c := res.Coefficients[0]
	sum := plots.Summary{Label: "All studies", Estimate: c.Estimate, Lower: c.CILB, Upper: c.CIUB, PILower: math.NaN(), PIUpper: math.NaN()}
	return plots.Forest(fr, plots.ForestOptions{Transform: tr, Overall: &sum, XLabel: xlab, NoLeadingZero: corr, LabelHeader: header,
		EffectHeader: map[bool]string{true: "r", false: "Estimate"}[corr] + " [" + pctLevel(res.Level) + " CI]"})
}

// multilevelForest draws the effects of a three-level model, labelled by
// cluster, with the pooled three-level estimate and its prediction interval.
func multilevelForest(res *metamv.Result, yi, vi []float64, labels []string, path string) (*plots.Figure, error) {
	corr := res.Measure == "ZCOR"
	var tr func(float64) float64
	xlab := "Effect size (" + res.Measure + ")"
	if corr {
		tr, xlab = math.Tanh, "Correlation r"
	}
	z := 1.959963984540054
	if res.Level != 0.95 {
		z = distuvNormalQuantile(1 - (1-res.Level)/2)
	}
	var rows []plots.ForestRow
	for _, i := range res.Rows {
		se := math.Sqrt(vi[i])
		rows = append(rows, plots.ForestRow{Label: labels[i], N: math.NaN(), Estimate: yi[i], Lower: yi[i] - z*se, Upper: yi[i] + z*se, Weight: math.NaN()})
	}
	c := res.Coefficients[0]
	sum := plots.Summary{Label: "Three-level model", Estimate: c.Estimate, Lower: c.CILB, Upper: c.CIUB, PILower: math.NaN(), PIUpper: math.NaN(),
		Note: fmt.Sprintf("σ² between = %.4f, σ² within = %.4f", res.Sigma2[0], res.Sigma2[1])}
	if res.PILB != nil && res.PIUB != nil {
		sum.PILower, sum.PIUpper = *res.PILB, *res.PIUB
	}
	return plots.Forest(rows, plots.ForestOptions{Transform: tr, Overall: &sum, XLabel: xlab, NoLeadingZero: corr,
		EffectHeader: map[bool]string{true: "r", false: "Estimate"}[corr] + " [" + pctLevel(res.Level) + " CI]"})
}

// influenceFigure draws metafor's plot(influence(res)) panels.
func influenceFigure(inf *meta.InfluenceResult) (*plots.Figure, error) {
	k := len(inf.Rows)
	get := func(f func(r meta.InfluenceRow) float64) []float64 {
		v := make([]float64, k)
		for i, r := range inf.Rows {
			v[i] = f(r)
		}
		return v
	}
	flagged := make([]bool, k)
	for i, r := range inf.Rows {
		flagged[i] = r.Inf
	}
	series := []plots.InfluenceSeries{
		{Name: "rstudent", Values: get(func(r meta.InfluenceRow) float64 { return r.RStudent }), RefLines: []float64{-1.96, 0, 1.96}},
		{Name: "DFFITS", Values: get(func(r meta.InfluenceRow) float64 { return r.DFFITS }), RefLines: []float64{0}},
		{Name: "Cook's D", Values: get(func(r meta.InfluenceRow) float64 { return r.CookD })},
		{Name: "COVRATIO", Values: get(func(r meta.InfluenceRow) float64 { return r.CovR }), RefLines: []float64{1}},
		{Name: "τ² left out", Values: get(func(r meta.InfluenceRow) float64 { return r.Tau2Del })},
		{Name: "Q_E left out", Values: get(func(r meta.InfluenceRow) float64 { return r.QEDel })},
		{Name: "hat", Values: get(func(r meta.InfluenceRow) float64 { return r.Hat })},
		{Name: "weight %", Values: get(func(r meta.InfluenceRow) float64 { return r.Weight })},
	}
	return plots.Influence(series, plots.InfluenceOptions{Flagged: flagged, Columns: 2})
}

// bubbleFigure draws a meta-regression on one numeric moderator.
func bubbleFigure(res *meta.Result, st *datasets.Studies, tr func(float64) float64, ylab string) (*plots.Figure, error) {
	if len(res.Coefficients) != 2 || len(st.Mods) == 0 || !st.Mods[0].Numeric {
		return nil, fmt.Errorf("a bubble plot needs a meta-regression on exactly one numeric moderator (--mods COLUMN)")
	}
	mod := st.Mods[0]
	xs := make([]float64, len(res.Rows))
	w := make([]float64, len(res.Rows))
	for i, r := range res.Rows {
		xs[i] = mod.Num[r]
		w[i] = 1 / (res.Vi[i] + res.Tau2)
	}
	crit := math.Abs(res.Coefficients[1].CIUB-res.Coefficients[1].Estimate) / res.Coefficients[1].SE
	return plots.Bubble(xs, res.Yi, w, plots.BubbleOptions{
		Intercept: res.Coefficients[0].Estimate, Slope: res.Coefficients[1].Estimate,
		Vcov: []float64{res.Vcov[0], res.Vcov[1], res.Vcov[3]}, Crit: crit, Transform: tr,
		XLabel: mod.Name, YLabel: ylab,
	})
}
