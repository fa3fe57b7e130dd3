package report

import (
	"html"
	"math"

	"github.com/alliance-research/alliance/analysis/apa"
)

// document is the report as a list of sections of blocks, rendered to HTML
// by writeHTML.
type document struct {
	title    string
	subtitle []string
	warning  string // shown in a box at the top (simulated data)
	noPDF    bool
	sections []*section
}

// section is a top-level section (h2) with its blocks.
type section struct {
	id, title string
	blocks    []block
}

type block interface{ isBlock() }

// subhead is an h3 subsection heading, listed in the table of contents.
type subhead struct{ id, text string }

// para is a paragraph of HTML (already escaped).
type para struct {
	html  string
	class string
}

// table is an APA-style table: number and italic title above, notes below.
type table struct {
	title  string
	cols   []string
	right  []bool
	rows   [][]string
	notes  []string
	num    int
	strong []bool // rows in bold (e.g. pooled estimates)
}

// figBlock places a figure.
type figBlock struct {
	fig *Figure
	num int
}

// code is preformatted text (R code, command lines).
type code struct{ text, label string }

// list is an unordered (or ordered) list of HTML items.
type list struct {
	items   []string
	ordered bool
	class   string
}

func (subhead) isBlock()   {}
func (para) isBlock()      {}
func (*table) isBlock()    {}
func (*figBlock) isBlock() {}
func (code) isBlock()      {}
func (*figRow) isBlock()   {}

// figRow places figures side by side (on wide screens).
type figRow struct{ figs []*figBlock }

func (list) isBlock() {}

func (s *section) add(b ...block) { s.blocks = append(s.blocks, b...) }

// p adds a paragraph of plain text (escaped).
func (s *section) p(text string) { s.blocks = append(s.blocks, para{html: esc(text)}) }

// ph adds a paragraph of HTML.
func (s *section) ph(h string) { s.blocks = append(s.blocks, para{html: h}) }

func (s *section) h(id, text string) { s.blocks = append(s.blocks, subhead{id, text}) }

func (s *section) fig(f *Figure) {
	if f != nil {
		s.blocks = append(s.blocks, &figBlock{fig: f})
	}
}

func esc(s string) string { return html.EscapeString(s) }

// Number formatting in APA style, with "NA" for undefined values.

func num(x float64, d int) string { return apa.Cell(x, d) }

// rnum formats a correlation (no leading zero).
func rnum(x float64, d int) string {
	if math.IsNaN(x) {
		return "NA"
	}
	return apa.NoZero(x, d)
}

// pval formats a p-value for a table cell: ".012", "< .001".
func pval(p float64) string { return apa.PCell(p) }

func ci(lb, ub float64, d int, noZero bool) string {
	if math.IsNaN(lb) || math.IsNaN(ub) {
		return "NA"
	}
	return apa.Interval(lb, ub, d, noZero)
}

func pct(x float64) string {
	if math.IsNaN(x) {
		return "NA"
	}
	return apa.Num(x, 1) + "%"
}

func deref(p *float64) float64 {
	if p == nil {
		return math.NaN()
	}
	return *p
}
