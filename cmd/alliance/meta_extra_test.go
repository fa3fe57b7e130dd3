package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMetaExtrasMatchMetafor checks 'alliance meta' with --bias,
// --influence, --leave1out, --cumulative, --robust, --cluster and
// --aggregate end to end on demo-studies against metafor 3.8-1 and
// clubSandwich 0.5.8 run on the same CSV (testdata/golden/R/cli.R).
func TestMetaExtrasMatchMetafor(t *testing.T) {
	var g struct {
		Args                                 []string
		EggerZ                               float64   `json:"egger_z"`
		EggerP                               float64   `json:"egger_p"`
		EggerLimit                           float64   `json:"egger_limit"`
		RankTau                              float64   `json:"rank_tau"`
		RankP                                float64   `json:"rank_p"`
		TfK0                                 int       `json:"tf_k0"`
		TfSide                               string    `json:"tf_side"`
		TfEstimate                           float64   `json:"tf_estimate"`
		TfSE                                 float64   `json:"tf_se"`
		FsnRosenthal, FsnOrwin, FsnRosenberg int       // filled from the raw map (float JSON numbers)
		InfRstudent                          []float64 `json:"inf_rstudent"`
		InfCook                              []float64 `json:"inf_cook"`
		InfHat                               []float64 `json:"inf_hat"`
		InfFlag                              []bool    `json:"inf_flag"`
		L1oEstimate                          []float64 `json:"l1o_estimate"`
		L1oTau2                              []float64 `json:"l1o_tau2"`
		CumEstimate                          []float64 `json:"cum_estimate"`
		RobustSE                             float64   `json:"robust_se"`
		RobustDF                             float64   `json:"robust_df"`
		RobustP                              float64   `json:"robust_p"`
		MvArgs                               []string  `json:"mv_args"`
		MvSigma2                             []float64 `json:"mv_sigma2"`
		MvRobustSE                           float64   `json:"mv_robust_se"`
		MvRobustDF                           float64   `json:"mv_robust_df"`
		AggArgs                              []string  `json:"agg_args"`
		AggK                                 int       `json:"agg_k"`
	}
	if err := loadGolden("cli_meta_extras.json", &g); err != nil {
		t.Fatal(err)
	}
	var raw map[string]any
	if err := loadGolden("cli_meta_extras.json", &raw); err != nil {
		t.Fatal(err)
	}
	f := func(k string) float64 { return raw[k].(float64) }
	g.FsnRosenthal, g.FsnOrwin, g.FsnRosenberg = int(f("fsn_rosenthal")), int(f("fsn_orwin")), int(f("fsn_rosenberg"))

	out, stderr, code := runCLI(t, "", append(g.Args, "--format", "json", "--quiet")...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var got struct {
		Bias struct {
			Egger struct {
				Statistic, P float64
				Estimate     *float64
			}
			Rank     struct{ Tau, P float64 }
			Trimfill struct {
				K0           int
				Side         string
				Estimate, SE float64
			}
			FSN struct{ Rosenthal, Orwin, Rosenberg int }
		}
		Influence []struct {
			RStudent float64 `json:"rstudent"`
			CookD    float64 `json:"cook_d"`
			Hat      float64
			Inf      bool
		}
		Leave1out  []struct{ Estimate, Tau2 float64 }
		Cumulative []struct{ Estimate float64 }
		Robust     struct {
			Coefficients []struct{ SE, DF, P float64 }
		}
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	const tol = 1e-7
	b := got.Bias
	if !relClose(b.Egger.Statistic, g.EggerZ, tol) || !relClose(b.Egger.P, g.EggerP, tol) || b.Egger.Estimate == nil || !relClose(*b.Egger.Estimate, g.EggerLimit, tol) {
		t.Errorf("Egger %+v, metafor z %v p %v limit %v", b.Egger, g.EggerZ, g.EggerP, g.EggerLimit)
	}
	if !relClose(b.Rank.Tau, g.RankTau, tol) || !relClose(b.Rank.P, g.RankP, tol) {
		t.Errorf("rank test %+v, metafor τ %v p %v", b.Rank, g.RankTau, g.RankP)
	}
	if b.Trimfill.K0 != g.TfK0 || b.Trimfill.Side != g.TfSide || !relClose(b.Trimfill.Estimate, g.TfEstimate, tol) || !relClose(b.Trimfill.SE, g.TfSE, tol) {
		t.Errorf("trim-and-fill %+v, metafor k0 %d %s %v (%v)", b.Trimfill, g.TfK0, g.TfSide, g.TfEstimate, g.TfSE)
	}
	if b.FSN.Rosenthal != g.FsnRosenthal || b.FSN.Orwin != g.FsnOrwin || b.FSN.Rosenberg != g.FsnRosenberg {
		t.Errorf("fail-safe N %+v, metafor %d %d %d", b.FSN, g.FsnRosenthal, g.FsnOrwin, g.FsnRosenberg)
	}
	if len(got.Influence) != len(g.InfRstudent) {
		t.Fatalf("%d influence rows, want %d", len(got.Influence), len(g.InfRstudent))
	}
	for i, r := range got.Influence {
		if !relClose(r.RStudent, g.InfRstudent[i], 1e-6) || !relClose(r.CookD, g.InfCook[i], 1e-6) || !relClose(r.Hat, g.InfHat[i], 1e-6) || r.Inf != g.InfFlag[i] {
			t.Errorf("influence row %d: %+v, metafor rstudent %v cook %v hat %v inf %v", i+1, r, g.InfRstudent[i], g.InfCook[i], g.InfHat[i], g.InfFlag[i])
		}
	}
	for i, r := range got.Leave1out {
		if !relClose(r.Estimate, g.L1oEstimate[i], 1e-6) || !relClose(r.Tau2, g.L1oTau2[i], 1e-6) {
			t.Errorf("leave-one-out %d: %+v, metafor %v %v", i+1, r, g.L1oEstimate[i], g.L1oTau2[i])
		}
	}
	for i, r := range got.Cumulative {
		if !relClose(r.Estimate, g.CumEstimate[i], 1e-6) {
			t.Errorf("cumulative %d: %v, metafor %v", i+1, r.Estimate, g.CumEstimate[i])
		}
	}
	if c := got.Robust.Coefficients; len(c) != 1 || !relClose(c[0].SE, g.RobustSE, 1e-7) || !relClose(c[0].DF, g.RobustDF, 1e-6) || !relClose(c[0].P, g.RobustP, 1e-5) {
		t.Errorf("CR2 %+v, clubSandwich se %v df %v p %v", c, g.RobustSE, g.RobustDF, g.RobustP)
	}

	// Three-level model with CR2.
	out, stderr, code = runCLI(t, "", append(g.MvArgs, "--format", "json", "--quiet")...)
	if code != 0 {
		t.Fatalf("three-level: exit %d: %s", code, stderr)
	}
	var mv struct {
		Coefficients []struct{ Estimate, SE float64 }
		Sigma2       []float64
		Fit          struct{ LogLik float64 }
		Robust       struct {
			Coefficients []struct{ SE, DF float64 }
		}
	}
	if err := json.Unmarshal([]byte(out), &mv); err != nil {
		t.Fatal(err)
	}
	if !relClose(mv.Coefficients[0].Estimate, f("mv_estimate"), 1e-5) || !relClose(mv.Coefficients[0].SE, f("mv_se"), 1e-5) || !relClose(mv.Fit.LogLik, f("mv_logLik"), 1e-8) {
		t.Errorf("three-level %+v logLik %v, metafor %v %v %v", mv.Coefficients, mv.Fit.LogLik, f("mv_estimate"), f("mv_se"), f("mv_logLik"))
	}
	for i := range mv.Sigma2 {
		if !relClose(mv.Sigma2[i], g.MvSigma2[i], 1e-4) {
			t.Errorf("sigma2[%d] = %v, metafor %v", i, mv.Sigma2[i], g.MvSigma2[i])
		}
	}
	if c := mv.Robust.Coefficients; len(c) != 1 || !relClose(c[0].SE, g.MvRobustSE, 1e-5) || !relClose(c[0].DF, g.MvRobustDF, 1e-4) {
		t.Errorf("three-level CR2 %+v, clubSandwich se %v df %v", c, g.MvRobustSE, g.MvRobustDF)
	}

	// Aggregation within studies (CS, rho = .5), then REML; and the table.
	dir := t.TempDir()
	aggFile := filepath.Join(dir, "agg.csv")
	out, stderr, code = runCLI(t, "", append(g.AggArgs, "--aggregate-out", aggFile, "--format", "json", "--quiet")...)
	if code != 0 {
		t.Fatalf("aggregate: exit %d: %s", code, stderr)
	}
	var ag struct {
		K            int
		Tau2         float64
		Coefficients []struct{ Estimate, SE float64 }
	}
	if err := json.Unmarshal([]byte(out), &ag); err != nil {
		t.Fatal(err)
	}
	if ag.K != g.AggK || !relClose(ag.Coefficients[0].Estimate, f("agg_estimate"), 1e-8) || !relClose(ag.Coefficients[0].SE, f("agg_se"), 1e-8) || !relClose(ag.Tau2, f("agg_tau2"), 1e-7) {
		t.Errorf("aggregated: k %d %+v τ² %v; metafor k %d %v %v %v", ag.K, ag.Coefficients, ag.Tau2, g.AggK, f("agg_estimate"), f("agg_se"), f("agg_tau2"))
	}
	b2, err := os.ReadFile(aggFile)
	if err != nil || strings.Count(string(b2), "\n") != g.AggK+1 {
		t.Errorf("aggregated table: %v, %d lines", err, strings.Count(string(b2), "\n"))
	}
}

func TestMetaFiguresAndFlagErrors(t *testing.T) {
	dir := t.TempDir()
	var args []string
	for _, f := range []string{"forest.svg", "funnel.pdf", "baujat.png"} {
		args = append(args, "--"+strings.TrimSuffix(f, filepath.Ext(f)), filepath.Join(dir, f))
	}
	if _, stderr, code := runCLI(t, "", append([]string{"meta", "--dataset", "molloy2014", "--quiet"}, args...)...); code != 0 {
		t.Fatalf("figures: exit %d %s", code, stderr)
	}
	for _, f := range []string{"forest.svg", "funnel.pdf", "baujat.png"} {
		if st, err := os.Stat(filepath.Join(dir, f)); err != nil || st.Size() < 1000 {
			t.Errorf("%s not written: %v", f, err)
		}
	}
	bub := filepath.Join(dir, "bubble.png")
	if _, stderr, code := runCLI(t, "", "meta", "--mods", "year", "--bubble", bub, "--quiet"); code != 0 {
		t.Errorf("bubble: exit %d %s", code, stderr)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"meta", "--forest", "x.gif"}, ".png, .svg or .pdf"},
		{[]string{"meta", "--cluster", "study", "--bias", "--trimfill", "R0"}, "multilevel Egger"},
		{[]string{"meta", "--cluster", "study", "--cumulative", "year"}, "univariate"},
		{[]string{"meta", "--cluster", "study", "--leave1out-cluster", "study"}, "already leaves out one study"},
		{[]string{"meta", "--cluster", "study", "--aggregate", "study"}, "not both"},
		{[]string{"meta", "--cluster", "study", "--method", "DL"}, "REML or ML"},
		{[]string{"meta", "--mods", "year", "--bias"}, "intercept-only"},
		{[]string{"meta", "--robust", "nosuch"}, `"nosuch"`},
	} {
		_, stderr, code := runCLI(t, "", c.args...)
		if code != 2 || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d %q (want 2 and %q)", c.args, code, stderr, c.want)
		}
	}
}

