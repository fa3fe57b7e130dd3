package workflow

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/alliance-research/alliance/analysis/apa"
	"github.com/alliance-research/alliance/analysis/metamv"
	"gonum.org/v1/gonum/stat/distuv"
)

func methodName(m string) string {
	switch m {
	case "FE", "EE":
		return "Fixed-effects (" + m + ")"
	}
	return "Random-effects (" + m + ")"
}

func measureName(m string) string {
	switch m {
	case "ZCOR":
		return "correlations, pooled as Fisher z and back-transformed to r"
	case "COR":
		return "correlations"
	case "UCOR":
		return "unbiased correlations (Olkin–Pratt)"
	}
	return "effect sizes"
}

// compose builds the section, methods, citations and steps of the run.
func (r *MetaRun) compose() {
	s := &Section{ID: "meta", Title: "Meta-analysis"}
	r.sec = s
	if r.Model != nil {
		r.composeUnivariate(s)
		r.composeUniDiag(s)
	}
	if r.LocScale != nil {
		r.composeLocScale(s)
	}
	if r.ThreeLevel != nil {
		r.composeThreeLevel(s)
		r.composeThreeLevelBias(s)
		r.composeThreeLevelInfluence(s)
	}
	if m := r.Model; m != nil {
		composePredictions(s, "univariate model", r.opt.Level, m.Predictions, m.TermTests)
	}
	if m := r.ThreeLevel; m != nil {
		composePredictions(s, "three-level model", r.opt.Level, m.Predictions, m.TermTests)
	}
	composeRobustTermTests(s, "univariate model", r.RobustTermTests)
	if m := r.ThreeLevel; m != nil {
		composeRobustTermTests(s, "three-level model", m.RobustTermTests)
	}
	if r.Gosh != nil {
		r.composeGosh(s)
	}
	if r.Bayes != nil {
		r.composeBayes(s)
	}
	r.steps = append(r.reproSteps(), r.bayesSteps()...)
	if r.opt.RCode {
		r.RCode = r.rCode()
	}
}

