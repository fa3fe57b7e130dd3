package mixed

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/alliance-research/alliance/analysis/internal/golden"
)

type ciLimits struct {
	Lower fl `json:"lower"`
	Upper fl `json:"upper"`
}

type confintCase struct {
	Name      string                     `json:"name"`
	Formula   string                     `json:"formula"`
	Data      map[string]json.RawMessage `json:"data"`
	Parm      strs                       `json:"parm"`
	Names     strs                       `json:"names"`
	Profile   ciLimits                   `json:"profile"`
	Profile90 ciLimits                   `json:"profile90"`
	Exact     struct {
		Estimate   fl      `json:"estimate"`
		DevianceML float64 `json:"deviance_ml"`
		ciLimits
	} `json:"exact"`
	Exact90 ciLimits `json:"exact90"`
	Wald    ciLimits `json:"wald"`
	Boot    *struct {
		NSim int `json:"nsim"`
		ciLimits
	} `json:"boot"`
}

func loadConfintCases(t *testing.T) []confintCase {
	t.Helper()
	var g struct {
		Cases []confintCase `json:"cases"`
	}
	if err := golden.Load("mixed_confint.json", &g); err != nil {
		t.Fatal(err)
	}
	return g.Cases
}

func (c confintCase) fit(t *testing.T) *Model {
	t.Helper()
	m, err := Fit(c.Formula, goldenFile{Data: c.Data}.data(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// absRel is |got − want| relative to max(|want|, floor): limits at 0 (the
// lower limit of a zero variance) compare absolutely on the parameter's
// scale.
func absRel(got, want, floor float64) float64 {
	return math.Abs(got-want) / math.Max(math.Abs(want), floor)
}

// TestConfintProfileGolden: profile-likelihood limits against the exact
// roots of lme4's profile (uniroot on devfun2, R) to 1e-6, and against
// confint.merMod's spline-interpolated limits to 5e-4 (the spline's own
// error; the largest gap is logged), at levels 0.95 and 0.90, with lme4's
// names; plus the Wald intervals of the fixed effects to 1e-6.
func TestConfintProfileGolden(t *testing.T) {
	for _, c := range loadConfintCases(t) {
		t.Run(c.Name, func(t *testing.T) {
			m := c.fit(t)
			for _, lv := range []struct {
				level         float64
				exact, spline ciLimits
			}{{0.95, c.Exact.ciLimits, c.Profile}, {0.90, c.Exact90, c.Profile90}} {
				r, err := m.Confint(ConfintOptions{Level: lv.level})
				if err != nil {
					t.Fatal(err)
				}
				if len(r.Intervals) != len(c.Parm) {
					t.Fatalf("%d intervals, lme4 has %d (%v)", len(r.Intervals), len(c.Parm), c.Parm)
				}
				scale := c.Exact.Estimate[len(c.Parm)-len(m.Result.Fixed)-1] // σ̂: the floor for limits near 0
				worstExact, worstSpline := 0.0, 0.0
				for k, ci := range r.Intervals {
					if ci.Parm != c.Parm[k] {
						t.Errorf("interval %d is %s, lme4's %s", k, ci.Parm, c.Parm[k])
					}
					want := c.Names[k]
					got := ci.Name
					if ci.Group != "" && ci.Group != "Residual" {
						got += "|" + ci.Group
					}
					if got != want {
						t.Errorf("%s named %q, lme4 %q", ci.Parm, got, want)
					}
					if lv.level == 0.95 {
						if e := absRel(ci.Estimate, c.Exact.Estimate[k], 1e-3*scale); e > 1e-6 {
							t.Errorf("%s ML estimate %.10g, R %.10g", ci.Parm, ci.Estimate, c.Exact.Estimate[k])
						}
					}
					for s, pair := range [][3]float64{{ci.Lower, lv.exact.Lower[k], lv.spline.Lower[k]}, {ci.Upper, lv.exact.Upper[k], lv.spline.Upper[k]}} {
						side := []string{"lower", "upper"}[s]
						ee := absRel(pair[0], pair[1], 1e-3*scale)
						es := absRel(pair[0], pair[2], 1e-3*scale)
						worstExact, worstSpline = math.Max(worstExact, ee), math.Max(worstSpline, es)
						if ee > 1e-6 {
							t.Errorf("level %g %s %s = %.10g, exact profile root %.10g (rel %.2g)", lv.level, ci.Parm, side, pair[0], pair[1], ee)
						}
						if es > 5e-4 {
							t.Errorf("level %g %s %s = %.10g, lme4's spline %.10g (rel %.2g)", lv.level, ci.Parm, side, pair[0], pair[2], es)
						}
					}
				}
				t.Logf("level %g: largest gap %.2g to the exact root, %.2g to lme4's spline limits", lv.level, worstExact, worstSpline)
			}
			w, err := m.Confint(ConfintOptions{Method: "Wald"})
			if err != nil {
				t.Fatal(err)
			}
			off := len(c.Parm) - len(w.Intervals)
			for k, ci := range w.Intervals {
				check(t, ci.Parm+" Wald lower", ci.Lower, c.Wald.Lower[off+k], 1e-6)
				check(t, ci.Parm+" Wald upper", ci.Upper, c.Wald.Upper[off+k], 1e-6)
			}
		})
	}
}
