package workflow

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/alliance-research/alliance/analysis/apa"
	"github.com/alliance-research/alliance/analysis/meta"
	"github.com/alliance-research/alliance/datasets"
	"gonum.org/v1/gonum/stat/distuv"
)

// Tau2ProfileSpec is the profile plot of τ² of a univariate model
// (metafor's profile(res)): the (restricted) log-likelihood over τ² with β
// re-estimated at each value, the estimate, the profile-likelihood CI
// bounds and the level the bounds cut at, ℓ(τ̂²) − χ²₁,₁₋α/2.
type Tau2ProfileSpec struct {
	Points []meta.ProfilePoint
	Tau2   float64 // τ̂²
	LogLik float64 // ℓ(τ̂²)
	CI     *meta.PLCI
	Method string // REML or ML (the likelihood profiled)
}

func (Tau2ProfileSpec) Kind() string { return "tau2-profile" }

// compareIntercept is the spelling of the intercept-only model in Compare.
const compareIntercept = "1"

// checkUniDiag validates the per-study diagnostics, the profile plot and
// the model comparison: all three are for the univariate model.
func (o MetaOptions) checkUniDiag() error {
	three := o.Cluster != "" && !o.Univariate
	switch {
	case o.Residuals && (three || len(o.Scale) > 0):
		return invalid("Residuals", "fitted values, BLUPs and residuals per study are computed for the univariate model; drop the three-level or location–scale model")
	case o.has("profile") && !three && len(o.Scale) > 0:
		return invalid("Tau2Profile", "the profile plot of τ² is drawn for the univariate model; drop the location–scale model")
	case o.has("profile") && !three && o.Tau2 != nil:
		return invalid("Tau2Profile", "τ² is fixed: there is no estimate to profile (leave τ² to be estimated, or leave out the profile)")
	case o.has("profile") && !three && o.Method != "REML" && o.Method != "ML":
		return invalid("Tau2Profile", "the profile plot of τ² shows a likelihood, so it needs a model fitted by REML or ML, not %s", o.Method)
	}
	if len(o.Compare) == 0 {
		return nil
	}
	switch {
	case o.Cluster != "" || len(o.Scale) > 0 || o.Subgroup != "" || o.Aggregate != "":
		return invalid("Compare", "the likelihood-ratio comparison of two meta-regressions is for the univariate model without subgroups, aggregation, a three-level or a location–scale model")
	case o.Method == "FE" || o.Method == "EE":
	case o.Tau2 != nil:
		return invalid("Compare", "τ² is fixed: the comparison refits both models by ML, estimating τ²; leave τ² to be estimated")
	}
	for _, c := range o.Compare {
		if strings.TrimSpace(c) == compareIntercept && len(o.Compare) > 1 {
			return invalid("Compare", "the second model is either 1 (intercept only) or a list of moderator columns, not both")
		}
		if strings.TrimSpace(c) == "" {
			return invalid("Compare", "an empty moderator name in the second model; give column names separated by commas, or 1 for the intercept-only model")
		}
	}
	return nil
}

// uniDiagnostics adds to the univariate model what the options ask for:
// the profile-likelihood CI of τ² (always, for ML and REML fits), the
// per-study table, the profile plot's points and the model comparison.
func (r *MetaRun) uniDiagnostics() error {
	res, o := r.Model, r.opt
	if res == nil {
		return nil
	}
	if (res.Method == meta.REML || res.Method == meta.ML) && o.Tau2 == nil && res.K > res.P {
		ci, err := meta.ProfileCI(res)
		if err != nil {
			r.Notes = append(r.Notes, "profile-likelihood CI of τ² not available: "+err.Error())
		} else {
			res.Tau2CIPL, res.PLNote = &[2]float64{ci.LB, ci.UB}, ci.Note
			r.plci = ci
		}
	}
	if o.Residuals {
		rows, err := meta.Studies(res)
		if err = r.optional("the per-study residuals", err); err != nil {
			return err
		}
		r.Studies = rows
	}
	if r.has("profile") && (r.opt.Cluster == "" || r.opt.Univariate) {
		if r.plci == nil {
			return invalid("Tau2Profile", "the profile plot of τ² needs its profile-likelihood CI, which could not be computed for this model")
		}
		hi := 1.25 * math.Max(math.Max(r.plci.UB, res.Tau2), 0)
		if res.Tau2CI != nil && res.Tau2CI[1] < 100 {
			hi = math.Max(hi, res.Tau2CI[1])
		}
		if !(hi > 0) {
			hi = 0.1
		}
		const n = 201
		grid := make([]float64, n)
		for i := range grid {
			grid[i] = hi * float64(i) / (n - 1)
		}
		pts, err := meta.ProfileLogLik(res, grid)
		if err != nil {
			return err
		}
		r.profile = &Tau2ProfileSpec{Points: pts, Tau2: res.Tau2, LogLik: res.Fit.LogLik, CI: r.plci, Method: res.Method}
	}
	if len(o.Compare) > 0 {
		if err := r.compareModels(); err != nil {
			return err
		}
	}
	return nil
}

