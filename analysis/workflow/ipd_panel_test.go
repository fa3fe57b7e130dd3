package workflow

import (
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/alliance-research/alliance/analysis/internal/golden"
)

func ipdPanelSource(t *testing.T) Source {
	t.Helper()
	b, err := os.ReadFile("testdata/ipd_panel.csv")
	if err != nil {
		t.Fatal(err)
	}
	return csvSource(t, "analysis/workflow/testdata/ipd_panel.csv", string(b))
}

// TestIPDPanelGolden: with the panel stage 1, each study's stationary
// RI-CLPM paths equal lavaan 0.6-14's at its optimum and each pooled path
// metafor 3.8-1's rma(test = "knha") on them (testdata/golden/ipd_panel.json,
// written by the R code the run prints, testdata/golden/R/ipd_panel.R):
// stage-1 estimates 1e-5, SEs 1e-4 (the lavaan tolerances), the
// pooled estimate, SE, CI and τ² 1e-4 (they inherit the stage-1 gaps).
func TestIPDPanelGolden(t *testing.T) {
	var g struct {
		Stage1 []struct {
			Study, Term string
			Yi, Sei     float64
		} `json:"stage1"`
		Pooled []struct {
			Term                             string
			Estimate, SE, T, DF, P, Tau2, I2 float64
			CILB                             float64 `json:"ci_lb"`
			CIUB                             float64 `json:"ci_ub"`
		} `json:"pooled"`
	}
	if err := golden.Load("ipd_panel.json", &g); err != nil {
		t.Fatal(err)
	}
	r, err := IPD(ipdPanelSource(t), IPDOptions{Stage1: "panel", Terms: []string{"crosslag", "reverse", "ar_alliance", "ar_outcome"}})
	if err != nil {
		t.Fatal(err)
	}
	near := func(what string, got, want, tol float64) {
		t.Helper()
		if math.Abs(got-want) > tol*math.Max(1, math.Abs(want)) || math.IsNaN(got) {
			t.Errorf("%s = %.10g, R %.10g", what, got, want)
		}
	}
	if r.Model != "riclpm" || r.Stage1Model != Stage1Panel || len(r.Waves) != 6 {
		t.Errorf("model %s, stage 1 %s, waves %v", r.Model, r.Stage1Model, r.Waves)
	}
	n := 0
	for _, w := range g.Stage1 {
		for _, s := range r.Stage1 {
			if s.Study == w.Study && s.Term == w.Term {
				n++
				near(s.Study+" "+s.Term+" estimate", s.Estimate, w.Yi, 1e-5)
				near(s.Study+" "+s.Term+" se", s.SE, w.Sei, 1e-4)
				if !s.Converged || s.NPatients != 100 {
					t.Errorf("%s: converged %v, %d patients", s.Study, s.Converged, s.NPatients)
				}
			}
		}
	}
	if n != 20 || len(r.Stage1) != 20 {
		t.Errorf("%d of 20 stage-1 rows matched (%d rows)", n, len(r.Stage1))
	}
	for _, w := range g.Pooled {
		m := r.pooledTerm(w.Term)
		if m == nil {
			t.Errorf("%s not pooled", w.Term)
			continue
		}
		c := m.Model.Coefficients[0]
		near(w.Term+" estimate", c.Estimate, w.Estimate, 1e-4)
		near(w.Term+" se", c.SE, w.SE, 1e-4)
		near(w.Term+" ci_lb", c.CILB, w.CILB, 1e-4)
		near(w.Term+" ci_ub", c.CIUB, w.CIUB, 1e-4)
		near(w.Term+" tau2", m.Model.Tau2, w.Tau2, 1e-4)
		if c.DF == nil || *c.DF != w.DF {
			t.Errorf("%s df %v, R %g", w.Term, c.DF, w.DF)
		}
	}
}

