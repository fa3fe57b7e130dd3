package plots

import (
	"fmt"
	"math"
	"sort"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// ForestRow is one row of a forest plot on the analysis scale (for
// correlations, Fisher's z): an estimate and its confidence interval.
type ForestRow struct {
	Label string
	// N is the sample size shown in the n column (≤ 0: blank).
	N float64
	// Estimate, Lower and Upper are the effect and its CI.
	Estimate, Lower, Upper float64
	// Weight is the percent weight; ≤ 0 or NaN leaves the weight column
	// blank. Squares have area proportional to Weight.
	Weight float64
	// Group is the subgroup, used when ForestOptions.Subgroups is set.
	Group string
}

// Summary is a pooled estimate drawn as a diamond, with an optional
// prediction interval and a note (for example the heterogeneity statistics).
type Summary struct {
	Label string
	// Estimate, Lower and Upper are on the analysis scale.
	Estimate, Lower, Upper float64
	// PILower and PIUpper give the prediction interval (NaN: none).
	PILower, PIUpper float64
	// Note is printed under the row, e.g. "tau² = 0.008, I² = 62%".
	Note string
}

// SortOrder orders the study rows of a forest plot.
type SortOrder int

const (
	SortInput  SortOrder = iota // as given
	SortEffect                  // by estimate, smallest first
	SortWeight                  // by weight, largest first
)

// ForestOptions configures Forest. The zero value draws a 7-inch-wide plot
// of untransformed effects with a reference line at 0.
type ForestOptions struct {
	// Transform maps analysis-scale values to the plotted scale, e.g.
	// math.Tanh to show Fisher z results as correlations (metafor's
	// transf = transf.ztor). Nil means the identity.
	Transform func(float64) float64
	// LabelHeader, NHeader, EffectHeader and WeightHeader head the text
	// columns (defaults "Study", "n", "Estimate [95% CI]", "Weight").
	LabelHeader, NHeader, EffectHeader, WeightHeader string
	// XLabel labels the x-axis (default "Effect size").
	XLabel string
	// Digits of the estimate column (default 2); NoLeadingZero prints
	// ".28" rather than "0.28" (APA style for correlations).
	Digits        int
	NoLeadingZero bool
	// Sort orders the studies (within subgroups); Order, if non-nil, is an
	// explicit order of row indices and overrides Sort.
	Sort  SortOrder
	Order []int
	// Subgroups, if non-nil, groups the studies by ForestRow.Group in the
	// order of the summaries, each followed by its subtotal diamond; the
	// Summary's Label is the group name.
	Subgroups []Summary
	// Overall is the pooled estimate drawn at the bottom (nil: none).
	Overall *Summary
	// Null is the position of the reference line on the analysis scale;
	// NoNull omits it.
	Null   float64
	NoNull bool
	// XMin and XMax fix the x-axis limits on the plotted scale (both zero:
	// automatic). Intervals beyond them end in arrows.
	XMin, XMax float64
	// Width is the figure width (default PageWidth); the height grows with
	// the number of rows (RowHeight each, default 1.45 × font size).
	Width, RowHeight vg.Length
	// MaxLabelWidth truncates longer study labels with an ellipsis (default
	// 30% of the width).
	MaxLabelWidth vg.Length
	Theme         Theme
}

// Forest builds a forest plot: study labels and n in columns to the left,
// squares with area ∝ weight and CI whiskers in the middle, and
// "estimate [lower, upper]" and weight columns to the right, with optional
// subgroup subtotals and an overall diamond with its prediction interval.
// All values are transformed with opt.Transform before drawing, so the axis
// and the text are on the plotted scale (e.g. r = tanh z).
//
// Rows without weights (leave-one-out or cumulative estimates) are drawn
// with equal squares and no weight column. The figure height is
// proportional to the number of rows, so k = 300 studies stay legible.
func Forest(rows []ForestRow, opt ForestOptions) (*Figure, error) {
	if len(rows) == 0 && opt.Overall == nil {
		return nil, fmt.Errorf("plots: forest plot has no rows")
	}
	th := opt.Theme.orDefault()
	tr := opt.Transform
	if tr == nil {
		tr = func(x float64) float64 { return x }
	}
	if opt.Digits <= 0 {
		opt.Digits = 2
	}
	if opt.Width <= 0 {
		opt.Width = PageWidth
	}
	if opt.RowHeight <= 0 {
		opt.RowHeight = th.FontSize * 1.45
	}
	if opt.MaxLabelWidth <= 0 {
		opt.MaxLabelWidth = opt.Width * 0.3
	}
	for i, r := range rows {
		if !finite(r.Estimate) {
			return nil, fmt.Errorf("plots: forest row %d (%q): estimate %v is not finite", i+1, r.Label, r.Estimate)
		}
		if r.Lower > r.Estimate || r.Upper < r.Estimate {
			return nil, fmt.Errorf("plots: forest row %d (%q): CI [%v, %v] does not contain the estimate %v", i+1, r.Label, r.Lower, r.Upper, r.Estimate)
		}
	}
	order, err := forestOrder(rows, opt)
	if err != nil {
		return nil, err
	}

	// Lay out the rows top to bottom: y = 0 is the header, then −1, −2, ….
	var (
		lay      forestLayout
		hasN     bool
		hasW     bool
		studyIdx []int
	)
	for _, r := range rows {
		hasN = hasN || r.N > 0
		hasW = hasW || r.Weight > 0
	}
	lay.add(rowHeader, "", -1)
	emitStudies := func(idx []int) {
		for _, i := range idx {
			lay.add(rowStudy, rows[i].Label, i)
			studyIdx = append(studyIdx, i)
		}
	}
	if opt.Subgroups != nil {
		byGroup := map[string][]int{}
		for _, i := range order {
			byGroup[rows[i].Group] = append(byGroup[rows[i].Group], i)
		}
		known := map[string]bool{}
		for gi, s := range opt.Subgroups {
			known[s.Label] = true
			lay.add(rowGroup, s.Label, -1)
			emitStudies(byGroup[s.Label])
			lay.add(rowSubtotal, "Subtotal", gi)
			if s.Note != "" {
				lay.add(rowNote, s.Note, -1)
			}
			lay.add(rowBlank, "", -1)
		}
		for _, i := range order {
			if !known[rows[i].Group] {
				return nil, fmt.Errorf("plots: forest row %d (%q): group %q has no subtotal in Subgroups", i+1, rows[i].Label, rows[i].Group)
			}
		}
	} else {
		emitStudies(order)
	}
	if opt.Overall != nil {
		if opt.Subgroups == nil {
			lay.add(rowBlank, "", -1)
		}
		lay.add(rowOverall, opt.Overall.Label, -1)
		if opt.Overall.Note != "" {
			lay.add(rowNote, opt.Overall.Note, -1)
		}
	}

	p := th.newPlot()
	p.HideY()
	p.Y.Min, p.Y.Max = -float64(len(lay.kind))+0.5, 0.5
	p.X.Label.Text = opt.XLabel
	if p.X.Label.Text == "" {
		p.X.Label.Text = "Effect size"
	}
	p.X.Tick.Marker = niceTicks{noLead: opt.NoLeadingZero}
	line := lineStyle(th.LineWidth, black)

	// Graphical elements.
	ci := &CIRows{MinSize: th.FontSize * 0.35, MaxSize: opt.RowHeight * 0.85, LineStyle: line, Clip: opt.XMin != 0 || opt.XMax != 0}
	for j, k := range lay.kind {
		if k != rowStudy {
			continue
		}
		r := rows[lay.ref[j]]
		ci.Y = append(ci.Y, -float64(j))
		ci.Estimate = append(ci.Estimate, tr(r.Estimate))
		ci.Lower = append(ci.Lower, tr(r.Lower))
		ci.Upper = append(ci.Upper, tr(r.Upper))
		w := r.Weight
		if !hasW {
			w = 0
		}
		ci.Weight = append(ci.Weight, w)
	}
	if !hasW {
		ci.Weight = nil
	}
	var diamonds []*Diamond
	summaryOf := func(j int) *Summary {
		if lay.kind[j] == rowOverall {
			return opt.Overall
		}
		return &opt.Subgroups[lay.ref[j]]
	}
	for j, k := range lay.kind {
		if k != rowOverall && k != rowSubtotal {
			continue
		}
		s := summaryOf(j)
		d := &Diamond{Y: -float64(j), Estimate: tr(s.Estimate), Lower: tr(s.Lower), Upper: tr(s.Upper),
			PILower: math.NaN(), PIUpper: math.NaN(), Height: opt.RowHeight * 0.8, Fill: black,
			PIStyle: lineStyle(th.LineWidth, black)}
		if k == rowSubtotal {
			d.Fill = midGrey
			d.LineStyle = lineStyle(0.4, black)
		}
		if finite(s.PILower) && finite(s.PIUpper) {
			d.PILower, d.PIUpper = tr(s.PILower), tr(s.PIUpper)
		}
		diamonds = append(diamonds, d)
	}
	if !opt.NoNull {
		last := -float64(len(lay.kind) - 1)
		for j := len(lay.kind) - 1; j > 0; j-- {
			if k := lay.kind[j]; k == rowStudy || k == rowOverall || k == rowSubtotal {
				last = -float64(j)
				break
			}
		}
		p.Add(&VLine{X: tr(opt.Null), Y0: -0.5, Y1: last - 0.5, LineStyle: lineStyle(0.5, midGrey)})
	}
	p.Add(ci)
	for _, d := range diamonds {
		p.Add(d)
	}
	if opt.XMin != 0 || opt.XMax != 0 {
		p.X.Min, p.X.Max = opt.XMin, opt.XMax
	} else {
		niceRange(&p.X)
	}

	// Text columns.
	body := th.textStyle(false)
	bold := th.textStyle(true)
	note := body
	note.Font.Size = th.FontSize - 1
	note.Font.Variant = "Sans"
	n := len(lay.kind)
	newCol := func() *TextColumn {
		c := &TextColumn{Y: make([]float64, n), Text: make([]string, n), Style: body, BoldStyle: bold, Bold: make([]bool, n)}
		for j := range c.Y {
			c.Y[j] = -float64(j)
		}
		return c
	}
	label, ncol, est, lo, hi, wcol, notes := newCol(), newCol(), newCol(), newCol(), newCol(), newCol(), newCol()
	notes.Style, notes.Overflow = note, true
	piCol := newCol()
	piCol.Style, piCol.Overflow = note, true
	hdr := func(s, def string) string {
		if s == "" {
			return def
		}
		return s
	}
	label.Text[0], label.Bold[0] = hdr(opt.LabelHeader, "Study"), true
	ncol.Text[0], ncol.Bold[0] = hdr(opt.NHeader, "n"), true
	wcol.Text[0], wcol.Bold[0] = hdr(opt.WeightHeader, "Weight"), true
	effHeader := hdr(opt.EffectHeader, "Estimate [95% CI]")
	d := opt.Digits
	setCI := func(j int, e, l, u float64, b bool) {
		est.Text[j] = formatNum(tr(e), d, opt.NoLeadingZero)
		lo.Text[j] = "[" + formatNum(tr(l), d, opt.NoLeadingZero) + ","
		hi.Text[j] = formatNum(tr(u), d, opt.NoLeadingZero) + "]"
		est.Bold[j], lo.Bold[j], hi.Bold[j] = b, b, b
	}
	// Weights below 1% (large k) get two decimals.
	wdec := 1
	for _, r := range rows {
		if r.Weight > 0 && r.Weight < 1 {
			wdec = 2
		}
	}
	for j, k := range lay.kind {
		switch k {
		case rowStudy:
			r := rows[lay.ref[j]]
			label.Text[j] = truncate(body, r.Label, opt.MaxLabelWidth)
			if r.N > 0 {
				ncol.Text[j] = strconv.FormatFloat(r.N, 'f', -1, 64)
			}
			setCI(j, r.Estimate, r.Lower, r.Upper, false)
			if hasW && r.Weight > 0 {
				wcol.Text[j] = strconv.FormatFloat(r.Weight, 'f', wdec, 64) + "%"
			}
		case rowGroup:
			label.Text[j], label.Bold[j] = truncate(bold, lay.label[j], opt.MaxLabelWidth), true
		case rowSubtotal, rowOverall:
			s := summaryOf(j)
			lab := lay.label[j]
			if k == rowOverall && lab == "" {
				lab = "Overall"
			}
			label.Text[j], label.Bold[j] = truncate(bold, lab, opt.MaxLabelWidth), true
			setCI(j, s.Estimate, s.Lower, s.Upper, true)
			if hasW && k == rowSubtotal {
				var w float64
				for _, i := range studyIdx {
					if rows[i].Group == s.Label && rows[i].Weight > 0 {
						w += rows[i].Weight
					}
				}
				wcol.Text[j], wcol.Bold[j] = strconv.FormatFloat(w, 'f', 1, 64)+"%", true
			}
			if finite(s.PILower) && finite(s.PIUpper) {
				// The PI is written under the diamond's CI, in the note row
				// if there is one.
				pi := "PI [" + formatNum(tr(s.PILower), d, opt.NoLeadingZero) + ", " + formatNum(tr(s.PIUpper), d, opt.NoLeadingZero) + "]"
				if j+1 < n && lay.kind[j+1] == rowNote {
					piCol.Text[j+1] = pi
				} else {
					label.Text[j] += "  (" + pi + ")"
				}
			}
		case rowNote:
			notes.Text[j] = lay.label[j]
		}
	}
	// Column geometry, in points from the data area's edges.
	gap := th.FontSize * 1.0
	space := th.FontSize * 0.3
	ncol.XAlign = draw.XRight
	ncol.Offset = -gap
	ncol.Anchor = 0
	left := -gap
	if hasN {
		left -= ncol.Width() + gap
	} else {
		ncol.Text = make([]string, n)
	}
	label.Anchor, label.XAlign = 0, draw.XLeft
	label.Offset = left - label.Width()
	notes.Anchor, notes.XAlign, notes.Offset = 0, draw.XLeft, label.Offset
	est.Anchor, lo.Anchor, hi.Anchor, wcol.Anchor = 1, 1, 1, 1
	est.XAlign, lo.XAlign, hi.XAlign, wcol.XAlign = draw.XRight, draw.XRight, draw.XRight, draw.XRight
	est.Offset = gap + est.Width()
	lo.Offset = est.Offset + space + lo.Width()
	// The PI text in note rows is right-aligned with the CI's end.
	hiW := hi.Width()
	hi.Offset = lo.Offset + space + hiW
	est.Text[0], est.Bold[0] = effHeader, true
	est.XAlign = draw.XRight
	// Right-align the header with the end of the CI column.
	hdrCol := &TextColumn{Y: []float64{0}, Text: []string{effHeader}, Anchor: 1, XAlign: draw.XRight, Offset: hi.Offset, Style: bold}
	est.Text[0] = ""
	piCol.Anchor, piCol.XAlign, piCol.Offset = 1, draw.XRight, hi.Offset
	cols := []*TextColumn{label, ncol, est, lo, hi, hdrCol, notes, piCol}
	if hasW {
		wcol.Offset = hi.Offset + gap + wcol.Width()
		cols = append(cols, wcol)
	}
	for _, c := range cols {
		p.Add(c)
	}
	// Rules under the header and above the overall row.
	rightEdge := hi.Offset
	if hasW {
		rightEdge = wcol.Offset
	}
	p.Add(&Rule{Y: -0.5, Left: label.Offset, Right: rightEdge, LineStyle: lineStyle(0.5, black)})

	h := opt.RowHeight*vg.Length(n) + th.FontSize*3.6 + 8
	return &Figure{Panels: [][]*plot.Plot{{p}}, Width: opt.Width, Height: h,
		parts: &forestParts{rows: ci, diamonds: diamonds, layout: lay, labels: label}}, nil
}

// forestParts are a forest plot's elements, kept for tests.
type forestParts struct {
	rows     *CIRows
	diamonds []*Diamond
	layout   forestLayout
	labels   *TextColumn
}

type rowKind int

const (
	rowHeader rowKind = iota
	rowStudy
	rowGroup
	rowSubtotal
	rowOverall
	rowNote
	rowBlank
)

// forestLayout lists the rows top to bottom with, for study rows, the
// index into the input and, for subtotals, the index into Subgroups.
type forestLayout struct {
	kind  []rowKind
	label []string
	ref   []int
}

func (l *forestLayout) add(k rowKind, label string, ref int) {
	l.kind = append(l.kind, k)
	l.label = append(l.label, label)
	l.ref = append(l.ref, ref)
}

// forestOrder returns the row indices in drawing order.
func forestOrder(rows []ForestRow, opt ForestOptions) ([]int, error) {
	k := len(rows)
	if opt.Order != nil {
		if len(opt.Order) != k {
			return nil, fmt.Errorf("plots: forest Order has %d entries for %d rows; give each row index once", len(opt.Order), k)
		}
		seen := make([]bool, k)
		for _, i := range opt.Order {
			if i < 0 || i >= k || seen[i] {
				return nil, fmt.Errorf("plots: forest Order is not a permutation of 0..%d (entry %d)", k-1, i)
			}
			seen[i] = true
		}
		return append([]int(nil), opt.Order...), nil
	}
	idx := make([]int, k)
	for i := range idx {
		idx[i] = i
	}
	switch opt.Sort {
	case SortInput:
	case SortEffect:
		sort.SliceStable(idx, func(a, b int) bool { return rows[idx[a]].Estimate < rows[idx[b]].Estimate })
	case SortWeight:
		sort.SliceStable(idx, func(a, b int) bool { return rows[idx[a]].Weight > rows[idx[b]].Weight })
	default:
		return nil, fmt.Errorf("plots: unknown forest sort order %d (use SortInput, SortEffect or SortWeight)", opt.Sort)
	}
	return idx, nil
}

// truncate shortens s with an ellipsis so that it is at most w wide.
func truncate(st text.Style, s string, w vg.Length) string {
	if st.Width(s) <= w {
		return s
	}
	r := []rune(s)
	for len(r) > 1 && st.Width(string(r)+"…") > w {
		r = r[:len(r)-1]
	}
	return string(r) + "…"
}
