package workflow

import (
	"fmt"
	"math"
	"strconv"

	"github.com/alliance-research/alliance/analysis/apa"
	"github.com/alliance-research/alliance/analysis/meta"
	"github.com/alliance-research/alliance/analysis/metamv"
)

func statName(test string) string {
	if test == "z" {
		return "z"
	}
	return "t"
}

func unitNote(measure string) string {
	switch measure {
	case "ZCOR":
		return "Estimates in Fisher z units; r = tanh(z)."
	case "", "GEN":
		return ""
	}
	return "Estimates in units of " + measure + "."
}

// coefTable lists the model's coefficients (and the back-transformed r).
func coefTable(r *meta.Result) *Table {
	return coefficientTable("Model coefficients", r.Coefficients, r.R, r.Test, r.Level, r.Measure)
}

// coefficientTable is the coefficient table of a univariate or
// three-level model: estimate, SE, the z or t statistic, df, p and CI, and
// the back-transformed r when there is one.
func coefficientTable(title string, coefs []meta.Coef, rb *meta.RBlock, test string, level float64, measure string) *Table {
	t := &Table{Name: "coefficients", Title: title,
		Columns: []string{"Term", "Estimate", "SE", statName(test), "df", "p", apa.Level(level) + " CI"},
		Right:   []bool{false, true, true, true, true, true, false}}
	for _, c := range coefs {
		df := ""
		if c.DF != nil {
			df = strconv.FormatFloat(*c.DF, 'f', -1, 64)
		}
		t.Rows = append(t.Rows, []string{termName(c.Name), num(c.Estimate, 4), num(c.SE, 4), num(c.Statistic, 2), df, pcell(c.P), interval(c.CILB, c.CIUB, 4, false)})
	}
	if rb != nil {
		t.Rows = append(t.Rows, []string{"r (back-transformed)", num(rb.Estimate, 4), "", "", "", "", interval(rb.CILB, rb.CIUB, 4, false)})
	}
	if n := unitNote(measure); n != "" {
		t.Notes = append(t.Notes, n)
	}
	return t
}

func sqrtCI(c *[2]float64) string {
	if c == nil {
		return ""
	}
	return interval(math.Sqrt(c[0]), math.Sqrt(c[1]), 4, false)
}

// hetTable reports τ², I², H², Q_E, the prediction interval and fit.
func hetTable(r *meta.Result) *Table {
	ci := func(c *[2]float64, d int) string {
		if c == nil {
			return ""
		}
		return interval(c[0], c[1], d, false)
	}
	t := &Table{Name: "heterogeneity", Title: "Heterogeneity",
		Columns: []string{"Statistic", "Value", apa.Level(r.Level) + " CI"},
		Right:   []bool{false, true, false}}
	t.Rows = append(t.Rows,
		[]string{"τ²", num(r.Tau2, 4), ci(r.Tau2CI, 4)},
		[]string{"τ", num(r.Tau, 4), sqrtCI(r.Tau2CI)},
		[]string{"I² (%)", num(r.I2, 2), ci(r.I2CI, 2)},
		[]string{"H²", num(r.H2, 2), ci(r.H2CI, 2)},
		[]string{"I² (Q-based, %)", num(r.I2Q, 2), ""},
	)
	if c := r.Tau2CIPL; c != nil {
		t.Rows = append(t.Rows[:1], append([][]string{{"τ² (profile likelihood)", "", ci(c, 4)}}, t.Rows[1:]...)...)
		if r.PLNote != "" {
			t.Notes = append(t.Notes, "Profile likelihood: "+r.PLNote)
		}
	}
	qp := ""
	if r.QEP != nil {
		qp = ", " + apa.P(*r.QEP)
	}
	t.Rows = append(t.Rows, []string{fmt.Sprintf("Q_E(%d)", r.QEDF), num(r.QE, 2) + qp, ""})
	if r.PILB != nil && r.PIUB != nil {
		t.Rows = append(t.Rows, []string{"prediction interval", "", interval(*r.PILB, *r.PIUB, 4, false)})
		if r.R != nil && r.R.PILB != nil {
			t.Rows = append(t.Rows, []string{"prediction interval (r)", "", interval(*r.R.PILB, *r.R.PIUB, 4, false)})
		}
	}
	if r.R2 != nil {
		t.Rows = append(t.Rows, []string{"pseudo-R² (%)", num(*r.R2, 2), ""})
	}
	if r.CINote != "" {
		t.Notes = append(t.Notes, r.CINote)
	}
	f := r.Fit
	if r.Tau2Fix {
		t.Notes = append(t.Notes, "τ² was specified by the user, not estimated.")
	}
	t.Notes = append(t.Notes, fmt.Sprintf("Fit (%s): logLik = %s, deviance = %s, AIC = %s, BIC = %s, AICc = %s.",
		r.Method, num(f.LogLik, 4), num(f.Deviance, 4), num(f.AIC, 4), num(f.BIC, 4), num(f.AICc, 4)))
	if r.Measure == "ZCOR" {
		t.Notes = append(t.Notes, "τ² and the prediction interval are in Fisher z units; the last row gives the prediction interval in r.")
	}
	return t
}

