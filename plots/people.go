package plots

import (
	"fmt"
	"image/color"
	"math"
	"sort"

	"gonum.org/v1/gonum/stat/distuv"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// RCBand is the Jacobson–Truax reliable-change band in a pre–post plot:
// the region Pre − HalfWidth < Post < Pre + HalfWidth between Min and Max
// on the pre axis, where HalfWidth = z·S_diff = z·√2·SEM. Patients inside
// the band have not changed reliably.
type RCBand struct {
	HalfWidth float64
	Min, Max  float64
	Fill      draw.LineStyle // Fill.Color fills the band; Fill.Width outlines it
}

// Plot implements plot.Plotter.
func (b *RCBand) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	pts := []vg.Point{
		{X: trX(b.Min), Y: trY(b.Min - b.HalfWidth)}, {X: trX(b.Max), Y: trY(b.Max - b.HalfWidth)},
		{X: trX(b.Max), Y: trY(b.Max + b.HalfWidth)}, {X: trX(b.Min), Y: trY(b.Min + b.HalfWidth)},
	}
	c.FillPolygon(paleGrey, c.ClipPolygonXY(pts))
	ls := lineStyle(0.5, darkGrey, 3, 2)
	c.StrokeLines(ls, c.ClipLinesXY(pts[:2])...)
	c.StrokeLines(ls, c.ClipLinesXY(pts[2:])...)
}

// DataRange implements plot.DataRanger.
func (b *RCBand) DataRange() (xmin, xmax, ymin, ymax float64) {
	return b.Min, b.Max, noMin, noMax
}

// Thumbnail implements plot.Thumbnailer.
func (b *RCBand) Thumbnail(c *draw.Canvas) {
	c.FillPolygon(paleGrey, []vg.Point{c.Min, {X: c.Max.X, Y: c.Min.Y}, c.Max, {X: c.Min.X, Y: c.Max.Y}})
}

// JTOptions configures JacobsonTruax.
type JTOptions struct {
	// SDiff is the standard error of the difference, √2·SEM with
	// SEM = SD_pre·√(1 − r_xx) (Jacobson & Truax 1991).
	SDiff float64
	// Crit is the critical value (default qnorm(.975) = 1.96).
	Crit float64
	// Cutoff is the clinical cut-off score (NaN: none), drawn on both axes.
	Cutoff float64
	// Categories give each patient's category (e.g. "recovered",
	// "improved", "unchanged", "deteriorated", "harmed"); each category
	// gets its own marker shape. Nil: one marker.
	Categories []string
	// Label names the measure (default "Score").
	Label string
	Size
	Theme Theme
}

