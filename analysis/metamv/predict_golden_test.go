package metamv

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/alliance-research/alliance/analysis/internal/golden"
	"github.com/alliance-research/alliance/analysis/meta"
)

// TestPredictGoldenKonstantopoulos checks the three-level Predict (PI from
// the sum of the σ²), VcovMatrix and TestTerms against metafor 3.8-1
// predict.rma.mv(res, newmods), vcov(res) and anova(res, btt = 2) for
// rma.mv(yi, vi, mods = ~ year, random = ~ 1 | district/school) with tests
// z and t (testdata/golden/R/predict.R).
func TestPredictGoldenKonstantopoulos(t *testing.T) {
	var g struct {
		K struct {
			Yi, Vi, Year     []float64
			District, School []string
		} `json:"konstantopoulos"`
		MV []struct {
			RCall       string          `json:"r_call"`
			Test        string          `json:"test"`
			Names       json.RawMessage `json:"names"`
			Vcov        [][]float64     `json:"vcov"`
			Sigma2      []float64       `json:"sigma2"`
			Predictions []struct {
				Values   map[string]string `json:"values"`
				Pred, SE float64
				CILB     float64 `json:"ci_lb"`
				CIUB     float64 `json:"ci_ub"`
				PILB     float64 `json:"pi_lb"`
				PIUB     float64 `json:"pi_ub"`
			} `json:"predictions"`
			TermTests []struct {
				QM  float64 `json:"QM"`
				DF  int     `json:"df"`
				DF2 *int    `json:"df2"`
				P   float64 `json:"p"`
			} `json:"term_tests"`
		} `json:"mv"`
	}
	if err := golden.Load("meta_predict.json", &g); err != nil {
		t.Fatal(err)
	}
	if len(g.MV) != 2 {
		t.Fatalf("%d three-level cases in the golden file, want 2", len(g.MV))
	}
	near := func(got, want, tol float64) bool { return math.Abs(got-want) <= tol*math.Max(1, math.Abs(want)) }
	const tol = 1e-6 // nlminb at rel.tol 1e-11 on the σ²
	for _, c := range g.MV {
		res, err := Fit(g.K.Yi, g.K.Vi, g.K.District, g.K.School, Options{Test: c.Test, NoProfile: true,
			Mods: []meta.Moderator{{Name: "year", Numeric: g.K.Year}}})
		if err != nil {
			t.Fatalf("%s: %v", c.RCall, err)
		}
		vm := res.VcovMatrix()
		if len(vm.Names) != 2 || vm.Names[0] != "intrcpt" || vm.Names[1] != "year" {
			t.Errorf("%s: vcov names %v", c.RCall, vm.Names)
		}
		for i := range c.Vcov {
			for j := range c.Vcov[i] {
				if !near(vm.Matrix[i][j], c.Vcov[i][j], tol) {
					t.Errorf("%s: vcov[%d][%d] = %.10g, want %.10g", c.RCall, i, j, vm.Matrix[i][j], c.Vcov[i][j])
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
			if !near(p.Pred, w.Pred, tol) || !near(p.SE, w.SE, tol) || !near(p.CILB, w.CILB, tol) || !near(p.CIUB, w.CIUB, tol) ||
				p.PILB == nil || !near(*p.PILB, w.PILB, tol) || !near(*p.PIUB, w.PIUB, tol) {
				t.Errorf("%s: prediction %d = %+v (PI %v, %v), want %+v", c.RCall, i, p, *p.PILB, *p.PIUB, w)
			}
		}
		for _, w := range c.TermTests {
			tt, err := res.TestTerms([]string{"year"})
			if err != nil {
				t.Fatal(err)
			}
			if !near(tt.QM, w.QM, tol) || tt.DF != w.DF || !near(tt.P, w.P, tol) || (w.DF2 == nil) != (tt.DF2 == nil) || (w.DF2 != nil && *w.DF2 != *tt.DF2) {
				t.Errorf("%s: term test %+v, want %+v", c.RCall, tt, w)
			}
		}
	}
}
