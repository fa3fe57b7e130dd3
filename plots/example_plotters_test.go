package plots_test

import (
	"bytes"
	"fmt"
	"image/color"
	"math"
	"os"
	"path/filepath"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/alliance-research/alliance/plots"
)

// The plotters below are the pieces the figure builders are made of; a
// user adds them to a gonum plot.Plot like any plotter.Plotter. Their data
// ranges are stated in the comments by hand from the fields.

// rendered reports whether p renders as SVG with its plotters.
func rendered(p *plot.Plot) bool {
	w, err := p.WriterTo(4*vg.Inch, 3*vg.Inch, "svg")
	if err != nil {
		return false
	}
	var b bytes.Buffer
	_, err = w.WriteTo(&b)
	return err == nil && bytes.Contains(b.Bytes(), []byte("<svg"))
}

// ciRows are three studies' Fisher z values with 95% CIs (z ± 1.96·SE).
func ciRows() *plots.CIRows {
	return &plots.CIRows{
		Y:        []float64{3, 2, 1},
		Estimate: []float64{0.29, 0.12, 0.41},
		Lower:    []float64{0.10, -0.05, 0.18},
		Upper:    []float64{0.48, 0.29, 0.64},
		Weight:   []float64{40, 35, 25},
		MinSize:  3, MaxSize: 9,
	}
}

// The range spans the whiskers (−0.05 … 0.64) and the rows (1 … 3).
func ExampleCIRows_DataRange() {
	fmt.Println(ciRows().DataRange())
	// Output:
	// -0.05 0.64 1 3
}

func ExampleCIRows_Len() {
	fmt.Println(ciRows().Len())
	// Output:
	// 3
}

// One glyph box per row, sized to its square, so that the plot leaves room
// for the largest square.
func ExampleCIRows_GlyphBoxes() {
	p := plot.New()
	fmt.Println(len(ciRows().GlyphBoxes(p)))
	// Output:
	// 3
}

func ExampleCIRows_Plot() {
	p := plot.New()
	p.Add(ciRows())
	fmt.Println(rendered(p))
	// Output:
	// true
}

// summary is Flückiger et al.'s (2018) r = .278 [.256, .299] with a
// prediction interval [.10, .44].
func summary() *plots.Diamond {
	return &plots.Diamond{Y: 0, Estimate: 0.278, Lower: 0.256, Upper: 0.299, PILower: 0.10, PIUpper: 0.44, Height: 8}
}

// The range spans the prediction interval (.10 … .44) when there is one,
// at the diamond's height 0.
func ExampleDiamond_DataRange() {
	fmt.Println(summary().DataRange())
	// Output:
	// 0.1 0.44 0 0
}

func ExampleDiamond_Plot() {
	p := plot.New()
	p.Add(summary())
	fmt.Println(rendered(p))
	// Output:
	// true
}

// region is the 95% pseudo-confidence region around z = 0.15 for standard
// errors up to 0.14.
func region() *plots.FunnelRegion {
	return &plots.FunnelRegion{Centre: 0.15, Z: 1.96, SEMax: 0.14, Fill: color.Gray{Y: 230}}
}

// By hand: 0.15 ∓ 1.96 · 0.1 = −0.046, 0.346.
func ExampleFunnelRegion_Bounds() {
	lo, hi := region().Bounds(0.1)
	fmt.Printf("%.4f %.4f\n", lo, hi)
	// Output:
	// -0.0460 0.3460
}

// The triangle's vertices: bottom left (0.15 − 1.96·0.14), the apex at
// SE 0, bottom right.
func ExampleFunnelRegion_Polygon() {
	for _, v := range region().Polygon() {
		fmt.Printf("(%.4f, %.2f) ", v.X, v.Y)
	}
	fmt.Println()
	// Output:
	// (-0.1244, 0.14) (0.1500, 0.00) (0.4244, 0.14)
}

func ExampleFunnelRegion_DataRange() {
	xmin, xmax, ymin, ymax := region().DataRange()
	fmt.Printf("%.4f %.4f %.2f %.2f\n", xmin, xmax, ymin, ymax)
	// Output:
	// -0.1244 0.4244 0.00 0.14
}

func ExampleFunnelRegion_Plot() {
	p := plot.New()
	p.Add(region())
	fmt.Println(rendered(p))
	// Output:
	// true
}

// The region's legend thumbnail, as plot.Legend draws it.
func ExampleFunnelRegion_Thumbnail() {
	p := plot.New()
	r := region()
	p.Add(r)
	p.Legend.Add("p < .05", r)
	fmt.Println(rendered(p))
	// Output:
	// true
}

// band is the reliable-change band ±1.96·S_diff with S_diff = 4 (half
// width 7.84) over pre scores 10 … 35.
func band() *plots.RCBand {
	return &plots.RCBand{HalfWidth: 7.84, Min: 10, Max: 35, Fill: draw.LineStyle{Color: color.Gray{Y: 220}}}
}

// The band covers the pre range 10 … 35 on x and leaves y to the data
// (+Inf, −Inf: no constraint), so it never stretches the post axis.
func ExampleRCBand_DataRange() {
	xmin, xmax, ymin, ymax := band().DataRange()
	fmt.Printf("%.2f %.2f %.2f %.2f\n", xmin, xmax, ymin, ymax)
	// Output:
	// 10.00 35.00 +Inf -Inf
}

func ExampleRCBand_Plot() {
	p := plot.New()
	p.Add(band())
	fmt.Println(rendered(p))
	// Output:
	// true
}

