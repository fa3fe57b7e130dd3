package main

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"
)

// TestLmmMatchesLme4 writes lme4's sleepstudy data (from the golden file) as
// CSV, runs 'alliance lmm' on it for each golden fit, and compares with
// lme4 1.1-31 / lmerTest 3.1-3 (testdata/golden/R/mixed.R), plus the
// likelihood-ratio test against lme4's anova.
func TestLmmMatchesLme4(t *testing.T) {
	var g struct {
		Data struct {
			Reaction, Days []float64
			Subject        []any
		}
		Fits []struct {
			Formula             string
			REML                bool
			Names               []string
			Estimate, SE, DF, P []float64
			LogLik, AIC, BIC    float64
			ResidualVariance    float64 `json:"residual_variance"`
		}
		Anova struct {
			Small, Big string
			Chisq, P   float64
			Df         int
		}
	}
	if err := loadGolden("mixed_sleepstudy.json", &g); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("Reaction,Days,Subject\n")
	for i := range g.Data.Reaction {
		fmt.Fprintf(&b, "%v,%v,%v\n", g.Data.Reaction[i], g.Data.Days[i], g.Data.Subject[i])
	}
	csv := b.String()
	for _, f := range g.Fits {
		args := []string{"lmm", "-", "--formula", f.Formula, "--format", "json"}
		if !f.REML {
			args = append(args, "--ml")
		}
		out, stderr, code := runCLI(t, csv, args...)
		if code != 0 {
			t.Fatalf("%s: exit %d %s", f.Formula, code, stderr)
		}
		var got struct {
			Fixed []struct {
				Name                string
				Estimate, SE, DF, P float64
			}
			LogLik, AIC, BIC float64
			ResidualVariance float64 `json:"residual_variance"`
		}
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatal(err)
		}
		if !relClose(got.LogLik, f.LogLik, 1e-8) || !relClose(got.AIC, f.AIC, 1e-8) || !relClose(got.BIC, f.BIC, 1e-8) {
			t.Errorf("%s REML=%v: logLik %v AIC %v BIC %v, lme4 %v %v %v", f.Formula, f.REML, got.LogLik, got.AIC, got.BIC, f.LogLik, f.AIC, f.BIC)
		}
		if !relClose(got.ResidualVariance, f.ResidualVariance, 1e-5) {
			t.Errorf("%s: sigma² %v, lme4 %v", f.Formula, got.ResidualVariance, f.ResidualVariance)
		}
		for i, c := range got.Fixed {
			if c.Name != f.Names[i] || !relClose(c.Estimate, f.Estimate[i], 1e-6) || !relClose(c.SE, f.SE[i], 1e-5) || !relClose(c.DF, f.DF[i], 1e-3) {
				t.Errorf("%s %s: %+v, lme4 %v se %v df %v", f.Formula, f.Names[i], c, f.Estimate[i], f.SE[i], f.DF[i])
			}
		}
	}
	out, stderr, code := runCLI(t, csv, "lmm", "-", "--formula", g.Anova.Big, "--compare", g.Anova.Small, "--format", "json")
	if code != 0 {
		t.Fatalf("compare: exit %d %s", code, stderr)
	}
	var cmp struct {
		Compare struct {
			Chisq, P float64
			Df       int
		}
	}
	if err := json.Unmarshal([]byte(out), &cmp); err != nil {
		t.Fatal(err)
	}
	if c := cmp.Compare; c.Df != g.Anova.Df || !relClose(c.Chisq, g.Anova.Chisq, 1e-6) || !relClose(c.P, g.Anova.P, 1e-5) {
		t.Errorf("LRT %+v, lme4 anova χ² %v df %d p %v", c, g.Anova.Chisq, g.Anova.Df, g.Anova.P)
	}
}

