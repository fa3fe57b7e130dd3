package meta

import (
	"fmt"
	"math"
	"strings"

	"github.com/alliance-research/alliance/analysis/apa"
)

// isCorr reports whether estimates are (or back-transform to) correlations.
func (r *Result) isCorr() bool { return r.Measure == "ZCOR" || r.Measure == "COR" }

// pooled returns the intercept-only estimate, CI and PI on the reporting
// scale (r for ZCOR, via tanh).
func (r *Result) pooled() (est, lb, ub float64, pilb, piub *float64) {
	c := r.Coefficients[0]
	if r.Measure == "ZCOR" && r.R != nil {
		return r.R.Estimate, r.R.CILB, r.R.CIUB, r.R.PILB, r.R.PIUB
	}
	return c.Estimate, c.CILB, c.CIUB, r.PILB, r.PIUB
}

func (r *Result) statLabel() string {
	if r.Test == TestZ {
		return "z"
	}
	return fmt.Sprintf("t(%d)", r.K-r.P)
}

// Summary returns the results-section line in APA style, e.g.
//
//	k = 16, r = .15, 95% CI [.09, .21], z = 4.74, p < .001; τ² = 0.008, I² = 61.7%, Q(15) = 38.16, p = .001; 95% PI [−.04, .33]
//
// reporting r for ZCOR (back-transformed) and COR measures and the estimate
// otherwise. For a meta-regression it reports the omnibus moderator test,
// the residual heterogeneity and R².
func (r *Result) Summary() string {
	var b strings.Builder
	fmt.Fprintf(&b, "k = %d, ", r.K)
	num := func(x float64) string { return apa.Num(x, 2) }
	if r.isCorr() {
		num = func(x float64) string { return apa.NoZero(x, 2) }
	}
	if r.P == 1 {
		est, lb, ub, _, _ := r.pooled()
		name := "estimate"
		if r.isCorr() {
			name = "r"
		}
		c := r.Coefficients[0]
		fmt.Fprintf(&b, "%s = %s, %s CI [%s, %s], %s = %s, %s", name, num(est), apa.Level(r.Level),
			num(lb), num(ub), r.statLabel(), apa.Num(c.Statistic, 2), apa.P(c.P))
	} else if r.QMDF2 != nil {
		fmt.Fprintf(&b, "F(%d, %d) = %s, %s", r.QMDF, *r.QMDF2, apa.Num(r.QM, 2), apa.P(r.QMP))
	} else {
		fmt.Fprintf(&b, "QM(%d) = %s, %s", r.QMDF, apa.Num(r.QM, 2), apa.P(r.QMP))
	}
	q := "Q"
	if r.P > 1 {
		q = "QE"
	}
	fmt.Fprintf(&b, "; τ² = %s, I² = %s, %s(%d) = %s", apa.Num(r.Tau2, 3), apa.Percent(r.I2), q, r.QEDF, apa.Num(r.QE, 2))
	if r.QEP != nil {
		fmt.Fprintf(&b, ", %s", apa.P(*r.QEP))
	}
	if r.P == 1 {
		if _, _, _, pl, pu := r.pooled(); pl != nil {
			fmt.Fprintf(&b, "; %s PI [%s, %s]", apa.Level(r.Level), num(*pl), num(*pu))
		}
	} else if r.R2 != nil {
		fmt.Fprintf(&b, "; R² = %s", apa.Percent(*r.R2))
	}
	return b.String()
}

// sizeWord places |r| among Cohen's (1988) benchmarks for correlations,
// small .10, medium .30 and large .50, after rounding it to the two decimals
// it is printed with:
//
//	|r| < .10         "very small"
//	.10 ≤ |r| < .30   "small-to-medium"
//	.30 ≤ |r| < .50   "medium-to-large"
//	|r| ≥ .50         "large"
//
// The bands name both neighbouring benchmarks, so that r = .28 (close to
// medium; the alliance–outcome literature calls r = .278 moderate,
// Flückiger et al. 2018) is not read as merely small.
func sizeWord(r float64) string {
	a := math.Round(math.Abs(r)*100) / 100
	switch {
	case a < 0.1:
		return "very small"
	case a < 0.3:
		return "small-to-medium"
	case a < 0.5:
		return "medium-to-large"
	}
	return "large"
}

// hetWord describes I² with the Cochrane Handbook's rough bands.
func hetWord(i2 float64) string {
	switch {
	case i2 < 25:
		return "low"
	case i2 < 50:
		return "moderate"
	case i2 < 75:
		return "substantial"
	}
	return "considerable"
}

// Interpretation returns one plain-language sentence on the result: the
// direction and size of the pooled effect (for correlations, placed among
// Cohen's (1988) benchmarks by sizeWord) and whether it is distinguishable
// from zero, the amount of heterogeneity in words with the prediction
// interval, and, when k < 10 under z tests, a recommendation to use
// Knapp–Hartung. k is counted as effect sizes, which may be more than the
// number of studies.
func (r *Result) Interpretation() string {
	var b strings.Builder
	alpha := 1 - r.Level
	if r.P == 1 {
		est, lb, ub, pl, pu := r.pooled()
		c := r.Coefficients[0]
		sig := "is statistically significant"
		if c.P >= alpha {
			sig = "is not statistically distinguishable from zero"
		}
		dir := "positive"
		if est < 0 {
			dir = "negative"
		}
		if r.isCorr() {
			fmt.Fprintf(&b, "Across %d effect sizes the average correlation is %s (r = %s), %s by Cohen's (1988) benchmarks, and %s, with the true mean plausibly between %s and %s",
				r.K, dir, apa.NoZero(est, 2), sizeWord(est), sig, apa.NoZero(lb, 2), apa.NoZero(ub, 2))
		} else {
			fmt.Fprintf(&b, "Across %d effect sizes the average effect is %s (%s) and %s, with the true mean plausibly between %s and %s",
				r.K, apa.Num(est, 2), dir, sig, apa.Num(lb, 2), apa.Num(ub, 2))
		}
		if r.Method == FE || r.Method == EE {
			fmt.Fprintf(&b, "; the %s model assumes one common effect, although I² = %s suggests %s heterogeneity",
				r.Method, apa.Percent(r.I2), hetWord(r.I2))
		} else {
			fmt.Fprintf(&b, "; heterogeneity is %s (I² = %s)", hetWord(r.I2), apa.Percent(r.I2))
			if pl != nil && r.Tau2 > 0 {
				f := func(x float64) string { return apa.Num(x, 2) }
				if r.isCorr() {
					f = func(x float64) string { return apa.NoZero(x, 2) }
				}
				fmt.Fprintf(&b, ", so the effect in a new study could lie anywhere from %s to %s", f(*pl), f(*pu))
			}
		}
	} else {
		sig := "explain a statistically significant part of the differences between effect sizes"
		if r.QMP >= alpha {
			sig = "do not explain a statistically significant part of the differences between effect sizes"
		}
		fmt.Fprintf(&b, "Across %d effect sizes the moderators %s (%s)", r.K, sig, apa.P(r.QMP))
		if r.R2 != nil {
			fmt.Fprintf(&b, ", accounting for about %s of the heterogeneity", apa.Percent(*r.R2))
		}
		fmt.Fprintf(&b, "; the remaining heterogeneity is %s (I² = %s)", hetWord(r.I2), apa.Percent(r.I2))
	}
	b.WriteString(".")
	if r.K < 10 && r.Test == TestZ {
		b.WriteString(" With fewer than 10 effect sizes, z-based intervals are too narrow; the Knapp–Hartung adjustment (test knha) is recommended.")
	}
	return b.String()
}
