package main

import (
	"encoding/csv"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/alliance-research/alliance/analysis/jsonout"
	"github.com/alliance-research/alliance/analysis/workflow"
)

// renderSection writes a workflow section as text or Markdown: headings,
// paragraphs, tables and code in order. Figures are files (written by
// saveFigures), so only their title is mentioned. CSV output is one tidy
// table (renderCSV).
func renderSection(w io.Writer, format string, s *workflow.Section) error {
	md := format == "markdown"
	if s.Title != "" {
		if md {
			fmt.Fprintf(w, "## %s\n\n", s.Title)
		} else {
			fmt.Fprintf(w, "%s\n\n", s.Title)
		}
	}
	for _, b := range s.Blocks {
		switch b := b.(type) {
		case *workflow.Heading:
			if md {
				fmt.Fprintf(w, "### %s\n\n", b.Text)
			} else {
				fmt.Fprintf(w, "%s\n%s\n\n", b.Text, strings.Repeat("=", utf8.RuneCountInString(b.Text)))
			}
		case *workflow.Paragraph:
			text := b.Text
			switch b.Kind {
			case workflow.NoteText:
				text = "Note. " + text
			case workflow.Methods:
				continue // the methods paragraph belongs to the report
			}
			fmt.Fprintf(w, "%s\n\n", text)
		case *workflow.Table:
			t := tableOf(b)
			if err := t.render(w, format); err != nil {
				return err
			}
			fmt.Fprintln(w)
		case *workflow.Code:
			if md {
				lang := strings.ToLower(b.Lang)
				if lang == "shell" {
					lang = "sh"
				}
				fmt.Fprintf(w, "```%s\n%s\n```\n\n", lang, strings.TrimRight(b.Text, "\n"))
			} else {
				fmt.Fprintf(w, "%s\n\n", strings.TrimRight(b.Text, "\n"))
			}
		case *workflow.List:
			for i, it := range b.Items {
				if b.Ordered {
					fmt.Fprintf(w, "%d. %s\n", i+1, it)
				} else {
					fmt.Fprintf(w, "- %s\n", it)
				}
			}
			fmt.Fprintln(w)
		case *workflow.Figure:
			// drawn to a file on request; nothing to print
		}
	}
	return nil
}

// renderNotes prints the notes every output shows first.
func renderNotes(w io.Writer, notes []workflow.Note) {
	for _, n := range notes {
		prefix := "Note"
		if n.Level == workflow.Warning {
			prefix = "Warning"
		}
		fmt.Fprintf(w, "%s: %s\n", prefix, n.Text)
	}
	if len(notes) > 0 {
		fmt.Fprintln(w)
	}
}

// renderCSV writes the named table of a section (the first when name is
// empty) as RFC 4180 CSV: one tidy table, header and rows only.
func renderCSV(w io.Writer, s *workflow.Section, name string) error {
	for _, t := range s.Tables() {
		if name == "" || t.Name == name {
			return tableOf(t).csv(w)
		}
	}
	return fmt.Errorf("no table %q in the output", name)
}

func tableOf(t *workflow.Table) *table {
	return &table{Title: t.Title, Columns: t.Columns, Right: t.Right, Rows: t.Rows, Notes: t.Notes}
}

// renderRCode prints the R code of the steps (--r-code).
func renderRCode(w io.Writer, format string, steps []workflow.Step) {
	for _, s := range steps {
		if s.RCode == "" {
			continue
		}
		if format == "markdown" {
			fmt.Fprintf(w, "\n```r\n%s\n```\n", strings.TrimRight(s.RCode, "\n"))
		} else {
			fmt.Fprintf(w, "\nEquivalent R (%s):\n%s\n", s.Purpose, strings.TrimRight(s.RCode, "\n"))
		}
	}
}

// part is what a workflow run renders as text: the notes shown first and
// its section.
type part interface {
	TopNotes() []workflow.Note
	Section() *workflow.Section
}

// emitRun writes a workflow run in the chosen format: JSON the typed
// results v, CSV one tidy table (csv), text and Markdown the notes at the
// top, the section, then whatever more writes. With JSON and CSV the
// notes go to standard error, so that they are never lost.
func (e *env) emitRun(p part, v any, csv func(w io.Writer) error, more ...func(w io.Writer)) error {
	if e.format == "json" || e.format == "csv" {
		for _, n := range p.TopNotes() {
			e.infof("alliance: %s", n.Text)
		}
	}
	return e.emit(func(w io.Writer) error {
		switch e.format {
		case "json":
			return jsonout.Write(w, v)
		case "csv":
			return csv(w)
		}
		renderNotes(w, p.TopNotes())
		if err := renderSection(w, e.format, p.Section()); err != nil {
			return err
		}
		for _, m := range more {
			m(w)
		}
		return nil
	})
}

// tableCSV writes one table of a section as CSV.
func tableCSV(t *workflow.Table) func(w io.Writer) error {
	return func(w io.Writer) error { return tableOf(t).csv(w) }
}

// tidyCSV writes the named tidy table (the first when name is "") as RFC
// 4180 CSV (workflow.TidyTable.Records).
func tidyCSV(tables []workflow.TidyTable, name string) func(w io.Writer) error {
	return func(w io.Writer) error {
		var names []string
		for _, t := range tables {
			if name == "" || t.Name == name {
				recs, err := t.Records()
				if err != nil {
					return err
				}
				cw := csv.NewWriter(w)
				if err := cw.WriteAll(recs); err != nil {
					return err
				}
				return cw.Error()
			}
			names = append(names, t.Name)
		}
		return usagef("no table %q in this output (tables: %s)", name, strings.Join(names, ", "))
	}
}

// noNotes is a part of one table and no notes (lists of what is built in).
type noNotes struct{ t *workflow.Table }

func (noNotes) TopNotes() []workflow.Note { return nil }

func (n noNotes) Section() *workflow.Section {
	return &workflow.Section{Blocks: []workflow.Block{n.t}}
}
