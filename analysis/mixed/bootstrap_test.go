package mixed

import (
	"math"
	"slices"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"
)

// percentileInterval is boot's norm.inter: R 4.2.2, boot 1.3-28,
// boot:::norm.inter((1:100)^2/7, c(.025, .975)) gives 0.97635838521870788
// and 1384.18862247952574762 (interpolated on the normal scale), and
// norm.inter(c(3,1,2,5,4,9,8,7,6,10,11,12), c(.05, .95)) the extreme order
// statistics 1 and 12 ((R+1)α = 0.65 < 1).
func TestPercentileIntervalNormInter(t *testing.T) {
	var x []float64
	for i := 1; i <= 100; i++ {
		x = append(x, float64(i*i)/7)
	}
	lo, hi := percentileInterval(x, 0.95)
	check(t, "lower", lo, 0.97635838521870788, 1e-13)
	check(t, "upper", hi, 1384.18862247952574762, 1e-13)
	lo, hi = percentileInterval([]float64{3, 1, 2, 5, 4, 9, 8, 7, 6, 10, 11, 12}, 0.9)
	if lo != 1 || hi != 12 {
		t.Errorf("extreme order statistics: got %g, %g, want 1, 12", lo, hi)
	}
}

// The bootstrap is reproducible: the same seed gives bit-identical
// intervals with 1 and 3 workers; another seed gives other limits.
func TestConfintBootSeeded(t *testing.T) {
	m, err := Fit("y ~ 1 + (1 | g)", oneWay(8, 5, 1, 1, 3), Options{})
	if err != nil {
		t.Fatal(err)
	}
	run := func(seed uint64, workers int) []CI {
		calls := 0
		r, err := m.Confint(ConfintOptions{Method: "boot", NSim: 60, Seed: seed, Workers: workers, Progress: func(done, total int) {
			calls++
			if done != calls || total != 60 {
				t.Errorf("progress (%d, %d) at call %d", done, total, calls)
			}
		}})
		if err != nil {
			t.Fatal(err)
		}
		if calls != 60 {
			t.Errorf("progress called %d times for 60 refits", calls)
		}
		return r.Intervals
	}
	seeded(t, run, 11, 3)
}

// seeded requires the bootstrap run(seed, workers) to give the same
// intervals with 1 and with workers workers, and others with seed+1.
func seeded(t *testing.T, run func(seed uint64, workers int) []CI, seed uint64, workers int) {
	t.Helper()
	a, b, c := run(seed, 1), run(seed, workers), run(seed+1, 2)
	if !slices.Equal(a, b) {
		t.Errorf("seed %d: 1 worker %v, %d workers %v", seed, a, workers, b)
	}
	if slices.Equal(a, c) {
		t.Errorf("seeds %d and %d gave the same intervals %v", seed, seed+1, a)
	}
}

// quantileSE is the Monte Carlo standard error of the p-quantile of the
// sorted sample x: √(p(1−p)/N)/f̂, with the density f̂ from the spacing of
// the order statistics √N apart around the quantile.
func quantileSE(x []float64, p float64) float64 {
	n := len(x)
	h := int(math.Sqrt(float64(n)))
	k := int(p * float64(n))
	a, b := max(k-h, 0), min(k+h, n-1)
	f := float64(b-a) / float64(n) / (x[b] - x[a])
	return math.Sqrt(p*(1-p)/float64(n)) / f
}

// On sleepstudy (nested path) and Penicillin (crossed plates and samples,
// the general path) the percentile limits of lme4's number of refits agree
// with its confint(m, method = "boot", nsim, boot.type = "perc") (R's
// generator, mixed_confint.json and mixed_confint_crossed.json) within 4
// combined Monte Carlo standard errors of the two quantiles.
func TestConfintBootVsLme4(t *testing.T) {
	if testing.Short() {
		t.Skip("thousands of refits")
	}
	n := 0
	for _, c := range loadConfintCases(t) {
		if c.Boot == nil {
			continue
		}
		n++
		t.Run(c.Name, func(t *testing.T) { bootVsLme4(t, c) })
	}
	if n < 2 {
		t.Fatalf("%d bootstrap cases in the goldens, want sleepstudy and Penicillin", n)
	}
}

