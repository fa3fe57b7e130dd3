package plots

import (
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	xfont "golang.org/x/image/font"
)

// Standard figure widths.
const (
	ColumnWidth = 3.5 * vg.Inch // one journal column
	PageWidth   = 7 * vg.Inch   // full page width
)

// Theme holds the typography shared by the builders. The zero value is not
// useful; start from DefaultTheme.
type Theme struct {
	// FontSize is the size of body text, tick labels and table cells.
	FontSize vg.Length
	// LineWidth is the width of data lines (whiskers, trajectories).
	LineWidth vg.Length
}

// DefaultTheme is 8-point Liberation Sans with 0.6-point lines, a size
// that survives reduction to a 3.5-inch journal column.
var DefaultTheme = Theme{FontSize: 8, LineWidth: 0.6}

// Grey levels used for fills; they are distinct after greyscale conversion.
var (
	black     = color.Gray{Y: 0}
	darkGrey  = color.Gray{Y: 0x55}
	midGrey   = color.Gray{Y: 0x99}
	lightGrey = color.Gray{Y: 0xcc}
	paleGrey  = color.Gray{Y: 0xe8}
	white     = color.Gray{Y: 0xff}
)

func (t Theme) orDefault() Theme {
	if t.FontSize <= 0 {
		t.FontSize = DefaultTheme.FontSize
	}
	if t.LineWidth <= 0 {
		t.LineWidth = DefaultTheme.LineWidth
	}
	return t
}

// face returns the theme's sans-serif font at the given size.
func (t Theme) font(size vg.Length, bold, italic bool) font.Font {
	f := font.Font{Typeface: "Liberation", Variant: "Sans", Size: size}
	if bold {
		f.Weight = xfont.WeightBold
	}
	if italic {
		f.Style = xfont.StyleItalic
	}
	return f
}

// textStyle returns a left-aligned text style at the theme's size.
func (t Theme) textStyle(bold bool) text.Style {
	return text.Style{
		Color:   black,
		Font:    font.From(t.font(t.FontSize, bold, false), t.FontSize),
		XAlign:  draw.XLeft,
		YAlign:  draw.YCenter,
		Handler: plot.DefaultTextHandler,
	}
}

// newPlot returns a plot with the theme's fonts on titles, axes and legend,
// no background grid, and a white background.
func (t Theme) newPlot() *plot.Plot {
	p := plot.New()
	body := font.From(t.font(t.FontSize, false, false), t.FontSize)
	p.Title.TextStyle.Font = font.From(t.font(t.FontSize+1, true, false), t.FontSize+1)
	p.Title.Padding = t.FontSize / 2
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font = body
		a.Tick.Label.Font = font.From(t.font(t.FontSize-1, false, false), t.FontSize-1)
		a.LineStyle.Width = 0.5
		a.Tick.LineStyle.Width = 0.5
		a.Tick.Length = 3
		a.Padding = 2
		a.Label.Padding = 2
	}
	p.Legend.TextStyle.Font = font.From(t.font(t.FontSize-1, false, false), t.FontSize-1)
	p.Legend.ThumbnailWidth = 14
	p.Legend.Padding = 1
	p.BackgroundColor = white
	return p
}

func lineStyle(w vg.Length, c color.Color, dashes ...vg.Length) draw.LineStyle {
	return draw.LineStyle{Color: c, Width: w, Dashes: dashes}
}
