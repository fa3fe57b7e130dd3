package meta

import (
	"testing"

	"github.com/alliance-research/alliance/analysis/internal/golden"
)

// The Henmi–Copas CI against metafor 3.8-1's hc()
// (testdata/golden/R/hc.R: dat.hackshaw1998 at 95% and 90%, dat.molloy2014,
// dat.bcg, dat.bangertdrowns2004 and a homogeneous case). The estimate,
// SE and τ² are closed forms (1e-10); the CI limits depend on metafor's
// integrate at its default rel.tol (1e-6).
func TestHenmiCopasGolden(t *testing.T) {
	var g struct {
		Cases []struct {
			Name, Method, RCall string
			Level               float64
			Yi, Vi              flex
			Estimate, SE, Tau2  float64
			EstimateRMA         float64 `json:"estimate_rma"`
			SERMA               float64 `json:"se_rma"`
			CILBRMA             float64 `json:"ci_lb_rma"`
			CIUBRMA             float64 `json:"ci_ub_rma"`
			Tau2RMA             float64 `json:"tau2_rma"`
			CI_LB               float64 `json:"ci_lb"`
			CI_UB               float64 `json:"ci_ub"`
		}
	}
	if err := golden.Load("hc.json", &g); err != nil {
		t.Fatal(err)
	}
	if len(g.Cases) < 5 {
		t.Fatalf("%d cases", len(g.Cases))
	}
	w := worst{}
	for _, c := range g.Cases {
		ctx := c.Name + " " + c.Method
		r, err := Fit(c.Yi, c.Vi, Options{Method: c.Method, Level: c.Level})
		if err != nil {
			t.Fatal(ctx, err)
		}
		h, err := HenmiCopas(r)
		if err != nil {
			t.Fatal(ctx, err)
		}
		w.near(t, ctx, "hc estimate", h.Estimate, c.Estimate, 1e-10)
		w.near(t, ctx, "hc se", h.SE, c.SE, 1e-10)
		w.near(t, ctx, "hc tau2", h.Tau2, c.Tau2, 1e-10)
		w.near(t, ctx, "hc ci_lb", h.CILB, c.CI_LB, 1e-6)
		w.near(t, ctx, "hc ci_ub", h.CIUB, c.CI_UB, 1e-6)
		w.near(t, ctx, "hc estimate_rma", h.EstimateRMA, c.EstimateRMA, 1e-8)
		w.near(t, ctx, "hc ci_lb_rma", h.CILBRMA, c.CILBRMA, 1e-8)
		w.near(t, ctx, "hc ci_ub_rma", h.CIUBRMA, c.CIUBRMA, 1e-8)
		w.near(t, ctx, "hc tau2_rma", h.Tau2RMA, c.Tau2RMA, 1e-8)
		if !(h.CILB < h.Estimate && h.Estimate < h.CIUB) {
			t.Errorf("%s: CI [%g, %g] does not contain %g", ctx, h.CILB, h.CIUB, h.Estimate)
		}
	}
	w.log(t)
}