func (r *MetaRun) composeUnivariate(s *Section) {
	res, o := r.Model, r.opt
	isR := r.isR()
	s.H("meta-model", "Pooled estimate and heterogeneity")
	heading := methodName(res.Method)
	if res.Tau2Fix {
		heading = "Random-effects (user-specified τ² = " + num(res.Tau2, 4) + ")"
	}
	s.P(Plain, fmt.Sprintf("%s meta-analysis of %d %s — %s.", heading, res.K, measureName(res.Measure), r.src.Label()))
	s.P(Result, res.Summary())
	reading := res.Interpretation()
	if o.Reference && isR && res.R != nil && len(res.Coefficients) == 1 {
		reading += " For comparison, the most recent synthesis of the alliance–outcome literature found r = .278, 95% CI [.256, .299], over 295 studies (Flückiger et al., 2018)."
		r.cite("fluckiger2018")
	}
	s.P(Reading, reading)
	if strings.Contains(reading, "Cohen's (1988)") {
		r.cite("cohen1988")
	}
	for _, n := range append(append([]string(nil), res.Notes...), r.Notes...) {
		s.P(NoteText, n)
	}
	s.Add(coefTable(res))
	if res.Method != "FE" && res.Method != "EE" {
		s.Add(hetTable(res))
	}
	if o.StudyTable {
		s.Add(r.studyTable())
	}
	r.cite("viechtbauer2010", "hedges1998")
	model := "random-effects"
	if res.Method == "FE" || res.Method == "EE" {
		model = "fixed-effects (" + res.Method + ")"
	}
	m := fmt.Sprintf("%d %s were pooled in a %s meta-analysis (Hedges & Vevea, 1998)", res.K, measureName(res.Measure), model)
	if res.Measure == "ZCOR" {
		m = fmt.Sprintf("Alliance–outcome correlations (k = %d) were pooled in a %s meta-analysis (Hedges & Vevea, 1998) after Fisher's r-to-z transformation and back-transformed to r", res.K, model)
	}
	switch {
	case o.Tau2 != nil:
		m += fmt.Sprintf(", with the between-study variance fixed at τ² = %s", num(*o.Tau2, 4))
	case res.Method == "REML":
		m += ", with the between-study variance τ² estimated by restricted maximum likelihood (Viechtbauer, 2005) and its confidence interval by the Q-profile method (Viechtbauer, 2007)"
		r.cite("viechtbauer2005", "viechtbauer2007")
	case res.Method != "FE" && res.Method != "EE":
		m += fmt.Sprintf(", with τ² estimated by the %s estimator and its confidence interval by the Q-profile method (Viechtbauer, 2007)", res.Method)
		r.cite("viechtbauer2007")
	}
	switch o.Test {
	case "knha":
		m += "; tests and intervals use the Knapp–Hartung adjustment (Knapp & Hartung, 2003)"
		r.cite("knapp2003")
	case "t":
		m += "; tests and intervals use t distributions"
	}
	m += "."
	if res.Method != "FE" && res.Method != "EE" {
		m += fmt.Sprintf(" Heterogeneity is reported as Q, I² (Higgins & Thompson, 2002) and the %s prediction interval (Riley, Higgins & Deeks, 2011).", apa.Level(res.Level))
		r.cite("higgins2002", "riley2011")
	}
	if len(r.eff.mods) > 0 {
		names := make([]string, len(r.eff.mods))
		for i, md := range r.eff.mods {
			names[i] = md.Name
		}
		m += fmt.Sprintf(" Moderators (%s) were tested in a mixed-effects meta-regression (Thompson & Higgins, 2002).", strings.Join(names, ", "))
		r.cite("thompson2002")
	}
	r.methods = append(r.methods, m)
	r.figure(s, "forest", "Forest plot", fmt.Sprintf("Effect sizes with %s confidence intervals; squares sized by weight; the diamond is the pooled estimate and the line through it the %s prediction interval.", apa.Level(res.Level), apa.Level(res.Level)),
		ForestSpec{Fit: res, Labels: r.eff.labels, N: r.eff.n, R: isR})
	r.figure(s, "radial", "Radial plot", "Radial (Galbraith) plot of the standardized effects against their precision; the line through the origin has the pooled estimate as its slope.", RadialSpec{Fit: res})
	if r.has("bubble") {
		if x, name, ok := r.bubbleX(); ok {
			r.figure(s, "bubble", "Meta-regression on "+name, fmt.Sprintf("Each circle is an effect size, with area proportional to its weight; the line is the fitted meta-regression on %s with its %s confidence band.", name, apa.Level(res.Level)),
				BubbleSpec{Fit: res, X: x, Moderator: name, R: isR})
		} else {
			r.top = append(r.top, Note{Level: Warning, Text: "the bubble plot was not drawn: it needs a meta-regression on exactly one numeric moderator"})
		}
	}
	if r.Subgroups != nil {
		s.Add(subgroupTable(r.opt.Subgroup, r.Subgroups, isR))
		r.methods = append(r.methods, fmt.Sprintf("Subgroups defined by %s were analysed with a separate model per subgroup and tested for differences (Q_b; and with a common τ², Q_M).", r.opt.Subgroup))
	}
	if r.Permutation != nil {
		s.Add(permTable(r.Permutation))
		r.methods = append(r.methods, "p-values were also obtained by a permutation test (Follmann & Proschan, 1999; Higgins & Thompson, 2004).")
		r.cite("follmann1999", "higgins2004")
	}
	r.composeBias(s)
	r.composeInfluence(s)
	if r.Robust != nil {
		s.Add(robustTable(r.Robust))
		r.methods = append(r.methods, fmt.Sprintf("Cluster-robust (%s) standard errors clustered by %s were computed (Pustejovsky & Tipton, 2018).", r.Robust.Type, r.opt.Robust))
		r.cite("pustejovsky2018")
	}
}

