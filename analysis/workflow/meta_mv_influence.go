package workflow

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/alliance-research/alliance/analysis/apa"
	"github.com/alliance-research/alliance/analysis/metamv"
)

// mvInfluenceOut is the JSON of the three-level model's influence
// diagnostics: one row per outer cluster and one per effect size, in
// metafor's names (cook_d, dfbetas, hat).
type mvInfluenceOut struct {
	Names    []string                  `json:"names"` // coefficient names (the columns of dfbetas)
	Clusters []metamv.ClusterInfluence `json:"clusters"`
	Effects  []metamv.EffectInfluence  `json:"effects"`
}

// mvInfluenceJSON holds the optional diagnostics of a three-level model in
// the JSON output: influence (with --influence) and leave1out (with
// --leave1out, one outer cluster at a time).
type mvInfluenceJSON struct {
	Influence *mvInfluenceOut   `json:"influence,omitempty"`
	Leave1out []metamv.LeaveOut `json:"leave1out,omitempty"`
}

func (r *MetaRun) mvInfluenceJSON() mvInfluenceJSON {
	inf := r.ThreeLevelInfluence
	if inf == nil {
		return mvInfluenceJSON{}
	}
	var out mvInfluenceJSON
	if r.opt.Influence {
		out.Influence = &mvInfluenceOut{Names: inf.Names, Clusters: inf.Clusters, Effects: inf.Effects}
	}
	if r.opt.LeaveOneOut {
		out.Leave1out = inf.LeaveOut
	}
	return out
}

// threeLevelDiagnostics refuses what a three-level model alone does not
// offer; influence (cluster and effect level) and leave-one-cluster-out
// are offered.
func (o MetaOptions) threeLevelDiagnostics() error {
	if o.Cluster == "" || o.Univariate {
		return nil
	}
	switch {
	case o.LeaveClusterOut != "":
		return invalid("Cluster", "with a three-level model leave-one-out already leaves out one %s at a time; leaving out clusters is for univariate models (drop it, or ask for the univariate model)", strings.SplitN(o.Cluster, "/", 2)[0])
	case o.Cumulative != "":
		return invalid("Cluster", "the cumulative meta-analysis is available for univariate models; drop it, or ask for the univariate model")
	case o.hasUniFigure():
		return invalid("Cluster", "the figures other than the forest, funnel, bubble and profile plots (Baujat, radial, influence, leave-one-out and cumulative forests) are drawn for univariate models; the three-level model's influence and leave-one-out results are in the tables and the JSON")
	}
	return nil
}

// fitThreeLevelInfluence runs the deletion diagnostics of the three-level
// model (metamv.Influence): with Influence, Cook's distance, DFBETAS and
// hat values for each outer cluster and each effect size; with
// LeaveOneOut, the model refitted without each outer cluster.
func (r *MetaRun) fitThreeLevelInfluence() error {
	o := r.opt
	if r.ThreeLevel == nil || o.Univariate || !(o.Influence || o.LeaveOneOut) {
		return nil
	}
	inf, err := r.ThreeLevel.Influence(metamv.InfluenceOptions{Effects: o.Influence, LeaveOut: o.LeaveOneOut})
	if err != nil {
		return r.optional("The influence analysis of the three-level model", err)
	}
	r.ThreeLevelInfluence = inf
	for _, n := range inf.Notes {
		r.top = append(r.top, Note{Level: Warning, Text: n})
	}
	return nil
}

// maxEffectInfluenceRows bounds the effect-level influence table in the
// text (every effect size is in the JSON).
const maxEffectInfluenceRows = 10

// composeThreeLevelInfluence renders the three-level model's influence
// and leave-one-cluster-out tables, after the methods sentence of the
// multilevel I².
func (r *MetaRun) composeThreeLevelInfluence(s *Section) {
	inf, res := r.ThreeLevelInfluence, r.ThreeLevel
	if res != nil && len(res.I2Levels) == 2 && finite(res.I2) {
		r.methods = append(r.methods, "Heterogeneity was apportioned to the levels both as Cheung (2014), with the typical sampling variance of the univariate I², and as the multilevel I² of Nakagawa and Santos (2012), with the typical sampling variance (k − p)/tr(P) of the metafor FAQ.")
		r.cite("nakagawa2012", "cheung2014")
	}
	if inf == nil || res == nil {
		return
	}
	outer, isR := r.eff.outer, r.isR()
	if r.opt.Influence && len(inf.Clusters) > 0 {
		r.composeMVInfluenceTables(s, inf, outer)
	}
	if r.opt.LeaveOneOut && len(inf.LeaveOut) > 0 {
		r.composeMVLeaveOut(s, inf, res, outer, isR)
	}
}

