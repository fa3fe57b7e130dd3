package workflow

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/alliance-research/alliance/analysis/errs"
	"github.com/alliance-research/alliance/analysis/internal/golden"
)

// The embedded demo-studies read, converted to Fisher z and fitted as
// 'alliance meta --mods year --scale alliance_rater' give metafor's
// numbers (testdata/golden/R/locscale.R: rma(yi, vi, mods = ~ year,
// scale = ~ alliance_rater, data = escalc("ZCOR", ri, ni, data = demo))),
// so loader, effect sizes, factor coding and model agree end to end.
func TestMetaScaleDemoGolden(t *testing.T) {
	type gcase struct {
		Name       string    `json:"name"`
		RCall      string    `json:"r_call"`
		Estimate   []float64 `json:"estimate"`
		Alpha      []float64 `json:"alpha"`
		SEAlphaC   []float64 `json:"se_alpha_centred"`
		LogLik     float64   `json:"logLik"`
		LRT        float64   `json:"LRT"`
		ScaleNames []string  `json:"scale_names"`
	}
	var g struct {
		Cases []json.RawMessage `json:"cases"`
	}
	if err := golden.Load("meta_locscale.json", &g); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, raw := range g.Cases {
		var name struct {
			Name string `json:"name"`
		}
		if err := json.Unmarshal(raw, &name); err != nil {
			t.Fatal(err)
		}
		if name.Name != "demo year/rater ML t" && name.Name != "demo year/rater REML t" {
			continue
		}
		var c gcase
		if err := json.Unmarshal(raw, &c); err != nil {
			t.Fatal(err)
		}
		n++
		method := strings.Fields(c.Name)[2]
		run, err := Meta(embedded(t, "demo-studies"), MetaOptions{Method: method, Test: "t", Mods: []string{"year"}, Scale: []string{"alliance_rater"}})
		if err != nil {
			t.Fatal(err)
		}
		res := run.LocScale
		near := func(what string, got, want, tol float64) {
			if math.Abs(got-want) > tol*math.Max(1, math.Abs(want)) {
				t.Errorf("%s: %s = %.10g, metafor %.10g\nR: %s", c.Name, what, got, want, c.RCall)
			}
		}
		near("logLik", res.Fit.LogLik, c.LogLik, 1e-6)
		near("LRT", *res.ScaleLRT, c.LRT, 1e-5)
		for j, a := range c.Alpha {
			if res.ScaleCoefficients[j].Name != c.ScaleNames[j] {
				t.Errorf("scale name %q, metafor %q", res.ScaleCoefficients[j].Name, c.ScaleNames[j])
			}
			near("alpha", res.ScaleCoefficients[j].Estimate, a, 1e-5)
			near("se_alpha", res.ScaleCoefficients[j].SE, c.SEAlphaC[j], 1e-4)
		}
		for j, b := range c.Estimate {
			near("beta", res.Coefficients[j].Estimate, b, 1e-5)
		}
		// the document: both coefficient tables, τ² per rater, the methods
		// and its citation, the command line and the R call
		names := map[string]bool{}
		for _, tab := range run.Section().Tables() {
			names[tab.Name] = true
		}
		for _, n := range []string{"coefficients", "scale_coefficients", "tau2_levels", "tests"} {
			if !names[n] {
				t.Errorf("no %s table (tables: %v)", n, names)
			}
		}
		if m := run.Methods(); !strings.Contains(m, "Viechtbauer & López-López, 2022") {
			t.Errorf("methods: %s", m)
		}
		if !slices.Contains(run.Cites(), "viechtbauer2022") {
			t.Errorf("citations %v", run.Cites())
		}
		st := run.Steps()
		if len(st) != 1 || !strings.Contains(st[0].Command, "--mods year") || !strings.Contains(st[0].Command, "--scale alliance_rater") || (method == "ML") != strings.Contains(st[0].Command, "--method ML") {
			t.Errorf("steps %+v", st)
		}
		if !strings.Contains(st[0].RCode, "scale = ~ alliance_rater") {
			t.Errorf("R code: %s", st[0].RCode)
		}
		b, err := json.Marshal(run.Output())
		if err != nil {
			t.Fatal(err)
		}
		var out map[string]any
		if err := json.Unmarshal(b, &out); err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{"coefficients", "scale_coefficients", "QS", "QS_p", "scale_LRT", "scale_LRT_p", "tau2_levels"} {
			if _, ok := out[k]; !ok {
				t.Errorf("JSON has no %s", k)
			}
		}
	}
	if n != 2 {
		t.Errorf("%d demo cases in the golden file, want 2", n)
	}
}

