package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMetaGoshCLI: 'alliance meta --gosh FILE' writes the plot and the
// JSON summary (no per-subset rows), --gosh-table the per-subset CSV with
// one row per subset, --gosh-subsets below 2^k − 1 draws seeded random
// subsets, and misuse is a usage error naming the flag.
func TestMetaGoshCLI(t *testing.T) {
	dir := t.TempDir()
	png, csv := filepath.Join(dir, "gosh.png"), filepath.Join(dir, "gosh.csv")
	out, stderr, code := runCLI(t, "", "meta", "--dataset", "molloy2014", "--gosh", png, "--gosh-table", csv, "--format", "json", "--quiet")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var got struct {
		Gosh struct {
			K          int      `json:"k"`
			Subsets    int      `json:"subsets"`
			AllSubsets bool     `json:"all_subsets"`
			Flagged    []string `json:"flagged"`
			Rule       string   `json:"rule"`
			Studies    []struct {
				Study string  `json:"study"`
				DI2   float64 `json:"d_I2"`
			} `json:"studies"`
		} `json:"gosh"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	g := got.Gosh
	// R (testdata/golden/R/gosh.R's shifts on all 16 studies): study 10,
	// Jerant et al., d_I2 = 1.27, the only |d| above 1
	if g.K != 16 || g.Subsets != 65535 || !g.AllSubsets || len(g.Flagged) != 1 || g.Flagged[0] != "Jerant et al." || g.Rule == "" || len(g.Studies) != 16 {
		t.Errorf("gosh object %+v", g)
	}
	if len(out) > 20000 {
		t.Errorf("JSON output is %d bytes: per-subset rows leaked into it", len(out))
	}
	if st, err := os.Stat(png); err != nil || st.Size() < 1000 {
		t.Errorf("GOSH plot: %v", err)
	}
	b, err := os.ReadFile(csv)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != 65536 || !strings.HasPrefix(lines[0], "k,QE,I2,H2,tau2,estimate,") || strings.Count(lines[1], ",") != 5+16 {
		t.Errorf("table: %d lines, header %q, row %q", len(lines), lines[0], lines[1])
	}
	out, stderr, code = runCLI(t, "", "meta", "--dataset", "molloy2014", "--gosh", png, "--gosh-subsets", "500", "--seed", "3", "--format", "json", "--quiet")
	if code != 0 || !strings.Contains(out, `"all_subsets": false`) || !strings.Contains(out, `"seed": 3`) {
		t.Errorf("random subsets (exit %d, %s): %.400s", code, stderr, out)
	}
	_, stderr, code = runCLI(t, "", "meta", "--gosh-table", csv, "--quiet")
	if code != 2 || !strings.Contains(stderr, "--gosh") {
		t.Errorf("--gosh-table alone: exit %d, %s", code, stderr)
	}
	_, stderr, code = runCLI(t, "", "meta", "--gosh", png, "--gosh-subsets", "1", "--quiet")
	if code != 2 || !strings.Contains(stderr, "--gosh-subsets") {
		t.Errorf("--gosh-subsets 1: exit %d, %s", code, stderr)
	}
}
