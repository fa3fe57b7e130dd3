package plots

import (
	"fmt"
	"math"
	"sort"

	"gonum.org/v1/gonum/stat/distuv"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// groupStyle returns the line dash and glyph of the g-th group: groups
// differ by dash and marker shape, not colour, so they survive greyscale.
func groupStyle(g int, w vg.Length) (draw.LineStyle, draw.GlyphDrawer) {
	dashes := [][]vg.Length{nil, {4, 2}, {1, 1.5}, {5, 1.5, 1, 1.5}}
	glyphs := []draw.GlyphDrawer{draw.CircleGlyph{}, draw.PyramidGlyph{}, openCircle{}, draw.BoxGlyph{}}
	return lineStyle(w, black, dashes[g%len(dashes)]...), glyphs[g%len(glyphs)]
}

// MeanCI is a mean with its t-based confidence interval.
type MeanCI struct {
	X, Mean, Lower, Upper float64
	N                     int
}

// meanCI returns the mean of the finite values with the t interval
// mean ± t(1−α/2, n−1)·sd/√n (NaN bounds when n < 2).
func meanCI(x float64, v []float64, level float64) MeanCI {
	var n int
	var s, ss float64
	for _, y := range v {
		if finite(y) {
			n++
			s += y
		}
	}
	m := MeanCI{X: x, N: n, Mean: math.NaN(), Lower: math.NaN(), Upper: math.NaN()}
	if n == 0 {
		return m
	}
	m.Mean = s / float64(n)
	if n < 2 {
		return m
	}
	for _, y := range v {
		if finite(y) {
			ss += (y - m.Mean) * (y - m.Mean)
		}
	}
	se := math.Sqrt(ss/float64(n-1)) / math.Sqrt(float64(n))
	t := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(n - 1)}.Quantile(1 - (1-level)/2)
	m.Lower, m.Upper = m.Mean-t*se, m.Mean+t*se
	return m
}

// SessionMeans returns, for each distinct session, the mean of value and
// its t-based confidence interval at the given level, sorted by session.
func SessionMeans(session, value []float64, level float64) []MeanCI {
	by := map[float64][]float64{}
	for i, s := range session {
		if finite(s) {
			by[s] = append(by[s], value[i])
		}
	}
	keys := make([]float64, 0, len(by))
	for s := range by {
		keys = append(keys, s)
	}
	sort.Float64s(keys)
	out := make([]MeanCI, len(keys))
	for i, s := range keys {
		out[i] = meanCI(s, by[s], level)
	}
	return out
}

// TrajectoryOptions configures Trajectories.
type TrajectoryOptions struct {
	// Group gives each row's group (e.g. a patient class or therapist);
	// nil draws one mean trajectory.
	Group []string
	// NoSpaghetti omits the individual trajectories.
	NoSpaghetti bool
	// Level of the mean's confidence band (default 0.95).
	Level float64
	// Means, when given (no Group), are the means and bands to draw,
	// computed over more patients than the rows passed: the grey lines
	// may then show a sample of the patients while the mean is everyone's.
	Means          []MeanCI
	XLabel, YLabel string
	Size
	Theme Theme
}

