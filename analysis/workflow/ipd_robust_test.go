package workflow

import (
	"math"
	"os"
	"strings"
	"testing"

	"github.com/alliance-research/alliance/analysis/internal/golden"
)

// Stage 2 with several samples per trial: the CR2 cluster-robust test of
// each pooled term equals clubSandwich 0.5.8's coef_test / conf_int on the
// stage-1 estimates lme4 gives (testdata/golden/ipd_robust.json; lmer with
// bobyqa with rhoend 1e-12). Stage-1 SEs agree with lmerTest to 1e-5 and
// the patient term's CR2 SE then to 2e-5, so the tolerance is 1e-4.
func TestIPDRobustGolden(t *testing.T) {
	var g struct {
		Terms []struct {
			Term                   string
			Estimate, SE, T, DF, P float64
			CILB                   float64 `json:"ci_lb"`
			CIUB                   float64 `json:"ci_ub"`
		} `json:"terms"`
	}
	if err := golden.Load("ipd_robust.json", &g); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile("testdata/ipd_robust.csv")
	if err != nil {
		t.Fatal(err)
	}
	run, err := IPD(csvSource(t, "ipd_robust.csv", string(b)), IPDOptions{Robust: "trial", NoOneStage: true})
	if err != nil {
		t.Fatal(err)
	}
	near := func(what string, got, want float64) {
		if math.Abs(got-want) > 1e-4*math.Max(1, math.Abs(want)) {
			t.Errorf("%s = %.10g, clubSandwich %.10g", what, got, want)
		}
	}
	for _, w := range g.Terms {
		p := run.pooledTerm(w.Term)
		if p == nil || p.Robust == nil || len(p.Robust.Coefficients) != 1 {
			t.Fatalf("term %s: no robust result", w.Term)
		}
		c := p.Robust.Coefficients[0]
		if p.Robust.Type != "CR2" || p.Robust.Clusters != 4 {
			t.Errorf("%s: %s over %d clusters", w.Term, p.Robust.Type, p.Robust.Clusters)
		}
		near(w.Term+" estimate", c.Estimate, w.Estimate)
		near(w.Term+" se", c.SE, w.SE)
		near(w.Term+" t", c.Statistic, w.T)
		near(w.Term+" df", optional(c.DF), w.DF)
		near(w.Term+" p", c.P, w.P)
		near(w.Term+" ci_lb", c.CILB, w.CILB)
		near(w.Term+" ci_ub", c.CIUB, w.CIUB)
	}
	if !strings.Contains(run.Methods(), "CR2 cluster-robust") || !strings.Contains(run.Steps()[0].Command, "--robust trial") {
		t.Errorf("methods or command do not say the robust inference:\n%s\n%s", run.Methods(), run.Steps()[0].Command)
	}
	if _, err := IPD(csvSource(t, "ipd_robust.csv", string(b)), IPDOptions{Robust: "trial", Multivariate: true}); err == nil {
		t.Error("robust with the multivariate model accepted")
	}
}