func levelOf(s *meta.SubgroupResult) float64 {
	if len(s.Fits) > 0 {
		return s.Fits[0].Level
	}
	return 0.95
}

// subgroupTable is a model per subgroup and the tests of differences.
func subgroupTable(name string, s *meta.SubgroupResult, isR bool) *Table {
	eff := "Estimate"
	if isR {
		eff = "r"
	}
	t := &Table{Name: "subgroups", Title: "Subgroups by " + name + " (separate τ² per subgroup)",
		Columns: []string{name, "k", eff, apa.Level(levelOf(s)) + " CI", "τ²", "I² (%)"},
		Right:   []bool{false, true, true, false, true, true}}
	for i, f := range s.Fits {
		c := f.Coefficients[0]
		e, iv := num(c.Estimate, 4), interval(c.CILB, c.CIUB, 4, false)
		if isR {
			e, iv = rnum(math.Tanh(c.Estimate), 3), interval(math.Tanh(c.CILB), math.Tanh(c.CIUB), 3, true)
		}
		t.Rows = append(t.Rows, []string{s.Levels[i], strconv.Itoa(f.K), e, iv, num(f.Tau2, 4), num(f.I2, 1)})
	}
	t.Notes = append(t.Notes, fmt.Sprintf("Test of subgroup differences, separate τ²: Q_b(%d) = %s, %s.", s.QBDF, num(s.QB, 2), apa.P(s.QBP)))
	if c := s.Common; c != nil {
		stat := fmt.Sprintf("Q_M(%d) = %s", c.QMDF, num(c.QM, 2))
		if c.QMDF2 != nil {
			stat = fmt.Sprintf("F(%d, %d) = %s", c.QMDF, *c.QMDF2, num(c.QM, 2))
		}
		t.Notes = append(t.Notes, fmt.Sprintf("Test of subgroup differences, common τ² (= %s): %s, %s.", num(c.Tau2, 4), stat, apa.P(c.QMP)))
	}
	if isR {
		t.Notes = append(t.Notes, "Estimates back-transformed to r; τ² in Fisher z units.")
	}
	t.Notes = append(t.Notes, s.Notes...)
	return t
}

func permTable(p *meta.PermResult) *Table {
	kind := fmt.Sprintf("%d random permutations, seed %d", p.Iterations, p.Seed)
	if p.Exact {
		kind = fmt.Sprintf("exact: all %d sign patterns", p.Iterations)
		if len(p.Names) > 1 {
			kind = fmt.Sprintf("exact: all %d unique permutations of the moderators", p.Iterations)
		}
	}
	t := &Table{Name: "permutation", Title: "Permutation test (" + kind + ")",
		Columns: []string{"Term", "Statistic", "Permutation p"}, Right: []bool{false, true, true}}
	for i, n := range p.Names {
		t.Rows = append(t.Rows, []string{termName(n), num(p.Statistic[i], 3), pcell(p.P[i])})
	}
	t.Rows = append(t.Rows, []string{"omnibus (Q_M)", num(p.QM, 3), pcell(p.QMP)})
	if p.Failed > 0 {
		t.Notes = append(t.Notes, fmt.Sprintf("%d permutations could not be fitted and were excluded.", p.Failed))
	}
	return t
}

