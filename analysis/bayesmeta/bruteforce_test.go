package bayesmeta

import (
	"math"
	"testing"

	"github.com/alliance-research/alliance/analysis/meta"
	"gonum.org/v1/gonum/integrate/quad"
)

// brute integrates g(τ) p(τ | y) by composite Gauss–Legendre quadrature
// (400 panels × 40 nodes) after a different substitution than Fit's,
// τ = b·tan(πu/2), u ∈ [0, umax): a brute-force reference for the adaptive
// Gauss–Kronrod integration. It returns ∫g·p(τ)p(y|τ)dτ / ∫p(τ)p(y|τ)dτ and,
// for g = 1, the log of the normalising constant.
func brute(md *model, logLik func(t float64) float64, b float64, g func(t, c, sd float64) float64) (float64, float64) {
	umax := 1.0
	if md.tau.Family == Uniform && !math.IsInf(md.tau.Scale, 1) {
		umax = 2 / math.Pi * math.Atan(md.tau.Scale/b)
	}
	logf := func(u float64) float64 {
		t := b * math.Tan(math.Pi*u/2)
		return md.tau.LogDensity(t) + logLik(t) + math.Log(b*math.Pi/2) - 2*math.Log(math.Cos(math.Pi*u/2))
	}
	const panels, n = 400, 40
	shift := math.Inf(-1)
	for i := 0; i <= 4000; i++ {
		shift = math.Max(shift, logf(umax*(float64(i)+0.5)/4001))
	}
	var z, s float64
	for i := 0; i < panels; i++ {
		a, bb := umax*float64(i)/panels, umax*float64(i+1)/panels
		z += quad.Fixed(func(u float64) float64 { return math.Exp(logf(u) - shift) }, a, bb, n, quad.Legendre{}, 0)
		s += quad.Fixed(func(u float64) float64 {
			t := b * math.Tan(math.Pi*u/2)
			c, sd, _ := md.cond(t)
			return math.Exp(logf(u)-shift) * g(t, c, sd)
		}, a, bb, n, quad.Legendre{}, 0)
	}
	return s / z, math.Log(z) + shift
}

func bruteCases() []struct {
	name string
	y, v []float64
	opt  Options
} {
	lo := 0.0
	sy, sv := simZ(50, 0.25, 0.1, 3)
	return []struct {
		name string
		y, v []float64
		opt  Options
	}{
		{"schools half-Cauchy(25), N(0,50)", schoolsY, sq(schoolsSE), Options{Tau: TauPrior{HalfCauchy, 25}, Mu: MuPrior{Family: Normal, SD: 50}}},
		{"schools improper uniform, flat", schoolsY, sq(schoolsSE), Options{Tau: TauPrior{Uniform, math.Inf(1)}, Mu: MuPrior{Family: Flat}}},
		{"towels half-Cauchy(.3), N(0,.3) on [0,∞)", towelsY, sq(towelsSE), Options{Tau: TauPrior{HalfCauchy, 0.3}, Mu: MuPrior{Family: Normal, SD: 0.3, Lower: &lo}}},
		{"simulated z, k=50, defaults", sy, sv, Options{}},
		{"simulated z, k=50, uniform(0, 0.3)", sy, sv, Options{Tau: TauPrior{Uniform, 0.3}}},
	}
}

