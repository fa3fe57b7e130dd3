package metamv

import (
	"math"
	"strconv"
	"testing"

	"github.com/alliance-research/alliance/analysis/internal/golden"
	"github.com/alliance-research/alliance/analysis/meta"
)

// Goldens: testdata/golden/R/metamv.R (metafor 3.8-1 rma.mv, confint,
// anova, robust; clubSandwich coef_test, conf_int, Wald_test).

type gFit struct {
	K, P      int
	Method    string
	Test      string
	Names     svec
	Estimate  fvec
	SE        fvec
	Statistic fvec
	PValue    fvec `json:"p_value"`
	CILB      fvec `json:"ci_lb"`
	CIUB      fvec `json:"ci_ub"`
	DF        *float64
	Sigma2    []float64
	SNLevels  []int   `json:"s_nlevels"`
	QE        float64 `json:"QE"`
	QEP       float64 `json:"QE_p"`
	QM        float64 `json:"QM"`
	QMP       float64 `json:"QM_p"`
	QMDF      int     `json:"QM_df"`
	QMDF2     *int    `json:"QM_df2"`
	Fit       struct{ LogLik, Deviance, AIC, BIC, AICc float64 }
	VarDist   struct {
		TypicalV               float64 `json:"typical_v"`
		Level1, Level2, Level3 float64
	}
	PI       fvec
	Sigma2CI []fvec `json:"sigma2_ci"`
	LRT      []struct {
		Component     int
		LogLikReduced float64 `json:"logLik_reduced"`
		LRT, P        float64
		AICReduced    float64 `json:"AIC_reduced"`
		BICReduced    float64 `json:"BIC_reduced"`
	}
}

type gRob struct {
	CR1 struct {
		SE, Statistic, P fvec
		CILB             fvec `json:"ci_lb"`
		CIUB             fvec `json:"ci_ub"`
		DF               float64
		QM               float64 `json:"QM"`
		QMP              float64 `json:"QM_p"`
		QMDF             fvec    `json:"QM_df"`
	}
	CR2 struct {
		SE, Statistic, DF, P fvec
		CILB                 fvec `json:"ci_lb"`
		CIUB                 fvec `json:"ci_ub"`
		Wald                 *struct {
			Fstat, Delta, P float64
			DFNum           float64 `json:"df_num"`
			DFDenom         float64 `json:"df_denom"`
		}
	}
}

func relErr(got, want float64) float64 {
	if got == want {
		return 0
	}
	return math.Abs(got-want) / math.Max(math.Abs(want), 1e-300)
}

// near checks |got − want| ≤ rel·|want| + abs.
func near(t *testing.T, what string, got, want, rel, abs float64) {
	t.Helper()
	if math.IsNaN(got) || math.Abs(got-want) > rel*math.Abs(want)+abs {
		t.Errorf("%s = %.12g, want %.12g (rel err %.2g)", what, got, want, relErr(got, want))
	}
}

// Tolerances: σ² where the optimiser decides (nlminb on the R side),
// fixed effects and SEs, log-likelihoods.
const (
	tolS2   = 1e-4
	tolFix  = 1e-6
	tolLL   = 1e-6
	absS2   = 1e-9 // boundary estimates: metafor stops at ~1e-10 on its log scale
	tolCI   = 1e-4
	tolDist = 1e-4
)

