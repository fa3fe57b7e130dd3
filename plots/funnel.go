package plots

import (
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/gonum/stat/distuv"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// FunnelRegion is the triangle Centre ± Z·SE for SE from 0 to SEMax, in
// funnel-plot coordinates (x = effect, y = standard error): the
// pseudo-confidence region around a pooled estimate (Sterne & Egger 2001)
// or, centred on the null, a significance contour (Peters et al. 2008).
type FunnelRegion struct {
	Centre, Z, SEMax float64
	// Fill, if non-nil, fills the region; LineStyle outlines its sides.
	Fill      color.Color
	LineStyle draw.LineStyle
}

// Bounds returns the region's limits at standard error se: Centre ∓ Z·se.
func (r *FunnelRegion) Bounds(se float64) (lo, hi float64) {
	return r.Centre - r.Z*se, r.Centre + r.Z*se
}

// Polygon returns the region's vertices (x, se): bottom left, apex, bottom right.
func (r *FunnelRegion) Polygon() plotter.XYs {
	lo, hi := r.Bounds(r.SEMax)
	return plotter.XYs{{X: lo, Y: r.SEMax}, {X: r.Centre, Y: 0}, {X: hi, Y: r.SEMax}}
}

// Plot implements plot.Plotter.
func (r *FunnelRegion) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	var pts []vg.Point
	for _, v := range r.Polygon() {
		pts = append(pts, vg.Point{X: trX(v.X), Y: trY(v.Y)})
	}
	if r.Fill != nil {
		c.FillPolygon(r.Fill, c.ClipPolygonXY(pts))
	}
	if r.LineStyle.Width > 0 {
		c.StrokeLines(r.LineStyle, c.ClipLinesXY(pts)...)
	}
}

// DataRange implements plot.DataRanger.
func (r *FunnelRegion) DataRange() (xmin, xmax, ymin, ymax float64) {
	lo, hi := r.Bounds(r.SEMax)
	return lo, hi, 0, r.SEMax
}

// Thumbnail implements plot.Thumbnailer for the legend.
func (r *FunnelRegion) Thumbnail(c *draw.Canvas) {
	if r.Fill == nil {
		y := c.Center().Y
		c.StrokeLine2(r.LineStyle, c.Min.X, y, c.Max.X, y)
		return
	}
	pts := []vg.Point{{X: c.Min.X, Y: c.Min.Y}, {X: c.Min.X, Y: c.Max.Y}, {X: c.Max.X, Y: c.Max.Y}, {X: c.Max.X, Y: c.Min.Y}}
	if r.Fill != nil {
		c.FillPolygon(r.Fill, pts)
	}
	c.StrokeLines(draw.LineStyle{Color: black, Width: 0.4}, append(pts, pts[0]))
}

// EggerLine is the fitted line of Egger's regression test drawn in the
// funnel plot: the regression yi = b0 + b1·sei (metafor's regtest with
// predictor "sei") gives effect = Intercept + Slope·SE, a line that runs
// from the limit estimate at SE = 0 (Intercept) with slope Slope.
type EggerLine struct {
	Intercept, Slope float64
}

// FunnelOptions configures Funnel.
type FunnelOptions struct {
	// Estimate is the pooled estimate at the centre of the
	// pseudo-confidence region (NaN: no region).
	Estimate float64
	// Level of the pseudo-confidence region (default 0.95).
	Level float64
	// Contours shades the significance contours p < .10, .05 and .01
	// around Null (contour-enhanced funnel plot, Peters et al. 2008).
	Contours bool
	Null     float64
	// FilledYi and FilledSEI are studies imputed by trim and fill (drawn
	// as hollow circles).
	FilledYi, FilledSEI []float64
	// Egger, if non-nil, draws Egger's regression line (dashed).
	Egger *EggerLine
	// XLabel labels the effect axis (default "Effect size").
	XLabel string
	Size
	Theme Theme
	// Groups, if set (one label per study), colours the studies by group
	// (the Okabe–Ito palette, cycled; see groupColours), with a key entry
	// per group when there are at most maxKeyGroups.
	Groups []string
}