// Trajectories builds a spaghetti plot of session-by-session scores: one
// thin grey line per patient (rows in session order within patient) and,
// per group, the mean at each session with a t-based confidence band
// (mean ± t(.975, n−1)·SD/√n). Groups differ by line dash and marker.
// Default size 3.5 × 2.8 in.
func Trajectories(patient []string, session, value []float64, opt TrajectoryOptions) (*Figure, error) {
	n := len(patient)
	if n == 0 {
		return nil, fmt.Errorf("plots: trajectory plot has no rows")
	}
	if len(session) != n || len(value) != n || (opt.Group != nil && len(opt.Group) != n) {
		return nil, fmt.Errorf("plots: trajectory plot: patient, session, value (and group) columns differ in length")
	}
	if opt.Level == 0 {
		opt.Level = 0.95
	}
	th := opt.Theme.orDefault()
	p := th.newPlot()
	p.X.Label.Text, p.Y.Label.Text = opt.XLabel, opt.YLabel
	if p.X.Label.Text == "" {
		p.X.Label.Text = "Session"
	}
	if p.Y.Label.Text == "" {
		p.Y.Label.Text = "Score"
	}
	p.X.Tick.Marker, p.Y.Tick.Marker = niceTicks{integer: true}, niceTicks{}
	if !opt.NoSpaghetti {
		var order []string
		rows := map[string][]int{}
		for i, id := range patient {
			if _, ok := rows[id]; !ok {
				order = append(order, id)
			}
			rows[id] = append(rows[id], i)
		}
		thin := lineStyle(0.3, lightGrey)
		for _, id := range order {
			idx := rows[id]
			sort.SliceStable(idx, func(a, b int) bool { return session[idx[a]] < session[idx[b]] })
			xs, ys := make([]float64, len(idx)), make([]float64, len(idx))
			for j, i := range idx {
				xs[j], ys[j] = session[i], value[i]
			}
			if len(xys(xs, ys)) < 2 {
				continue
			}
			l, err := line(xs, ys, thin)
			if err != nil {
				return nil, err
			}
			p.Add(l)
		}
	}
	groups := []string{""}
	if opt.Group != nil {
		groups = groups[:0]
		seen := map[string]bool{}
		for _, g := range opt.Group {
			if !seen[g] {
				seen[g] = true
				groups = append(groups, g)
			}
		}
	}
	key := th.newKey()
	var front []plot.Plotter
	for gi, g := range groups {
		var s, v []float64
		for i := range patient {
			if opt.Group == nil || opt.Group[i] == g {
				s, v = append(s, session[i]), append(v, value[i])
			}
		}
		ms := opt.Means
		if ms == nil || opt.Group != nil {
			ms = SessionMeans(s, v, opt.Level)
		}
		mx, my, lo, hi := make([]float64, len(ms)), make([]float64, len(ms)), make([]float64, len(ms)), make([]float64, len(ms))
		for j, m := range ms {
			mx[j], my[j], lo[j], hi[j] = m.X, m.Mean, m.Lower, m.Upper
		}
		ls, glyph := groupStyle(gi, 1.2)
		// Bands first, so that every mean line is drawn over every band.
		if b, err := band(mx, lo, hi, withAlpha(midGrey, 0x55)); err == nil && len(b.XYs) > 0 && len(b.XYs[0]) > 2 {
			p.Add(b)
		}
		for _, c := range [][]float64{lo, hi} {
			if len(xys(mx, c)) >= 2 {
				l, err := line(mx, c, lineStyle(0.4, darkGrey, ls.Dashes...))
				if err != nil {
					return nil, err
				}
				front = append(front, l)
			}
		}
		l, err := line(mx, my, ls)
		if err != nil {
			return nil, err
		}
		pts, err := points(mx, my, glyph, 1.8, black)
		if err != nil {
			return nil, err
		}
		front = append(front, l, pts)
		if opt.Group != nil {
			key.add(g, l, pts)
		}
	}
	p.Add(front...)
	if opt.Group != nil {
		p.Add(key)
	}
	niceRange(&p.Y)
	w, h := opt.Size.or(ColumnWidth, 2.8*vg.Inch)
	return single(p, w, h), nil
}

// RuptureOptions configures Rupture.
type RuptureOptions struct {
	// Ruptures and Repairs are the sessions marked as rupture and repair.
	Ruptures, Repairs []float64
	// Threshold is the rupture criterion drawn as a dashed line (NaN: none),
	// e.g. the patient's mean minus the criterion drop.
	Threshold float64
	// Mean is the patient's mean alliance, a dotted line (NaN: none).
	Mean           float64
	Title          string
	XLabel, YLabel string
	Size
	Theme Theme
}

