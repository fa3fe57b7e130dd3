package workflow

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/alliance-research/alliance/analysis/internal/golden"
)

// metafor 3.8-1's numbers for the intercept-only three-level model of
// dat.konstantopoulos2011 (golden metamv_influence.json, made by
// testdata/golden/R/metamv_influence.R).
type goldenMVInfluence struct {
	Sigma2      []float64
	CookCluster []float64   `json:"cook_d_cluster"`
	DFBCluster  [][]float64 `json:"dfbetas_cluster"`
	Cook        []float64   `json:"cook_d"`
	Hat         []float64
	Leave1out   []struct {
		Cluster  string
		Estimate float64
		CILB     float64 `json:"ci_lb"`
		CIUB     float64 `json:"ci_ub"`
		Sigma2   []float64
	}
	I2 struct {
		I2     float64   `json:"I2"`
		Levels []float64 `json:"I2_levels"`
	}
}

// meta --cluster district/school --influence --leave1out gives, in its
// JSON, metafor's cooks.distance(res, cluster = district), dfbetas,
// cooks.distance(res), hatvalues(res) and the leave-one-district-out fits
// (to 1e-4: refits depend on where nlminb stops) and the multilevel I²;
// the text has the tables, the methods say what ran, and the command line
// and R code reproduce it.
func TestMetaClusterInfluenceGolden(t *testing.T) {
	src, _ := konstantopoulosSource(t)
	var g struct {
		Konstantopoulos struct{ Fits []json.RawMessage }
	}
	if err := golden.Load("metamv_influence.json", &g); err != nil {
		t.Fatal(err)
	}
	var want goldenMVInfluence // the intercept-only fit
	if err := json.Unmarshal(g.Konstantopoulos.Fits[0], &want); err != nil {
		t.Fatal(err)
	}
	run, err := Meta(src, MetaOptions{Yi: "yi", Vi: "vi", Cluster: "district/school", Influence: true, LeaveOneOut: true, NoProfile: true})
	if err != nil {
		t.Fatal(err)
	}
	out := oursJSON(t, run.Output())
	check := func(path string, w, tol float64) {
		t.Helper()
		got, ok := out[path]
		if !ok || !relClose(got, w, tol) {
			t.Errorf("%s = %v (present %v), metafor %.10g", path, got, ok, w)
		}
	}
	for i, w := range want.CookCluster {
		check(fmt.Sprintf("influence.clusters[%d].cook_d", i), w, 1e-4)
		check(fmt.Sprintf("influence.clusters[%d].dfbetas[0]", i), want.DFBCluster[i][0], 1e-4)
	}
	for i, w := range want.Cook {
		check(fmt.Sprintf("influence.effects[%d].cook_d", i), w, 1e-4)
		check(fmt.Sprintf("influence.effects[%d].hat", i), want.Hat[i], 1e-4)
	}
	for i, l := range want.Leave1out {
		check(fmt.Sprintf("leave1out[%d].estimate", i), l.Estimate, 1e-4)
		check(fmt.Sprintf("leave1out[%d].ci_ub", i), l.CIUB, 1e-4)
		check(fmt.Sprintf("leave1out[%d].sigma2[0]", i), l.Sigma2[0], 1e-4)
	}
	check("I2", want.I2.I2, 1e-4)
	check("I2_levels[0].I2", want.I2.Levels[0], 1e-4)
	check("I2_levels[1].I2", want.I2.Levels[1], 1e-4)
	check("variance_distribution.I2_level3", want.I2.Levels[0], 1e-4) // Cheung's equals it here (no moderators, V diagonal)

	var titles []string
	for _, b := range run.Section().Blocks {
		if tb, ok := b.(*Table); ok {
			titles = append(titles, tb.Title)
		}
	}
	all := strings.Join(titles, " | ")
	for _, w := range []string{"Influence of each district", "largest Cook's distance", "Leave-one-district-out"} {
		if !strings.Contains(all, w) {
			t.Errorf("no table %q among %s", w, all)
		}
	}
	m := run.Methods()
	for _, w := range []string{"left out in turn", "Cook's distances, DFBETAS and hat values", "leaving out one district at a time", "Nakagawa"} {
		if !strings.Contains(m+allText(&Document{Sections: []*Section{run.Section()}}), w) {
			t.Errorf("the methods or text lack %q: %s", w, m)
		}
	}
	st := run.Steps()
	if len(st) != 1 || !strings.Contains(st[0].Command, "--influence") || !strings.Contains(st[0].Command, "--leave1out") {
		t.Errorf("command line: %+v", st)
	}
	for _, w := range []string{"cooks.distance(res3, cluster = cl3)", "dfbetas(res3, cluster = cl3)", "hatvalues(res3)", "subset = cl3 != id", "solve(res3$V)"} {
		if !strings.Contains(st[0].RCode, w) {
			t.Errorf("R code lacks %q", w)
		}
	}
}

