package plots

import (
	"strconv"

	"sort"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// truncate shortens s with an ellipsis so that it is at most w wide: the
// longest prefix p (at least one rune) with width(p + "…") ≤ w, plus "…".
// Widths grow with the prefix, so a galloping binary search over the rune
// count finds it with O(log m) measures of at most 2m runes, m the kept
// length, after one measure of s: O(n + m log m) for a label of n runes.
func truncate(st text.Style, s string, w vg.Length) string {
	if st.Width(s) <= w {
		return s
	}
	r := []rune(s)
	if len(r) <= 1 {
		return s + "…"
	}
	fits := func(k int) bool { return st.Width(string(r[:k])+"…") <= w }
	// Galloping: the first power of two hi whose prefix does not fit (or
	// len(r)−1), then a binary search in (hi/2, hi]: every measure is of at
	// most twice the kept prefix, plus one of s itself.
	hi := 1
	for hi < len(r)-1 && fits(hi) {
		hi *= 2
	}
	if hi > len(r)-1 {
		hi = len(r) - 1
	}
	lo := hi / 2 // fits(lo) when lo ≥ 1
	// The smallest k in lo+1..hi whose prefix does not fit, or hi+1.
	k := lo + 1 + sort.Search(hi-lo, func(i int) bool { return !fits(lo + 1 + i) })
	k-- // the longest prefix that fits
	if k < 1 {
		k = 1
	}
	return string(r[:k]) + "…"
}

// forestColumns are the text columns of a forest plot, one entry per
// layout row.
type forestColumns struct {
	label, ncol, est, lo, hi, wcol, notes, piCol *TextColumn
	// effHeader heads the estimate and CI columns.
	effHeader string
}

// textColumns fills the text columns, places them beside the data area,
// adds them and the header rule to p, and returns the label column.
func (b *forestBuild) textColumns(p *plot.Plot) *TextColumn {
	c := b.fillColumns()
	b.placeColumns(p, c)
	return c.label
}

// fillColumns writes the text of every row: label, n, estimate and CI,
// weight, notes and prediction intervals.
func (b *forestBuild) fillColumns() forestColumns {
	opt, th, tr, rows, lay, hasW := b.opt, b.th, b.tr, b.rows, b.lay, b.hasW
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
			s := b.summaryOf(j)
			lab := lay.label[j]
			if k == rowOverall && lab == "" {
				lab = "Overall"
			}
			label.Text[j], label.Bold[j] = truncate(bold, lab, opt.MaxLabelWidth), true
			setCI(j, s.Estimate, s.Lower, s.Upper, true)
			if hasW && k == rowSubtotal {
				var w float64
				for _, i := range b.studyIdx {
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
	return forestColumns{label: label, ncol: ncol, est: est, lo: lo, hi: hi, wcol: wcol, notes: notes, piCol: piCol, effHeader: effHeader}
}

// placeColumns sets the column geometry, in points from the data area's
// edges, and adds the columns and the rule under the header to p.
func (b *forestBuild) placeColumns(p *plot.Plot, fc forestColumns) {
	th, hasW, n := b.th, b.hasW, len(b.lay.kind)
	label, ncol, est, lo, hi, wcol, notes, piCol := fc.label, fc.ncol, fc.est, fc.lo, fc.hi, fc.wcol, fc.notes, fc.piCol
	effHeader := fc.effHeader
	gap := th.FontSize * 1.0
	space := th.FontSize * 0.3
	ncol.XAlign = draw.XRight
	ncol.Offset = -gap
	ncol.Anchor = 0
	left := -gap
	if b.hasN {
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
	hdrCol := &TextColumn{Y: []float64{0}, Text: []string{effHeader}, Anchor: 1, XAlign: draw.XRight, Offset: hi.Offset, Style: th.textStyle(true)}
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
}
