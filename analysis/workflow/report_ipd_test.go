package workflow

import (
	"bytes"
	"encoding/csv"
	"math"
	"os"
	"strings"
	"testing"
)

// Multi-study session data in the report: the IPD section is the ipd
// command's analysis (same pooled estimates), the patients of the pooled
// session model are the (study, patient) pairs counted here from the file,
// and the rewriting of repeated ids is said at the top; --omit ipd leaves
// the section out and says so; data without a study column get no IPD
// section and no IPD note.
func TestReportIPDSection(t *testing.T) {
	b, err := os.ReadFile("testdata/ipd_sim.csv")
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	pairs, ids := map[[2]string]bool{}, map[string]bool{}
	for _, r := range recs[1:] {
		pairs[[2]string{r[0], r[1]}] = true
		ids[r[1]] = true
	}
	if len(ids) >= len(pairs) {
		t.Fatalf("fixture: patient ids should repeat across studies (%d ids, %d pairs)", len(ids), len(pairs))
	}
	src := csvSource(t, "ipd.csv", string(b))
	omit := []string{"panel", "ruptures", "gains", "change"}
	doc, parts, err := Report(ReportInput{Sessions: &src}, ReportOptions{Omit: omit})
	if err != nil {
		t.Fatal(err)
	}
	var ir *IPDRun
	var sr *SessionsRun
	for _, p := range parts {
		switch x := p.(type) {
		case *IPDRun:
			ir = x
		case *SessionsRun:
			sr = x
		}
	}
	if ir == nil || sr == nil {
		t.Fatalf("parts %T", parts)
	}
	if sr.Summary.Patients != len(pairs) {
		t.Errorf("pooled session model: %d patients, want the %d (study, patient) pairs", sr.Summary.Patients, len(pairs))
	}
	direct, err := IPD(csvSource(t, "ipd.csv", string(b)), ReportIPDOptions(ReportSessionOptions{}))
	if err != nil {
		t.Fatal(err)
	}
	if len(direct.Pooled) == 0 || len(direct.Pooled) != len(ir.Pooled) {
		t.Fatalf("pooled terms: report %d, ipd %d", len(ir.Pooled), len(direct.Pooled))
	}
	for i, p := range direct.Pooled {
		got, want := ir.Pooled[i].Meta.Model.Coefficients[0].Estimate, p.Meta.Model.Coefficients[0].Estimate
		if ir.Pooled[i].Term != p.Term || math.Abs(got-want) > 1e-12 {
			t.Errorf("term %s: report %v, ipd %v", p.Term, got, want)
		}
	}
	if !hasNote(doc.Notes, "Patient ids repeat across the studies") {
		t.Errorf("the id rewriting is not said: %+v", doc.Notes)
	}

	_, parts, err = Report(ReportInput{Sessions: &src}, ReportOptions{Omit: append(omit, "ipd")})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range parts {
		if _, ok := p.(*IPDRun); ok {
			t.Error("an IPD part with ipd omitted")
		}
	}

	demo := embedded(t, "demo-sessions")
	doc, parts, err = Report(ReportInput{Sessions: &demo}, ReportOptions{Omit: omit})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range parts {
		if _, ok := p.(*IPDRun); ok {
			t.Error("an IPD part without a study column")
		}
	}
	if hasNote(doc.Notes, "IPD") || hasNote(doc.Notes, "Patient ids repeat") {
		t.Errorf("IPD notes without a study column: %+v", doc.Notes)
	}
}

func hasNote(notes []Note, text string) bool {
	for _, n := range notes {
		if strings.Contains(n.Text, text) {
			return true
		}
	}
	return false
}