// composeMVInfluenceTables writes the three-level influence: a reading of
// the most influential cluster and effect size, the cluster table (Cook's
// D, DFBETAS, summed hat) and the effect sizes with the largest D.
func (r *MetaRun) composeMVInfluenceTables(s *Section, inf *metamv.InfluenceResult, outer string) {
	s.H("meta-influence-mv", "Influential clusters and effect sizes (three-level model)")
	top := 0
	for i, c := range inf.Clusters {
		if finite(c.CookD) && (!finite(inf.Clusters[top].CookD) || c.CookD > inf.Clusters[top].CookD) {
			top = i
		}
	}
	reading := ""
	if c := inf.Clusters[top]; finite(c.CookD) {
		reading = fmt.Sprintf("Leaving out one %s at a time, Cook's distance is largest for %s %s (D = %s, %d effect sizes).", outer, outer, c.Cluster, num(c.CookD, 3), c.K)
	}
	order := make([]int, len(inf.Effects))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool {
		x, y := inf.Effects[order[a]].CookD, inf.Effects[order[b]].CookD
		if !finite(y) {
			return finite(x)
		}
		return finite(x) && x > y
	})
	if len(order) > 0 {
		if e := inf.Effects[order[0]]; finite(e.CookD) {
			reading += fmt.Sprintf(" Among single effect sizes, row %d (%s %s) has the largest Cook's distance (D = %s, hat = %s).", e.Row, outer, e.Cluster, num(e.CookD, 3), num(e.Hat, 3))
		}
	}
	if reading != "" {
		s.P(Reading, strings.TrimSpace(reading))
	}
	cols := []string{strings.ToUpper(outer[:1]) + outer[1:], "k", "Cook's D"}
	right := []bool{false, true, true}
	for _, n := range inf.Names {
		cols, right = append(cols, "DFBETAS "+termName(n)), append(right, true)
	}
	cols, right = append(cols, "Hat (sum)"), append(right, true)
	t := &Table{Name: "influence-clusters", Title: "Influence of each " + outer + " (three-level model refitted without it)", Columns: cols, Right: right}
	for _, c := range inf.Clusters {
		row := []string{c.Cluster, strconv.Itoa(c.K), num(c.CookD, 4)}
		for _, d := range c.DFBetas {
			row = append(row, num(d, 4))
		}
		t.Rows = append(t.Rows, append(row, num(c.Hat, 4)))
	}
	t.Notes = []string{"As metafor's cooks.distance(res, cluster = " + outer + ") and dfbetas(res, cluster = " + outer + "): each " + outer + " left out and the model refitted with the variance components re-estimated; Cook's D = (β̂ − β̂₍₋ᵢ₎)′Var(β̂)⁻¹(β̂ − β̂₍₋ᵢ₎). Hat is the sum of the cluster's hat values (hatvalues(res))."}
	s.Add(t)
	if len(inf.Effects) > 0 {
		cols := []string{"Row", strings.ToUpper(outer[:1]) + outer[1:], "Cook's D"}
		right := []bool{true, false, true}
		for _, n := range inf.Names {
			cols, right = append(cols, "DFBETAS "+termName(n)), append(right, true)
		}
		cols, right = append(cols, "Hat"), append(right, true)
		n := min(len(order), maxEffectInfluenceRows)
		t := &Table{Name: "influence-effects", Title: fmt.Sprintf("The %d effect sizes with the largest Cook's distance (three-level model)", n), Columns: cols, Right: right}
		for _, i := range order[:n] {
			e := inf.Effects[i]
			row := []string{strconv.Itoa(e.Row), e.Cluster, num(e.CookD, 4)}
			for _, d := range e.DFBetas {
				row = append(row, num(d, 4))
			}
			t.Rows = append(t.Rows, append(row, num(e.Hat, 4)))
		}
		t.Notes = []string{fmt.Sprintf("As metafor's cooks.distance(res), dfbetas(res) and hatvalues(res): each effect size left out and the model refitted. All %d effect sizes are in the JSON output (influence.effects).", len(inf.Effects))}
		s.Add(t)
	}
	r.methods = append(r.methods, fmt.Sprintf("Influence in the three-level model was examined at the level of the %s and of the single effect size: each was left out in turn and the model refitted with the variance components re-estimated, giving Cook's distances, DFBETAS and hat values (Viechtbauer & Cheung, 2010).", outer))
	r.cite("viechtbauercheung2010")
}

