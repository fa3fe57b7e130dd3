package meta

import (
	"math"
	"testing"

	"github.com/alliance-research/alliance/analysis/internal/golden"
)

type gPred struct {
	Values map[string]string `json:"values"`
	Pred   float64           `json:"pred"`
	SE     float64           `json:"se"`
	CILB   float64           `json:"ci_lb"`
	CIUB   float64           `json:"ci_ub"`
	PILB   *float64          `json:"pi_lb"`
	PIUB   *float64          `json:"pi_ub"`
}

type gTerm struct {
	Terms flexStr `json:"terms"`
	Coefs flexStr `json:"coefs"`
	QM    float64 `json:"QM"`
	DF    int     `json:"df"`
	DF2   *int    `json:"df2"`
	P     float64 `json:"p"`
}

type gPredFit struct {
	RCall       string      `json:"r_call"`
	Method      string      `json:"method"`
	Test        string      `json:"test"`
	Names       flexStr     `json:"names"`
	Beta        flex        `json:"beta"`
	Vcov        [][]float64 `json:"vcov"`
	Predictions []gPred     `json:"predictions"`
	TermTests   []gTerm     `json:"term_tests"`
	R           []struct {
		Estimate float64 `json:"estimate"`
		CILB     float64 `json:"ci_lb"`
		CIUB     float64 `json:"ci_ub"`
		PILB     float64 `json:"pi_lb"`
		PIUB     float64 `json:"pi_ub"`
	} `json:"r"`
}

type gPredict struct {
	BCG struct {
		Yi    flex    `json:"yi"`
		Vi    flex    `json:"vi"`
		Ablat flex    `json:"ablat"`
		Year  flex    `json:"year"`
		Alloc flexStr `json:"alloc"`
	} `json:"bcg"`
	Uni []gPredFit `json:"uni"`
}

func relNear(got, want, tol float64) bool {
	return math.Abs(got-want) <= tol*math.Max(1, math.Abs(want))
}

