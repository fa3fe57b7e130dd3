package metamv

import (
	"fmt"
	"strings"

	"github.com/alliance-research/alliance/analysis/apa"
)

// Summary is a one-paragraph plain-text account of the fit that names the
// levels, e.g. "k = 83 effect sizes in 60 study clusters (83 study/es_id
// units); estimate = 0.284, 95% CI [...]".
func (r *Result) Summary() string {
	var b strings.Builder
	fmt.Fprintf(&b, "k = %d effect sizes in %d %s clusters (%d %s units), %s", r.K, r.NLevels[0], r.Levels[0], r.NLevels[1], r.Levels[1], r.Method)
	if r.Rho != 0 {
		fmt.Fprintf(&b, ", sampling errors correlated ρ = %s within %s", apa.Num(r.Rho, 2), r.Levels[0])
	}
	b.WriteString("\n")
	for _, c := range r.Coefficients {
		fmt.Fprintf(&b, "%s: %s, SE = %s, %s, %s\n", c.Name, apa.Num(c.Estimate, 3), apa.Num(c.SE, 3),
			apa.CI(r.Level, c.CILB, c.CIUB, 3, false), apa.P(c.P))
	}
	if r.R != nil {
		fmt.Fprintf(&b, "r = %s, %s", apa.NoZero(r.R.Estimate, 2), apa.CI(r.Level, r.R.CILB, r.R.CIUB, 2, true))
		if r.R.PILB != nil {
			fmt.Fprintf(&b, ", prediction interval %s", apa.Interval(*r.R.PILB, *r.R.PIUB, 2, true))
		}
		b.WriteString("\n")
	}
	for j := 0; j < 2; j++ {
		lev := []string{"between " + r.Levels[0] + " (level 3)", "within " + r.Levels[0] + ", between " + r.Levels[1] + " (level 2)"}[j]
		fmt.Fprintf(&b, "σ² %s = %s", lev, apa.Num(r.Sigma2[j], 4))
		if ci := r.Sigma2CI[j]; ci != nil {
			fmt.Fprintf(&b, ", %s", apa.CI(r.Level, ci[0], ci[1], 4, false))
		}
		b.WriteString("\n")
	}
	v := r.Variance
	fmt.Fprintf(&b, "variance: %s sampling error (level 1), %s within %s (level 2), %s between %s (level 3)\n",
		apa.Percent(v.Level1), apa.Percent(v.Level2), r.Levels[0], apa.Percent(v.Level3), r.Levels[0])
	fmt.Fprintf(&b, "Q(%d) = %s, %s", r.QEDF, apa.Num(r.QE, 2), apa.P(*r.QEP))
	for _, l := range r.LRT {
		fmt.Fprintf(&b, "\nLRT %s: χ²(1) = %s, %s", l.Reduced, apa.Num(l.LRT, 2), apa.P(l.P))
	}
	return b.String()
}
