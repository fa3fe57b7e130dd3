package plots

import (
	"bytes"
	"math"
	"strconv"
	"strings"
	"testing"

	"gonum.org/v1/gonum/stat"
	vgpkg "gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/recorder"

	"github.com/alliance-research/alliance/analysis/change"
	"github.com/alliance-research/alliance/analysis/rupture"
)

// drawnStrings draws f on a recording canvas and counts each string drawn.
func drawnStrings(f *Figure) map[string]int {
	rec := &recorder.Canvas{}
	f.Draw(draw.NewCanvas(rec, f.Width, f.Height))
	out := map[string]int{}
	for _, a := range rec.Actions {
		if fs, ok := a.(*recorder.FillString); ok {
			out[fs.String]++
		}
	}
	return out
}

// TestForestStructure checks, for k = 16 and k = 300, that every study is
// drawn exactly once (its label appears once and the interval plotter has k
// rows), that the plotted range in r equals tanh of the z range of the CIs,
// and that the axis covers it.
func TestForestStructure(t *testing.T) {
	yi, vi := molloyZ()
	labs, n, y3, v3 := simStudies(300, 0.28, 0.12, 11)
	for _, tc := range []struct {
		labels []string
		n      []float64
		yi, vi []float64
	}{{molloyL, molloyN, yi, vi}, {labs, n, y3, v3}} {
		k := len(tc.yi)
		rows, err := ForestStudies(tc.labels, tc.n, tc.yi, tc.vi, 0.01, 0.95)
		if err != nil {
			t.Fatal(err)
		}
		f, err := Forest(rows, ForestOptions{Transform: math.Tanh, Sort: SortEffect})
		if err != nil {
			t.Fatal(err)
		}
		parts := f.parts.(*forestParts)
		if parts.rows.Len() != k {
			t.Errorf("k = %d: %d interval rows drawn", k, parts.rows.Len())
		}
		drawn := drawnStrings(f)
		for _, l := range tc.labels {
			if drawn[l] != 1 {
				t.Errorf("k = %d: label %q drawn %d times, want 1", k, l, drawn[l])
			}
		}
		// Independent z-scale range: yi ± 1.959964·√vi.
		zlo, zhi := math.Inf(1), math.Inf(-1)
		for i := range tc.yi {
			zlo = math.Min(zlo, tc.yi[i]-1.959963984540054*math.Sqrt(tc.vi[i]))
			zhi = math.Max(zhi, tc.yi[i]+1.959963984540054*math.Sqrt(tc.vi[i]))
		}
		xmin, xmax, _, _ := parts.rows.DataRange()
		if math.Abs(xmin-math.Tanh(zlo)) > 1e-12 || math.Abs(xmax-math.Tanh(zhi)) > 1e-12 {
			t.Errorf("k = %d: data range [%v, %v], want tanh of z range [%v, %v]", k, xmin, xmax, math.Tanh(zlo), math.Tanh(zhi))
		}
		p := f.Plot()
		if p.X.Min > math.Tanh(zlo) || p.X.Max < math.Tanh(zhi) {
			t.Errorf("k = %d: axis [%v, %v] does not cover [%v, %v]", k, p.X.Min, p.X.Max, math.Tanh(zlo), math.Tanh(zhi))
		}
		// Effect-sorted: plotted estimates decrease down the page (y falls).
		for i := 1; i < k; i++ {
			if parts.rows.Estimate[i] < parts.rows.Estimate[i-1] {
				t.Fatalf("k = %d: row %d not sorted by effect", k, i)
			}
		}
		// Height grows linearly with k: at least one 8-point line per row.
		if f.Height < 8*vgpkg.Length(k) {
			t.Errorf("k = %d: height %v pt is less than 8 pt per row", k, f.Height)
		}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// TestForestErrors checks bad input is reported, not drawn.
func TestForestErrors(t *testing.T) {
	for name, rows := range map[string][]ForestRow{
		"nan estimate": {{Label: "a", Estimate: math.NaN()}},
		"ci excludes":  {{Label: "a", Estimate: 0.5, Lower: 0.6, Upper: 0.7}},
		"empty":        nil,
	} {
		if _, err := Forest(rows, ForestOptions{}); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if _, err := Forest([]ForestRow{{Label: "a", Estimate: 0, Lower: -1, Upper: 1}}, ForestOptions{Order: []int{1}}); err == nil {
		t.Error("bad Order: no error")
	}
	if _, err := Forest([]ForestRow{{Label: "a", Estimate: 0, Lower: -1, Upper: 1, Group: "x"}}, ForestOptions{Subgroups: []Summary{{Label: "y"}}}); err == nil {
		t.Error("group without subtotal: no error")
	}
}

// TestFunnelRegion checks the pseudo-confidence region at SE s is
// estimate ± 1.96·s and reaches the bottom of the axis.
func TestFunnelRegion(t *testing.T) {
	yi, vi := molloyZ()
	sei := make([]float64, len(vi))
	for i := range vi {
		sei[i] = math.Sqrt(vi[i])
	}
	const est = 0.1499
	f, err := Funnel(yi, sei, FunnelOptions{Estimate: est})
	if err != nil {
		t.Fatal(err)
	}
	reg := f.parts.(*FunnelRegion)
	for _, s := range []float64{0, 0.05, 0.1, reg.SEMax} {
		lo, hi := reg.Bounds(s)
		if math.Abs(lo-(est-1.959963984540054*s)) > 1e-12 || math.Abs(hi-(est+1.959963984540054*s)) > 1e-12 {
			t.Errorf("SE %v: region [%v, %v], want %v ± 1.96·%v", s, lo, hi, est, s)
		}
	}
	poly := reg.Polygon()
	if poly[1].X != est || poly[1].Y != 0 || poly[0].Y != reg.SEMax || math.Abs(poly[2].X-(est+1.959963984540054*reg.SEMax)) > 1e-12 {
		t.Errorf("polygon %v is not the triangle with apex (%v, 0)", poly, est)
	}
	maxSE := 0.0
	for _, s := range sei {
		maxSE = math.Max(maxSE, s)
	}
	p := f.Plot()
	if reg.SEMax < maxSE || p.Y.Max < maxSE || p.Y.Min != 0 {
		t.Errorf("region depth %v, axis [%v, %v]; largest SE %v", reg.SEMax, p.Y.Min, p.Y.Max, maxSE)
	}
	if _, err := Funnel(yi, make([]float64, len(yi)), FunnelOptions{}); err == nil {
		t.Error("zero standard errors: no error")
	}
}

// TestJacobsonTruaxBand checks the reliable-change band half-width is
// 1.96·√2·SEM with SEM = SD_pre·√(1 − r_xx) (Jacobson & Truax 1991), via
// change.Distribution, with SD_pre computed here.
func TestJacobsonTruaxBand(t *testing.T) {
	pre := []float64{28, 31, 25, 35, 22, 30, 27, 33, 29, 26, 24, 32}
	post := []float64{12, 25, 20, 14, 21, 9, 26, 30, 11, 27, 10, 28}
	var pairs []change.Pair
	for i := range pre {
		pairs = append(pairs, change.Pair{ID: string(rune('a' + i)), Pre: pre[i], Post: post[i]})
	}
	const rel = 0.88
	res, err := change.Distribution(pairs, change.RCIOptions{Method: change.JT, Reliability: rel})
	if err != nil {
		t.Fatal(err)
	}
	a, b, opt, err := JTFromChange(res)
	if err != nil {
		t.Fatal(err)
	}
	f, err := JacobsonTruax(a, b, opt)
	if err != nil {
		t.Fatal(err)
	}
	sem := stat.StdDev(pre, nil) * math.Sqrt(1-rel)
	want := 1.959963984540054 * math.Sqrt(2) * sem
	if got := f.parts.(*RCBand).HalfWidth; math.Abs(got-want) > 1e-9 {
		t.Errorf("band half-width %v, want 1.96·√2·SEM = %v", got, want)
	}
	// Every category has its own legend entry with its count.
	drawn := drawnStrings(f)
	counts := map[string]int{}
	for _, p := range res.Persons {
		counts[string(p.Category)]++
	}
	for c, n := range counts {
		if drawn[c+" ("+itoa(n)+")"] != 1 {
			t.Errorf("legend entry for %q (%d) missing; drawn: %v", c, n, drawn)
		}
	}
}

// TestSessionMeans checks the mean and t interval at each session against
// hand computation: values 1..4 have mean 2.5, SD √(5/3) and
// t(.975, 3) = 3.182446.
func TestSessionMeans(t *testing.T) {
	m := SessionMeans([]float64{2, 1, 1, 1, 1}, []float64{7, 1, 2, 3, 4}, 0.95)
	if len(m) != 2 || m[0].X != 1 || m[0].N != 4 || m[1].N != 1 {
		t.Fatalf("got %+v", m)
	}
	half := 3.182446305284263 * math.Sqrt(5.0/3) / 2
	if math.Abs(m[0].Mean-2.5) > 1e-12 || math.Abs(m[0].Upper-(2.5+half)) > 1e-9 || math.Abs(m[0].Lower-(2.5-half)) > 1e-9 {
		t.Errorf("session 1: %+v, want 2.5 ± %v", m[0], half)
	}
	if !math.IsNaN(m[1].Lower) || m[1].Mean != 7 {
		t.Errorf("session 2 (n = 1): %+v, want mean 7 and no interval", m[1])
	}
}

// TestPDFDeterministic checks the PDF carries the fixed date, not the
// clock, and embeds its fonts; the SVG embeds its fonts and names fallbacks.
func TestPDFAndSVGFonts(t *testing.T) {
	yi, vi := molloyZ()
	rows, err := ForestStudies(molloyL, molloyN, yi, vi, 0, 0.95)
	if err != nil {
		t.Fatal(err)
	}
	f, err := Forest(rows, ForestOptions{Transform: math.Tanh, Overall: &Summary{Label: "FE", Estimate: 0.1, Lower: 0.05, Upper: 0.15, PILower: math.NaN(), PIUpper: math.NaN()}})
	if err != nil {
		t.Fatal(err)
	}
	var pdf, svg bytes.Buffer
	if err := f.Encode(&pdf, "pdf"); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"/CreationDate (D:20000101000000)", "/ModDate (D:20000101000000)", "/FontFile2", "/BaseFont /LiberationSans-Bold"} {
		if !bytes.Contains(pdf.Bytes(), []byte(want)) {
			t.Errorf("PDF lacks %q", want)
		}
	}
	if err := f.Encode(&svg, "svg"); err != nil {
		t.Fatal(err)
	}
	s := svg.String()
	if !strings.Contains(s, "@font-face") || !strings.Contains(s, "base64,") {
		t.Error("SVG does not embed its fonts")
	}
	if !strings.Contains(s, "font-family:'Liberation Sans',Arial,Helvetica,sans-serif;") || strings.Contains(s, "font-family:Liberation Sans;") {
		t.Error("SVG text lacks generic font fallbacks")
	}
	if err := f.Save("/nonexistent-dir/x.tiff"); err == nil || !strings.Contains(err.Error(), "unknown figure format") {
		t.Errorf("bad extension: %v", err)
	}
}

// TestFormatNum checks APA number formatting.
func TestFormatNum(t *testing.T) {
	for _, c := range []struct {
		x      float64
		d      int
		noLead bool
		want   string
	}{{0.278, 2, true, ".28"}, {-0.045, 2, true, "\u2212.04"}, {-0.001, 2, true, ".00"}, {1, 2, true, "1.00"}, {0.5, 2, false, "0.50"}, {-12.345, 1, false, "\u221212.3"}} {
		if got := formatNum(c.x, c.d, c.noLead); got != c.want {
			t.Errorf("formatNum(%v, %d, %v) = %q, want %q", c.x, c.d, c.noLead, got, c.want)
		}
	}
}

func TestIntegerTicksForSessions(t *testing.T) {
	for _, r := range [][2]float64{{1, 16}, {1, 5}, {0, 40}, {1, 2}} {
		for _, tk := range (niceTicks{integer: true}).Ticks(r[0], r[1]) {
			if tk.Value != math.Trunc(tk.Value) || strings.Contains(tk.Label, ".") {
				t.Errorf("range %v: tick %v %q is not a whole session", r, tk.Value, tk.Label)
			}
		}
	}
}

func TestRupturePatientMarksEpisodes(t *testing.T) {
	series := []rupture.Series{{Patient: "p", Session: []int{1, 2, 3, 4, 5}, Score: []float64{4, 4, 2, 4, math.NaN()}}}
	res := &rupture.Result{Episodes: []rupture.Episode{{Patient: "p", Session: 3, Reference: 4, Threshold: 1.5, Repaired: true, RepairSession: rupture.NullInt{V: 4, Valid: true}}}}
	f, err := RupturePatient(series, res, "p", RuptureOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if f == nil || f.Plot() == nil {
		t.Fatal("no figure")
	}
	if _, err := RupturePatient(series, res, "q", RuptureOptions{}); err == nil {
		t.Error("unknown patient: no error")
	}
}

// TestForestTextUsesMinusSign: the forest plot's estimate and CI columns
// and its note are figure text too, and used to print "[-.04," with a
// hyphen and "tau²" where the axis ticks already had U+2212.
func TestForestTextUsesMinusSign(t *testing.T) {
	for _, name := range []string{"forest", "forest_subgroups", "forest_k300"} {
		f := figures(t)[name]
		f.SVGFontsByName = true
		var b bytes.Buffer
		if err := f.Encode(&b, "svg"); err != nil {
			t.Fatal(err)
		}
		svg := b.String()
		if strings.Contains(svg, "[-") || strings.Contains(svg, ">-") || strings.Contains(svg, "tau²") {
			t.Errorf("%s: figure text has a hyphen-minus or \"tau²\"", name)
		}
		if !strings.Contains(svg, "[\u2212") && !strings.Contains(svg, ">\u2212") {
			t.Errorf("%s: no negative number printed with U+2212 (the fixture has negative CI bounds)", name)
		}
	}
}
