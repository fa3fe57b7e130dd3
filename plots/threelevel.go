package plots

import (
	"fmt"
	"image/color"
	"math"

	"github.com/alliance-research/alliance/analysis/workflow"
	"gonum.org/v1/gonum/stat/distuv"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// okabeIto is the colour-blind-safe qualitative palette of Okabe & Ito
// (2008), without its black and yellow (too pale on white).
var okabeIto = []color.Color{
	color.RGBA{R: 0x00, G: 0x72, B: 0xB2, A: 0xff}, // blue
	color.RGBA{R: 0xD5, G: 0x5E, B: 0x00, A: 0xff}, // vermillion
	color.RGBA{R: 0x00, G: 0x9E, B: 0x73, A: 0xff}, // bluish green
	color.RGBA{R: 0xCC, G: 0x79, B: 0xA7, A: 0xff}, // reddish purple
	color.RGBA{R: 0xE6, G: 0x9F, B: 0x00, A: 0xff}, // orange
	color.RGBA{R: 0x56, G: 0xB4, B: 0xE9, A: 0xff}, // sky blue
}

// maxKeyGroups is the most groups a key lists one by one.
const maxKeyGroups = 6

// groupEntry is one key entry of a grouped scatter.
type groupEntry struct {
	label string
	thumb plot.Thumbnailer
}

// colourByGroup colours the points of s (drawn from x, y, with NaN pairs
// dropped as xys does) by their group, in the palette order of the groups'
// first appearance; a group's colour repeats every len(okabeIto) groups.
// It returns one key entry per group when there are at most maxKeyGroups.
func colourByGroup(s *plotter.Scatter, x, y []float64, groups []string) ([]groupEntry, error) {
	idx := map[string]int{}
	var names []string
	var col []color.Color
	for i, g := range groups {
		if !finite(x[i]) || !finite(y[i]) {
			continue
		}
		c, ok := idx[g]
		if !ok {
			c = len(names)
			idx[g] = c
			names = append(names, g)
		}
		col = append(col, okabeIto[c%len(okabeIto)])
	}
	if len(col) != s.Len() {
		return nil, fmt.Errorf("plots: %d group colours for %d points", len(col), s.Len())
	}
	base := s.GlyphStyle
	s.GlyphStyleFunc = func(i int) draw.GlyphStyle {
		g := base
		g.Color = col[i]
		return g
	}
	if len(names) > maxKeyGroups {
		return nil, nil
	}
	out := make([]groupEntry, len(names))
	for i, n := range names {
		th, _ := plotter.NewScatter(plotter.XYs{{}})
		th.GlyphStyle = base
		th.GlyphStyle.Color = okabeIto[i%len(okabeIto)]
		out[i] = groupEntry{label: n, thumb: th}
	}
	return out, nil
}

// groupThreeLevelRows orders the forest rows of a three-level model by
// cluster (clusters in the order of s.ClusterMeans, effects in input order
// within each), gives every row its weight in the model (metafor's
// weights(res)) and returns one summary per cluster: its GLS mean with
// the z-level CI (z the normal quantile of the model's level).
func groupThreeLevelRows(s workflow.ThreeLevelForestSpec, rows []ForestRow, z float64) ([]ForestRow, []Summary) {
	res := s.Fit
	w, err := res.Weights()
	pos := map[int]int{} // input row → index in rows
	for i, r := range res.Rows {
		pos[r] = i
		if err == nil {
			rows[i].Weight = w[i]
		}
	}
	out := make([]ForestRow, 0, len(rows))
	sums := make([]Summary, 0, len(s.ClusterMeans))
	for _, c := range s.ClusterMeans {
		for _, in := range sortedInts(c.Rows) {
			r := rows[pos[in]]
			r.Group = c.Cluster
			out = append(out, r)
		}
		sums = append(sums, Summary{Label: c.Cluster, Estimate: c.Estimate, Lower: c.Estimate - z*c.SE, Upper: c.Estimate + z*c.SE,
			PILower: math.NaN(), PIUpper: math.NaN()})
	}
	return out, sums
}

func sortedInts(a []int) []int {
	b := append([]int(nil), a...)
	for i := 1; i < len(b); i++ {
		for j := i; j > 0 && b[j] < b[j-1]; j-- {
			b[j], b[j-1] = b[j-1], b[j]
		}
	}
	return b
}

// ThreeLevelFunnel draws the contour-enhanced funnel plot of a three-level
// model: the effect sizes (intercept-only) or the residuals yᵢ − x′ᵢβ̂
// (meta-regression, centred on 0, as metafor's funnel of a model with
// moderators) against √vᵢ, coloured by outer cluster, with the multilevel
// Egger line when the spec's bias analysis has it.
func ThreeLevelFunnel(s workflow.ThreeLevelFunnelSpec) (*Figure, error) {
	res := s.Fit
	if res == nil {
		return nil, fmt.Errorf("plots: funnel plot without a fitted three-level model")
	}
	fit := res.Fitted()
	mods := len(res.Coefficients) > 1
	y, se, g := make([]float64, len(res.Rows)), make([]float64, len(res.Rows)), make([]string, len(res.Rows))
	for i, row := range res.Rows {
		y[i], se[i], g[i] = s.Yi[row], math.Sqrt(s.Vi[row]), s.Clusters[row]
		if mods {
			y[i] -= fit[i]
		}
	}
	o := FunnelOptions{Estimate: res.Coefficients[0].Estimate, Level: res.Level, Contours: true, XLabel: "Effect size", Groups: g}
	switch {
	case mods:
		o.Estimate, o.XLabel = 0, "Residual"
	case s.R:
		o.XLabel = "Fisher's z"
	case res.Measure != "" && res.Measure != "GEN":
		o.XLabel = "Effect size (" + res.Measure + ")"
	}
	if b := s.Bias; !mods && b != nil && b.Egger != nil && b.Egger.Estimate != nil {
		o.Egger = &EggerLine{Intercept: *b.Egger.Estimate, Slope: b.Egger.Slope}
	}
	return Funnel(y, se, o)
}

// ThreeLevelBubble draws a three-level meta-regression on one numeric
// moderator: circles with area proportional to metafor's weights(res) (the
// diagonal of M⁻¹), the fitted line b₀ + b₁x and its CI band with the
// model's critical value (z, or t with k − p df under test t).
func ThreeLevelBubble(s workflow.ThreeLevelBubbleSpec) (*Figure, error) {
	res := s.Fit
	if res == nil || len(res.Coefficients) != 2 {
		return nil, fmt.Errorf("plots: a bubble plot needs a meta-regression on exactly one numeric moderator")
	}
	w, err := res.Weights()
	if err != nil {
		return nil, err
	}
	x, y := make([]float64, len(res.Rows)), make([]float64, len(res.Rows))
	for i, row := range res.Rows {
		x[i], y[i] = s.X[row], s.Yi[row]
	}
	b := res.Coefficients[1]
	crit := math.Abs(b.CIUB-b.Estimate) / b.SE
	tr, ylab, _ := effectAxis(res.Measure, s.R)
	return Bubble(x, y, w, BubbleOptions{
		Intercept: res.Coefficients[0].Estimate, Slope: b.Estimate,
		Vcov: []float64{res.Vcov[0], res.Vcov[1], res.Vcov[3]}, Crit: crit, Transform: tr,
		XLabel: s.Moderator, YLabel: ylab,
	})
}

// ThreeLevelProfile draws the profile (restricted) log-likelihood of each
// variance component, one panel each side by side (metafor's
// plot(profile(res))): the curve through the profiled points, the
// estimate as a dotted vertical line, the horizontal line ℓ̂ − χ²₁(level)/2
// (dashed) and the profile-likelihood CI bounds as solid vertical lines.
func ThreeLevelProfile(s workflow.ThreeLevelProfileSpec) (*Figure, error) {
	if len(s.Profiles) == 0 {
		return nil, fmt.Errorf("plots: profile plot without profiles")
	}
	level := s.Level
	if !(level > 0 && level < 1) {
		level = 0.95
	}
	cut := distuv.ChiSquared{K: 1}.Quantile(level) / 2
	th := DefaultTheme
	var row []*plot.Plot
	for _, pr := range s.Profiles {
		p := th.newPlot()
		name := "between clusters"
		if pr.Component == 1 {
			name = "within clusters"
		}
		p.Title.Text = "σ² " + name + " (" + pr.Level + ")"
		p.X.Label.Text = "σ²"
		p.Y.Label.Text = "Restricted log-likelihood"
		if pr.Method != "REML" {
			p.Y.Label.Text = "Log-likelihood"
		}
		p.X.Tick.Marker, p.Y.Tick.Marker = niceTicks{}, niceTicks{}
		ymin := math.Inf(1)
		for _, v := range pr.LL {
			if finite(v) {
				ymin = math.Min(ymin, v)
			}
		}
		if math.IsInf(ymin, 1) {
			return nil, fmt.Errorf("plots: the profile of %s has no finite point", pr.Level)
		}
		ymin = math.Min(ymin, pr.LogLik-cut*1.5)
		ymax := pr.LogLik + 0.1*(pr.LogLik-ymin)
		xmin, xmax := pr.Grid[0], pr.Grid[len(pr.Grid)-1]
		hl, err := line([]float64{xmin, xmax}, []float64{pr.LogLik - cut, pr.LogLik - cut}, lineStyle(0.6, darkGrey, 3, 2))
		if err != nil {
			return nil, err
		}
		p.Add(hl)
		p.Add(&VLine{X: pr.Estimate, Y0: ymin, Y1: pr.LogLik, LineStyle: lineStyle(0.6, darkGrey, 1, 1.5)})
		if pr.CI != nil {
			for _, b := range pr.CI {
				if b >= xmin && b <= xmax {
					p.Add(&VLine{X: b, Y0: ymin, Y1: pr.LogLik - cut, LineStyle: lineStyle(0.6, black)})
				}
			}
		}
		l, err := line(pr.Grid, pr.LL, lineStyle(th.LineWidth*1.5, black))
		if err != nil {
			return nil, err
		}
		p.Add(l)
		pts, err := points(pr.Grid, pr.LL, draw.CircleGlyph{}, 1.3, black)
		if err != nil {
			return nil, err
		}
		p.Add(pts)
		p.X.Min, p.X.Max = xmin, xmax
		p.Y.Min, p.Y.Max = ymin, ymax
		niceRange(&p.X)
		row = append(row, p)
	}
	w := vg.Length(len(row)) * 3.4 * vg.Inch
	return &Figure{Panels: [][]*plot.Plot{row}, Width: w, Height: 3 * vg.Inch}, nil
}

// paletteThumb is the key thumbnail of points coloured by many groups:
// three dots in the first palette colours.
type paletteThumb struct{}

// Thumbnail implements plot.Thumbnailer.
func (paletteThumb) Thumbnail(c *draw.Canvas) {
	w := c.Max.X - c.Min.X
	y := (c.Min.Y + c.Max.Y) / 2
	for i := 0; i < 3; i++ {
		pt := vg.Point{X: c.Min.X + w*(vg.Length(i)+0.5)/3, Y: y}
		c.DrawGlyph(draw.GlyphStyle{Color: okabeIto[i], Radius: 1.6, Shape: draw.CircleGlyph{}}, pt)
	}
}
