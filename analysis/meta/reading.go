package meta

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/alliance-research/alliance/analysis/apa"
)

// Reading returns one plain-language sentence on the Egger-type test.
func (t *RegTestResult) Reading() string { return t.ReadingIn(Units{}) }

// ReadingIn is Reading with the limit estimate stated in u.
func (t *RegTestResult) ReadingIn(u Units) string {
	var b strings.Builder
	stat := "z"
	if t.DF != nil {
		stat = fmt.Sprintf("t(%g)", *t.DF)
		if *t.DF != math.Trunc(*t.DF) { // Satterthwaite df (multilevel Egger, CR2)
			stat = "t(" + apa.Num(*t.DF, 1) + ")"
		}
	}
	if t.P < 0.05 {
		fmt.Fprintf(&b, "The regression test finds funnel-plot asymmetry (%s = %s, %s): smaller, less precise studies report systematically different effects", stat, apa.Num(t.Statistic, 2), apa.P(t.P))
	} else {
		fmt.Fprintf(&b, "The regression test finds no clear funnel-plot asymmetry (%s = %s, %s); the test has little power, so this does not rule out small-study effects", stat, apa.Num(t.Statistic, 2), apa.P(t.P))
	}
	if t.Estimate != nil {
		fmt.Fprintf(&b, "; the effect expected in a perfectly precise study is %s, %s", u.effect(*t.Estimate), u.interval(t.Level, *t.CILB, *t.CIUB))
	}
	b.WriteString(".")
	return b.String()
}

// Reading returns one plain-language sentence on the rank correlation test.
func (t *RankTestResult) Reading() string {
	how := "normal approximation"
	if t.Exact {
		how = "exact"
	}
	if t.P < 0.05 {
		return fmt.Sprintf("Effect sizes are correlated with their variances (Kendall's τ = %s, %s p %s), a sign of small-study effects.", apa.Num(t.Tau, 3), how, strings.TrimPrefix(apa.P(t.P), "p "))
	}
	return fmt.Sprintf("Effect sizes are not clearly correlated with their variances (Kendall's τ = %s, %s p %s); the rank test has low power, so this does not rule out small-study effects.", apa.Num(t.Tau, 3), how, strings.TrimPrefix(apa.P(t.P), "p "))
}

// Reading returns one plain-language sentence on trim and fill.
func (t *TrimFillResult) Reading() string { return t.ReadingIn(Units{}) }

// ReadingIn is Reading with the estimates stated in u.
func (t *TrimFillResult) ReadingIn(u Units) string {
	if t.K0 == 0 {
		return fmt.Sprintf("Trim and fill (%s) estimates no missing studies on the %s side; the estimate stays %s.", t.Estimator, t.Side, u.effect(t.Estimate))
	}
	return fmt.Sprintf("Trim and fill (%s) estimates %d missing %s on the %s side; with them filled in, the estimate moves from %s to %s, %s — a sensitivity check, not a corrected effect.",
		t.Estimator, t.K0, plural(t.K0, "study", "studies"), t.Side, u.effect(t.Original), u.effect(t.Estimate), u.interval(0.95, t.CILB, t.CIUB))
}

// Reading returns one plain-language sentence on the fail-safe numbers.
func (f *FSNResult) Reading() string { return f.ReadingIn(Units{}) }

// ReadingIn is Reading with Orwin's target effect stated in u.
func (f *FSNResult) ReadingIn(u Units) string {
	return fmt.Sprintf("It would take %d unpublished null studies to make the combined result non-significant (Rosenthal; Rosenberg: %d), and %d to halve the mean effect to %s (Orwin; the target is arbitrary).",
		f.Rosenthal, f.Rosenberg, f.Orwin, u.effect(f.OrwinTarget))
}

// Reading returns one plain-language sentence on PET-PEESE.
func (p *PETPEESEResult) Reading() string { return p.ReadingIn(Units{}) }

// ReadingIn is Reading with the estimate stated in u.
func (p *PETPEESEResult) ReadingIn(u Units) string {
	why := "PET's intercept does not differ from zero, so PET is used"
	if p.Use == "PEESE" {
		why = "PET's intercept differs from zero, so PEESE is used"
	}
	return fmt.Sprintf("The PET-PEESE estimate is %s, %s (%s at α = %s).", u.effect(p.Estimate), u.interval(0.95, p.CILB, p.CIUB), why, apa.Num(p.Alpha, 2))
}