// biasTable lists the small-study and publication-bias analyses; adjusted
// estimates are given in r when the effects are Fisher z, with the unit
// said in the note.
func biasTable(b *meta.BiasResult, isR bool) (*Table, []string) {
	t := &Table{Name: "bias", Title: "Tests of small-study effects and publication bias",
		Columns: []string{"Method", "Statistic", "p", "Adjusted or limit estimate"}, Right: []bool{false, true, true, false}}
	est := func(z float64) string {
		if isR {
			return "r = " + rnum(math.Tanh(z), 3)
		}
		return num(z, 3)
	}
	ciw := func(lb, ub float64) string {
		if isR {
			return interval(math.Tanh(lb), math.Tanh(ub), 3, true)
		}
		return interval(lb, ub, 3, false)
	}
	var readings []string
	var u meta.Units // the sentences state the unit where the table gives r
	if isR {
		u = meta.FisherZ
	}
	if e := b.Egger; e != nil {
		s := "z"
		if e.DF != nil {
			s = fmt.Sprintf("t(%s)", num(*e.DF, 0))
			if e.Model == "rma.mv" { // Satterthwaite df of the CR2 test
				s = fmt.Sprintf("t(%s)", num(*e.DF, 1))
			}
		}
		lim := ""
		if e.Estimate != nil {
			lim = est(*e.Estimate) + " (limit estimate, SE → 0)"
		}
		name := fmt.Sprintf("Egger's regression test (%s, predictor %s)", e.Model, e.Predictor)
		if e.Model == "rma.mv" {
			name = "Multilevel Egger test (rma.mv, predictor √vᵢ, CR2)"
		}
		t.Rows = append(t.Rows, []string{name, s + " = " + num(e.Statistic, 2), pcell(e.P), lim})
		readings = append(readings, e.ReadingIn(u))
	}
	if rk := b.Rank; rk != nil {
		t.Rows = append(t.Rows, []string{"Begg & Mazumdar rank correlation", "Kendall's τ = " + rnum(rk.Tau, 3), pcell(rk.P), ""})
		readings = append(readings, rk.Reading())
	}
	if tf := b.TrimFill; tf != nil {
		t.Rows = append(t.Rows, []string{fmt.Sprintf("Trim and fill (%s)", tf.Estimator), fmt.Sprintf("k₀ = %d (%s side)", tf.K0, tf.Side), pcell(tf.P), est(tf.Estimate) + " " + ciw(tf.CILB, tf.CIUB)})
		readings = append(readings, tf.ReadingIn(u))
	}
	if f := b.FSN; f != nil {
		t.Rows = append(t.Rows,
			[]string{"Fail-safe N (Rosenthal)", strconv.Itoa(f.Rosenthal), pcell(f.RosenthalP), ""},
			[]string{"Fail-safe N (Orwin" + map[bool]string{true: ", weighted mean", false: ", unweighted mean"}[f.OrwinWeighted] + ")", strconv.Itoa(f.Orwin), "", "target effect " + num(f.OrwinTarget, 3)},
			[]string{"Fail-safe N (Rosenberg)", strconv.Itoa(f.Rosenberg), pcell(f.RosenbergP), ""})
		readings = append(readings, f.ReadingIn(u))
	}
	if p := b.PETPEESE; p != nil {
		t.Rows = append(t.Rows, []string{"PET-PEESE (" + p.Use + ")", "", "", est(p.Estimate) + " " + ciw(p.CILB, p.CIUB)})
		readings = append(readings, p.ReadingIn(u))
	}
	if s := b.SelModel; s != nil {
		t.Rows = append(t.Rows, []string{selModelLabel(s),
			fmt.Sprintf("LRT χ²(%d) = %s", s.LRTDF, num(s.LRT, 2)), pcell(s.LRTP), est(s.Estimate) + " " + ciw(s.CILB, s.CIUB)})
		readings = append(readings, s.Reading())
	}
	if x := b.TES; x != nil {
		stat := fmt.Sprintf("O = %d, E = %s", x.O, num(x.E, 2))
		if x.X2 != nil {
			stat += fmt.Sprintf(", χ² = %s", num(*x.X2, 2))
		}
		lim := ""
		if x.ThetaLim != nil {
			lim = "θ_lim = " + num(*x.ThetaLim, 3)
		}
		t.Rows = append(t.Rows, []string{"Test of excess significance (" + x.Test + ")", stat, pcell(x.P), lim})
		readings = append(readings, x.Reading())
	}
	if h := b.HC; h != nil {
		t.Rows = append(t.Rows, []string{"Henmi–Copas CI (fixed-effect estimate)", "", "", est(h.Estimate) + " " + ciw(h.CILB, h.CIUB)})
		readings = append(readings, h.Reading())
	}
	for _, m := range []struct{ key, name string }{{"egger", "Egger's regression test"}, {"rank", "Begg & Mazumdar rank correlation"}, {"trimfill", "Trim and fill"}, {"fsn", "Fail-safe N"}, {"pet_peese", "PET-PEESE"}, {"selmodel", "Selection model"}, {"tes", "Test of excess significance"}, {"hc", "Henmi–Copas CI"}} {
		if why, ok := b.Errors[m.key]; ok {
			t.Rows = append(t.Rows, []string{m.name, "not computed", "", why})
		}
	}
	if isR {
		t.Notes = append(t.Notes, "Adjusted and limit estimates are back-transformed to r; the tests are computed on Fisher z. Orwin's target effect is in Fisher z units.")
	}
	t.Notes = append(t.Notes, "Trim-and-fill p is for the adjusted pooled estimate. Fail-safe numbers are the studies averaging a null result that would have to be missing to overturn the result; they ignore heterogeneity and are reported for comparison with older literature only.")
	return t, readings
}

