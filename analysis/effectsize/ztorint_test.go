package effectsize

import (
	"math"
	"testing"
)

// ZToRInt against metafor's transf.ztor.int (R's integrate with its default
// rel.tol ≈ 1.2e-4, in practice ~1e-11) to 1e-8 relative, and against a
// tight evaluation of the same integral in R ("precise": symmetrised, 40
// pieces, rel.tol 1e-13) to 1e-12.
func TestZToRInt(t *testing.T) {
	var g struct{ Mu, Tau2, Metafor, Precise []float64 }
	load(t, "effectsize_ztorint.json", &g)
	if len(g.Mu) < 50 {
		t.Fatalf("only %d golden values", len(g.Mu))
	}
	for i := range g.Mu {
		got, err := ZToRInt(g.Mu[i], g.Tau2[i])
		if err != nil {
			t.Fatal(err)
		}
		if !near(got, g.Metafor[i], 1e-8, 1e-15) {
			t.Errorf("ZToRInt(%g, %g) = %.17g; metafor %.17g", g.Mu[i], g.Tau2[i], got, g.Metafor[i])
		}
		if !near(got, g.Precise[i], 1e-12, 1e-16) {
			t.Errorf("ZToRInt(%g, %g) = %.17g; precise %.17g", g.Mu[i], g.Tau2[i], got, g.Precise[i])
		}
	}
}

// Properties: oddness in mu, shrinkage towards 0 as tau² grows, the limit
// tanh(mu) as tau² → 0, and a defined answer for huge mu and tau².
func TestZToRIntProperties(t *testing.T) {
	for _, mu := range []float64{1e-9, 0.1, 0.7, 3} {
		prev := math.Tanh(mu)
		for _, tau2 := range []float64{1e-12, 0.01, 0.5, 2, 50, 1e4} {
			pos, err1 := ZToRInt(mu, tau2)
			neg, err2 := ZToRInt(-mu, tau2)
			if err1 != nil || err2 != nil {
				t.Fatal(err1, err2)
			}
			if pos != -neg {
				t.Errorf("ZToRInt(±%g, %g) = %g, %g: not odd", mu, tau2, pos, neg)
			}
			if !(pos <= prev && pos > 0) {
				t.Errorf("ZToRInt(%g, %g) = %g, not in (0, %g]", mu, tau2, pos, prev)
			}
			prev = pos
		}
		small, _ := ZToRInt(mu, 1e-12)
		if !near(small, math.Tanh(mu), 1e-11, 0) {
			t.Errorf("ZToRInt(%g, 1e-12) = %.17g, tanh = %.17g", mu, small, math.Tanh(mu))
		}
	}
	if v, err := ZToRInt(400, 1e6); err != nil || !(v > 0 && v <= 1) {
		t.Errorf("ZToRInt(400, 1e6) = %g, %v", v, err)
	}
}