// TestIPDPanelSays: what a user reads says what ran — the stage-1 model
// and its waves, no one-stage model (with a note), the plain reading of the
// pooled cross-lag, the reproduce command, the R code and the methods'
// citations; options that do not apply are errors naming them.
func TestIPDPanelSays(t *testing.T) {
	src := ipdPanelSource(t)
	r, err := IPD(src, IPDOptions{Stage1: "panel"})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Pooled) != 2 || r.Pooled[0].Term != "crosslag" || r.Pooled[1].Term != "reverse" || r.OneStage != nil {
		t.Fatalf("pooled %v, one stage %v", r.Pooled, r.OneStage)
	}
	var notes []string
	for _, n := range r.TopNotes() {
		notes = append(notes, n.Text)
	}
	top := strings.Join(notes, "\n")
	for _, w := range []string{"Waves: sessions 1, 2, 3, 4, 5, 6", "No one-stage cross-check"} {
		if !strings.Contains(top, w) {
			t.Errorf("top notes lack %q:\n%s", w, top)
		}
	}
	var text []string
	for _, b := range r.Section().Blocks {
		if p, ok := b.(*Paragraph); ok {
			text = append(text, p.Text)
		}
	}
	body := strings.Join(text, "\n")
	for _, w := range []string{"stationary random-intercept cross-lagged panel model", "over sessions 1, 2, 3, 4, 5, 6", "A patient whose alliance is 1 point above their own usual level"} {
		if !strings.Contains(body, w) {
			t.Errorf("section lacks %q:\n%s", w, body)
		}
	}
	st := r.Steps()[0]
	if !strings.Contains(st.Command, "--stage1 panel --panel-model riclpm --waves 1,2,3,4,5,6") || strings.Contains(st.Command, "--model") {
		t.Errorf("command: %s", st.Command)
	}
	for _, w := range []string{"lavaan(model, data = dat, missing = \"ML\"", "labels <- c(crosslag = \"byx\", reverse = \"bxy\")", "waves <- c(1, 2, 3, 4, 5, 6)", "test = \"knha\""} {
		if !strings.Contains(st.RCode, w) {
			t.Errorf("R code lacks %q:\n%s", w, st.RCode)
		}
	}
	if m := r.Methods(); !strings.Contains(m, "Hamaker, Kuiper & Grasman, 2015") || strings.Contains(m, "Satterthwaite") {
		t.Errorf("methods: %s", m)
	}
	for _, c := range []struct {
		opt  IPDOptions
		want string
	}{
		{IPDOptions{Stage1: "panel", Multivariate: true}, "multivariate"},
		{IPDOptions{Stage1: "panel", Standardize: true}, "standardis"},
		{IPDOptions{Stage1: "panel", Terms: []string{"within"}}, "crosslag, reverse"},
		{IPDOptions{Stage1: "panel", Panel: PanelOptions{Model: "var"}}, "riclpm, clpm or dpm"},
		{IPDOptions{Stage1: "lavaan"}, "sessions"},
	} {
		if _, err := IPD(src, c.opt); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want an error with %q", c.opt, err, c.want)
		}
	}
}

// TestIPDPanelRCodeRunsInR: the R code a panel-stage-1 run prints runs
// (lavaan + metafor, skipped without R) and gives our stage-1 paths and
// pooled estimates to 1e-4 (lavaan's default nlminb stopping rule; the
// golden test holds R at its optimum).
func TestIPDPanelRCodeRunsInR(t *testing.T) {
	rs := rscript(t, "lavaan", "metafor", "jsonlite")
	r, err := IPD(ipdPanelSource(t), IPDOptions{Stage1: "panel"})
	if err != nil {
		t.Fatal(err)
	}
	code := r.Steps()[0].RCode + `
for (i in seq_len(nrow(stage1))) cat(jsonlite::toJSON(list(study = stage1$study[i], term = stage1$term[i], estimate = stage1$yi[i], se = stage1$sei[i]), auto_unbox = TRUE, digits = NA), "\n")
for (t in names(labels)) { res <- rma(yi, sei = sei, data = stage1[stage1$term == t, ], method = "REML", test = "knha")
  cat(jsonlite::toJSON(list(study = "pooled", term = t, estimate = as.vector(res$beta), se = res$se), auto_unbox = TRUE, digits = NA), "\n") }
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
		}
		if !strings.HasPrefix(strings.TrimSpace(line), "{") || json.Unmarshal([]byte(line), &m) != nil {
			continue
		}
		est, se := math.NaN(), math.NaN()
		if m.Study == "pooled" {
			if p := r.pooledTerm(m.Term); p != nil {
				est, se = p.Model.Coefficients[0].Estimate, p.Model.Coefficients[0].SE
			}
		}
		for _, s := range r.Stage1 {
			if s.Study == m.Study && s.Term == m.Term {
				est, se = s.Estimate, s.SE
			}
		}
		if !near(est, m.Estimate, 1e-4) || !near(se, m.SE, 1e-4) {
			t.Errorf("%s %s: ours %.8g (%.6g), R %.8g (%.6g)", m.Study, m.Term, est, se, m.Estimate, m.SE)
		}
		n++
	}
	if n != 12 {
		t.Errorf("%d values compared, want 12 (10 stage-1 rows, 2 pooled):\n%s", n, out)
	}
}
