package plots

import (
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// noRange is the DataRange of a plotter that does not constrain an axis:
// plot.Add takes math.Min/math.Max with the current limits.
var noMin, noMax = math.Inf(1), math.Inf(-1)

// CIRows draws horizontal confidence intervals: a whisker from Lower to
// Upper and a filled square at Estimate for each row, at height Y. Squares
// have area proportional to Weight (side ∝ √weight, between MinSize and
// MaxSize), as in the forest plots of Lewis & Clarke (2001) and the meta
// package; without weights every square has side MinSize.
//
// When Clip is true, whiskers that extend beyond the x-axis limits of the
// plot are cut at the limit and end in an arrow.
type CIRows struct {
	Y, Estimate, Lower, Upper []float64
	// Weight sets marker sizes; nil or non-positive values give MinSize.
	Weight []float64
	// MinSize and MaxSize are the smallest and largest square sides.
	MinSize, MaxSize vg.Length
	// Hollow draws open squares (white fill, outlined).
	Hollow    bool
	LineStyle draw.LineStyle
	Color     color.Color
	Clip      bool
}

// Len returns the number of rows.
func (r *CIRows) Len() int { return len(r.Y) }

// Plot implements plot.Plotter.
func (r *CIRows) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	xmin, xmax := c.Min.X, c.Max.X
	col := r.Color
	if col == nil {
		col = black
	}
	ls := r.LineStyle
	if ls.Color == nil {
		ls.Color = col
	}
	sides := r.sides()
	for i, y := range r.Y {
		if !finite(y) || !finite(r.Estimate[i]) {
			continue
		}
		yy := trY(y)
		if finite(r.Lower[i]) && finite(r.Upper[i]) {
			x0, x1 := trX(r.Lower[i]), trX(r.Upper[i])
			arrowL, arrowR := false, false
			if r.Clip {
				if x0 < xmin {
					x0, arrowL = xmin, true
				}
				if x1 > xmax {
					x1, arrowR = xmax, true
				}
			}
			if x1 > x0 {
				c.StrokeLine2(ls, x0, yy, x1, yy)
			}
			a := max(sides[i], r.MinSize) * 0.6
			if arrowL {
				c.FillPolygon(ls.Color, []vg.Point{{X: x0, Y: yy}, {X: x0 + a, Y: yy + a/2}, {X: x0 + a, Y: yy - a/2}})
			}
			if arrowR {
				c.FillPolygon(ls.Color, []vg.Point{{X: x1, Y: yy}, {X: x1 - a, Y: yy + a/2}, {X: x1 - a, Y: yy - a/2}})
			}
		}
		x := trX(r.Estimate[i])
		if r.Clip && (x < xmin || x > xmax) {
			continue
		}
		h := sides[i] / 2
		sq := []vg.Point{{X: x - h, Y: yy - h}, {X: x + h, Y: yy - h}, {X: x + h, Y: yy + h}, {X: x - h, Y: yy + h}}
		if r.Hollow {
			c.FillPolygon(white, sq)
			c.StrokeLines(ls, append(sq, sq[0]))
		} else {
			c.FillPolygon(col, sq)
		}
	}
}

func (r *CIRows) sides() []vg.Length {
	s := make([]vg.Length, len(r.Y))
	wmax := 0.0
	for _, w := range r.Weight {
		if w > wmax {
			wmax = w
		}
	}
	for i := range s {
		s[i] = r.MinSize
		if r.Weight != nil && r.Weight[i] > 0 && wmax > 0 {
			s[i] = max(r.MinSize, r.MaxSize*vg.Length(math.Sqrt(r.Weight[i]/wmax)))
		}
	}
	return s
}

