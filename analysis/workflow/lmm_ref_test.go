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
	if len(run.Fixed) != len(plain.Fixed) || run.LogLik != plain.LogLik && !nearRel(run.LogLik, plain.LogLik, 1e-9) {
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
	if !nearRel(run.Fixed[0].Estimate, old, 1e-6) {
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

func nearRel(a, b, tol float64) bool {
	d := a - b
	if d < 0 {
		d = -d
	}
	return d <= tol*(1+max(a, -a, b, -b))
}