// checkFit compares a free fit r with metafor. Fixed effects, their tests,
// QM and the prediction interval are compared twice: from rf, the same model
// with σ² fixed at metafor's estimates, to tolFix (this isolates the GLS
// step from nlminb's stopping point), and from r to tolS2. The free fit's
// log-likelihood must match metafor's to tolLL and must not be lower.
func checkFit(t *testing.T, name string, r, rf *Result, g gFit, ci, lrt bool) {
	t.Helper()
	if r.Fit.LogLik < g.Fit.LogLik-1e-9*math.Abs(g.Fit.LogLik) {
		t.Errorf("%s: logLik %.12g is below metafor's %.12g: not at the optimum", name, r.Fit.LogLik, g.Fit.LogLik)
	}
	checkCoefs(t, name+" (metafor's σ²)", rf, g, tolFix)
	checkCoefs(t, name, r, g, tolS2)
	if r.K != g.K || r.P != g.P {
		t.Fatalf("%s: k, p = %d, %d, want %d, %d", name, r.K, r.P, g.K, g.P)
	}
	for j := 0; j < 2; j++ {
		near(t, name+" sigma2["+strconv.Itoa(j)+"]", r.Sigma2[j], g.Sigma2[j], tolS2, absS2)
	}
	if r.NLevels[0] != g.SNLevels[0] || r.NLevels[1] != g.SNLevels[1] {
		t.Errorf("%s: s.nlevels = %v, want %v", name, r.NLevels, g.SNLevels)
	}
	near(t, name+" logLik", r.Fit.LogLik, g.Fit.LogLik, tolLL, 0)
	near(t, name+" deviance", r.Fit.Deviance, g.Fit.Deviance, tolLL, 1e-7)
	near(t, name+" AIC", r.Fit.AIC, g.Fit.AIC, tolLL, 0)
	near(t, name+" BIC", r.Fit.BIC, g.Fit.BIC, tolLL, 0)
	near(t, name+" AICc", r.Fit.AICc, g.Fit.AICc, tolLL, 0)
	near(t, name+" QE", r.QE, g.QE, 1e-10, 0)
	near(t, name+" QE_p", *r.QEP, g.QEP, 1e-8, 1e-300)
	near(t, name+" typical v", r.Variance.TypicalV, g.VarDist.TypicalV, 1e-12, 0)
	near(t, name+" I2 level1", r.Variance.Level1, g.VarDist.Level1, tolDist, 1e-6)
	near(t, name+" I2 level2", r.Variance.Level2, g.VarDist.Level2, tolDist, 1e-6)
	near(t, name+" I2 level3", r.Variance.Level3, g.VarDist.Level3, tolDist, 1e-6)
	if ci && g.Sigma2CI != nil {
		for j := 0; j < 2; j++ {
			if r.Sigma2CI[j] == nil {
				t.Errorf("%s: no profile CI for sigma2[%d] (%v)", name, j, r.CINotes)
				continue
			}
			for b := 0; b < 2; b++ {
				if math.IsNaN(g.Sigma2CI[j][b]) {
					continue // metafor could not find this bound
				}
				near(t, name+" sigma2_ci["+strconv.Itoa(j)+"]["+strconv.Itoa(b)+"]", r.Sigma2CI[j][b], g.Sigma2CI[j][b], tolCI, 1e-8)
			}
		}
	}
	if lrt && g.LRT != nil {
		if len(r.LRT) != len(g.LRT) {
			t.Fatalf("%s: %d LRTs, want %d", name, len(r.LRT), len(g.LRT))
		}
		for i, l := range g.LRT {
			got := r.LRT[i]
			if got.Component != l.Component {
				t.Fatalf("%s: LRT %d tests component %d, want %d", name, i, got.Component, l.Component)
			}
			near(t, name+" LRT logLik_reduced", got.LogLikReduced, l.LogLikReduced, tolLL, 0)
			near(t, name+" LRT", got.LRT, l.LRT, 1e-5, 1e-7)
			near(t, name+" LRT p", got.P, l.P, 1e-4, 1e-9)
			near(t, name+" LRT AIC_reduced", got.AICReduced, l.AICReduced, tolLL, 0)
			near(t, name+" LRT BIC_reduced", got.BICReduced, l.BICReduced, tolLL, 0)
		}
	}
}

func checkCoefs(t *testing.T, name string, r *Result, g gFit, tol float64) {
	t.Helper()
	for j, c := range r.Coefficients {
		if c.Name != g.Names[j] {
			t.Errorf("%s: coefficient %d named %q, want %q", name, j, c.Name, g.Names[j])
		}
		near(t, name+" "+c.Name+" estimate", c.Estimate, g.Estimate[j], tol, 1e-9)
		near(t, name+" "+c.Name+" se", c.SE, g.SE[j], tol, 0)
		near(t, name+" "+c.Name+" statistic", c.Statistic, g.Statistic[j], tol, 1e-8)
		near(t, name+" "+c.Name+" p", c.P, g.PValue[j], 10*tol, 1e-12)
		near(t, name+" "+c.Name+" ci_lb", c.CILB, g.CILB[j], tol, 1e-9)
		near(t, name+" "+c.Name+" ci_ub", c.CIUB, g.CIUB[j], tol, 1e-9)
		if g.DF != nil {
			if c.DF == nil || *c.DF != *g.DF {
				t.Errorf("%s: df = %v, want %v", name, c.DF, *g.DF)
			}
		}
	}
	near(t, name+" QM", r.QM, g.QM, tol, 0)
	near(t, name+" QM_p", r.QMP, g.QMP, 10*tol, 1e-14)
	if r.QMDF != g.QMDF || (g.QMDF2 != nil && (r.QMDF2 == nil || *r.QMDF2 != *g.QMDF2)) {
		t.Errorf("%s: QM df = %d/%v, want %d/%v", name, r.QMDF, r.QMDF2, g.QMDF, g.QMDF2)
	}
	if g.PI != nil {
		near(t, name+" pi_lb", *r.PILB, g.PI[0], tol, 1e-9)
		near(t, name+" pi_ub", *r.PIUB, g.PI[1], tol, 1e-9)
	}
}

