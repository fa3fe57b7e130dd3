package workflow

import (
	"fmt"
	"strings"

	"github.com/alliance-research/alliance/analysis/mixed"
)

// lmmDDF checks opt.DDF and returns the method for mixed.Options.DDF
// (mixed.CheckDDF decides).
func lmmDDF(opt LMMOptions) (string, error) {
	ddf, err := mixed.CheckDDF(opt.DDF, opt.ML, opt.AR1 != "" || opt.Correlation != "" || opt.Weights != "")
	if err != nil {
		return "", invalidOr("DDF", err)
	}
	return ddf, nil
}

// kr says whether the run's tests use Kenward–Roger's method.
func (r *LMMRun) kr() bool { return r.DDF == mixed.DDFKenwardRoger }

// krFixedNote is the fixed-effects table's note on the method.
const krFixedNote = "Standard errors from Kenward and Roger's (1997) adjusted covariance of the fixed effects, df by their method (pbkrtest's vcovAdj and Lb_ddf, as lmerTest's summary(m, ddf = \"Kenward-Roger\"))."

// anovaDDFNote is the first note of the ANOVA table: the df method.
func (r *LMMRun) anovaDDFNote(t *Table) {
	if len(t.Notes) == 0 {
		return
	}
	if r.opt.residual() {
		_, lines, _ := strings.Cut(t.Notes[0], ")). ")
		kind := map[int]string{1: "sequential", 3: "marginal"}[r.AnovaType]
		t.Notes[0] = fmt.Sprintf("F tests as nlme's anova(m, type = %q) (Pinheiro & Bates, 2000), with nlme's denominator df (containment for lme, n − p for gls; lmerTest has no residual structures); the (Intercept) row is nlme's; type III (marginal) tests depend on the coding of factors, as nlme's. %s", kind, lines)
		return
	}
	if !r.kr() {
		return
	}
	_, lines, _ := strings.Cut(t.Notes[0], ")). ")
	t.Notes[0] = fmt.Sprintf("Kenward–Roger F tests (Kenward & Roger, 1997): the Wald statistic in the adjusted covariance, scaled, with its denominator df (pbkrtest's KRmodcomp, as lmerTest's anova(m, type = %d, ddf = \"Kenward-Roger\")); Sum Sq and Mean Sq are those of the unscaled statistic, as lmerTest's. %s", r.AnovaType, lines)
}

// dfMethodText names the df method in the methods text.
func (r *LMMRun) dfMethodText() string {
	if r.kr() {
		return "Kenward–Roger adjusted standard errors and degrees of freedom (Kenward & Roger, 1997), as in the pbkrtest package (Halekoh & Højsgaard, 2014), through lmerTest (Kuznetsova, Brockhoff & Christensen, 2017)"
	}
	return r.Result.DFMethod + " degrees of freedom (Kuznetsova, Brockhoff & Christensen, 2017)"
}

// krCites are the references of Kenward–Roger inference.
func (r *LMMRun) krCites() []string {
	if !r.kr() {
		return nil
	}
	return []string{"kenward1997", "halekoh2014"}
}

// rDDFArg is the ddf argument of lmerTest's summary() and anova().
func (r *LMMRun) rDDFArg() string {
	if r.kr() {
		return `, ddf = "Kenward-Roger"`
	}
	return ""
}

// rDDFComment names the df of summary() in the R code.
func (r *LMMRun) rDDFComment() string {
	if r.kr() {
		return "Kenward-Roger SEs and df"
	}
	return "Satterthwaite df"
}

// rLmerNumbersDDF is rLmerNumbers with the fixed effects from summary(m,
// ddf = "Kenward-Roger") when the run uses Kenward–Roger, and then one
// more JSON line with pbkrtest's adjusted covariance (vcov_adj).
func (r *LMMRun) rLmerNumbersDDF(b *strings.Builder, m string, level float64) {
	if !r.kr() {
		rLmerNumbers(b, m, level)
		return
	}
	var t strings.Builder
	rLmerNumbers(&t, m, level)
	b.WriteString(strings.Replace(t.String(), "cs <- coef(summary(m))", `cs <- coef(summary(m, ddf = "Kenward-Roger"))`, 1))
	fmt.Fprintf(b, "cat(jsonlite::toJSON(list(vcov_adj = unname(as.matrix(pbkrtest::vcovAdj(%s)))), digits = NA), \"\\n\")\n", m)
}

// emmDF is emmeans' lmer.df argument (with pbkrtest.limit or
// lmerTest.limit raised past emmeans' 3000 observations, beyond which it
// would switch the df method silently).
func (r *LMMRun) emmDF() string {
	if r.opt.residual() {
		if r.Result.GLS {
			return `mode = "df.error"`
		}
		return `mode = "containment"`
	}
	lim := ""
	if r.NObs > 3000 {
		lim = fmt.Sprintf(", %s.limit = %d", map[bool]string{true: "pbkrtest", false: "lmerTest"}[r.kr()], r.NObs)
	}
	if r.kr() {
		return `lmer.df = "kenward-roger"` + lim
	}
	return `lmer.df = "satterthwaite"` + lim
}

// emmDFNote is the marginal-means table's note on the df.
func (r *LMMRun) emmDFNote() string {
	if r.opt.residual() {
		if r.Result.GLS {
			return "df n − p − k (k correlation and variance parameters), emmeans' mode = \"df.error\" for nlme's gls; emmeans' default there, an approximate Satterthwaite df, is not computed here."
		}
		return "df by the containment method, as emmeans' default for nlme's lme (mode = \"containment\"): the smallest nlme df of the coefficients a mean involves, the intercept's being the number of outermost groups − 1; with an ML fit the covariance of the summary table (V·n/(n − p)), as emmeans."
	}
	if r.kr() {
		return "SEs from Kenward and Roger's (1997) adjusted covariance and df by their method (emmeans' lmer.df = \"kenward-roger\")."
	}
	return "df by Satterthwaite's method (emmeans' lmer.df = \"satterthwaite\"); add --ddf kenward-roger for Kenward–Roger SEs and df (emmeans' default when pbkrtest is installed)."
}

// emmDFMethods names the df of the marginal means in the methods text.
func (r *LMMRun) emmDFMethods() string {
	if r.opt.residual() {
		if r.Result.GLS {
			return "residual degrees of freedom (n − p − k, emmeans' mode \"df.error\")"
		}
		return "containment degrees of freedom (emmeans' default for nlme's lme)"
	}
	if r.kr() {
		return "Kenward–Roger adjusted standard errors and degrees of freedom"
	}
	return "Satterthwaite degrees of freedom"
}