// The printed R code, run in R, gives every number alliance gives for the
// three-level model with influence and leave-one-cluster-out (ρ = 0 and
// .6, z and t tests, with a moderator).
func TestMetaClusterInfluenceRCodeRunsInR(t *testing.T) {
	rs := rscript(t, "metafor", "jsonlite", "clubSandwich")
	src, _ := konstantopoulosSource(t)
	for _, c := range []struct {
		rho  float64
		test string
	}{{0, "z"}, {0.6, "t"}} {
		run, err := Meta(src, MetaOptions{Yi: "yi", Vi: "vi", Cluster: "district/school", Influence: true, LeaveOneOut: true, NoProfile: true, Test: c.test, Rho: c.rho, RhoSet: c.rho != 0})
		if err != nil {
			t.Fatal(err)
		}
		objs := runRCode(t, rs, run.Steps()[0].RCode)
		r := map[string]float64{}
		flatten(objs[len(objs)-1], "", r)
		compareJSON(t, fmt.Sprintf("rho %g %s", c.rho, c.test), oursJSON(t, run.Output()), r, 1e-4)
	}
}

// What a three-level model alone still does not offer is refused with a
// message that says what to do; influence and leave-one-out are not.
func TestMetaClusterDiagnosticsRefusals(t *testing.T) {
	src, _ := konstantopoulosSource(t)
	for _, c := range []struct {
		opt  MetaOptions
		want string
	}{
		{MetaOptions{Cumulative: "yi"}, "cumulative"},
		{MetaOptions{LeaveClusterOut: "district"}, "leave-one-out already leaves out one district"},
		{MetaOptions{Figures: []string{"baujat"}}, "univariate"},
	} {
		o := c.opt
		o.Yi, o.Vi, o.Cluster, o.NoProfile = "yi", "vi", "district/school", true
		if _, err := Meta(src, o); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: error %v, want %q", c.opt, err, c.want)
		}
	}
	if _, err := Meta(src, MetaOptions{Yi: "yi", Vi: "vi", Cluster: "district/school", LeaveOneOut: true, NoProfile: true}); err != nil {
		t.Errorf("--leave1out with --cluster: %v", err)
	}
}

// On demo-studies every leave-one-cluster-out refit converges (without
// study 24 Fisher scoring used to alternate around the optimum until its
// iteration limit), so no row is missing and no warning is shown; the R
// code, run in R, gives the same leave-out fits (skipped without R).
func TestMetaClusterLeaveOutDemo(t *testing.T) {
	run, err := Meta(embedded(t, "demo-studies"), MetaOptions{Cluster: "study/es_id", LeaveOneOut: true, NoProfile: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(run.top) > 0 {
		t.Errorf("notes: %+v", run.top)
	}
	inf := run.ThreeLevelInfluence
	if inf == nil || len(inf.LeaveOut) != run.ThreeLevel.NLevels[0] {
		t.Fatalf("leave-out fits: %+v", inf)
	}
	for _, l := range inf.LeaveOut {
		if !finite(l.Estimate) || !finite(l.Sigma2[0]) || !finite(l.Sigma2[1]) {
			t.Errorf("without %s: %+v", l.Cluster, l)
		}
	}
	if _, ok := oursJSON(t, run.Output())["influence.clusters[0].cook_d"]; ok {
		t.Error("--leave1out alone printed the influence table")
	}
	rs := rscript(t, "metafor", "jsonlite", "clubSandwich")
	objs := runRCode(t, rs, run.Steps()[0].RCode)
	r := map[string]float64{}
	flatten(objs[len(objs)-1], "", r)
	compareJSON(t, "demo-studies leave1out", oursJSON(t, run.Output()), r, 1e-4)
}