func ExampleRCBand_Thumbnail() {
	p := plot.New()
	b := band()
	p.Add(b)
	p.Legend.Add("no reliable change", b)
	fmt.Println(rendered(p))
	// Output:
	// true
}

// A table rule is tied to a height only: no constraint on x (+Inf, −Inf).
func ExampleRule_DataRange() {
	r := &plots.Rule{Y: -0.5}
	fmt.Println(r.DataRange())
	// Output:
	// +Inf -Inf -0.5 -0.5
}

func ExampleRule_Plot() {
	p := plot.New()
	p.Add(ciRows(), &plots.Rule{Y: 0.5, LineStyle: draw.LineStyle{Color: color.Black, Width: 0.5}})
	fmt.Println(rendered(p))
	// Output:
	// true
}

// labels is a study-label column left of the data area.
func labels() *plots.TextColumn {
	return &plots.TextColumn{
		Y:      []float64{3, 2, 1},
		Text:   []string{"Horvath 1989", "Safran & Wallner 1991", "Zuroff 2010"},
		Offset: -4, XAlign: draw.XRight,
		Style: plot.New().X.Label.TextStyle,
	}
}

// The column spans its rows (1 … 3); its x range is left to the data.
func ExampleTextColumn_DataRange() {
	fmt.Println(labels().DataRange())
	// Output:
	// +Inf -Inf 1 3
}

// The widest label ("Safran & Wallner 1991") sets the column width.
func ExampleTextColumn_Width() {
	t := labels()
	w := t.Width()
	widest := t.Style.Width("Safran & Wallner 1991")
	fmt.Println(w == widest, w > 0)
	// Output:
	// true true
}

// One box per label, reserving its space outside the data area.
func ExampleTextColumn_GlyphBoxes() {
	fmt.Println(len(labels().GlyphBoxes(plot.New())))
	// Output:
	// 3
}

func ExampleTextColumn_Plot() {
	p := plot.New()
	p.Add(ciRows(), labels())
	fmt.Println(rendered(p))
	// Output:
	// true
}

// A vertical reference line at the null, spanning the rows given.
func ExampleVLine_DataRange() {
	l := &plots.VLine{X: 0, Y0: 0.5, Y1: 3.5}
	fmt.Println(l.DataRange())
	// Output:
	// 0 0 0.5 3.5
}

func ExampleVLine_Plot() {
	p := plot.New()
	p.Add(ciRows(), &plots.VLine{X: 0, Y0: math.NaN(), Y1: math.NaN(), LineStyle: draw.LineStyle{Color: color.Black, Width: 0.5}})
	fmt.Println(rendered(p))
	// Output:
	// true
}

// key is a legend to the right of the data area.
func key() *plots.Key {
	return &plots.Key{
		Entries: []plots.KeyEntry{{Label: "p < .05", Thumb: []plot.Thumbnailer{region()}}},
		Style:   plot.New().X.Label.TextStyle, ThumbWidth: 10, Gap: 4,
	}
}

// The key reserves its space with a glyph box right of the data area
// (X = 1 in normalised data coordinates).
func ExampleKey_GlyphBoxes() {
	for _, b := range key().GlyphBoxes(plot.New()) {
		fmt.Println(b.X)
	}
	// Output:
	// 1
}

func ExampleKey_Plot() {
	p := plot.New()
	p.Add(region(), key())
	fmt.Println(rendered(p))
	// Output:
	// true
}

// figure is a one-panel funnel of three studies.
func figure() *plots.Figure {
	fig, err := plots.Funnel([]float64{0.29, 0.12, 0.41}, []float64{0.10, 0.09, 0.12}, plots.FunnelOptions{Estimate: 0.26})
	if err != nil {
		panic(err)
	}
	return fig
}

// Plot returns the first (here the only) panel, to adjust it before saving.
func ExampleFigure_Plot() {
	p := figure().Plot()
	fmt.Println(p.Y.Label.Text, p.Y.Min)
	// Output:
	// Standard error 0
}

// Encode writes PNG, SVG or PDF; the file signatures show the format.
func ExampleFigure_Encode() {
	fig := figure()
	for _, f := range []string{"png", "svg", "pdf"} {
		var b bytes.Buffer
		if err := fig.Encode(&b, f); err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%s %q\n", f, b.Bytes()[:4])
	}
	fmt.Println(fig.Encode(&bytes.Buffer{}, "gif") != nil)
	// Output:
	// png "\x89PNG"
	// svg "<?xm"
	// pdf "%PDF"
	// true
}

// Save picks the format from the extension and writes atomically.
func ExampleFigure_Save() {
	dir, err := os.MkdirTemp("", "alliance-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "funnel.SVG")
	if err = figure().Save(path); err != nil {
		fmt.Println(err)
		return
	}
	b, err := os.ReadFile(path)
	fmt.Println(err == nil && bytes.Contains(b, []byte("<svg")))
	entries, _ := os.ReadDir(dir)
	fmt.Println(len(entries)) // no temporary file left behind
	// Output:
	// true
	// 1
}

// Draw puts the figure on any gonum canvas, e.g. one panel of a larger
// page; here an SVG canvas of the figure's size.
func ExampleFigure_Draw() {
	fig := figure()
	var b bytes.Buffer
	c, err := draw.NewFormattedCanvas(fig.Width, fig.Height, "svg")
	if err != nil {
		fmt.Println(err)
		return
	}
	fig.Draw(draw.New(c))
	if _, err := c.WriteTo(&b); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(bytes.Contains(b.Bytes(), []byte("<svg")))
	// Output:
	// true
}