// compareModels fits the second model (Compare) and the main one on the
// studies complete in the moderators of both and tests them by a
// likelihood ratio (meta.Compare: both refitted by ML).
func (r *MetaRun) compareModels() error {
	o, e := r.opt, &r.eff
	var names []string
	if !(len(o.Compare) == 1 && strings.TrimSpace(o.Compare[0]) == compareIntercept) {
		for _, c := range o.Compare {
			names = append(names, strings.TrimSpace(c))
		}
	}
	var second []meta.Moderator
	if len(names) > 0 {
		useES := o.Yi != "" || o.Vi != "" || o.Sei != ""
		cols := datasets.StudyColumns{Label: o.Study, R: o.R, N: o.N, Yi: o.Yi, Vi: o.Vi, Sei: o.Sei, Mods: names}
		st, err := r.src.Table.Studies(cols, datasets.StudyOptions{FisherZ: !useES && (o.Measure == "" || o.Measure == "ZCOR")})
		if err != nil {
			return err
		}
		if st.K() != len(e.yi) {
			return invalid("Compare", "the table gave %d rows for the second model and %d for the first; the comparison needs the same rows", st.K(), len(e.yi))
		}
		for _, v := range st.Mods {
			m, err := moderatorOf(st, v, "moderator")
			if err != nil {
				return err
			}
			second = append(second, m)
		}
	}
	// the rows complete in yi, vi and every moderator of both models
	var keep []int
	for i := range e.yi {
		ok := !math.IsNaN(e.yi[i]) && !math.IsNaN(e.vi[i])
		for _, ms := range [][]meta.Moderator{e.mods, second} {
			for _, m := range ms {
				if m.Numeric != nil {
					ok = ok && !math.IsNaN(m.Numeric[i]) && !math.IsInf(m.Numeric[i], 0)
				} else {
					ok = ok && strings.TrimSpace(m.Text[i]) != ""
				}
			}
		}
		if ok {
			keep = append(keep, i)
		}
	}
	sub := func(ms []meta.Moderator) []meta.Moderator {
		out := make([]meta.Moderator, len(ms))
		for j, m := range ms {
			out[j].Name = m.Name
			for _, i := range keep {
				if m.Numeric != nil {
					out[j].Numeric = append(out[j].Numeric, m.Numeric[i])
				} else {
					out[j].Text = append(out[j].Text, m.Text[i])
				}
			}
		}
		return out
	}
	yi, vi, labels := make([]float64, len(keep)), make([]float64, len(keep)), []string(nil)
	if e.labels != nil {
		labels = make([]string, len(keep))
	}
	for j, i := range keep {
		yi[j], vi[j] = e.yi[i], e.vi[i]
		if labels != nil {
			labels[j] = e.labels[i]
		}
	}
	base := r.metaOptions()
	base.Labels = labels
	fit := func(ms []meta.Moderator, which string) (*meta.Result, error) {
		mo := base
		mo.Mods = sub(ms)
		res, err := meta.Fit(yi, vi, mo)
		if err != nil {
			return nil, invalid("Compare", "the %s model could not be fitted on the %d studies complete in both models' moderators: %s", which, len(keep), strings.TrimPrefix(err.Error(), "meta: "))
		}
		return res, nil
	}
	first, err := fit(e.mods, "first")
	if err != nil {
		return err
	}
	other, err := fit(second, "second")
	if err != nil {
		return err
	}
	cmp, err := meta.Compare(first, other)
	if err != nil {
		return invalid("Compare", "%s", strings.TrimPrefix(err.Error(), "meta: "))
	}
	r.Compare = cmp
	r.compareMods = [2][]string{modNames(e.mods), names}
	if other.P > first.P {
		r.compareMods[0], r.compareMods[1] = names, modNames(e.mods)
	}
	// the analysed data for the R code: yi, vi and every moderator of both
	union := sub(e.mods)
	for _, m := range sub(second) {
		dup := false
		for _, u := range union {
			dup = dup || strings.EqualFold(u.Name, m.Name)
		}
		if !dup {
			union = append(union, m)
		}
	}
	r.compareData = &compareData{yi: yi, vi: vi, mods: union}
	if r.Model != nil && len(keep) != r.Model.K {
		r.compareNote = fmt.Sprintf("The comparison uses the %d studies with values of every moderator of both models (the main model uses %d).", len(keep), r.Model.K)
	}
	return nil
}

