package plots

import (
	"fmt"
	"math"

	"github.com/alliance-research/alliance/analysis/workflow"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
)

// PosteriorFromSpec draws the marginal posterior densities of μ (left)
// and τ (right) of a Bayesian random-effects meta-analysis: each density
// as a line, its shortest credible interval shaded under the curve, the
// posterior median as a vertical line, the prior density dotted, and in
// the μ panel the model-averaged posterior (dashed) when model averaging
// ran.
func PosteriorFromSpec(s workflow.BayesPosteriorSpec) (*Figure, error) {
	r := s.Fit
	if r == nil {
		return nil, fmt.Errorf("plots: posterior plot without a Bayesian fit")
	}
	th := DefaultTheme
	const n = 401
	grid := func(lo, hi float64) []float64 {
		x := make([]float64, n)
		for i := range x {
			x[i] = lo + (hi-lo)*float64(i)/(n-1)
		}
		return x
	}
	// μ panel: from the 0.05% to the 99.95% posterior quantile, padded.
	mlo, mhi := r.QuantileMu(0.0005), r.QuantileMu(0.9995)
	pad := 0.08 * (mhi - mlo)
	mx := grid(mlo-pad, mhi+pad)
	muPrior := func(m float64) float64 { return math.Exp(r.MuPrior.LogDensity(m)) }
	if !r.MuPrior.Proper() {
		muPrior = nil
	}
	var avg func(float64) float64
	if s.BMA != nil {
		avg = s.BMA.DensityAveraged
	}
	xlab := "μ (effect)"
	if s.R {
		xlab = "μ (Fisher z)"
	}
	pm, err := densityPanel(th, mx, r.DensityMu, muPrior, avg, r.Mu.ShortestLB, r.Mu.ShortestUB, r.Mu.Median, xlab)
	if err != nil {
		return nil, err
	}
	// τ panel: from 0 to the 99.9% quantile (the prior's bound if sooner).
	thi := r.QuantileTau(0.999) * 1.08
	tx := grid(0, thi)
	tauPrior := func(t float64) float64 { return math.Exp(r.TauPrior.LogDensity(t)) }
	if !r.TauPrior.Proper() {
		tauPrior = nil
	}
	pt, err := densityPanel(th, tx, r.DensityTau, tauPrior, nil, r.Tau.ShortestLB, r.Tau.ShortestUB, r.Tau.Median, "τ (heterogeneity SD)")
	if err != nil {
		return nil, err
	}
	pt.X.Min = 0
	pm.Y.Label.Text = "Posterior density"
	return &Figure{Panels: [][]*plot.Plot{{pm, pt}}, Width: 2 * ColumnWidth, Height: 2.6 * vg.Inch}, nil
}

// densityPanel draws one marginal posterior: the shaded interval [lo, hi]
// under the density, the density, the median line, and optional prior and
// averaged densities.
func densityPanel(th Theme, x []float64, dens, prior, avg func(float64) float64, lo, hi, median float64, xlab string) (*plot.Plot, error) {
	p := th.newPlot()
	p.X.Label.Text = xlab
	p.X.Tick.Marker, p.Y.Tick.Marker = niceTicks{}, niceTicks{}
	y := make([]float64, len(x))
	ymax := 0.0
	for i, v := range x {
		y[i] = dens(v)
		ymax = math.Max(ymax, y[i])
	}
	// Shaded interval: the density on a grid within [lo, hi].
	const m = 200
	bx, blo, bhi := make([]float64, m+1), make([]float64, m+1), make([]float64, m+1)
	for i := range bx {
		bx[i] = lo + (hi-lo)*float64(i)/m
		bhi[i] = dens(bx[i])
	}
	shade, err := band(bx, blo, bhi, lightGrey)
	if err != nil {
		return nil, err
	}
	p.Add(shade)
	if prior != nil {
		py := make([]float64, len(x))
		for i, v := range x {
			py[i] = prior(v)
		}
		pl, perr := line(x, py, lineStyle(th.LineWidth, darkGrey, 1, 2))
		if perr != nil {
			return nil, perr
		}
		p.Add(pl)
	}
	if avg != nil {
		ay := make([]float64, len(x))
		for i, v := range x {
			ay[i] = avg(v)
			ymax = math.Max(ymax, ay[i])
		}
		al, aerr := line(x, ay, lineStyle(th.LineWidth, black, 4, 2))
		if aerr != nil {
			return nil, aerr
		}
		p.Add(al)
	}
	l, err := line(x, y, lineStyle(1.2*th.LineWidth, black))
	if err != nil {
		return nil, err
	}
	p.Add(l)
	med, err := line([]float64{median, median}, []float64{0, dens(median)}, lineStyle(th.LineWidth, black))
	if err != nil {
		return nil, err
	}
	p.Add(med)
	p.Y.Min, p.Y.Max = 0, 1.08*ymax
	p.X.Min, p.X.Max = x[0], x[len(x)-1]
	return p, nil
}