// influenceTable lists the case diagnostics: every study when all is set
// (or k ≤ 30), else the flagged ones.
func influenceTable(inf *meta.InfluenceResult, all bool) *Table {
	t := &Table{Name: "influence", Title: "Influence diagnostics (* = influential by metafor's criteria)",
		Columns: []string{"Row", "Study", "Studentized residual", "DFFITS", "Cook's D", "COVRATIO", "τ² without", "Q_E without", "Leverage (hat)", "Weight (%)", ""},
		Right:   []bool{true, false, true, true, true, true, true, true, true, true, false}}
	all = all || len(inf.Rows) <= 30
	if !all {
		t.Title = "Studies flagged as influential"
	}
	for i, x := range inf.Rows {
		if !all && !x.Inf {
			continue
		}
		flag := ""
		if x.Inf {
			flag = "*"
		}
		t.Rows = append(t.Rows, []string{strconv.Itoa(i + 1), x.Study, num(x.RStudent, 3), num(x.DFFITS, 3), num(x.CookD, 3), num(x.CovR, 3), num(x.Tau2Del, 4), num(x.QEDel, 2), num(x.Hat, 3), num(x.Weight, 2), flag})
	}
	t.Notes = append(t.Notes, "Studentized residual: the study's deletion residual divided by its SE (metafor's rstudent); DFFITS: the change of the fitted value in SEs when the study is left out; Cook's D: the change of the coefficients; COVRATIO: the ratio of the coefficients' variances without and with the study; leverage: the hat value, the study's weight in its own fitted value. A study is flagged (as by metafor's influence()) when any of DFFITS, Cook's distance, the covariance ratio or the leverage exceeds its cut-off; the values without a study refit the model without it.")
	return t
}

// summaryRowsTable lists leave-one-out or cumulative estimates.
func summaryRowsTable(name, title, prefix string, rows []meta.SummaryRow, level float64, isR bool) *Table {
	eff := "Estimate"
	if isR {
		eff = "r"
	}
	t := &Table{Name: name, Title: title, Columns: []string{"Study", "k", eff, apa.Level(level) + " CI", "p", "τ²", "I² (%)", "Q_E"},
		Right: []bool{false, true, true, false, true, true, true, true}}
	for _, x := range rows {
		label := x.Study
		if label == "" {
			label = x.Cluster
		}
		e, iv := num(x.Estimate, 4), interval(x.CILB, x.CIUB, 4, false)
		if isR {
			e, iv = rnum(math.Tanh(x.Estimate), 3), interval(math.Tanh(x.CILB), math.Tanh(x.CIUB), 3, true)
		}
		t.Rows = append(t.Rows, []string{prefix + label, strconv.Itoa(x.K), e, iv, pcell(x.P), num(x.Tau2, 4), num(x.I2, 1), num(x.QE, 2)})
	}
	if isR {
		t.Notes = append(t.Notes, "Estimates back-transformed to r; τ² in Fisher z units.")
	}
	return t
}

