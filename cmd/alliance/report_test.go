package main

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/alliance-research/alliance/analysis/effectsize"
	"github.com/alliance-research/alliance/analysis/meta"
	"github.com/alliance-research/alliance/datasets"
)

// readTree returns every file under dir by relative path.
func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestReportDemo builds the demo report end to end, checks that the pooled
// r in results.json equals metafor-style REML on the embedded data computed
// here, that two runs give the same bytes, and that every listed command
// line runs.
func TestReportDemo(t *testing.T) {
	tmp := t.TempDir()
	t.Chdir(tmp)
	_, stderr, code := runCLI(t, "", "report", "--out", "rep", "--dpi", "72")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, "SIMULATED") || !strings.Contains(stderr, "demo-studies") {
		t.Errorf("stderr does not announce the simulated demo data: %s", stderr)
	}
	first := readTree(t, "rep")
	for _, p := range []string{"index.html", "results.json", "figures/forest.svg", "figures/forest.png", "figures/forest.pdf", "figures/jacobson-truax.svg"} {
		if len(first[p]) == 0 {
			t.Errorf("%s missing or empty", p)
		}
	}
	if !bytes.Contains(first["index.html"], []byte("SIMULATED DATA")) {
		t.Error("index.html does not say SIMULATED DATA")
	}

	var res struct {
		Generator string `json:"generator"`
		Meta      struct {
			Model struct {
				R struct {
					Estimate float64 `json:"estimate"`
					CILB     float64 `json:"ci_lb"`
				} `json:"r"`
			} `json:"model"`
		} `json:"meta"`
		Sessions struct {
			Gains struct {
				Gains []json.RawMessage `json:"gains"`
			} `json:"sudden_gains"`
		} `json:"sessions"`
		Commands []struct {
			Purpose, Line string
		} `json:"commands"`
	}
	if err := json.Unmarshal(first["results.json"], &res); err != nil {
		t.Fatalf("results.json: %v", err)
	}
	st, err := datasets.EmbeddedStudies("demo-studies", datasets.StudyOptions{FisherZ: true})
	if err != nil {
		t.Fatal(err)
	}
	tab, err := effectsize.Escalc(effectsize.MeasureZCOR, "", st.R, st.N)
	if err != nil {
		t.Fatal(err)
	}
	want, err := meta.Fit(tab.Yi, tab.Vi, meta.Options{Measure: "ZCOR"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Meta.Model.R.Estimate != want.R.Estimate || res.Meta.Model.R.CILB != want.R.CILB {
		t.Errorf("pooled r = %v [%v, ...], want %v [%v, ...]", res.Meta.Model.R.Estimate, res.Meta.Model.R.CILB, want.R.Estimate, want.R.CILB)
	}
	if math.Abs(want.R.Estimate-0.278) > 0.05 {
		t.Errorf("demo pooled r = %v, far from the simulated .278", want.R.Estimate)
	}

	// Same bytes on a second run (which replaces the previous report).
	if _, stderr, code := runCLI(t, "", "report", "--out", "rep", "--dpi", "72"); code != 0 {
		t.Fatalf("second run: exit %d: %s", code, stderr)
	}
	second := readTree(t, "rep")
	if len(second) != len(first) {
		t.Errorf("%d files, then %d", len(first), len(second))
	}
	for p, b := range first {
		if !bytes.Equal(b, second[p]) {
			t.Errorf("%s differs between two runs", p)
		}
	}

	// Every command line of the reproducibility section runs; the gains
	// command finds the same sudden gains.
	if len(res.Commands) < 8 {
		t.Fatalf("only %d command lines", len(res.Commands))
	}
	for _, c := range res.Commands[1:] {
		args := strings.Fields(c.Line)
		if args[0] != "alliance" || strings.ContainsAny(c.Line, `'"`) {
			t.Errorf("unexpected command line %q", c.Line)
			continue
		}
		out, stderr, code := runCLI(t, "", append(args[1:], "--format", "json", "-q")...)
		if code != 0 {
			t.Errorf("%s: exit %d: %s", c.Line, code, stderr)
			continue
		}
		if args[1] == "gains" {
			var g struct {
				Gains []json.RawMessage `json:"gains"`
			}
			if err := json.Unmarshal([]byte(out), &g); err != nil {
				t.Errorf("%s: %v", c.Line, err)
			} else if len(g.Gains) != len(res.Sessions.Gains.Gains) || len(g.Gains) == 0 {
				t.Errorf("%s: %d gains, report has %d", c.Line, len(g.Gains), len(res.Sessions.Gains.Gains))
			}
		}
	}
}

func TestReportOutRefusalAndForce(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "thesis")
	os.Mkdir(dir, 0o755)
	os.WriteFile(filepath.Join(dir, "chapter1.docx"), []byte("mine"), 0o644)
	_, stderr, code := runCLI(t, "", "report", "--out", dir, "--dpi", "72", "--no-pdf")
	if code != 2 || !strings.Contains(stderr, "--force") {
		t.Errorf("non-report --out: exit %d, stderr %q; want 2 and a hint at --force", code, stderr)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "chapter1.docx")); string(b) != "mine" {
		t.Error("foreign file changed")
	}
	if _, err := os.Stat(filepath.Join(dir, "index.html")); err == nil {
		t.Error("report written into a foreign directory")
	}
	if _, stderr, code := runCLI(t, "", "report", "--out", dir, "--force", "--dpi", "72", "--no-pdf"); code != 0 {
		t.Fatalf("--force: exit %d: %s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "chapter1.docx")); err == nil {
		t.Error("--force kept the old content")
	}
	if _, _, code := runCLI(t, "", "report"); code != 2 {
		t.Errorf("no --out: exit %d, want 2", code)
	}
	if _, _, code := runCLI(t, "", "report", "--out", filepath.Join(dir, "no", "such")); code != 2 {
		t.Errorf("missing parent: exit %d, want 2", code)
	}
}

func TestReportBadStudiesFile(t *testing.T) {
	tmp := t.TempDir()
	bad := filepath.Join(tmp, "bad.csv")
	os.WriteFile(bad, []byte("study,ri,ni\nA,.30,50\nB,abc,40\nC,.2,60\n"), 0o644)
	out := filepath.Join(tmp, "rep")
	_, stderr, code := runCLI(t, "", "report", "--studies", bad, "--out", out)
	if code != 2 || !strings.Contains(stderr, "bad.csv:3") {
		t.Errorf("exit %d, stderr %q; want 2 and bad.csv:3", code, stderr)
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a failed run left an output directory")
	}
	// Studies only: a report without the session section.
	good := filepath.Join(tmp, "good.csv")
	os.WriteFile(good, []byte("study,ri,ni,year\nA,.30,50,2001\nB,.21,40,2005\nC,.35,120,2010\nD,.12,80,2012\nE,.28,66,2015\n"), 0o644)
	if _, stderr, code := runCLI(t, "", "report", "--studies", good, "--out", out, "--no-pdf", "--dpi", "72"); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	page, _ := os.ReadFile(filepath.Join(out, "index.html"))
	if bytes.Contains(page, []byte("SIMULATED")) || bytes.Contains(page, []byte(`id="sessions"`)) || !bytes.Contains(page, []byte("Meta-regression on year")) {
		t.Error("studies-only report: wrong sections or a SIMULATED label")
	}
}
