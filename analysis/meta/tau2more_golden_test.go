package meta

import (
	"fmt"
	"math"
	"testing"

	"github.com/alliance-research/alliance/analysis/internal/golden"
)

type gT2Fit struct {
	RCall    string      `json:"r_call"`
	Data     string      `json:"data"`
	Weights  *string     `json:"weights"`
	Mods     *string     `json:"mods"`
	Method   string      `json:"method"`
	Test     string      `json:"test"`
	Beta     flex        `json:"beta"`
	SE       flex        `json:"se"`
	Zval     flex        `json:"zval"`
	Pval     flex        `json:"pval"`
	CILB     flex        `json:"ci_lb"`
	CIUB     flex        `json:"ci_ub"`
	Vcov     [][]float64 `json:"vcov"`
	Tau2     float64     `json:"tau2"`
	SETau2   *float64    `json:"se_tau2"`
	QE       float64     `json:"QE"`
	QEp      float64     `json:"QEp"`
	I2       float64     `json:"I2"`
	H2       float64     `json:"H2"`
	QM       float64     `json:"QM"`
	QMp      float64     `json:"QMp"`
	R2       *float64    `json:"R2"`
	LogLik   float64     `json:"logLik"`
	Deviance float64     `json:"deviance"`
	AIC      float64     `json:"AIC"`
	BIC      float64     `json:"BIC"`
	AICc     float64     `json:"AICc"`
	SW       flex        `json:"study_weights"`
	Tau2CI   flex        `json:"tau2_ci"`
	I2CI     flex        `json:"I2_ci"`
	H2CI     flex        `json:"H2_ci"`
	Tight    flex        `json:"tau2_ci_tight"`
	PILB     *float64    `json:"pi_lb"`
	PIUB     *float64    `json:"pi_ub"`
	L1O      *gT2Rows    `json:"leave1out"`
	Cumul    *gT2Rows    `json:"cumul"`
	Pred     *struct {
		Pred flex `json:"pred"`
		SE   flex `json:"se"`
		CILB flex `json:"ci_lb"`
		CIUB flex `json:"ci_ub"`
		PILB flex `json:"pi_lb"`
		PIUB flex `json:"pi_ub"`
	} `json:"pred"`
}

type gT2Rows struct {
	Estimate flex `json:"estimate"`
	SE       flex `json:"se"`
	CILB     flex `json:"ci_lb"`
	CIUB     flex `json:"ci_ub"`
	Tau2     flex `json:"tau2"`
	QE       flex `json:"QE"`
	I2       flex `json:"I2"`
}

type gT2 struct {
	BCG struct {
		Yi, Vi, Ablat, Year, N, Wsd flex
	} `json:"bcg"`
	Molloy struct {
		Yi, Vi, Meanage, Ni flex
	} `json:"molloy"`
	Fits []gT2Fit `json:"fits"`
}

// near reports |got − want| ≤ tol·|want| (+ 1e-12 absolute for values at 0).
func near(got, want, tol float64) bool {
	return math.Abs(got-want) <= tol*math.Abs(want)+1e-12
}

