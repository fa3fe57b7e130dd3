package plots

import (
	"fmt"
	"image/color"

	"gonum.org/v1/gonum/stat/distuv"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Size is a figure size; zero fields take the builder's default.
type Size struct {
	Width, Height vg.Length
}

func (s Size) or(w, h vg.Length) (vg.Length, vg.Length) {
	if s.Width > 0 {
		w = s.Width
	}
	if s.Height > 0 {
		h = s.Height
	}
	return w, h
}

// single wraps one plot in a Figure.
func single(p *plot.Plot, w, h vg.Length) *Figure {
	return &Figure{Panels: [][]*plot.Plot{{p}}, Width: w, Height: h}
}

// xys copies the finite (x, y) pairs.
func xys(x, y []float64) plotter.XYs {
	out := make(plotter.XYs, 0, len(x))
	for i := range x {
		if finite(x[i]) && finite(y[i]) {
			out = append(out, plotter.XY{X: x[i], Y: y[i]})
		}
	}
	return out
}

// points returns a scatter of the finite pairs with the given glyph.
func points(x, y []float64, shape draw.GlyphDrawer, radius vg.Length, c color.Color) (*plotter.Scatter, error) {
	s, err := plotter.NewScatter(xys(x, y))
	if err != nil {
		return nil, fmt.Errorf("plots: %w", err)
	}
	s.GlyphStyle = draw.GlyphStyle{Shape: shape, Radius: radius, Color: c}
	return s, nil
}

// line returns a polyline through the finite pairs.
func line(x, y []float64, ls draw.LineStyle) (*plotter.Line, error) {
	l, err := plotter.NewLine(xys(x, y))
	if err != nil {
		return nil, fmt.Errorf("plots: %w", err)
	}
	l.LineStyle = ls
	return l, nil
}

// band returns a filled polygon between lower and upper curves over x.
func band(x, lo, hi []float64, fill color.Color) (*plotter.Polygon, error) {
	pts := make(plotter.XYs, 0, 2*len(x))
	for i := range x {
		if finite(x[i]) && finite(lo[i]) && finite(hi[i]) {
			pts = append(pts, plotter.XY{X: x[i], Y: hi[i]})
		}
	}
	for i := len(x) - 1; i >= 0; i-- {
		if finite(x[i]) && finite(lo[i]) && finite(hi[i]) {
			pts = append(pts, plotter.XY{X: x[i], Y: lo[i]})
		}
	}
	pg, err := plotter.NewPolygon(pts)
	if err != nil {
		return nil, fmt.Errorf("plots: %w", err)
	}
	pg.Color = fill
	pg.LineStyle.Width = 0
	return pg, nil
}

// openCircle is a circle filled white and outlined, so that it stays
// visible over lines and bands and reads as "hollow" in greyscale.
type openCircle struct{}

// DrawGlyph implements draw.GlyphDrawer.
func (openCircle) DrawGlyph(c *draw.Canvas, sty draw.GlyphStyle, pt vg.Point) {
	c.SetColor(white)
	var p vg.Path
	p.Move(vg.Point{X: pt.X + sty.Radius, Y: pt.Y})
	p.Arc(pt, sty.Radius, 0, 2*3.141592653589793)
	p.Close()
	c.Fill(p)
	c.SetLineStyle(draw.LineStyle{Color: sty.Color, Width: 0.5})
	c.Stroke(p)
}

// sameLen checks that all slices have length n.
func sameLen(what string, n int, s ...[]float64) error {
	for _, x := range s {
		if x != nil && len(x) != n {
			return fmt.Errorf("plots: %s: inputs differ in length (%d and %d)", what, n, len(x))
		}
	}
	return nil
}

// withAlpha returns a translucent grey.
func withAlpha(g color.Gray, a uint8) color.Color {
	return color.NRGBA{R: g.Y, G: g.Y, B: g.Y, A: a}
}

// critZ returns qnorm(1 − (1 − level)/2).
func critZ(level float64) (float64, error) {
	if !(level > 0 && level < 1) {
		return 0, fmt.Errorf("plots: confidence level %v must lie in (0, 1)", level)
	}
	return distuv.UnitNormal.Quantile(1 - (1-level)/2), nil
}