func (r *MetaRun) composeBias(s *Section) {
	b := r.Bias
	if b == nil {
		return
	}
	s.H("meta-bias", "Small-study effects and publication bias")
	t, readings := biasTable(b, r.isR())
	s.Add(t)
	s.P(Reading, strings.Join(readings, " "))
	r.methods = append(r.methods, "Small-study effects were examined with Egger's regression test (Egger, Davey Smith, Schneider & Minder, 1997), Begg and Mazumdar's (1994) rank correlation test, trim and fill (Duval & Tweedie, 2000) and, for comparison with earlier reviews, fail-safe numbers (Rosenthal, 1979; Orwin, 1983; Rosenberg, 2005).")
	r.cite("egger1997", "begg1994", "duval2000", "rosenthal1979", "orwin1983", "rosenberg2005")
	if b.PETPEESE != nil {
		r.methods = append(r.methods, "The conditional PET-PEESE estimate (Stanley & Doucouliagos, 2014) is reported.")
		r.cite("stanley2014")
	}
	if b.SelModel != nil {
		r.methods = append(r.methods, selModelMethods(b.SelModel))
		r.cite(selModelCites(b.SelModel)...)
		r.selModelFigure(s, b.SelModel)
	}
	if b.TES != nil {
		r.methods = append(r.methods, "The test of excess significance (Ioannidis & Trikalinos, 2007) compared the number of significant studies (two-sided p < .05) with the number expected from each study's power at the pooled estimate (one-sided, α = .10).")
		r.cite("ioannidis2007")
	}
	if b.HC != nil {
		r.methods = append(r.methods, "The Henmi–Copas confidence interval (Henmi & Copas, 2010) around the fixed-effect estimate, which is robust to publication bias, is reported beside the random-effects estimate.")
		r.cite("henmi2010")
	}
	cap := "Contour-enhanced funnel plot: shaded regions mark p < .10, .05 and .01 around zero; the triangle is the pseudo-confidence region around the pooled estimate"
	if b.TrimFill != nil && b.TrimFill.K0 > 0 {
		cap += fmt.Sprintf("; hollow points are the %d studies imputed by trim and fill", b.TrimFill.K0)
	}
	if b.Egger != nil && b.Egger.Estimate != nil && b.Egger.Predictor == "sei" {
		cap += "; the dotted line is Egger's regression (the limit estimate at SE = 0)"
	}
	if r.isR() {
		cap += "; effects in Fisher z units"
	}
	r.figure(s, "funnel", "Funnel plot", cap+".", FunnelSpec{Fit: r.Model, Bias: b, R: r.isR()})
}

