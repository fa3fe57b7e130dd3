package meta

import (
	"fmt"
	"math"
	"testing"

	"github.com/alliance-research/alliance/analysis/internal/golden"
)

// The continuous selection functions against metafor 3.8-1's selmodel
// (testdata/golden/R/selmodel.R: dat.hackshaw1998 and
// dat.bangertdrowns2004, every type, with and without prec and a step, ML,
// REML (refitted by ML, as metafor) and EE). metafor's optimisers stop
// short of the maximum where the likelihood is flat in δ (by up to 1e-5 in
// logLik, 3e-3 in the estimates): our log-likelihood must be at least
// metafor's (to 1e-6 relative, the accuracy of its integrals). The script
// then polishes metafor's estimate by Newton steps on metafor's own
// log-likelihood (numDeriv gradient and Hessian): estimates, SEs, CIs and
// tests agree with that polished optimum to 1e-6 (SEs from a numerical
// Hessian: 1e-5), its logLik to 1e-6.
func TestSelModelContGolden(t *testing.T) {
	var g, gb struct {
		Cases []gSelCase `json:"cases"`
	}
	if err := golden.Load("selmodel_steps.json", &g); err != nil {
		t.Fatal(err)
	}
	if err := golden.Load("selmodel_beta.json", &gb); err != nil {
		t.Fatal(err)
	}
	w := worst{}
	seen := map[string]int{}
	for _, c := range append(g.Cases, gb.Cases...) {
		if c.Type == SelStepFun {
			continue
		}
		ctx := fmt.Sprintf("%s %s %s steps %v prec %q", c.Name, c.Method, c.Type, []float64(c.Steps), c.Prec)
		if c.Error != "" {
			// metafor's own failure with those controls (selmodel_beta.json
			// has these cases with looser ones); we must still fit it
			t.Logf("%s: metafor failed (%s)", ctx, c.Error)
			if r, err := Fit(c.Yi, c.Vi, Options{Method: c.Method}); err != nil {
				t.Error(ctx, err)
			} else if s, err := SelModel(r, SelModelOptions{Type: c.Type}); err != nil || !s.Converged {
				t.Errorf("%s: %v", ctx, err)
			}
			continue
		}
		seen[c.Type]++
		r, err := Fit(c.Yi, c.Vi, Options{Method: c.Method})
		if err != nil {
			t.Fatal(ctx, err)
		}
		var steps []float64
		if len(c.Steps) > 0 {
			steps = c.Steps[:1]
		}
		got, err := SelModel(r, SelModelOptions{Type: c.Type, Steps: steps, Prec: c.Prec, Ni: c.Ni})
		if err != nil {
			t.Errorf("%s: %v", ctx, err)
			continue
		}
		if !got.Converged {
			t.Errorf("%s: not converged (%s)", ctx, got.Note)
		}
		if len(got.Delta) != len(c.Delta) || got.LRTDF != c.LRTDF {
			t.Fatalf("%s: delta %v df %d, metafor %v %d", ctx, got.Delta, got.LRTDF, c.Delta, c.LRTDF)
		}
		if len(c.PTable) != len(got.PTable) {
			t.Errorf("%s: ptable %v, metafor %v", ctx, got.PTable, c.PTable)
		}
		for j := range got.PTable {
			if float64(got.PTable[j]) != c.PTable[j] {
				t.Errorf("%s: ptable %v, metafor %v", ctx, got.PTable, c.PTable)
			}
		}
		if got.LogLik < c.LL-1e-6*math.Abs(c.LL) {
			t.Errorf("%s: logLik %.15g below metafor's %.15g", ctx, got.LogLik, c.LL)
		}
		w.near(t, ctx, "selmodel logLik (metafor's optimum)", got.LogLik, c.LL, 1e-5)
		if c.Polished == nil {
			t.Fatalf("%s: no polished optimum in the golden", ctx)
		}
		c.gSelFit = *c.Polished
		tol, tolSE := 1e-6, 1e-5
		w.near(t, ctx, "selmodel logLik", got.LogLik, c.LL, 1e-6)
		w.near(t, ctx, "selmodel logLik0", got.LogLik0, c.LL0, 1e-10)
		w.near(t, ctx, "selmodel estimate", got.Estimate, c.Estimate[0], tol)
		w.near(t, ctx, "selmodel se", got.SE, c.SE[0], tolSE)
		// CI limits relative to the SE (a limit near 0 has no relative digits)
		for _, b := range []struct {
			name      string
			got, want float64
		}{{"selmodel ci_lb (diff in SEs)", got.CILB, c.CILB[0]}, {"selmodel ci_ub (diff in SEs)", got.CIUB, c.CIUB[0]}} {
			d := math.Abs(b.got-b.want) / c.SE[0]
			if d > tolSE {
				t.Errorf("%s: %s = %.12g, metafor %.12g (%.2g SEs apart)", ctx, b.name, b.got, b.want, d)
			}
			w[b.name] = math.Max(w[b.name], d)
		}
		w.near(t, ctx, "selmodel tau2", got.Tau2, c.Tau2, tol)
		if c.SETau2 != nil {
			w.near(t, ctx, "selmodel se_tau2", got.SETau2, *c.SETau2, tolSE)
		} else if !math.IsNaN(got.SETau2) {
			t.Errorf("%s: se_tau2 %g, metafor none (τ² fixed)", ctx, got.SETau2)
		}
		for j := range got.Delta {
			w.near(t, ctx, fmt.Sprintf("selmodel delta[%d]", j), got.Delta[j], c.Delta[j], tol)
			w.near(t, ctx, fmt.Sprintf("selmodel se_delta[%d]", j), got.SEDelta[j], c.SEDelta[j], tolSE)
			w.near(t, ctx, fmt.Sprintf("selmodel delta ci_lb[%d]", j), got.DeltaCILB[j], c.DeltaCILB[j], tolSE)
			w.near(t, ctx, fmt.Sprintf("selmodel delta ci_ub[%d]", j), got.DeltaCIUB[j], c.DeltaCIUB[j], tolSE)
			w.near(t, ctx, fmt.Sprintf("selmodel pval_delta[%d]", j), got.PDelta[j], c.PDelta[j], tolSE)
		}
		w.near(t, ctx, "selmodel LRT", got.LRT, c.LRT, tol)
		w.near(t, ctx, "selmodel LRT p", got.LRTP, c.LRTP, tol)
		w.near(t, ctx, "selmodel p", got.P, c.P[0], tolSE)
	}
	for _, typ := range SelTypes {
		if typ != SelStepFun && seen[typ] < 2 {
			t.Errorf("type %s: %d golden cases, want at least 2", typ, seen[typ])
		}
	}
	w.log(t)
}

