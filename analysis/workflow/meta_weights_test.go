package workflow

import (
	"math"
	"os/exec"
	"strings"
	"testing"

	"github.com/alliance-research/alliance/analysis/internal/golden"
)

// 'alliance meta --dataset molloy2014 --weights ni --method GENQM' is
// metafor's rma(yi, vi, weights = ni, method = "GENQM") on
// escalc("ZCOR", ri, ni, data = dat.molloy2014) (testdata/golden/R/tau2more.R),
// and its reproduction carries the weights.
func TestMetaWeightsRun(t *testing.T) {
	var g struct {
		Fits []struct {
			Data    string  `json:"data"`
			Weights *string `json:"weights"`
			Mods    *string `json:"mods"`
			Method  string  `json:"method"`
			Test    string  `json:"test"`
			Beta    any     `json:"beta"` // a number for one coefficient
			SE      any     `json:"se"`
			Tau2    float64 `json:"tau2"`
		} `json:"fits"`
	}
	if err := golden.Load("meta_tau2more.json", &g); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range g.Fits {
		if f.Data != "molloy" || f.Weights == nil || f.Mods != nil || f.Test != "z" {
			continue
		}
		beta, se := f.Beta.(float64), f.SE.(float64)
		n++
		run, err := Meta(embedded(t, "molloy2014"), MetaOptions{Method: f.Method, Weights: *f.Weights, LeaveOneOut: true, RCode: true})
		if err != nil {
			t.Fatal(err)
		}
		m := run.Model
		c := m.Coefficients[0]
		for _, x := range [][3]any{{"tau2", m.Tau2, f.Tau2}, {"estimate", c.Estimate, beta}, {"se", c.SE, se}} {
			if got, want := x[1].(float64), x[2].(float64); math.Abs(got-want) > 1e-6*math.Abs(want) {
				t.Errorf("%s %s = %.10g, metafor %.10g", f.Method, x[0], got, want)
			}
		}
		if !m.UserWeights || len(m.Weights) != m.K || len(run.Leave1out) != m.K {
			t.Errorf("%s: weights %v, %d leave-one-out rows", f.Method, m.Weights, len(run.Leave1out))
		}
		cl := run.opt.commandLine(run.src)
		if !strings.Contains(cl, "--weights ni") || !strings.Contains(run.RCode, "weights = w") {
			t.Errorf("reproduction lacks the weights:\n%s\n%s", cl, run.RCode)
		}
	}
	if n != 3 { // GENQ, GENQM, REML
		t.Fatalf("%d molloy fits with weights in the golden file", n)
	}
}

func TestMetaWeightsRefused(t *testing.T) {
	for _, o := range []MetaOptions{
		{Method: "GENQ"},
		{Method: "genqm"},
		{Weights: "ni", Bias: true},
		{Weights: "ni", Influence: true},
		{Weights: "ni", Cluster: "authors"},
		{Weights: "ni", Figures: []string{"forest"}},
		{Weights: "ni", Subgroup: "design"},
	} {
		_, err := Meta(embedded(t, "molloy2014"), o)
		if OptionOf(err) != "Weights" {
			t.Errorf("%+v: got %v, want an invalid-option error naming the weights", o, err)
		}
	}
	if _, err := Meta(embedded(t, "molloy2014"), MetaOptions{Weights: "design"}); err == nil || !strings.Contains(err.Error(), "text") {
		t.Errorf("text weight column: %v", err)
	}
}

// The R code of a run with user weights reproduces it in metafor (its
// JSON fields equal ours).
func TestMetaWeightsRCodeRunsInR(t *testing.T) {
	rs := rscript(t, "metafor", "jsonlite")
	opts := []MetaOptions{{Method: "REML", Weights: "ni", Mods: []string{"meanage"}}, {Method: "HSK", Test: "knha"}, {Method: "PMM"}}
	// metafor's GENQ interval needs the CRAN package CompQuadForm, which
	// Debian does not package.
	if exec.Command(rs, "-e", "library(CompQuadForm)").Run() == nil {
		opts = append(opts, MetaOptions{Method: "GENQ", Weights: "ni"})
	} else {
		t.Log("R lacks CompQuadForm: the GENQ case is not run in R")
	}
	for _, o := range opts {
		run, err := Meta(embedded(t, "molloy2014"), o)
		if err != nil {
			t.Fatal(err)
		}
		objs := runRCode(t, rs, run.Steps()[0].RCode)
		r := map[string]float64{}
		flatten(objs[len(objs)-1], "", r)
		ours := oursJSON(t, run.Output())
		if o.Method == "GENQ" {
			// metafor's confint type "GENQ" solves with uniroot's default
			// tolerance (≈ 1.2e-4); ours to 1e-12 (matched to 1e-6 against
			// tight bounds in analysis/meta's golden test).
			for _, k := range []string{"tau2_ci", "I2_ci", "H2_ci"} {
				for _, j := range []string{"[0]", "[1]"} {
					if math.Abs(ours[k+j]-r[k+j]) > 1e-2*math.Abs(r[k+j]) {
						t.Errorf("GENQ %s%s: ours %g, R %g", k, j, ours[k+j], r[k+j])
					}
					delete(ours, k+j)
				}
			}
		}
		compareJSON(t, o.Method, ours, r, tolEst)
	}
}