func (r *MetaRun) composeInfluence(s *Section) {
	isR := r.isR()
	if inf := r.influence; inf != nil {
		s.H("meta-influence", "Influential studies")
		s.P(Reading, inf.Reading())
		s.Add(influenceTable(inf, !r.opt.Reference))
		r.methods = append(r.methods, "Influential studies were identified with the case diagnostics of Viechtbauer and Cheung (2010)"+
			map[bool]string{true: " and the Baujat plot (Baujat, Mahé, Pignon & Hill, 2002).", false: "."}[r.has("baujat")])
		r.cite("viechtbauercheung2010")
		if r.has("baujat") {
			r.cite("baujat2002")
		}
		r.figure(s, "baujat", "Baujat plot", "Each study's contribution to the heterogeneity statistic Q (x) against its influence on the pooled estimate (y); numbers are rows of the data (see the influence table).", BaujatSpec{Influence: inf})
		r.figure(s, "influence", "Influence diagnostics", "Case diagnostics by study (metafor's plot(influence())); flagged studies are highlighted.", InfluenceSpec{Influence: inf})
	}
	if rows := r.Leave1out; len(rows) > 0 {
		lo, hi := math.Inf(1), math.Inf(-1)
		var loS, hiS string
		for _, row := range rows {
			if !finite(row.Estimate) {
				continue
			}
			name := row.Study
			if name == "" {
				name = row.Cluster
			}
			if row.Estimate < lo {
				lo, loS = row.Estimate, name
			}
			if row.Estimate > hi {
				hi, hiS = row.Estimate, name
			}
		}
		if finite(lo) {
			f := func(z float64) string { return num(z, 3) }
			if isR {
				f = func(z float64) string { return rnum(math.Tanh(z), 3) }
			}
			s.P(Reading, fmt.Sprintf("Leaving out one %s at a time, the pooled %s ranges from %s (without %s) to %s (without %s).",
				map[bool]string{true: "cluster", false: "effect"}[r.opt.LeaveClusterOut != ""], r.unitWord(), f(lo), loS, f(hi), hiS))
		}
		if !r.opt.Reference || len(rows) <= 30 {
			s.Add(summaryRowsTable("leave1out", "Leave-one-out", "without ", rows, r.Model.Level, isR))
		}
		r.methods = append(r.methods, "The robustness of the pooled estimate was checked by leaving out one "+map[bool]string{true: "cluster", false: "effect"}[r.opt.LeaveClusterOut != ""]+" at a time.")
		r.figure(s, "leave1out-forest", "Leave-one-out estimates", "The pooled estimate with each study left out in turn.", SummaryForestSpec{Fit: r.Model, Rows: rows, Header: "Omitted", R: isR})
	}
	if rows := r.Cumulative; len(rows) > 0 {
		s.Add(summaryRowsTable("cumulative", "Cumulative meta-analysis (ordered by "+r.opt.Cumulative+")", "+ ", rows, r.Model.Level, isR))
		r.methods = append(r.methods, fmt.Sprintf("A cumulative meta-analysis added the studies in order of %s.", r.opt.Cumulative))
		r.figure(s, "cumulative-forest", "Cumulative meta-analysis", "The pooled estimate as studies are added in order of "+r.opt.Cumulative+".", SummaryForestSpec{Fit: r.Model, Rows: rows, Header: "Added", R: isR})
	}
}

// nestedTerm is metafor's nesting outer/inner; an inner level already
// named as nested in outer ("district/school") is not prefixed again.
func nestedTerm(outer, inner string) string {
	if strings.HasPrefix(inner, outer+"/") {
		return inner
	}
	return outer + "/" + inner
}

func (r *MetaRun) composeThreeLevel(s *Section) {
	res := r.ThreeLevel
	isR := r.isR()
	outer, inner := res.Levels[0], res.Levels[1]
	s.H("meta-threelevel", "Three-level model: effects nested in studies")
	s.P(Plain, fmt.Sprintf("Three-level meta-analysis (%s) of %d effects in %d clusters (%s) — %s. A random effect for each cluster (level 3) is added to the random effect of each effect size within it (level 2) and its sampling error (level 1), as metafor's rma.mv(yi, V, random = ~ 1 | %s).",
		res.Method, res.K, res.NLevels[0], outer, r.src.Label(), nestedTerm(outer, inner)))
	s.P(Result, threeLevelSentence(res, isR))
	for _, n := range res.Notes {
		s.P(NoteText, n)
	}
	vt := varianceTable(res)
	if n := r.multilevelI2Note(res); n != "" {
		vt.Notes = append(vt.Notes, n)
	}
	s.Add(mvCoefTable(res), vt)
	if res.Robust != nil {
		s.Add(robustTable(res.Robust))
	}
	m := fmt.Sprintf("Because several effect sizes came from the same study, a three-level model (effect sizes within %s; Konstantopoulos, 2011; Cheung, 2014; Assink & Wibbelink, 2016) was fitted by %s", outer, res.Method)
	if r.opt.Rho != 0 {
		m += fmt.Sprintf(", with sampling errors within a cluster correlated ρ = %g", r.opt.Rho)
	}
	if res.Robust != nil {
		m += fmt.Sprintf(", with cluster-robust (%s) standard errors", res.Robust.Type)
		if res.Robust.Type == metamv.CR2 {
			m += " and Satterthwaite degrees of freedom (Pustejovsky & Tipton, 2018)"
		}
		r.cite("pustejovsky2018")
	}
	r.methods = append(r.methods, m+".")
	r.cite("konstantopoulos2011", "cheung2014", "assink2016", "viechtbauer2010")
	labels := make([]string, len(r.eff.yi))
	outerIDs := r.eff.ids[strings.ToLower(r.eff.outer)]
	innerIDs := r.eff.ids[strings.ToLower(r.eff.inner)]
	for i := range labels {
		labels[i] = outerIDs[i]
		if innerIDs != nil {
			labels[i] += " · " + innerIDs[i]
		}
	}
	fcap := fmt.Sprintf("Effect sizes with %s confidence intervals, labelled by %s, grouped by %s: each %s with several effect sizes is followed by their mean (generalized least squares under the within-cluster covariance: sampling covariance plus σ² within clusters) and the summed weights of its effects in the model; the diamond at the bottom is the three-level estimate and the line through it the prediction interval.", apa.Level(res.Level), outer, outer, outer)
	if len(res.Coefficients) > 1 {
		fcap = strings.Replace(fcap, "; the diamond at the bottom is the three-level estimate and the line through it the prediction interval.", "; a meta-regression has no single pooled estimate, so none is drawn.", 1)
	}
	r.figure(s, "forest-three-level", "Forest plot of the three-level model", fcap,
		ThreeLevelForestSpec{Fit: res, Yi: r.eff.yi, Vi: r.eff.vi, Labels: labels, R: isR, ClusterMeans: r.forestClusterMeans(), LabelHeader: outer})
	r.composeThreeLevelFigures(s)
}

