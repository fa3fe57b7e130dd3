package workflow

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/alliance-research/alliance/analysis/apa"
)

// ipdTermTitle names a term in headings and sentences.
func ipdTermTitle(term string) string {
	switch term {
	case "within":
		return "within-patient"
	case "between":
		return "between-patient"
	case "patient":
		return "patient-level (patient mean minus therapist mean)"
	case "therapist":
		return "therapist-level"
	}
	return ipdPanelTitle(term)
}

func (r *IPDRun) compose() {
	o := r.opt
	s := &Section{ID: "ipd", Title: "IPD meta-analysis of session-level alliance effects"}
	r.sec = s
	std := ""
	if o.Standardize {
		std = ", with alliance and outcome z-standardised within each study"
	}
	if r.Stage1Model == Stage1Panel {
		s.P(Plain, strings.TrimSpace(fmt.Sprintf("Stage 1: %s, in each of %d studies of %s; stage 2: a random-effects meta-analysis of each lagged path across studies. %s",
			r.panelStage1Text(), r.Studies, r.src.Label(), r.panelCons)))
	} else {
		s.P(Plain, fmt.Sprintf("Stage 1: the %s session model of 'alliance sessions' in each of %d studies of %s%s; stage 2: a random-effects meta-analysis of each alliance term across studies.",
			r.Model, r.Studies, r.src.Label(), std))
	}
	s.Add(r.stage1Table())
	for _, p := range r.Pooled {
		res := p.Meta.Model
		s.H("ipd-"+p.Term, "Stage 2: the "+ipdTermTitle(p.Term)+" "+r.effectWord())
		if res != nil && len(res.Coefficients) > 0 {
			s.P(Result, r.pooledLine(p))
		}
		for _, b := range p.Meta.Section().Blocks {
			switch x := b.(type) {
			case *Heading:
				continue
			case *Paragraph:
				if x.Kind != NoteText {
					continue // the pooled line above says it for this term
				}
				s.Add(b)
			case *Figure:
				f := *x
				f.Name = x.Name + "-" + p.Term
				f.Title = x.Title + ": " + ipdTermTitle(p.Term) + " " + r.effectWord() + " by study"
				s.Add(&f)
			case *Table:
				t := *x
				t.Name = x.Name + "-" + p.Term
				s.Add(&t)
			default:
				s.Add(b)
			}
		}
		r.cite(p.Meta.Cites()...)
	}
	if mv := r.Multivariate; mv != nil {
		s.H("ipd-multivariate", "Multivariate pooling of the "+mv.Terms[0]+" and "+mv.Terms[1]+" terms")
		t := &Table{Name: "multivariate", Title: fmt.Sprintf("Multivariate random-effects model (REML, k = %d studies)", mv.K),
			Columns: []string{"Term", "Estimate", "SE", "z", "p", apa.Level(mv.Level) + " CI", "τ²"}, Right: []bool{false, true, true, true, true, false, true}}
		for i, c := range mv.Coefficients {
			t.Rows = append(t.Rows, []string{c.Name, num(c.Estimate, 4), num(c.SE, 4), num(c.Statistic, 2), pcell(c.P), interval(c.CILB, c.CIUB, 4, false), num(mv.Tau2[i], 4)})
		}
		t.Notes = append(t.Notes, fmt.Sprintf("Between-study correlation of the two terms ρ = %s; each study's 2×2 sampling covariance is its stage-1 covariance of the two coefficients.", num(mv.Rho[0], 3)))
		s.Add(t)
		r.cite("jackson2011")
	}
	if os := r.OneStage; os != nil {
		s.H("ipd-one-stage", "One-stage cross-check")
		s.P(Plain, "One mixed model over all studies: "+os.Formula+fmt.Sprintf(" (%d session rows, log-likelihood %s).", os.NObs, num(os.LogLik, 2)))
		if len(r.Comparison) > 0 {
			t := &Table{Name: "comparison", Title: "Two-stage and one-stage estimates",
				Columns: []string{"Term", "Two-stage", "SE", "One-stage", "SE", "Difference", ""}, Right: []bool{false, true, true, true, true, true, false}}
			for _, c := range r.Comparison {
				flag := ""
				if c.Disagree {
					flag = "differ by more than their SEs"
				}
				t.Rows = append(t.Rows, []string{ipdTermTitle(c.Term), num(c.TwoStage, 4), num(c.TwoStageSE, 4), num(c.OneStage, 4), num(c.OneStageSE, 4), num(c.Difference, 4), flag})
			}
			for _, v := range os.Random {
				if v.Group == "study" {
					t.Notes = append(t.Notes, fmt.Sprintf("The one-stage between-study SD of the within-patient slope is %s.", num(math.Sqrt(v.Variance), 4)))
				}
			}
			s.Add(t)
		}
	}
	r.methodsText()
	r.data = &DataPart{Kind: "session", Source: r.src, Roles: map[string]string{}, Counts: map[string]int{"studies": r.Studies, "rows": r.src.Rows}}
	if r.studyCol != "" {
		r.data.Roles["study"] = r.studyCol
	}
	for _, p := range r.Pooled {
		r.data.Counts["studies pooled ("+p.Term+")"] = p.Meta.Model.K
	}
}