// Funnel builds a funnel plot: effect size against its standard error,
// with SE = 0 at the top (Sterne & Egger 2001; metafor's funnel), the
// pseudo-confidence region Estimate ± z·SE, optional significance contours,
// trim-and-fill studies as hollow points and Egger's regression line.
// Default size: a journal column, 3.5 × 3 in.
func Funnel(yi, sei []float64, opt FunnelOptions) (*Figure, error) {
	seMax, err := checkFunnel(yi, sei, &opt)
	if err != nil {
		return nil, err
	}
	th := opt.Theme.orDefault()
	p := th.newPlot()
	key := th.newKey()
	p.Y.Scale = plot.InvertedScale{Normalizer: plot.LinearScale{}}
	p.Y.Label.Text = "Standard error"
	p.X.Label.Text = opt.XLabel
	if p.X.Label.Text == "" {
		p.X.Label.Text = "Effect size"
	}
	p.X.Tick.Marker, p.Y.Tick.Marker = niceTicks{}, niceTicks{}
	top := seMax * 1.05
	ySt, _ := niceTicks{}.step(0, top)
	top = math.Ceil(top/ySt-1e-9) * ySt

	if opt.Contours {
		addContours(p, key, opt.Null, top)
	}
	var reg *FunnelRegion
	if finite(opt.Estimate) {
		z := distuv.UnitNormal.Quantile(1 - (1-opt.Level)/2)
		reg = &FunnelRegion{Centre: opt.Estimate, Z: z, SEMax: top, LineStyle: lineStyle(0.6, black, 3, 2)}
		p.Add(reg)
		p.Add(&VLine{X: opt.Estimate, Y0: 0, Y1: top, LineStyle: lineStyle(0.6, black)})
	}
	if opt.Egger != nil {
		e := opt.Egger
		l, lerr := line([]float64{e.Intercept, e.Intercept + e.Slope*top}, []float64{0, top}, lineStyle(0.8, darkGrey, 1, 1.5))
		if lerr != nil {
			return nil, lerr
		}
		p.Add(l)
		key.add("Egger", l)
	}
	obs, err := points(yi, sei, draw.CircleGlyph{}, 2, black)
	if err != nil {
		return nil, err
	}
	var groupKey []groupEntry
	if opt.Groups != nil {
		if len(opt.Groups) != len(yi) {
			return nil, fmt.Errorf("plots: funnel plot: %d group labels for %d studies", len(opt.Groups), len(yi))
		}
		if groupKey, err = colourByGroup(obs, yi, sei, opt.Groups); err != nil {
			return nil, err
		}
	}
	p.Add(obs)
	if len(opt.FilledYi) > 0 {
		filled, err := points(opt.FilledYi, opt.FilledSEI, openCircle{}, 2, black)
		if err != nil {
			return nil, err
		}
		p.Add(filled)
		key.add("filled", filled)
	}
	if finite(opt.Estimate) {
		key.add(fmt.Sprintf("%g%% region", 100*opt.Level), reg)
	}
	switch {
	case opt.Groups == nil:
		key.add("studies", obs)
	case groupKey == nil:
		key.add("effects, by cluster", paletteThumb{})
	}
	for _, g := range groupKey {
		key.add(g.label, g.thumb)
	}
	p.Add(key)
	p.Y.Min, p.Y.Max = 0, top
	if opt.Contours { // the contour background is wide: fit x to the data and the region
		p.X.Min, p.X.Max = funnelXRange(yi, opt, top)
	}
	niceRange(&p.X)
	w, h := opt.Size.or(ColumnWidth, 3*vg.Inch)
	f := single(p, w, h)
	f.parts = reg
	return f, nil
}

// checkFunnel refuses what a funnel plot cannot show (no studies, unequal
// lengths, a level outside (0, 1), a standard error that is not positive
// and finite), defaults the level to .95 and returns the largest SE.
func checkFunnel(yi, sei []float64, opt *FunnelOptions) (float64, error) {
	if len(yi) == 0 {
		return 0, fmt.Errorf("plots: funnel plot has no studies")
	}
	if err := sameLen("funnel yi/sei", len(yi), sei); err != nil {
		return 0, err
	}
	if err := sameLen("funnel filled yi/sei", len(opt.FilledYi), opt.FilledSEI); err != nil {
		return 0, err
	}
	if opt.Level == 0 {
		opt.Level = 0.95
	}
	if !(opt.Level > 0 && opt.Level < 1) {
		return 0, fmt.Errorf("plots: funnel level %v must lie in (0, 1)", opt.Level)
	}
	seMax := 0.0
	for i, s := range append(append([]float64(nil), sei...), opt.FilledSEI...) {
		if !(s > 0) || math.IsInf(s, 0) {
			return 0, fmt.Errorf("plots: funnel study %d: standard error %v must be positive and finite", i+1, s)
		}
		seMax = math.Max(seMax, s)
	}
	return seMax, nil
}

// addContours adds the significance contours around null (Peters et al.
// 2008): p < .01 darkest outside, p > .10 white inside, widest first.
func addContours(p *plot.Plot, key *Key, null, top float64) {
	bg := &fillArea{Fill: midGrey}
	p.Add(bg)
	levels := []struct {
		p    float64
		fill color.Color
		name string
	}{{0.01, lightGrey, ".01 < p < .05"}, {0.05, paleGrey, ".05 < p < .10"}, {0.10, white, "p > .10"}}
	key.add("p < .01", bg)
	for _, l := range levels {
		r := &FunnelRegion{Centre: null, Z: distuv.UnitNormal.Quantile(1 - l.p/2), SEMax: top, Fill: l.fill}
		p.Add(r)
		key.add(l.name, r)
	}
}

// funnelXRange is the x range of a contour-enhanced funnel: the data, the
// p = .01 contour at the top and the region around the estimate.
func funnelXRange(yi []float64, opt FunnelOptions, top float64) (float64, float64) {
	xmin, xmax := math.Inf(1), math.Inf(-1)
	for _, v := range append(append([]float64(nil), yi...), opt.FilledYi...) {
		xmin, xmax = math.Min(xmin, v), math.Max(xmax, v)
	}
	z := distuv.UnitNormal.Quantile(1 - 0.01/2)
	xmin = math.Min(xmin, opt.Null-z*top)
	xmax = math.Max(xmax, opt.Null+z*top)
	if finite(opt.Estimate) {
		zl := distuv.UnitNormal.Quantile(1 - (1-opt.Level)/2)
		xmin, xmax = math.Min(xmin, opt.Estimate-zl*top), math.Max(xmax, opt.Estimate+zl*top)
	}
	return xmin, xmax
}