// threeLevelSentence is the APA results line of a three-level model.
func threeLevelSentence(res *metamv.Result, isR bool) string {
	c := res.Coefficients[0]
	est := "estimate = " + num(c.Estimate, 3) + ", " + apa.CI(res.Level, c.CILB, c.CIUB, 3, false)
	if isR && res.R != nil {
		est = "r = " + rnum(res.R.Estimate, 2) + ", " + apa.CI(res.Level, res.R.CILB, res.R.CIUB, 2, true)
	}
	st := "z"
	if c.DF != nil {
		st = fmt.Sprintf("t(%s)", num(*c.DF, 0))
	}
	s := fmt.Sprintf("k = %d effect sizes in %d clusters, %s, %s = %s, %s", res.K, res.NLevels[0], est, st, num(c.Statistic, 2), apa.P(c.P))
	if rob := res.Robust; rob != nil && len(rob.Coefficients) > 0 {
		rc := rob.Coefficients[0]
		s += fmt.Sprintf("; %s robust: t(%s) = %s, %s", rob.Type, num(optional(rc.DF), 1), num(rc.Statistic, 2), apa.P(rc.P))
	}
	s += fmt.Sprintf("; σ² between clusters = %s, σ² within clusters = %s", num(res.Sigma2[0], 4), num(res.Sigma2[1], 4))
	if res.PILB != nil && res.PIUB != nil {
		if isR {
			s += fmt.Sprintf("; %s PI %s", apa.Level(res.Level), interval(math.Tanh(*res.PILB), math.Tanh(*res.PIUB), 2, true))
		} else {
			s += fmt.Sprintf("; %s PI %s", apa.Level(res.Level), interval(*res.PILB, *res.PIUB, 3, false))
		}
	}
	if len(res.Coefficients) > 1 {
		s += " (intercept of a meta-regression)"
	}
	return s + "."
}

// maxStudyRows bounds the table of included studies; larger syntheses
// get a note instead (every study is in the JSON results).
const maxStudyRows = 500