func TestLmmErrors(t *testing.T) {
	csv := "y,x,g\n1,2,a\n2,3,a\n3,1,b\n4,5,b\n"
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"lmm", "-"}, "--formula"},
		{[]string{"lmm", "-", "--formula", "y ~ z + (1 | g)"}, `"z"`},
		{[]string{"lmm", "-", "--formula", "y ~ scale(x) + (1 | g)"}, "scale() is not supported"},
		{[]string{"lmm", "-", "--formula", "log(y - 1) ~ x + (1 | g)"}, "log(y - 1) is -Inf at stdin line 2 (y = 1)"},
		{[]string{"lmm", "-", "--formula", "y ~ x + (1 | g) + (1 + x || g)"}, "cannot be told apart"},
	} {
		_, stderr, code := runCLI(t, csv, c.args...)
		if code != 2 || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d %q (want 2 and %q)", c.args, code, stderr, c.want)
		}
	}
}

// TestLmmDefaultMatchesLme4 checks the no-FILE run (embedded demo-sessions,
// the default formula) against lme4/lmerTest on the same CSV
// (testdata/golden/R/cli.R).
func TestLmmDefaultMatchesLme4(t *testing.T) {
	var g struct {
		Names               []string
		Estimate, SE, DF, P []float64
		Groups              []string
		Variance            []float64
		LogLik, AIC, BIC    float64
		NObs                int `json:"nobs"`
	}
	if err := loadGolden("cli_lmm.json", &g); err != nil {
		t.Fatal(err)
	}
	out, stderr, code := runCLI(t, "", "lmm", "--format", "json", "--quiet")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var got struct {
		Fixed []struct {
			Name                string
			Estimate, SE, DF, P float64
		}
		Random []struct {
			Group    string
			Variance float64
		}
		ResidualVariance float64 `json:"residual_variance"`
		LogLik           float64 `json:"logLik"`
		NObs             int     `json:"nobs"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	if got.NObs != g.NObs || !relClose(got.LogLik, g.LogLik, 1e-9) {
		t.Errorf("nobs %d logLik %v, lme4 %d %v", got.NObs, got.LogLik, g.NObs, g.LogLik)
	}
	for i, c := range got.Fixed {
		if c.Name != g.Names[i] || !relClose(c.Estimate, g.Estimate[i], 1e-6) || !relClose(c.SE, g.SE[i], 1e-5) || !relClose(c.DF, g.DF[i], 1e-3) {
			t.Errorf("%s: %+v, lmerTest %v se %v df %v", g.Names[i], c, g.Estimate[i], g.SE[i], g.DF[i])
		}
	}
	for i, r := range got.Random {
		if r.Group != g.Groups[i] || !relClose(r.Variance, g.Variance[i], 1e-4) {
			t.Errorf("variance %s %v, lme4 %s %v", r.Group, r.Variance, g.Groups[i], g.Variance[i])
		}
	}
	if !relClose(got.ResidualVariance, g.Variance[len(g.Variance)-1], 1e-4) {
		t.Errorf("residual variance %v, lme4 %v", got.ResidualVariance, g.Variance[len(g.Variance)-1])
	}
}

// TestLmmAnovaMatchesLmerTest runs 'alliance lmm --anova 3', '--anova 2' and '--anova 1'
// on the simulated 3-arm trial of testdata/golden/R/mixed_anova.R and
// compares the F tests with lmerTest 3.1-3's anova(m, type = 3 / 2 / 1).
func TestLmmAnovaMatchesLmerTest(t *testing.T) {
	var g struct {
		Data struct {
			Y, Time            []float64
			Arm, Patient, Site []string
		}
		Fits []struct {
			Formula string
			Type    int
			Anova   []struct {
				Term  string
				NumDF int     `json:"num_df"`
				DenDF float64 `json:"den_df"`
				F, P  float64
				SumSq float64 `json:"sum_sq"`
			}
		}
	}
	if err := loadGolden("mixed_anova_arm.json", &g); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("y,time,arm,patient,site\n")
	for i := range g.Data.Y {
		fmt.Fprintf(&b, "%v,%v,%v,%v,%v\n", g.Data.Y[i], g.Data.Time[i], g.Data.Arm[i], g.Data.Patient[i], g.Data.Site[i])
	}
	csv := b.String()
	for _, f := range g.Fits {
		out, stderr, code := runCLI(t, csv, "lmm", "-", "--formula", f.Formula, "--anova", fmt.Sprint(f.Type), "--format", "json")
		if code != 0 {
			t.Fatalf("%s: exit %d %s", f.Formula, code, stderr)
		}
		var got struct {
			AnovaType int `json:"anova_type"`
			Anova     []struct {
				Term  string
				NumDF int     `json:"num_df"`
				DenDF float64 `json:"den_df"`
				F, P  float64
				SumSq float64 `json:"sum_sq"`
			}
		}
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatal(err)
		}
		if got.AnovaType != f.Type || len(got.Anova) != len(f.Anova) {
			t.Fatalf("%s: type %d with %d rows, want %d with %d", f.Formula, got.AnovaType, len(got.Anova), f.Type, len(f.Anova))
		}
		for i, w := range f.Anova {
			a := got.Anova[i]
			if a.Term != w.Term || a.NumDF != w.NumDF {
				t.Errorf("%s: row %d %s(%d), want %s(%d)", f.Formula, i, a.Term, a.NumDF, w.Term, w.NumDF)
			}
			for _, c := range [][3]float64{{a.F, w.F, 1e-6}, {a.DenDF, w.DenDF, 1e-6}, {a.P, w.P, 1e-5}, {a.SumSq, w.SumSq, 1e-6}} {
				if d := math.Abs(c[0]-c[1]) / math.Abs(c[1]); !(d <= c[2]) {
					t.Errorf("%s %s: %v, want %v (rel %.1e)", f.Formula, w.Term, c[0], c[1], d)
				}
			}
		}
	}
	text, stderr, code := runCLI(t, csv, "lmm", "-", "--formula", g.Fits[0].Formula, "--anova", "3")
	if code != 0 || !strings.Contains(text, "Type III tests of fixed effects") || !strings.Contains(text, "arm:time: F(2, ") {
		t.Errorf("text output (exit %d, %s):\n%s", code, stderr, text)
	}
	if _, stderr, code := runCLI(t, csv, "lmm", "-", "--formula", g.Fits[0].Formula, "--anova", "4"); code != 2 || !strings.Contains(stderr, "--anova") {
		t.Errorf("--anova 4: exit %d, stderr %q; want exit 2 naming --anova", code, stderr)
	}
}

// TestLmmCrossedCorrelationGroup: AR(1) residuals with crossed factors
// need the correlation group, asked for by its flag; given it, the notes
// state the df nlme uses there (n − p), not the containment df of nested
// models.
func TestLmmCrossedCorrelationGroup(t *testing.T) {
	var b strings.Builder
	b.WriteString("patient,rater,session,y\n")
	for p := 0; p < 30; p++ {
		for s := 1; s <= 6; s++ {
			fmt.Fprintf(&b, "p%d,r%d,%d,%.3f\n", p, (p*7+s*3)%5, s, 10+0.3*float64(s)+float64(p%7)*0.4+float64((p*s)%5)*0.3)
		}
	}
	args := []string{"lmm", "-", "--formula", "y ~ session + (1 | patient) + (1 | rater)", "--correlation", "ar1", "--session", "session"}
	if _, stderr, code := runCLI(t, b.String(), args...); code != exitUsage || !strings.Contains(stderr, "(--cor-group)") {
		t.Errorf("without the group: exit %d %q", code, stderr)
	}
	out, stderr, code := runCLI(t, b.String(), append(args, "--cor-group", "patient")...)
	if code != 0 || !strings.Contains(out, "df by residual (n - p)") || strings.Contains(out, "containment df") {
		t.Errorf("with the group: exit %d %s\n%s", code, stderr, out)
	}
}