// Rupture builds a patient's rupture plot: the alliance series by session,
// ruptures as filled downward triangles and repairs as open circles around
// the session's point, with the detection threshold and the patient's mean
// as horizontal lines. Default size 3.5 × 2.4 in.
func Rupture(session, alliance []float64, opt RuptureOptions) (*Figure, error) {
	if len(session) == 0 {
		return nil, fmt.Errorf("plots: rupture plot has no sessions")
	}
	if err := sameLen("rupture session/alliance", len(session), alliance); err != nil {
		return nil, err
	}
	th := opt.Theme.orDefault()
	p := th.newPlot()
	p.Title.Text = opt.Title
	p.X.Label.Text, p.Y.Label.Text = opt.XLabel, opt.YLabel
	if p.X.Label.Text == "" {
		p.X.Label.Text = "Session"
	}
	if p.Y.Label.Text == "" {
		p.Y.Label.Text = "Alliance"
	}
	p.X.Tick.Marker, p.Y.Tick.Marker = niceTicks{integer: true}, niceTicks{}
	at := map[float64]float64{}
	xmin, xmax := math.Inf(1), math.Inf(-1)
	for i, s := range session {
		at[s] = alliance[i]
		if finite(s) {
			xmin, xmax = math.Min(xmin, s), math.Max(xmax, s)
		}
	}
	hline := func(y float64, name string, ls draw.LineStyle) error {
		if !finite(y) {
			return nil
		}
		l, err := line([]float64{xmin, xmax}, []float64{y, y}, ls)
		if err != nil {
			return err
		}
		p.Add(l)
		p.Legend.Add(name, l)
		return nil
	}
	if err := hline(opt.Mean, "mean", lineStyle(0.6, midGrey, 1, 1.5)); err != nil {
		return nil, err
	}
	if err := hline(opt.Threshold, "threshold", lineStyle(0.7, darkGrey, 4, 2)); err != nil {
		return nil, err
	}
	l, err := line(session, alliance, lineStyle(0.9, black))
	if err != nil {
		return nil, err
	}
	pts, err := points(session, alliance, draw.CircleGlyph{}, 1.4, black)
	if err != nil {
		return nil, err
	}
	p.Add(l, pts)
	mark := func(ss []float64, name string, glyph draw.GlyphDrawer, r vg.Length, dy vg.Length) error {
		var xs, ys []float64
		for _, s := range ss {
			y, ok := at[s]
			if !ok {
				return fmt.Errorf("plots: rupture plot: %s session %v is not in the series", name, s)
			}
			xs, ys = append(xs, s), append(ys, y)
		}
		if len(xs) == 0 {
			return nil
		}
		m, err := points(xs, ys, glyph, r, black)
		if err != nil {
			return err
		}
		m.GlyphStyle.Shape = offsetGlyph{glyph, dy}
		p.Add(m)
		p.Legend.Add(name, &legendGlyph{draw.GlyphStyle{Shape: glyph, Radius: r, Color: black}})
		return nil
	}
	if err := mark(opt.Ruptures, "rupture", downTriangle{}, 3, -6); err != nil {
		return nil, err
	}
	if err := mark(opt.Repairs, "repair", draw.TriangleGlyph{}, 3, 6); err != nil {
		return nil, err
	}
	p.Legend.Top, p.Legend.Left = false, false
	p.Legend.YOffs = 0
	niceRange(&p.Y)
	p.Y.Min -= (p.Y.Max - p.Y.Min) * 0.08
	w, h := opt.Size.or(ColumnWidth, 2.4*vg.Inch)
	return single(p, w, h), nil
}

// downTriangle is a filled triangle pointing down.
type downTriangle struct{}

// DrawGlyph implements draw.GlyphDrawer.
func (downTriangle) DrawGlyph(c *draw.Canvas, sty draw.GlyphStyle, pt vg.Point) {
	r := sty.Radius
	c.FillPolygon(sty.Color, []vg.Point{{X: pt.X - r, Y: pt.Y + r*0.6}, {X: pt.X + r, Y: pt.Y + r*0.6}, {X: pt.X, Y: pt.Y - r}})
}

// offsetGlyph draws a glyph shifted vertically by DY, so markers sit above
// or below the point they annotate.
type offsetGlyph struct {
	draw.GlyphDrawer
	DY vg.Length
}