// JacobsonTruax builds the Jacobson & Truax (1991) plot: post-treatment
// against pre-treatment scores, the line of no change, the reliable-change
// band post = pre ± z·S_diff (shaded), and the clinical cut-off as a
// horizontal and a vertical line; patients are drawn with one marker shape
// per category. Default size 3.5 × 3.5 in.
func JacobsonTruax(pre, post []float64, opt JTOptions) (*Figure, error) {
	n := len(pre)
	if n == 0 {
		return nil, fmt.Errorf("plots: Jacobson–Truax plot has no patients")
	}
	if err := sameLen("Jacobson–Truax pre/post", n, post); err != nil {
		return nil, err
	}
	if opt.Categories != nil && len(opt.Categories) != n {
		return nil, fmt.Errorf("plots: Jacobson–Truax plot: %d categories for %d patients", len(opt.Categories), n)
	}
	if !(opt.SDiff > 0) || math.IsInf(opt.SDiff, 0) {
		return nil, fmt.Errorf("plots: Jacobson–Truax plot: S_diff %v must be positive (S_diff = √2·SEM)", opt.SDiff)
	}
	if opt.Crit == 0 {
		opt.Crit = distuv.UnitNormal.Quantile(0.975)
	}
	th := opt.Theme.orDefault()
	p := th.newPlot()
	lab := opt.Label
	if lab == "" {
		lab = "Score"
	}
	p.X.Label.Text, p.Y.Label.Text = lab+" before treatment", lab+" after treatment"
	p.X.Tick.Marker, p.Y.Tick.Marker = niceTicks{}, niceTicks{}
	lo, hi := math.Inf(1), math.Inf(-1)
	for i := range pre {
		for _, v := range []float64{pre[i], post[i]} {
			if finite(v) {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
	}
	if finite(opt.Cutoff) {
		lo, hi = math.Min(lo, opt.Cutoff), math.Max(hi, opt.Cutoff)
	}
	pad := (hi - lo) * 0.05
	lo, hi = lo-pad, hi+pad
	band := &RCBand{HalfWidth: opt.Crit * opt.SDiff, Min: lo, Max: hi}
	p.Add(band)
	p.Legend.Add("no reliable change", band)
	id, err := line([]float64{lo, hi}, []float64{lo, hi}, lineStyle(0.6, black))
	if err != nil {
		return nil, err
	}
	p.Add(id)
	if finite(opt.Cutoff) {
		c := opt.Cutoff
		h, err := line([]float64{lo, hi}, []float64{c, c}, lineStyle(0.6, black, 1, 1.5))
		if err != nil {
			return nil, err
		}
		v, err := line([]float64{c, c}, []float64{lo, hi}, lineStyle(0.6, black, 1, 1.5))
		if err != nil {
			return nil, err
		}
		p.Add(h, v)
		p.Legend.Add("cut-off", h)
	}
	cats := []string{""}
	if opt.Categories != nil {
		cats = jtCategoryOrder(opt.Categories)
	}
	for gi, cat := range cats {
		var xs, ys []float64
		for i := range pre {
			if opt.Categories == nil || opt.Categories[i] == cat {
				xs, ys = append(xs, pre[i]), append(ys, post[i])
			}
		}
		pts, err := points(xs, ys, categoryGlyph(cat, gi), 2, black)
		if err != nil {
			return nil, err
		}
		p.Add(pts)
		if cat != "" {
			p.Legend.Add(fmt.Sprintf("%s (%d)", cat, len(xs)), pts)
		}
	}
	p.Legend.Top, p.Legend.Left = true, true
	p.Legend.TextStyle.Font.Size = th.FontSize - 1.5
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = lo, hi, lo, hi
	w, h := opt.Size.or(ColumnWidth, ColumnWidth)
	f := single(p, w, h)
	f.parts = band
	return f, nil
}

// jtCategoryOrder lists the categories present, known ones in clinical order.
func jtCategoryOrder(c []string) []string {
	rank := map[string]int{"recovered": 0, "improved": 1, "unchanged": 2, "deteriorated": 3, "harmed": 4}
	seen := map[string]bool{}
	var out []string
	for _, s := range c {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		ri, oki := rank[out[i]]
		rj, okj := rank[out[j]]
		switch {
		case oki && okj:
			return ri < rj
		case oki != okj:
			return oki
		}
		return false
	})
	return out
}

func categoryGlyph(cat string, i int) draw.GlyphDrawer {
	switch cat {
	case "recovered":
		return draw.CircleGlyph{}
	case "improved":
		return draw.PyramidGlyph{}
	case "unchanged":
		return openCircle{}
	case "deteriorated":
		return draw.CrossGlyph{}
	case "harmed":
		return draw.BoxGlyph{}
	}
	_, g := groupStyle(i, 1)
	return g
}

// CaterpillarOptions configures Caterpillar.
type CaterpillarOptions struct {
	// Level of the intervals estimate ± z·SD (default 0.95).
	Level float64
	// Labels are drawn when there are at most MaxLabels effects (default 60).
	MaxLabels int
	XLabel    string
	Size
	Theme Theme
}

// Caterpillar builds a caterpillar plot of predicted random effects
// (lme4's dotplot of ranef with condVar): the effects sorted by estimate,
// each with the interval estimate ± z·SD from its conditional standard
// deviation, and a reference line at zero. Labels are shown when there are
// few enough effects; the height grows with their number.
func Caterpillar(names []string, estimate, condSD []float64, opt CaterpillarOptions) (*Figure, error) {
	n := len(estimate)
	if n == 0 {
		return nil, fmt.Errorf("plots: caterpillar plot has no effects")
	}
	if err := sameLen("caterpillar estimate/sd", n, condSD); err != nil {
		return nil, err
	}
	if names != nil && len(names) != n {
		return nil, fmt.Errorf("plots: caterpillar plot: %d names for %d effects", len(names), n)
	}
	if opt.Level == 0 {
		opt.Level = 0.95
	}
	if opt.MaxLabels == 0 {
		opt.MaxLabels = 60
	}
	z := distuv.UnitNormal.Quantile(1 - (1-opt.Level)/2)
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return estimate[idx[a]] < estimate[idx[b]] })
	th := opt.Theme.orDefault()
	p := th.newPlot()
	p.HideY()
	p.X.Label.Text = opt.XLabel
	if p.X.Label.Text == "" {
		p.X.Label.Text = "Predicted random effect"
	}
	p.X.Tick.Marker = niceTicks{}
	labels := names != nil && n <= opt.MaxLabels
	rowH := th.FontSize * 1.3
	if !labels {
		rowH = vg.Length(math.Max(1.2, math.Min(float64(th.FontSize), 260/float64(n))))
	}
	ci := &CIRows{MinSize: min(th.FontSize*0.45, rowH*0.8), LineStyle: lineStyle(min(th.LineWidth, rowH*0.5), black)}
	col := &TextColumn{Anchor: 0, Offset: -th.FontSize * 0.6, XAlign: draw.XRight, Style: th.textStyle(false)}
	for r, i := range idx {
		y := -float64(r)
		ci.Y = append(ci.Y, y)
		ci.Estimate = append(ci.Estimate, estimate[i])
		ci.Lower = append(ci.Lower, estimate[i]-z*condSD[i])
		ci.Upper = append(ci.Upper, estimate[i]+z*condSD[i])
		if labels {
			col.Y = append(col.Y, y)
			col.Text = append(col.Text, names[i])
		}
	}
	p.Add(&VLine{X: 0, Y0: math.NaN(), Y1: math.NaN(), LineStyle: lineStyle(0.5, midGrey, 3, 2)}, ci)
	if labels {
		p.Add(col)
	}
	p.Y.Min, p.Y.Max = -float64(n)+0.5, 0.5
	niceRange(&p.X)
	w, h := opt.Size.or(ColumnWidth, rowH*vg.Length(n)+th.FontSize*3.6+8)
	return single(p, w, h), nil
}

