package main

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runCLI runs the program in-process and returns stdout, stderr and the exit
// code.
func runCLI(t *testing.T, stdin string, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errb)
	return out.String(), errb.String(), code
}

func relClose(got, want, tol float64) bool {
	if math.IsNaN(want) {
		return math.IsNaN(got)
	}
	return math.Abs(got-want) <= tol*math.Max(1, math.Abs(want))
}

// TestMetaMatchesMetafor runs 'alliance meta --format json' end to end (file
// reading, escalc, rma) on the embedded CSV files and compares with metafor
// 3.8-1 fits of the same files (testdata/golden/R/cli.R).
func TestMetaMatchesMetafor(t *testing.T) {
	var g struct {
		Cases map[string]struct {
			Args  []string
			Names []string
			K     int
		}
	}
	if err := loadGolden("cli_meta.json", &g); err != nil {
		t.Fatal(err)
	}
	var raw struct {
		Cases map[string]map[string]any
	}
	if err := loadGolden("cli_meta.json", &raw); err != nil {
		t.Fatal(err)
	}
	const tol = 1e-8
	for name, c := range g.Cases {
		t.Run(name, func(t *testing.T) {
			out, stderr, code := runCLI(t, "", append(c.Args, "--format", "json", "--quiet")...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			var got map[string]any
			if err := json.Unmarshal([]byte(out), &got); err != nil {
				t.Fatalf("invalid JSON: %v\n%s", err, out)
			}
			want := raw.Cases[name]
			if int(got["k"].(float64)) != c.K {
				t.Errorf("k = %v, want %d", got["k"], c.K)
			}
			coefs := got["coefficients"].([]any)
			if len(coefs) != len(c.Names) {
				t.Fatalf("%d coefficients, want %d", len(coefs), len(c.Names))
			}
			for i, ci := range coefs {
				cm := ci.(map[string]any)
				if cm["name"] != c.Names[i] {
					t.Errorf("coefficient %d named %v, want %s", i, cm["name"], c.Names[i])
				}
				for gk, rk := range map[string]string{"estimate": "estimate", "se": "se", "statistic": "statistic", "p": "p", "ci_lb": "ci_lb", "ci_ub": "ci_ub"} {
					w := want[rk].([]any)[i].(float64)
					if v := cm[gk].(float64); !relClose(v, w, tol) {
						t.Errorf("%s %s = %.12g, metafor %.12g", c.Names[i], gk, v, w)
					}
				}
			}
			for _, k := range []string{"tau2", "se_tau2", "I2", "H2", "QE", "QE_p", "QM", "QM_p", "pi_lb", "pi_ub"} {
				w, ok := want[k].(float64)
				if !ok {
					continue
				}
				v, ok := got[k].(float64)
				if !ok || !relClose(v, w, tol) {
					t.Errorf("%s = %v, metafor %.12g", k, got[k], w)
				}
			}
			if w, ok := want["tau2_ci"].([]any); ok {
				v := got["tau2_ci"].([]any)
				for i := range w {
					if !relClose(v[i].(float64), w[i].(float64), 1e-6) {
						t.Errorf("tau2_ci[%d] = %v, metafor %v", i, v[i], w[i])
					}
				}
			}
			if w, ok := want["r"].(map[string]any); ok {
				v := got["r"].(map[string]any)
				for _, k := range []string{"estimate", "ci_lb", "ci_ub", "pi_lb", "pi_ub"} {
					if !relClose(v[k].(float64), w[k].(float64), tol) {
						t.Errorf("r.%s = %v, metafor %v", k, v[k], w[k])
					}
				}
			}
		})
	}
}

func TestMetaDefaultRunsOnDemoAndSaysSo(t *testing.T) {
	out, stderr, code := runCLI(t, "", "meta")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, "demo-studies") || !strings.Contains(stderr, "SIMULATED") {
		t.Errorf("stderr should name the embedded simulated dataset: %q", stderr)
	}
	for _, want := range []string{"k = 83", "95% CI", "I² =", "Model coefficients", "Heterogeneity", "SIMULATED"} {
		if !strings.Contains(out, want) {
			t.Errorf("text output lacks %q:\n%s", want, out)
		}
	}
	_, stderr, _ = runCLI(t, "", "meta", "--quiet")
	if stderr != "" {
		t.Errorf("--quiet should silence notes, got %q", stderr)
	}
}