// Combinations that assume one τ² are refused with one message naming
// them; methods other than ML/REML too.
func TestMetaScaleRefusals(t *testing.T) {
	for _, o := range []MetaOptions{
		{Scale: []string{"alliance_rater"}, Cluster: "study"},
		{Scale: []string{"alliance_rater"}, Bias: true},
		{Scale: []string{"alliance_rater"}, Influence: true, Subgroup: "treatment"},
		{Scale: []string{"alliance_rater"}, Method: "DL"},
		{NewScale: []map[string]string{{"alliance_rater": "patient"}}},
	} {
		_, err := Meta(embedded(t, "demo-studies"), o)
		if !errors.Is(err, errs.InvalidOption) {
			t.Errorf("%+v: error %v, want an invalid option", o, err)
			continue
		}
		if o.Cluster != "" && !strings.Contains(err.Error(), "three-level model (--cluster)") {
			t.Errorf("message does not name the three-level model: %v", err)
		}
	}
	// a scale column that does not exist is an input error naming it
	if _, err := Meta(embedded(t, "demo-studies"), MetaOptions{Scale: []string{"nosuch"}}); err == nil || !strings.Contains(err.Error(), "nosuch") {
		t.Errorf("unknown scale column: %v", err)
	}
	// a level not in the data
	if _, err := Meta(embedded(t, "demo-studies"), MetaOptions{Scale: []string{"alliance_rater"}, NewScale: []map[string]string{{"alliance_rater": "nurse"}}}); !errors.Is(err, errs.InvalidOption) {
		t.Errorf("unseen level: %v", err)
	}
}

// The printed R code runs in R and gives our log-likelihood and LRT
// (skipped without Rscript and metafor).
func TestMetaScaleRCodeRuns(t *testing.T) {
	if _, err := exec.LookPath("Rscript"); err != nil {
		t.Skip("Rscript not installed")
	}
	if testing.Short() {
		t.Skip("runs R")
	}
	run, err := Meta(embedded(t, "demo-studies"), MetaOptions{Method: "ML", Scale: []string{"alliance_rater"}, RCode: true})
	if err != nil {
		t.Fatal(err)
	}
	code := run.RCode + "\ncat(sprintf('LL %.10f LRT %.10f\\n', c(logLik(res)), LRT))\n"
	out, err := exec.Command("Rscript", "-e", code).CombinedOutput()
	if err != nil {
		t.Skipf("R failed (metafor missing?): %v\n%s", err, out)
	}
	var ll, lrt float64
	i := strings.LastIndex(string(out), "LL ")
	if i < 0 {
		t.Fatalf("no result in R output:\n%s", out)
	}
	if _, err := fmt.Sscanf(string(out[i:]), "LL %g LRT %g", &ll, &lrt); err != nil {
		t.Fatal(err)
	}
	res := run.LocScale
	if math.Abs(ll-res.Fit.LogLik) > 1e-6*math.Abs(ll) || math.Abs(lrt-*res.ScaleLRT) > 1e-5 {
		t.Errorf("R: logLik %g, LRT %g; ours %g, %g", ll, lrt, res.Fit.LogLik, *res.ScaleLRT)
	}
}