// DataRange implements plot.DataRanger: the extent of the intervals and
// estimates (non-finite values are skipped).
func (r *CIRows) DataRange() (xmin, xmax, ymin, ymax float64) {
	xmin, xmax, ymin, ymax = noMin, noMax, noMin, noMax
	for i, y := range r.Y {
		for _, x := range []float64{r.Estimate[i], r.Lower[i], r.Upper[i]} {
			if finite(x) {
				xmin, xmax = math.Min(xmin, x), math.Max(xmax, x)
			}
		}
		if finite(y) {
			ymin, ymax = math.Min(ymin, y), math.Max(ymax, y)
		}
	}
	return
}

// GlyphBoxes implements plot.GlyphBoxer: the squares.
func (r *CIRows) GlyphBoxes(p *plot.Plot) []plot.GlyphBox {
	sides := r.sides()
	var b []plot.GlyphBox
	for i, y := range r.Y {
		if !finite(y) || !finite(r.Estimate[i]) {
			continue
		}
		x := p.X.Norm(r.Estimate[i])
		if r.Clip && (x < 0 || x > 1) {
			continue
		}
		h := sides[i] / 2
		b = append(b, plot.GlyphBox{X: x, Y: p.Y.Norm(y), Rectangle: vg.Rectangle{Min: vg.Point{X: -h, Y: -h}, Max: vg.Point{X: h, Y: h}}})
	}
	return b
}

// Diamond draws a summary estimate as a diamond spanning its confidence
// interval at height Y, and, when PILower and PIUpper are finite, the
// prediction interval as a line with end ticks through the diamond (Riley,
// Higgins & Deeks 2011; metafor's addpred).
type Diamond struct {
	Y, Estimate, Lower, Upper float64
	PILower, PIUpper          float64
	// Height is the diamond's full height.
	Height    vg.Length
	Fill      color.Color
	LineStyle draw.LineStyle
	// PIStyle draws the prediction interval.
	PIStyle draw.LineStyle
}

// Plot implements plot.Plotter.
func (d *Diamond) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	y := trY(d.Y)
	h := d.Height / 2
	if finite(d.PILower) && finite(d.PIUpper) {
		x0, x1 := trX(d.PILower), trX(d.PIUpper)
		c.StrokeLine2(d.PIStyle, x0, y, x1, y)
		c.StrokeLine2(d.PIStyle, x0, y-h/2, x0, y+h/2)
		c.StrokeLine2(d.PIStyle, x1, y-h/2, x1, y+h/2)
	}
	pts := []vg.Point{{X: trX(d.Lower), Y: y}, {X: trX(d.Estimate), Y: y + h}, {X: trX(d.Upper), Y: y}, {X: trX(d.Estimate), Y: y - h}}
	fill := d.Fill
	if fill == nil {
		fill = black
	}
	c.FillPolygon(fill, pts)
	if d.LineStyle.Width > 0 {
		c.StrokeLines(d.LineStyle, append(pts, pts[0]))
	}
}

// DataRange implements plot.DataRanger.
func (d *Diamond) DataRange() (xmin, xmax, ymin, ymax float64) {
	xmin, xmax = d.Lower, d.Upper
	if finite(d.PILower) && finite(d.PIUpper) {
		xmin, xmax = math.Min(xmin, d.PILower), math.Max(xmax, d.PIUpper)
	}
	return xmin, xmax, d.Y, d.Y
}

// TextColumn draws one column of a table beside the data area: Text[i] at
// height Y[i], aligned (XAlign) at Offset from the data area's left edge
// (Anchor 0) or right edge (Anchor 1). Negative offsets lie to the left.
// GlyphBoxes reserves the space, so plot.Plot shrinks the data area to make
// room for the column.
type TextColumn struct {
	Y      []float64
	Text   []string
	Anchor float64
	Offset vg.Length
	XAlign draw.XAlignment
	Style  text.Style
	// Bold, if non-nil, selects BoldStyle for some rows.
	Bold      []bool
	BoldStyle text.Style
	// Overflow lets the text run into the data area: the column reserves
	// no space (used for notes under a summary row).
	Overflow bool
}