func TestExitCodesAndMessages(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "studies.csv")
	if err := os.WriteFile(bad, []byte("study,ri,ni\nA,0.3,50\nB,\"0,35\",40\nC,1.2,30\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		args []string
		code int
		want []string
	}{
		{"unknown flag", []string{"meta", "--bogus"}, 2, []string{"unknown flag"}},
		{"bad format", []string{"meta", "--format", "xml"}, 2, []string{"--format"}},
		{"unknown command", []string{"frobnicate"}, 2, []string{"unknown command"}},
		{"missing file", []string{"meta", filepath.Join(dir, "nope.csv")}, 2, []string{"nope.csv", "cannot read"}},
		{"bad cells", []string{"meta", bad}, 2, []string{"studies.csv:3", `"0,35"`, "decimal comma", "studies.csv:4", "1.2"}},
		{"unknown column", []string{"meta", bad, "--r", "rr"}, 2, []string{`"rr"`}},
		{"bad method", []string{"meta", "--method", "XYZ"}, 2, []string{"XYZ"}},
		{"bad level", []string{"meta", "--level", "120"}, 2, []string{"--level"}},
		{"unknown dataset", []string{"meta", "--dataset", "nosuch"}, 2, []string{"nosuch", "molloy2014"}},
		{"file and dataset", []string{"meta", bad, "--dataset", "molloy2014"}, 2, []string{"studies.csv and the embedded dataset molloy2014", "not both"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, stderr, code := runCLI(t, "", c.args...)
			if code != c.code {
				t.Errorf("exit %d, want %d; stderr %q", code, c.code, stderr)
			}
			for _, w := range c.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr lacks %q: %q", w, stderr)
				}
			}
		})
	}
}

func TestOutIsAtomic(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "res.json")
	if err := os.WriteFile(out, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	// A failing run leaves the old file untouched and no temporary files.
	if _, _, code := runCLI(t, "", "meta", "--method", "XYZ", "--out", out); code != 2 {
		t.Fatalf("exit %d", code)
	}
	if b, _ := os.ReadFile(out); string(b) != "old" {
		t.Errorf("failed run changed --out: %q", b)
	}
	if _, _, code := runCLI(t, "", "meta", "--format", "json", "--out", out, "--quiet"); code != 0 {
		t.Fatalf("exit %d", code)
	}
	b, _ := os.ReadFile(out)
	var v map[string]any
	if err := json.Unmarshal(b, &v); err != nil || v["k"] == nil {
		t.Errorf("--out did not get the JSON result: %v %q", err, b)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("stray files in %s: %v", dir, entries)
	}
}

func TestMetaStdinSemicolonDecimalComma(t *testing.T) {
	csv := "\ufeffstudy;ri;ni\r\nA;0,30;50\r\nB;0,10;80\r\nC;0,25;120\r\n"
	out, stderr, code := runCLI(t, csv, "meta", "-", "--format", "json", "--method", "FE")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var v struct {
		K            int
		Coefficients []struct{ Estimate float64 }
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatal(err)
	}
	// Fixed-effect estimate by hand: Σ w z / Σ w with w = n − 3.
	w := []float64{47, 77, 117}
	r := []float64{0.30, 0.10, 0.25}
	var sw, swz float64
	for i := range w {
		sw += w[i]
		swz += w[i] * math.Atanh(r[i])
	}
	if v.K != 3 || !relClose(v.Coefficients[0].Estimate, swz/sw, 1e-12) {
		t.Errorf("k = %d, estimate %v, want %v", v.K, v.Coefficients, swz/sw)
	}
}

