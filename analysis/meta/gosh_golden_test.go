package meta

import (
	"math"
	"testing"

	"github.com/alliance-research/alliance/analysis/internal/golden"
)

type goshGolden struct {
	Cases []struct {
		Method                     string
		RCall                      string `json:"r_call"`
		Yi, Vi                     flex
		Incl, K                    []int
		QE, I2, H2, Tau2, Estimate flex
		DEstimate                  flex `json:"d_estimate"`
		DI2                        flex `json:"d_I2"`
	}
}

// GOSH against metafor 3.8-1's gosh() (testdata/golden/R/gosh.R): every one
// of the 1,023 subsets of the first 10 studies of dat.molloy2014 (Fisher
// z) under REML, DL and FE, row by row in gosh()'s order: estimate, Q_E,
// I², H² to 1e-6 relative, τ² to 1e-4 relative with an absolute floor of
// 1e-10 (I² with a floor of 1e-5 points: on 68 REML subsets metafor stops
// at a τ² below 1e-10 where the maximum is at 0, which the restricted
// log-likelihood confirms); and the flag rule's shifts d computed in R
// from gosh()'s table, to 1e-6.
func TestGoshGolden(t *testing.T) {
	var g goshGolden
	if err := golden.Load("gosh.json", &g); err != nil {
		t.Fatal(err)
	}
	for _, c := range g.Cases {
		r, err := Fit(c.Yi, c.Vi, Options{Method: c.Method})
		if err != nil {
			t.Fatal(c.Method, err)
		}
		res, err := Gosh(r, GoshOptions{})
		if err != nil {
			t.Fatal(c.Method, err)
		}
		if !res.AllSubsets || res.Subsets != 1023 || len(c.Incl) != 1023 || res.Failed != 0 {
			t.Fatalf("%s: %d subsets (all %v, failed %d), metafor %d", c.Method, res.Subsets, res.AllSubsets, res.Failed, len(c.Incl))
		}
		worst := map[string]float64{}
		boundary, maxStop := 0, 0.0
		near := func(i int, name string, got, want, rel, floor float64) {
			scale := math.Max(math.Abs(want), floor)
			d := math.Abs(got-want) / scale
			if !(d <= rel) {
				t.Errorf("%s row %d (mask %b): %s = %.12g, metafor %.12g", c.Method, i+1, c.Incl[i], name, got, want)
			}
			worst[name] = math.Max(worst[name], d)
		}
		for i := range c.Incl {
			mask := 0
			for j := 0; j < res.K; j++ {
				if res.Included(i, j) {
					mask |= 1 << j
				}
			}
			if mask != c.Incl[i] || int(res.Size[i]) != c.K[i] {
				t.Fatalf("%s row %d: subset %b (k %d), metafor %b (k %d)", c.Method, i+1, mask, res.Size[i], c.Incl[i], c.K[i])
			}
			near(i, "estimate", res.Estimate[i], c.Estimate[i], 1e-6, 1e-8)
			near(i, "QE", res.QE[i], c.QE[i], 1e-6, 1e-8)
			near(i, "I2", res.I2[i], c.I2[i], 1e-6, 10)
			h2 := c.H2[i]
			if c.Method == DL {
				// metafor's DL shortcut reports Q/(k − 1) also below 1;
				// rma.uni (and we) report max(1, …) (see Gosh)
				h2 = math.Max(1, h2)
			}
			near(i, "H2", res.H2[i], h2, 1e-6, 1e-8)
			near(i, "tau2", res.Tau2[i], c.Tau2[i], 1e-4, 1e-6)
			if res.Tau2[i] == 0 && c.Tau2[i] > 0 && c.Method == REML {
				// metafor stopped short of the boundary: τ² = 0 must have
				// the higher restricted likelihood
				var y, v []float64
				for j := 0; j < res.K; j++ {
					if res.Included(i, j) {
						y, v = append(y, c.Yi[j]), append(v, c.Vi[j])
					}
				}
				m := newModel(&design{k: len(y), p: 1, y: y, v: v, x: ones(len(y)), names: []string{"intrcpt"}}, Options{Method: REML})
				l0, _ := m.logLikAt(0, true)
				lr, _ := m.logLikAt(c.Tau2[i], true)
				if l0 < lr {
					t.Errorf("row %d: REML logLik at 0 %.15g below metafor's τ² %g: %.15g", i+1, l0, c.Tau2[i], lr)
				}
				boundary++
				maxStop = math.Max(maxStop, c.Tau2[i])
			}
		}
		for j, s := range res.Studies {
			near(j, "d_estimate", s.DEstimate, c.DEstimate[j], 1e-6, 1e-8)
			near(j, "d_I2", s.DI2, c.DI2[j], 1e-6, 1e-8)
		}
		t.Logf("%s: worst relative differences %v; flagged %v; %d subsets at τ² = 0 where metafor stopped at τ² ≤ %.2g", c.Method, worst, res.Flagged, boundary, maxStop)
		if len(res.Flagged) != 1 || res.Flagged[0] != "10" {
			t.Errorf("%s: flagged %v; the R shifts (d_I2 = 1.43 for study 10, every other |d| < 1) flag study 10", c.Method, res.Flagged)
		}
	}
}
