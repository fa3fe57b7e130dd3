package metamv

import (
	"testing"

	"github.com/alliance-research/alliance/analysis/internal/golden"
	"github.com/alliance-research/alliance/analysis/meta"
)

// checkRobust compares CR1 (metafor robust, adjust = TRUE) and CR2
// (clubSandwich coef_test/conf_int Satterthwaite, Wald_test HTZ). Values
// depend on σ̂² only through the weights, so they are computed from the fit
// at metafor's σ² (rf) to the fixed-effect tolerance; df to 1e-6.
func checkRobust(t *testing.T, name string, cr1, cr2 *Robust, g gRob) {
	t.Helper()
	for j, c := range cr1.Coefficients {
		near(t, name+" CR1 se "+c.Name, c.SE, g.CR1.SE[j], tolFix, 0)
		near(t, name+" CR1 t "+c.Name, c.Statistic, g.CR1.Statistic[j], tolFix, 1e-8)
		near(t, name+" CR1 p "+c.Name, c.P, g.CR1.P[j], 1e-5, 1e-12)
		near(t, name+" CR1 ci_lb "+c.Name, c.CILB, g.CR1.CILB[j], tolFix, 1e-9)
		near(t, name+" CR1 ci_ub "+c.Name, c.CIUB, g.CR1.CIUB[j], tolFix, 1e-9)
		if c.DF == nil || *c.DF != g.CR1.DF {
			t.Errorf("%s CR1 df = %v, want %g", name, c.DF, g.CR1.DF)
		}
	}
	near(t, name+" CR1 QM", cr1.QM.Fstat, g.CR1.QM, tolFix, 0)
	near(t, name+" CR1 QM_p", cr1.QM.P, g.CR1.QMP, 1e-5, 1e-14)
	for j, c := range cr2.Coefficients {
		if c.DF == nil {
			t.Fatalf("%s CR2 %s: no df", name, c.Name)
		}
		near(t, name+" CR2 se "+c.Name, c.SE, g.CR2.SE[j], tolFix, 0)
		near(t, name+" CR2 t "+c.Name, c.Statistic, g.CR2.Statistic[j], tolFix, 1e-8)
		near(t, name+" CR2 df "+c.Name, *c.DF, g.CR2.DF[j], 1e-6, 0)
		near(t, name+" CR2 p "+c.Name, c.P, g.CR2.P[j], 1e-5, 1e-12)
		near(t, name+" CR2 ci_lb "+c.Name, c.CILB, g.CR2.CILB[j], tolFix, 1e-9)
		near(t, name+" CR2 ci_ub "+c.Name, c.CIUB, g.CR2.CIUB[j], tolFix, 1e-9)
	}
	if w := g.CR2.Wald; w != nil {
		if cr2.QM == nil || cr2.QM.Test != "HTZ" {
			t.Fatalf("%s: no HTZ test: %+v", name, cr2.QM)
		}
		near(t, name+" HTZ F", cr2.QM.Fstat, w.Fstat, 1e-6, 0)
		near(t, name+" HTZ delta", cr2.QM.Delta, w.Delta, 1e-6, 0)
		near(t, name+" HTZ df_denom", cr2.QM.DFDenom, w.DFDenom, 1e-6, 0)
		near(t, name+" HTZ p", cr2.QM.P, w.P, 1e-5, 1e-14)
		if cr2.QM.DFNum != w.DFNum {
			t.Errorf("%s: HTZ df_num = %g, want %g", name, cr2.QM.DFNum, w.DFNum)
		}
	}
}

func robustPair(t *testing.T, name string, r *Result, cluster []string) (*Robust, *Robust) {
	t.Helper()
	cr1, err := ClusterRobust(r, cluster, RobustOptions{Type: CR1})
	if err != nil {
		t.Fatalf("%s CR1: %v", name, err)
	}
	cr2, err := ClusterRobust(r, cluster, RobustOptions{})
	if err != nil {
		t.Fatalf("%s CR2: %v", name, err)
	}
	// The quadrature for the CR2 adjustment (used for large clusters)
	// must reproduce the dense adjustment checked against clubSandwich.
	cr2q, err := ClusterRobust(r, cluster, RobustOptions{quadAll: true})
	if err != nil {
		t.Fatalf("%s CR2 quadrature: %v", name, err)
	}
	sameRobust(t, name+" quadrature", cr2, cr2q, 1e-10)
	return cr1, cr2
}