// TestBruteForce checks the adaptive quadrature against the brute-force
// integral: posterior moments to 1e-10 relative, the CDFs at the reported
// quantiles to 1e-10, and the log marginal likelihoods (Bayes factors) to
// 1e-10 (the agreement measured is better than 1e-11; the requirement is
// 1e-8).
func TestBruteForce(t *testing.T) {
	for _, c := range bruteCases() {
		r, err := Fit(c.y, c.v, c.opt)
		if err != nil {
			t.Fatal(c.name, err)
		}
		md := r.md
		ll := func(t float64) float64 { _, _, l := md.cond(t); return l }
		b := 2 * r.Tau.Median
		rel := func(what string, got, want float64) {
			t.Helper()
			if math.Abs(got-want) > 1e-10*math.Abs(want) {
				t.Errorf("%s: %s = %.12g, brute force %.12g (rel. diff %.2g)", c.name, what, got, want, math.Abs(got-want)/math.Abs(want))
			}
		}
		abs := func(what string, got, want float64) {
			t.Helper()
			if math.Abs(got-want) > 1e-10 {
				t.Errorf("%s: %s = %.12g, brute force %.12g", c.name, what, got, want)
			}
		}
		e1, logZ := brute(md, ll, b, func(t, _, _ float64) float64 { return t })
		e2, _ := brute(md, ll, b, func(t, _, _ float64) float64 { return t * t })
		rel("E tau", r.Tau.Mean, e1)
		rel("SD tau", r.Tau.SD, math.Sqrt(e2-e1*e1))
		m1, _ := brute(md, ll, b, func(_, c, sd float64) float64 { m, _ := md.condMoments(c, sd); return m })
		m2, _ := brute(md, ll, b, func(_, c, sd float64) float64 { m, v := md.condMoments(c, sd); return v + m*m })
		rel("E mu", r.Mu.Mean, m1)
		rel("SD mu", r.Mu.SD, math.Sqrt(m2-m1*m1))
		for _, q := range []struct {
			name string
			x, p float64
		}{{"median", r.Tau.Median, 0.5}, {"ci_lb", r.Tau.CILB, (1 - r.Level) / 2}, {"ci_ub", r.Tau.CIUB, (1 + r.Level) / 2}} {
			// The indicator of τ ≤ x is not smooth in τ: integrate the
			// exact density (each value an O(k) evaluation) instead.
			got := integrateDensity(r.DensityTau, 0, q.x)
			abs("P(tau <= "+q.name+")", got, q.p)
		}
		lo, hi := md.lo, md.hi
		for _, q := range []struct {
			name string
			x, p float64
		}{{"median", r.Mu.Median, 0.5}, {"ci_lb", r.Mu.CILB, (1 - r.Level) / 2}, {"ci_ub", r.Mu.CIUB, (1 + r.Level) / 2}} {
			f, _ := brute(md, ll, b, func(_, c, sd float64) float64 { return newComp(1, c, sd, lo, hi).cdf(q.x) })
			abs("P(mu <= "+q.name+")", f, q.p)
		}
		if th := r.ThetaNew; th != nil {
			f1, _ := brute(md, ll, b, func(t, c, sd float64) float64 { return normCDF((th.ShortestLB - c) / math.Hypot(sd, t)) })
			f2, _ := brute(md, ll, b, func(t, c, sd float64) float64 { return normCDF((th.ShortestUB - c) / math.Hypot(sd, t)) })
			abs("P(theta in shortest interval)", f2-f1, r.Level)
		}
		if r.TauPrior.Proper() {
			abs("log BF01(tau=0)", math.Log(r.BFTau0.BF01), r.logMLTau0()-logZ)
			_, logZ0 := brute(md, md.logLik0, b, func(float64, float64, float64) float64 { return 1 })
			abs("log ml(mu=0)", r.LogML0, logZ0)
			if r.MuPrior.Proper() {
				abs("log ml", r.LogML, logZ)
			}
		}
	}
}

// integrateDensity is ∫ₐᵇ f by composite 40-point Gauss–Legendre on 200
// panels, after the substitution x = a + (b−a)(1−cos(πu))/2 that clusters
// nodes at both ends.
func integrateDensity(f func(float64) float64, a, b float64) float64 {
	var s float64
	for i := 0; i < 200; i++ {
		s += quad.Fixed(func(u float64) float64 {
			return f(a+(b-a)*(1-math.Cos(math.Pi*u))/2) * (b - a) * math.Pi * math.Sin(math.Pi*u) / 2
		}, float64(i)/200, float64(i+1)/200, 40, quad.Legendre{}, 0)
	}
	return s
}

// TestDensitiesIntegrateToOne: the marginal posterior densities of μ, τ
// and θ_new integrate to 1.
func TestDensitiesIntegrateToOne(t *testing.T) {
	for _, c := range bruteCases() {
		r, err := Fit(c.y, c.v, c.opt)
		if err != nil {
			t.Fatal(err)
		}
		tauHi := r.tauHi
		if math.IsInf(tauHi, 1) {
			tauHi = r.QuantileTau(1 - 1e-13)
		}
		if got := integrateDensity(r.DensityTau, 0, tauHi); math.Abs(got-1) > 1e-8 {
			t.Errorf("%s: ∫ p(τ|y) = %.12g", c.name, got)
		}
		lo, hi := r.QuantileMu(1e-13), r.QuantileMu(1-1e-13)
		if r.md.trunc {
			lo = r.md.lo
		}
		if got := integrateDensity(r.DensityMu, lo, hi); math.Abs(got-1) > 1e-8 {
			t.Errorf("%s: ∫ p(μ|y) = %.12g", c.name, got)
		}
		if r.ThetaNew != nil {
			lo, hi := r.theta.quantile(1e-13), r.theta.quantile(1-1e-13)
			if got := integrateDensity(r.DensityThetaNew, lo, hi); math.Abs(got-1) > 1e-8 {
				t.Errorf("%s: ∫ p(θ|y) = %.12g", c.name, got)
			}
		}
	}
}