// WBOptions configures WithinBetween.
type WBOptions struct {
	XLabel, YLabel string
	Size
	Theme Theme
}

// WithinBetween builds the two-panel within/between plot of a session
// predictor (alliance) and outcome. Left, between patients: each patient's
// mean outcome against mean alliance, with the least-squares line. Right,
// within patients: person-mean-centred outcome against person-mean-centred
// alliance, with the pooled within-patient slope
// b_w = Σ(x − x̄ᵢ)(y − ȳᵢ) / Σ(x − x̄ᵢ)² through the origin (Curran & Bauer
// 2011). Rows with a missing x or y are dropped. Default size 7 × 3 in.
func WithinBetween(patient []string, x, y []float64, opt WBOptions) (*Figure, error) {
	n := len(patient)
	if n == 0 || len(x) != n || len(y) != n {
		return nil, fmt.Errorf("plots: within/between plot: patient, x and y must be non-empty and of equal length")
	}
	mx, my, dx, dy, serr := wbSplit(patient, x, y)
	if serr != nil {
		return nil, serr
	}
	xl, yl := opt.XLabel, opt.YLabel
	if xl == "" {
		xl = "Alliance"
	}
	if yl == "" {
		yl = "Outcome"
	}
	th := opt.Theme.orDefault()
	panel := func(title, xlab, ylab string, px, py []float64, b0, b1 float64) (*plot.Plot, error) {
		p, lo, hi, err := scatterBase(th, title, xlab, ylab, px, py, black)
		if err != nil {
			return nil, err
		}
		l, err := line([]float64{lo, hi}, []float64{b0 + b1*lo, b0 + b1*hi}, lineStyle(1.2, black))
		if err != nil {
			return nil, err
		}
		p.Add(l)
		p.Legend.Add(fmt.Sprintf("slope = %s", formatNum(b1, 2, false)), l)
		p.Legend.Top = true
		niceRange(&p.X)
		niceRange(&p.Y)
		return p, nil
	}
	bb0, bb1 := olsLine(mx, my)
	var sxy, sxx float64
	for i := range dx {
		sxy += dx[i] * dy[i]
		sxx += dx[i] * dx[i]
	}
	bw := math.NaN()
	if sxx > 0 {
		bw = sxy / sxx
	}
	pb, err := panel("Between patients", xl+" (patient mean)", yl+" (patient mean)", mx, my, bb0, bb1)
	if err != nil {
		return nil, err
	}
	pw, err := panel("Within patients", xl+" (deviation from own mean)", yl+" (deviation from own mean)", dx, dy, 0, bw)
	if err != nil {
		return nil, err
	}
	w, h := opt.Size.or(PageWidth, 3*vg.Inch)
	return &Figure{Panels: [][]*plot.Plot{{pb, pw}}, Width: w, Height: h}, nil
}