// Reading returns one plain-language sentence on the selection model.
func (s *SelModelResult) Reading() string {
	sel := "no significant evidence of selection"
	if s.LRTP < 0.05 {
		sel = "evidence of selection"
	}
	if s.Type != SelStepFun && s.Type != "" {
		ds := make([]string, len(s.Delta))
		for j, d := range s.Delta {
			ds[j] = apa.Num(d, 2)
		}
		return fmt.Sprintf("With a %s selection function (δ = %s), the adjusted estimate is %s, 95%% CI [%s, %s]; the likelihood-ratio test gives %s (χ²(%d) = %s, %s).",
			selTypeNames[s.Type], strings.Join(ds, ", "), apa.Num(s.Estimate, 3), apa.Num(s.CILB, 3), apa.Num(s.CIUB, 3), sel, s.LRTDF, apa.Num(s.LRT, 2), apa.P(s.LRTP))
	}
	if len(s.Steps) == 2 && len(s.Delta) == 2 {
		return fmt.Sprintf("Allowing non-significant studies (p > %s) to be published at %s times the rate of significant ones, the adjusted estimate is %s, 95%% CI [%s, %s]; the likelihood-ratio test gives %s (χ²(1) = %s, %s).",
			strings.TrimPrefix(strconv.FormatFloat(s.Steps[0], 'g', -1, 64), "0"), apa.Num(s.Delta[1], 2), apa.Num(s.Estimate, 3), apa.Num(s.CILB, 3), apa.Num(s.CIUB, 3), sel, apa.Num(s.LRT, 2), apa.P(s.LRTP))
	}
	cuts := make([]string, 0, len(s.Steps))
	for _, c := range s.Steps[:len(s.Steps)-1] {
		cuts = append(cuts, strings.TrimPrefix(strconv.FormatFloat(c, 'g', -1, 64), "0"))
	}
	ds := make([]string, 0, len(s.Delta))
	for _, d := range s.Delta[1:] {
		ds = append(ds, apa.Num(d, 2))
	}
	return fmt.Sprintf("With publication probabilities stepping at one-sided p = %s (relative to the most significant studies: %s), the adjusted estimate is %s, 95%% CI [%s, %s]; the likelihood-ratio test gives %s (χ²(%d) = %s, %s).",
		strings.Join(cuts, ", "), strings.Join(ds, ", "), apa.Num(s.Estimate, 3), apa.Num(s.CILB, 3), apa.Num(s.CIUB, 3), sel, s.LRTDF, apa.Num(s.LRT, 2), apa.P(s.LRTP))
}

// Reading returns one plain-language sentence naming the influential
// studies.
func (r *InfluenceResult) Reading() string {
	var names []string
	for _, row := range r.Rows {
		if row.Inf {
			names = append(names, row.Study)
		}
	}
	if len(names) == 0 {
		return fmt.Sprintf("None of the %d studies is influential by metafor's criteria (DFFITS, Cook's distance, leverage, DFBETAS).", len(r.Rows))
	}
	return fmt.Sprintf("%d of %d studies %s influential by metafor's criteria: %s; check that the conclusions hold without %s.",
		len(names), len(r.Rows), plural(len(names), "is", "are"), strings.Join(names, ", "), plural(len(names), "it", "them"))
}

// Reading returns one sentence per analysis that was run.
func (b *BiasResult) Reading() string {
	var parts []string
	if b.Egger != nil {
		parts = append(parts, b.Egger.Reading())
	}
	if b.Rank != nil {
		parts = append(parts, b.Rank.Reading())
	}
	if b.TrimFill != nil {
		parts = append(parts, b.TrimFill.Reading())
	}
	if b.FSN != nil {
		parts = append(parts, b.FSN.Reading())
	}
	if b.PETPEESE != nil {
		parts = append(parts, b.PETPEESE.Reading())
	}
	if b.SelModel != nil {
		parts = append(parts, b.SelModel.Reading())
	}
	if b.TES != nil {
		parts = append(parts, b.TES.Reading())
	}
	if b.HC != nil {
		parts = append(parts, b.HC.Reading())
	}
	for _, k := range []string{"egger", "rank", "trimfill", "fsn", "pet_peese", "selmodel", "tes", "hc"} {
		if m, ok := b.Errors[k]; ok {
			parts = append(parts, fmt.Sprintf("Not computed (%s): %s.", k, strings.TrimSuffix(m, ".")))
		}
	}
	return strings.Join(parts, " ")
}

// Reading returns one plain-language sentence on the test of excess
// significance.
func (t *TESResult) Reading() string {
	verdict := "no significant excess of significant results"
	if t.P < t.Alpha {
		verdict = "an excess of significant results"
	}
	s := fmt.Sprintf("%d of %d studies are significant where %s are expected from their power at the pooled estimate (O/E = %s; test of excess significance, %s p = %s at α = %s): %s.",
		t.O, t.K, apa.Num(t.E, 2), apa.Num(t.OERatio, 2), map[string]string{"exact": "exact", "chi2": "χ²"}[t.Test], apa.Num(t.P, 3), apa.Num(t.Alpha, 2), verdict)
	if t.ThetaLim != nil {
		s += fmt.Sprintf(" The excess would no longer be significant if the true effect were %s or further from zero.", apa.Num(*t.ThetaLim, 3))
	}
	return s
}

// Reading returns one plain-language sentence on the Henmi–Copas CI.
func (h *HCResult) Reading() string {
	return fmt.Sprintf("The Henmi–Copas interval around the fixed-effect estimate %s is [%s, %s] (random-effects model: %s [%s, %s]); it is less sensitive to publication bias.",
		apa.Num(h.Estimate, 3), apa.Num(h.CILB, 3), apa.Num(h.CIUB, 3), apa.Num(h.EstimateRMA, 3), apa.Num(h.CILBRMA, 3), apa.Num(h.CIUBRMA, 3))
}
