package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMetaPredictMatchesMetafor runs 'alliance meta FILE --mods
// ablat,year,alloc --predict … --test-terms alloc' on dat.bcg written as
// CSV and checks the JSON predictions, vcov and term test against metafor
// 3.8-1 predict(res, newmods), vcov(res) and anova(res, btt = 4:5) for
// REML with z and knha tests (testdata/golden/meta_predict.json, made by
// testdata/golden/R/predict.R).
func TestMetaPredictMatchesMetafor(t *testing.T) {
	type pred struct {
		Pred float64  `json:"pred"`
		SE   float64  `json:"se"`
		CILB float64  `json:"ci_lb"`
		CIUB float64  `json:"ci_ub"`
		PILB *float64 `json:"pi_lb"`
		PIUB *float64 `json:"pi_ub"`
	}
	type term struct {
		QM  float64 `json:"QM"`
		DF  int     `json:"df"`
		DF2 *int    `json:"df2"`
		P   float64 `json:"p"`
	}
	var g struct {
		BCG struct {
			Yi, Vi, Ablat, Year []float64
			Alloc               []string
		} `json:"bcg"`
		Uni []struct {
			Method, Test string
			Vcov         [][]float64 `json:"vcov"`
			Predictions  []pred      `json:"predictions"`
			TermTests    []term      `json:"term_tests"`
		} `json:"uni"`
	}
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "golden", "meta_predict.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &g); err != nil {
		t.Fatal(err)
	}
	var csv strings.Builder
	csv.WriteString("trial,yi,vi,ablat,year,alloc\n")
	for i := range g.BCG.Yi {
		fmt.Fprintf(&csv, "%d,%.17g,%.17g,%g,%g,%s\n", i+1, g.BCG.Yi[i], g.BCG.Vi[i], g.BCG.Ablat[i], g.BCG.Year[i], g.BCG.Alloc[i])
	}
	file := filepath.Join(t.TempDir(), "bcg.csv")
	if err := os.WriteFile(file, []byte(csv.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	near := func(got, want float64) bool { return math.Abs(got-want) <= 1e-7*math.Max(1, math.Abs(want)) }
	checked := 0
	for _, c := range g.Uni {
		if c.Method != "REML" {
			continue
		}
		checked++
		stdout, stderr, code := runCLI(t, "", "meta", file, "--yi", "yi", "--vi", "vi", "--mods", "ablat,year,alloc", "--test", c.Test,
			"--predict", "ablat=20,year=1970,alloc=random; ablat=40,year=1960,alloc=alternate; ablat=55,year=1980,alloc=systematic",
			"--test-terms", "alloc", "--format", "json", "--quiet")
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", c.Test, code, stderr)
		}
		var out struct {
			Predictions []pred `json:"predictions"`
			Vcov        struct {
				Names  []string    `json:"names"`
				Matrix [][]float64 `json:"matrix"`
			} `json:"vcov"`
			TermTests []term `json:"term_tests"`
		}
		if err := json.Unmarshal([]byte(stdout), &out); err != nil {
			t.Fatalf("%s: %v", c.Test, err)
		}
		if len(out.Predictions) != 3 || len(out.TermTests) != 1 || len(out.Vcov.Names) != 5 {
			t.Fatalf("%s: %d predictions, %d term tests, vcov names %v", c.Test, len(out.Predictions), len(out.TermTests), out.Vcov.Names)
		}
		for i, w := range c.Predictions {
			p := out.Predictions[i]
			if !near(p.Pred, w.Pred) || !near(p.SE, w.SE) || !near(p.CILB, w.CILB) || !near(p.CIUB, w.CIUB) || !near(*p.PILB, *w.PILB) || !near(*p.PIUB, *w.PIUB) {
				t.Errorf("%s: prediction %d = %+v (PI %v, %v), want %+v (PI %v, %v)", c.Test, i, p, *p.PILB, *p.PIUB, w, *w.PILB, *w.PIUB)
			}
		}
		for i := range c.Vcov {
			for j := range c.Vcov[i] {
				if !near(out.Vcov.Matrix[i][j], c.Vcov[i][j]) {
					t.Errorf("%s: vcov[%d][%d] = %g, want %g", c.Test, i, j, out.Vcov.Matrix[i][j], c.Vcov[i][j])
				}
			}
		}
		w, tt := c.TermTests[0], out.TermTests[0]
		if !near(tt.QM, w.QM) || tt.DF != w.DF || !near(tt.P, w.P) || (tt.DF2 == nil) != (w.DF2 == nil) {
			t.Errorf("%s: term test %+v, want %+v", c.Test, tt, w)
		}
	}
	if checked != 2 {
		t.Fatalf("%d REML cases in the golden file, want 2", checked)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"meta", "--predict", "year=2010"}, "--predict"},
		{[]string{"meta", "--mods", "year", "--predict", "year"}, "moderator=value"},
		{[]string{"meta", "--mods", "year", "--predict", "year=x"}, "not a finite number"},
		{[]string{"meta", "--mods", "year", "--test-terms", "rater"}, "--test-terms"},
	} {
		_, stderr, code := runCLI(t, "", c.args...)
		if code != 2 || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d %q (want 2 and %q)", c.args, code, stderr, c.want)
		}
	}
}