func modNames(ms []meta.Moderator) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.Name
	}
	return out
}

// composeUniDiag adds the per-study table, the profile plot and the model
// comparison to the section.
func (r *MetaRun) composeUniDiag(s *Section) {
	res := r.Model
	if res == nil {
		return
	}
	if r.plci != nil {
		r.methods = append(r.methods, fmt.Sprintf("The profile-likelihood %s CI of τ² (Hardy & Thompson, 1996) is reported beside the Q-profile one.", apa.Level(res.Level)))
		r.cite("hardy1996")
	}
	if r.profile != nil {
		cap := fmt.Sprintf("The %s log-likelihood of the model with τ² fixed at each value (β re-estimated); the dashed vertical line is τ̂², the dotted ones the bounds of the profile-likelihood %s CI, where the curve crosses the horizontal line %.2f below its maximum.",
			map[string]string{meta.REML: "restricted", meta.ML: "maximum"}[res.Method], apa.Level(res.Level), r.plci.Crit/2)
		if res.Measure == "ZCOR" {
			cap += " τ² is in Fisher z units."
		}
		r.figure(s, "profile", "Profile likelihood of τ²", cap, *r.profile)
	}
	if len(r.Studies) > 0 {
		s.H("meta-studies", "Fitted values, BLUPs and residuals")
		s.Add(r.studiesTable())
		s.P(Reading, r.studiesReading())
		r.methods = append(r.methods, "For each study the fitted value, the best linear unbiased prediction of its true effect (Raudenbush & Bryk, 1985) and its standardized and studentized residuals (Viechtbauer & Cheung, 2010) are reported.")
		r.cite("raudenbush1985", "viechtbauercheung2010")
	}
	if c := r.Compare; c != nil {
		s.H("meta-compare", "Comparison of nested models")
		s.Add(r.compareTable())
		s.P(Reading, r.compareReading())
		if r.compareNote != "" {
			s.P(NoteText, r.compareNote)
		}
		r.methods = append(r.methods, "The two nested meta-regressions were compared by a likelihood-ratio test"+map[bool]string{true: " after refitting both by maximum likelihood", false: ""}[c.Refit]+", with AIC, BIC and AICc.")
	}
}

func (r *MetaRun) studiesTable() *Table {
	res := r.Model
	t := &Table{Name: "study-residuals", Title: "Fitted values, BLUPs and residuals by study",
		Columns: []string{"Study", "yᵢ", "Fitted", "BLUP", apa.Level(res.Level) + " PI", "rstandard", "rstudent"},
		Right:   []bool{false, true, true, true, false, true, true}}
	for i, row := range r.Studies {
		if i == maxStudyRows {
			t.Notes = append(t.Notes, fmt.Sprintf("The first %d of %d studies are listed; every study is in the results file.", maxStudyRows, len(r.Studies)))
			break
		}
		t.Rows = append(t.Rows, []string{row.Study, num(row.Yi, 4), num(row.Fitted, 4), num(row.Blup, 4), interval(row.PILB, row.PIUB, 4, false), num(row.RStandard, 2), num(row.RStudent, 2)})
	}
	t.Notes = append(t.Notes, "BLUP: the best linear unbiased prediction of the study's true effect (metafor's blup), shrunk from yᵢ towards the fitted value by τ²/(τ² + vᵢ), with its prediction interval; rstandard and rstudent: the standardized and studentized (leave-one-out) residuals (metafor's rstandard and rstudent).")
	if n := unitNote(res.Measure); n != "" {
		t.Notes = append(t.Notes, n)
	}
	return t
}