func (t *TextColumn) style(i int) text.Style {
	s := t.Style
	if t.Bold != nil && t.Bold[i] {
		s = t.BoldStyle
	}
	s.XAlign = t.XAlign
	s.YAlign = draw.YCenter
	return s
}

// Plot implements plot.Plotter.
func (t *TextColumn) Plot(c draw.Canvas, p *plot.Plot) {
	_, trY := p.Transforms(&c)
	x := c.Min.X + vg.Length(t.Anchor)*(c.Max.X-c.Min.X) + t.Offset
	for i, s := range t.Text {
		if s == "" || !finite(t.Y[i]) {
			continue
		}
		c.FillText(t.style(i), vg.Point{X: x, Y: trY(t.Y[i])}, s)
	}
}

// DataRange implements plot.DataRanger; the column constrains only y.
func (t *TextColumn) DataRange() (xmin, xmax, ymin, ymax float64) {
	xmin, xmax, ymin, ymax = noMin, noMax, noMin, noMax
	for _, y := range t.Y {
		if finite(y) {
			ymin, ymax = math.Min(ymin, y), math.Max(ymax, y)
		}
	}
	return
}

// GlyphBoxes implements plot.GlyphBoxer.
func (t *TextColumn) GlyphBoxes(p *plot.Plot) []plot.GlyphBox {
	var b []plot.GlyphBox
	if t.Overflow {
		return nil
	}
	for i, s := range t.Text {
		if s == "" || !finite(t.Y[i]) {
			continue
		}
		st := t.style(i)
		r := st.Rectangle(s)
		r.Min.X += t.Offset
		r.Max.X += t.Offset
		b = append(b, plot.GlyphBox{X: t.Anchor, Y: p.Y.Norm(t.Y[i]), Rectangle: r})
	}
	return b
}

// Width returns the width of the widest cell.
func (t *TextColumn) Width() vg.Length {
	var w vg.Length
	for i, s := range t.Text {
		w = max(w, t.style(i).Width(s))
	}
	return w
}

// VLine is a vertical reference line at X from Y0 to Y1 (data units); when
// Y0 and Y1 are both NaN it spans the data area.
type VLine struct {
	X, Y0, Y1 float64
	LineStyle draw.LineStyle
}

// Plot implements plot.Plotter.
func (l *VLine) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	y0, y1 := c.Min.Y, c.Max.Y
	if finite(l.Y0) && finite(l.Y1) {
		y0, y1 = trY(l.Y0), trY(l.Y1)
	}
	x := trX(l.X)
	if x < c.Min.X-0.01 || x > c.Max.X+0.01 {
		return
	}
	c.StrokeLine2(l.LineStyle, x, y0, x, y1)
}

// DataRange implements plot.DataRanger.
func (l *VLine) DataRange() (xmin, xmax, ymin, ymax float64) {
	ymin, ymax = noMin, noMax
	if finite(l.Y0) && finite(l.Y1) {
		ymin, ymax = math.Min(l.Y0, l.Y1), math.Max(l.Y0, l.Y1)
	}
	return l.X, l.X, ymin, ymax
}

// Rule is a horizontal table rule at height Y from Left (an offset from the
// data area's left edge) to Right (an offset from its right edge).
type Rule struct {
	Y           float64
	Left, Right vg.Length
	LineStyle   draw.LineStyle
}

// Plot implements plot.Plotter.
func (r *Rule) Plot(c draw.Canvas, p *plot.Plot) {
	_, trY := p.Transforms(&c)
	y := trY(r.Y)
	c.StrokeLine2(r.LineStyle, c.Min.X+r.Left, y, c.Max.X+r.Right, y)
}

// DataRange implements plot.DataRanger; a rule constrains only y.
func (r *Rule) DataRange() (xmin, xmax, ymin, ymax float64) {
	return noMin, noMax, r.Y, r.Y
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