// composeMVLeaveOut writes the leave-one-cluster-out table of the
// three-level model, with the range of the estimate as a reading.
func (r *MetaRun) composeMVLeaveOut(s *Section, inf *metamv.InfluenceResult, res *metamv.Result, outer string, isR bool) {
	f := func(z float64) string { return num(z, 3) }
	if isR {
		f = func(z float64) string { return rnum(math.Tanh(z), 3) }
	}
	lo, hi := -1, -1
	for i, l := range inf.LeaveOut {
		if !finite(l.Estimate) {
			continue
		}
		if lo < 0 || l.Estimate < inf.LeaveOut[lo].Estimate {
			lo = i
		}
		if hi < 0 || l.Estimate > inf.LeaveOut[hi].Estimate {
			hi = i
		}
	}
	what := "pooled " + r.unitWord()
	if len(res.Coefficients) > 1 {
		what = "intercept"
	}
	if lo >= 0 {
		s.P(Reading, fmt.Sprintf("Leaving out one %s at a time, the three-level %s ranges from %s (without %s) to %s (without %s).",
			outer, what, f(inf.LeaveOut[lo].Estimate), inf.LeaveOut[lo].Cluster, f(inf.LeaveOut[hi].Estimate), inf.LeaveOut[hi].Cluster))
	}
	eff := "Estimate"
	if isR {
		eff = "r"
	}
	t := &Table{Name: "leave1out", Title: "Leave-one-" + outer + "-out (three-level model)",
		Columns: []string{strings.ToUpper(outer[:1]) + outer[1:] + " omitted", "k", eff, apa.Level(res.Level) + " CI", "p", "σ² between", "σ² within"},
		Right:   []bool{false, true, true, false, true, true, true}}
	for _, l := range inf.LeaveOut {
		e, iv := num(l.Estimate, 4), interval(l.CILB, l.CIUB, 4, false)
		if isR {
			e, iv = rnum(math.Tanh(l.Estimate), 3), interval(math.Tanh(l.CILB), math.Tanh(l.CIUB), 3, true)
		}
		t.Rows = append(t.Rows, []string{"without " + l.Cluster, strconv.Itoa(l.K), e, iv, pcell(l.P), num(l.Sigma2[0], 4), num(l.Sigma2[1], 4)})
	}
	if isR {
		t.Notes = append(t.Notes, "Estimates back-transformed to r; σ² in Fisher z units.")
	}
	if len(res.Coefficients) > 1 {
		t.Notes = append(t.Notes, "The intercept of the meta-regression; every coefficient is in the JSON output (leave1out[].coefficients).")
	}
	s.Add(t)
	r.methods = append(r.methods, fmt.Sprintf("The robustness of the three-level estimate was checked by leaving out one %s at a time and refitting the model.", outer))
}

// multilevelI2Note is the variance table's note on the multilevel I²
// (metafor FAQ; Nakagawa & Santos 2012) beside Cheung's shares.
func (r *MetaRun) multilevelI2Note(res *metamv.Result) string {
	if len(res.I2Levels) != 2 || !finite(res.I2) {
		return ""
	}
	r.cite("nakagawa2012")
	return fmt.Sprintf("Multilevel I² (Nakagawa & Santos, 2012; the metafor FAQ), with the typical sampling variance (k − p)/tr(P) = %s, P = W − WX(X′WX)⁻¹X′W, W = V⁻¹: %s in total, %s between clusters (%s) and %s within clusters (%s).",
		num(res.I2TypicalV, 4), pct(res.I2), pct(res.I2Levels[0].I2), res.I2Levels[0].Level, pct(res.I2Levels[1].I2), res.I2Levels[1].Level)
}

// mvHetRow is one level of the three-level model's heterogeneity table
// (--format csv --table heterogeneity).
type mvHetRow struct {
	Level    string  `json:"level"`
	Sigma2   float64 `json:"sigma2"`
	I2       float64 `json:"I2"`        // multilevel I² (metafor FAQ), percent
	I2Cheung float64 `json:"I2_cheung"` // Cheung (2014), percent
}

// mvHetRows are the rows of that table: between and within clusters.
func mvHetRows(m *metamv.Result) []mvHetRow {
	if len(m.I2Levels) != 2 {
		return nil
	}
	return []mvHetRow{{m.Levels[0], m.Sigma2[0], m.I2Levels[0].I2, m.Variance.Level3}, {m.Levels[1], m.Sigma2[1], m.I2Levels[1].I2, m.Variance.Level2}}
}

// rModsFormula is the mods argument of the R calls (", mods = ~ a + b"),
// empty without moderators.
func (r *MetaRun) rModsFormula() string {
	if len(r.eff.mods) == 0 {
		return ""
	}
	names := make([]string, len(r.eff.mods))
	for i, m := range r.eff.mods {
		names[i] = rName(m.Name)
	}
	return ", mods = ~ " + strings.Join(names, " + ")
}