// studiesReading names the studies whose studentized residual exceeds the
// two-sided 5% normal critical value.
func (r *MetaRun) studiesReading() string {
	crit := distuv.UnitNormal.Quantile(0.975)
	type out struct {
		name string
		z    float64
	}
	var big []out
	for _, row := range r.Studies {
		if finite(row.RStudent) && math.Abs(row.RStudent) > crit {
			big = append(big, out{row.Study, row.RStudent})
		}
	}
	k := len(r.Studies)
	if len(big) == 0 {
		return fmt.Sprintf("No study's studentized residual lies beyond ±1.96: none of the %d studies stands out from the model.", k)
	}
	sort.Slice(big, func(a, b int) bool { return math.Abs(big[a].z) > math.Abs(big[b].z) })
	parts := make([]string, len(big))
	for i, b := range big {
		parts[i] = fmt.Sprintf("%s (%s)", b.name, num(b.z, 2))
	}
	return fmt.Sprintf("%d of %d studies have studentized residuals beyond ±1.96: %s; about %s would be expected by chance alone, so check these studies rather than drop them.",
		len(big), k, strings.Join(parts, ", "), strconv.FormatFloat(math.Round(0.05*float64(k)*10)/10, 'f', -1, 64))
}

func termsLabel(mods []string) string {
	if len(mods) == 0 {
		return "intercept only"
	}
	return strings.Join(mods, " + ")
}

func (r *MetaRun) compareTable() *Table {
	c := r.Compare
	t := &Table{Name: "compare", Title: "Likelihood-ratio test of nested models",
		Columns: []string{"Model", "Moderators", "df", "logLik", "Deviance", "AIC", "BIC", "AICc", "Q_E", "τ²", "LRT", "p", "R² (%)"},
		Right:   []bool{false, false, true, true, true, true, true, true, true, true, true, true, true}}
	for i, m := range c.Models {
		row := []string{map[int]string{0: "Full", 1: "Reduced"}[i], termsLabel(r.compareMods[i]), strconv.Itoa(m.Parms), num(m.LogLik, 4), num(m.Deviance, 4),
			num(m.AIC, 4), num(m.BIC, 4), num(m.AICc, 4), num(m.QE, 4), num(m.Tau2, 4), "", "", ""}
		if i == 1 {
			row[10], row[11] = num(c.LRT, 4), pcell(c.P)
			if c.R2 != nil {
				row[12] = num(*c.R2, 2)
			}
		}
		t.Rows = append(t.Rows, row)
	}
	if c.Refit {
		t.Notes = append(t.Notes, "Both models were refitted by maximum likelihood for the test (REML likelihoods of models with different moderators are not comparable), as metafor's anova(m1, m2, refit = TRUE); the fit statistics and τ² are those of the ML fits.")
	}
	t.Notes = append(t.Notes, "df: the number of parameters (coefficients and τ²); R²: the share of the reduced model's τ² accounted for by the full model.")
	return t
}

func (r *MetaRun) compareReading() string {
	c := r.Compare
	extra := termsLabel(r.compareMods[0])
	verdict := "does not clearly improve the fit"
	if c.P < 0.05 {
		verdict = "improves the fit"
	}
	aic := "the full model"
	if c.Models[1].AIC <= c.Models[0].AIC {
		aic = "the reduced model"
	}
	s := fmt.Sprintf("The full model (%s) %s over the reduced model (%s): LRT(%d) = %s, %s; AIC prefers %s (%s vs %s).",
		extra, verdict, termsLabel(r.compareMods[1]), c.DF, num(c.LRT, 2), apa.P(c.P), aic, num(c.Models[0].AIC, 2), num(c.Models[1].AIC, 2))
	if c.R2 != nil && !(r.opt.Method == "FE" || r.opt.Method == "EE") {
		s += fmt.Sprintf(" The added terms account for %s%% of the reduced model's between-study variance.", num(*c.R2, 1))
	}
	return s
}

// uniDiagTidy are the machine-readable tables of the per-study values and
// the comparison.
func (r *MetaRun) uniDiagTidy() []TidyTable {
	var out []TidyTable
	if len(r.Studies) > 0 {
		out = append(out, TidyTable{"studies", r.Studies})
	}
	if c := r.Compare; c != nil {
		type row struct {
			meta.CompareModel
			Moderators string   `json:"moderators"`
			LRT        *float64 `json:"LRT"`
			DF         *int     `json:"df"`
			P          *float64 `json:"p"`
			R2         *float64 `json:"R2"`
		}
		rows := make([]row, 2)
		for i, m := range c.Models {
			rows[i] = row{CompareModel: m, Moderators: termsLabel(r.compareMods[i])}
			rows[i].Terms = nil
		}
		rows[1].LRT, rows[1].DF, rows[1].P, rows[1].R2 = &c.LRT, &c.DF, &c.P, c.R2
		out = append(out, TidyTable{"compare", rows})
	}
	return out
}