// TestPredictGoldenBCG checks Predict, VcovMatrix and TestTerms against
// metafor 3.8-1 predict(res, newmods), vcov(res) and anova(res, btt) on
// dat.bcg with a numeric, a numeric and a factor moderator, for REML z,
// REML knha, DL t and FE fits (testdata/golden/R/predict.R).
func TestPredictGoldenBCG(t *testing.T) {
	var g gPredict
	if err := golden.Load("meta_predict.json", &g); err != nil {
		t.Fatal(err)
	}
	if len(g.Uni) != 4 {
		t.Fatalf("%d univariate cases in the golden file, want 4", len(g.Uni))
	}
	mods := []Moderator{{Name: "ablat", Numeric: g.BCG.Ablat}, {Name: "year", Numeric: g.BCG.Year}, {Name: "alloc", Text: g.BCG.Alloc}}
	const tol = 1e-8
	for _, c := range g.Uni {
		measure := "GEN"
		if c.R != nil {
			measure = "ZCOR"
		}
		res, err := Fit(g.BCG.Yi, g.BCG.Vi, Options{Method: c.Method, Test: c.Test, Mods: mods, Measure: measure, Tol: 1e-12})
		if err != nil {
			t.Fatalf("%s: %v", c.RCall, err)
		}
		vm := res.VcovMatrix()
		for i := range c.Vcov {
			if vm.Names[i] != c.Names[i] {
				t.Errorf("%s: vcov name %d = %q, want %q", c.RCall, i, vm.Names[i], c.Names[i])
			}
			for j := range c.Vcov[i] {
				if !relNear(vm.Matrix[i][j], c.Vcov[i][j], tol) {
					t.Errorf("%s: vcov[%d][%d] = %.12g, want %.12g", c.RCall, i, j, vm.Matrix[i][j], c.Vcov[i][j])
				}
			}
		}
		nm := make([]map[string]string, len(c.Predictions))
		for i, p := range c.Predictions {
			nm[i] = p.Values
		}
		preds, err := res.Predict(nm)
		if err != nil {
			t.Fatalf("%s: %v", c.RCall, err)
		}
		for i, w := range c.Predictions {
			p := preds[i]
			for _, v := range []struct {
				name      string
				got, want float64
			}{{"pred", p.Pred, w.Pred}, {"se", p.SE, w.SE}, {"ci_lb", p.CILB, w.CILB}, {"ci_ub", p.CIUB, w.CIUB}} {
				if !relNear(v.got, v.want, tol) {
					t.Errorf("%s: prediction %d %s = %.12g, want %.12g", c.RCall, i, v.name, v.got, v.want)
				}
			}
			if (w.PILB == nil) != (p.PILB == nil) {
				t.Errorf("%s: prediction %d: pi_lb present = %v, want %v", c.RCall, i, p.PILB != nil, w.PILB != nil)
			} else if w.PILB != nil && (!relNear(*p.PILB, *w.PILB, tol) || !relNear(*p.PIUB, *w.PIUB, tol)) {
				t.Errorf("%s: prediction %d PI = [%.12g, %.12g], want [%.12g, %.12g]", c.RCall, i, *p.PILB, *p.PIUB, *w.PILB, *w.PIUB)
			}
			if c.R != nil {
				wr := c.R[i]
				if p.R == nil || !relNear(p.R.Estimate, wr.Estimate, tol) || !relNear(p.R.CILB, wr.CILB, tol) || !relNear(p.R.CIUB, wr.CIUB, tol) ||
					!relNear(*p.R.PILB, wr.PILB, tol) || !relNear(*p.R.PIUB, wr.PIUB, tol) {
					t.Errorf("%s: prediction %d r = %+v, want %+v", c.RCall, i, p.R, wr)
				}
			}
		}
		for _, w := range c.TermTests {
			tt, err := res.TestTerms(w.Terms)
			if err != nil {
				t.Fatalf("%s: %v", c.RCall, err)
			}
			if !relNear(tt.QM, w.QM, tol) || tt.DF != w.DF || !relNear(tt.P, w.P, 1e-7) {
				t.Errorf("%s: btt %v: QM = %.12g (df %d, p %.6g), want %.12g (df %d, p %.6g)", c.RCall, w.Terms, tt.QM, tt.DF, tt.P, w.QM, w.DF, w.P)
			}
			if (w.DF2 == nil) != (tt.DF2 == nil) || (w.DF2 != nil && *w.DF2 != *tt.DF2) {
				t.Errorf("%s: btt %v: df2 = %v, want %v", c.RCall, w.Terms, tt.DF2, w.DF2)
			}
			if len(tt.Coefs) != len(w.Coefs) {
				t.Errorf("%s: btt %v: coefs %v, want %v", c.RCall, w.Terms, tt.Coefs, w.Coefs)
			}
		}
	}
}

// TestPredictBadValues checks that unknown moderators, missing values,
// unknown levels and non-numbers are refused with the moderator named.
func TestPredictBadValues(t *testing.T) {
	yi := []float64{0.1, 0.3, 0.2, 0.5, 0.4, 0.25}
	vi := []float64{0.01, 0.02, 0.015, 0.03, 0.02, 0.01}
	mods := []Moderator{{Name: "x", Numeric: []float64{1, 2, 3, 4, 5, 6}}, {Name: "g", Text: []string{"a", "b", "a", "b", "c", "c"}}}
	res, err := Fit(yi, vi, Options{Mods: mods})
	if err != nil {
		t.Fatal(err)
	}
	for _, nm := range []map[string]string{
		{"x": "1"},                      // g missing
		{"x": "1", "g": "d"},            // unknown level
		{"x": "one", "g": "a"},          // not a number
		{"x": "1", "g": "a", "zz": "3"}, // not a moderator
	} {
		if _, perr := res.Predict([]map[string]string{nm}); perr == nil {
			t.Errorf("Predict(%v): no error", nm)
		}
	}
	if _, terr := res.TestTerms([]string{"nope"}); terr == nil {
		t.Error("TestTerms(nope): no error")
	}
	// The reference level codes to zeros: the prediction at (x, a) is
	// b0 + b1·x exactly.
	p, err := res.Predict([]map[string]string{{"x": "2", "g": "a"}})
	if err != nil {
		t.Fatal(err)
	}
	b := res.Coefficients
	if want := b[0].Estimate + 2*b[1].Estimate; math.Abs(p[0].Pred-want) > 1e-12 {
		t.Errorf("pred = %v, want %v", p[0].Pred, want)
	}
}