// DrawGlyph implements draw.GlyphDrawer.
func (g offsetGlyph) DrawGlyph(c *draw.Canvas, sty draw.GlyphStyle, pt vg.Point) {
	g.GlyphDrawer.DrawGlyph(c, sty, vg.Point{X: pt.X, Y: pt.Y + g.DY})
}

// legendGlyph is a legend thumbnail showing one glyph.
type legendGlyph struct{ sty draw.GlyphStyle }

// Thumbnail implements plot.Thumbnailer.
func (l *legendGlyph) Thumbnail(c *draw.Canvas) {
	c.DrawGlyph(l.sty, c.Center())
}

// SuddenGainOptions configures SuddenGain.
type SuddenGainOptions struct {
	// Level of the error bars (default 0.95).
	Level  float64
	YLabel string
	Size
	Theme Theme
}

// SuddenGainLabels are the positions of a sudden-gain window, as
// suddengains' plot_sg: the pregain session N and two sessions before it,
// the postgain session N+1 and two after it.
var SuddenGainLabels = [6]string{"N-2", "N-1", "N", "N+1", "N+2", "N+3"}

// SuddenGain builds the average course of the score around sudden gains,
// as suddengains' plot_sg: for each of the six positions of the windows
// (x_2n … x_n3 of each gain), the mean over gains with a t-based confidence
// interval (mean_cl_normal), joined by a line, with the gain between N and
// N+1 marked by a dashed line. Missing scores (NaN) are skipped.
// Default size 3.5 × 2.6 in.
func SuddenGain(windows [][6]float64, opt SuddenGainOptions) (*Figure, error) {
	if len(windows) == 0 {
		return nil, fmt.Errorf("plots: sudden-gain plot has no gains")
	}
	if opt.Level == 0 {
		opt.Level = 0.95
	}
	th := opt.Theme.orDefault()
	p := th.newPlot()
	p.X.Label.Text = "Session relative to the sudden gain"
	p.Y.Label.Text = opt.YLabel
	if p.Y.Label.Text == "" {
		p.Y.Label.Text = "Score"
	}
	p.Y.Tick.Marker = niceTicks{}
	var ticks []plot.Tick
	xs, ms := make([]float64, 6), make([]float64, 6)
	errs := make(plotter.YErrors, 6)
	col := make([]float64, len(windows))
	for j := 0; j < 6; j++ {
		for i, w := range windows {
			col[i] = w[j]
		}
		m := meanCI(float64(j+1), col, opt.Level)
		xs[j], ms[j] = float64(j+1), m.Mean
		errs[j].Low, errs[j].High = m.Mean-m.Lower, m.Upper-m.Mean
		if !finite(m.Lower) {
			errs[j].Low, errs[j].High = 0, 0
		}
		ticks = append(ticks, plot.Tick{Value: float64(j + 1), Label: SuddenGainLabels[j]})
	}
	p.X.Tick.Marker = plot.ConstantTicks(ticks)
	gainLine := &VLine{X: 3.5, Y0: math.NaN(), Y1: math.NaN(), LineStyle: lineStyle(0.5, midGrey, 3, 2)}
	p.Add(gainLine)
	l, err := line(xs, ms, lineStyle(1, black))
	if err != nil {
		return nil, err
	}
	pts, err := points(xs, ms, draw.CircleGlyph{}, 2, black)
	if err != nil {
		return nil, err
	}
	eb, err := plotter.NewYErrorBars(struct {
		plotter.XYs
		plotter.YErrors
	}{xys(xs, ms), errs})
	if err != nil {
		return nil, fmt.Errorf("plots: %w", err)
	}
	eb.LineStyle = lineStyle(0.7, black)
	eb.CapWidth = 4
	p.Add(l, eb, pts)
	p.X.Min, p.X.Max = 0.5, 6.5
	niceRange(&p.Y)
	w, h := opt.Size.or(ColumnWidth, 2.6*vg.Inch)
	return single(p, w, h), nil
}