// A user-specified τ² stays fixed in the selection model, as metafor
// (testdata/golden/R/selmodel_tau2fix.R: rma(yi, vi, tau2 = 0.01) on
// dat.hackshaw1998, stepfun and negexp, metafor's default optimiser):
// logLik and the ML log-likelihood without selection to 1e-6, the
// estimates to 1e-4 (optimiser-dependent).
func TestSelModelTau2FixedGolden(t *testing.T) {
	var g struct {
		Cases []struct {
			Type                    string
			Steps                   flex
			Tau2Fixed               float64 `json:"tau2_fixed"`
			Yi, Vi, Estimate, Delta flex
			SEDelta                 flex `json:"se_delta"`
			SE, Tau2, LL, LL0, LRT  float64
		}
	}
	if err := golden.Load("selmodel_tau2fix.json", &g); err != nil {
		t.Fatal(err)
	}
	w := worst{}
	for _, c := range g.Cases {
		t2 := c.Tau2Fixed
		r, err := Fit(c.Yi, c.Vi, Options{Tau2: &t2})
		if err != nil {
			t.Fatal(err)
		}
		var steps []float64
		if len(c.Steps) > 0 {
			steps = c.Steps[:1]
		}
		s, err := SelModel(r, SelModelOptions{Type: c.Type, Steps: steps})
		if err != nil {
			t.Fatal(c.Type, err)
		}
		if s.Tau2 != t2 || !math.IsNaN(s.SETau2) {
			t.Errorf("%s: tau2 %g (SE %g), want fixed at %g", c.Type, s.Tau2, s.SETau2, t2)
		}
		if s.LogLik < c.LL-1e-6*math.Abs(c.LL) {
			t.Errorf("%s: logLik %.12g below metafor's %.12g", c.Type, s.LogLik, c.LL)
		}
		w.near(t, c.Type, "selmodel logLik", s.LogLik, c.LL, 1e-6)
		w.near(t, c.Type, "selmodel logLik0", s.LogLik0, c.LL0, 1e-9)
		w.near(t, c.Type, "selmodel estimate", s.Estimate, c.Estimate[0], 1e-4)
		w.near(t, c.Type, "selmodel se", s.SE, c.SE, 1e-4)
		for j := range s.Delta {
			w.near(t, c.Type, "selmodel delta", s.Delta[j], c.Delta[j], 1e-4)
			w.near(t, c.Type, "selmodel se_delta", s.SEDelta[j], c.SEDelta[j], 1e-4)
		}
	}
	w.log(t)
}
