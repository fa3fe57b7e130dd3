package plots

import (
	"fmt"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
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
	// Note is printed under the row, e.g. "τ² = 0.008, I² = 62%".
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
	// Summary's Label is the group name (see also CompactGroups).
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
	// CompactGroups lays the Subgroups out without a heading and a blank
	// row per group: each group's studies, then (for a group of two or
	// more) its diamond labelled by the Summary's Label, e.g. the clusters
	// of a three-level model.
	CompactGroups bool
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
	b, err := newForestBuild(rows, opt)
	if err != nil {
		return nil, err
	}
	if err = b.layOut(); err != nil {
		return nil, err
	}
	p := b.th.newPlot()
	p.HideY()
	p.Y.Min, p.Y.Max = -float64(len(b.lay.kind))+0.5, 0.5
	p.X.Label.Text = b.opt.XLabel
	if p.X.Label.Text == "" {
		p.X.Label.Text = "Effect size"
	}
	p.X.Tick.Marker = niceTicks{noLead: b.opt.NoLeadingZero}
	ci, diamonds := b.graphics(p)
	label := b.textColumns(p)
	h := b.opt.RowHeight*vg.Length(len(b.lay.kind)) + b.th.FontSize*3.6 + 8
	return &Figure{Panels: [][]*plot.Plot{{p}}, Width: b.opt.Width, Height: h,
		parts: &forestParts{rows: ci, diamonds: diamonds, layout: b.lay, labels: label}}, nil
}

// forestBuild is the state shared by the phases of Forest: the validated
// input with defaults filled in, and the row layout.
type forestBuild struct {
	rows []ForestRow
	opt  ForestOptions
	th   Theme
	tr   func(float64) float64
	// hasN and hasW: some row has a sample size, a weight.
	hasN, hasW bool
	lay        forestLayout
	// studyIdx lists the input rows in drawing order.
	studyIdx []int
}

// newForestBuild fills in the defaults of opt and checks every row.
func newForestBuild(rows []ForestRow, opt ForestOptions) (*forestBuild, error) {
	if len(rows) == 0 && opt.Overall == nil {
		return nil, fmt.Errorf("plots: forest plot has no rows")
	}
	b := &forestBuild{rows: rows, th: opt.Theme.orDefault(), tr: opt.Transform}
	if b.tr == nil {
		b.tr = func(x float64) float64 { return x }
	}
	if opt.Digits <= 0 {
		opt.Digits = 2
	}
	if opt.Width <= 0 {
		opt.Width = PageWidth
	}
	if opt.RowHeight <= 0 {
		opt.RowHeight = b.th.FontSize * 1.45
	}
	if opt.MaxLabelWidth <= 0 {
		opt.MaxLabelWidth = opt.Width * 0.3
	}
	b.opt = opt
	for i, r := range rows {
		if !finite(r.Estimate) {
			return nil, fmt.Errorf("plots: forest row %d (%q): estimate %v is not finite", i+1, r.Label, r.Estimate)
		}
		if r.Lower > r.Estimate || r.Upper < r.Estimate {
			return nil, fmt.Errorf("plots: forest row %d (%q): CI [%v, %v] does not contain the estimate %v", i+1, r.Label, r.Lower, r.Upper, r.Estimate)
		}
		b.hasN = b.hasN || r.N > 0
		b.hasW = b.hasW || r.Weight > 0
	}
	return b, nil
}

// summaryOf returns the summary drawn on layout row j (overall or subtotal).
func (b *forestBuild) summaryOf(j int) *Summary {
	if b.lay.kind[j] == rowOverall {
		return b.opt.Overall
	}
	return &b.opt.Subgroups[b.lay.ref[j]]
}

// graphics adds the reference line, the squares with their whiskers and the
// diamonds to p, and sets the x range.
func (b *forestBuild) graphics(p *plot.Plot) (*CIRows, []*Diamond) {
	opt, th, tr, lay := b.opt, b.th, b.tr, b.lay
	line := lineStyle(th.LineWidth, black)
	ci := &CIRows{MinSize: th.FontSize * 0.35, MaxSize: opt.RowHeight * 0.85, LineStyle: line, Clip: opt.XMin != 0 || opt.XMax != 0}
	for j, k := range lay.kind {
		if k != rowStudy {
			continue
		}
		r := b.rows[lay.ref[j]]
		ci.Y = append(ci.Y, -float64(j))
		ci.Estimate = append(ci.Estimate, tr(r.Estimate))
		ci.Lower = append(ci.Lower, tr(r.Lower))
		ci.Upper = append(ci.Upper, tr(r.Upper))
		w := r.Weight
		if !b.hasW {
			w = 0
		}
		ci.Weight = append(ci.Weight, w)
	}
	if !b.hasW {
		ci.Weight = nil
	}
	var diamonds []*Diamond
	for j, k := range lay.kind {
		if k != rowOverall && k != rowSubtotal {
			continue
		}
		s := b.summaryOf(j)
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
	return ci, diamonds
}

// forestParts are a forest plot's elements, kept for tests.
type forestParts struct {
	rows     *CIRows
	diamonds []*Diamond
	layout   forestLayout
	labels   *TextColumn
}