// olsLine returns the least-squares intercept and slope of y on x.
func olsLine(x, y []float64) (b0, b1 float64) {
	var mx, my float64
	for i := range x {
		mx += x[i]
		my += y[i]
	}
	mx /= float64(len(x))
	my /= float64(len(x))
	var sxy, sxx float64
	for i := range x {
		sxy += (x[i] - mx) * (y[i] - my)
		sxx += (x[i] - mx) * (x[i] - mx)
	}
	if sxx == 0 {
		return my, 0
	}
	b1 = sxy / sxx
	return my - b1*mx, b1
}

// wbSplit splits paired scores into patient means (one point per patient
// with data, in order of first appearance) and each session's deviation
// from its patient's mean: the two panels of a within/between figure.
func wbSplit(patient []string, x, y []float64) (mx, my, dx, dy []float64, err error) {
	type acc struct{ sx, sy, n float64 }
	by := map[string]*acc{}
	var order []string
	for i, id := range patient {
		if !finite(x[i]) || !finite(y[i]) {
			continue
		}
		a := by[id]
		if a == nil {
			a = &acc{}
			by[id] = a
			order = append(order, id)
		}
		a.sx += x[i]
		a.sy += y[i]
		a.n++
	}
	if len(order) < 2 {
		return nil, nil, nil, nil, fmt.Errorf("plots: within/between plot needs at least 2 patients with data, found %d", len(order))
	}
	mx, my = make([]float64, len(order)), make([]float64, len(order))
	for j, id := range order {
		a := by[id]
		mx[j], my[j] = a.sx/a.n, a.sy/a.n
	}
	for i, id := range patient {
		if a := by[id]; a != nil && finite(x[i]) && finite(y[i]) {
			dx, dy = append(dx, x[i]-a.sx/a.n), append(dy, y[i]-a.sy/a.n)
		}
	}
	return mx, my, dx, dy, nil
}

// scatterBase is one panel of a within/between figure: open circles in
// colour c on nice axes, and the range of px for the lines drawn over it.
func scatterBase(th Theme, title, xlab, ylab string, px, py []float64, c color.Color) (p *plot.Plot, lo, hi float64, err error) {
	p = th.newPlot()
	p.Title.Text = title
	p.Title.TextStyle.Font.Size = th.FontSize
	p.X.Label.Text, p.Y.Label.Text = xlab, ylab
	p.X.Tick.Marker, p.Y.Tick.Marker = niceTicks{}, niceTicks{}
	pts, err := points(px, py, openCircle{}, 1.5, c)
	if err != nil {
		return nil, 0, 0, err
	}
	p.Add(pts)
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, v := range px {
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	return p, lo, hi, nil
}
