package main

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"
)

// TestLmmEMMeansMatchesEmmeans runs 'alliance lmm --emmeans "arm | site"
// --pairs' on the simulated 3-arm trial and compares the means and the
// Tukey-adjusted contrasts with emmeans 1.8.4-1 (testdata/golden/R/mixed_emmeans.R);
// a bad --adjust or --at value exits 2 naming the flag.
func TestLmmEMMeansMatchesEmmeans(t *testing.T) {
	type row map[string]any
	var g struct {
		Data struct {
			Y, Time            []float64
			Arm, Patient, Site []string
		}
		Fits []struct {
			Formula string
			Cases   []struct {
				Spec      string
				EMMeans   []row `json:"emmeans"`
				Contrasts struct {
					Tukey []row `json:"tukey"`
				} `json:"contrasts"`
			}
		}
	}
	if err := loadGolden("mixed_emmeans_arm.json", &g); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("y,time,arm,patient,site\n")
	for i := range g.Data.Y {
		fmt.Fprintf(&b, "%v,%v,%v,%v,%v\n", g.Data.Y[i], g.Data.Time[i], g.Data.Arm[i], g.Data.Patient[i], g.Data.Site[i])
	}
	csv := b.String()
	fit := g.Fits[1]
	c := fit.Cases[1]
	if c.Spec != "~ arm | site" {
		t.Fatalf("golden case %q", c.Spec)
	}
	out, stderr, code := runCLI(t, csv, "lmm", "-", "--formula", fit.Formula, "--emmeans", "arm | site", "--pairs", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d %s", code, stderr)
	}
	var got struct {
		EMMeans []struct {
			Levels         map[string]string
			EMMean, SE, DF float64
			CILB           float64 `json:"ci_lb"`
		} `json:"emmeans"`
		Contrasts []struct {
			Contrast            string
			Estimate, SE, DF, P float64
			Adjust              string
		} `json:"contrasts"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	if len(got.EMMeans) != len(c.EMMeans) || len(got.Contrasts) != len(c.Contrasts.Tukey) {
		t.Fatalf("%d means, %d contrasts; want %d, %d", len(got.EMMeans), len(got.Contrasts), len(c.EMMeans), len(c.Contrasts.Tukey))
	}
	near := func(what string, a float64, w any, tol float64) {
		x, _ := w.(float64)
		if d := math.Abs(a-x) / math.Abs(x); !(d <= tol) {
			t.Errorf("%s: %v, emmeans %v (rel %.1e)", what, a, x, d)
		}
	}
	for i, w := range c.EMMeans {
		e := got.EMMeans[i]
		if e.Levels["arm"] != w["arm"] || e.Levels["site"] != w["site"] {
			t.Errorf("mean %d: %v, want %v %v", i, e.Levels, w["arm"], w["site"])
		}
		near("emmean", e.EMMean, w["emmean"], 1e-6)
		near("se", e.SE, w["se"], 1e-6)
		near("df", e.DF, w["df"], 1e-5)
		near("lower", e.CILB, w["lower"], 1e-6)
	}
	for i, w := range c.Contrasts.Tukey {
		k := got.Contrasts[i]
		if k.Contrast != w["contrast"] || k.Adjust != "tukey" {
			t.Errorf("contrast %d: %s (%s), want %v", i, k.Contrast, k.Adjust, w["contrast"])
		}
		near("estimate", k.Estimate, w["estimate"], 1e-6)
		near("contrast df", k.DF, w["df"], 1e-5)
		near("p", k.P, w["p"], 1e-5)
	}
	for _, bad := range [][]string{{"--pairs", "--adjust", "scheffe"}, {"--at", "time=late"}} {
		args := append([]string{"lmm", "-", "--formula", fit.Formula, "--emmeans", "arm"}, bad...)
		if _, stderr, code := runCLI(t, csv, args...); code != 2 || !strings.Contains(stderr, bad[len(bad)-2]) {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 naming %s", bad, code, stderr, bad[len(bad)-2])
		}
	}
}
