package plots

import (
	"fmt"
	"math"

	"github.com/alliance-research/alliance/analysis/meta"
	"github.com/alliance-research/alliance/analysis/workflow"
	"gonum.org/v1/gonum/stat/distuv"
)

// FromSpec draws the figure a workflow specifies. It is the one place where
// an analysis result becomes a figure, shared by the command line, the
// report and the web page.
func FromSpec(s workflow.FigureSpec) (*Figure, error) {
	switch s := s.(type) {
	case workflow.ForestSpec:
		return ForestFromSpec(s)
	case workflow.SummaryForestSpec:
		return SummaryForestFromMeta(s)
	case workflow.ThreeLevelForestSpec:
		return ThreeLevelForest(s)
	case workflow.FunnelSpec:
		return FunnelFromMeta(s)
	case workflow.BaujatSpec:
		return BaujatFromInfluence(s.Influence)
	case workflow.InfluenceSpec:
		return InfluenceFromMeta(s.Influence)
	case workflow.RadialSpec:
		return RadialFromMeta(s.Fit)
	case workflow.BubbleSpec:
		return BubbleFromMeta(s)
	case workflow.BayesPosteriorSpec:
		return PosteriorFromSpec(s)
	case workflow.ThreeLevelFunnelSpec:
		return ThreeLevelFunnel(s)
	case workflow.ThreeLevelBubbleSpec:
		return ThreeLevelBubble(s)
	case workflow.ThreeLevelProfileSpec:
		return ThreeLevelProfile(s)
	case workflow.SelModelSpec:
		return SelModelFromSpec(s)
	case workflow.Tau2ProfileSpec:
		return Tau2ProfileFromSpec(s)
	case workflow.GoshSpec:
		return GoshFromSpec(s)
	case nil:
		return nil, fmt.Errorf("no figure specification")
	}
	return fromSessionSpec(s)
}

// effectAxis returns the back-transform and axis label of a measure.
func effectAxis(measure string, r bool) (func(float64) float64, string, string) {
	if r {
		return math.Tanh, "Correlation (r)", "r"
	}
	if measure == "" || measure == "GEN" {
		return nil, "Effect size", "Estimate"
	}
	return nil, "Effect size (" + measure + ")", "Estimate"
}

func pctLevel(level float64) string {
	return fmt.Sprintf("%g%%", 100*level)
}

// ForestFromSpec draws the forest plot of a univariate model.
func ForestFromSpec(s workflow.ForestSpec) (*Figure, error) {
	rows, sum, err := ForestFromMeta(s.Fit, s.Labels, s.N)
	if err != nil {
		return nil, err
	}
	tr, xlab, eff := effectAxis(s.Fit.Measure, s.R)
	return Forest(rows, ForestOptions{Transform: tr, Overall: &sum, XLabel: xlab, NoLeadingZero: s.R, Digits: 2,
		LabelHeader: "Study", WeightHeader: "Weight", EffectHeader: eff + " [" + pctLevel(s.Fit.Level) + " CI]"})
}

// SummaryForestFromMeta draws leave-one-out or cumulative estimates as a
// forest plot (rows without weights) with the full model's estimate below.
func SummaryForestFromMeta(s workflow.SummaryForestSpec) (*Figure, error) {
	res := s.Fit
	tr, xlab, eff := effectAxis(res.Measure, s.R)
	fr := make([]ForestRow, len(s.Rows))
	for i, r := range s.Rows {
		lab := r.Study
		if lab == "" {
			lab = r.Cluster
		}
		fr[i] = ForestRow{Label: lab, N: math.NaN(), Estimate: r.Estimate, Lower: r.CILB, Upper: r.CIUB, Weight: math.NaN()}
	}
	c := res.Coefficients[0]
	sum := Summary{Label: "All studies", Estimate: c.Estimate, Lower: c.CILB, Upper: c.CIUB, PILower: math.NaN(), PIUpper: math.NaN()}
	return Forest(fr, ForestOptions{Transform: tr, Overall: &sum, XLabel: xlab, NoLeadingZero: s.R, LabelHeader: s.Header,
		EffectHeader: eff + " [" + pctLevel(res.Level) + " CI]"})
}

// ThreeLevelForest draws the effects of a three-level model, labelled by
// cluster, with the pooled estimate and its prediction interval (none for
// a meta-regression); the effects' intervals use the model's confidence
// level. With ClusterMeans the effects are grouped by cluster, each
// cluster of two or more followed by its GLS mean, and every effect shows
// its weight in the model (metafor's weights(res)).
func ThreeLevelForest(s workflow.ThreeLevelForestSpec) (*Figure, error) {
	res := s.Fit
	tr, xlab, eff := effectAxis(res.Measure, s.R)
	z := distuv.UnitNormal.Quantile(1 - (1-res.Level)/2)
	var rows []ForestRow
	for _, i := range res.Rows {
		se := math.Sqrt(s.Vi[i])
		rows = append(rows, ForestRow{Label: s.Labels[i], N: math.NaN(), Estimate: s.Yi[i], Lower: s.Yi[i] - z*se, Upper: s.Yi[i] + z*se, Weight: math.NaN()})
	}
	c := res.Coefficients[0]
	sum := Summary{Label: "Three-level model", Estimate: c.Estimate, Lower: c.CILB, Upper: c.CIUB, PILower: math.NaN(), PIUpper: math.NaN(),
		Note: fmt.Sprintf("σ² between = %.4f, σ² within = %.4f", res.Sigma2[0], res.Sigma2[1])}
	if res.PILB != nil && res.PIUB != nil {
		sum.PILower, sum.PIUpper = *res.PILB, *res.PIUB
	}
	opt := ForestOptions{Transform: tr, Overall: &sum, XLabel: xlab, NoLeadingZero: s.R,
		EffectHeader: eff + " [" + pctLevel(res.Level) + " CI]", LabelHeader: s.LabelHeader}
	if len(res.Coefficients) > 1 {
		// a meta-regression's intercept is no pooled estimate: no diamond
		opt.Overall = nil
	}
	if s.ClusterMeans != nil {
		rows, opt.Subgroups = groupThreeLevelRows(s, rows, z)
		opt.CompactGroups = true
		opt.WeightHeader = "Weight"
	}
	return Forest(rows, opt)
}

