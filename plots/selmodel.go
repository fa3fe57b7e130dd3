package plots

import (
	"fmt"
	"math"
	"sort"

	"github.com/alliance-research/alliance/analysis/workflow"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
)

// SelModelFromSpec draws the estimated selection function of a selection
// model (metafor's plot(sel, ci = "wald", rug = TRUE)): the relative
// likelihood of selection w(p) against the one-sided p-value on [pval.min,
// 1 − pval.min], its pointwise confidence band shaded
// (meta.SelModelResult.WeightCI), and the studies' p-values as ticks along
// the bottom. The step function is drawn as steps (vertical jumps at the
// cut points); the continuous functions on a grid of 501 p-values.
func SelModelFromSpec(s workflow.SelModelSpec) (*Figure, error) {
	sel := s.Sel
	if sel == nil || len(sel.Delta) == 0 {
		return nil, fmt.Errorf("plots: selection-function plot without a fitted selection model")
	}
	level := s.Level
	if !(level > 0 && level < 1) {
		level = 0.95
	}
	lo, hi := sel.PValueRange()
	const n = 501
	ps := make([]float64, 0, n+2*len(sel.Steps))
	for i := 0; i < n; i++ {
		ps = append(ps, lo+(hi-lo)*float64(i)/(n-1))
	}
	if sel.Type == "stepfun" {
		// both sides of each jump
		for _, c := range sel.Steps[:len(sel.Steps)-1] {
			ps = append(ps, c, math.Nextafter(c, 2))
		}
	}
	sort.Float64s(ps)
	y, yl, yu := make([]float64, len(ps)), make([]float64, len(ps)), make([]float64, len(ps))
	ymax := 0.0
	for i, p := range ps {
		y[i] = sel.Weight(p)
		yl[i], yu[i] = sel.WeightCI(p, level)
		for _, v := range []float64{y[i], yu[i]} {
			if finite(v) {
				ymax = math.Max(ymax, v)
			}
		}
	}
	th := DefaultTheme
	pl := th.newPlot()
	pl.X.Label.Text = "One-sided p-value"
	pl.Y.Label.Text = "Relative likelihood of selection"
	pl.X.Tick.Marker, pl.Y.Tick.Marker = niceTicks{}, niceTicks{}
	// A function spanning more than two orders of magnitude (beta near
	// p = 0) is drawn on a log axis from a third of its smallest to three
	// times its largest value; otherwise a band wider than the plot
	// (unbounded δ CIs) is cut at 1.5 × the largest estimate.
	ylo, yhi := minFinite(y), maxFinite(y)
	logY := ylo > 0 && yhi/ylo > 100
	top, bottom := 1.05*ymax, 0.0
	if c := 1.5 * yhi; top > c && c > 0 {
		top = c
	}
	if logY {
		top, bottom = 3*yhi, ylo/3
		pl.Y.Scale, pl.Y.Tick.Marker = plot.LogScale{}, powerTicks{}
		pl.Y.Label.Text += " (log scale)"
	}
	for i := range yu {
		yu[i] = math.Max(math.Min(yu[i], top), bottom)
		yl[i] = math.Max(math.Min(yl[i], top), bottom)
	}
	shade, err := band(ps, yl, yu, lightGrey)
	if err != nil {
		return nil, err
	}
	pl.Add(shade)
	l, err := line(ps, y, lineStyle(1.2*th.LineWidth, black))
	if err != nil {
		return nil, err
	}
	pl.Add(l)
	for _, p := range s.PVals {
		if !finite(p) {
			continue
		}
		tick := bottom + 0.03*(top-bottom)
		if logY {
			tick = bottom * math.Pow(top/bottom, 0.03)
		}
		t, err := line([]float64{p, p}, []float64{bottom, tick}, lineStyle(th.LineWidth, darkGrey))
		if err != nil {
			return nil, err
		}
		pl.Add(t)
	}
	pl.X.Min, pl.X.Max = 0, 1
	pl.Y.Min, pl.Y.Max = bottom, top
	return &Figure{Panels: [][]*plot.Plot{{pl}}, Width: ColumnWidth, Height: 2.8 * vg.Inch}, nil
}

func maxFinite(x []float64) float64 {
	m := math.Inf(-1)
	for _, v := range x {
		if finite(v) && v > m {
			m = v
		}
	}
	return m
}

func minFinite(x []float64) float64 {
	m := math.Inf(1)
	for _, v := range x {
		if finite(v) && v < m {
			m = v
		}
	}
	return m
}