func TestMetaRadialAndInfluencePlot(t *testing.T) {
	dir := t.TempDir()
	rad, inf := filepath.Join(dir, "radial.svg"), filepath.Join(dir, "influence.png")
	if _, stderr, code := runCLI(t, "", "meta", "--dataset", "molloy2014", "--radial", rad, "--influence-plot", inf, "--quiet"); code != 0 {
		t.Fatalf("exit %d %s", code, stderr)
	}
	for _, f := range []string{rad, inf} {
		if st, err := os.Stat(f); err != nil || st.Size() < 1000 {
			t.Errorf("%s not written: %v", f, err)
		}
	}
}

func TestForestVariants(t *testing.T) {
	dir := t.TempDir()
	l1o, cum, mv := filepath.Join(dir, "l1o.svg"), filepath.Join(dir, "cum.png"), filepath.Join(dir, "mv.pdf")
	if _, stderr, code := runCLI(t, "", "meta", "--dataset", "molloy2014", "--leave1out-forest", l1o, "--cumulative", "year", "--cumulative-forest", cum, "--quiet"); code != 0 {
		t.Fatalf("exit %d %s", code, stderr)
	}
	if _, stderr, code := runCLI(t, "", "meta", "--cluster", "study/es_id", "--forest", mv, "--quiet"); code != 0 {
		t.Fatalf("three-level forest: exit %d %s", code, stderr)
	}
	for _, f := range []string{l1o, cum, mv} {
		if st, err := os.Stat(f); err != nil || st.Size() < 1000 {
			t.Errorf("%s not written: %v", f, err)
		}
	}
	if _, stderr, code := runCLI(t, "", "meta", "--cumulative-forest", filepath.Join(dir, "x.png")); code != 2 || !strings.Contains(stderr, "--cumulative") {
		t.Errorf("cumulative forest without --cumulative: exit %d %q", code, stderr)
	}
}
