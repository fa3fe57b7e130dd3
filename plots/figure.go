package plots

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"reflect"
	"strings"
	"time"
	"unsafe"

	"codeberg.org/go-pdf/fpdf"
	"github.com/alliance-research/alliance/datasets/fileout"
	xfont "golang.org/x/image/font"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgpdf"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Figure is one or more plot panels laid out in a grid, with a size.
type Figure struct {
	// Panels holds the plots row by row; a single-panel figure is
	// [][]*plot.Plot{{p}}. Panels are aligned with plot.Align.
	Panels [][]*plot.Plot
	// Width and Height are the figure size.
	Width, Height vg.Length
	// DPI is the PNG resolution (default 300). It is lowered for very large
	// figures so that the image stays below 40 megapixels.
	DPI float64
	// SVGFontsByName writes SVG text with font-family names and generic
	// fallbacks (Liberation Sans, Arial, Helvetica, sans-serif) instead of
	// embedding the font files: smaller files, but the layout then depends on
	// a metric-compatible font being installed. The default embeds.
	SVGFontsByName bool

	// parts holds the builder's elements for tests of its geometry.
	parts any
	// layout, if set, draws the panels instead of the equal tiles (the
	// GOSH plot's margins).
	layout func(f *Figure, c draw.Canvas)
}

// Plot returns the first panel, for single-panel figures.
func (f *Figure) Plot() *plot.Plot {
	if f == nil || len(f.Panels) == 0 || len(f.Panels[0]) == 0 {
		return nil
	}
	return f.Panels[0][0]
}

// Draw draws the figure's panels on c.
func (f *Figure) Draw(c draw.Canvas) {
	rows := len(f.Panels)
	if rows == 0 {
		return
	}
	c.SetColor(white)
	c.Fill(c.Rectangle.Path())
	if f.layout != nil {
		f.layout(f, c)
		return
	}
	if rows == 1 && len(f.Panels[0]) == 1 {
		f.Panels[0][0].Draw(c)
		return
	}
	cols := 0
	for _, r := range f.Panels {
		cols = max(cols, len(r))
	}
	grid := make([][]*plot.Plot, rows)
	for i, r := range f.Panels {
		grid[i] = make([]*plot.Plot, cols)
		copy(grid[i], r)
	}
	t := draw.Tiles{Rows: rows, Cols: cols, PadX: 6, PadY: 6, PadTop: 2, PadBottom: 2, PadLeft: 2, PadRight: 2}
	cs := plot.Align(grid, t, c)
	for i := range grid {
		for j, p := range grid[i] {
			if p != nil {
				p.Draw(cs[i][j])
			}
		}
	}
}

// Save writes the figure to path in the format given by its extension
// (.png, .svg or .pdf, case-insensitive). The file is written to a
// temporary file in the same directory and renamed (fileout.WriteFile), so
// a failed write never leaves a partial figure.
func (f *Figure) Save(path string) error {
	format := strings.TrimPrefix(strings.ToLower(filepath.Ext(path)), ".")
	switch format {
	case "png", "svg", "pdf":
	default:
		return fmt.Errorf("plots: %s: unknown figure format %q (use a .png, .svg or .pdf file name)", path, filepath.Ext(path))
	}
	var buf bytes.Buffer
	if err := f.Encode(&buf, format); err != nil {
		return fmt.Errorf("plots: %s: %w", path, err)
	}
	if err := fileout.WriteFile(path, buf.Bytes()); err != nil {
		return fmt.Errorf("plots: %w", err)
	}
	return nil
}

