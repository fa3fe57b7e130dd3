package report_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/alliance-research/alliance/analysis/jsonout"
	"github.com/alliance-research/alliance/analysis/workflow"
	"github.com/alliance-research/alliance/datasets"
	"github.com/alliance-research/alliance/plots/report"
)

// molloyDoc is a one-part document: the meta-analysis of dat.molloy2014
// with a forest and a funnel plot.
func molloyDoc() (*workflow.Document, []workflow.Part) {
	info, err := datasets.Lookup("molloy2014")
	if err != nil {
		panic(err)
	}
	t, err := datasets.ReadEmbedded("molloy2014", datasets.ReadOptions{})
	if err != nil {
		panic(err)
	}
	run, err := workflow.Meta(workflow.EmbeddedSource(info, t), workflow.MetaOptions{Figures: []string{"forest", "funnel"}})
	if err != nil {
		panic(err)
	}
	return workflow.Compose(workflow.ComposeOptions{}, run), []workflow.Part{run}
}

// Render makes the report's files: the page, results.json and each figure
// as SVG and PNG (PDF skipped here).
func ExampleRender() {
	doc, parts := molloyDoc()
	files, err := report.Render(doc, parts, report.Options{NoPDF: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range files {
		fmt.Println(f.Path)
	}
	// Output:
	// index.html
	// results.json
	// figures/forest.svg
	// figures/forest.png
	// figures/funnel.svg
	// figures/funnel.png
}

// The key and typed output of a part in results.json.
func ExamplePartName() {
	_, parts := molloyDoc()
	fmt.Println(report.PartName(parts[0]))
	// Output:
	// meta
}

// The typed output is MetaRun.Output, the JSON of 'alliance meta':
// metafor's field names and numbers (k = 16, τ² = 0.008110 for
// dat.molloy2014).
func ExampleOutput() {
	_, parts := molloyDoc()
	b, err := jsonout.Marshal(report.Output(parts[0]))
	if err != nil {
		fmt.Println(err)
		return
	}
	var v struct {
		K    int     `json:"k"`
		Tau2 float64 `json:"tau2"`
	}
	err = json.Unmarshal(b, &v)
	fmt.Printf("k = %d, tau2 = %.6f, %v\n", v.K, v.Tau2, err)
	// Output:
	// k = 16, tau2 = 0.008110, <nil>
}

// Save writes the files and a manifest; saving again replaces only its own
// files.
func ExampleSave() {
	dir, err := os.MkdirTemp("", "alliance-report")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	files := []report.File{{Path: "index.html", Data: []byte("<html></html>")}, {Path: "results.json", Data: []byte("{}")}}
	s, err := report.Save(dir, files, report.SaveOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(s.Written)
	s, err = report.Save(dir, files[:1], report.SaveOptions{})
	fmt.Println(s.Replaced, s.Removed, err)
	b, _ := os.ReadFile(filepath.Join(dir, "index.html"))
	fmt.Println(string(b))
	// Output:
	// [index.html results.json]
	// [index.html] [results.json] <nil>
	// <html></html>
}

// Check refuses a directory that holds other files and no report.
func ExampleCheck() {
	dir, err := os.MkdirTemp("", "alliance-report")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	prev, err := report.Check(dir, report.SaveOptions{})
	fmt.Println(len(prev), err)
	if err = os.WriteFile(filepath.Join(dir, "thesis.docx"), []byte("x"), 0o600); err != nil {
		fmt.Println(err)
		return
	}
	_, err = report.Check(dir, report.SaveOptions{})
	fmt.Println(errors.Is(err, report.ErrNotReport))
	// Output:
	// 0 <nil>
	// true
}
