package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/alliance-research/alliance/analysis/jsonout"
	"github.com/alliance-research/alliance/analysis/workflow"
	"github.com/alliance-research/alliance/plots/textout"
	"github.com/spf13/cobra"
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
	if tp, ok := p.(interface{ Tidy() []workflow.TidyTable }); ok && e.tablesDir {
		for _, n := range p.TopNotes() {
			e.infof("alliance: %s", n.Text)
		}
		return e.tablesTo(e.out, tp.Tidy())
	}
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

// csvTableCommands are the commands whose --format csv output has several
// tidy tables: --out DIR writes each as DIR/NAME.csv.
var csvTableCommands = map[string]bool{"meta": true, "lmm": true, "panel": true, "reliability": true, "ipd": true}

// csvDir reports whether cmd writes its CSV tables into the directory
// --out names (checked by tablesTo, file by file).
func (e *env) csvDir(cmd *cobra.Command) bool {
	return e.format == "csv" && csvTableCommands[cmd.Name()] && isDir(e.out)
}

// isDir reports whether path names an existing directory.
func isDir(path string) bool {
	fi, err := os.Stat(path)
	return path != "" && err == nil && fi.IsDir()
}

// tablesTo writes each tidy table as DIR/NAME.csv, atomically and
// neutralised as every CSV output, and says which it wrote.
func (e *env) tablesTo(dir string, tables []workflow.TidyTable) error {
	var names []string
	for _, t := range tables {
		path := filepath.Join(dir, t.Name+".csv")
		if err := e.checkOutputs(path); err != nil {
			return err
		}
		if err := writeTable(path, tidyCSV([]workflow.TidyTable{t}, t.Name)); err != nil {
			return err
		}
		names = append(names, t.Name+".csv")
	}
	e.infof("wrote %d tables to %s: %s", len(names), dir, strings.Join(names, ", "))
	return nil
}

// tableCSV writes one table of a section as CSV.
func tableCSV(t *workflow.Table) func(w io.Writer) error {
	return func(w io.Writer) error { return textout.Table(w, textout.CSV, t) }
}

// tidyCSV writes the named tidy table (textout.TidyCSV).
func tidyCSV(tables []workflow.TidyTable, name string) func(w io.Writer) error {
	return func(w io.Writer) error { return textout.TidyCSV(w, tables, name) }
}

// noNotes is a part of one table and no notes (lists of what is built in).
type noNotes struct{ t *workflow.Table }

func (noNotes) TopNotes() []workflow.Note { return nil }

func (n noNotes) Section() *workflow.Section {
	return &workflow.Section{Blocks: []workflow.Block{n.t}}
}