// studyTable lists the analysed studies: label, n, the effect (r for
// correlations) with its CI and the model's weight.
func (r *MetaRun) studyTable() *Table {
	res, isR := r.Model, r.isR()
	eff := "Estimate"
	if isR {
		eff = "r"
	}
	t := &Table{Name: "studies", Title: "Included studies", Columns: []string{"Study", "n", eff, apa.Level(res.Level) + " CI", "Weight (%)"},
		Right: []bool{false, true, true, false, true}}
	z := distuv.UnitNormal.Quantile(1 - (1-res.Level)/2)
	var wsum float64
	w := make([]float64, len(res.Rows))
	for i := range res.Rows {
		w[i] = 1 / (res.Vi[i] + res.Tau2)
		wsum += w[i]
	}
	for i, row := range res.Rows {
		if i == maxStudyRows {
			t.Notes = append(t.Notes, fmt.Sprintf("The first %d of %d studies are listed; every study is in the results file.", maxStudyRows, len(res.Rows)))
			break
		}
		n := ""
		if r.eff.n != nil && finite(r.eff.n[row]) {
			n = strconv.FormatFloat(r.eff.n[row], 'f', -1, 64)
		}
		y, se := res.Yi[i], math.Sqrt(res.Vi[i])
		e, ci := num(y, 3), interval(y-z*se, y+z*se, 3, false)
		if isR {
			e, ci = rnum(math.Tanh(y), 2), interval(math.Tanh(y-z*se), math.Tanh(y+z*se), 2, true)
		}
		t.Rows = append(t.Rows, []string{r.eff.labels[row], n, e, ci, num(100*w[i]/wsum, 1)})
	}
	if isR {
		t.Notes = append(t.Notes, "Correlations with confidence intervals computed on Fisher z and back-transformed; weights are the random-effects weights 1/(vᵢ + τ²).")
	} else {
		t.Notes = append(t.Notes, "Weights are the random-effects weights 1/(vᵢ + τ²).")
	}
	return t
}

// bubbleX returns the single numeric moderator of the analysed rows.
func (r *MetaRun) bubbleX() ([]float64, string, bool) {
	res := r.Model
	if len(res.Coefficients) != 2 || len(r.eff.mods) != 1 || r.eff.mods[0].Numeric == nil {
		return nil, "", false
	}
	m := r.eff.mods[0]
	x := make([]float64, len(res.Rows))
	for i, row := range res.Rows {
		x[i] = m.Numeric[row]
	}
	return x, m.Name, true
}

func (r *MetaRun) has(fig string) bool { return r.opt.has(fig) }

// figure adds a figure block when the options ask for it.
func (r *MetaRun) figure(s *Section, name, title, caption string, spec FigureSpec) {
	if r.has(name) || (strings.HasSuffix(name, "-three-level") && r.has(threeLevelFigure(name))) {
		s.Add(&Figure{Name: name, Title: title, Caption: caption, Spec: spec})
	}
}

func (r *MetaRun) cite(keys ...string) { r.cites = append(r.cites, keys...) }

// Part implementation.

// Section is the rendered body of the meta-analysis.
func (r *MetaRun) Section() *Section { return r.sec }

// Methods is the methods text of what ran.
func (r *MetaRun) Methods() string { return strings.Join(r.methods, " ") }

// Cites lists the citation keys used.
func (r *MetaRun) Cites() []string { return r.cites }

// TopNotes are the notes to show first.
func (r *MetaRun) TopNotes() []Note { return r.top }

// Steps are the command line and R code that reproduce the run.
func (r *MetaRun) Steps() []Step { return r.steps }

// Data is the accounting of the study table.
func (r *MetaRun) Data() *DataPart { return r.data }

// Packages names the R packages whose results this part reproduces.
func (r *MetaRun) Packages() []string {
	p := []string{"metafor"}
	if r.Bayes != nil {
		p = append(p, "bayesmeta")
		if r.Bayes.BMA != nil {
			p = append(p, "metaBMA")
		}
	}
	if (r.Robust != nil && r.Robust.Type == metamv.CR2) || (r.ThreeLevel != nil && r.ThreeLevel.Robust != nil) {
		p = append(p, "clubSandwich")
	}
	return p
}

var _ Part = (*MetaRun)(nil)