// TestSavageDickey: the Bayes factors from marginal likelihoods equal the
// Savage–Dickey density ratios p(τ=0|y)/p(τ=0) and p(μ=0|y)/p(μ=0).
func TestSavageDickey(t *testing.T) {
	sy, sv := simZ(20, 0.1, 0.05, 11)
	for _, c := range []struct {
		y, v []float64
		opt  Options
	}{
		{schoolsY, sq(schoolsSE), Options{Tau: TauPrior{HalfCauchy, 25}, Mu: MuPrior{Family: Normal, SD: 50}}},
		{sy, sv, Options{}},
		{sy, sv, Options{Tau: TauPrior{HalfNormal, 0.2}, Mu: MuPrior{Family: Normal, Mean: 0.2, SD: 0.3}}},
	} {
		r, err := Fit(c.y, c.v, c.opt)
		if err != nil {
			t.Fatal(err)
		}
		sdTau := r.DensityTau(0) / math.Exp(r.TauPrior.LogDensity(0))
		sdMu := r.DensityMu(0) / math.Exp(r.MuPrior.LogDensity(0))
		if math.Abs(r.BFTau0.BF01/sdTau-1) > 1e-9 {
			t.Errorf("BF01(τ=0) = %.12g, Savage–Dickey %.12g", r.BFTau0.BF01, sdTau)
		}
		if math.Abs(r.BFMu0.BF01/sdMu-1) > 1e-8 {
			t.Errorf("BF01(μ=0) = %.12g, Savage–Dickey %.12g", r.BFMu0.BF01, sdMu)
		}
	}
}

// TestTauPriorToZeroIsFixedEffect: as the scale of the τ prior goes to 0
// the posterior of μ becomes the conjugate fixed-effect posterior
// N(c(0), v(0)), and BF01(τ=0) goes to 1.
func TestTauPriorToZeroIsFixedEffect(t *testing.T) {
	y, v := simZ(30, 0.3, 0.1, 5)
	// The half-Cauchy's tail P(τ > t) ≈ 2s/(πt) needs a much smaller scale.
	for fam, scale := range map[string]float64{HalfNormal: 1e-7, HalfCauchy: 1e-11} {
		r, err := Fit(y, v, Options{Tau: TauPrior{fam, scale}, Mu: MuPrior{Family: Normal, Mean: 0, SD: 1}})
		if err != nil {
			t.Fatal(err)
		}
		c, sd, _ := r.md.cond(0)
		near(t, fam+" mean", r.Mu.Mean, c, 1e-6*sd)
		near(t, fam+" sd", r.Mu.SD, sd, 1e-6*sd)
		near(t, fam+" median", r.Mu.Median, c, 1e-6*sd)
		near(t, fam+" ci_lb", r.Mu.CILB, c-1.959963984540054*sd, 1e-5*sd)
		near(t, fam+" BF01(tau=0)", r.BFTau0.BF01, 1, 1e-4)
	}
}

// TestFlatPriorLargeKNearREML: with flat priors and many studies the
// posterior mean of μ approaches the REML estimate and its posterior SD
// the REML standard error (differences of order 1/k).
func TestFlatPriorLargeKNearREML(t *testing.T) {
	y, v := simZ(400, 0.28, 0.12, 9)
	r, err := Fit(y, v, Options{Tau: TauPrior{Uniform, math.Inf(1)}, Mu: MuPrior{Family: Flat}})
	if err != nil {
		t.Fatal(err)
	}
	f, err := meta.Fit(y, v, meta.Options{Method: "REML"})
	if err != nil {
		t.Fatal(err)
	}
	est, se := f.Coefficients[0].Estimate, f.Coefficients[0].SE
	near(t, "posterior mean vs REML", r.Mu.Mean, est, 0.02*se)
	near(t, "posterior SD vs REML SE", r.Mu.SD, se, 0.02*se)
	near(t, "posterior median tau vs REML tau", r.Tau.Median, math.Sqrt(f.Tau2), 0.05*math.Sqrt(f.Tau2))
}
