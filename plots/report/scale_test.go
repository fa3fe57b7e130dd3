package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/alliance-research/alliance/analysis/workflow"
	"github.com/alliance-research/alliance/datasets"
	"github.com/alliance-research/alliance/datasets/simulate"
)

// TestPageBoundedOnLargeInput: a report on 300,000 simulated session rows
// (15,000 patients × 20 sessions, 300 therapists) keeps index.html under
// 5 MB: long tables show their first rows with the full CSV in tables/,
// large figures are inlined as PNG, and the session figures draw a sample
// of the patients (each says so).
func TestPageBoundedOnLargeInput(t *testing.T) {
	if testing.Short() {
		t.Skip("a report on 300,000 rows")
	}
	p := simulate.DefaultSessionParams()
	p.Patients, p.Therapists, p.MinSessions, p.MaxSessions = 15000, 300, 20, 20
	var csv bytes.Buffer
	if _, err := simulate.WriteSessionsCSV(&csv, p, nil); err != nil {
		t.Fatal(err)
	}
	src, err := workflow.Input{File: "large.csv", Upload: csv.Bytes()}.Read(datasets.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	doc, parts, err := workflow.Report(workflow.ReportInput{Sessions: &src}, workflow.ReportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	files := render(t, doc, parts, Options{NoPDF: true, DPI: 100})
	page := files["index.html"]
	t.Logf("index.html %d bytes", len(page))
	if len(page) > 5<<20 {
		t.Errorf("index.html is %d bytes, more than 5 MB", len(page))
	}
	if !bytes.Contains(page, []byte("of the 15000 patients")) {
		t.Error("no figure caption says which patients it shows")
	}
	for path, data := range files {
		if strings.HasPrefix(path, "tables/") {
			if !bytes.Contains(page, []byte(path)) {
				t.Errorf("%s is not named on the page", path)
			}
			if bytes.Count(data, []byte("\n")) <= maxTableRows {
				t.Errorf("%s holds %d lines, no more than a page table", path, bytes.Count(data, []byte("\n")))
			}
		}
	}
}
