package meta

import (
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/alliance-research/alliance/analysis/errs"
	"github.com/alliance-research/alliance/analysis/internal/golden"
)

// Goldens written by testdata/golden/R/selmodel.R (metafor 3.8-1
// selmodel on dat.hackshaw1998 and dat.bangertdrowns2004); each case
// records its R call.
type gSelCase struct {
	gSelFit
	Polished *gSelFit `json:"polished"`
	Name     string   `json:"name"`
	Method   string   `json:"method"`
	Type     string   `json:"type"`
	Steps    flex     `json:"steps"`
	Prec     string   `json:"prec"`
	Ni       flex     `json:"ni"`
	RCall    string   `json:"r_call"`
	Tight    bool     `json:"tight"`
	Error    string   `json:"error"`
	Yi       flex     `json:"yi"`
	Vi       flex     `json:"vi"`
	LL0      float64  `json:"ll0"`
	LRTDF    int      `json:"LRT_df"`
	PTable   flex     `json:"ptable"`
}

// gSelFit are the fitted values of a golden case (metafor's, or polished).
type gSelFit struct {
	PDelta    flex     `json:"pval_delta"`
	Estimate  flex     `json:"estimate"`
	SE        flex     `json:"se"`
	CILB      flex     `json:"ci_lb"`
	CIUB      flex     `json:"ci_ub"`
	P         flex     `json:"p"`
	Tau2      float64  `json:"tau2"`
	SETau2    *float64 `json:"se_tau2"`
	Delta     flex     `json:"delta"`
	SEDelta   flex     `json:"se_delta"`
	DeltaCILB flex     `json:"ci_lb_delta"`
	DeltaCIUB flex     `json:"ci_ub_delta"`
	LL        float64  `json:"ll"`
	LRT       float64  `json:"LRT"`
	LRTP      float64  `json:"LRT_p"`
}

func TestSelModelStepsGolden(t *testing.T) {
	var g struct {
		Cases []gSelCase `json:"cases"`
	}
	if err := golden.Load("selmodel_steps.json", &g); err != nil {
		t.Fatal(err)
	}
	w := worst{}
	n := 0
	for _, c := range g.Cases {
		if c.Type != "stepfun" {
			continue
		}
		n++
		ctx := fmt.Sprintf("%s %s steps %v", c.Name, c.Method, []float64(c.Steps))
		r, err := Fit(c.Yi, c.Vi, Options{Method: c.Method})
		if err != nil {
			t.Fatal(ctx, err)
		}
		got, err := SelModel(r, SelModelOptions{Steps: c.Steps})
		if c.Error != "" {
			if !errors.Is(err, errs.TooFew) {
				t.Errorf("%s: metafor fails (%s); got %v, %v", ctx, c.Error, got, err)
			}
			continue
		}
		if err != nil {
			t.Fatal(ctx, err)
		}
		if !got.Converged {
			t.Errorf("%s: not converged (%s)", ctx, got.Note)
		}
		if len(got.PTable) != len(c.PTable) || len(got.Delta) != len(c.Delta) || len(got.Steps) != len(c.Steps) {
			t.Fatalf("%s: ptable %v delta %v, metafor %v %v", ctx, got.PTable, got.Delta, c.PTable, c.Delta)
		}
		for j := range got.PTable {
			if float64(got.PTable[j]) != c.PTable[j] || got.Steps[j] != c.Steps[j] {
				t.Errorf("%s: ptable %v steps %v, metafor %v %v", ctx, got.PTable, got.Steps, c.PTable, c.Steps)
			}
		}
		if got.LRTDF != c.LRTDF {
			t.Errorf("%s: LRT df %d, metafor %d", ctx, got.LRTDF, c.LRTDF)
		}
		// metafor's nlminb/optim stop short of the optimum: our
		// log-likelihood must be at least as high and the estimates
		// agree to the optimisers' precision.
		tol := 1e-4
		if c.Tight {
			tol = 1e-6
		}
		if got.LogLik < c.LL-1e-12 {
			t.Errorf("%s: logLik %.15g below metafor's %.15g", ctx, got.LogLik, c.LL)
		}
		w.near(t, ctx, "selmodel logLik", got.LogLik, c.LL, 1e-9)
		w.near(t, ctx, "selmodel logLik0", got.LogLik0, c.LL0, 1e-10)
		w.near(t, ctx, "selmodel estimate", got.Estimate, c.Estimate[0], tol)
		w.near(t, ctx, "selmodel se", got.SE, c.SE[0], tol)
		w.near(t, ctx, "selmodel ci_lb", got.CILB, c.CILB[0], tol)
		w.near(t, ctx, "selmodel ci_ub", got.CIUB, c.CIUB[0], tol)
		w.near(t, ctx, "selmodel tau2", got.Tau2, c.Tau2, tol)
		if c.SETau2 != nil {
			w.near(t, ctx, "selmodel se_tau2", got.SETau2, *c.SETau2, tol)
		} else if !math.IsNaN(got.SETau2) {
			t.Errorf("%s: se_tau2 %g, metafor none (τ² fixed)", ctx, got.SETau2)
		}
		for j := range got.Delta {
			w.near(t, ctx, fmt.Sprintf("selmodel delta[%d]", j), got.Delta[j], c.Delta[j], tol)
			w.near(t, ctx, fmt.Sprintf("selmodel se_delta[%d]", j), got.SEDelta[j], c.SEDelta[j], tol)
			w.near(t, ctx, fmt.Sprintf("selmodel delta ci_lb[%d]", j), got.DeltaCILB[j], c.DeltaCILB[j], tol)
			w.near(t, ctx, fmt.Sprintf("selmodel delta ci_ub[%d]", j), got.DeltaCIUB[j], c.DeltaCIUB[j], tol)
		}
		w.near(t, ctx, "selmodel LRT", got.LRT, c.LRT, tol)
		w.near(t, ctx, "selmodel LRT p", got.LRTP, c.LRTP, tol)
		w.near(t, ctx, "selmodel p", got.P, c.P[0], 10*tol)
	}
	if n < 4 {
		t.Fatalf("only %d stepfun cases in the golden", n)
	}
	w.log(t)
}

func TestSelModelStepsValidation(t *testing.T) {
	r, err := Fit([]float64{0.1, 0.3, 0.5, -0.1, 0.2, 0.6}, []float64{0.01, 0.02, 0.04, 0.03, 0.05, 0.02}, Options{Method: ML})
	if err != nil {
		t.Fatal(err)
	}
	for _, steps := range [][]float64{{0.5, 0.025}, {0}, {1.5}, {1}, {0.05, 0.05, 1}} {
		if _, serr := SelModel(r, SelModelOptions{Steps: steps}); !errors.Is(serr, errs.InvalidOption) {
			t.Errorf("steps %v: err %v, want an invalid-option error", steps, serr)
		}
	}
	// With and without the final 1 the model is the same.
	a, err := SelModel(r, SelModelOptions{Steps: []float64{0.025, 0.5}})
	if err != nil {
		t.Fatal(err)
	}
	b, err := SelModel(r, SelModelOptions{Steps: []float64{0.025, 0.5, 1}})
	if err != nil {
		t.Fatal(err)
	}
	if a.LogLik != b.LogLik || len(a.Steps) != 3 || a.Steps[2] != 1 {
		t.Errorf("steps without the final 1: %v %g, with: %v %g", a.Steps, a.LogLik, b.Steps, b.LogLik)
	}
}