// pooledLine says the pooled estimate of a term in words.
func (r *IPDRun) pooledLine(p IPDPooled) string {
	res := p.Meta.Model
	c := res.Coefficients[0]
	unit := "1-point"
	if r.Standardized {
		unit = "1-SD"
	}
	what := fmt.Sprintf("Across %d studies, a %s %s difference in alliance goes with a change of %s in the %s", res.K, unit, ipdTermTitle(p.Term), num(c.Estimate, 3), r.target())
	if r.Stage1Model == Stage1Panel {
		what = fmt.Sprintf("Across %d studies, the pooled within-person %s path is %s", res.K, ipdTermTitle(p.Term), num(c.Estimate, 3))
	}
	if len(res.Coefficients) > 1 {
		what = fmt.Sprintf("In the meta-regression on %s over %d studies, the intercept of the %s %s is %s", strings.Join(r.Mods, ", "), res.K, ipdTermTitle(p.Term), r.effectWord(), num(c.Estimate, 3))
	}
	df := ""
	if c.DF != nil {
		df = "(" + strconv.FormatFloat(*c.DF, 'f', -1, 64) + ")"
	}
	stat := "z"
	if c.DF != nil {
		stat = "t"
	}
	line := fmt.Sprintf("%s (%s, %s%s = %s, %s)", what, apa.CI(res.Level, c.CILB, c.CIUB, 3, false), stat, df, num(c.Statistic, 2), apa.P(c.P))
	if rb := p.Meta.Robust; rb != nil && len(rb.Coefficients) > 0 {
		rc := rb.Coefficients[0]
		line += fmt.Sprintf("; %s cluster-robust over %d clusters of %s: SE = %s, %s, t(%s) = %s, %s", rb.Type, rb.Clusters, r.robustCol,
			num(rc.SE, 3), apa.CI(rb.Level, rc.CILB, rc.CIUB, 3, false), num(optional(rc.DF), 2), num(rc.Statistic, 2), apa.P(rc.P))
	}
	if res.Method != "FE" && res.Method != "EE" {
		line += fmt.Sprintf("; between-study SD τ = %s, I² = %s%%, Q(%d) = %s, %s; %s prediction interval [%s, %s]",
			num(res.Tau, 3), num(res.I2, 1), res.QEDF, num(res.QE, 2), apa.P(optional(res.QEP)), apa.Level(res.Level), num(optional(res.PILB), 3), num(optional(res.PIUB), 3))
	}
	if r.Stage1Model == Stage1Panel && p.Term == "crosslag" && len(res.Coefficients) == 1 {
		line += ". Pooled over studies: " + crossLagReading(r.opt.Sessions.AllianceLabel, r.opt.Sessions.OutcomeLabel, c.Estimate, r.Model == "dpm")
	}
	return line + "."
}

func (r *IPDRun) target() string {
	o := r.opt.Sessions
	switch r.Model {
	case "reverse":
		return "next session's " + o.AllianceLabel + " per 1 point of " + o.OutcomeLabel
	case "concurrent":
		return "same session's " + o.OutcomeLabel
	}
	return "next session's " + o.OutcomeLabel
}

// effectWord is what a pooled term is: an alliance effect of the session
// model or a lagged path of the panel model.
func (r *IPDRun) effectWord() string {
	if r.Stage1Model == Stage1Panel {
		return "path"
	}
	return "alliance effect"
}

