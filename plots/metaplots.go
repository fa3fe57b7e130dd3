package plots

import (
	"fmt"
	"math"
	"strconv"

	"gonum.org/v1/gonum/stat/distuv"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// BaujatOptions configures Baujat.
type BaujatOptions struct {
	// Labels name the studies (default 1, 2, …).
	Labels []string
	Size
	Theme Theme
}

// Baujat builds a Baujat et al. (2002) plot: each study's contribution to
// the heterogeneity statistic Q (x) against its influence on the pooled
// result (y), as metafor's baujat. Studies are labelled beside their
// points. Default size 3.5 × 3 in.
func Baujat(x, y []float64, opt BaujatOptions) (*Figure, error) {
	if len(x) == 0 {
		return nil, fmt.Errorf("plots: Baujat plot has no studies")
	}
	if err := sameLen("Baujat x/y", len(x), y); err != nil {
		return nil, err
	}
	labels := opt.Labels
	if labels == nil {
		labels = make([]string, len(x))
		for i := range labels {
			labels[i] = strconv.Itoa(i + 1)
		}
	} else if len(labels) != len(x) {
		return nil, fmt.Errorf("plots: Baujat plot: %d labels for %d studies", len(labels), len(x))
	}
	th := opt.Theme.orDefault()
	p := th.newPlot()
	p.X.Label.Text = "Contribution to overall heterogeneity"
	p.Y.Label.Text = "Influence on overall result"
	p.X.Tick.Marker, p.Y.Tick.Marker = niceTicks{}, niceTicks{}
	pts, err := points(x, y, openCircle{}, 2, black)
	if err != nil {
		return nil, err
	}
	p.Add(pts)
	var xyl plotter.XYLabels
	for i := range x {
		if finite(x[i]) && finite(y[i]) {
			xyl.XYs = append(xyl.XYs, plotter.XY{X: x[i], Y: y[i]})
			xyl.Labels = append(xyl.Labels, labels[i])
		}
	}
	lab, err := plotter.NewLabels(xyl)
	if err != nil {
		return nil, fmt.Errorf("plots: %w", err)
	}
	for i := range lab.TextStyle {
		st := th.textStyle(false)
		st.Font.Size = th.FontSize - 1.5
		st.YAlign = draw.YBottom
		lab.TextStyle[i] = st
	}
	lab.Offset = vg.Point{X: 2.5, Y: 1}
	p.Add(lab)
	p.X.Min, p.Y.Min = math.Min(p.X.Min, 0), math.Min(p.Y.Min, 0)
	niceRange(&p.X)
	niceRange(&p.Y)
	w, h := opt.Size.or(ColumnWidth, 3*vg.Inch)
	return single(p, w, h), nil
}

// RadialOptions configures Radial.
type RadialOptions struct {
	// Tau2 is added to each sampling variance (random-effects radial
	// plot, as metafor's radial for an rma fit); 0 for a fixed-effect plot.
	Tau2 float64
	// Level of the band around the fitted line (default 0.95).
	Level float64
	Size
	Theme Theme
}

// Radial builds a radial (Galbraith 1988) plot: with sᵢ = √(vᵢ + τ²), the
// standardised effect yᵢ/sᵢ against the precision 1/sᵢ. The pooled estimate
// μ̂ is the slope of the line through the origin, y = μ̂·x, and about
// 100·Level % of the points should fall within the band y = μ̂·x ± z.
// Default size 3.5 × 3 in.
func Radial(yi, vi []float64, estimate float64, opt RadialOptions) (*Figure, error) {
	if len(yi) == 0 {
		return nil, fmt.Errorf("plots: radial plot has no studies")
	}
	if err := sameLen("radial yi/vi", len(yi), vi); err != nil {
		return nil, err
	}
	if opt.Level == 0 {
		opt.Level = 0.95
	}
	if !(opt.Level > 0 && opt.Level < 1) || opt.Tau2 < 0 {
		return nil, fmt.Errorf("plots: radial plot: level %v must lie in (0, 1) and tau2 %v be non-negative", opt.Level, opt.Tau2)
	}
	x := make([]float64, len(yi))
	y := make([]float64, len(yi))
	xmax := 0.0
	for i := range yi {
		if !(vi[i] >= 0) || vi[i]+opt.Tau2 <= 0 {
			return nil, fmt.Errorf("plots: radial plot study %d: variance %v must be positive", i+1, vi[i])
		}
		s := math.Sqrt(vi[i] + opt.Tau2)
		x[i], y[i] = 1/s, yi[i]/s
		xmax = math.Max(xmax, x[i])
	}
	z := distuv.UnitNormal.Quantile(1 - (1-opt.Level)/2)
	th := opt.Theme.orDefault()
	p := th.newPlot()
	p.X.Label.Text = "Precision (1/SE)"
	p.Y.Label.Text = "Standardised effect (y/SE)"
	p.X.Tick.Marker, p.Y.Tick.Marker = niceTicks{}, niceTicks{}
	top := xmax * 1.05
	bandPoly, err := band([]float64{0, top}, []float64{-z, estimate*top - z}, []float64{z, estimate*top + z}, paleGrey)
	if err != nil {
		return nil, err
	}
	p.Add(bandPoly)
	fit, err := line([]float64{0, top}, []float64{0, estimate * top}, lineStyle(0.8, black))
	if err != nil {
		return nil, err
	}
	p.Add(fit)
	zero, err := line([]float64{0, top}, []float64{0, 0}, lineStyle(0.5, midGrey, 2, 2))
	if err != nil {
		return nil, err
	}
	p.Add(zero)
	pts, err := points(x, y, draw.CircleGlyph{}, 2, black)
	if err != nil {
		return nil, err
	}
	p.Add(pts)
	p.X.Min = 0
	niceRange(&p.X)
	niceRange(&p.Y)
	w, h := opt.Size.or(ColumnWidth, 3*vg.Inch)
	return single(p, w, h), nil
}

// BubbleOptions configures Bubble.
type BubbleOptions struct {
	// Intercept and Slope are the meta-regression coefficients b0, b1 and
	// Vcov = [var(b0), cov(b0, b1), var(b1)] their covariance, for the
	// fitted line b0 + b1·x and its confidence band
	// ± z·√(var b0 + 2x·cov + x²·var b1). A nil Vcov draws no band.
	Intercept, Slope float64
	Vcov             []float64
	// Crit is the critical value of the band (default qnorm(.975); use a t
	// quantile for Knapp–Hartung fits).
	Crit float64
	// Transform maps the effect scale to the plotted one (e.g. math.Tanh);
	// the line and band are transformed pointwise.
	Transform func(float64) float64
	// XLabel and YLabel label the axes.
	XLabel, YLabel string
	Size
	Theme Theme
}

// Bubble builds a meta-regression bubble plot: each study's effect against
// the moderator, drawn as an open circle with area proportional to its
// weight, with the fitted regression line and its confidence band (metafor's
// regplot). Default size 3.5 × 3 in.
func Bubble(x, yi, weights []float64, opt BubbleOptions) (*Figure, error) {
	if len(x) == 0 {
		return nil, fmt.Errorf("plots: bubble plot has no studies")
	}
	if err := sameLen("bubble x/yi/weights", len(x), yi, weights); err != nil {
		return nil, err
	}
	if opt.Vcov != nil && len(opt.Vcov) != 3 {
		return nil, fmt.Errorf("plots: bubble plot: Vcov must hold [var(b0), cov(b0,b1), var(b1)], got %d values", len(opt.Vcov))
	}
	tr := opt.Transform
	if tr == nil {
		tr = func(v float64) float64 { return v }
	}
	crit := opt.Crit
	if crit == 0 {
		crit = distuv.UnitNormal.Quantile(0.975)
	}
	th := opt.Theme.orDefault()
	p := th.newPlot()
	p.X.Label.Text, p.Y.Label.Text = opt.XLabel, opt.YLabel
	if p.X.Label.Text == "" {
		p.X.Label.Text = "Moderator"
	}
	if p.Y.Label.Text == "" {
		p.Y.Label.Text = "Effect size"
	}
	p.X.Tick.Marker, p.Y.Tick.Marker = niceTicks{}, niceTicks{}
	xmin, xmax := math.Inf(1), math.Inf(-1)
	wmax := 0.0
	for i := range x {
		if finite(x[i]) {
			xmin, xmax = math.Min(xmin, x[i]), math.Max(xmax, x[i])
		}
		if weights[i] < 0 || math.IsNaN(weights[i]) {
			return nil, fmt.Errorf("plots: bubble plot study %d: weight %v must be non-negative", i+1, weights[i])
		}
		wmax = math.Max(wmax, weights[i])
	}
	const ngrid = 101
	gx := make([]float64, ngrid)
	fit := make([]float64, ngrid)
	lo := make([]float64, ngrid)
	hi := make([]float64, ngrid)
	for g := range gx {
		v := xmin + (xmax-xmin)*float64(g)/(ngrid-1)
		gx[g] = v
		f := opt.Intercept + opt.Slope*v
		fit[g] = tr(f)
		if opt.Vcov != nil {
			se := math.Sqrt(opt.Vcov[0] + 2*v*opt.Vcov[1] + v*v*opt.Vcov[2])
			lo[g], hi[g] = tr(f-crit*se), tr(f+crit*se)
		}
	}
	if opt.Vcov != nil {
		b, err := band(gx, lo, hi, paleGrey)
		if err != nil {
			return nil, err
		}
		p.Add(b)
		for _, c := range [][]float64{lo, hi} {
			l, err := line(gx, c, lineStyle(0.5, darkGrey, 2, 2))
			if err != nil {
				return nil, err
			}
			p.Add(l)
		}
	}
	fl, err := line(gx, fit, lineStyle(0.9, black))
	if err != nil {
		return nil, err
	}
	p.Add(fl)
	// Largest bubbles first so small ones stay visible on top.
	order := make([]int, len(x))
	for i := range order {
		order[i] = i
	}
	sortByDesc(order, weights)
	var bx, by []float64
	var br []vg.Length
	maxR := th.FontSize * 1.1
	for _, i := range order {
		if !finite(x[i]) || !finite(yi[i]) {
			continue
		}
		bx, by = append(bx, x[i]), append(by, tr(yi[i]))
		r := maxR * 0.25
		if wmax > 0 {
			r = vg.Length(math.Max(float64(maxR)*math.Sqrt(weights[i]/wmax), 1.2))
		}
		br = append(br, r)
	}
	s, err := points(bx, by, openCircle{}, 2, black)
	if err != nil {
		return nil, err
	}
	s.GlyphStyleFunc = func(i int) draw.GlyphStyle {
		return draw.GlyphStyle{Shape: openCircle{}, Radius: br[i], Color: black}
	}
	p.Add(s)
	niceRange(&p.X)
	niceRange(&p.Y)
	w, h := opt.Size.or(ColumnWidth, 3*vg.Inch)
	return single(p, w, h), nil
}

func sortByDesc(idx []int, key []float64) {
	// insertion sort keeps ties in input order (k is small in a bubble plot).
	for i := 1; i < len(idx); i++ {
		for j := i; j > 0 && key[idx[j]] > key[idx[j-1]]; j-- {
			idx[j], idx[j-1] = idx[j-1], idx[j]
		}
	}
}

// InfluenceSeries is one panel of an influence plot: a diagnostic per
// study with optional reference lines (e.g. ±3 for rstudent, a cut-off
// for Cook's distance).
type InfluenceSeries struct {
	Name   string
	Values []float64
	// RefLines are drawn as dashed horizontal lines.
	RefLines []float64
}

// InfluenceOptions configures Influence.
type InfluenceOptions struct {
	// Flagged marks influential studies (filled points); others are open.
	Flagged []bool
	// Columns of the panel grid (default 2).
	Columns int
	Size
	Theme Theme
}

// Influence builds a multi-panel influence plot, as metafor's
// plot(influence(res)): one small panel per diagnostic (rstudent, DFFITS,
// Cook's distance, covariance ratio, τ² and Q_E after deletion, hat values,
// weights) against the study index, points joined by a thin line, with
// influential studies filled. Default width 7 in, 1.6 in per panel row.
func Influence(series []InfluenceSeries, opt InfluenceOptions) (*Figure, error) {
	if len(series) == 0 {
		return nil, fmt.Errorf("plots: influence plot has no diagnostics")
	}
	k := len(series[0].Values)
	for _, s := range series {
		if len(s.Values) != k {
			return nil, fmt.Errorf("plots: influence plot: %q has %d values, %q has %d", s.Name, len(s.Values), series[0].Name, k)
		}
	}
	if opt.Flagged != nil && len(opt.Flagged) != k {
		return nil, fmt.Errorf("plots: influence plot: %d flags for %d studies", len(opt.Flagged), k)
	}
	if opt.Columns <= 0 {
		opt.Columns = 2
	}
	th := opt.Theme.orDefault()
	idx := make([]float64, k)
	for i := range idx {
		idx[i] = float64(i + 1)
	}
	var panels [][]*plot.Plot
	for n, s := range series {
		p := th.newPlot()
		p.Title.Text = s.Name
		p.Title.TextStyle.Font.Size = th.FontSize
		p.X.Tick.Marker, p.Y.Tick.Marker = niceTicks{integer: true}, niceTicks{}
		for _, r := range s.RefLines {
			l, err := line([]float64{0.5, float64(k) + 0.5}, []float64{r, r}, lineStyle(0.5, midGrey, 2, 2))
			if err != nil {
				return nil, err
			}
			p.Add(l)
		}
		l, err := line(idx, s.Values, lineStyle(0.4, midGrey))
		if err != nil {
			return nil, err
		}
		p.Add(l)
		var ox, oy, fx, fy []float64
		for i, v := range s.Values {
			if opt.Flagged != nil && opt.Flagged[i] {
				fx, fy = append(fx, idx[i]), append(fy, v)
			} else {
				ox, oy = append(ox, idx[i]), append(oy, v)
			}
		}
		if len(ox) > 0 {
			o, err := points(ox, oy, openCircle{}, 1.6, black)
			if err != nil {
				return nil, err
			}
			p.Add(o)
		}
		if len(fx) > 0 {
			f, err := points(fx, fy, draw.CircleGlyph{}, 1.8, black)
			if err != nil {
				return nil, err
			}
			p.Add(f)
		}
		p.X.Min, p.X.Max = 0.5, float64(k)+0.5
		niceRange(&p.Y)
		if n%opt.Columns == 0 {
			panels = append(panels, nil)
		}
		panels[len(panels)-1] = append(panels[len(panels)-1], p)
	}
	w, h := opt.Size.or(PageWidth, 1.6*vg.Inch*vg.Length(len(panels)))
	return &Figure{Panels: panels, Width: w, Height: h}, nil
}
