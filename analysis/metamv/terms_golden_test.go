package metamv

import (
	"testing"

	"github.com/alliance-research/alliance/analysis/internal/golden"
	"github.com/alliance-research/alliance/analysis/meta"
)

// gTermsCase is one case of metamv_terms.json (testdata/golden/R/metamv_terms.R).
type gTermsCase struct {
	Sigma2   [2]float64 `json:"sigma2"`
	LogLik   float64    `json:"logLik"`
	Estimate []float64  `json:"estimate"`
	HTZ      []gTermF   `json:"htz"`
	CR1      []gTermF   `json:"cr1"`
	CR0      struct {
		SE, DF, P        fvec
		CILB             fvec     `json:"ci_lb"`
		CIUB             fvec     `json:"ci_ub"`
		QM               float64  `json:"QM"`
		QMP              float64  `json:"QM_p"`
		VcovMetafor      fvec     `json:"vcov_metafor"`
		VcovClubSandwich fvec     `json:"vcov_clubsandwich"`
		F                []gTermF `json:"f"`
	} `json:"cr0"`
	Figures struct {
		Weights, Fitted fvec
		ClusterMeans    []struct {
			Cluster              string
			Estimate, SE, Weight float64
		} `json:"cluster_means"`
	}
	Profile0 struct {
		Sigma2       [2]float64 `json:"sigma2"`
		LogLik       float64    `json:"logLik"`
		Outer, Inner struct {
			Sigma2, LL []float64
		}
	} `json:"profile0"`
}

type gTermF struct {
	BTT     fvec     `json:"btt"`
	Fstat   float64  `json:"Fstat"`
	Delta   *float64 `json:"delta"`
	DFNum   float64  `json:"df_num"`
	DFDenom float64  `json:"df_denom"`
	P       float64  `json:"p"`
}

