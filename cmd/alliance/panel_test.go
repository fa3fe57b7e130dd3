package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// panelLong writes the simulated wide panel of the lavaan goldens
// (analysis/panel/testdata/panel_sim.csv: x1..x5, y1..y5) as long session
// rows (patient, session, alliance, outcome) and returns the file.
func panelLong(t *testing.T) string {
	t.Helper()
	f, err := os.Open("../../analysis/panel/testdata/panel_sim.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("patient,session,alliance,outcome\n")
	for i, r := range recs[1:] {
		for w := 0; w < 5; w++ {
			x, y := r[w], r[5+w]
			if x == "" && y == "" {
				continue
			}
			fmt.Fprintf(&b, "p%d,%d,%s,%s\n", i+1, w+1, x, y)
		}
	}
	p := filepath.Join(t.TempDir(), "panel_long.csv")
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

type lavParam struct {
	LHS, Op, RHS string
	Est, SE      float64
}

type lavCase struct {
	Name string
	ML   struct {
		Parameters []lavParam
		Fit        map[string]float64
	}
	Expected struct{ Parameters []lavParam }
	MLR      struct {
		Parameters []lavParam
		Fit        map[string]float64
	}
}

func lavaanExt(t *testing.T) map[string]lavCase {
	t.Helper()
	b, err := os.ReadFile("../../testdata/golden/panel_lavaan_ext.json")
	if err != nil {
		t.Fatal(err)
	}
	var g struct{ Cases []lavCase }
	if err := json.Unmarshal(b, &g); err != nil {
		t.Fatal(err)
	}
	out := map[string]lavCase{}
	for _, c := range g.Cases {
		out[c.Name] = c
	}
	return out
}

type panelJSON struct {
	Model       string
	Estimator   string
	Information string
	DPMOutcome  string `json:"dpm_outcome"`
	Parameters  []struct {
		LHS, Op, RHS string
		Estimate     float64
		SE           *float64
	}
	Fit     map[string]float64
	Lagged  []struct{ From, To string }
	LongRun []struct {
		From, To     string
		Estimate, SE float64
	} `json:"long_run"`
}

// 'alliance panel' on long session rows equals lavaan 0.6-14 on the same
// panel (testdata/golden/R/panel_ext.R): the DPM with MLR (estimates,
// robust SEs, the scaled χ² and fit, the long-run effect), the stationary
// RI-CLPM with expected-information SEs and its four long-run effects.
func TestPanelCLIMatchesLavaan(t *testing.T) {
	file := panelLong(t)
	gold := lavaanExt(t)
	for _, c := range []struct {
		gold string
		args []string
		pick func(lavCase) ([]lavParam, map[string]float64)
	}{
		{"dpm_y", []string{"--model", "dpm", "--estimator", "MLR"}, func(c lavCase) ([]lavParam, map[string]float64) { return c.MLR.Parameters, c.MLR.Fit }},
		{"dpm_x", []string{"--model", "dpm", "--dpm-outcome", "x"}, func(c lavCase) ([]lavParam, map[string]float64) { return c.ML.Parameters, c.ML.Fit }},
		{"riclpm_stationary", []string{"--stationary", "--information", "expected"}, func(c lavCase) ([]lavParam, map[string]float64) { return c.Expected.Parameters, nil }},
	} {
		t.Run(c.gold, func(t *testing.T) {
			args := append([]string{"panel", file, "--waves", "1:5", "--format", "json", "--quiet"}, c.args...)
			out, stderr, code := runCLI(t, "", args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			var got panelJSON
			if err := json.Unmarshal([]byte(out), &got); err != nil {
				t.Fatal(err)
			}
			want, fit := c.pick(gold[c.gold])
			est := map[string]float64{}
			se := map[string]float64{}
			for _, p := range got.Parameters {
				est[p.LHS+p.Op+p.RHS] = p.Estimate
				if p.SE != nil {
					se[p.LHS+p.Op+p.RHS] = *p.SE
				}
			}
			lr := map[string]lavParam{}
			for _, p := range want {
				key := p.LHS + p.Op + p.RHS
				if p.Op == ":=" {
					lr[p.LHS] = p
					continue
				}
				if p.SE == 0 {
					continue
				}
				if math.Abs(est[key]-p.Est) > 1e-5*math.Max(1, math.Abs(p.Est)) || math.Abs(se[key]-p.SE) > 1e-4*p.SE {
					t.Errorf("%s = %.8g (%.8g), lavaan %.8g (%.8g)", key, est[key], se[key], p.Est, p.SE)
				}
			}
			for k, v := range fit {
				name := map[string]string{"chisq.scaled": "chisq_scaled", "chisq.scaling.factor": "chisq_scaling_factor", "cfi.scaled": "cfi_scaled",
					"tli.scaled": "tli_scaled", "rmsea.scaled": "rmsea_scaled", "logl": "logLik", "chisq": "chisq", "cfi": "cfi", "srmr": "srmr",
					"cfi.robust": "cfi_robust", "tli.robust": "tli_robust", "rmsea.robust": "rmsea_robust"}[k]
				if name == "" {
					continue
				}
				if g, ok := got.Fit[name]; !ok || math.Abs(g-v) > 1e-5*math.Max(1, math.Abs(v)) {
					t.Errorf("fit %s = %.10g, lavaan %s %.10g", name, g, k, v)
				}
			}
			names := map[string]string{"alliance>alliance": "lr_x_x", "outcome>alliance": "lr_y_x", "alliance>outcome": "lr_x_y", "outcome>outcome": "lr_y_y"}
			if got.Model == "dpm" {
				if len(got.LongRun) != 1 || len(got.Lagged) != 2 {
					t.Fatalf("DPM: %d long-run, %d lagged rows", len(got.LongRun), len(got.Lagged))
				}
				names = map[string]string{got.LongRun[0].From + ">" + got.LongRun[0].To: "lr"}
			} else if len(got.LongRun) != 4 {
				t.Fatalf("%d long-run rows", len(got.LongRun))
			}
			for _, l := range got.LongRun {
				w := lr[names[l.From+">"+l.To]]
				if math.Abs(l.Estimate-w.Est) > 1e-5*math.Max(1, math.Abs(w.Est)) || math.Abs(l.SE-w.SE) > 1e-4*w.SE {
					t.Errorf("long run %s → %s = %.8g (%.8g), lavaan %s %.8g (%.8g)", l.From, l.To, l.Estimate, l.SE, names[l.From+">"+l.To], w.Est, w.SE)
				}
			}
		})
	}
}

// The text output says the SEs, the scaled test and the long-run table;
// the R code refits the same model; contradictory choices are usage
// errors (exit 2) naming the flag.
func TestPanelCLITextAndErrors(t *testing.T) {
	file := panelLong(t)
	out, stderr, code := runCLI(t, "", "panel", file, "--waves", "1:5", "--model", "dpm", "--estimator", "mlr", "--quiet")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, w := range []string{"Dynamic panel model", "Yuan–Bentler scaled χ²(15) = 25.38", "Robust (FIML-corrected) CFI", "Long-run (cumulative) effects", "robust (Huber–White)"} {
		if !strings.Contains(out, w) {
			t.Errorf("text lacks %q", w)
		}
	}
	out, _, code = runCLI(t, "", "panel", file, "--waves", "1:5", "--quiet")
	if code != 0 || !strings.Contains(out, "fit the stationary model") || !strings.Contains(out, "observed information") {
		t.Errorf("riclpm text (exit %d) does not say why there are no long-run effects or which SEs:\n%s", code, out)
	}
	for _, c := range []struct {
		args []string
		flag string
	}{
		{[]string{"--model", "dpm", "--stationary"}, "--stationary"},
		{[]string{"--dpm-outcome", "x"}, "--dpm-outcome"},
		{[]string{"--estimator", "WLS"}, "--estimator"},
		{[]string{"--information", "sandwich"}, "--information"},
	} {
		_, stderr, code := runCLI(t, "", append([]string{"panel", file, "--waves", "1:5", "--quiet"}, c.args...)...)
		if code != 2 || !strings.Contains(stderr, c.flag) {
			t.Errorf("%v: exit %d, %s", c.args, code, stderr)
		}
	}
}

// --x and --y (the SEM names of the two series) name the alliance and
// outcome columns, as --alliance and --outcome do.
func TestPanelXYAliases(t *testing.T) {
	a, _, c1 := runCLI(t, "", "panel", "--alliance", "alliance", "--outcome", "outcome", "--format", "json")
	b, _, c2 := runCLI(t, "", "panel", "--x", "alliance", "--y", "outcome", "--format", "json")
	if c1 != 0 || c2 != 0 || a != b {
		t.Fatalf("--x/--y differ from --alliance/--outcome (exit %d, %d)", c1, c2)
	}
	_, stderr, code := runCLI(t, "", "panel", "--x", "nope")
	if code != exitUsage || !strings.Contains(stderr, `"nope"`) {
		t.Errorf("--x nope: exit %d, %s", code, stderr)
	}
}