func TestFormatsRender(t *testing.T) {
	for _, f := range []string{"markdown", "csv"} {
		out, stderr, code := runCLI(t, "", "meta", "--dataset", "molloy2014", "--format", f, "--subgroup", "design", "--permutations", "200", "--r-code")
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", f, code, stderr)
		}
		switch f {
		case "markdown":
			for _, w := range []string{"| Term |", "Subgroups", "Permutation test", "```r", "rma("} {
				if !strings.Contains(out, w) {
					t.Errorf("markdown lacks %q", w)
				}
			}
		case "csv":
			if !strings.HasPrefix(out, "name,estimate,se,statistic,df,p,ci_lb,ci_ub\n") {
				t.Errorf("csv header: %q", out)
			}
		}
	}
}

func TestDatasetsCommands(t *testing.T) {
	out, _, code := runCLI(t, "", "datasets", "list")
	if code != 0 || !strings.Contains(out, "molloy2014") || !strings.Contains(out, "demo-sessions") {
		t.Fatalf("list: %d\n%s", code, out)
	}
	out, _, code = runCLI(t, "", "datasets", "describe", "molloy2014")
	if code != 0 || !strings.Contains(out, "Molloy") || !strings.Contains(out, "GPL") {
		t.Errorf("describe: %d\n%s", code, out)
	}
	out, _, code = runCLI(t, "", "datasets", "export", "molloy2014")
	want, _ := os.ReadFile("../../datasets/data/molloy2014.csv")
	if code != 0 || out != string(want) {
		t.Errorf("export differs from the embedded file (exit %d)", code)
	}
	if _, stderr, code := runCLI(t, "", "datasets", "describe", "nosuch"); code != 2 || !strings.Contains(stderr, "available") {
		t.Errorf("unknown dataset: exit %d %q", code, stderr)
	}
}

func TestSimulateReproducesDemo(t *testing.T) {
	for name, args := range map[string][]string{
		"demo-sessions": {"simulate", "sessions"},
		"demo-studies":  {"simulate", "studies"},
	} {
		out, stderr, code := runCLI(t, "", args...)
		if code != 0 {
			t.Fatalf("%s: exit %d %s", name, code, stderr)
		}
		want, _ := os.ReadFile("../../datasets/data/" + name + ".csv")
		if out != string(want) {
			t.Errorf("alliance %s with default flags differs from the embedded %s", strings.Join(args, " "), name)
		}
	}
	a, _, _ := runCLI(t, "", "simulate", "sessions", "--patients", "30", "--therapists", "3", "--seed", "9")
	b, _, _ := runCLI(t, "", "simulate", "sessions", "--patients", "30", "--therapists", "3", "--seed", "9")
	c, _, _ := runCLI(t, "", "simulate", "sessions", "--patients", "30", "--therapists", "3", "--seed", "10")
	if a != b || a == c || !strings.HasPrefix(a, "patient,therapist,session,alliance,outcome\n") {
		t.Errorf("simulate is not deterministic per seed")
	}
	if _, stderr, code := runCLI(t, "", "simulate", "sessions", "--patients", "-5"); code != 2 || !strings.Contains(stderr, "Patients") && !strings.Contains(stderr, "patients") {
		t.Errorf("bad parameter: exit %d %q", code, stderr)
	}
	if _, stderr, code := runCLI(t, "", "simulate", "sessions", "--patients", "many"); code != 2 || !strings.Contains(stderr, "many") {
		t.Errorf("non-numeric flag: exit %d %q", code, stderr)
	}
}

func TestVersion(t *testing.T) {
	out, _, code := runCLI(t, "", "version")
	if code != 0 || !strings.HasPrefix(out, "alliance "+version) {
		t.Errorf("version: %d %q", code, out)
	}
}

// loadGolden decodes testdata/golden/name, the reference values computed by
// R (testdata/golden/make_golden.R); tests run in cmd/alliance.
func loadGolden(name string, v any) error {
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "golden", name))
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}
