package main

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"
)

// TestLmmKenwardRoger runs 'alliance lmm --ddf kenward-roger --anova 3
// --emmeans arm --pairs' on the simulated 3-arm trial and compares the t
// tests, the type III table and the marginal means with pbkrtest 0.5.2
// through lmerTest 3.1-3 and emmeans 1.8.4-1 (testdata/golden/R/mixed_kr.R);
// --ddf with --ml, and an unknown method, exit 2 naming --ddf.
func TestLmmKenwardRoger(t *testing.T) {
	type row map[string]any
	var data struct {
		Data struct {
			Y, Time            []float64
			Arm, Patient, Site []string
		}
	}
	if err := loadGolden("mixed_anova_arm.json", &data); err != nil {
		t.Fatal(err)
	}
	var g struct {
		Fits []struct {
			Formula string
			SE, DF  []float64
			Anovas  []struct {
				Type  int
				Anova []row
			}
			EMMeans []struct {
				Spec      string
				EMMeans   []row `json:"emmeans"`
				Contrasts []row `json:"contrasts"`
			} `json:"emmeans"`
		}
	}
	if err := loadGolden("mixed_kr.json", &g); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("y,time,arm,patient,site\n")
	d := data.Data
	for i := range d.Y {
		fmt.Fprintf(&b, "%v,%v,%v,%v,%v\n", d.Y[i], d.Time[i], d.Arm[i], d.Patient[i], d.Site[i])
	}
	csv := b.String()
	fit := g.Fits[2]
	if fit.Formula != "y ~ factor(arm) * time + (1 + time | patient)" || fit.Anovas[0].Type != 3 || fit.EMMeans[0].Spec != "~ arm" {
		t.Fatalf("golden fit %q", fit.Formula)
	}
	out, stderr, code := runCLI(t, csv, "lmm", "-", "--formula", fit.Formula, "--anova", "3", "--emmeans", "arm", "--pairs", "--ddf", "kenward-roger", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d %s", code, stderr)
	}
	var got struct {
		DDF      string `json:"ddf"`
		DFMethod string `json:"df_method"`
		Fixed    []struct{ SE, DF float64 }
		Anova    []struct {
			Term   string
			F      float64
			DenDF  float64 `json:"den_df"`
			NumDF  int     `json:"num_df"`
			P      float64 `json:"p"`
			MeanSq float64 `json:"mean_sq"`
		}
		EMMeans   []struct{ SE, DF float64 } `json:"emmeans"`
		Contrasts []struct{ SE, DF, P float64 }
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	if got.DDF != "kenward-roger" || got.DFMethod != "Kenward-Roger" {
		t.Errorf("ddf %q, df_method %q", got.DDF, got.DFMethod)
	}
	near := func(what string, a float64, w any, tol float64) {
		x, _ := w.(float64)
		if d := math.Abs(a-x) / math.Abs(x); !(d <= tol) {
			t.Errorf("%s: %v, R %v (rel %.1e)", what, a, x, d)
		}
	}
	if len(got.Fixed) != len(fit.SE) || len(got.Anova) != len(fit.Anovas[0].Anova) || len(got.EMMeans) != 3 || len(got.Contrasts) != 3 {
		t.Fatalf("%d coefficients, %d ANOVA rows, %d means, %d contrasts", len(got.Fixed), len(got.Anova), len(got.EMMeans), len(got.Contrasts))
	}
	for i, c := range got.Fixed {
		near("se", c.SE, fit.SE[i], 1e-6)
		near("df", c.DF, fit.DF[i], 1e-4)
	}
	for i, w := range fit.Anovas[0].Anova {
		a := got.Anova[i]
		if a.Term != w["term"] {
			t.Errorf("row %d: %s, want %v", i, a.Term, w["term"])
		}
		near("F", a.F, w["F"], 1e-6)
		near("den_df", a.DenDF, w["den_df"], 1e-4)
		near("mean_sq", a.MeanSq, w["mean_sq"], 1e-6)
		near("p", a.P, w["p"], 1e-5)
	}
	for i, w := range fit.EMMeans[0].EMMeans {
		near("emmean se", got.EMMeans[i].SE, w["se"], 1e-6)
		near("emmean df", got.EMMeans[i].DF, w["df"], 1e-4)
	}
	for i, w := range fit.EMMeans[0].Contrasts {
		near("contrast se", got.Contrasts[i].SE, w["se"], 1e-6)
		near("contrast df", got.Contrasts[i].DF, w["df"], 1e-4)
		near("contrast p", got.Contrasts[i].P, w["p"], 1e-5)
	}
	for _, bad := range [][]string{{"--ddf", "kenward-roger", "--ml"}, {"--ddf", "containment"}} {
		args := append([]string{"lmm", "-", "--formula", fit.Formula}, bad...)
		if _, stderr, code := runCLI(t, csv, args...); code != 2 || !strings.Contains(stderr, "--ddf") {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 naming --ddf", bad, code, stderr)
		}
	}
}