// checkTermsCase compares the robust term tests (from the fit at metafor's
// σ², rf, to 1e-6), the CR0 sandwich and the profile log-likelihoods
// (from free refits, to tolLL) with metafor/clubSandwich.
func checkTermsCase(t *testing.T, name string, y, v []float64, outer, inner []string, cluster []string, opt Options, g gTermsCase) {
	t.Helper()
	r, rf := fitBoth(t, name, y, v, outer, inner, opt, gFit{Sigma2: g.Sigma2[:]})
	near(t, name+" logLik", r.Fit.LogLik, g.LogLik, tolLL, 0)
	for j, b := range g.Estimate {
		near(t, name+" beta", rf.Coefficients[j].Estimate, b, tolFix, 1e-10)
	}
	rob := map[string]*Robust{}
	for _, typ := range []string{CR0, CR1, CR2} {
		rb, err := ClusterRobust(rf, cluster, RobustOptions{Type: typ})
		if err != nil {
			t.Fatalf("%s %s: %v", name, typ, err)
		}
		rob[typ] = rb
	}
	check := func(typ string, w gTermF) {
		rb := rob[typ]
		var coefs []string
		for _, i := range w.BTT {
			coefs = append(coefs, rb.Coefficients[int(i)-1].Name)
		}
		got, err := rb.TestCoefficients(coefs, coefs)
		if err != nil {
			t.Fatalf("%s %s %v: %v", name, typ, coefs, err)
		}
		what := name + " " + typ + " " + got.WaldTest.Test
		near(t, what+" F", got.Fstat, w.Fstat, tolFix, 0)
		near(t, what+" df_denom", got.DFDenom, w.DFDenom, tolFix, 0)
		near(t, what+" p", got.P, w.P, 1e-5, 1e-14)
		if got.DFNum != w.DFNum {
			t.Errorf("%s df_num = %g, want %g", what, got.DFNum, w.DFNum)
		}
		if w.Delta != nil {
			near(t, what+" delta", got.Delta, *w.Delta, tolFix, 0)
		}
	}
	for _, w := range g.HTZ {
		check(CR2, w)
	}
	for _, w := range g.CR1 {
		check(CR1, w)
	}
	for _, w := range g.CR0.F {
		check(CR0, w)
	}
	c0 := rob[CR0]
	for i := range c0.Vcov {
		near(t, name+" CR0 vcov (metafor)", c0.Vcov[i], g.CR0.VcovMetafor[i], tolFix, 1e-14)
		near(t, name+" CR0 vcov (clubSandwich)", c0.Vcov[i], g.CR0.VcovClubSandwich[i], tolFix, 1e-14)
	}
	for j, c := range c0.Coefficients {
		near(t, name+" CR0 se", c.SE, g.CR0.SE[j], tolFix, 0)
		near(t, name+" CR0 p", c.P, g.CR0.P[j], 1e-5, 1e-12)
		near(t, name+" CR0 ci_lb", c.CILB, g.CR0.CILB[j], tolFix, 1e-9)
		near(t, name+" CR0 ci_ub", c.CIUB, g.CR0.CIUB[j], tolFix, 1e-9)
		if *c.DF != g.CR0.DF[0] {
			t.Errorf("%s CR0 df = %g, want %g", name, *c.DF, g.CR0.DF[0])
		}
	}
	near(t, name+" CR0 QM", c0.QM.Fstat, g.CR0.QM, tolFix, 0)
	near(t, name+" CR0 QM_p", c0.QM.P, g.CR0.QMP, 1e-5, 1e-14)

	// what the figures show, at metafor's σ²
	w, err := rf.Weights()
	if err != nil {
		t.Fatal(err)
	}
	for i, f := range rf.Fitted() {
		near(t, name+" fitted", f, g.Figures.Fitted[i], tolFix, 1e-12)
		near(t, name+" weights", w[i], g.Figures.Weights[i], tolFix, 0)
	}
	cm, err := rf.ClusterMeans()
	if err != nil {
		t.Fatal(err)
	}
	if len(cm) != len(g.Figures.ClusterMeans) {
		t.Fatalf("%s: %d cluster means, want %d", name, len(cm), len(g.Figures.ClusterMeans))
	}
	for i, c := range g.Figures.ClusterMeans {
		if cm[i].Cluster != c.Cluster {
			t.Errorf("%s cluster %d = %q, want %q", name, i, cm[i].Cluster, c.Cluster)
		}
		near(t, name+" cluster mean", cm[i].Estimate, c.Estimate, tolFix, 1e-12)
		near(t, name+" cluster mean se", cm[i].SE, c.SE, tolFix, 0)
		near(t, name+" cluster weight", cm[i].Weight, c.Weight, tolFix, 0)
	}

	// the profiles of the intercept-only model
	opt.Mods = nil
	r0, err := Fit(y, v, outer, inner, opt)
	if err != nil {
		t.Fatal(err)
	}
	near(t, name+" profile fit logLik", r0.Fit.LogLik, g.Profile0.LogLik, tolLL, 0)
	for j, pr := range [2]struct{ Sigma2, LL []float64 }{g.Profile0.Outer, g.Profile0.Inner} {
		p, err := r0.ProfileSigma2(j, pr.Sigma2)
		if err != nil {
			t.Fatal(err)
		}
		for i := range pr.LL {
			near(t, name+" profile ll", p.LL[i], pr.LL[i], tolLL, 0)
		}
		if p.CI == nil || !(p.CI[0] <= p.Estimate && p.Estimate <= p.CI[1]) {
			t.Errorf("%s profile %d: CI %v does not hold the estimate %g", name, j, p.CI, p.Estimate)
		}
	}
	_ = r
}

func TestGoldenTermsKonstantopoulos(t *testing.T) {
	var g struct {
		Konstantopoulos struct {
			gTermsCase
			Data struct {
				District, School []string
				Year, Yi, Vi     []float64
			}
		}
	}
	if err := golden.Load("metamv_terms.json", &g); err != nil {
		t.Fatal(err)
	}
	c := g.Konstantopoulos
	yc, yc2 := make([]float64, len(c.Data.Year)), make([]float64, len(c.Data.Year))
	for i, y := range c.Data.Year {
		yc[i] = y - 1990
		yc2[i] = yc[i] * yc[i]
	}
	opt := Options{Mods: []meta.Moderator{{Name: "yc", Numeric: yc}, {Name: "yc2", Numeric: yc2}}}
	checkTermsCase(t, "konstantopoulos", c.Data.Yi, c.Data.Vi, c.Data.District, c.Data.School, c.Data.District, opt, c.gTermsCase)
}

func TestGoldenTermsCHE(t *testing.T) {
	var g struct {
		CHE struct {
			gTermsCase
			Data struct {
				Study, Es, G []string
				Yi, Vi, X    []float64
			}
		} `json:"che"`
	}
	if err := golden.Load("metamv_terms.json", &g); err != nil {
		t.Fatal(err)
	}
	c := g.CHE
	opt := Options{Rho: 0.6, Mods: []meta.Moderator{{Name: "x", Numeric: c.Data.X}, {Name: "g", Text: c.Data.G}}}
	checkTermsCase(t, "che", c.Data.Yi, c.Data.Vi, c.Data.Study, c.Data.Es, c.Data.Study, opt, c.gTermsCase)
}
