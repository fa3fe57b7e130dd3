package bayesmeta

import (
	"fmt"
	"testing"
)

// BenchmarkFit1000 is the posterior (μ, τ, θ_new, both Bayes factors) for
// k = 1,000 simulated Fisher-z correlations; the budget is 50 ms.
func BenchmarkFit1000(b *testing.B) {
	y, v := simZ(1000, 0.28, 0.12, 1)
	for b.Loop() {
		if _, err := Fit(y, v, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFitBMA1000 adds model averaging.
func BenchmarkFitBMA1000(b *testing.B) {
	y, v := simZ(1000, 0.28, 0.12, 1)
	for b.Loop() {
		r, err := Fit(y, v, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := BMA(r, nil); err != nil {
			b.Fatal(err)
		}
	}
}

func ExampleFit() {
	// The eight-schools data with bayesmeta's vignette priors:
	// τ ~ half-Cauchy(25), μ ~ N(0, 50²).
	y := []float64{28.39, 7.94, -2.75, 6.82, -0.64, 0.63, 18.01, 12.16}
	se := []float64{14.9, 10.2, 16.3, 11.0, 9.4, 11.4, 10.4, 17.6}
	v := make([]float64, len(se))
	for i, s := range se {
		v[i] = s * s
	}
	r, err := Fit(y, v, Options{Tau: TauPrior{Family: HalfCauchy, Scale: 25}, Mu: MuPrior{Family: Normal, Mean: 0, SD: 50}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("tau: median %.4f, mean %.4f, 95%% shortest [%.4f, %.4f]\n", r.Tau.Median, r.Tau.Mean, r.Tau.ShortestLB, r.Tau.ShortestUB)
	fmt.Printf("mu:  median %.3f, mean %.3f, sd %.3f, P(mu > 0) = %.3f\n", r.Mu.Median, r.Mu.Mean, r.Mu.SD, r.PMuPositive)
	fmt.Printf("theta_new: 95%% shortest [%.2f, %.2f]\n", r.ThetaNew.ShortestLB, r.ThetaNew.ShortestUB)
	fmt.Printf("BF01(tau = 0) = %.3f, BF01(mu = 0) = %.3f\n", r.BFTau0.BF01, r.BFMu0.BF01)
	// Output:
	// tau: median 4.7585, mean 5.8845, 95% shortest [0.0000, 15.1659]
	// mu:  median 7.963, mean 7.986, sd 4.996, P(mu > 0) = 0.949
	// theta_new: 95% shortest [-10.60, 26.80]
	// BF01(tau = 0) = 4.464, BF01(mu = 0) = 2.520
}

func ExampleBMA() {
	// metaBMA's towels example: μ ~ N(0, 0.3²) truncated to μ ≥ 0,
	// τ ~ half-Cauchy(0.3); prior model probabilities ¼ each.
	y := []float64{0.3806, 0.3049, 0.2055, 0.2508, 0.2877, -0.1215, -1.4579}
	se := []float64{0.1977, 0.1361, 0.1916, 0.1701, 0.8238, 0.2481, 0.7602}
	v := make([]float64, len(se))
	for i, s := range se {
		v[i] = s * s
	}
	lo := 0.0
	r, err := Fit(y, v, Options{Tau: TauPrior{Family: HalfCauchy, Scale: 0.3}, Mu: MuPrior{Family: Normal, SD: 0.3, Lower: &lo}})
	if err != nil {
		fmt.Println(err)
		return
	}
	b, err := BMA(r, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, m := range b.Models {
		fmt.Printf("%-9s posterior %.3f  logml %.2f\n", m.Model, m.Posterior, m.LogML)
	}
	fmt.Printf("inclusion BF (effect) %.2f, averaged mu %.3f [%.3f, %.3f]\n", b.InclusionBFEffect, b.Averaged.Mean, b.Averaged.CILB, b.Averaged.CIUB)
	// Output:
	// fixed_H0  posterior 0.028  logml -5.58
	// fixed_H1  posterior 0.664  logml -2.40
	// random_H0 posterior 0.064  logml -4.74
	// random_H1 posterior 0.243  logml -3.41
	// inclusion BF (effect) 9.85, averaged mu 0.208 [0.051, 0.364]
}
