package workflow

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/alliance-research/alliance/analysis/bayesmeta"
	"github.com/alliance-research/alliance/analysis/jsonout"
	"github.com/alliance-research/alliance/datasets"
)

// schoolsSource is the eight-schools data (bayesmeta's Rubin1981) as a
// yi/sei table.
func schoolsSource(t *testing.T) Source {
	t.Helper()
	y := []float64{28.39, 7.94, -2.75, 6.82, -0.64, 0.63, 18.01, 12.16}
	se := []float64{14.9, 10.2, 16.3, 11.0, 9.4, 11.4, 10.4, 17.6}
	var b strings.Builder
	b.WriteString("study,yi,sei\n")
	for i := range y {
		fmt.Fprintf(&b, "%c,%g,%g\n", 'A'+i, y[i], se[i])
	}
	tab, err := datasets.Read("schools.csv", strings.NewReader(b.String()), datasets.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return FileSource("schools.csv", tab)
}

// TestMetaBayesRun: --bayes on yi/sei data gives bayesmeta's posterior of
// τ (its vignette's example.1: median 4.758539, shortest [0, 15.165894]),
// the "bayes" JSON object, a section with the table, methods that cite
// Röver (2020), and a reproducing step with bayesmeta code.
func TestMetaBayesRun(t *testing.T) {
	run, err := Meta(schoolsSource(t), MetaOptions{Bayes: &BayesOptions{TauPrior: "half-cauchy", TauScale: 25, MuSD: 50}, Figures: []string{"posterior"}})
	if err != nil {
		t.Fatal(err)
	}
	b := run.Bayes
	if b == nil || b.BMA == nil {
		t.Fatal("no Bayesian results or no model averaging")
	}
	if math.Abs(b.Tau.Median-4.758539) > 5e-7 || math.Abs(b.Tau.ShortestUB-15.165894) > 5e-7 {
		t.Errorf("tau median %v, shortest ub %v", b.Tau.Median, b.Tau.ShortestUB)
	}
	if b.R != nil {
		t.Error("r back-transform for yi/sei data without measure ZCOR")
	}
	var buf bytes.Buffer
	if err := jsonout.Write(&buf, run.Output()); err != nil {
		t.Fatal(err)
	}
	var out struct {
		Bayes struct {
			Tau struct {
				Median float64 `json:"median"`
			} `json:"tau"`
			ThetaNew *struct{} `json:"theta_new"`
			BFTau0   struct {
				BF01 float64 `json:"BF01"`
			} `json:"bf_tau0"`
			BMA struct {
				Models []struct {
					Model string `json:"model"`
				} `json:"models"`
			} `json:"bma"`
		} `json:"bayes"`
	}
	if err := json.Unmarshal(buf.Bytes(), &out); err != nil {
		t.Fatal(err)
	}
	if out.Bayes.Tau.Median != b.Tau.Median || out.Bayes.ThetaNew == nil || len(out.Bayes.BMA.Models) != 4 || !(out.Bayes.BFTau0.BF01 > 0) {
		t.Errorf("JSON bayes object incomplete: %s", buf.String()[:min(400, buf.Len())])
	}
	var names []string
	for _, tb := range run.Section().Tables() {
		names = append(names, tb.Name)
	}
	if !strings.Contains(strings.Join(names, ","), "bayes,bma") {
		t.Errorf("tables %v", names)
	}
	figs := run.Section().Figures()
	if len(figs) != 1 || figs[0].Name != "posterior" {
		t.Errorf("figures %v", figs)
	} else if _, ok := figs[0].Spec.(BayesPosteriorSpec); !ok {
		t.Errorf("figure spec %T", figs[0].Spec)
	}
	if !strings.Contains(run.Methods(), "Röver, 2020") || !strings.Contains(strings.Join(run.Cites(), ","), "rover2020") {
		t.Errorf("methods/cites: %s %v", run.Methods(), run.Cites())
	}
	steps := run.Steps()
	last := steps[len(steps)-1]
	if !strings.Contains(last.Command, "--bayes --tau-prior half-cauchy --tau-scale 25 --mu-sd 50") || !strings.Contains(last.RCode, "bayesmeta(y = yi, sigma = sqrt(vi), tau.prior = function(t) dhalfcauchy(t, scale = 25), mu.prior.mean = 0, mu.prior.sd = 50)") {
		t.Errorf("step %+v", last)
	}
}

// TestMetaBayesCorrelations: on correlations the posterior of μ is also
// reported as r (tanh of the z quantiles), the defaults are half-normal(0.5)
// and N(0, 1), and the flat prior leaves out BF(μ = 0) and model averaging
// with a note.
func TestMetaBayesCorrelations(t *testing.T) {
	src := embedded(t, "demo-studies")
	run, err := Meta(src, MetaOptions{Bayes: &BayesOptions{}})
	if err != nil {
		t.Fatal(err)
	}
	b := run.Bayes
	if b.TauPrior != (bayesmeta.TauPrior{Family: bayesmeta.HalfNormal, Scale: 0.5}) || b.MuPrior.Family != bayesmeta.Normal || b.MuPrior.SD != 1 {
		t.Errorf("defaults %v %v", b.TauPrior, b.MuPrior)
	}
	if b.R == nil || math.Abs(b.R.Mu.Median-math.Tanh(b.Mu.Median)) > 1e-15 || math.Abs(b.R.Mu.CIUB-math.Tanh(b.Mu.CIUB)) > 1e-15 {
		t.Errorf("r summary %+v", b.R)
	}
	// E[tanh μ] lies below tanh E[μ] for a positive mean (tanh is concave there).
	if !(b.R.Mu.Mean < math.Tanh(b.Mu.Mean)) || math.Abs(b.R.Mu.Mean-math.Tanh(b.Mu.Mean)) > 0.01 {
		t.Errorf("E[tanh μ] = %v, tanh E[μ] = %v", b.R.Mu.Mean, math.Tanh(b.Mu.Mean))
	}
	// Posterior mean near the REML estimate for this k = 83 synthesis.
	if d := math.Abs(b.Mu.Mean - run.Model.Coefficients[0].Estimate); d > 0.1*run.Model.Coefficients[0].SE {
		t.Errorf("posterior mean %v vs REML %v", b.Mu.Mean, run.Model.Coefficients[0].Estimate)
	}
	flat, err := Meta(src, MetaOptions{Bayes: &BayesOptions{MuPrior: "flat"}})
	if err != nil {
		t.Fatal(err)
	}
	if flat.Bayes.BMA != nil || !math.IsNaN(flat.Bayes.BFMu0.BF01) || math.IsNaN(flat.Bayes.BFTau0.BF01) {
		t.Errorf("flat prior: BMA %v, BF mu %v, BF tau %v", flat.Bayes.BMA, flat.Bayes.BFMu0, flat.Bayes.BFTau0)
	}
	said := false
	for _, n := range flat.TopNotes() {
		said = said || strings.Contains(n.Text, "model averaging was not run")
	}
	if !said {
		t.Errorf("no note on the skipped model averaging: %v", flat.TopNotes())
	}
}

// TestMetaBayesOptionErrors: bad priors are invalid-option errors naming
// the option; moderators and the posterior figure without --bayes are
// refused.
func TestMetaBayesOptionErrors(t *testing.T) {
	src := embedded(t, "demo-studies")
	for _, c := range []struct {
		opt    MetaOptions
		option string
	}{
		{MetaOptions{Bayes: &BayesOptions{TauPrior: "gamma"}}, "TauPrior"},
		{MetaOptions{Bayes: &BayesOptions{TauScale: -1}}, "TauScale"},
		{MetaOptions{Bayes: &BayesOptions{MuSD: -2}}, "MuSD"},
		{MetaOptions{Bayes: &BayesOptions{MuPrior: "cauchy"}}, "MuPrior"},
		{MetaOptions{Bayes: &BayesOptions{}, Mods: []string{"year"}}, "Bayes"},
		{MetaOptions{Figures: []string{"posterior"}}, "Figures"},
	} {
		_, err := Meta(src, c.opt)
		if err == nil || OptionOf(err) != c.option {
			t.Errorf("%+v: error %v (option %q), want option %s", c.opt.Bayes, err, OptionOf(err), c.option)
		}
	}
}
