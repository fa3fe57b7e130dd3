package workflow

import (
	"github.com/alliance-research/alliance/analysis/bayesmeta"
	"github.com/alliance-research/alliance/analysis/meta"
	"github.com/alliance-research/alliance/analysis/metamv"
)

// FigureSpec says what a figure shows, in terms of analysis results; the
// drawing (axes, glyphs, captions on the canvas) is plots.FromSpec's. Each
// concrete type below is one kind of figure.
type FigureSpec interface {
	// Kind names the figure type ("forest", "funnel", ...).
	Kind() string
}

// ForestSpec is the forest plot of a univariate model: each analysed
// effect with its CI and weight, the pooled estimate and the prediction
// interval. R draws the correlation scale (r = tanh z).
type ForestSpec struct {
	Fit    *meta.Result
	Labels []string  // one per input row (Fit.Rows index into it)
	N      []float64 // sample sizes per input row, or nil
	R      bool
}

// SummaryForestSpec draws leave-one-out ("Omitted") or cumulative ("Added")
// estimates with the full model's estimate below.
type SummaryForestSpec struct {
	Fit    *meta.Result
	Rows   []meta.SummaryRow
	Header string
	R      bool
}

// ThreeLevelForestSpec is the forest plot of a three-level model: every
// effect labelled by its cluster, the pooled estimate and its PI.
type ThreeLevelForestSpec struct {
	Fit    *metamv.Result
	Yi, Vi []float64 // per input row
	Labels []string  // per input row
	R      bool
	// ClusterMeans, if set, groups the effects by outer cluster, each
	// cluster with several effects followed by its GLS mean (see
	// metamv.Result.ClusterMeans).
	ClusterMeans []metamv.ClusterMean
	// LabelHeader heads the label column: the cluster column's name
	// (default "Study").
	LabelHeader string
}

// FunnelSpec is the contour-enhanced funnel plot of a univariate model,
// with trim and fill's imputed studies and Egger's line when Bias has them.
type FunnelSpec struct {
	Fit  *meta.Result
	Bias *meta.BiasResult // may be nil
	R    bool             // Fisher z axis label
}

// BaujatSpec is the Baujat plot of influence diagnostics.
type BaujatSpec struct{ Influence *meta.InfluenceResult }

// InfluenceSpec is the panel of case diagnostics (metafor's
// plot(influence(res))).
type InfluenceSpec struct{ Influence *meta.InfluenceResult }

// RadialSpec is the radial (Galbraith) plot of a univariate model.
type RadialSpec struct{ Fit *meta.Result }

// BubbleSpec is a meta-regression on one numeric moderator: X holds the
// moderator for each analysed effect (aligned with Fit.Yi).
type BubbleSpec struct {
	Fit       *meta.Result
	X         []float64
	Moderator string
	R         bool
}

func (ForestSpec) Kind() string           { return "forest" }
func (SummaryForestSpec) Kind() string    { return "summary-forest" }
func (ThreeLevelForestSpec) Kind() string { return "three-level-forest" }
func (FunnelSpec) Kind() string           { return "funnel" }
func (BaujatSpec) Kind() string           { return "baujat" }
func (InfluenceSpec) Kind() string        { return "influence" }
func (RadialSpec) Kind() string           { return "radial" }
func (BubbleSpec) Kind() string           { return "bubble" }

// BayesPosteriorSpec is the marginal posterior densities of μ and τ of a
// Bayesian random-effects meta-analysis with their shortest credible
// intervals and medians marked, the prior densities, and the
// model-averaged posterior of μ when BMA is set. R labels μ as Fisher z.
type BayesPosteriorSpec struct {
	Fit *bayesmeta.Result
	BMA *bayesmeta.BMAResult // may be nil
	R   bool
}

func (BayesPosteriorSpec) Kind() string { return "bayes-posterior" }
