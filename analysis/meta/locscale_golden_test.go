package meta

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/alliance-research/alliance/analysis/internal/golden"
)

// Goldens written by testdata/golden/R/locscale.R: metafor 3.8-1
// rma(yi, vi, mods, scale, method, test) with the log link on
// dat.bangertdrowns2004 and the embedded demo-studies; each case records
// its R call (nlminb at rel.tol 1e-12, or 1e-10 where 1e-12 reports no
// convergence) and carries its data.
type gLSColumn struct {
	Numeric flex     `json:"numeric"`
	Text    []string `json:"text"`
}

type gLSCase struct {
	Name       string               `json:"name"`
	RCall      string               `json:"r_call"`
	Method     string               `json:"method"`
	Test       string               `json:"test"`
	Mods       flexStr              `json:"mods"`
	Scale      flexStr              `json:"scale"`
	Yi, Vi     flex                 `json:"-"`
	YiRaw      flex                 `json:"yi"`
	ViRaw      flex                 `json:"vi"`
	Columns    map[string]gLSColumn `json:"columns"`
	K, P, Q    int                  `json:"-"`
	KRaw       int                  `json:"k"`
	Names      flexStr              `json:"names"`
	Estimate   flex                 `json:"estimate"`
	SE         flex                 `json:"se"`
	Statistic  flex                 `json:"statistic"`
	Pval       flex                 `json:"pval"`
	CILB       flex                 `json:"ci_lb"`
	CIUB       flex                 `json:"ci_ub"`
	ScaleNames flexStr              `json:"scale_names"`
	Alpha      flex                 `json:"alpha"`
	SEAlpha    flex                 `json:"se_alpha"`
	StatAlpha  flex                 `json:"statistic_alpha"`
	PAlpha     flex                 `json:"pval_alpha"`
	CILBAlpha  flex                 `json:"ci_lb_alpha"`
	CIUBAlpha  flex                 `json:"ci_ub_alpha"`
	VcovAlpha  flex                 `json:"vcov_alpha"`
	SEAlphaC   flex                 `json:"se_alpha_centred"`
	VcovAlphaC flex                 `json:"vcov_alpha_centred"`
	QE, QEP    float64              `json:"-"`
	QERaw      float64              `json:"QE"`
	QM         float64              `json:"QM"`
	QMP        float64              `json:"QM_p"`
	QS         float64              `json:"QS"`
	QSDF       flex                 `json:"QS_df"`
	QSP        float64              `json:"QS_p"`
	Tau2       flex                 `json:"tau2"`
	LogLik     float64              `json:"logLik"`
	Deviance   float64              `json:"deviance"`
	AIC        float64              `json:"AIC"`
	BIC        float64              `json:"BIC"`
	AICc       float64              `json:"AICc"`
	LogLik0    float64              `json:"logLik0"`
	LRT        float64              `json:"LRT"`
	LRTDF      int                  `json:"LRT_df"`
	LRTP       float64              `json:"LRT_p"`
	Newscale   *struct {
		Values []map[string]string `json:"values"`
		Pred   flex                `json:"pred"`
		SE     flex                `json:"se"`
		CILB   flex                `json:"ci_lb"`
		CIUB   flex                `json:"ci_ub"`
	} `json:"newscale"`
}