// uniDiagArgs are the command-line flags of the per-study table and the
// comparison (figures are written by their own flags).
func (o MetaOptions) uniDiagArgs() []string {
	var a []string
	if o.Residuals {
		a = append(a, "--residuals")
	}
	if len(o.Compare) > 0 {
		a = append(a, "--compare", shellQuote(strings.Join(o.Compare, ",")))
	}
	return a
}

// rUniDiag is the R code of the profile-likelihood CI, the per-study values
// and the model comparison.
func (r *MetaRun) rUniDiag(b *strings.Builder) {
	res := r.Model
	if res.Tau2CIPL != nil {
		b.WriteString("confint(res, type = \"PL\", control = list(tol = 1e-12))   # profile-likelihood CI of tau^2\n")
	}
	if r.profile != nil {
		fmt.Fprintf(b, "profile(res, xlim = c(0, %s), steps = 41)\n", strconv.FormatFloat(r.profile.Points[len(r.profile.Points)-1].Tau2, 'g', 6, 64))
	}
	if len(r.Studies) > 0 {
		b.WriteString("fitted(res); blup(res); rstandard(res); rstudent(res)\n")
	}
	if c := r.Compare; c != nil {
		d := r.compareData
		fmt.Fprintf(b, "# the two models on the studies complete in both models' moderators, refitted by ML\ndatc <- data.frame(\n  yi = %s,\n  vi = %s", rNums(d.yi), rNums(d.vi))
		for _, m := range d.mods {
			if m.Numeric != nil {
				fmt.Fprintf(b, ",\n  %s = %s", rName(m.Name), rNums(m.Numeric))
			} else {
				fmt.Fprintf(b, ",\n  %s = %s", rName(m.Name), rStrs(m.Text))
			}
		}
		b.WriteString(")\n")
		method := c.Method
		for i, name := range []string{"m_full", "m_red"} {
			f := ""
			if ms := r.compareMods[i]; len(ms) > 0 {
				rn := make([]string, len(ms))
				for j, m := range ms {
					rn[j] = rName(m)
				}
				f = ", mods = ~ " + strings.Join(rn, " + ")
			}
			fmt.Fprintf(b, "%s <- rma(yi, vi%s, data = datc, method = %q, control = list(threshold = 1e-10, maxiter = 1000))\n", name, f, method)
		}
		b.WriteString("cmp <- anova(m_full, m_red); cmp\n")
	}
}

// compareData is the data of the model comparison (for its R code).
type compareData struct {
	yi, vi []float64
	mods   []meta.Moderator
}

// rUniDiagJSON adds the numbers of rUniDiag to the R code's JSON (out).
func (r *MetaRun) rUniDiagJSON(b *strings.Builder) {
	if r.Model.Tau2CIPL != nil {
		b.WriteString("out$tau2_ci_pl <- unname(confint(res, type = \"PL\", control = list(tol = 1e-12))$random[1, 2:3])\n")
	}
	if len(r.Studies) > 0 {
		b.WriteString(`bl <- blup(res); rs <- rstandard(res); rt <- rstudent(res)
out$studies <- data.frame(yi = c(res$yi), vi = res$vi, fitted = c(fitted(res)), blup = bl$pred, se_blup = bl$se, pi_lb = bl$pi.lb, pi_ub = bl$pi.ub,
  resid = rs$resid, se_resid = rs$se, rstandard = rs$z, resid_del = rt$resid, se_resid_del = rt$se, rstudent = rt$z)
`)
	}
	if r.Compare != nil {
		b.WriteString(`cside <- function(fs, parms, QE, tau2) list(parms = parms, logLik = unname(fs["ll"]), deviance = unname(fs["dev"]),
  AIC = unname(fs["AIC"]), BIC = unname(fs["BIC"]), AICc = unname(fs["AICc"]), QE = QE, tau2 = tau2)
out$compare <- list(models = list(cside(cmp$fit.stats.f, cmp$parms.f, cmp$QE.f, cmp$tau2.f), cside(cmp$fit.stats.r, cmp$parms.r, cmp$QE.r, cmp$tau2.r)),
  LRT = cmp$LRT, df = cmp$parms.f - cmp$parms.r, p = cmp$pval, R2 = cmp$R2)
`)
	}
}