func robustTable(rb *metamv.Robust) *Table {
	t := &Table{Name: "robust", Title: fmt.Sprintf("Cluster-robust inference (%s, %d clusters)", rb.Type, rb.Clusters),
		Columns: []string{"Term", "Estimate", "Robust SE", "t", "df", "p", apa.Level(rb.Level) + " CI"},
		Right:   []bool{false, true, true, true, true, true, false}}
	for _, c := range rb.Coefficients {
		t.Rows = append(t.Rows, []string{termName(c.Name), num(c.Estimate, 4), num(c.SE, 4), num(c.Statistic, 2), num(optional(c.DF), 2), pcell(c.P), interval(c.CILB, c.CIUB, 4, false)})
	}
	if q := rb.QM; q != nil {
		t.Notes = append(t.Notes, fmt.Sprintf("Robust test of the moderators (%s): F(%s, %s) = %s, %s.", q.Test, num(q.DFNum, 0), num(q.DFDenom, 2), num(q.Fstat, 2), apa.P(q.P)))
	}
	if rb.Type == metamv.CR2 {
		t.Notes = append(t.Notes, "CR2 small-sample correction with Satterthwaite degrees of freedom (Pustejovsky & Tipton, 2018), as clubSandwich.")
	}
	return t
}

func mvCoefTable(r *metamv.Result) *Table {
	t := coefficientTable("Model coefficients (three-level model)", r.Coefficients, r.R, r.Test, r.Level, r.Measure)
	if r.PILB != nil && r.PIUB != nil {
		t.Notes = append([]string{fmt.Sprintf("%s prediction interval: %s.", apa.Level(r.Level), interval(*r.PILB, *r.PIUB, 4, false))}, t.Notes...)
	}
	return t
}

func varianceTable(r *metamv.Result) *Table {
	t := &Table{Name: "variance", Title: "Distribution of the variance over the three levels",
		Columns: []string{"Level", "Source", "σ²", apa.Level(r.Level) + " profile CI", "Units", "Share of total variance"},
		Right:   []bool{false, false, true, false, true, true}}
	ci := func(i int) string {
		if r.Sigma2CI[i] == nil {
			return ""
		}
		return interval(r.Sigma2CI[i][0], r.Sigma2CI[i][1], 4, false)
	}
	v := r.Variance
	t.Rows = append(t.Rows,
		[]string{"3", "between clusters (" + r.Levels[0] + ")", num(r.Sigma2[0], 4), ci(0), strconv.Itoa(r.NLevels[0]), pct(v.Level3)},
		[]string{"2", "within clusters (" + r.Levels[1] + ")", num(r.Sigma2[1], 4), ci(1), strconv.Itoa(r.NLevels[1]), pct(v.Level2)},
		[]string{"1", "sampling error", "", "", "", pct(v.Level1)})
	t.Notes = append(t.Notes, fmt.Sprintf("Shares after Cheung (2014) with the typical sampling variance ṽ = %s; heterogeneity at levels 2 and 3 together: I² = %s.", num(v.TypicalV, 4), pct(v.I2Total)))
	for _, l := range r.LRT {
		what := map[string]string{"sigma2_outer = 0": "no variance between clusters (σ² at level 3 = 0)", "sigma2_inner = 0": "no variance within clusters (σ² at level 2 = 0)"}[l.Reduced]
		if what == "" {
			what = l.Reduced
		}
		t.Notes = append(t.Notes, fmt.Sprintf("Likelihood-ratio test of %s: χ²(%d) = %s, %s.", what, l.DF, num(l.LRT, 2), apa.P(l.P)))
	}
	t.Notes = append(t.Notes, r.CINotes...)
	return t
}

// termName is the report's name of a model term: metafor's internal
// "intrcpt" is shown as "Intercept"; other names are kept.
func termName(n string) string {
	if n == "intrcpt" {
		return "Intercept"
	}
	return n
}
