package plots

import (
	"fmt"
	"image/color"
	"math"
	"strings"

	"github.com/alliance-research/alliance/analysis/workflow"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// GOSH colours: metafor's out = colours (red: subsets with the study, blue:
// without), and black for one cloud.
var (
	goshRed  = color.NRGBA{R: 0xd7, G: 0x19, B: 0x1c, A: 0xff}
	goshBlue = color.NRGBA{R: 0x2c, G: 0x5a, B: 0xa0, A: 0xff}
)

// goshBins is the resolution of the binned cloud (bins along x and y).
const goshBinsX, goshBinsY = 240, 180

// DensityGrid is a Plotter of many points binned on a grid of Nx × Ny
// cells over [XMin, XMax] × [YMin, YMax]: each cell is filled with Color at
// opacity 1 − (1 − Alpha)^count, which is what count overlapping points of
// opacity Alpha would show. 10⁶ points thus draw as at most Nx·Ny
// rectangles.
type DensityGrid struct {
	Nx, Ny                 int
	XMin, XMax, YMin, YMax float64
	Count                  []int // Nx*Ny, row-major from the bottom-left
	Color                  color.NRGBA
	Alpha                  float64
}

// newDensityGrid bins the finite points (x[i], y[i]) with keep(i).
func newDensityGrid(x, y []float64, keep func(i int) bool, xr, yr [2]float64, c color.NRGBA, alpha float64) *DensityGrid {
	g := &DensityGrid{Nx: goshBinsX, Ny: goshBinsY, XMin: xr[0], XMax: xr[1], YMin: yr[0], YMax: yr[1], Color: c, Alpha: alpha}
	g.Count = make([]int, g.Nx*g.Ny)
	sx, sy := float64(g.Nx)/(xr[1]-xr[0]), float64(g.Ny)/(yr[1]-yr[0])
	for i := range x {
		if !finite(x[i]) || !finite(y[i]) || (keep != nil && !keep(i)) {
			continue
		}
		a := min(max(int((x[i]-xr[0])*sx), 0), g.Nx-1)
		b := min(max(int((y[i]-yr[0])*sy), 0), g.Ny-1)
		g.Count[b*g.Nx+a]++
	}
	return g
}

// Plot implements plot.Plotter.
func (g *DensityGrid) Plot(c draw.Canvas, p *plot.Plot) {
	tx, ty := p.Transforms(&c)
	dx, dy := (g.XMax-g.XMin)/float64(g.Nx), (g.YMax-g.YMin)/float64(g.Ny)
	for b := 0; b < g.Ny; b++ {
		for a := 0; a < g.Nx; a++ {
			n := g.Count[b*g.Nx+a]
			if n == 0 {
				continue
			}
			op := 1 - math.Pow(1-g.Alpha, float64(n))
			col := g.Color
			col.A = uint8(math.Round(255 * op))
			x0, x1 := tx(g.XMin+float64(a)*dx), tx(g.XMin+float64(a+1)*dx)
			y0, y1 := ty(g.YMin+float64(b)*dy), ty(g.YMin+float64(b+1)*dy)
			pts := c.ClipPolygonXY([]vg.Point{{X: x0, Y: y0}, {X: x1, Y: y0}, {X: x1, Y: y1}, {X: x0, Y: y1}})
			if len(pts) < 3 {
				continue
			}
			var path vg.Path
			path.Move(pts[0])
			for _, q := range pts[1:] {
				path.Line(q)
			}
			path.Close()
			c.SetColor(col)
			c.Fill(path)
		}
	}
}

// DataRange implements plot.DataRanger.
func (g *DensityGrid) DataRange() (xmin, xmax, ymin, ymax float64) {
	return g.XMin, g.XMax, g.YMin, g.YMax
}

// GoshFromSpec draws the GOSH plot of metafor's plot.gosh.rma: the pooled
// estimate (x) against I² (y) of every subset fit, with histograms and
// kernel densities of both along the top and the right. The cloud is
// binned (DensityGrid) with metafor's point opacity N^(−0.2), so a million
// fits draw as fast as a thousand. With s.Out ≥ 0 the subsets that include
// that study are red and the others blue, in the cloud and in the margins
// (metafor's out =).
func GoshFromSpec(s workflow.GoshSpec) (*Figure, error) {
	g := s.Gosh
	if g == nil || g.Subsets == 0 {
		return nil, fmt.Errorf("plots: GOSH plot without a GOSH analysis")
	}
	if s.Out >= g.K {
		return nil, fmt.Errorf("plots: GOSH plot: study %d of %d", s.Out+1, g.K)
	}
	x, y := g.Estimate, g.I2
	xr, yr := [2]float64{minFinite(x), maxFinite(x)}, [2]float64{minFinite(y), maxFinite(y)}
	if !finite(xr[0]) {
		return nil, fmt.Errorf("plots: GOSH plot: no subset could be fitted")
	}
	pad := func(r [2]float64, lo, hi float64) [2]float64 {
		w := r[1] - r[0]
		if w <= 0 {
			w = math.Max(1e-3, math.Abs(r[0])*0.1)
		}
		r[0], r[1] = r[0]-0.04*w, r[1]+0.04*w
		if !math.IsNaN(lo) {
			r[0] = math.Max(r[0], lo)
		}
		if !math.IsNaN(hi) {
			r[1] = math.Min(r[1], hi)
		}
		if r[1] <= r[0] {
			r[1] = r[0] + 1
		}
		return r
	}
	xr, yr = pad(xr, math.NaN(), math.NaN()), pad(yr, 0, 100)
	alpha := math.Pow(float64(g.Subsets), -0.2)
	th := DefaultTheme
	main := th.newPlot()
	main.X.Label.Text = "Pooled estimate"
	if g.Measure == "ZCOR" {
		main.X.Label.Text = "Pooled estimate (Fisher z)"
	}
	main.Y.Label.Text = "I² (%)"
	main.X.Tick.Marker, main.Y.Tick.Marker = niceTicks{}, niceTicks{integer: true}
	main.X.Min, main.X.Max, main.Y.Min, main.Y.Max = xr[0], xr[1], yr[0], yr[1]
	top, right := th.newPlot(), th.newPlot()
	top.HideAxes()
	right.HideAxes()
	top.BackgroundColor, right.BackgroundColor = nil, nil // they overlap the cloud's canvas
	top.X.Min, top.X.Max = xr[0], xr[1]
	right.Y.Min, right.Y.Max = yr[0], yr[1]

	type group struct {
		keep func(i int) bool
		col  color.NRGBA
	}
	groups := []group{{nil, color.NRGBA{A: 0xff}}}
	if s.Out >= 0 {
		out := s.Out
		groups = []group{
			{func(i int) bool { return !g.Included(i, out) }, goshBlue},
			{func(i int) bool { return g.Included(i, out) }, goshRed},
		}
	}
	var topMax, rightMax float64
	for _, gr := range groups {
		main.Add(newDensityGrid(x, y, gr.keep, xr, yr, gr.col, alpha))
		for axis, vals := range [][]float64{x, y} {
			rng := xr
			if axis == 1 {
				rng = yr
			}
			h, d := marginal(vals, gr.keep, rng)
			if h == nil {
				continue
			}
			fill := gr.col
			fill.A = 0x80
			line := gr.col
			line.A = 0xe6
			pl := top
			if axis == 1 {
				pl = right
			}
			bars, dens := h.plotters(fill, line, th.LineWidth*2, axis == 1, d)
			pl.Add(bars, dens)
			if axis == 0 {
				topMax = math.Max(topMax, h.max(d))
			} else {
				rightMax = math.Max(rightMax, h.max(d))
			}
		}
	}
	var leg *plot.Legend
	if s.Out >= 0 {
		lab := g.Labels[s.Out]
		l := plot.NewLegend()
		l.TextStyle = main.Legend.TextStyle
		l.ThumbnailWidth, l.Padding = main.Legend.ThumbnailWidth, main.Legend.Padding
		// the free corner above the right margin (goshLayout) is narrow: a
		// long study label is shortened to fit, the full one is in the caption
		room := goshCorner*goshSize - 10 - l.ThumbnailWidth - l.Padding
		l.Add(fitText(l.TextStyle, "with "+lab, room), swatch(goshRed))
		l.Add("without", swatch(goshBlue))
		l.Top, l.Left = true, true
		leg = &l
	}
	top.Y.Min, top.Y.Max = 0, 1.05*topMax
	right.X.Min, right.X.Max = 0, 1.05*rightMax
	f := &Figure{Panels: [][]*plot.Plot{{top, nil}, {main, right}}, Width: goshSize, Height: goshSize}
	f.layout = func(f *Figure, c draw.Canvas) { goshLayout(f, c, leg) }
	return f, nil
}

// goshSize is the figure's side; goshCorner the share of it the margins
// take.
const (
	goshSize   = 4.5 * vg.Inch
	goshCorner = 0.28
)

// fitText returns s, or s shortened with "…" so that it is at most w wide.
func fitText(st text.Style, s string, w vg.Length) string {
	if st.Width(s) <= w {
		return s
	}
	r := []rune(s)
	for len(r) > 1 && st.Width(string(r)+"…") > w {
		r = r[:len(r)-1]
	}
	return strings.TrimSpace(string(r)) + "…"
}

// goshLayout draws the GOSH panels: the cloud in the lower-left 72 %, the
// margins' data areas aligned with its data area.
func goshLayout(f *Figure, c draw.Canvas, leg *plot.Legend) {
	top, main, right := f.Panels[0][0], f.Panels[1][0], f.Panels[1][1]
	const hh = goshCorner
	r := c.Rectangle
	w, h := r.Max.X-r.Min.X, r.Max.Y-r.Min.Y
	mc := draw.Crop(c, 0, -vg.Length(hh)*w, 0, -vg.Length(hh)*h)
	main.Draw(mc)
	dc := main.DataCanvas(mc)
	gap := vg.Length(3)
	tc := draw.Canvas{Canvas: c.Canvas, Rectangle: vg.Rectangle{
		Min: vg.Point{X: dc.Min.X, Y: dc.Max.Y + gap}, Max: vg.Point{X: dc.Max.X, Y: r.Max.Y - 4}}}
	top.Draw(alignData(top, tc))
	rc := draw.Canvas{Canvas: c.Canvas, Rectangle: vg.Rectangle{
		Min: vg.Point{X: dc.Max.X + gap, Y: dc.Min.Y}, Max: vg.Point{X: r.Max.X - 4, Y: dc.Max.Y}}}
	right.Draw(alignData(right, rc))
	if leg != nil {
		// in the free corner above the right margin
		cc := draw.Canvas{Canvas: c.Canvas, Rectangle: vg.Rectangle{
			Min: vg.Point{X: dc.Max.X + gap, Y: dc.Max.Y + gap}, Max: vg.Point{X: r.Max.X - 2, Y: r.Max.Y - 4}}}
		leg.Draw(cc)
	}
}

// alignData widens want so that p's data area (inside its padding) is
// exactly want's rectangle.
func alignData(p *plot.Plot, want draw.Canvas) draw.Canvas {
	d := p.DataCanvas(want)
	out := want
	out.Min.X -= d.Min.X - want.Min.X
	out.Min.Y -= d.Min.Y - want.Min.Y
	out.Max.X += want.Max.X - d.Max.X
	out.Max.Y += want.Max.Y - d.Max.Y
	return out
}

// hist is a histogram with Sturges' number of equal-width bins over a
// range, normalised to a density (metafor: hist(..., breaks = "Sturges")).
type hist struct {
	lo, w float64
	dens  []float64
}

// marginal returns the histogram of the kept finite values and their
// Gaussian kernel density (bandwidth bw.nrd0) on 256 points of rng; nil
// when fewer than two values are kept.
func marginal(v []float64, keep func(i int) bool, rng [2]float64) (*hist, plotter.XYs) {
	// a fine histogram gives the counts, the quartiles and the density
	const fine = 2048
	fw := (rng[1] - rng[0]) / fine
	cnt := make([]float64, fine)
	var n, sum, sum2 float64
	for i, x := range v {
		if !finite(x) || (keep != nil && !keep(i)) {
			continue
		}
		b := min(max(int((x-rng[0])/fw), 0), fine-1)
		cnt[b]++
		n++
		sum += x
		sum2 += x * x
	}
	if n < 2 {
		return nil, nil
	}
	nb := int(math.Ceil(math.Log2(n) + 1))
	h := &hist{lo: rng[0], w: (rng[1] - rng[0]) / float64(nb), dens: make([]float64, nb)}
	for b, c := range cnt {
		j := min(int((float64(b)+0.5)*fw/h.w), nb-1)
		h.dens[j] += c
	}
	for j := range h.dens {
		h.dens[j] /= n * h.w
	}
	quant := func(q float64) float64 {
		acc := 0.0
		for b, c := range cnt {
			acc += c
			if acc >= q*n {
				return rng[0] + (float64(b)+0.5)*fw
			}
		}
		return rng[1]
	}
	sd := math.Sqrt(math.Max(0, (sum2-sum*sum/n)/(n-1)))
	iqr := quant(0.75) - quant(0.25)
	bw := 0.9 * math.Min(sd, iqr/1.34) * math.Pow(n, -0.2)
	if !(bw > 0) {
		bw = math.Max(sd, fw) * math.Pow(n, -0.2)
	}
	if !(bw > 0) {
		bw = fw
	}
	const npts = 256
	d := make(plotter.XYs, npts)
	for k := range d {
		x := rng[0] + (rng[1]-rng[0])*float64(k)/(npts-1)
		var s float64
		for b, c := range cnt {
			if c == 0 {
				continue
			}
			z := (x - (rng[0] + (float64(b)+0.5)*fw)) / bw
			if z > -6 && z < 6 {
				s += c * math.Exp(-0.5*z*z)
			}
		}
		d[k] = plotter.XY{X: x, Y: s / (n * bw * math.Sqrt(2*math.Pi))}
	}
	return h, d
}

func (h *hist) max(d plotter.XYs) float64 {
	m := 0.0
	for _, v := range h.dens {
		m = math.Max(m, v)
	}
	for _, p := range d {
		m = math.Max(m, p.Y)
	}
	return m
}

// plotters returns the histogram bars (white borders, as metafor) and the
// density line; vertical draws them along the y axis (the right margin).
func (h *hist) plotters(fill, line color.NRGBA, lw vg.Length, vertical bool, d plotter.XYs) (plot.Plotter, plot.Plotter) {
	var bars []plotter.XYer
	for j, v := range h.dens {
		if v == 0 {
			continue
		}
		a, b := h.lo+float64(j)*h.w, h.lo+float64(j+1)*h.w
		r := plotter.XYs{{X: a, Y: 0}, {X: b, Y: 0}, {X: b, Y: v}, {X: a, Y: v}}
		if vertical {
			for k := range r {
				r[k].X, r[k].Y = r[k].Y, r[k].X
			}
		}
		bars = append(bars, r)
	}
	poly, _ := plotter.NewPolygon(bars...)
	poly.Color = fill
	poly.LineStyle = lineStyle(0.4, white)
	dd := make(plotter.XYs, len(d))
	copy(dd, d)
	if vertical {
		for k := range dd {
			dd[k].X, dd[k].Y = dd[k].Y, dd[k].X
		}
	}
	l, _ := plotter.NewLine(dd)
	l.LineStyle = lineStyle(lw, line)
	return poly, l
}

// swatch is a legend thumbnail: a square of a colour.
type swatch color.NRGBA

// Thumbnail implements plot.Thumbnailer.
func (s swatch) Thumbnail(c *draw.Canvas) {
	r := c.Rectangle
	side := min(r.Max.X-r.Min.X, r.Max.Y-r.Min.Y)
	cx, cy := (r.Min.X+r.Max.X)/2, (r.Min.Y+r.Max.Y)/2
	var p vg.Path
	p.Move(vg.Point{X: cx - side/2, Y: cy - side/2})
	p.Line(vg.Point{X: cx + side/2, Y: cy - side/2})
	p.Line(vg.Point{X: cx + side/2, Y: cy + side/2})
	p.Line(vg.Point{X: cx - side/2, Y: cy + side/2})
	p.Close()
	c.SetColor(color.NRGBA(s))
	c.Fill(p)
}
