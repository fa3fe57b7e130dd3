package workflow_test

import (
	"fmt"
	"sort"
	"strings"

	"github.com/alliance-research/alliance/analysis/workflow"
	"github.com/alliance-research/alliance/datasets"
)

// The helpers below print what the Part methods of a run return in a form a
// reader can check against the run's typed results: section titles and
// table names, the command lines of the steps, the roles and counts of the
// data accounting, the columns of the tidy tables, and whether every cited
// key is in the reference list.

func showSection(s *workflow.Section) {
	fmt.Println("section:", s.Title)
	for _, t := range s.Tables() {
		fmt.Println("  table:", t.Name)
	}
	for _, f := range s.Figures() {
		fmt.Println("  figure:", f.Name, f.Spec.Kind())
	}
}

func showSteps(steps []workflow.Step) {
	for _, s := range steps {
		fmt.Printf("%s (R code: %v)\n", s.Command, s.RCode != "")
	}
}

func showData(d *workflow.DataPart) {
	roles := make([]string, 0, len(d.Roles))
	for k, v := range d.Roles {
		roles = append(roles, k+"="+v)
	}
	sort.Strings(roles)
	fmt.Println(d.Kind, strings.Join(roles, " "), d.Counts)
}

func showTidy(ts []workflow.TidyTable) {
	for _, t := range ts {
		rec, err := t.Records()
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%s: %d rows, %v\n", t.Name, len(rec)-1, rec[0])
	}
}

func knownCites(keys []string) {
	_, unknown := workflow.Citations(keys...)
	fmt.Println(len(keys) > 0, "unknown:", unknown)
}

func showNotes(ns []workflow.Note) {
	fmt.Println(len(ns), "notes")
	for _, n := range ns {
		fmt.Println("-", n.Text)
	}
}

// csvSource reads CSV text as an uploaded file.
func csvSource(name, text string) workflow.Source {
	t, err := datasets.ReadBytes(name, []byte(text), datasets.ReadOptions{})
	if err != nil {
		panic(err)
	}
	return workflow.FileSource(name, t)
}

// FileSource wraps a table read from a file; the R code reads it back with
// read.csv.
func ExampleFileSource() {
	src := csvSource("studies.csv", "study,ri,ni\nA,0.31,40\nB,0.22,85\nC,0.28,60\n")
	fmt.Println(src.Name, src.Embedded, src.Rows, src.Columns)
	fmt.Println(src.RRead())
	// Output:
	// studies.csv false 3 [study ri ni]
	// read.csv("studies.csv")
}

// EmbeddedSource carries the catalogue entry: simulated data are labelled.
func ExampleEmbeddedSource() {
	src := embedded("demo-studies")
	fmt.Println(src.Name, src.Embedded, src.Simulated, src.Rows)
	// Output:
	// demo-studies true true 83
}

func ExampleSource_Label() {
	fmt.Println(embedded("demo-studies").Label())
	fmt.Println(embedded("molloy2014").Label())
	// Output:
	// demo-studies (SIMULATED)
	// molloy2014
}

func ExampleSource_RRead() {
	fmt.Println(embedded("molloy2014").RRead())
	// Output:
	// read.csv("molloy2014.csv")   # alliance datasets export molloy2014 --out molloy2014.csv
}
