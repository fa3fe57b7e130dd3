package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/alliance-research/alliance/analysis/workflow"
	"github.com/alliance-research/alliance/datasets"
	"github.com/alliance-research/alliance/datasets/simulate"
)

func embedded(t testing.TB, name string) *workflow.Source {
	t.Helper()
	info, err := datasets.Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	tab, err := datasets.ReadEmbedded(name, datasets.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	s := workflow.EmbeddedSource(info, tab)
	return &s
}

func demo(t testing.TB) (*workflow.Document, []workflow.Part) {
	t.Helper()
	doc, parts, err := workflow.Report(workflow.ReportInput{Studies: embedded(t, "demo-studies"), Sessions: embedded(t, "demo-sessions")},
		workflow.ReportOptions{Sessions: workflow.ReportSessionOptions{Reliability: .84, ReliabilitySource: "assumed"}})
	if err != nil {
		t.Fatal(err)
	}
	return doc, parts
}

func render(t testing.TB, doc *workflow.Document, parts []workflow.Part, opt Options) map[string][]byte {
	t.Helper()
	files, err := Render(doc, parts, opt)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string][]byte{}
	for _, f := range files {
		m[f.Path] = f.Data
	}
	return m
}

// TestSelfContained: no external resources, no scripts; every figure of
// the document is an inline <svg> with its files; every section is in the
// table of contents.
func TestSelfContained(t *testing.T) {
	doc, parts := demo(t)
	files := render(t, doc, parts, Options{NoPDF: true, DPI: 72})
	page := string(files["index.html"])
	for _, re := range []string{`(?i)<script`, `(?i)<link\b`, `(?i)<iframe`, `(?i)(src|href)\s*=\s*["']?(https?:)?//`, `(?i)@import`} {
		if m := regexp.MustCompile(re).FindString(page); m != "" {
			t.Errorf("index.html has %q", m)
		}
	}
	for _, m := range regexp.MustCompile(`url\(([^)]{0,40})`).FindAllStringSubmatch(page, -1) {
		if !strings.HasPrefix(strings.Trim(m[1], `'" `), "data:") {
			t.Errorf("url() not a data: URI: %s", m[1])
		}
	}
	nfig := 0
	for _, s := range doc.Sections {
		nfig += len(s.Figures())
		if !strings.Contains(page, `<section id="`+s.ID+`"`) || !strings.Contains(page, `href="#`+s.ID+`"`) {
			t.Errorf("section %s missing from the page or its table of contents", s.ID)
		}
	}
	svgFiles := 0
	for p := range files {
		if strings.HasSuffix(p, ".svg") {
			svgFiles++
		}
	}
	if got := strings.Count(page, "<svg "); got != nfig || svgFiles != nfig || nfig < 8 {
		t.Errorf("%d inline <svg>, %d svg files for %d figures of the document", got, svgFiles, nfig)
	}
	if strings.Count(page, "SIMULATED DATA") != 1 || !strings.Contains(page, "<strong>SIMULATED DATA</strong> demo-studies") {
		t.Error("demo report does not say SIMULATED DATA once, as the heading of its warning")
	}
	// Notes come before the first section, references are rendered with
	// their italic part.
	if i, j := strings.Index(page, `class="topnotes"`), strings.Index(page, `<section id=`); len(doc.Notes) > 0 && !(i >= 0 && i < j) {
		t.Error("top notes not before the sections")
	}
	if c := doc.Citations[0]; !strings.Contains(page, "<i>"+template_escape(c.Italic)+"</i>") {
		t.Errorf("reference %s not rendered with its italic part", c.Key)
	}
	if !strings.Contains(page, "<i>k</i>") || !strings.Contains(page, "<i>p</i>") {
		t.Error("no italic statistical symbols in the page")
	}
}

func template_escape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;").Replace(s)
}