func TestGoldenDemo(t *testing.T) {
	var g struct {
		Data struct {
			Yi, Vi []float64
		}
		REML, ML, Mods, Modst, Rho6 gFit
	}
	if err := golden.Load("metamv_demo.json", &g); err != nil {
		t.Fatal(err)
	}
	var raw struct {
		Data struct {
			Study         []string  `json:"study"`
			ESID          []string  `json:"es_id"`
			AllianceRater []string  `json:"alliance_rater"`
			OutcomeRater  []string  `json:"outcome_rater"`
			Year          []float64 `json:"year"`
		}
	}
	if err := golden.Load("metamv_demo.json", &raw); err != nil {
		t.Fatal(err)
	}
	d := raw.Data
	y, v := g.Data.Yi, g.Data.Vi
	cases := []struct {
		name    string
		opt     Options
		want    gFit
		ci, lrt bool
	}{
		{"reml", Options{}, g.REML, true, true},
		{"ml", Options{Method: ML}, g.ML, true, true},
		{"mods", Options{Mods: []meta.Moderator{{Name: "alliance_rater", Text: d.AllianceRater}, {Name: "year", Numeric: d.Year}}}, g.Mods, true, false},
		{"modst", Options{Test: "t", Mods: []meta.Moderator{{Name: "outcome_rater", Text: d.OutcomeRater}}}, g.Modst, false, false},
		{"rho6", Options{Rho: 0.6}, g.Rho6, true, false},
	}
	for _, c := range cases {
		c.opt.NoProfile = !c.ci && !c.lrt
		r, rf := fitBoth(t, c.name, y, v, d.Study, d.ESID, c.opt, c.want)
		checkFit(t, "demo "+c.name, r, rf, c.want, c.ci, c.lrt)
	}
}

// fitBoth fits the model freely and with σ² fixed at metafor's estimates.
func fitBoth(t *testing.T, name string, y, v []float64, outer, inner []string, opt Options, g gFit) (*Result, *Result) {
	t.Helper()
	r, err := Fit(y, v, outer, inner, opt)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	s0, s1 := g.Sigma2[0], g.Sigma2[1]
	opt.Sigma2 = [2]*float64{&s0, &s1}
	opt.NoProfile = true
	rf, err := Fit(y, v, outer, inner, opt)
	if err != nil {
		t.Fatalf("%s (fixed σ²): %v", name, err)
	}
	return r, rf
}

func TestGoldenKonstantopoulos(t *testing.T) {
	var g struct {
		Data struct {
			District, School []string
			Year, Yi, Vi     []float64
		}
		REML, ML, Mods gFit
	}
	if err := golden.Load("metamv_konstantopoulos.json", &g); err != nil {
		t.Fatal(err)
	}
	d := g.Data
	yc := make([]float64, len(d.Year))
	for i, y := range d.Year {
		yc[i] = y - 1990
	}
	cases := []struct {
		name string
		opt  Options
		want gFit
		lrt  bool
	}{
		{"reml", Options{}, g.REML, true},
		{"ml", Options{Method: ML}, g.ML, true},
		{"mods", Options{Mods: []meta.Moderator{{Name: "I(year - 1990)", Numeric: yc}}}, g.Mods, false},
	}
	for _, c := range cases {
		r, rf := fitBoth(t, c.name, d.Yi, d.Vi, d.District, d.School, c.opt, c.want)
		checkFit(t, "konstantopoulos "+c.name, r, rf, c.want, true, c.lrt)
	}
}

func TestGoldenSim(t *testing.T) {
	var g struct {
		Data struct {
			Cl, Inn       []string
			Yi, Vi, X, Yb []float64
			G             []string
		}
		REML, Mods, ML, Rho5, Boundary gFit
	}
	if err := golden.Load("metamv_sim.json", &g); err != nil {
		t.Fatal(err)
	}
	d := g.Data
	mods := []meta.Moderator{{Name: "x", Numeric: d.X}, {Name: "g", Text: d.G}}
	cases := []struct {
		name    string
		y       []float64
		opt     Options
		want    gFit
		ci, lrt bool
	}{
		{"reml", d.Yi, Options{}, g.REML, true, true},
		{"mods", d.Yi, Options{Mods: mods}, g.Mods, true, true},
		{"ml", d.Yi, Options{Method: ML, Mods: mods}, g.ML, false, true},
		{"rho5", d.Yi, Options{Rho: 0.5, Mods: mods}, g.Rho5, false, false},
		{"boundary", d.Yb, Options{}, g.Boundary, true, true},
	}
	for _, c := range cases {
		r, rf := fitBoth(t, c.name, c.y, d.Vi, d.Cl, d.Inn, c.opt, c.want)
		checkFit(t, "sim "+c.name, r, rf, c.want, c.ci, c.lrt)
	}
}
