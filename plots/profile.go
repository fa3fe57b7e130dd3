package plots

import (
	"fmt"
	"math"

	"github.com/alliance-research/alliance/analysis/workflow"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// ProfileOptions label and mark a likelihood-profile plot.
type ProfileOptions struct {
	XLabel, YLabel string
	// Estimate is the maximising value (a dashed vertical line; NaN: none).
	Estimate float64
	// Cut is the log-likelihood the CI bounds cut at, ℓ_max − χ²₁,₁₋α/2 (a
	// dotted horizontal line; NaN: none); CILB and CIUB the bounds (dotted
	// vertical lines down from the curve, NaN: none).
	Cut, CILB, CIUB float64
}

// LikelihoodProfile draws a profile log-likelihood ll over the parameter
// values x (metafor's plot(profile(res))): the curve, the estimate, and the
// profile-likelihood confidence interval as the two values where the curve
// crosses the cut level ℓ_max − χ²₁,₁₋α/2, each marked by a dotted line
// from the axis up to the curve. Non-finite ll values are skipped.
func LikelihoodProfile(x, ll []float64, opt ProfileOptions) (*Figure, error) {
	if err := sameLen("profile", len(x), ll); err != nil {
		return nil, err
	}
	var xs, ys []float64
	for i := range x {
		if finite(x[i]) && finite(ll[i]) {
			xs, ys = append(xs, x[i]), append(ys, ll[i])
		}
	}
	if len(xs) < 2 {
		return nil, fmt.Errorf("plots: a profile needs at least two finite points, got %d", len(xs))
	}
	th := DefaultTheme
	pl := th.newPlot()
	pl.X.Label.Text, pl.Y.Label.Text = opt.XLabel, opt.YLabel
	pl.X.Tick.Marker, pl.Y.Tick.Marker = niceTicks{}, niceTicks{}
	// the y range: from a little below the cut (or the curve's lowest
	// point within view) to a little above the maximum
	top := maxFinite(ys)
	bottom := minFinite(ys)
	if finite(opt.Cut) {
		// keep the interesting part readable: at most 4 cut-depths below the top
		bottom = math.Max(bottom, top-4*(top-opt.Cut))
		bottom = math.Min(bottom, opt.Cut-0.25*(top-opt.Cut))
	}
	pad := 0.05 * (top - bottom)
	if !(pad > 0) {
		pad = 0.1
	}
	pl.Y.Min, pl.Y.Max = bottom-pad, top+pad
	pl.X.Min, pl.X.Max = xs[0], xs[len(xs)-1]
	// the curve, clipped at the bottom of the plot
	cy := make([]float64, len(ys))
	for i, y := range ys {
		cy[i] = math.Max(y, pl.Y.Min)
	}
	l, err := line(xs, cy, lineStyle(1.2*th.LineWidth, black))
	if err != nil {
		return nil, err
	}
	pl.Add(l)
	dotted := lineStyle(th.LineWidth, darkGrey, vg.Points(1), vg.Points(2))
	if finite(opt.Cut) {
		h, err := line([]float64{xs[0], xs[len(xs)-1]}, []float64{opt.Cut, opt.Cut}, dotted)
		if err != nil {
			return nil, err
		}
		pl.Add(h)
	}
	for _, b := range []float64{opt.CILB, opt.CIUB} {
		if !finite(b) || b < xs[0] || b > xs[len(xs)-1] {
			continue
		}
		// on the curve: the cut level at an interior bound, above it at a
		// bound truncated at the end of the parameter space (τ² = 0)
		y := interpAt(xs, ys, b)
		pl.Add(&VLine{X: b, Y0: pl.Y.Min, Y1: y, LineStyle: dotted})
		pt, err := points([]float64{b}, []float64{y}, draw.CircleGlyph{}, 2.2, black)
		if err != nil {
			return nil, err
		}
		pl.Add(pt)
	}
	if finite(opt.Estimate) {
		pl.Add(&VLine{X: opt.Estimate, Y0: math.NaN(), Y1: math.NaN(), LineStyle: lineStyle(th.LineWidth, darkGrey, vg.Points(4), vg.Points(2))})
	}
	return &Figure{Panels: [][]*plot.Plot{{pl}}, Width: ColumnWidth, Height: 2.8 * vg.Inch}, nil
}

// interpAt interpolates y linearly at x0 on the increasing xs.
func interpAt(xs, ys []float64, x0 float64) float64 {
	for i := 1; i < len(xs); i++ {
		if x0 <= xs[i] {
			t := (x0 - xs[i-1]) / (xs[i] - xs[i-1])
			return ys[i-1] + t*(ys[i]-ys[i-1])
		}
	}
	return ys[len(ys)-1]
}

// Tau2ProfileFromSpec draws the profile (restricted) log-likelihood of τ²
// of a univariate model with its estimate and profile-likelihood CI
// (metafor's profile(res) and confint(res, type = "PL")).
func Tau2ProfileFromSpec(s workflow.Tau2ProfileSpec) (*Figure, error) {
	if len(s.Points) < 2 {
		return nil, fmt.Errorf("plots: profile plot of τ² without a profile")
	}
	x, ll := make([]float64, len(s.Points)), make([]float64, len(s.Points))
	for i, p := range s.Points {
		x[i], ll[i] = p.Tau2, p.LogLik
	}
	ylab := "Restricted log-likelihood"
	if s.Method != "REML" {
		ylab = "Log-likelihood"
	}
	opt := ProfileOptions{XLabel: "τ²", YLabel: ylab, Estimate: s.Tau2, Cut: math.NaN(), CILB: math.NaN(), CIUB: math.NaN()}
	if s.CI != nil {
		opt.Cut, opt.CILB, opt.CIUB = s.LogLik-s.CI.Crit/2, s.CI.LB, s.CI.UB
	}
	return LikelihoodProfile(x, ll, opt)
}
