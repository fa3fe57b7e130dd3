package main

import (
	"encoding/csv"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/alliance-research/alliance/analysis/apa"
)

// table is the one tabular shape every command renders as text, Markdown or
// CSV. Cells are already formatted strings.
type table struct {
	Title   string
	Columns []string
	Right   []bool // right-align column i in text output (numbers)
	Rows    [][]string
	Notes   []string
}

// text writes t as an aligned plain-text table in the APA style: a title, a
// rule, the header, a rule, the rows, a rule, then notes.
func (t *table) text(w io.Writer) error {
	width := make([]int, len(t.Columns))
	for i, c := range t.Columns {
		width[i] = utf8.RuneCountInString(c)
	}
	for _, r := range t.Rows {
		for i, c := range r {
			if i < len(width) && utf8.RuneCountInString(c) > width[i] {
				width[i] = utf8.RuneCountInString(c)
			}
		}
	}
	total := 0
	for _, wd := range width {
		total += wd + 2
	}
	if total > 2 {
		total -= 2
	}
	line := func(cells []string) string {
		var b strings.Builder
		for i, c := range cells {
			if i >= len(width) {
				break
			}
			pad := strings.Repeat(" ", width[i]-utf8.RuneCountInString(c))
			if i < len(t.Right) && t.Right[i] {
				b.WriteString(pad + c)
			} else {
				b.WriteString(c + pad)
			}
			if i < len(cells)-1 {
				b.WriteString("  ")
			}
		}
		return strings.TrimRight(b.String(), " ")
	}
	rule := strings.Repeat("─", total)
	if t.Title != "" {
		fmt.Fprintln(w, t.Title)
	}
	fmt.Fprintln(w, rule)
	fmt.Fprintln(w, line(t.Columns))
	fmt.Fprintln(w, rule)
	for _, r := range t.Rows {
		fmt.Fprintln(w, line(r))
	}
	fmt.Fprintln(w, rule)
	for _, n := range t.Notes {
		fmt.Fprintln(w, n)
	}
	return nil
}

// markdown writes t as a GitHub-flavoured Markdown table.
func (t *table) markdown(w io.Writer) error {
	esc := func(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
	if t.Title != "" {
		fmt.Fprintf(w, "**%s**\n\n", esc(t.Title))
	}
	cells := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		cells[i] = esc(c)
	}
	fmt.Fprintf(w, "| %s |\n", strings.Join(cells, " | "))
	for i := range cells {
		if i < len(t.Right) && t.Right[i] {
			cells[i] = "---:"
		} else {
			cells[i] = "---"
		}
	}
	fmt.Fprintf(w, "| %s |\n", strings.Join(cells, " | "))
	for _, r := range t.Rows {
		out := make([]string, len(r))
		for i, c := range r {
			out[i] = esc(c)
		}
		fmt.Fprintf(w, "| %s |\n", strings.Join(out, " | "))
	}
	if len(t.Notes) > 0 {
		fmt.Fprintln(w)
		for _, n := range t.Notes {
			fmt.Fprintf(w, "%s\n", n)
		}
	}
	return nil
}

// csv writes the header and rows of t as RFC 4180 CSV (no title, no notes).
func (t *table) csv(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(t.Columns); err != nil {
		return err
	}
	if err := cw.WriteAll(t.Rows); err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

// render writes t in the given non-JSON format.
func (t *table) render(w io.Writer, format string) error {
	switch format {
	case "markdown":
		return t.markdown(w)
	case "csv":
		return t.csv(w)
	default:
		return t.text(w)
	}
}

// num formats a number for a table cell ("NA" when undefined).
func num(x float64, d int) string { return apa.Cell(x, d) }
