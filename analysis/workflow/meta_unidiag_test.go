package workflow

import (
	"errors"
	"strings"
	"testing"

	"github.com/alliance-research/alliance/analysis/errs"
	"github.com/alliance-research/alliance/analysis/internal/golden"
)

// unidiagGolden reads the molloy2014 values of testdata/golden/meta_unidiag.json
// (metafor 3.8-1, testdata/golden/R/unidiag.R).
func unidiagGolden(t *testing.T) (pl [2]float64, lrt, r2 float64) {
	t.Helper()
	var g struct {
		Fits []struct {
			Name string `json:"name"`
			PL   *struct {
				LB float64 `json:"ci_lb"`
				UB float64 `json:"ci_ub"`
			} `json:"pl"`
		} `json:"fits"`
		Compare []struct {
			Name string  `json:"name"`
			LRT  float64 `json:"LRT"`
			R2   float64 `json:"R2"`
		} `json:"compare"`
	}
	if err := golden.Load("meta_unidiag.json", &g); err != nil {
		t.Fatal(err)
	}
	for _, f := range g.Fits {
		if f.Name == "molloy" {
			pl = [2]float64{f.PL.LB, f.PL.UB}
		}
	}
	for _, c := range g.Compare {
		if c.Name == "molloy_measure" {
			lrt, r2 = c.LRT, c.R2
		}
	}
	return pl, lrt, r2
}

func TestMetaUniDiag(t *testing.T) {
	pl, lrt, r2 := unidiagGolden(t)
	run, err := Meta(embedded(t, "molloy2014"), MetaOptions{Residuals: true, Influence: true, Figures: []string{"profile"}})
	if err != nil {
		t.Fatal(err)
	}
	m := run.Model
	if m.Tau2CIPL == nil || !relClose(m.Tau2CIPL[0], pl[0], 1e-6) || !relClose(m.Tau2CIPL[1], pl[1], 1e-6) {
		t.Errorf("tau2_ci_pl %v, metafor %v", m.Tau2CIPL, pl)
	}
	if len(run.Studies) != m.K {
		t.Fatalf("%d study rows for k = %d", len(run.Studies), m.K)
	}
	for i, s := range run.Studies {
		// the same leave-one-out refits as the influence diagnostics
		if s.RStudent != run.Influence[i].RStudent || s.Study != run.Influence[i].Study {
			t.Errorf("study %d: rstudent %g, influence %g", i+1, s.RStudent, run.Influence[i].RStudent)
		}
	}
	var kinds []string
	for _, tt := range run.Tidy() {
		kinds = append(kinds, tt.Name)
	}
	if !strings.Contains(strings.Join(kinds, ","), "studies") {
		t.Errorf("tidy tables %v lack studies", kinds)
	}
	found := false
	for _, b := range run.Section().Blocks {
		if f, ok := b.(*Figure); ok && f.Name == "profile" {
			sp := f.Spec.(Tau2ProfileSpec)
			found = len(sp.Points) > 10 && sp.Points[len(sp.Points)-1].Tau2 >= pl[1]
		}
	}
	if !found {
		t.Error("no profile figure spanning the PL CI")
	}

	run, err = Meta(embedded(t, "molloy2014"), MetaOptions{Mods: []string{"meanage", "a_measure"}, Compare: []string{"meanage"}})
	if err != nil {
		t.Fatal(err)
	}
	c := run.Compare
	if c == nil || !relClose(c.LRT, lrt, 1e-6) || c.R2 == nil || !relClose(*c.R2, r2, 1e-6) || !c.Refit {
		t.Fatalf("compare %+v, metafor LRT %g R2 %g", c, lrt, r2)
	}
	if got := strings.Join(run.compareMods[0], "+") + " vs " + strings.Join(run.compareMods[1], "+"); got != "meanage+a_measure vs meanage" {
		t.Errorf("models %s", got)
	}
	if !strings.Contains(run.Steps()[0].Command, "--compare meanage") {
		t.Errorf("command line %q", run.Steps()[0].Command)
	}
	// the main model may be the reduced one
	run, err = Meta(embedded(t, "molloy2014"), MetaOptions{Compare: []string{"meanage"}})
	if err != nil {
		t.Fatal(err)
	}
	if run.Compare.Models[0].Parms != 3 || run.compareMods[0][0] != "meanage" || len(run.compareMods[1]) != 0 {
		t.Errorf("full model %v (%d parameters)", run.compareMods[0], run.Compare.Models[0].Parms)
	}
}

func TestMetaUniDiagRefusals(t *testing.T) {
	for _, c := range []struct {
		name, hint, want string
		opt              MetaOptions
	}{
		{"same size", "Compare", "same number of coefficients", MetaOptions{Mods: []string{"meanage"}, Compare: []string{"quality"}}},
		{"not nested", "Compare", "not nested", MetaOptions{Mods: []string{"meanage", "year"}, Compare: []string{"quality"}}},
		{"intercept and columns", "Compare", "either 1", MetaOptions{Mods: []string{"meanage"}, Compare: []string{"1", "year"}}},
		{"three-level", "Compare", "univariate", MetaOptions{Cluster: "authors", Compare: []string{"year"}}},
		{"profile DL", "Tau2Profile", "REML or ML", MetaOptions{Method: "DL", Figures: []string{"profile"}}},
		{"profile fixed tau2", "Tau2Profile", "fixed", MetaOptions{Tau2: new(float64), Figures: []string{"profile"}}},
		{"unknown column", "", "nosuch", MetaOptions{Compare: []string{"nosuch"}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Meta(embedded(t, "molloy2014"), c.opt)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one saying %q", err, c.want)
			}
			var e *errs.Error
			if c.hint != "" && (!errors.As(err, &e) || e.Hint != c.hint) {
				t.Errorf("error %v: hint %v, want %s", err, e, c.hint)
			}
		})
	}
}
