package workflow

import (
	"fmt"
	"strings"

	"github.com/alliance-research/alliance/analysis/metamv"
)

// fitThreeLevelBias runs the small-study tests that remain valid for
// dependent effect sizes (Rodgers & Pustejovsky 2021): the multilevel
// Egger test — rma.mv(yi, V, mods = ~ sqrt(vi), random = ~ 1 | outer/inner)
// with the slope tested by CR2 and Satterthwaite df, clustered by the outer
// level — and, with PETPEESE, PET-PEESE on the same model (metamv.Bias).
// The rank correlation test, trim and fill and the fail-safe numbers
// assume independent effects and are not run; a note printed first says so.
func (r *MetaRun) fitThreeLevelBias() error {
	o, e := r.opt, &r.eff
	outer := e.ids[strings.ToLower(e.outer)]
	var inner []string
	if e.inner != "" {
		inner = e.ids[strings.ToLower(e.inner)]
	}
	b, err := metamv.Bias(e.yi, e.vi, outer, inner, metamv.Options{Method: o.Method, Test: o.Test, Level: o.Level, Rho: o.Rho,
		Measure: e.measure, OuterName: e.outer, NoProfile: true}, metamv.BiasOptions{PETPEESE: o.PETPEESE})
	if err != nil {
		return r.optional("The multilevel Egger test", err)
	}
	r.ThreeLevelBias = b
	where := "are not run with --cluster"
	if o.Univariate {
		where = "are reported for the univariate model only, which treats the effects as independent"
	}
	r.top = append(r.top, Note{Level: Info, Text: "Dependent effect sizes: the rank correlation test, trim and fill and the fail-safe numbers assume independent effects and " + where + "; for the three-level model the multilevel Egger test (CR2, Satterthwaite df, clustered by " + e.outer + ") is reported (Rodgers & Pustejovsky, 2021)."})
	return nil
}

// composeThreeLevelBias renders the multilevel small-study tests.
func (r *MetaRun) composeThreeLevelBias(s *Section) {
	b := r.ThreeLevelBias
	if b == nil {
		return
	}
	s.H("meta-bias-mv", "Small-study effects in dependent effect sizes")
	t, readings := biasTable(b, r.isR())
	t.Notes = []string{fmt.Sprintf("Multilevel Egger test: the three-level model with √vᵢ as moderator; its slope tested with CR2 standard errors clustered by %s and Satterthwaite df (clubSandwich::coef_test, vcov = \"CR2\"). The limit estimate is the intercept (SE → 0).", r.eff.outer)}
	if r.isR() {
		t.Notes = append(t.Notes, "Limit and PET-PEESE estimates are back-transformed to r; the tests are computed on Fisher z.")
	}
	s.Add(t)
	s.P(Reading, strings.Join(readings, " "))
	m := fmt.Sprintf("Small-study effects were examined with the multilevel Egger test (Rodgers & Pustejovsky, 2021): the three-level model with the standard error as moderator, its slope tested with CR2 cluster-robust standard errors clustered by %s and Satterthwaite degrees of freedom (Pustejovsky & Tipton, 2018).", r.eff.outer)
	if b.PETPEESE != nil {
		m += " The conditional PET-PEESE estimate (Stanley & Doucouliagos, 2014) was formed on the same three-level model."
		r.cite("stanley2014")
	}
	r.methods = append(r.methods, m+" Rank correlation, trim and fill and fail-safe N were not used because they assume independent effects.")
	r.cite("rodgers2021", "pustejovsky2018", "egger1997")
}

// rThreeLevelBias is the R code of the multilevel Egger test and PET-PEESE
// (after rThreeLevel has defined dat3 and V or vi).
func (r *MetaRun) rThreeLevelBias(b *strings.Builder, v, on, in string) {
	bi := r.ThreeLevelBias
	if bi == nil {
		return
	}
	res := r.ThreeLevel
	fmt.Fprintf(b, "# multilevel Egger test (Rodgers & Pustejovsky 2021): slope of sqrt(vi), CR2 with Satterthwaite df\n")
	fmt.Fprintf(b, "eg3 <- rma.mv(yi, %s, mods = ~ sqrt(vi), random = ~ 1 | %s/%s, data = dat3, method = %q, test = %q,\n               control = list(rel.tol = 1e-10))\n", v, on, in, res.Method, res.Test)
	fmt.Fprintf(b, "eg3ct <- clubSandwich::coef_test(eg3, vcov = \"CR2\", cluster = dat3$%s); eg3ct\n", on)
	fmt.Fprintf(b, "clubSandwich::conf_int(eg3, vcov = \"CR2\", cluster = dat3$%s, level = %g)\n", on, res.Level)
	if bi.PETPEESE != nil {
		fmt.Fprintf(b, "pe3 <- rma.mv(yi, %s, mods = ~ vi, random = ~ 1 | %s/%s, data = dat3, method = %q, test = %q,\n               control = list(rel.tol = 1e-10))   # PEESE\n", v, on, in, res.Method, res.Test)
		fmt.Fprintf(b, "pe3ct <- clubSandwich::coef_test(pe3, vcov = \"CR2\", cluster = dat3$%s); pe3ct\n", on)
	}
}

// rThreeLevelBiasJSON adds bias.egger (and bias.pet_peese) to the R JSON
// object o of rThreeLevelJSON.
func (r *MetaRun) rThreeLevelBiasJSON(b *strings.Builder) {
	bi := r.ThreeLevelBias
	if bi == nil {
		return
	}
	lv := r.ThreeLevel.Level
	fmt.Fprintf(b, `  rt <- function(f) { ct <- clubSandwich::coef_test(f, vcov = "CR2", cluster = dat3[[%q]])
    ci <- clubSandwich::conf_int(f, vcov = "CR2", cluster = dat3[[%q]], level = %g)
    list(statistic = ct$tstat[2], df = ct$df_Satt[2], p = ct$p_Satt[2], slope = ct$beta[2], estimate = ct$beta[1], se = ct$SE[1],
      ci_lb = ci$CI_L[1], ci_ub = ci$CI_U[1], estimate_statistic = ct$tstat[1], estimate_p = ct$p_Satt[1]) }
  o$bias <- list(egger = rt(eg3))
`, rName(r.eff.outer), rName(r.eff.outer), lv)
	if bi.PETPEESE != nil {
		fmt.Fprintf(b, `  pp <- list(pet = o$bias$egger, peese = rt(pe3), alpha = %g)
  u <- if (pp$pet$estimate_p < pp$alpha) pp$peese else pp$pet   # PEESE when PET's intercept differs from 0
  pp$estimate <- u$estimate; pp$ci_lb <- u$ci_lb; pp$ci_ub <- u$ci_ub; o$bias$pet_peese <- pp
`, bi.PETPEESE.Alpha)
	}
}