// rThreeLevelInfluence is the R code of the three-level model's multilevel
// I² and, when they ran, its influence diagnostics and leave-one-cluster-out
// fits (after rThreeLevel has defined dat3, res3 and V or vi).
func (r *MetaRun) rThreeLevelInfluence(b *strings.Builder, v, on, in string) {
	res := r.ThreeLevel
	b.WriteString("# multilevel I² (metafor FAQ; Nakagawa & Santos 2012): typical sampling variance (k - p)/tr(P), W = V^-1\n")
	b.WriteString("W3 <- solve(res3$V); X3 <- model.matrix(res3)\nP3 <- W3 - W3 %*% X3 %*% solve(t(X3) %*% W3 %*% X3) %*% t(X3) %*% W3\n")
	b.WriteString("vt3 <- (res3$k - res3$p) / sum(diag(P3))\nc(I2 = 100 * sum(res3$sigma2) / (sum(res3$sigma2) + vt3), 100 * res3$sigma2 / (sum(res3$sigma2) + vt3))\n")
	inf := r.ThreeLevelInfluence
	if inf == nil {
		return
	}
	fmt.Fprintf(b, "cl3 <- as.character(dat3$%s); ids3 <- unique(cl3)\n", on)
	if r.opt.Influence {
		fmt.Fprintf(b, "# influence: each %s, then each effect size, left out and the model refitted (metafor refits with k x k matrices: slow for large k)\n", r.eff.outer)
		b.WriteString("cd3c <- cooks.distance(res3, cluster = cl3)[ids3]; cd3c\ndfb3c <- as.matrix(dfbetas(res3, cluster = cl3))[ids3, , drop = FALSE]; dfb3c\n")
		b.WriteString("cd3 <- cooks.distance(res3); dfb3 <- as.matrix(dfbetas(res3)); h3 <- hatvalues(res3)\n")
	}
	if r.opt.LeaveOneOut {
		fmt.Fprintf(b, "# leave one %s out\n", r.eff.outer)
		fmt.Fprintf(b, "l1o3 <- lapply(ids3, function(id) rma.mv(yi, %s%s, random = ~ 1 | %s/%s, data = dat3, subset = cl3 != id,\n               method = %q, test = %q, control = list(rel.tol = 1e-10)))\n", v, r.rModsFormula(), on, in, res.Method, res.Test)
		b.WriteString("data.frame(omitted = ids3, t(sapply(l1o3, function(f) c(k = f$k, estimate = f$beta[1], ci.lb = f$ci.lb[1], ci.ub = f$ci.ub[1], sigma2 = f$sigma2))))\n")
	}
}

// rThreeLevelInfluenceJSON adds I2, I2_levels and I2_typical_v and, when
// they ran, influence and leave1out to the R JSON object o of
// rThreeLevelJSON.
func (r *MetaRun) rThreeLevelInfluenceJSON(b *strings.Builder) {
	b.WriteString("  o$I2_typical_v <- vt3; o$I2 <- 100 * sum(m$sigma2) / (sum(m$sigma2) + vt3)\n  o$I2_levels <- data.frame(I2 = 100 * m$sigma2 / (sum(m$sigma2) + vt3))\n")
	if r.ThreeLevelInfluence == nil {
		return
	}
	if r.opt.Influence {
		b.WriteString(`  rows <- function(x) lapply(seq_len(nrow(x)), function(i) I(unname(x[i, ])))   # one array per row
  ic <- data.frame(k = as.vector(table(cl3)[ids3]), cook_d = unname(cd3c)); ic$dfbetas <- rows(dfb3c)
  ic$hat <- as.vector(tapply(h3, cl3, sum)[ids3])
  ie <- data.frame(row = as.integer(names(h3)), cook_d = unname(cd3)); ie$dfbetas <- rows(dfb3); ie$hat <- unname(h3)
  o$influence <- list(clusters = ic, effects = ie)
`)
	}
	if r.opt.LeaveOneOut {
		b.WriteString(`  o$leave1out <- lapply(l1o3, function(f) { x <- list(k = f$k, estimate = f$beta[1], se = f$se[1], statistic = f$zval[1], p = f$pval[1],
    ci_lb = f$ci.lb[1], ci_ub = f$ci.ub[1], sigma2 = f$sigma2, logLik = as.numeric(logLik(f)))
    if (f$test == "t") x$df <- f$ddf[1]
    if (f$p > 1) { x$coefficients <- data.frame(estimate = c(f$beta), se = f$se, statistic = f$zval, p = f$pval, ci_lb = f$ci.lb, ci_ub = f$ci.ub)
      if (f$test == "t") x$coefficients$df <- f$ddf }
    x })
`)
	}
}
