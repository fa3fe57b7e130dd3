package meta

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"
)

// chisqMixCDF against closed forms: λχ²_m (all weights equal) is a scaled
// χ²_m, and Σⱼ λⱼ χ²₂ with distinct λⱼ (each λ given twice, as two χ²₁) is
// a hypoexponential variable, P(≤ x) = 1 − Σⱼ Πᵢ≠ⱼ λⱼ/(λⱼ − λᵢ) e^{−x/(2λⱼ)}.
func TestChisqMixCDF(t *testing.T) {
	for _, c := range []struct {
		lam float64
		m   int
		x   float64
	}{{1, 1, 0.3}, {2.5, 7, 10}, {0.01, 30, 0.2}, {3, 2, 40}} {
		lam := make([]float64, c.m)
		for i := range lam {
			lam[i] = c.lam
		}
		got, err := chisqMixCDF(lam, c.x)
		if err != nil {
			t.Fatal(err)
		}
		want := distuv.ChiSquared{K: float64(c.m)}.CDF(c.x / c.lam)
		if math.Abs(got-want) > 1e-13 {
			t.Errorf("%gχ²_%d ≤ %g: %.15g, want %.15g", c.lam, c.m, c.x, got, want)
		}
	}
	for _, c := range []struct {
		lam []float64
		x   float64
	}{{[]float64{1, 2, 3}, 4}, {[]float64{0.1, 5, 0.7, 2.2}, 3}, {[]float64{0.05, 1}, 0.5}, {[]float64{3, 1, 0.5, 0.25, 0.125}, 30}, {[]float64{0.5, 4}, 0.01}} {
		var lam []float64
		for _, l := range c.lam {
			lam = append(lam, l, l)
		}
		got, err := chisqMixCDF(lam, c.x)
		if err != nil {
			t.Fatal(err)
		}
		want := 1.0
		for j, lj := range c.lam {
			prod := 1.0
			for i, li := range c.lam {
				if i != j {
					prod *= lj / (lj - li)
				}
			}
			want -= prod * math.Exp(-c.x/(2*lj))
		}
		if math.Abs(got-want) > 1e-12 {
			t.Errorf("Σλχ²₂ with λ = %v ≤ %g: %.15g, want %.15g", c.lam, c.x, got, want)
		}
	}
	if p, _ := chisqMixCDF([]float64{1, 2}, 0); p != 0 {
		t.Errorf("P(Q ≤ 0) = %g", p)
	}
}

// GENQ without weights and negative or infinite weights are refused; a
// missing weight drops its study with a note; zero weights are allowed.
func TestWeightsInput(t *testing.T) {
	yi := []float64{0.1, 0.3, 0.2, 0.5, 0.4}
	vi := []float64{0.01, 0.02, 0.015, 0.03, 0.01}
	if _, err := Fit(yi, vi, Options{Method: GENQ}); err == nil {
		t.Error("GENQ without weights accepted")
	}
	for _, w := range [][]float64{{1, -1, 1, 1, 1}, {1, math.Inf(1), 1, 1, 1}, {1, 1}} {
		if _, err := Fit(yi, vi, Options{Weights: w}); err == nil {
			t.Errorf("weights %v accepted", w)
		}
	}
	r, err := Fit(yi, vi, Options{Method: DL, Weights: []float64{1, math.NaN(), 2, 0, 1}})
	if err != nil {
		t.Fatal(err)
	}
	if r.K != 4 || r.Rows[1] != 2 || len(r.Notes) == 0 {
		t.Errorf("k = %d, rows %v, notes %v", r.K, r.Rows, r.Notes)
	}
	// With equal weights β̂ is the unweighted mean of the four studies.
	r2, err := Fit(yi, vi, Options{Method: DL, Weights: []float64{2, 2, 2, 2, 2}})
	if err != nil {
		t.Fatal(err)
	}
	if got := r2.Coefficients[0].Estimate; math.Abs(got-0.3) > 1e-15 {
		t.Errorf("equal weights: estimate %v, want the mean 0.3", got)
	}
	if _, err := Influence(r2); err == nil {
		t.Error("influence with user weights accepted")
	}
}