// TestEscaping: text of the model that looks like HTML is shown, not run.
func TestEscaping(t *testing.T) {
	s := &workflow.Section{ID: "x", Title: "<b>T</b>"}
	s.P(workflow.Plain, `<script>alert(1)</script> & "q"`)
	s.Add(&workflow.Table{Title: "<i>t</i>", Columns: []string{"<c>"}, Rows: [][]string{{"<td>"}}})
	s.Add(&workflow.Code{Lang: "R", Text: "x <- '</pre>'"})
	doc := &workflow.Document{Title: "<title>", Sections: []*workflow.Section{s}}
	page := string(render(t, doc, nil, Options{})["index.html"])
	for _, bad := range []string{"<script>", "<b>T</b>", "<c>", "<td><td>", "'</pre>'", "<title><title>"} {
		if strings.Contains(page, bad) {
			t.Errorf("page contains unescaped %q", bad)
		}
	}
	if !strings.Contains(page, "&lt;script&gt;alert(1)&lt;/script&gt; &amp;") {
		t.Error("paragraph text not shown escaped")
	}
}

// TestDeterministicAndPNGDPI: two renders give the same bytes; PNGs carry
// the DPI they were drawn at; results.json holds every part's results.
func TestDeterministicAndPNGDPI(t *testing.T) {
	doc, parts := demo(t)
	a := render(t, doc, parts, Options{DPI: 150})
	doc2, parts2 := demo(t)
	b := render(t, doc2, parts2, Options{DPI: 150})
	if len(a) != len(b) {
		t.Fatalf("%d vs %d files", len(a), len(b))
	}
	for p, x := range a {
		if !bytes.Equal(x, b[p]) {
			t.Errorf("%s differs between two runs", p)
		}
	}
	if _, ok := a["figures/forest.pdf"]; !ok {
		t.Error("no figures/forest.pdf")
	}
	png := a["figures/forest.png"]
	if d := pngDPI(png); d < 149.5 || d > 150.5 {
		t.Errorf("forest.png pHYs says %v DPI, want 150", d)
	}
	var res struct {
		Generator string                     `json:"generator"`
		Results   map[string]json.RawMessage `json:"results"`
	}
	if err := json.Unmarshal(a["results.json"], &res); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"meta", "sessions", "ruptures", "gains", "change"} {
		if len(res.Results[k]) < 10 {
			t.Errorf("results.json lacks %s", k)
		}
	}
}

func TestWithPHYsReplaces(t *testing.T) {
	doc, parts := demo(t)
	png := render(t, doc, parts, Options{DPI: 100, NoPDF: true})["figures/funnel.png"]
	again, err := withPHYs(png, 1) // width 1 inch: DPI = pixel width
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Count(again, []byte("pHYs")) != 1 {
		t.Error("pHYs chunk duplicated")
	}
	if _, err := withPHYs([]byte("nope"), 1); err == nil {
		t.Error("not a PNG accepted")
	}
}

