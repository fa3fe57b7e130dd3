package plots

import (
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// KeyEntry is one entry of a Key.
type KeyEntry struct {
	Label string
	Thumb []plot.Thumbnailer
}

// Key is a legend drawn outside the data area, to the right of it and
// aligned with its top, so it never hides data (gonum's plot.Legend is
// drawn inside the data area). Its GlyphBoxes reserve the space.
type Key struct {
	Entries    []KeyEntry
	Style      text.Style
	ThumbWidth vg.Length
	// Gap separates the key from the data area.
	Gap vg.Length
}

func (k *Key) rowHeight() vg.Length { return k.Style.Height("Xg") * 1.25 }

func (k *Key) width() vg.Length {
	var w vg.Length
	for _, e := range k.Entries {
		w = max(w, k.Style.Width(e.Label))
	}
	return k.Gap + k.ThumbWidth + k.Style.Font.Size*0.4 + w
}

// Plot implements plot.Plotter.
func (k *Key) Plot(c draw.Canvas, p *plot.Plot) {
	rh := k.rowHeight()
	x0 := c.Max.X + k.Gap
	y := c.Max.Y
	st := k.Style
	st.XAlign, st.YAlign = draw.XLeft, draw.YCenter
	for _, e := range k.Entries {
		box := draw.Canvas{Canvas: c.Canvas, Rectangle: vg.Rectangle{
			Min: vg.Point{X: x0, Y: y - rh + rh*0.15},
			Max: vg.Point{X: x0 + k.ThumbWidth, Y: y - rh*0.15},
		}}
		for _, t := range e.Thumb {
			t.Thumbnail(&box)
		}
		c.FillText(st, vg.Point{X: x0 + k.ThumbWidth + k.Style.Font.Size*0.4, Y: y - rh/2}, e.Label)
		y -= rh
	}
}

// GlyphBoxes implements plot.GlyphBoxer: a box right of the data area.
func (k *Key) GlyphBoxes(p *plot.Plot) []plot.GlyphBox {
	if len(k.Entries) == 0 {
		return nil
	}
	return []plot.GlyphBox{{X: 1, Y: 1, Rectangle: vg.Rectangle{Max: vg.Point{X: k.width()}}}}
}

// newKey returns an empty key in the theme's style.
func (t Theme) newKey() *Key {
	st := t.textStyle(false)
	st.Font.Size = t.FontSize - 1
	return &Key{Style: st, ThumbWidth: t.FontSize * 1.6, Gap: t.FontSize * 0.8}
}

func (k *Key) add(label string, th ...plot.Thumbnailer) {
	k.Entries = append(k.Entries, KeyEntry{Label: label, Thumb: th})
}

// fillArea fills the whole data area (a background region).
type fillArea struct{ Fill color.Color }

// Plot implements plot.Plotter.
func (f *fillArea) Plot(c draw.Canvas, p *plot.Plot) {
	c.FillPolygon(f.Fill, []vg.Point{c.Min, {X: c.Max.X, Y: c.Min.Y}, c.Max, {X: c.Min.X, Y: c.Max.Y}})
}

// Thumbnail implements plot.Thumbnailer.
func (f *fillArea) Thumbnail(c *draw.Canvas) {
	pts := []vg.Point{c.Min, {X: c.Max.X, Y: c.Min.Y}, c.Max, {X: c.Min.X, Y: c.Max.Y}}
	c.FillPolygon(f.Fill, pts)
	c.StrokeLines(draw.LineStyle{Color: black, Width: 0.4}, append(pts, pts[0]))
}