// stage1Table is the APA table of the stage-1 estimates: one row per
// study, one column pair per term.
func (r *IPDRun) stage1Table() *Table {
	t := &Table{Name: "stage1", Title: "Stage 1: the alliance terms of each study's session model", Columns: []string{"Study", "Patients", "Sessions"}, Right: []bool{false, true, true}}
	if r.Stage1Model == Stage1Panel {
		t.Title = "Stage 1: the lagged paths of each study's " + map[string]string{"riclpm": "RI-CLPM", "clpm": "CLPM", "dpm": "dynamic panel model"}[r.Model]
	}
	for _, term := range r.Terms {
		t.Columns = append(t.Columns, "b ("+term+")", "SE")
		t.Right = append(t.Right, true, true)
	}
	t.Columns, t.Right = append(t.Columns, "Note"), append(t.Right, false)
	by := map[string]map[string]IPDStage1{}
	var order []string
	for _, s := range r.Stage1 {
		if by[s.Study] == nil {
			by[s.Study] = map[string]IPDStage1{}
			order = append(order, s.Study)
		}
		by[s.Study][s.Term] = s
	}
	for _, st := range order {
		var row []string
		var notes []string
		first := by[st][r.Terms[0]]
		row = append(row, st, itoa(first.NPatients), itoa(first.NSessions))
		for _, term := range r.Terms {
			e := by[st][term]
			if e.usable() {
				row = append(row, num(e.Estimate, 3), num(e.SE, 3))
			} else {
				row = append(row, "", "")
			}
			if e.Note != "" && !slices.Contains(notes, e.Note) {
				notes = append(notes, e.Note)
			}
		}
		if first.NPatients == 0 && first.NSessions == 0 {
			row[1], row[2] = "", ""
		}
		t.Rows = append(t.Rows, append(row, strings.Join(notes, "; ")))
	}
	if r.Stage1Model == Stage1Panel {
		t.Notes = append(t.Notes, "Sessions are each study's session rows at the panel's waves; estimates are the unstandardized within-person paths and SEs the panel model's (observed information).")
	} else {
		t.Notes = append(t.Notes, "Sessions are the rows of each study's model (a next session within the lag gap, every value observed); SEs are the stage-1 model's.")
	}
	return t
}

func itoa(n int) string { return strconv.Itoa(n) }

// methodsText writes the methods sentences of what ran.
func (r *IPDRun) methodsText() {
	o := r.opt
	dfs := "Satterthwaite"
	if o.Sessions.AR1 {
		dfs = "nlme's containment" // AR(1) residuals: mixed.Options.Correlation
	}
	m := fmt.Sprintf("Individual participant data of %d studies were analysed in two stages (Burke, Ensor & Riley, 2017; Flückiger et al., 2020): in each study, the %s session model (linear mixed model by %s with %s degrees of freedom)", r.Studies, r.Model, map[bool]string{true: "ML", false: "REML"}[o.Sessions.ML], dfs)
	if o.Standardize {
		m += " after z-standardising alliance and outcome within the study, so that coefficients are in within-study SD units"
	}
	m += "; then each alliance term (" + strings.Join(r.Terms, ", ") + ") was pooled across studies in a random-effects meta-analysis of the stage-1 estimates and their standard errors."
	if r.Stage1Model == Stage1Panel {
		refs := "Hamaker, Kuiper & Grasman, 2015; Mulder & Hamaker, 2021"
		if r.Model == "dpm" {
			refs = "Allison, Williams & Moral-Benito, 2017"
		}
		m = fmt.Sprintf("Individual participant data of %d studies were analysed in two stages (Burke, Ensor & Riley, 2017): in each study, %s (%s; maximum likelihood, missing sessions by full-information ML as lavaan's missing = \"ML\"); then each lagged path (%s) was pooled across studies in a random-effects meta-analysis of the stage-1 estimates and their standard errors.", r.Studies, r.panelStage1Text(), refs, strings.Join(r.Terms, ", "))
		if r.panelCons != "" {
			m += " " + r.panelCons
		}
		if r.Model == "dpm" {
			r.cite("allison2017")
		} else {
			r.cite("hamaker2015", "mulder2021")
		}
		r.cite("burke2017")
	} else {
		r.cite("burke2017", "fluckiger2020")
	}
	r.methods = append(r.methods, m)
	if len(r.Pooled) > 0 {
		r.methods = append(r.methods, r.Pooled[0].Meta.Methods())
	}
	if len(r.Mods) > 0 {
		r.methods = append(r.methods, fmt.Sprintf("Study-level moderators (%s) entered each stage-2 model as a meta-regression.", strings.Join(r.Mods, ", ")))
	}
	if r.robustCol != "" {
		r.methods = append(r.methods, fmt.Sprintf("Because several studies (samples) share a %s, each stage-2 estimate was also tested with CR2 cluster-robust standard errors and Satterthwaite degrees of freedom clustered by %s (Pustejovsky & Tipton, 2018).", r.robustCol, r.robustCol))
		r.cite("pustejovsky2018")
	}
	if r.Multivariate != nil {
		r.methods = append(r.methods, fmt.Sprintf("The %s and %s terms were also pooled jointly in a multivariate random-effects model with each study's within-study covariance of the two estimates and an unstructured between-study covariance, by REML (Jackson, Riley & White, 2011).", r.Multivariate.Terms[0], r.Multivariate.Terms[1]))
	}
	if r.OneStage != nil {
		r.methods = append(r.methods, "As a cross-check, one mixed model over all studies was fitted with a random study slope of the within-patient term and the stage-1 random intercepts, the response and the other predictors centred on their study means in place of study-specific intercepts, so that every coefficient is a within-study contrast (Riley et al., 2023).")
		r.cite("riley2023")
	}
}

