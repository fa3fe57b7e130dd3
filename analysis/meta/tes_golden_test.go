package meta

import (
	"math"
	"testing"

	"github.com/alliance-research/alliance/analysis/internal/golden"
)

// The test of excess significance against metafor 3.8-1's tes()
// (testdata/golden/R/tes.R: dat.hackshaw1998 REML and FE, dat.molloy2014,
// dat.bcg, dat.bangertdrowns2004; exact and χ² tests). Powers, E, X² and
// p to 1e-6 (metafor integrates the power at integrate's default
// rel.tol); θ_lim against uniroot(tol = 1e-12) on metafor's own p-value
// function (1e-6), and against tes()'s own θ_lim at its uniroot tolerance
// (1e-4 absolute).
func TestTESGolden(t *testing.T) {
	var g struct {
		Cases []struct {
			Name, Method, Test string
			RCall              string `json:"r_call"`
			Yi, Vi, Power      flex
			K, O               int
			E, OEratio, P      float64
			X2                 *float64
			Theta              float64
			ThetaLimMetafor    *float64 `json:"theta_lim_metafor"`
			ThetaLim           *float64 `json:"theta_lim"`
		}
	}
	if err := golden.Load("tes.json", &g); err != nil {
		t.Fatal(err)
	}
	w := worst{}
	tests := map[string]int{}
	for _, c := range g.Cases {
		ctx := c.Name + " " + c.Method
		r, err := Fit(c.Yi, c.Vi, Options{Method: c.Method})
		if err != nil {
			t.Fatal(ctx, err)
		}
		got, err := TES(r)
		if err != nil {
			t.Fatal(ctx, err)
		}
		tests[got.Test]++
		if got.K != c.K || got.O != c.O || got.Test != c.Test {
			t.Errorf("%s: k %d O %d test %s, metafor %d %d %s", ctx, got.K, got.O, got.Test, c.K, c.O, c.Test)
		}
		w.near(t, ctx, "tes E", got.E, c.E, 1e-6)
		w.near(t, ctx, "tes OEratio", got.OERatio, c.OEratio, 1e-6)
		w.near(t, ctx, "tes p", got.P, c.P, 1e-6)
		w.near(t, ctx, "tes theta", got.Theta, c.Theta, 1e-8)
		for i := range got.Power {
			w.near(t, ctx, "tes power", got.Power[i], c.Power[i], 1e-6)
		}
		if (got.X2 == nil) != (c.X2 == nil) {
			t.Errorf("%s: X2 %v, metafor %v", ctx, got.X2, c.X2)
		} else if got.X2 != nil {
			w.near(t, ctx, "tes X2", *got.X2, *c.X2, 1e-5)
		}
		if (got.ThetaLim == nil) != (c.ThetaLim == nil) {
			t.Errorf("%s: theta_lim %v, metafor %v", ctx, got.ThetaLim, c.ThetaLim)
			continue
		}
		if got.ThetaLim != nil {
			w.near(t, ctx, "tes theta_lim", *got.ThetaLim, *c.ThetaLim, 1e-6)
			if d := math.Abs(*got.ThetaLim - *c.ThetaLimMetafor); d > 1e-4 {
				t.Errorf("%s: theta_lim %g, tes()'s %g", ctx, *got.ThetaLim, *c.ThetaLimMetafor)
			}
		}
	}
	if tests["exact"] == 0 || tests["chi2"] == 0 {
		t.Errorf("tests covered: %v", tests)
	}
	w.log(t)
}

// The Poisson-binomial probabilities equal the sum over subsets that
// metafor enumerates, and sum to 1.
func TestPoissonBinomial(t *testing.T) {
	p := []float64{0.1, 0.5, 0.8, 0.33}
	pr := poissonBinomial(p)
	brute := make([]float64, len(p)+1)
	for mask := 0; mask < 1<<len(p); mask++ {
		q, j := 1.0, 0
		for i, pi := range p {
			if mask&(1<<i) != 0 {
				q *= pi
				j++
			} else {
				q *= 1 - pi
			}
		}
		brute[j] += q
	}
	var s float64
	for j := range pr {
		s += pr[j]
		if math.Abs(pr[j]-brute[j]) > 1e-15 {
			t.Errorf("P(%d) = %g, subsets %g", j, pr[j], brute[j])
		}
	}
	if math.Abs(s-1) > 1e-14 {
		t.Errorf("sum %g", s)
	}
}