func TestSave(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "out")
	files := []File{{"index.html", []byte("<p>1</p>")}, {"results.json", []byte(`{}`)}, {"figures/a.svg", []byte("<svg/>")}, {"figures/old.svg", []byte("o")}}
	s, err := Save(dir, files, SaveOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Written) != 4 || len(s.Replaced) != 0 {
		t.Errorf("first save %+v", s)
	}
	// Files of others in the directory are kept; the previous report's
	// files are replaced, and those the new one lacks removed.
	mine := filepath.Join(dir, "figures", "my-notes.txt")
	os.WriteFile(mine, []byte("mine"), 0o644)
	os.WriteFile(filepath.Join(dir, "thesis.docx"), []byte("mine"), 0o644)
	files[0].Data = []byte("<p>2</p>")
	s, err = Save(dir, files[:3], SaveOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "index.html")); string(b) != "<p>2</p>" {
		t.Error("report not replaced")
	}
	if strings.Join(s.Replaced, ",") != "index.html,results.json,figures/a.svg" || strings.Join(s.Removed, ",") != "figures/old.svg" {
		t.Errorf("second save %+v", s)
	}
	for _, p := range []string{mine, filepath.Join(dir, "thesis.docx")} {
		if b, _ := os.ReadFile(p); string(b) != "mine" {
			t.Errorf("%s was not kept", p)
		}
	}
	// A file of the report's names that no report wrote is refused, and
	// nothing is changed.
	os.WriteFile(filepath.Join(dir, "figures", "b.svg"), []byte("theirs"), 0o644)
	if _, err := Save(dir, append(files[:3:3], File{"figures/b.svg", []byte("x")}), SaveOptions{Force: true}); !errors.Is(err, ErrNotReport) {
		t.Errorf("collision: err %v", err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "figures", "b.svg")); string(b) != "theirs" {
		t.Error("a file no report wrote was replaced")
	}
	// A non-empty directory without a report is refused without Force,
	// and written beside its files with it.
	other := filepath.Join(parent, "thesis")
	os.Mkdir(other, 0o755)
	os.WriteFile(filepath.Join(other, "chapter1.docx"), []byte("mine"), 0o644)
	if _, err := Save(other, files, SaveOptions{}); !errors.Is(err, ErrNotReport) {
		t.Errorf("foreign directory: err %v", err)
	}
	if _, err := os.Stat(filepath.Join(other, "index.html")); err == nil {
		t.Error("report written into a foreign directory")
	}
	if _, err := Save(other, files, SaveOptions{Force: true}); err != nil {
		t.Errorf("force: %v", err)
	}
	if b, _ := os.ReadFile(filepath.Join(other, "chapter1.docx")); string(b) != "mine" {
		t.Error("force removed a foreign file")
	}
	// A directory holding an input file (here through a hard link) is
	// refused.
	data := filepath.Join(parent, "data")
	os.Mkdir(data, 0o755)
	in := filepath.Join(data, "sessions.csv")
	os.WriteFile(in, []byte("a\n1\n"), 0o644)
	link := filepath.Join(parent, "link.csv")
	if err := os.Link(in, link); err != nil {
		t.Skip("no hard links:", err)
	}
	if _, err := Save(data, files, SaveOptions{Inputs: []string{link}, Force: true}); !errors.Is(err, ErrHoldsInput) {
		t.Errorf("directory holding the input: err %v", err)
	}
	if _, err := Save(filepath.Join(parent, "bad"), append(files, File{"../escape", nil}), SaveOptions{}); err == nil {
		t.Error("a path leaving the directory was accepted")
	}
	ents, _ := os.ReadDir(filepath.Join(dir, "figures"))
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), ".tmp") {
			t.Errorf("temporary %s left behind", e.Name())
		}
	}
}

// TestResultsKeys: each part of results.json is keyed by its section's
// name, the IPD meta-analysis of session data with a study column
// included (it was keyed "IPDRun").
func TestResultsKeys(t *testing.T) {
	var b bytes.Buffer
	p := simulate.DefaultSessionParams()
	p.Patients, p.Therapists, p.MinSessions, p.MaxSessions = 40, 4, 8, 10
	if _, err := simulate.WriteMultiStudyCSV(&b, p, 3, simulate.DefaultStudySD, nil); err != nil {
		t.Fatal(err)
	}
	tab, err := datasets.ReadBytes("ipd.csv", b.Bytes(), datasets.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	src := workflow.FileSource("ipd.csv", tab)
	doc, parts, err := workflow.Report(workflow.ReportInput{Sessions: &src},
		workflow.ReportOptions{Sessions: workflow.ReportSessionOptions{Reliability: .84, ReliabilitySource: "assumed"}})
	if err != nil {
		t.Fatal(err)
	}
	var res struct {
		Results map[string]json.RawMessage `json:"results"`
	}
	if err := json.Unmarshal(render(t, doc, parts, Options{NoPDF: true})["results.json"], &res); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"sessions", "ipd", "ruptures", "gains", "change"} {
		if len(res.Results[k]) < 10 {
			t.Errorf("results.json lacks %s (keys: %v)", k, slices.Sorted(maps.Keys(res.Results)))
		}
	}
	for k := range res.Results {
		if strings.HasSuffix(k, "Run") {
			t.Errorf("a part keyed by its Go type: %s", k)
		}
	}
}

// TestSimulatedFlag: results.json says simulated for the demo data, not
// for a published dataset, and a report on real data has no warning box.
func TestSimulatedFlag(t *testing.T) {
	for name, want := range map[string]bool{"demo-studies": true, "molloy2014": false} {
		doc, parts, err := workflow.Report(workflow.ReportInput{Studies: embedded(t, name)}, workflow.ReportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		files := render(t, doc, parts, Options{NoPDF: true})
		var res struct{ Simulated bool }
		if err := json.Unmarshal(files["results.json"], &res); err != nil {
			t.Fatal(err)
		}
		if res.Simulated != want || strings.Contains(string(files["index.html"]), `class="simulated"`) != want {
			t.Errorf("%s: simulated %v, want %v", name, res.Simulated, want)
		}
	}
}
