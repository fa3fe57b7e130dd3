package workflow

import (
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The R code beside the numbers reproduces them: where R with metafor and
// jsonlite is installed, the meta part's R code is run and its rma, regtest,
// ranktest, trimfill and fsn results compared with ours (issue 14). CI has
// no R: the test says so and skips.
func TestMetaRCodeRunsInR(t *testing.T) {
	rs, err := exec.LookPath("Rscript")
	if err != nil {
		t.Skip("Rscript not installed: the generated R code is not run (install r-base-core r-cran-metafor r-cran-jsonlite to run this test)")
	}
	if exec.Command(rs, "-e", "library(metafor); library(jsonlite)").Run() != nil {
		t.Skip("R lacks metafor or jsonlite: the generated R code is not run")
	}
	run, err := Meta(embedded(t, "molloy2014"), MetaOptions{Bias: true, Influence: true, LeaveOneOut: true})
	if err != nil {
		t.Fatal(err)
	}
	code := run.Steps()[0].RCode + `
rg <- regtest(res, model = "rma", predictor = "sei"); rk <- ranktest(res); tf <- trimfill(res, estimator = "L0")
fo <- fsn(yi, vi, data = dat, type = "Orwin", weighted = TRUE)
cat(jsonlite::toJSON(list(b = unname(coef(res)), se = res$se, tau2 = res$tau2, QE = res$QE, reg_z = rg$zval, rank_tau = unname(rk$tau),
  tf_k0 = tf$k0, tf_b = unname(coef(tf)), orwin = fo$fsnum), digits = NA, auto_unbox = TRUE))
`
	cmd := exec.Command(rs, "-e", code)
	cmd.Dir = t.TempDir() // R's graphics device writes Rplots.pdf there
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("the generated R code failed: %v\n%s", err, code)
	}
	s := string(out)
	var got map[string]float64
	if err := json.Unmarshal([]byte(s[strings.LastIndex(s, "{"):]), &got); err != nil {
		t.Fatalf("R output %q: %v", s, err)
	}
	m, b := run.Model, run.Bias
	for _, c := range []struct {
		name      string
		ours, tol float64
	}{
		{"b", m.Coefficients[0].Estimate, 1e-8}, {"se", m.Coefficients[0].SE, 1e-8}, {"tau2", m.Tau2, 1e-6}, {"QE", m.QE, 1e-8},
		{"reg_z", b.Egger.Statistic, 1e-6}, {"rank_tau", b.Rank.Tau, 1e-10}, {"tf_k0", float64(b.TrimFill.K0), 0},
		{"tf_b", b.TrimFill.Estimate, 1e-6}, {"orwin", float64(b.FSN.Orwin), 0},
	} {
		if math.Abs(c.ours-got[c.name]) > c.tol*math.Max(1, math.Abs(got[c.name])) {
			t.Errorf("%s: ours %.10g, the generated R code %.10g", c.name, c.ours, got[c.name])
		}
	}
}

// The LMM part's R code (lmerTest) reproduces its fixed effects, SEs,
// Satterthwaite df and the t intervals of its table, and the residual
// variance; skipped without R, lmerTest and jsonlite.
func TestLMMRCodeRunsInR(t *testing.T) {
	rs, err := exec.LookPath("Rscript")
	if err != nil {
		t.Skip("Rscript not installed: the generated R code is not run (install r-base-core r-cran-lmertest r-cran-jsonlite to run this test)")
	}
	if exec.Command(rs, "-e", "library(lmerTest); library(jsonlite)").Run() != nil {
		t.Skip("R lacks lmerTest or jsonlite: the generated R code is not run")
	}
	run, err := LMM(embedded(t, "demo-sessions"), LMMOptions{Formula: "outcome ~ alliance + session + (1 | patient)"})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	data, err := os.ReadFile(filepath.Join("..", "..", "datasets", "data", "demo-sessions.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if werr := os.WriteFile(filepath.Join(dir, "demo-sessions.csv"), data, 0o644); werr != nil {
		t.Fatal(werr)
	}
	code := run.Steps()[0].RCode + `
ci <- cbind(cs[, "Estimate"] - q * cs[, "Std. Error"], cs[, "Estimate"] + q * cs[, "Std. Error"])
cat("\n", jsonlite::toJSON(list(b = unname(cs[, "Estimate"]), se = unname(cs[, "Std. Error"]), df = unname(cs[, "df"]),
  lb = unname(ci[, 1]), ub = unname(ci[, 2]), sigma2 = sigma(m)^2), digits = NA), "\n")
`
	cmd := exec.Command(rs, "-e", code)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("the generated R code failed: %v\n%s", err, code)
	}
	s := string(out)
	var got struct{ B, SE, DF, LB, UB, Sigma2 []float64 }
	if err := json.Unmarshal([]byte(s[strings.LastIndex(s, "{"):]), &got); err != nil {
		t.Fatalf("R output %q: %v", s, err)
	}
	if len(got.B) != len(run.Fixed) {
		t.Fatalf("R has %d fixed effects, we %d", len(got.B), len(run.Fixed))
	}
	near := func(what string, ours, r, tol float64) {
		if math.Abs(ours-r) > tol*math.Max(1, math.Abs(r)) {
			t.Errorf("%s: ours %.10g, the generated R code %.10g", what, ours, r)
		}
	}
	for i, c := range run.Fixed {
		near(c.Name+" estimate", c.Estimate, got.B[i], 1e-6)
		near(c.Name+" SE", c.SE, got.SE[i], 1e-6)
		near(c.Name+" df", c.DF, got.DF[i], 1e-4)
		near(c.Name+" ci_lb", c.CILB, got.LB[i], 1e-6)
		near(c.Name+" ci_ub", c.CIUB, got.UB[i], 1e-6)
	}
	near("residual variance", run.ResidualVariance, got.Sigma2[0], 1e-6)
}
