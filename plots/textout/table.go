package textout

import (
	"encoding/csv"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/alliance-research/alliance/analysis/workflow"
)

// Table writes t as an aligned plain-text APA table (Text), a
// GitHub-flavoured Markdown table (Markdown) or RFC 4180 CSV of the header
// and rows only (CSV; cells as they are, for programs).
func Table(w io.Writer, f Format, t *workflow.Table) error {
	switch f {
	case Markdown:
		return markdownTable(w, t)
	case CSV:
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
	return textTable(w, t)
}

// textTable writes the aligned plain-text table.
func textTable(w io.Writer, t *workflow.Table) error {
	cols := cleanAll(t.Columns)
	rows := make([][]string, len(t.Rows))
	for i, r := range t.Rows {
		rows[i] = cleanAll(r)
	}
	width := make([]int, len(cols))
	for i, c := range cols {
		width[i] = utf8.RuneCountInString(c)
	}
	for _, r := range rows {
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
		fmt.Fprintln(w, Clean(t.Title))
	}
	fmt.Fprintln(w, rule)
	fmt.Fprintln(w, line(cols))
	fmt.Fprintln(w, rule)
	for _, r := range rows {
		fmt.Fprintln(w, line(r))
	}
	fmt.Fprintln(w, rule)
	for _, n := range t.Notes {
		fmt.Fprintln(w, Clean(n))
	}
	return nil
}

// markdownTable writes the Markdown table, pipes escaped.
func markdownTable(w io.Writer, t *workflow.Table) error {
	esc := func(s string) string { return strings.ReplaceAll(Clean(s), "|", `\|`) }
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
			fmt.Fprintf(w, "%s\n", Clean(n))
		}
	}
	return nil
}

func cleanAll(v []string) []string {
	out := make([]string, len(v))
	for i, s := range v {
		out[i] = Clean(s)
	}
	return out
}