func TestGoldenRobust(t *testing.T) {
	var demo struct {
		Data struct {
			Study         []string  `json:"study"`
			ESID          []string  `json:"es_id"`
			AllianceRater []string  `json:"alliance_rater"`
			Year          []float64 `json:"year"`
			Yi, Vi        []float64
		}
		REML, Mods, Rho6 gFit
		RobustREML       gRob `json:"robust_reml"`
		RobustMods       gRob `json:"robust_mods"`
		RobustRho6       gRob `json:"robust_rho6"`
		Uni              struct {
			Tau2     float64
			Estimate fvec
			Robust   gRob
		}
	}
	if err := golden.Load("metamv_demo.json", &demo); err != nil {
		t.Fatal(err)
	}
	d := demo.Data
	mods := []meta.Moderator{{Name: "alliance_rater", Text: d.AllianceRater}, {Name: "year", Numeric: d.Year}}
	for _, c := range []struct {
		name string
		opt  Options
		fit  gFit
		rob  gRob
	}{
		{"demo reml", Options{}, demo.REML, demo.RobustREML},
		{"demo mods", Options{Mods: mods}, demo.Mods, demo.RobustMods},
		{"demo rho6", Options{Rho: 0.6}, demo.Rho6, demo.RobustRho6},
	} {
		_, rf := fitBoth(t, c.name, d.Yi, d.Vi, d.Study, d.ESID, c.opt, c.fit)
		cr1, cr2 := robustPair(t, c.name, rf, d.Study)
		checkRobust(t, c.name, cr1, cr2, c.rob)
	}

	// Univariate rma (REML) with robust inference by study.
	uni, err := meta.Fit(d.Yi, d.Vi, meta.Options{Mods: []meta.Moderator{{Name: "alliance_rater", Text: d.AllianceRater}}})
	if err != nil {
		t.Fatal(err)
	}
	near(t, "uni tau2", uni.Tau2, demo.Uni.Tau2, 1e-8, 0)
	cr1, err := ClusterRobustUni(uni, d.Study, RobustOptions{Type: CR1})
	if err != nil {
		t.Fatal(err)
	}
	cr2, err := ClusterRobustUni(uni, d.Study, RobustOptions{})
	if err != nil {
		t.Fatal(err)
	}
	checkRobust(t, "uni", cr1, cr2, demo.Uni.Robust)

	var kon struct {
		Data struct {
			District, School []string
			Year, Yi, Vi     []float64
		}
		REML, Mods gFit
		RobustREML gRob `json:"robust_reml"`
		RobustMods gRob `json:"robust_mods"`
	}
	if err := golden.Load("metamv_konstantopoulos.json", &kon); err != nil {
		t.Fatal(err)
	}
	yc := make([]float64, len(kon.Data.Year))
	for i, y := range kon.Data.Year {
		yc[i] = y - 1990
	}
	kd := kon.Data
	_, rf := fitBoth(t, "kon", kd.Yi, kd.Vi, kd.District, kd.School, Options{}, kon.REML)
	cr1, cr2 = robustPair(t, "kon reml", rf, kd.District)
	checkRobust(t, "kon reml", cr1, cr2, kon.RobustREML)
	_, rf = fitBoth(t, "kon", kd.Yi, kd.Vi, kd.District, kd.School, Options{Mods: []meta.Moderator{{Name: "y", Numeric: yc}}}, kon.Mods)
	cr1, cr2 = robustPair(t, "kon mods", rf, kd.District)
	checkRobust(t, "kon mods", cr1, cr2, kon.RobustMods)

	var sim struct {
		Data struct {
			Cl, Inn       []string
			Yi, Vi, X, Yb []float64
			G             []string
		}
		Mods, Rho5 gFit
		RobustMods gRob `json:"robust_mods"`
		RobustRho5 gRob `json:"robust_rho5"`
	}
	if err := golden.Load("metamv_sim.json", &sim); err != nil {
		t.Fatal(err)
	}
	sd := sim.Data
	smods := []meta.Moderator{{Name: "x", Numeric: sd.X}, {Name: "g", Text: sd.G}}
	_, rf = fitBoth(t, "sim", sd.Yi, sd.Vi, sd.Cl, sd.Inn, Options{Mods: smods}, sim.Mods)
	cr1, cr2 = robustPair(t, "sim mods", rf, sd.Cl)
	checkRobust(t, "sim mods", cr1, cr2, sim.RobustMods)
	_, rf = fitBoth(t, "sim", sd.Yi, sd.Vi, sd.Cl, sd.Inn, Options{Rho: 0.5, Mods: smods}, sim.Rho5)
	cr1, cr2 = robustPair(t, "sim rho5", rf, sd.Cl)
	checkRobust(t, "sim rho5", cr1, cr2, sim.RobustRho5)
}

// TestRobustFlatBlock checks that the flat JSON fields repeat the first
// coefficient's robust inference.
func TestRobustFlatBlock(t *testing.T) {
	yi := []float64{0.1, 0.3, 0.2, 0.5, 0.4, 0.6, 0.2, 0.3}
	vi := []float64{0.01, 0.02, 0.01, 0.03, 0.02, 0.01, 0.02, 0.01}
	outer := []string{"a", "a", "b", "b", "c", "c", "d", "d"}
	r, err := Fit(yi, vi, outer, nil, Options{NoProfile: true})
	if err != nil {
		t.Fatal(err)
	}
	rb, err := ClusterRobust(r, outer, RobustOptions{Type: CR2})
	if err != nil {
		t.Fatal(err)
	}
	c := rb.Coefficients[0]
	if rb.SE != c.SE || c.DF == nil || rb.DF != *c.DF || rb.P != c.P || rb.CILB != c.CILB || rb.CIUB != c.CIUB {
		t.Errorf("flat block %+v differs from the first coefficient %+v", rb, c)
	}
}
