package main

import (
	"encoding/csv"
	"io"
	"strings"

	"github.com/alliance-research/alliance/analysis/jsonout"
	"github.com/alliance-research/alliance/analysis/workflow"
	"github.com/alliance-research/alliance/plots/textout"
)

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
		textout.Notes(w, p.TopNotes())
		if err := textout.Section(w, textout.Format(e.format), p.Section()); err != nil {
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
	return func(w io.Writer) error { return textout.Table(w, textout.CSV, t) }
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
