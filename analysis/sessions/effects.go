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
	// next-session outcome, holding this session's outcome constant
	// (b = −1.30, 95% CI [−1.62, −0.98], p < .001)". When the confidence
	// interval includes 0 it says so instead of giving a direction: "a
	// within-patient rise in outcome is not reliably associated with
	// next-session alliance, holding this session's alliance constant
	// (b = 0.000, 95% CI [−0.004, 0.003], p = .851)".
	Text string `json:"text"`
}

// effects names every fixed effect but the intercept. An effect whose
// confidence interval excludes 0 is read with its size and direction; one
// whose interval includes 0 is read as "not reliably associated", so that a
// null effect is never told as a rise or a drop. In the lagged designs
// every effect but the control is adjusted for the response at session t,
// and the sentence says so.
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
	holding := ""
	if lagged && sp.control != "" {
		holding = ", holding this session's " + resp + " constant"
	}
	for _, c := range r.Fixed {
		e := Effect{Coef: c}
		b := c.Estimate
		st := stats(c, opt.Level)
		sure := reliable(c)
		switch {
		case c.Name == "(Intercept)":
			continue
		case sp.predictor != "" && c.Name == sp.predictor+"_within":
			e.Role = "within"
			switch {
			case lagged && sure:
				rise := "within-patient rise"
				if opt.Detrend {
					rise = "rise above the patient's own trend"
				}
				e.Text = fmt.Sprintf("a 1-point %s in %s precedes a %s-point %s in %s%s %s", rise, pred, mag(b), dir(b, "rise", "drop"), target, holding, st)
			case lagged:
				rise := "a within-patient rise"
				if opt.Detrend {
					rise = "a rise above the patient's own trend"
				}
				e.Text = fmt.Sprintf("%s in %s is not reliably associated with %s%s %s", rise, pred, target, holding, st)
			case sure:
				e.Text = fmt.Sprintf("in sessions where %s is 1 point above %s, %s is %s points %s %s", pred, usual, resp, mag(b), dir(b, "higher", "lower"), st)
			default:
				e.Text = fmt.Sprintf("%s above %s is not reliably associated with %s in the same session %s", pred, usual, resp, st)
			}
		case sp.predictor != "" && c.Name == sp.predictor+"_between":
			e.Role = "between"
			if sure {
				e.Text = fmt.Sprintf("patients whose average %s is 1 point higher have %s %s points %s on average%s %s", pred, target, mag(b), dir(b, "higher", "lower"), holding, st)
			} else {
				e.Text = fmt.Sprintf("a patient's average %s is not reliably associated with %s%s %s", pred, target, holding, st)
			}
		case sp.predictor != "" && c.Name == sp.predictor+"_patient":
			e.Role = "patient"
			if sure {
				e.Text = fmt.Sprintf("within a therapist's caseload, patients whose average %s is 1 point above the therapist's mean have %s %s points %s%s %s", pred, target, mag(b), dir(b, "higher", "lower"), holding, st)
			} else {
				e.Text = fmt.Sprintf("within a therapist's caseload, a patient's average %s relative to the therapist's mean is not reliably associated with %s%s %s", pred, target, holding, st)
			}
		case sp.predictor != "" && c.Name == sp.predictor+"_therapist":
			e.Role = "therapist"
			if sure {
				e.Text = fmt.Sprintf("therapists whose patients' average %s is 1 point higher have patients with %s %s points %s%s %s", pred, target, mag(b), dir(b, "higher", "lower"), holding, st)
			} else {
				e.Text = fmt.Sprintf("the average %s of a therapist's patients is not reliably associated with their %s%s %s", pred, target, holding, st)
			}
		case sp.control != "" && c.Name == sp.control:
			e.Role = "control"
			if sure {
				e.Text = fmt.Sprintf("each point of %s at session t goes with %s %s points %s %s", resp, target, mag(b), dir(b, "higher", "lower"), st)
			} else {
				e.Text = fmt.Sprintf("%s at session t is not reliably associated with %s %s", resp, target, st)
			}
		case c.Name == "session":
			e.Role = "time"
			if sure {
				e.Text = fmt.Sprintf("%s changes by %s points per session%s %s", target, signed(b), holding, st)
			} else {
				e.Text = fmt.Sprintf("%s does not change reliably from session to session%s %s", target, holding, st)
			}
		default:
			e.Role = "covariate"
			if sure {
				e.Text = fmt.Sprintf("%s is %s points %s per 1-unit higher %s%s %s", target, mag(b), dir(b, "higher", "lower"), c.Name, holding, st)
			} else {
				e.Text = fmt.Sprintf("%s is not reliably associated with %s%s %s", c.Name, target, holding, st)
			}
		}
		if !(c.DF > 0) { // no t test: say so rather than "not reliably associated"
			e.Text = fmt.Sprintf("the %s term cannot be tested: no degrees of freedom are left for it (too few groups at its level; b = %s)", c.Name, apa.Num(b, decimals(b)))
		}
		out = append(out, e)
	}
	return out
}

// reliable reports whether the confidence interval excludes 0 (false when
// it is undefined).
func reliable(c mixed.Coef) bool { return c.CILB > 0 || c.CIUB < 0 }

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

// mag is |b| for a sentence, with at least decimals(b) decimals and as many
// more as it takes (up to 12) not to print a non-zero effect as 0.000.
func mag(b float64) string { return apa.Num(math.Abs(b), sentenceDecimals(b)) }

// signed is b for a sentence, with the decimals of mag.
func signed(b float64) string { return apa.Num(b, sentenceDecimals(b)) }

func sentenceDecimals(b float64) int {
	a := math.Abs(b)
	k := decimals(b)
	for ; k < 12 && a > 0 && math.Round(a*math.Pow(10, float64(k))) == 0; k++ {
	}
	return k
}

func dir(b float64, up, down string) string {
	if b < 0 {
		return down
	}
	return up
}
