package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// The report's session options reach the analyses: --gains-cutoff replaces
// the reliable-change cutoff, --ar1 and --centring the session model's.
func TestReportSessionOptions(t *testing.T) {
	read := func(args ...string) map[string]any {
		dir := filepath.Join(t.TempDir(), "r")
		_, stderr, code := runCLI(t, "", append([]string{"report", "--quiet", "--no-pdf", "--sessions-dataset", "demo-sessions", "--out", dir}, args...)...)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		b, err := os.ReadFile(filepath.Join(dir, "results.json"))
		if err != nil {
			t.Fatal(err)
		}
		var v map[string]any
		if err := json.Unmarshal(b, &v); err != nil {
			t.Fatal(err)
		}
		return v["results"].(map[string]any)
	}
	cut := func(r map[string]any) any { return r["gains"].(map[string]any)["criteria"].(map[string]any)["cutoff"] }
	def := read("--omit", "sessions,ruptures,change")
	five := read("--omit", "sessions,ruptures,change", "--gains-cutoff", "5")
	if cut(five) != 5.0 || cut(def) == 5.0 || cut(def) == nil {
		t.Errorf("gains cutoff: default %v, with --gains-cutoff 5 %v", cut(def), cut(five))
	}
	s := read("--omit", "ruptures,gains,change", "--ar1", "--centring", "person")["sessions"].(map[string]any)
	if s["centring"] != "person" || s["ar1"] == nil {
		t.Errorf("session model options not in the results: centring %v, ar1 %v", s["centring"], s["ar1"])
	}
	if d := read("--omit", "ruptures,gains,change")["sessions"].(map[string]any); d["ar1"] != nil {
		t.Errorf("AR(1) without --ar1: %v", d["ar1"])
	}
	if k := read("--omit", "sessions,gains,change", "--rupture-k", "3")["ruptures"].(map[string]any)["options"].(map[string]any)["k"]; k != 3.0 {
		t.Errorf("--rupture-k 3: options.k = %v", k)
	}
}

// --no-bias leaves out the bias analyses and the funnel plot that shows
// them; by default both are there.
func TestReportNoBias(t *testing.T) {
	for _, noBias := range []bool{false, true} {
		dir := filepath.Join(t.TempDir(), "r")
		args := []string{"report", "--quiet", "--no-pdf", "--studies-dataset", "demo-studies", "--out", dir}
		if noBias {
			args = append(args, "--no-bias")
		}
		if _, stderr, code := runCLI(t, "", args...); code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		b, _ := os.ReadFile(filepath.Join(dir, "results.json"))
		var v struct {
			Results struct {
				Meta map[string]any `json:"meta"`
			} `json:"results"`
			Figures []struct{ Name string } `json:"figures"`
		}
		if err := json.Unmarshal(b, &v); err != nil {
			t.Fatal(err)
		}
		_, hasBias := v.Results.Meta["bias"]
		funnel := false
		for _, f := range v.Figures {
			funnel = funnel || f.Name == "funnel"
		}
		if hasBias == noBias || funnel == noBias {
			t.Errorf("--no-bias %v: bias %v, funnel %v", noBias, hasBias, funnel)
		}
	}
}
