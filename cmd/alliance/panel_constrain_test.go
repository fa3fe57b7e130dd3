package main

import (
	"encoding/json"
	"math"
	"os"
	"strings"
	"testing"
)

// 'alliance panel --stationary --constrain cov,resid' on long session rows
// equals lavaan 0.6-14 on the same model (testdata/golden/R/panel_constrain.R,
// case riclpm_stationary_cov_resid): npar and df, estimates 1e-5, SEs 1e-4,
// logLik 1e-6; the JSON lists the constraints, the text says them; unknown tokens and cov for the DPM are usage
// errors (exit 2) naming the valid tokens.
func TestPanelCLIConstrain(t *testing.T) {
	file := panelLong(t)
	b, err := os.ReadFile("../../testdata/golden/panel_lavaan_constrain.json")
	if err != nil {
		t.Fatal(err)
	}
	var g struct {
		Cases []struct {
			Name       string
			Parameters []lavParam
			Fit        map[string]float64
		}
	}
	if err := json.Unmarshal(b, &g); err != nil {
		t.Fatal(err)
	}
	var want []lavParam
	var fit map[string]float64
	for _, c := range g.Cases {
		if c.Name == "riclpm_stationary_cov_resid" {
			want, fit = c.Parameters, c.Fit
		}
	}
	if want == nil {
		t.Fatal("golden case riclpm_stationary_cov_resid missing")
	}
	out, stderr, code := runCLI(t, "", "panel", file, "--waves", "1:5", "--stationary", "--constrain", "cov,resid", "--format", "json", "--quiet")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var got struct {
		panelJSON
		Constraints []string
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	if strings.Join(got.Constraints, ",") != "stationary,cov,resid" {
		t.Errorf("constraints %v", got.Constraints)
	}
	if int(got.Fit["npar"]) != int(fit["npar"]) || int(got.Fit["df"]) != int(fit["df"]) {
		t.Errorf("npar %v df %v, lavaan %v %v", got.Fit["npar"], got.Fit["df"], fit["npar"], fit["df"])
	}
	if math.Abs(got.Fit["logLik"]-fit["logl"]) > 1e-6*math.Abs(fit["logl"]) {
		t.Errorf("logLik %.10g, lavaan %.10g", got.Fit["logLik"], fit["logl"])
	}
	est, se := map[string]float64{}, map[string]float64{}
	for _, p := range got.Parameters {
		est[p.LHS+p.Op+p.RHS] = p.Estimate
		if p.SE != nil {
			se[p.LHS+p.Op+p.RHS] = *p.SE
		}
	}
	n := 0
	for _, p := range want {
		if p.Op == ":=" || p.SE == 0 {
			continue
		}
		n++
		k := p.LHS + p.Op + p.RHS
		if math.Abs(est[k]-p.Est) > 1e-5*math.Max(1, math.Abs(p.Est)) || math.Abs(se[k]-p.SE) > 1e-4*p.SE {
			t.Errorf("%s = %.8g (%.8g), lavaan %.8g (%.8g)", k, est[k], se[k], p.Est, p.SE)
		}
	}
	if n < 30 {
		t.Errorf("only %d parameters compared", n)
	}
	text, stderr, code := runCLI(t, "", "panel", file, "--waves", "1:5", "--constrain", "cov,resid,means", "--quiet")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, w := range []string{"Constrained equal:", "covariances of x and y over waves 2–5 (label cov)", "labels vx, vy", "labels mx, my"} {
		if !strings.Contains(text, w) {
			t.Errorf("text lacks %q", w)
		}
	}
	for _, c := range [][]string{{"--constrain", "cov,loadings"}, {"--model", "dpm", "--constrain", "cov"}} {
		_, msg, rc := runCLI(t, "", append([]string{"panel", file, "--waves", "1:5", "--quiet"}, c...)...)
		if rc != 2 || !strings.Contains(msg, "--constrain") {
			t.Errorf("%v: exit %d, %s", c, rc, msg)
		}
	}
	_, stderr, _ = runCLI(t, "", "panel", file, "--waves", "1:5", "--quiet", "--constrain", "loadings")
	if !strings.Contains(stderr, "cov, resid, means") {
		t.Errorf("unknown token: the valid ones are not listed: %s", stderr)
	}
}
