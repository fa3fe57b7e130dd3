package bayesmeta

import (
	"errors"
	"math"
	"testing"

	"github.com/alliance-research/alliance/analysis/errs"
)

// TestSmallK: k = 1 and k = 2 give defined answers. With one study and a
// flat μ prior the likelihood does not depend on τ, so the posterior of τ
// is its prior (half-normal(0.5): median 0.5·Φ⁻¹(0.75) = 0.337245);
// heavy-tailed cases whose moments do not exist report NaN moments with a
// note but finite quantiles.
func TestSmallK(t *testing.T) {
	r, err := Fit([]float64{0.3}, []float64{0.01}, Options{Mu: MuPrior{Family: Flat}})
	if err != nil {
		t.Fatal(err)
	}
	near(t, "k=1 tau median = prior median", r.Tau.Median, 0.5*0.6744897501960817, 1e-9)
	near(t, "k=1 tau mean = prior mean", r.Tau.Mean, 0.5*math.Sqrt(2/math.Pi), 1e-9)
	near(t, "k=1 mu median", r.Mu.Median, 0.3, 1e-9)
	// k = 1, half-Cauchy, flat μ: E τ = ∞ and E μ² = ∞.
	r, err = Fit([]float64{0.3}, []float64{0.01}, Options{Tau: TauPrior{HalfCauchy, 0.5}, Mu: MuPrior{Family: Flat}})
	if err != nil {
		t.Fatal(err)
	}
	if !math.IsNaN(r.Tau.Mean) || len(r.Notes) == 0 || math.IsNaN(r.Tau.Median) || math.IsNaN(r.Mu.CIUB) {
		t.Errorf("heavy tails: tau %+v mu %+v notes %v", r.Tau, r.Mu, r.Notes)
	}
	near(t, "k=1 half-Cauchy tau median = prior median", r.Tau.Median, 0.5, 1e-8)
	// k = 2 with the defaults.
	r, err = Fit([]float64{0.1, 0.5}, []float64{0.02, 0.03}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range []float64{r.Mu.Mean, r.Mu.SD, r.Tau.Mean, r.Tau.ShortestUB, r.BFMu0.BF01, r.BFTau0.BF01, r.ThetaNew.CIUB} {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			t.Errorf("k=2: undefined value in %+v", r)
		}
	}
	// The improper uniform τ prior needs k ≥ 3 with a flat μ prior.
	_, err = Fit([]float64{0.1, 0.5}, []float64{0.02, 0.03}, Options{Tau: TauPrior{Uniform, math.Inf(1)}, Mu: MuPrior{Family: Flat}})
	if !errors.Is(err, errs.TooFew) {
		t.Errorf("improper posterior: %v", err)
	}
}

// TestBadInput: errors are typed and name the problem.
func TestBadInput(t *testing.T) {
	for _, c := range []struct {
		y, v []float64
		opt  Options
		kind errs.Kind
	}{
		{nil, nil, Options{}, errs.TooFew},
		{[]float64{1}, []float64{1, 2}, Options{}, errs.InvalidOption},
		{[]float64{1, math.NaN()}, []float64{1, 2}, Options{}, errs.InvalidOption},
		{[]float64{1, 2}, []float64{1, 0}, Options{}, errs.InvalidOption},
		{[]float64{1, 2}, []float64{1, 1}, Options{Tau: TauPrior{HalfNormal, 0}}, errs.InvalidOption},
		{[]float64{1, 2}, []float64{1, 1}, Options{Tau: TauPrior{"gamma", 1}}, errs.InvalidOption},
		{[]float64{1, 2}, []float64{1, 1}, Options{Mu: MuPrior{Family: Normal, SD: -1}}, errs.InvalidOption},
		{[]float64{1, 2}, []float64{1, 1}, Options{Level: 1.5}, errs.InvalidOption},
	} {
		if _, err := Fit(c.y, c.v, c.opt); !errors.Is(err, c.kind) {
			t.Errorf("Fit(%v, %v, %+v) = %v, want %v", c.y, c.v, c.opt, err, c.kind)
		}
	}
}

// TestTauAtZero: when every study estimates the same effect with tiny
// sampling error spread, the posterior of τ piles up at 0, its shortest
// interval starts at 0, and BF₀₁(τ = 0) > 1.
func TestTauAtZero(t *testing.T) {
	y := []float64{0.30, 0.31, 0.29, 0.30, 0.305, 0.295}
	v := []float64{0.01, 0.01, 0.01, 0.01, 0.01, 0.01}
	r, err := Fit(y, v, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Tau.ShortestLB != 0 || !(r.BFTau0.BF01 > 1) || !(r.Tau.Median < r.Tau.Mean) {
		t.Errorf("tau %+v, BF01 %v", r.Tau, r.BFTau0.BF01)
	}
}

// TestExpectMu: E[μ] and E[μ²] by ExpectMu equal the integrated moments,
// and E[tanh μ] lies between tanh of the 2.5% and 97.5% quantiles.
func TestExpectMu(t *testing.T) {
	y, v := simZ(40, 0.3, 0.1, 2)
	r, err := Fit(y, v, Options{})
	if err != nil {
		t.Fatal(err)
	}
	near(t, "E mu", r.ExpectMu(func(m float64) float64 { return m }), r.Mu.Mean, 1e-12)
	near(t, "E mu^2", r.ExpectMu(func(m float64) float64 { return m * m }), r.Mu.SD*r.Mu.SD+r.Mu.Mean*r.Mu.Mean, 1e-12)
	if e := r.ExpectMu(math.Tanh); !(e > math.Tanh(r.Mu.CILB) && e < math.Tanh(r.Mu.Mean)) {
		t.Errorf("E tanh mu = %v", e)
	}
}