// FunnelFromMeta draws the contour-enhanced funnel plot of a univariate
// model (meta.Funnel's points: the analysed effects and, when trim and fill
// imputed any, the filled ones, centred on the adjusted estimate), with
// Egger's regression line when the test used the standard error.
func FunnelFromMeta(s workflow.FunnelSpec) (*Figure, error) {
	var tf *meta.TrimFillResult
	var egger *meta.RegTestResult
	if s.Bias != nil {
		tf, egger = s.Bias.TrimFill, s.Bias.Egger
	}
	fd, err := meta.Funnel(s.Fit, tf)
	if err != nil {
		return nil, err
	}
	var y, se, fy, fse []float64
	for _, p := range fd.Points {
		if p.Filled {
			fy, fse = append(fy, p.Yi), append(fse, p.SEI)
		} else {
			y, se = append(y, p.Yi), append(se, p.SEI)
		}
	}
	o := FunnelOptions{Estimate: fd.Center, Level: s.Fit.Level, Contours: true, FilledYi: fy, FilledSEI: fse, XLabel: "Effect size"}
	if s.R {
		o.XLabel = "Fisher's z"
	} else if m := s.Fit.Measure; m != "" && m != "GEN" {
		o.XLabel = "Effect size (" + m + ")"
	}
	if egger != nil && egger.Estimate != nil && egger.Predictor == "sei" {
		o.Egger = &EggerLine{Intercept: *egger.Estimate, Slope: egger.Slope}
	}
	return Funnel(y, se, o)
}

// BaujatFromInfluence draws the Baujat plot of influence diagnostics,
// points labelled by their row number in the data.
func BaujatFromInfluence(inf *meta.InfluenceResult) (*Figure, error) {
	if inf == nil {
		return nil, fmt.Errorf("no influence diagnostics")
	}
	x := make([]float64, len(inf.Baujat))
	y := make([]float64, len(inf.Baujat))
	lab := make([]string, len(inf.Baujat))
	for i, b := range inf.Baujat {
		x[i], y[i], lab[i] = b.X, b.Y, fmt.Sprint(i+1)
	}
	return Baujat(x, y, BaujatOptions{Labels: lab})
}

// InfluenceFromMeta draws metafor's plot(influence(res)) panels.
func InfluenceFromMeta(inf *meta.InfluenceResult) (*Figure, error) {
	if inf == nil {
		return nil, fmt.Errorf("no influence diagnostics")
	}
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
	series := []InfluenceSeries{
		{Name: "Studentized residual", Values: get(func(r meta.InfluenceRow) float64 { return r.RStudent }), RefLines: []float64{-1.96, 0, 1.96}},
		{Name: "DFFITS", Values: get(func(r meta.InfluenceRow) float64 { return r.DFFITS }), RefLines: []float64{0}},
		{Name: "Cook's distance", Values: get(func(r meta.InfluenceRow) float64 { return r.CookD })},
		{Name: "COVRATIO", Values: get(func(r meta.InfluenceRow) float64 { return r.CovR }), RefLines: []float64{1}},
		{Name: "τ² left out", Values: get(func(r meta.InfluenceRow) float64 { return r.Tau2Del })},
		{Name: "Residual Q left out", Values: get(func(r meta.InfluenceRow) float64 { return r.QEDel })},
		{Name: "Leverage (hat)", Values: get(func(r meta.InfluenceRow) float64 { return r.Hat })},
		{Name: "Weight (%)", Values: get(func(r meta.InfluenceRow) float64 { return r.Weight })},
	}
	return Influence(series, InfluenceOptions{Flagged: flagged, Columns: 2})
}

// RadialFromMeta draws the radial (Galbraith) plot of a univariate model.
func RadialFromMeta(res *meta.Result) (*Figure, error) {
	return Radial(res.Yi, res.Vi, res.Coefficients[0].Estimate, RadialOptions{Tau2: res.Tau2, Level: res.Level})
}

// BubbleFromMeta draws a meta-regression on one numeric moderator: circles
// with area proportional to the random-effects weight 1/(vᵢ + τ²), the
// fitted line and its confidence band.
func BubbleFromMeta(s workflow.BubbleSpec) (*Figure, error) {
	res := s.Fit
	if len(res.Coefficients) != 2 || len(s.X) != len(res.Yi) {
		return nil, fmt.Errorf("a bubble plot needs a meta-regression on exactly one numeric moderator")
	}
	w := make([]float64, len(res.Yi))
	for i := range w {
		w[i] = 1 / (res.Vi[i] + res.Tau2)
	}
	b := res.Coefficients[1]
	crit := math.Abs(b.CIUB-b.Estimate) / b.SE
	tr, ylab, _ := effectAxis(res.Measure, s.R)
	return Bubble(s.X, res.Yi, w, BubbleOptions{
		Intercept: res.Coefficients[0].Estimate, Slope: b.Estimate,
		Vcov: []float64{res.Vcov[0], res.Vcov[1], res.Vcov[3]}, Crit: crit, Transform: tr,
		XLabel: s.Moderator, YLabel: ylab,
	})
}