// Steps reproduce the analysis: the command line, and R code for the
// standard designs.
func (r *IPDRun) Steps() []Step {
	return []Step{{Purpose: "the IPD meta-analysis", Command: r.commandLine(), RCode: r.rCode()}}
}

func (r *IPDRun) commandLine() string {
	o := r.opt
	c := &command{parts: []string{"alliance", "ipd"}}
	for _, n := range strings.Split(r.src.Name, ", ") {
		c.parts = append(c.parts, shellArg(n))
	}
	if r.studyCol != "" && r.studyCol != "study" {
		c.flag("study", r.studyCol)
	}
	if len(o.StudyNames) > 0 {
		c.flag("study-names", strings.Join(o.StudyNames, ","))
	}
	so := o.Sessions
	c.roles(so.Columns)
	if r.Stage1Model == Stage1Panel {
		r.panelFlags(c)
		return c.String()
	}
	c.flag("model", r.Model)
	if so.Centring != "" {
		c.flag("centring", so.Centring)
	}
	for _, b := range []struct {
		on   bool
		name string
	}{{o.Standardize, "standardize"}, {so.Detrend, "detrend"}, {so.RandomSlope, "random-slope"}, {so.AR1, "ar1"}, {so.IgnoreTherapist, "no-therapist"}, {so.NoTime, "no-time"}, {so.ML, "ml"}, {o.Multivariate, "multivariate"}, {o.NoOneStage, "no-one-stage"}} {
		if b.on {
			c.flag(b.name, "")
		}
	}
	if so.MaxLagGap != 1 {
		c.flag("max-lag-gap", strconv.Itoa(so.MaxLagGap))
	}
	if len(so.Covariates) > 0 {
		c.flag("covariates", strings.Join(so.Covariates, ","))
	}
	r.stage2Flags(c, o.Terms)
	return c.String()
}

// stage2Flags are the command-line flags of the pooled terms and stage 2
// (terms, moderators, robust cluster, τ² method, test, level).
func (r *IPDRun) stage2Flags(c *command, terms []string) {
	o := r.opt
	if len(terms) > 0 {
		c.flag("terms", strings.Join(terms, ","))
	}
	if len(o.Mods) > 0 {
		c.flag("mods", strings.Join(o.Mods, ","))
	}
	if o.Robust != "" {
		c.flag("robust", o.Robust)
	}
	if o.Method != "" && strings.ToUpper(o.Method) != "REML" {
		c.flag("method", o.Method)
	}
	if o.Test != "knha" {
		c.flag("test", o.Test)
	}
	if o.Sessions.Level != 0.95 {
		c.flag("level", levelPct(o.Sessions.Level))
	}
}