// TestTau2MoreGolden compares HSk, PMM, GENQ, GENQM and fits with user
// weights with metafor 3.8-1 (testdata/golden/R/tau2more.R).
func TestTau2MoreGolden(t *testing.T) {
	var g gT2
	if err := golden.Load("meta_tau2more.json", &g); err != nil {
		t.Fatal(err)
	}
	if len(g.Fits) < 30 {
		t.Fatalf("%d fits in the golden file", len(g.Fits))
	}
	for i, f := range g.Fits {
		name := fmt.Sprintf("%d_%s_%s_%s", i, f.Data, f.Method, f.Test)
		t.Run(name, func(t *testing.T) {
			var yi, vi []float64
			cols := map[string][]float64{}
			if f.Data == "bcg" {
				yi, vi = g.BCG.Yi, g.BCG.Vi
				cols["ablat"], cols["n"], cols["wsd"] = g.BCG.Ablat, g.BCG.N, g.BCG.Wsd
			} else {
				yi, vi = g.Molloy.Yi, g.Molloy.Vi
				cols["meanage"], cols["ni"] = g.Molloy.Meanage, g.Molloy.Ni
			}
			opt := Options{Method: f.Method, Test: f.Test, Tol: 1e-13}
			if f.Weights != nil {
				opt.Weights = cols[*f.Weights]
			}
			if f.Mods != nil {
				opt.Mods = []Moderator{{Name: *f.Mods, Numeric: cols[*f.Mods]}}
			}
			r, err := Fit(yi, vi, opt)
			if err != nil {
				t.Fatalf("%s: %v", f.RCall, err)
			}
			const tol = 1e-6
			chk := func(what string, got, want float64) {
				t.Helper()
				if !near(got, want, tol) {
					t.Errorf("%s: %s = %.12g, metafor %.12g (rel %.2g)", f.RCall, what, got, want, math.Abs(got-want)/math.Abs(want))
				}
			}
			chk("tau2", r.Tau2, f.Tau2)
			if f.SETau2 != nil {
				if r.SETau2 == nil {
					t.Errorf("se_tau2 missing")
				} else {
					chk("se_tau2", *r.SETau2, *f.SETau2)
				}
			}
			for j, c := range r.Coefficients {
				chk("beta", c.Estimate, f.Beta[j])
				chk("se", c.SE, f.SE[j])
				chk("statistic", c.Statistic, f.Zval[j])
				chk("p", c.P, f.Pval[j])
				chk("ci_lb", c.CILB, f.CILB[j])
				chk("ci_ub", c.CIUB, f.CIUB[j])
				for l := range r.Coefficients {
					chk("vcov", r.Vcov[j*r.P+l], f.Vcov[j][l])
				}
			}
			chk("QE", r.QE, f.QE)
			chk("QE_p", *r.QEP, f.QEp)
			chk("I2", r.I2, f.I2)
			chk("H2", r.H2, f.H2)
			chk("QM", r.QM, f.QM)
			chk("QM_p", r.QMP, f.QMp)
			chk("logLik", r.Fit.LogLik, f.LogLik)
			chk("deviance", r.Fit.Deviance, f.Deviance)
			chk("AIC", r.Fit.AIC, f.AIC)
			chk("BIC", r.Fit.BIC, f.BIC)
			chk("AICc", r.Fit.AICc, f.AICc)
			if f.R2 != nil {
				if r.R2 == nil {
					t.Errorf("R2 missing")
				} else {
					chk("R2", *r.R2, *f.R2)
				}
			}
			sw := r.StudyWeights()
			for j := range sw {
				chk("weight", sw[j], f.SW[j])
			}
			if f.Weights != nil && (!r.UserWeights || len(r.Weights) != r.K) {
				t.Errorf("user_weights/weights not set in the result")
			}
			if len(f.Tau2CI) == 2 {
				if r.Tau2CI == nil {
					t.Fatalf("no tau2 CI (%s)", r.CINote)
				}
				ci := f.Tau2CI
				ctol := tol
				if len(f.Tight) == 2 {
					// metafor's own GENQ bounds come from uniroot's default
					// tolerance; they agree to about 1e-4 and the tight
					// bounds to 1e-6.
					for j := 0; j < 2; j++ {
						if math.Abs(r.Tau2CI[j]-ci[j]) > 2.5e-4*math.Max(ci[j], 0.1) {
							t.Errorf("tau2 CI[%d] = %.10g, metafor confint %.10g", j, r.Tau2CI[j], ci[j])
						}
					}
					ci = f.Tight
				} else {
					for j := 0; j < 2; j++ {
						chk("I2 CI", r.I2CI[j], f.I2CI[j])
						chk("H2 CI", r.H2CI[j], f.H2CI[j])
					}
				}
				for j := 0; j < 2; j++ {
					if !near(r.Tau2CI[j], ci[j], ctol) {
						t.Errorf("tau2 CI[%d] = %.12g, R %.12g", j, r.Tau2CI[j], ci[j])
					}
				}
			}
			if f.PILB != nil {
				chk("pi_lb", *r.PILB, *f.PILB)
				chk("pi_ub", *r.PIUB, *f.PIUB)
			}
			rowsChk := func(what string, rows []SummaryRow, want *gT2Rows) {
				t.Helper()
				if len(rows) != len(want.Estimate) {
					t.Fatalf("%s: %d rows, metafor %d", what, len(rows), len(want.Estimate))
				}
				for j, row := range rows {
					chk(what+" estimate", row.Estimate, want.Estimate[j])
					chk(what+" se", row.SE, want.SE[j])
					chk(what+" ci_lb", row.CILB, want.CILB[j])
					chk(what+" ci_ub", row.CIUB, want.CIUB[j])
					chk(what+" tau2", row.Tau2, want.Tau2[j])
					if j > 0 || what == "leave1out" { // metafor's k = 1 row has QE and I2 as NA or 0
						chk(what+" QE", row.QE, want.QE[j])
						chk(what+" I2", row.I2, want.I2[j])
					}
				}
			}
			if f.L1O != nil {
				rows, err := LeaveOneOut(r)
				if err != nil {
					t.Fatal(err)
				}
				rowsChk("leave1out", rows, f.L1O)
			}
			if pw := f.Pred; pw != nil {
				pts := []map[string]string{{*f.Mods: "20"}, {*f.Mods: "40"}}
				ps, err := r.Predict(pts)
				if err != nil {
					t.Fatal(err)
				}
				for j, pr := range ps {
					chk("pred", pr.Pred, pw.Pred[j])
					chk("pred se", pr.SE, pw.SE[j])
					chk("pred ci_lb", pr.CILB, pw.CILB[j])
					chk("pred ci_ub", pr.CIUB, pw.CIUB[j])
					if len(pw.PILB) == len(ps) {
						chk("pred pi_lb", *pr.PILB, pw.PILB[j])
						chk("pred pi_ub", *pr.PIUB, pw.PIUB[j])
					}
				}
			}
			if f.Cumul != nil {
				rows, err := Cumulative(r, g.BCG.Year, false)
				if err != nil {
					t.Fatal(err)
				}
				rowsChk("cumul", rows, f.Cumul)
			}
		})
	}
}
