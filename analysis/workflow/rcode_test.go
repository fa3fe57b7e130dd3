package workflow

import (
	"encoding/json"
	"fmt"
	"math"
	"os/exec"
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

// The LMM part's R code (lmerTest, nlme with AR(1)) reproduces every
// number of the model (compareLmer, compareLme), of the likelihood-ratio
// comparison and of the type II ANOVA table; skipped without R, lmerTest, nlme and jsonlite.
func TestLMMRCodeRunsInR(t *testing.T) {
	rs := rscript(t, "lme4", "lmerTest", "nlme", "jsonlite")
	for _, opt := range []LMMOptions{
		{Formula: "outcome ~ alliance + session + (1 | patient)"},
		{Formula: "outcome ~ alliance + session + (1 + session | patient)", ML: true, Level: 0.9,
			Compare: "outcome ~ session + (1 + session | patient)"},
		{Formula: "outcome ~ alliance + session + (1 | therapist/patient)", Compare: "outcome ~ session + (1 | therapist/patient)"},
		{Formula: "outcome ~ alliance + session + (1 | patient)", AR1: "session"},
		{Formula: "outcome ~ alliance * session + (1 + session | patient)", Anova: 2},
		{Formula: "outcome ~ alliance * session + (1 + session | patient)", Anova: 3, DDF: "kenward-roger"},
		{Formula: "outcome ~ alliance + session + (1 | therapist/patient)", DDF: "kenward-roger"},
	} {
		t.Run(opt.Formula, func(t *testing.T) {
			run, err := LMM(embedded(t, "demo-sessions"), opt)
			if err != nil {
				t.Fatal(err)
			}
			objs := runRCode(t, rs, run.Steps()[0].RCode, "demo-sessions")
			c := &comparer{t: t, what: opt.Formula}
			if opt.AR1 != "" {
				compareLme(c, &run.Result, objs[0], 2e-4) // nlme stops short: see compareLme
			} else {
				compareLmer(c, &run.Result, objs[0])
			}
			keyed := func(k string) any {
				for _, o := range objs[1:] {
					if v, ok := o[k]; ok {
						return v
					}
				}
				t.Fatalf("the R code printed no %s", k)
				return nil
			}
			if run.VcovAdj != nil {
				va, _ := keyed("vcov_adj").([]any)
				for i, row := range run.VcovAdj {
					w, _ := va[i].([]any)
					for j, v := range row {
						c.num(fmt.Sprintf("vcov_adj[%d][%d]", i, j), v, w[j], tolEst)
					}
				}
			}
			if run.AnovaType != 0 {
				rows, _ := keyed("anova").([]any)
				if len(rows) != len(run.Anova) {
					t.Fatalf("R's anova has %d rows, ours %d", len(rows), len(run.Anova))
				}
				for i, a := range run.Anova {
					w, _ := rows[i].(map[string]any)
					if w["term"] != a.Term {
						t.Errorf("anova row %d: R %v, ours %s", i, w["term"], a.Term)
					}
					c.num("anova num_df "+a.Term, float64(a.NumDF), w["num_df"], 0)
					c.num("anova den_df "+a.Term, a.DenDF, w["den_df"], tolDF)
					c.num("anova F "+a.Term, a.F, w["F"], tolOpt)
					c.num("anova p "+a.Term, a.P, w["p"], tolOpt)
				}
			}
			if run.Compare != nil {
				a, _ := keyed("compare").(map[string]any)
				l := run.Compare
				for i, m := range l.Models {
					at := func(k string) any {
						v, _ := a[k].([]any)
						if len(v) == 2 {
							return v[i]
						}
						return nil
					}
					c.num(fmt.Sprint("compare npar ", i), float64(m.NPar), at("npar"), 0)
					c.num(fmt.Sprint("compare AIC ", i), m.AIC, at("AIC"), tolEst)
					c.num(fmt.Sprint("compare BIC ", i), m.BIC, at("BIC"), tolEst)
					c.num(fmt.Sprint("compare logLik ", i), m.LogLik, at("logLik"), tolEst)
					c.num(fmt.Sprint("compare deviance ", i), m.Deviance, at("deviance"), tolEst)
				}
				c.num("Chisq", l.Chisq, a["Chisq"], tolOpt)
				c.num("Df", float64(l.DF), a["Df"], 0)
				c.num("p", l.P, a["p"], tolOpt)
			}
			c.log()
		})
	}
}
