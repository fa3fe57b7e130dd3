package workflow

import (
	"strings"
	"testing"

	"github.com/alliance-research/alliance/analysis/errs"
)

// --ref sets a factor's reference level in the fit, in the command line and
// in the R code (relevel before lmer), and the comparison model keeps only
// the references of its own variables; the coefficients against the new
// reference are lmer's (mixed_ref golden, analysis/mixed).
func TestLMMRef(t *testing.T) {
	src := embedded(t, "demo-sessions")
	base := LMMOptions{Formula: "outcome ~ factor(therapist) + session + (1 | patient)", Compare: "outcome ~ session + (1 | patient)", ML: true}
	plain, err := LMM(src, base)
	if err != nil {
		t.Fatal(err)
	}
	levels := map[string]bool{}
	for _, c := range plain.Fixed[1:] {
		if l, ok := strings.CutPrefix(c.Name, "factor(therapist)"); ok {
			levels[l] = true
		}
	}
	var ref string
	for l := range levels {
		ref = l
		break
	}
	opt := base
	opt.Ref = []string{"therapist=" + ref}
	run, err := LMM(src, opt)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range run.Fixed {
		if c.Name == "factor(therapist)"+ref {
			t.Errorf("the reference level %s still has a coefficient", ref)
		}
	}
	if len(run.Fixed) != len(plain.Fixed) || !relClose(run.LogLik, plain.LogLik, 1e-9) {
		t.Errorf("a reparametrisation changed the fit: %d vs %d coefficients, logLik %v vs %v", len(run.Fixed), len(plain.Fixed), run.LogLik, plain.LogLik)
	}
	// The intercept is now the reference therapist's mean at session 0:
	// the old intercept plus that therapist's old coefficient.
	old := plain.Fixed[0].Estimate
	for _, c := range plain.Fixed {
		if c.Name == "factor(therapist)"+ref {
			old += c.Estimate
		}
	}
	if !relClose(run.Fixed[0].Estimate, old, 1e-6) {
		t.Errorf("intercept %v, want %v", run.Fixed[0].Estimate, old)
	}
	step := run.Steps()[0]
	if !strings.Contains(step.Command, "--ref 'therapist="+ref+"'") || !strings.Contains(step.RCode, `dat[["therapist"]] <- relevel(factor(dat[["therapist"]]), ref = "`+ref+`")`) {
		t.Errorf("steps do not carry the reference:\n%s\n%s", step.Command, step.RCode)
	}
	if run.Compare == nil {
		t.Error("no comparison")
	}
	for _, bad := range []string{"therapist", "therapist=nobody", "session=1"} {
		o := base
		o.Ref = []string{bad}
		if _, err := LMM(src, o); errs.KindOf(err) != errs.InvalidOption || OptionOf(err) != "Ref" {
			t.Errorf("--ref %s: %v, want an invalid-option error on Ref", bad, err)
		}
	}
}

// --contrasts sum: the coefficients are sum contrasts (what the note says
// they are, checked against the treatment fit's level means), the command
// line and the R code carry the choice, and the F tests do not change.
func TestLMMContrasts(t *testing.T) {
	src := embedded(t, "demo-sessions")
	base := LMMOptions{Formula: "outcome ~ factor(therapist) + session + (1 | patient)", Anova: 3}
	tr, err := LMM(src, base)
	if err != nil {
		t.Fatal(err)
	}
	opt := base
	opt.Contrasts = "sum"
	run, err := LMM(src, opt)
	if err != nil {
		t.Fatal(err)
	}
	// Level means at session 0 from the treatment fit: intercept, plus each
	// level's coefficient; under sum coding coefficient j is level j's
	// deviation from their mean.
	f := run.Factors[0]
	means := []float64{tr.Fixed[0].Estimate}
	for _, l := range f.Levels[1:] {
		for _, c := range tr.Fixed {
			if c.Name == "factor(therapist)"+l {
				means = append(means, tr.Fixed[0].Estimate+c.Estimate)
			}
		}
	}
	grand := 0.0
	for _, m := range means {
		grand += m / float64(len(means))
	}
	if !relClose(run.Fixed[0].Estimate, grand, 1e-6) || !relClose(run.Fixed[1].Estimate, means[0]-grand, 1e-5) || run.Fixed[1].Name != "factor(therapist)1" {
		t.Errorf("sum coding: intercept %v (want %v), %s %v (want %v)", run.Fixed[0].Estimate, grand, run.Fixed[1].Name, run.Fixed[1].Estimate, means[0]-grand)
	}
	said := false
	for _, b := range run.Section().Blocks {
		if p, ok := b.(*Paragraph); ok && strings.Contains(p.Text, "factor(therapist) is sum-coded") {
			said = true
		}
	}
	if f.Contrasts != "sum" || !said {
		t.Errorf("coding %+v; the note is missing", f)
	}
	if !relClose(run.Anova[0].F, tr.Anova[0].F, 1e-6) {
		t.Errorf("F %v under sum coding, %v under treatment", run.Anova[0].F, tr.Anova[0].F)
	}
	step := run.Steps()[0]
	if !strings.Contains(step.Command, "--contrasts sum") || !strings.Contains(step.RCode, `options(contrasts = c("contr.sum", "contr.poly"))`) {
		t.Errorf("steps:\n%s\n%s", step.Command, step.RCode)
	}
}

// --ranova: the random-effect tests reach the JSON, the table, the command
// line and the R code; their numbers are lmerTest's (mixed_ranova golden,
// analysis/mixed).
func TestLMMRanova(t *testing.T) {
	run, err := LMM(embedded(t, "demo-sessions"), LMMOptions{Formula: "outcome ~ session + alliance + (1 | therapist/patient)", Ranova: "reduce"})
	if err != nil {
		t.Fatal(err)
	}
	if len(run.Ranova) != 3 || run.Ranova[1].Term != "(1 | patient:therapist)" || run.Ranova[1].LRT == nil {
		t.Fatalf("ranova rows %+v", run.Ranova)
	}
	found := false
	for _, tb := range run.Section().Tables() {
		found = found || tb.Name == "ranova" && len(tb.Rows) == 3
	}
	step := run.Steps()[0]
	if !found || !strings.Contains(step.Command, "--ranova=reduce") || !strings.Contains(step.RCode, "ranova(m, reduce.terms = TRUE)") {
		t.Errorf("table %v; steps:\n%s\n%s", found, step.Command, step.RCode)
	}
	if _, err := LMM(embedded(t, "demo-sessions"), LMMOptions{Formula: "outcome ~ session + (1 | patient)", Ranova: "all"}); OptionOf(err) != "Ranova" {
		t.Errorf("--ranova all: %v", err)
	}
}
