package mixed

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestLeafGradientMatchesGeneral: for chains of random intercepts (one,
// two and three nested levels; REML, ML, a given σ, AR(1) residuals at
// fixed φ; serial and split into parts), the written-out finest level of
// the gradient (leafGradient1) gives the general nodeGradient's gradient to
// the last bit at random θ.
func TestLeafGradientMatchesGeneral(t *testing.T) {
	t.Cleanup(func() { scalarLeaf = true })
	three := simSessions(24, 100, 4, 31) // 2,400 patients: split into parts
	site := make([]string, len(three.Text["therapist"]))
	for i, th := range three.Text["therapist"] {
		var k int
		fmt.Sscanf(th, "t%d", &k)
		site[i] = fmt.Sprintf("s%d", k%5)
	}
	three.Text["site"] = site
	cases := []struct {
		formula string
		opts    Options
		sigma   float64
	}{
		{"y ~ session + x + (1 | patient)", Options{}, 0},
		{"y ~ session + x + (1 | therapist/patient)", Options{}, 0},
		{"y ~ session + x + (1 | therapist/patient)", Options{ML: true}, 0},
		{"y ~ session + x + (1 | therapist/patient)", Options{}, 1.3},
		{"y ~ x + (1 | site/therapist/patient)", Options{}, 0},
		{"y ~ session + x + (1 | therapist/patient)", Options{AR1: "session"}, 0},
	}
	rng := rand.New(rand.NewPCG(3, 9))
	for _, c := range cases {
		mdl, err := Fit(c.formula, three, c.opts)
		if err != nil {
			t.Fatalf("%s: %v", c.formula, err)
		}
		scalarLeaf = true
		if !mdl.e.scalarChain() {
			t.Fatalf("%s: not a chain of random intercepts", c.formula)
		}
		nt := mdl.d.ntheta()
		phi := 0.0
		if mdl.d.time != nil {
			phi = mdl.x[nt]
		}
		for _, serial := range []bool{false, true} {
			if serial {
				mdl.e.serial()
			} else if len(mdl.e.parts) < 2 {
				t.Fatalf("%s: %d parts, want several", c.formula, len(mdl.e.parts))
			}
			for trial := 0; trial < 3; trial++ {
				th := make([]float64, nt)
				for i := range th {
					th[i] = mdl.x[i] * (0.5 + rng.Float64())
				}
				grad := func(fast bool) []float64 {
					scalarLeaf = fast
					g := make([]float64, nt)
					if _, ok := mdl.e.evalGrad(th, phi, !c.opts.ML, c.sigma, g); !ok {
						t.Fatalf("%s: evalGrad failed at %v", c.formula, th)
					}
					return g
				}
				fast, general := grad(true), grad(false)
				for k := range fast {
					if fast[k] != general[k] {
						t.Errorf("%s (serial %v), θ = %v: ∂d/∂θ_%d %v written out, %v general", c.formula, serial, th, k, fast[k], general[k])
					}
				}
			}
		}
	}
}
