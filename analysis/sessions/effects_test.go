package sessions

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

// The sentences are built from the estimates: rebuilt here from R's
// numbers (lme4 + lmerTest) for the demo data's lagged model, they match.
func TestEffectText(t *testing.T) {
	g := loadGolden(t, "sessions_demo.json")
	gf := g.Fits[0] // lagged, therapist/patient
	r, err := Fit(goldenData(t, g.Data, gf.Options), Options{OutcomeLabel: "PHQ-9", AllianceLabel: "WAI-SR"})
	if err != nil {
		t.Fatal(err)
	}
	num := func(x float64) string { return strings.Replace(fmt.Sprintf("%.2f", x), "-", "−", 1) }
	idx := map[string]int{}
	for i, n := range gf.Names {
		idx[n] = i
	}
	i := idx["alliance_within"]
	b := gf.Estimate[i]
	if b >= 0 || gf.P[i] >= 0.001 {
		t.Fatalf("golden changed: b = %g, p = %g", b, gf.P[i])
	}
	want := fmt.Sprintf("a 1-point within-patient rise in WAI-SR precedes a %.2f-point drop in next-session PHQ-9 (b = %s, 95%% CI [%s, %s], p < .001)",
		-b, num(b), num(gf.CILB[i]), num(gf.CIUB[i]))
	var roles []string
	for _, e := range r.Effects {
		roles = append(roles, e.Role)
		if e.Role == "within" && e.Text != want {
			t.Errorf("within effect:\n got %s\nwant %s", e.Text, want)
		}
	}
	if got := strings.Join(roles, ","); got != "within,patient,therapist,control,time" {
		t.Errorf("roles %s", got)
	}
}

// The simulated set plants a lag-1 within-patient effect of −1.5, a session
// slope of −0.3 and a patient-level effect of −3 (testdata/golden/R/
// sessions.R). The lagged model recovers the within effect, the
// concurrent model the slope and the patient-level effect, within 3
// standard errors. (The lagged model's control for the current outcome
// absorbs the patient-level effect; the patient mean is measured with
// error, about 10% attenuation here.)
func TestRecoversPlantedEffects(t *testing.T) {
	g := loadGolden(t, "sessions_sim.json")
	for _, c := range []struct {
		o     Options
		truth map[string]float64
	}{
		{Options{Model: Lagged}, map[string]float64{"alliance_within": -1.5}},
		{Options{Model: Concurrent}, map[string]float64{"alliance_patient": -3 * 0.9, "session": -0.3}},
	} {
		r, err := Fit(goldenData(t, g.Data, gOptions{}), c.o)
		if err != nil {
			t.Fatal(err)
		}
		for _, cf := range r.Fixed {
			if w, ok := c.truth[cf.Name]; ok {
				if z := math.Abs(cf.Estimate-w) / cf.SE; z > 3 {
					t.Errorf("%s %s = %.3f (SE %.3f), truth %g: %.1f SE away", c.o.Model, cf.Name, cf.Estimate, cf.SE, w, z)
				}
				t.Logf("%s %s = %.3f (SE %.3f), truth %g", c.o.Model, cf.Name, cf.Estimate, cf.SE, w)
			}
		}
	}
}