func bootVsLme4(t *testing.T, c confintCase) {
	m := c.fit(t)
	bs, err := m.bootstrap(ConfintOptions{NSim: c.Boot.NSim, Seed: 5, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	if bs.failed > 0 {
		t.Errorf("%d refits failed", bs.failed)
	}
	cis := bs.intervals(0.95)
	for k, ci := range cis {
		var col []float64
		for _, r := range bs.t {
			col = append(col, r[k])
		}
		slices.Sort(col)
		for s, want := range []float64{c.Boot.Lower[k], c.Boot.Upper[k]} {
			got := []float64{ci.Lower, ci.Upper}[s]
			se := math.Sqrt2 * quantileSE(col, []float64{0.025, 0.975}[s])
			if d := math.Abs(got - want); d > 4*se {
				t.Errorf("%s %s: ours %.5g, lme4 %.5g: %.2g apart, 4 MC SE = %.2g", ci.Parm, []string{"lower", "upper"}[s], got, want, d, 4*se)
			} else {
				t.Logf("%s %s: ours %.5g, lme4 %.5g (%.2f MC SE apart)", ci.Parm, []string{"lower", "upper"}[s], got, want, d/se)
			}
		}
	}
}

// The bootstrap of a crossed model (the general path) gives the same
// intervals on 1 and 4 workers, and other intervals for another seed.
func TestConfintBootCrossedSeeded(t *testing.T) {
	var c confintCase
	for _, cc := range loadConfintCases(t) {
		if cc.Name == "raters" {
			c = cc
		}
	}
	m := c.fit(t)
	if m.e.gen == nil {
		t.Fatal("the raters model is not on the general path")
	}
	run := func(seed uint64, workers int) []CI {
		r, err := m.Confint(ConfintOptions{Method: "boot", NSim: 40, Seed: seed, Workers: workers})
		if err != nil {
			t.Fatal(err)
		}
		return r.Intervals
	}
	seeded(t, run, 3, 4)
}

// Coverage in a small Monte Carlo study with known values: 100 one-way
// data sets (15 groups of 6, τ = 1, σ = 1, intercept 3); the bootstrap
// (199 refits each) and profile 95% intervals of the intercept and σ must
// cover the true values in 87–99 of them (95% ± 3.5 binomial SE; the
// seeded study gives the same count every run), and the bootstrap and
// profile limits of σ agree within Monte Carlo error on average.
func TestConfintCoverage(t *testing.T) {
	if testing.Short() {
		t.Skip("100 data sets")
	}
	const reps = 100
	var bootCov, profCov [2]int
	gap, scale := 0.0, 0.0
	for r := 0; r < reps; r++ {
		m, err := Fit("y ~ 1 + (1 | g)", oneWay(15, 6, 1, 1, uint64(1000+r)), Options{})
		if err != nil {
			t.Fatal(err)
		}
		b, err := m.Confint(ConfintOptions{Method: "boot", NSim: 199, Seed: uint64(r)})
		if err != nil {
			t.Fatal(err)
		}
		p, err := m.Confint(ConfintOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for i, k := range []int{2, 1} { // (Intercept), .sigma
			truth := []float64{3, 1}[i]
			if bc := b.Intervals[k]; bc.Lower <= truth && truth <= bc.Upper {
				bootCov[i]++
			}
			if pc := p.Intervals[k]; pc.Lower <= truth && truth <= pc.Upper {
				profCov[i]++
			}
		}
		bs, ps := b.Intervals[1], p.Intervals[1]
		gap += (bs.Lower - ps.Lower) + (bs.Upper - ps.Upper)
		scale += ps.Upper - ps.Lower
	}
	for i, name := range []string{"intercept", "sigma"} {
		for _, c := range []struct {
			what string
			n    int
		}{{"bootstrap", bootCov[i]}, {"profile", profCov[i]}} {
			if c.n < 87 || c.n > 99 {
				t.Errorf("%s %s intervals cover the truth in %d of %d data sets", c.what, name, c.n, reps)
			}
			t.Logf("%s %s: coverage %d/%d", c.what, name, c.n, reps)
		}
	}
	// Mean signed gap of the σ limits, relative to the mean profile width.
	// The percentile interval mirrors the skew of the likelihood interval:
	// with σ̂²/σ² ~ χ²_ν/ν (ν = 90 − 15 within-group df) it is
	// σ̂[√(χ²_{.025}/ν), √(χ²_{.975}/ν)] where the likelihood-based one is
	// about σ̂[√(ν/χ²_{.975}), √(ν/χ²_{.025})], so the percentile limits lie
	// lower by the gap computed here; 199 refits give the mean gap over 200
	// limits an MC SE of ~0.01 widths.
	nu := 75.0
	chi := distuv.ChiSquared{K: nu}
	ql, qh := chi.Quantile(0.025), chi.Quantile(0.975)
	pl, ph := math.Sqrt(ql/nu), math.Sqrt(qh/nu)
	el, eh := math.Sqrt(nu/qh), math.Sqrt(nu/ql)
	want := ((pl - el) + (ph - eh)) / 2 / (eh - el)
	if rel := gap / (2 * scale); math.Abs(rel-want) > 0.03 {
		t.Errorf("bootstrap σ limits lie %.3f profile widths from the profile's on average; the χ² skew predicts %.3f", rel, want)
	} else {
		t.Logf("bootstrap σ limits: mean gap %.3f profile widths (χ² skew predicts %.3f)", rel, want)
	}
}
