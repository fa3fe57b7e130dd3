package sessions

import (
	"fmt"
	"math"
	"strings"

	"github.com/alliance-research/alliance/analysis/apa"
	"github.com/alliance-research/alliance/analysis/mixed"
)

// Effect is one fixed effect of a session model with its role and a
// plain-language reading. The embedded mixed.Coef gives the estimate, SE,
// Satterthwaite df, t, p and confidence interval.
type Effect struct {
	mixed.Coef
	// Role: "within", "between" (patient mean), "patient" (patient mean
	// minus therapist mean), "therapist", "control" (the lagged response
	// at session t), "time" or "covariate".
	Role string `json:"role"`
	// Text reads the effect in words with its statistics, e.g. "a 1-point
	// within-patient rise in alliance precedes a 1.30-point drop in
	// next-session outcome (b = −1.30, 95% CI [−1.62, −0.98], p < .001)".
	Text string `json:"text"`
}

// effects names every fixed effect but the intercept.
func effects(r *Result, sp *spec, opt Options) []Effect {
	var out []Effect
	pred, resp := "", opt.OutcomeLabel
	switch opt.Model {
	case Lagged, Concurrent:
		pred = opt.AllianceLabel
	case Reverse:
		pred, resp = opt.OutcomeLabel, opt.AllianceLabel
	}
	lagged := opt.Model == Lagged || opt.Model == Reverse
	target := resp
	if lagged {
		target = "next-session " + resp
	}
	usual := "the patient's usual level"
	if opt.Detrend {
		usual = "the patient's own trend"
	}
	for _, c := range r.Fixed {
		e := Effect{Coef: c}
		b := c.Estimate
		st := stats(c, opt.Level)
		switch {
		case c.Name == "(Intercept)":
			continue
		case sp.predictor != "" && c.Name == sp.predictor+"_within":
			e.Role = "within"
			if lagged {
				rise := "within-patient rise"
				if opt.Detrend {
					rise = "rise above the patient's own trend"
				}
				e.Text = fmt.Sprintf("a 1-point %s in %s precedes a %s-point %s in %s %s", rise, pred, mag(b), dir(b, "rise", "drop"), target, st)
			} else {
				e.Text = fmt.Sprintf("in sessions where %s is 1 point above %s, %s is %s points %s %s", pred, usual, resp, mag(b), dir(b, "higher", "lower"), st)
			}
		case sp.predictor != "" && c.Name == sp.predictor+"_between":
			e.Role = "between"
			e.Text = fmt.Sprintf("patients whose average %s is 1 point higher have %s %s points %s on average %s", pred, target, mag(b), dir(b, "higher", "lower"), st)
		case sp.predictor != "" && c.Name == sp.predictor+"_patient":
			e.Role = "patient"
			e.Text = fmt.Sprintf("within a therapist's caseload, patients whose average %s is 1 point above the therapist's mean have %s %s points %s %s", pred, target, mag(b), dir(b, "higher", "lower"), st)
		case sp.predictor != "" && c.Name == sp.predictor+"_therapist":
			e.Role = "therapist"
			e.Text = fmt.Sprintf("therapists whose patients' average %s is 1 point higher have patients with %s %s points %s %s", pred, target, mag(b), dir(b, "higher", "lower"), st)
		case sp.control != "" && c.Name == sp.control:
			e.Role = "control"
			e.Text = fmt.Sprintf("each point of %s at session t goes with %s %s points %s %s", resp, target, mag(b), dir(b, "higher", "lower"), st)
		case c.Name == "session":
			e.Role = "time"
			e.Text = fmt.Sprintf("%s changes by %s points per session %s", target, apa.Num(b, decimals(b)), st)
		default:
			e.Role = "covariate"
			e.Text = fmt.Sprintf("%s is %s points %s per 1-unit higher %s %s", target, mag(b), dir(b, "higher", "lower"), c.Name, st)
		}
		out = append(out, e)
	}
	return out
}

// stats formats "(b = −1.30, 95% CI [−1.62, −0.98], p < .001)".
func stats(c mixed.Coef, level float64) string {
	k := decimals(c.Estimate)
	return fmt.Sprintf("(b = %s, %s%% CI [%s, %s], %s)", apa.Num(c.Estimate, k),
		strings.TrimSuffix(fmt.Sprintf("%.1f", 100*level), ".0"), apa.Num(c.CILB, k), apa.Num(c.CIUB, k), apa.P(c.P))
}

// decimals is 2, or 3 for small effects so that they do not print as 0.00.
func decimals(b float64) int {
	if math.Abs(b) < 0.1 {
		return 3
	}
	return 2
}

func mag(b float64) string { return apa.Num(math.Abs(b), decimals(b)) }

func dir(b float64, up, down string) string {
	if b < 0 {
		return down
	}
	return up
}
