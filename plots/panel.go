package plots

import (
	"fmt"
	"math"

	"github.com/alliance-research/alliance/analysis/panel"
	"github.com/alliance-research/alliance/analysis/workflow"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// PanelLagged draws the lagged effects of a panel model (package panel)
// with their confidence intervals. When the paths vary over waves it is a
// 2 × 2 grid: the autoregressive paths (x → x, y → y) above, the
// cross-lagged paths (x → y, y → x) below, each estimate at its later
// wave with a vertical interval and a dashed line at 0. When every path is
// stationary (one value for all waves) it is one row per path, as a
// coefficient plot. x and y name the variables as in the effects' From/To.
func PanelLagged(lagged []panel.LaggedEffect, x, y string, th Theme) (*Figure, error) {
	if len(lagged) == 0 {
		return nil, fmt.Errorf("plots: panel plot: no lagged effects")
	}
	th = th.orDefault()
	paths := [][2]string{{x, x}, {y, y}, {x, y}, {y, x}}
	stationary := true
	for _, l := range lagged {
		if l.Wave != nil {
			stationary = false
		}
	}
	if stationary {
		return panelRows(lagged, paths, th)
	}
	grid := [][]*plot.Plot{{nil, nil}, {nil, nil}}
	for i, pth := range paths {
		p, err := panelPath(lagged, pth, th)
		if err != nil {
			return nil, err
		}
		grid[i/2][i%2] = p
	}
	return &Figure{Panels: grid, Width: PageWidth, Height: 5.5 * vg.Inch}, nil
}

// panelPath is one path's estimates by wave.
func panelPath(lagged []panel.LaggedEffect, pth [2]string, th Theme) (*plot.Plot, error) {
	var xs, ys []float64
	var errs plotter.YErrors
	for _, l := range lagged {
		if l.From != pth[0] || l.To != pth[1] || l.Wave == nil {
			continue
		}
		xs, ys = append(xs, float64(*l.Wave)), append(ys, l.Estimate)
		errs = append(errs, struct{ Low, High float64 }{l.Estimate - l.CILB, l.CIUB - l.Estimate})
	}
	if len(xs) == 0 {
		return nil, fmt.Errorf("plots: panel plot: no effect of %s on %s", pth[0], pth[1])
	}
	pts := xys(xs, ys)
	p := th.newPlot()
	p.Title.Text = pth[0] + " → " + pth[1]
	p.X.Label.Text = "Session (later wave of the lag)"
	p.Y.Label.Text = "Estimate"
	p.X.Tick.Marker = niceTicks{integer: true} // sessions are whole numbers
	p.Y.Tick.Marker = niceTicks{}
	eb := &plotter.YErrorBars{XYs: pts, YErrors: errs, LineStyle: lineStyle(th.LineWidth, black), CapWidth: th.FontSize * 0.5}
	sc, err := points(xs, ys, draw.CircleGlyph{}, th.FontSize*0.25, black)
	if err != nil {
		return nil, err
	}
	zero := plotter.NewFunction(func(float64) float64 { return 0 })
	zero.LineStyle = lineStyle(0.5, midGrey, 3, 2)
	p.Add(zero, eb, sc)
	lo, hi := math.Inf(1), math.Inf(-1)
	for i, q := range pts {
		lo, hi = math.Min(lo, q.Y-errs[i].Low), math.Max(hi, q.Y+errs[i].High)
	}
	p.Y.Min, p.Y.Max = math.Min(lo, 0), math.Max(hi, 0)
	p.X.Min, p.X.Max = pts[0].X-0.5, pts[len(pts)-1].X+0.5
	niceRange(&p.Y)
	return p, nil
}

// panelRows is the stationary model's coefficient plot.
func panelRows(lagged []panel.LaggedEffect, paths [][2]string, th Theme) (*Figure, error) {
	p := th.newPlot()
	p.HideY()
	p.X.Label.Text = "Lagged effect (the same at every session)"
	p.X.Tick.Marker = niceTicks{}
	ci := &CIRows{MinSize: th.FontSize * 0.45, LineStyle: lineStyle(th.LineWidth, black)}
	col := &TextColumn{Anchor: 0, Offset: -th.FontSize * 0.6, XAlign: draw.XRight, Style: th.textStyle(false)}
	n := 0
	for _, pth := range paths {
		for _, l := range lagged {
			if l.From != pth[0] || l.To != pth[1] {
				continue
			}
			y := -float64(n)
			n++
			ci.Y, ci.Estimate = append(ci.Y, y), append(ci.Estimate, l.Estimate)
			ci.Lower, ci.Upper = append(ci.Lower, l.CILB), append(ci.Upper, l.CIUB)
			col.Y, col.Text = append(col.Y, y), append(col.Text, pth[0]+" → "+pth[1])
		}
	}
	if n == 0 {
		return nil, fmt.Errorf("plots: panel plot: no lagged effect of the two variables")
	}
	p.Add(&VLine{X: 0, Y0: math.NaN(), Y1: math.NaN(), LineStyle: lineStyle(0.5, midGrey, 3, 2)}, ci, col)
	p.Y.Min, p.Y.Max = -float64(n)+0.5, 0.5
	niceRange(&p.X)
	rowH := th.FontSize * 1.6
	return single(p, ColumnWidth, rowH*vg.Length(n)+th.FontSize*3.6+8), nil
}

// PanelLaggedFromSpec draws a [workflow.PanelLaggedSpec].
func PanelLaggedFromSpec(s workflow.PanelLaggedSpec) (*Figure, error) {
	x, y := s.XName, s.YName
	if x == "" {
		x = "x"
	}
	if y == "" {
		y = "y"
	}
	return PanelLagged(s.Lagged, x, y, Theme{})
}
