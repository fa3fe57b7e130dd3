// Package textout renders the workflow document model (package
// analysis/workflow) as plain text, Markdown or CSV: the terminal's
// counterpart of plots/report, which renders it as HTML. It decides
// nothing about an analysis; it lays out what a Part's Section holds.
//
// Text is for a terminal, so every string from the data (labels, column
// names) is printed with control characters escaped (ESC as \x1b, so a
// label cannot move the cursor or recolour the terminal); tab and newline
// are kept where the layout puts them. Plain-text tables are APA-styled: a
// title, a rule, the header, a rule, the rows, a rule, then notes, with
// numeric columns right-aligned by rune count.
//
// A front end's whole output passes through the same hygiene: text and
// Markdown through EscapeControls, CSV through CSVWriter, which gives a
// cell a spreadsheet would run as a formula a leading ' (SafeCSV).
package textout

import (
	"encoding/csv"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/alliance-research/alliance/analysis/errs"
	"github.com/alliance-research/alliance/analysis/workflow"
)

// Format is an output format of this package.
type Format string

// The formats.
const (
	Text     Format = "text"
	Markdown Format = "markdown"
	CSV      Format = "csv"
)

// Section writes s as text or Markdown: headings, paragraphs, tables,
// code and lists in order. Figures are files, drawn elsewhere, so nothing
// is printed for them; the methods paragraph belongs to the report and is
// left out.
func Section(w io.Writer, f Format, s *workflow.Section) error {
	md := f == Markdown
	if s.Title != "" {
		if md {
			fmt.Fprintf(w, "## %s\n\n", Clean(s.Title))
		} else {
			fmt.Fprintf(w, "%s\n\n", Clean(s.Title))
		}
	}
	for _, b := range s.Blocks {
		if err := block(w, f, b); err != nil {
			return err
		}
	}
	return nil
}

// block writes one block of a section.
func block(w io.Writer, f Format, b workflow.Block) error {
	md := f == Markdown
	switch b := b.(type) {
	case *workflow.Heading:
		t := Clean(b.Text)
		if md {
			fmt.Fprintf(w, "### %s\n\n", t)
		} else {
			fmt.Fprintf(w, "%s\n%s\n\n", t, strings.Repeat("=", utf8.RuneCountInString(t)))
		}
	case *workflow.Paragraph:
		text := Clean(b.Text)
		switch b.Kind {
		case workflow.NoteText:
			text = "Note. " + text
		case workflow.Methods:
			return nil
		}
		fmt.Fprintf(w, "%s\n\n", text)
	case *workflow.Table:
		if err := Table(w, f, b); err != nil {
			return err
		}
		fmt.Fprintln(w)
	case *workflow.Code:
		code := strings.TrimRight(cleanKeep(b.Text, "\n\t"), "\n")
		if md {
			lang := strings.ToLower(b.Lang)
			if lang == "shell" {
				lang = "sh"
			}
			fmt.Fprintf(w, "```%s\n%s\n```\n\n", lang, code)
		} else {
			fmt.Fprintf(w, "%s\n\n", code)
		}
	case *workflow.List:
		for i, it := range b.Items {
			if b.Ordered {
				fmt.Fprintf(w, "%d. %s\n", i+1, Clean(it))
			} else {
				fmt.Fprintf(w, "- %s\n", Clean(it))
			}
		}
		fmt.Fprintln(w)
	}
	return nil
}

// Notes prints the notes every output shows first, "Note: …" or
// "Warning: …", one per line, and a blank line after them.
func Notes(w io.Writer, notes []workflow.Note) {
	for _, n := range notes {
		prefix := "Note"
		if n.Level == workflow.Warning {
			prefix = "Warning"
		}
		fmt.Fprintf(w, "%s: %s\n", prefix, Clean(n.Text))
	}
	if len(notes) > 0 {
		fmt.Fprintln(w)
	}
}

// RCode prints the R code of the steps that have some.
func RCode(w io.Writer, f Format, steps []workflow.Step) {
	for _, s := range steps {
		if s.RCode == "" {
			continue
		}
		code := strings.TrimRight(cleanKeep(s.RCode, "\n\t"), "\n")
		if f == Markdown {
			fmt.Fprintf(w, "\n```r\n%s\n```\n", code)
		} else {
			fmt.Fprintf(w, "\nEquivalent R (%s):\n%s\n", Clean(s.Purpose), code)
		}
	}
}

// SectionCSV writes the named table of s (the first when name is empty)
// as CSV (see Table).
func SectionCSV(w io.Writer, s *workflow.Section, name string) error {
	for _, t := range s.Tables() {
		if name == "" || t.Name == name {
			return Table(w, CSV, t)
		}
	}
	return fmt.Errorf("no table %q in the output", name)
}

// TidyCSV writes the named tidy table of tables (the first when name is
// "") as RFC 4180 CSV (workflow.TidyTable.Records). A name that is none of
// them is an errs.InvalidOption with hint "table", listing the names.
func TidyCSV(w io.Writer, tables []workflow.TidyTable, name string) error {
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
	return errs.New(errs.InvalidOption, "", "no table %q in this output (tables: %s)", name, strings.Join(names, ", ")).WithHint("table")
}

// Clean escapes the control characters of s (C0 and C1, DEL, and the
// bidirectional overrides) in Go's notation, so that data printed on a
// terminal is seen as written and cannot act on the terminal.
func Clean(s string) string { return cleanKeep(s, "") }

func cleanKeep(s, keep string) string {
	if !strings.ContainsFunc(s, func(r rune) bool { return unsafeRune(r) && !strings.ContainsRune(keep, r) }) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if unsafeRune(r) && !strings.ContainsRune(keep, r) {
			if r < 0x100 {
				fmt.Fprintf(&b, `\x%02x`, r)
			} else {
				fmt.Fprintf(&b, `\u%04x`, r)
			}
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// unsafeRune reports control characters and the Unicode bidirectional
// formatting characters (which can reorder what a terminal shows).
func unsafeRune(r rune) bool {
	return unicode.IsControl(r) || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069)
}