// Encode writes the figure to w as "png", "svg" or "pdf". The bytes depend
// only on the figure: see the package documentation.
func (f *Figure) Encode(w io.Writer, format string) (err error) {
	if f == nil || len(f.Panels) == 0 {
		return fmt.Errorf("plots: empty figure")
	}
	if !(f.Width > 0 && f.Height > 0) {
		return fmt.Errorf("plots: figure size %v × %v must be positive", f.Width, f.Height)
	}
	// gonum/plot's canvases panic on some internal errors (for example a
	// corrupt font); turn those into errors at the package boundary.
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("plots: drawing the %s figure failed: %v", format, r)
		}
	}()
	switch strings.ToLower(format) {
	case "png":
		dpi := f.DPI
		if dpi <= 0 {
			dpi = 300
		}
		const maxPixels = 40e6
		if px := float64(f.Width/vg.Inch) * float64(f.Height/vg.Inch) * dpi * dpi; px > maxPixels {
			dpi = math.Floor(dpi * math.Sqrt(maxPixels/px))
		}
		c := vgimg.NewWith(vgimg.UseWH(f.Width, f.Height), vgimg.UseDPI(int(dpi)))
		f.Draw(draw.New(c))
		_, err = vgimg.PngCanvas{Canvas: c}.WriteTo(w)
		return err
	case "svg":
		c := vgsvg.NewWith(vgsvg.UseWH(f.Width, f.Height), vgsvg.EmbedFonts(!f.SVGFontsByName))
		f.Draw(draw.New(c))
		var buf bytes.Buffer
		if _, err = c.WriteTo(&buf); err != nil {
			return err
		}
		_, err = w.Write(svgFallbackFonts(buf.Bytes()))
		return err
	case "pdf":
		c := vgpdf.New(f.Width, f.Height)
		c.EmbedFonts(true)
		if err = fixPDF(c); err != nil {
			return err
		}
		f.Draw(draw.New(cp1252Canvas{c}))
		_, err = c.WriteTo(w)
		return err
	}
	return fmt.Errorf("plots: unknown figure format %q (use png, svg or pdf)", format)
}

// pdfEpoch is the creation and modification date written into every PDF, so
// that the same figure gives the same bytes.
var pdfEpoch = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// fixPDF makes vgpdf's output deterministic: fpdf stamps the current time
// as the creation date and, unless asked, writes font objects in map order.
// vgpdf keeps its *fpdf.Fpdf unexported, so it is reached by reflection; if
// a future gonum/plot renames the field the error says so (and the
// determinism test fails) rather than writing nondeterministic files.
func fixPDF(c *vgpdf.Canvas) error {
	v := reflect.ValueOf(c).Elem().FieldByName("doc")
	if !v.IsValid() || v.Type() != reflect.TypeOf((*fpdf.Fpdf)(nil)) {
		return fmt.Errorf("plots: cannot make the PDF deterministic with this version of gonum.org/v1/plot/vg/vgpdf (no doc *fpdf.Fpdf field); use PNG or SVG")
	}
	doc := reflect.NewAt(v.Type(), unsafe.Pointer(v.UnsafeAddr())).Elem().Interface().(*fpdf.Fpdf)
	doc.SetCreationDate(pdfEpoch)
	doc.SetModificationDate(pdfEpoch)
	doc.SetCatalogSort(true)
	doc.SetProducer("alliance (gonum.org/v1/plot)", true)
	return nil
}

// cp1252Canvas encodes text for vgpdf, whose embedded fonts use code page
// 1252 but which passes UTF-8 strings through unchanged (so "ü" would print
// as two wrong glyphs). Runes outside the code page print as "?".
type cp1252Canvas struct{ *vgpdf.Canvas }

var pdfReplacer = strings.NewReplacer("\u2212", "-", "\u03c4", "tau", "\u2009", " ", "\u202f", " ", "\u00a0", " ", "\u2264", "<=", "\u2265", ">=")

func (c cp1252Canvas) FillString(f font.Face, pt vg.Point, s string) {
	// vgpdf registers every font with an empty fpdf style but selects bold
	// and italic faces with style "B"/"I", which fpdf then cannot find. Give
	// such faces a distinct name and a plain style instead; the glyphs and
	// metrics still come from f.Face.
	if f.Font.Weight != xfont.WeightNormal || f.Font.Style != xfont.StyleNormal {
		f.Font.Variant += font.Variant(fmt.Sprintf("-w%d-s%d", f.Font.Weight, f.Font.Style))
		f.Font.Weight, f.Font.Style = xfont.WeightNormal, xfont.StyleNormal
	}
	s = pdfReplacer.Replace(s)
	if t, err := encoding.ReplaceUnsupported(charmap.Windows1252.NewEncoder()).String(s); err == nil {
		s = t
	}
	c.Canvas.FillString(f, pt, s)
}

// svgFallbackFonts adds generic fallbacks after the Liberation family names
// in SVG style attributes (Liberation Sans is metric-compatible with Arial and
// Helvetica), leaving the @font-face declarations alone.
func svgFallbackFonts(b []byte) []byte {
	return bytes.ReplaceAll(b, []byte("font-family:Liberation Sans;"),
		[]byte("font-family:'Liberation Sans',Arial,Helvetica,sans-serif;"))
}