func loadLSGolden(t testing.TB) []gLSCase {
	t.Helper()
	var g struct {
		Cases []json.RawMessage `json:"cases"`
	}
	if err := golden.Load("meta_locscale.json", &g); err != nil {
		t.Fatal(err)
	}
	out := make([]gLSCase, len(g.Cases))
	for i, raw := range g.Cases {
		if err := json.Unmarshal(raw, &out[i]); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

func lsModerators(c gLSCase, names []string) []Moderator {
	var out []Moderator
	for _, n := range names {
		col := c.Columns[n]
		m := Moderator{Name: n}
		if col.Text != nil {
			m.Text = col.Text
		} else {
			m.Numeric = col.Numeric
		}
		out = append(out, m)
	}
	return out
}

// fitLSCase fits a golden case with our engine.
func fitLSCase(t testing.TB, c gLSCase) *LocScaleResult {
	t.Helper()
	res, err := FitLocationScale(c.YiRaw, c.ViRaw, Options{Method: c.Method, Test: c.Test, Mods: lsModerators(c, c.Mods)}, lsModerators(c, c.Scale))
	if err != nil {
		t.Fatalf("%s: %v", c.Name, err)
	}
	return res
}

func relClose(got, want, tol float64) bool {
	if math.IsNaN(want) {
		return math.IsNaN(got)
	}
	return math.Abs(got-want) <= tol*math.Max(1, math.Abs(want)) || math.Abs(got-want) <= tol*math.Abs(want)
}

func TestLocationScaleGolden(t *testing.T) {
	for _, c := range loadLSGolden(t) {
		t.Run(c.Name, func(t *testing.T) {
			res := fitLSCase(t, c)
			check := func(what string, got, want, tol float64) {
				t.Helper()
				if !relClose(got, want, tol) {
					t.Errorf("%s: got %.10g, metafor %.10g (rel diff %.2g, tol %g)\nR: %s", what, got, want, math.Abs(got-want)/math.Max(1e-300, math.Abs(want)), tol, c.RCall)
				}
			}
			if res.K != c.KRaw {
				t.Fatalf("k = %d, metafor %d", res.K, c.KRaw)
			}
			// estimates at the optimum: 1e-6 (1e-5 where metafor's nlminb
			// converged only to rel.tol 1e-10); SEs from metafor's numerical
			// Hessian: 1e-4; log-likelihoods 1e-6.
			est := 1e-6
			if strings.Contains(c.RCall, "1e-10") {
				est = 1e-5
			}
			check("logLik", res.Fit.LogLik, c.LogLik, 1e-6)
			check("AIC", res.Fit.AIC, c.AIC, 1e-6)
			check("BIC", res.Fit.BIC, c.BIC, 1e-6)
			check("AICc", res.Fit.AICc, c.AICc, 1e-6)
			check("deviance", res.Fit.Deviance, c.Deviance, 1e-6)
			check("logLik0", res.Homogeneous.Fit.LogLik, c.LogLik0, 1e-6)
			for j, co := range res.Coefficients {
				if co.Name != c.Names[j] {
					t.Errorf("location name %q, metafor %q", co.Name, c.Names[j])
				}
				check("beta "+co.Name, co.Estimate, c.Estimate[j], est)
				check("se "+co.Name, co.SE, c.SE[j], 1e-4)
				check("stat "+co.Name, co.Statistic, c.Statistic[j], 1e-4)
				check("p "+co.Name, co.P, c.Pval[j], 1e-4)
				check("ci_lb "+co.Name, co.CILB, c.CILB[j], 1e-4)
				check("ci_ub "+co.Name, co.CIUB, c.CIUB[j], 1e-4)
			}
			// metafor's SEs of α come from numDeriv's Hessian; with an
			// uncentred numeric location moderator (year ~ 2000) that is off
			// by up to 2e-4, so SEs are checked against metafor's fit of the
			// same model with centred location moderators (se_alpha_centred),
			// and what derives from them against the raw fit at 1e-4, or 1e-3
			// where the raw and centred SEs differ by more than 1e-4.
			seTol := 1e-4
			for j := range c.SEAlpha {
				if !relClose(c.SEAlpha[j], c.SEAlphaC[j], 1e-4) {
					seTol = 1e-3
				}
			}
			for j, co := range res.ScaleCoefficients {
				if co.Name != c.ScaleNames[j] {
					t.Errorf("scale name %q, metafor %q", co.Name, c.ScaleNames[j])
				}
				check("alpha "+co.Name, co.Estimate, c.Alpha[j], est)
				check("se_alpha (centred refit) "+co.Name, co.SE, c.SEAlphaC[j], 1e-4)
				check("se_alpha "+co.Name, co.SE, c.SEAlpha[j], seTol)
				check("stat_alpha "+co.Name, co.Statistic, c.StatAlpha[j], seTol)
				check("p_alpha "+co.Name, co.P, c.PAlpha[j], seTol)
				check("ci_lb_alpha "+co.Name, co.CILB, c.CILBAlpha[j], seTol)
				check("ci_ub_alpha "+co.Name, co.CIUB, c.CIUBAlpha[j], seTol)
			}
			for i, v := range res.VcovScale {
				check("vcov_alpha (centred refit)", v, c.VcovAlphaC[i], 1e-4)
			}
			check("QE", res.QE, c.QERaw, 1e-6)
			check("QM", res.QM, c.QM, 1e-4)
			check("QM_p", res.QMP, c.QMP, 1e-4)
			check("QS", res.QS, c.QS, seTol)
			check("QS_p", res.QSP, c.QSP, seTol)
			if res.QSDF != int(c.QSDF[0]) {
				t.Errorf("QS_df %d, metafor %g", res.QSDF, c.QSDF[0])
			}
			for i, v := range res.Tau2 {
				check("tau2", v, c.Tau2[i], est*10)
			}
			if res.ScaleLRT == nil {
				t.Fatal("no scale LRT")
			}
			// a difference of two log-likelihoods, each to 1e-6
			check("LRT", *res.ScaleLRT, c.LRT, 1e-5)
			check("LRT_p", *res.ScaleLRTP, c.LRTP, 1e-4)
			if res.ScaleLRTDF != c.LRTDF {
				t.Errorf("LRT df %d, want %d", res.ScaleLRTDF, c.LRTDF)
			}
			if c.Newscale != nil {
				preds, err := res.PredictScale(c.Newscale.Values)
				if err != nil {
					t.Fatal(err)
				}
				for i, p := range preds {
					check("newscale pred", p.Pred, c.Newscale.Pred[i], est)
					check("newscale se", p.SE, c.Newscale.SE[i], seTol)
					check("newscale ci_lb", p.CILB, c.Newscale.CILB[i], seTol)
					check("newscale ci_ub", p.CIUB, c.Newscale.CIUB[i], seTol)
				}
			}
		})
	}
}
