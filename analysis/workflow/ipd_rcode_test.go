package workflow

import (
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

// TestIPDRCodeRunsInR: the R code a session-stage-1 run prints ('alliance
// ipd --r-code', the report's R code) runs (lme4, lmerTest, metafor;
// skipped without R) and gives our stage-1 estimates and SEs, pooled
// estimates, SEs and τ², and the one-stage fixed effects and
// log-likelihood. The printed code runs lmer with tight controls (ctl, as
// 'alliance sessions' prints it), so everything is held to 1e-5 and the
// log-likelihood to 1e-7; with lme4's default stopping rule the therapist
// term's τ² was 2.5e-4 off.
func TestIPDRCodeRunsInR(t *testing.T) {
	rs := rscript(t, "lme4", "lmerTest", "metafor", "jsonlite")
	b, err := os.ReadFile("../../testdata/golden/ipd_sim6.csv")
	if err != nil {
		t.Fatal(err)
	}
	r, err := IPD(csvSource(t, "testdata/golden/ipd_sim6.csv", string(b)), IPDOptions{Multivariate: true})
	if err != nil {
		t.Fatal(err)
	}
	if r.OneStage == nil || len(r.Pooled) != 3 || r.Multivariate == nil {
		t.Fatalf("one stage %v, %d pooled terms", r.OneStage, len(r.Pooled))
	}
	code := r.Steps()[0].RCode + `
j <- function(...) cat(jsonlite::toJSON(list(...), auto_unbox = TRUE, digits = NA), "\n")
for (i in seq_len(nrow(stage1))) j(study = stage1$study[i], term = stage1$term[i], estimate = stage1$yi[i], se = stage1$sei[i])
for (t in names(terms)) { res <- rma(yi, sei = sei, data = stage1[stage1$term == t, ], method = "REML", test = "knha")
  j(study = "pooled", term = t, estimate = as.vector(res$beta), se = res$se, tau2 = res$tau2) }
fx <- summary(one)$coefficients
for (n in rownames(fx)) j(study = "one", term = n, estimate = fx[n, 1], se = fx[n, 2])
j(study = "one", term = "logLik", estimate = as.numeric(logLik(one)), se = 0)
for (i in seq_along(mv$beta)) j(study = "multivariate", term = sub("^term", "", rownames(mv$beta)[i]), estimate = mv$beta[i, 1], se = mv$se[i], tau2 = mv$tau2[match(sub("^term", "", rownames(mv$beta)[i]), mv$g.levels.f[[1]])])
j(study = "multivariate", term = "logLik", estimate = as.numeric(logLik(mv)), se = 0)
`
	dir := t.TempDir()
	if werr := os.WriteFile(dir+"/code.R", []byte(code), 0o644); werr != nil {
		t.Fatal(werr)
	}
	cmd := exec.Command(rs, dir+"/code.R")
	cmd.Dir = "../.."
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the printed R code failed: %v\n%s", err, out)
	}
	n := 0
	for _, line := range strings.Split(string(out), "\n") {
		var m struct {
			Study, Term  string
			Estimate, SE float64
			Tau2         *float64
		}
		if !strings.HasPrefix(strings.TrimSpace(line), "{") || json.Unmarshal([]byte(line), &m) != nil {
			continue
		}
		est, se, tol := math.NaN(), math.NaN(), 1e-5
		switch m.Study {
		case "pooled":
			if p := r.pooledTerm(m.Term); p != nil {
				est, se = p.Model.Coefficients[0].Estimate, p.Model.Coefficients[0].SE
				if m.Tau2 == nil {
					t.Errorf("pooled %s: R gave no tau2", m.Term)
				} else if !near(p.Model.Tau2, *m.Tau2, 1e-5) {
					t.Errorf("pooled %s tau2: ours %.8g, R %.8g", m.Term, p.Model.Tau2, *m.Tau2)
				}
			}
		case "multivariate":
			mv := r.Multivariate
			if m.Term == "logLik" {
				est, se, tol = mv.LogLik, 0, 1e-7
			}
			for i, n := range mv.Terms {
				if n == m.Term {
					// metafor's nlminb settles τ² of the flat REML surface
					// to ~1e-5; the estimates follow to 1e-5 (the golden
					// test's tolerances).
					est, se = mv.Coefficients[i].Estimate, mv.Coefficients[i].SE
					if m.Tau2 == nil || !near(mv.Tau2[i], *m.Tau2, 1e-4) {
						t.Errorf("multivariate %s tau2: ours %.8g, R %v", n, mv.Tau2[i], m.Tau2)
					}
				}
			}
		case "one":
			if m.Term == "logLik" {
				est, se, tol = r.OneStage.LogLik, 0, 1e-7
			}
			for _, f := range r.OneStage.Fixed {
				if f.Name == m.Term {
					est, se = f.Estimate, f.SE
				}
			}
		default:
			for _, s := range r.Stage1 {
				if s.Study == m.Study && s.Term == m.Term {
					est, se = s.Estimate, s.SE
				}
			}
		}
		if !near(est, m.Estimate, tol) || !near(se, m.SE, tol) {
			t.Errorf("%s %s: ours %.10g (%.6g), R %.10g (%.6g)", m.Study, m.Term, est, se, m.Estimate, m.SE)
		}
		n++
	}
	// 6 studies × 3 terms, 3 pooled terms, 6 one-stage coefficients and
	// the log-likelihood, 2 multivariate coefficients and the
	// log-likelihood.
	if want := 18 + 3 + 6 + 1 + 2 + 1; n != want {
		t.Errorf("%d values compared, want %d:\n%s", n, want, out)
	}
}

// TestIPDStudyTableN: each pooled term's table of included studies gives
// every study's number of patients (the stage-1 n_patients) in its n
// column, which was left empty; the pooled JSON is that of 'alliance
// meta' on yi and sei whatever n says (checked by TestIPDTwoStage).
func TestIPDStudyTableN(t *testing.T) {
	b, err := os.ReadFile("../../testdata/golden/ipd_sim6.csv")
	if err != nil {
		t.Fatal(err)
	}
	r, err := IPD(csvSource(t, "ipd_sim6.csv", string(b)), IPDOptions{NoOneStage: true})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	for _, s := range r.Stage1 {
		want[s.Study] = strconv.Itoa(s.NPatients)
	}
	tables := 0
	for _, bl := range r.Section().Blocks {
		tb, ok := bl.(*Table)
		if !ok || !strings.HasPrefix(tb.Name, "studies-") {
			continue
		}
		tables++
		if len(tb.Rows) != 6 || tb.Columns[1] != "n" {
			t.Fatalf("studies table %v with %d rows", tb.Columns, len(tb.Rows))
		}
		for _, row := range tb.Rows {
			if row[1] == "" || row[1] != want[row[0]] {
				t.Errorf("study %s: n %q, stage 1 has %s patients", row[0], row[1], want[row[0]])
			}
		}
	}
	if tables != len(r.Pooled) || tables != 3 {
		t.Errorf("%d study tables for %d pooled terms", tables, len(r.Pooled))
	}
}
