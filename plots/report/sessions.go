package report

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/alliance-research/alliance/analysis/apa"
	"github.com/alliance-research/alliance/analysis/change"
	"github.com/alliance-research/alliance/analysis/rupture"
	"github.com/alliance-research/alliance/analysis/sessions"
	"github.com/alliance-research/alliance/datasets"
	"github.com/alliance-research/alliance/plots"
)

// SessionResults holds the session part of results.json.
type SessionResults struct {
	Patients   int    `json:"patients"`
	Therapists int    `json:"therapists"`
	Sessions   [2]int `json:"session_range"`
	// Trajectories are the mean and t-based CI of each score by session.
	Trajectories map[string][]SessionMean `json:"trajectories"`
	// Model is the lagged within/between model (person-mean-centred
	// alliance at t → outcome at t+1, controlling the outcome at t);
	// Concurrent the same-session model.
	Model      *sessions.Result `json:"model,omitempty"`
	Concurrent *sessions.Result `json:"concurrent,omitempty"`
	Ruptures   *RuptureResults  `json:"ruptures,omitempty"`
	Gains      *GainResults     `json:"sudden_gains,omitempty"`
	Change     *change.Result   `json:"reliable_change,omitempty"`
	Notes      []string         `json:"notes,omitempty"`
}

// SessionMean is one session's mean with its confidence interval.
type SessionMean struct {
	Session float64 `json:"session"`
	N       int     `json:"n"`
	Mean    float64 `json:"mean"`
	CILB    float64 `json:"ci_lb"`
	CIUB    float64 `json:"ci_ub"`
}

// RuptureResults holds the rupture–repair analysis.
type RuptureResults struct {
	*rupture.Result
	Sensitivity []rupture.SensitivityRow `json:"sensitivity,omitempty"`
	EffectNotes []string                 `json:"effect_notes,omitempty"`
	PlotPatient string                   `json:"plot_patient,omitempty"`
}

// GainResults holds the sudden-gains analysis of the outcome.
type GainResults struct {
	Cutoff   change.Crit1Cutoff `json:"rci_cutoff"`
	Gains    []change.Gain      `json:"gains"`
	Summary  change.GainSummary `json:"summary"`
	Patients int                `json:"patients"`
	WithGain int                `json:"patients_with_gain"`
}

func (r *Report) buildSessions(ss *datasets.Sessions, part *DataPart) (*SessionResults, error) {
	opt := r.opt
	sec := &section{id: "sessions", title: "Session-by-session analyses"}
	r.sessSec = sec
	c := ss.Columns
	for role, name := range map[string]string{"patient": c.Patient, "therapist": c.Therapist, "session": c.Session, "alliance": c.Alliance, "outcome": c.Outcome} {
		if name != "" {
			part.Roles[role] = name
		}
	}
	n := ss.Len()
	patient := ss.Patient.Strings()
	var therapist []string
	if ss.Therapist.Codes != nil {
		therapist = ss.Therapist.Strings()
	}
	sr := &SessionResults{Patients: len(ss.Patient.Levels), Trajectories: map[string][]SessionMean{}}
	if therapist != nil {
		sr.Therapists = len(ss.Therapist.Levels)
	}
	sess := make([]float64, n)
	lo, hi := math.MaxInt, math.MinInt
	for i, s := range ss.Session {
		sess[i] = float64(s)
		lo, hi = min(lo, s), max(hi, s)
	}
	sr.Sessions = [2]int{lo, hi}
	part.Counts["patients"] = sr.Patients
	part.Counts["therapists"] = sr.Therapists
	missing := func(v []float64) int {
		k := 0
		for _, x := range v {
			if math.IsNaN(x) {
				k++
			}
		}
		return k
	}
	if ss.Alliance != nil {
		part.Counts["missing alliance"] = missing(ss.Alliance)
	}
	if ss.Outcome != nil {
		part.Counts["missing outcome"] = missing(ss.Outcome)
	}

	// Trajectories.
	sec.h("sessions-trajectories", "Trajectories")
	mt := &table{title: "Mean scores by session", cols: []string{"Session", "n"}, right: []bool{true, true}}
	type scored struct {
		name, label string
		v           []float64
	}
	var scores []scored
	if ss.Alliance != nil {
		scores = append(scores, scored{"alliance", opt.AllianceLabel, ss.Alliance})
	}
	if ss.Outcome != nil {
		scores = append(scores, scored{"outcome", opt.OutcomeLabel, ss.Outcome})
	}
	var means [][]plots.MeanCI
	row := &figRow{}
	for _, s := range scores {
		m := plots.SessionMeans(sess, s.v, opt.Level)
		means = append(means, m)
		rows := make([]SessionMean, len(m))
		for i, x := range m {
			rows[i] = SessionMean{Session: x.X, N: x.N, Mean: x.Mean, CILB: x.Lower, CIUB: x.Upper}
		}
		sr.Trajectories[s.name] = rows
		mt.cols = append(mt.cols, capital(s.label)+" M", apa.Level(opt.Level)+" CI")
		mt.right = append(mt.right, true, false)
		f, err := plots.Trajectories(patient, sess, s.v, plots.TrajectoryOptions{Level: opt.Level, XLabel: "Session", YLabel: capital(s.label)})
		if fig := r.addFigure("trajectory-"+s.name, capital(s.label)+" by session",
			fmt.Sprintf("Grey lines: individual patients; black line and band: the mean at each session with its %s confidence interval (t-based).", apa.Level(opt.Level)), f, err); fig != nil {
			row.figs = append(row.figs, &figBlock{fig: fig})
		}
	}
	if len(row.figs) > 0 {
		sec.add(row)
	}
	if len(means) > 0 {
		for i, x := range means[0] {
			row := []string{strconv.FormatFloat(x.X, 'g', -1, 64), strconv.Itoa(x.N)}
			for _, m := range means {
				if i < len(m) {
					row = append(row, num(m[i].Mean, 2), ci(m[i].Lower, m[i].Upper, 2, false))
				}
			}
			mt.rows = append(mt.rows, row)
		}
		mt.notes = append(mt.notes, "n is the number of patients with the session; means and intervals use the observed scores of that session.")
		sec.add(mt)
	}

	// Within/between model.
	if ss.Alliance != nil && ss.Outcome != nil {
		r.buildSessionModel(sec, sr, ss, patient, therapist, part)
	} else {
		sec.p("The within/between alliance→outcome model needs both an alliance and an outcome column.")
	}

	// Ruptures.
	if ss.Alliance != nil {
		r.buildRuptures(sec, sr, ss, part)
	}

	// Sudden gains and reliable change of the outcome.
	if ss.Outcome != nil {
		r.buildGains(sec, sr, ss, patient, part)
		r.buildChange(sec, sr, ss, patient, part)
	}
	return sr, nil
}

func capital(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func (r *Report) buildSessionModel(sec *section, sr *SessionResults, ss *datasets.Sessions, patient, therapist []string, part *DataPart) {
	opt := r.opt
	sec.h("sessions-model", "Alliance and outcome within and between patients")
	d := sessions.Data{Patient: patient, Therapist: therapist, Session: ss.Session, Alliance: ss.Alliance, Outcome: ss.Outcome}
	so := sessions.Options{Model: sessions.Lagged, Centring: sessions.PersonMean, Level: opt.Level, AllianceLabel: opt.AllianceLabel, OutcomeLabel: opt.OutcomeLabel}
	res, err := sessions.Fit(d, so)
	if err != nil {
		sec.p("The lagged within/between model could not be fitted: " + err.Error())
		sr.Notes = append(sr.Notes, "lagged model: "+err.Error())
		return
	}
	sr.Model = res
	if res.Dropped > 0 {
		part.Dropped = append(part.Dropped, Dropped{Analysis: "lagged alliance→outcome model", N: res.Dropped, Unit: "session rows",
			Reason: "no next session within one session number (the last session of each patient, or a gap) or a missing score"})
	}
	ther := ""
	if therapist != nil {
		ther = " and of therapists"
	}
	sec.p(fmt.Sprintf("Each patient's alliance was split into the patient's mean over sessions (between-patient part) and the session's deviation from it (within-patient part; person-mean centring, Curran & Bauer, 2011). In the lagged model, the within-patient alliance at session t predicts the %s at the next session, controlling the %s at session t and the session number (Falkenström, Granström & Holmqvist, 2013); random intercepts of patients%s; REML with Satterthwaite degrees of freedom.", opt.OutcomeLabel, opt.OutcomeLabel, ther))
	sec.add(list{items: effectItems(res), class: "reading"})
	sec.add(fixedTable(res, "Lagged mixed model: "+res.Formula))
	for _, n := range res.Notes {
		sec.add(para{html: esc("Note. " + n), class: "note"})
	}
	if conc, err := sessions.Fit(d, sessions.Options{Model: sessions.Concurrent, Centring: sessions.PersonMean, Level: opt.Level, AllianceLabel: opt.AllianceLabel, OutcomeLabel: opt.OutcomeLabel}); err == nil {
		sr.Concurrent = conc
		sec.p("The same split in a model of alliance and outcome of the same session:")
		sec.add(list{items: effectItems(conc), class: "reading"})
		sec.add(fixedTable(conc, "Concurrent mixed model: "+conc.Formula))
	} else {
		sr.Notes = append(sr.Notes, "concurrent model: "+err.Error())
	}
	f, err := plots.WithinBetween(patient, ss.Alliance, ss.Outcome, plots.WBOptions{XLabel: capital(opt.AllianceLabel), YLabel: capital(opt.OutcomeLabel)})
	sec.fig(r.addFigure("within-between", "Alliance and outcome between and within patients",
		"Left: each patient's mean outcome against mean alliance (between patients), with the least-squares line. Right: session deviations from the patient's means (within patients), with the pooled within-patient slope.", f, err))
	// Caterpillar of therapist effects (else patients).
	group := "therapist"
	if therapist == nil {
		group = "patient"
	}
	var names []string
	var est, sd []float64
	for _, b := range res.Ranef {
		if b.Group == group && b.Name == "(Intercept)" {
			names = append(names, b.Level)
			est = append(est, b.Value)
			sd = append(sd, b.CondSD)
		}
	}
	if len(names) > 0 {
		f, err := plots.Caterpillar(names, est, sd, plots.CaterpillarOptions{Level: opt.Level, XLabel: fmt.Sprintf("%s random intercept (next-session %s)", capital(group), opt.OutcomeLabel)})
		cap := fmt.Sprintf("Predicted random intercepts of the %ss in the lagged model (conditional modes), sorted, with %s intervals from their conditional standard deviations.", group, apa.Level(opt.Level))
		for _, v := range res.Random {
			if v.Group == group && v.Name == "(Intercept)" {
				cap += fmt.Sprintf(" Variance %s (SD %s).", num(v.Variance, 3), num(v.SD, 3))
			}
		}
		sec.fig(r.addFigure("caterpillar-"+group, capital(group)+" effects", cap, f, err))
	}
	r.Results.RCode.Sessions = r.sessionsRCode(res, therapist != nil)
}

func effectItems(res *sessions.Result) []string {
	var items []string
	for _, e := range res.Effects {
		if e.Role == "within" || e.Role == "between" || e.Role == "patient" || e.Role == "therapist" {
			items = append(items, esc(capital(e.Text))+".")
		}
	}
	return items
}

func fixedTable(res *sessions.Result, title string) *table {
	lvl := apa.Level(res.Level)
	t := &table{title: title, cols: []string{"Term", "b", "SE", "df", "t", "p", lvl + " CI"},
		right: []bool{false, true, true, true, true, true, false}}
	for _, c := range res.Fixed {
		t.rows = append(t.rows, []string{c.Name, num(c.Estimate, 3), num(c.SE, 3), num(c.DF, 1), num(c.Statistic, 2), pval(c.P), ci(c.CILB, c.CIUB, 3, false)})
	}
	var rnd []string
	for _, v := range res.Random {
		rnd = append(rnd, fmt.Sprintf("%s %s: variance %s (SD %s)", v.Group, v.Name, num(v.Variance, 3), num(v.SD, 3)))
	}
	rnd = append(rnd, fmt.Sprintf("residual: variance %s", num(res.ResidualVariance, 3)))
	var ng []string
	for _, k := range sortedKeys(res.NGroups) {
		ng = append(ng, fmt.Sprintf("%s %d", k, res.NGroups[k]))
	}
	t.notes = append(t.notes, fmt.Sprintf("Random effects — %s. %d observations; groups: %s; REML log-likelihood %s.", strings.Join(rnd, "; "), res.NObs, strings.Join(ng, ", "), num(res.LogLik, 2)))
	t.notes = append(t.notes, "_within: the session's deviation from the patient's mean; _between: the patient's mean over sessions; _next: the score at the next session.")
	return t
}

// sessionsRCode writes base R + lme4 code that derives the columns and fits
// the lagged model.
func (r *Report) sessionsRCode(res *sessions.Result, hasTher bool) string {
	var b strings.Builder
	roles := r.sessRoles
	b.WriteString("library(lme4); library(lmerTest)   # lmerTest: Satterthwaite df\n")
	fmt.Fprintf(&b, "d <- %s\n", r.rSessionsExpr())
	ren := func(role string) {
		if col := roles[role]; col != "" && col != role {
			fmt.Fprintf(&b, "d$%s <- d[[%q]]\n", role, col)
		}
	}
	for _, role := range []string{"patient", "therapist", "session", "alliance", "outcome"} {
		ren(role)
	}
	key := "d$patient"
	if hasTher {
		key = "paste(d$therapist, d$patient)"
	}
	fmt.Fprintf(&b, "key <- %s\n", key)
	b.WriteString("pm <- function(x) ave(x, key, FUN = function(z) mean(z, na.rm = TRUE))\n")
	b.WriteString("d$alliance_between <- pm(d$alliance); d$alliance_within <- d$alliance - d$alliance_between\n")
	b.WriteString("d$outcome_between  <- pm(d$outcome);  d$outcome_within  <- d$outcome - d$outcome_between\n")
	b.WriteString("nxt <- match(paste(key, d$session + 1), paste(key, d$session))   # next session, no gap\n")
	b.WriteString("d$outcome_next <- d$outcome[nxt]\n")
	fmt.Fprintf(&b, "m <- lmer(%s, data = d, REML = TRUE)\nsummary(m)\nconfint(m, method = \"Wald\")\n", res.Formula)
	return b.String()
}

func (r *Report) buildRuptures(sec *section, sr *SessionResults, ss *datasets.Sessions, part *DataPart) {
	opt := r.opt
	sec.h("sessions-ruptures", "Ruptures and repairs")
	var therapist []string
	if ss.Therapist.Codes != nil {
		therapist = ss.Therapist.Strings()
	}
	series, outcomes := rupture.SeriesFromRows(ss.Patient.Strings(), therapist, ss.Session, ss.Alliance, ss.Outcome)
	var res *rupture.Result
	var err error
	if opt.RupturePreset != "" {
		res, err = rupture.AnalyzePreset(series, opt.RupturePreset)
	} else {
		res, err = rupture.Analyze(series, rupture.DefaultOptions())
	}
	if err != nil {
		sec.p("Ruptures could not be analysed: " + err.Error())
		sr.Notes = append(sr.Notes, "ruptures: "+err.Error())
		return
	}
	rr := &RuptureResults{Result: res}
	sr.Ruptures = rr
	if outcomes != nil {
		eo := rupture.DefaultEffectOptions()
		if opt.OutcomeHigherBetter {
			eo.Better = rupture.HigherBetter
		}
		if er, err := res.Estimate(outcomes, eo); err == nil {
			rr.EffectNotes = er.Notes
		} else {
			rr.EffectNotes = append(rr.EffectNotes, err.Error())
		}
	}
	if rows, err := rupture.Sensitivity(series, nil); err == nil {
		rr.Sensitivity = rows
	}
	s := res.Summary
	if d := s.Patients - s.Assessable; d > 0 {
		part.Dropped = append(part.Dropped, Dropped{Analysis: "ruptures", N: d, Unit: "patients", Reason: "too few alliance ratings to assess a rupture (class insufficient)"})
	}
	o := res.Options
	rule := ruleWords(o)
	if res.Preset != "" {
		rule = fmt.Sprintf("the %s preset: %s", res.Preset, rule)
	}
	sec.p(fmt.Sprintf("A rupture is a session whose alliance falls below the reference by %s; it is repaired when, within %d sessions, the score regains %s of the drop (a V-shaped episode; Eubanks, Muran & Safran, 2018; Stiles et al., 2004). Patients are classed as having no rupture, a repaired rupture or only unrepaired ruptures.",
		rule, o.RepairWindow, pct100(o.RepairFraction)))
	sec.add(para{html: esc(fmt.Sprintf("%d of %d assessable patients (%s) had at least one rupture: %d episodes (%s per 100 sessions), of which %d (%s) were repaired; the mean drop was %s points.",
		s.WithRupture, s.Assessable, pct(100*float64(s.RuptureRate)), s.Episodes, num(float64(s.EpisodesPer100), 2), s.Repaired, pct(100*float64(s.RepairRate)), num(float64(s.MeanDrop), 2))), class: "reading"})
	ct := &table{title: "Patients by rupture–repair class", cols: []string{"Class", "n", "%"}, right: []bool{false, true, true}}
	for _, c := range s.Classes {
		ct.rows = append(ct.rows, []string{string(c.Class), strconv.Itoa(c.N), pctOrBlank(float64(c.Percent))})
	}
	if len(res.ClassOutcomes) > 0 {
		ct.cols = append(ct.cols, "n (outcome)", "First M (SD)", "Last M (SD)", "Change M (SD)")
		ct.right = append(ct.right, true, true, true, true)
		byClass := map[rupture.Class]rupture.ClassOutcome{}
		for _, x := range res.ClassOutcomes {
			byClass[x.Class] = x
		}
		ms := func(m, sd rupture.Float) string {
			if m.IsNA() {
				return ""
			}
			return num(float64(m), 2) + " (" + num(float64(sd), 2) + ")"
		}
		for i, c := range s.Classes {
			x, ok := byClass[c.Class]
			if !ok {
				ct.rows[i] = append(ct.rows[i], "", "", "", "")
				continue
			}
			ct.rows[i] = append(ct.rows[i], strconv.Itoa(x.N), ms(x.MeanPre, x.SDPre), ms(x.MeanPost, x.SDPost), ms(x.MeanChange, x.SDChange))
		}
		ct.notes = append(ct.notes, fmt.Sprintf("Percentages of assessable patients. First and last: the %s at each patient's first and last session with a score.", opt.OutcomeLabel))
	}
	sec.add(ct)
	if len(res.Effects) > 0 {
		et := &table{title: fmt.Sprintf("Differences in %s change between classes", opt.OutcomeLabel),
			cols:  []string{"Contrast", "n₁", "n₂", "Difference", "p", "g [95% CI]", "r [95% CI]"},
			right: []bool{false, true, true, true, true, false, false}}
		for _, x := range res.Effects {
			if x.G.IsNA() {
				et.rows = append(et.rows, []string{x.Contrast, strconv.Itoa(x.N1), strconv.Itoa(x.N2), "", "", x.Note, ""})
				continue
			}
			et.rows = append(et.rows, []string{x.Contrast, strconv.Itoa(x.N1), strconv.Itoa(x.N2), num(float64(x.Diff), 2), pval(float64(x.P)),
				num(float64(x.G), 2) + " " + ci(float64(x.CILB), float64(x.CIUB), 2, false),
				rnum(float64(x.R), 2) + " " + ci(float64(x.RCILB), float64(x.RCIUB), 2, true)})
		}
		et.notes = append(et.notes, "Positive values: the first class improved more. g is Hedges' g; r the point-biserial correlation (compare Eubanks et al., 2018: rupture repair and outcome, r = .29, d = .62).")
		et.notes = append(et.notes, rr.EffectNotes...)
		sec.add(et)
	}
	// Rupture plot of the first patient with a repaired rupture.
	p := ""
	for _, ep := range res.Episodes {
		if ep.Repaired {
			p = ep.Patient
			break
		}
	}
	if p != "" {
		rr.PlotPatient = p
		f, err := rupturePlot(series, res, p, opt.AllianceLabel)
		sec.fig(r.addFigure("rupture-patient", "Rupture and repair of patient "+p,
			"The patient's alliance by session; filled triangles mark ruptures, open triangles repairs; the dashed line is the rupture threshold, the dotted line the patient's mean.", f, err))
	}
	if len(rr.Sensitivity) > 0 {
		st := &table{title: "Sensitivity of the counts to the rupture criterion",
			cols:  []string{"Preset", "Method", "Episodes", "Repaired", "No rupture", "Repaired class", "Unrepaired class", "Rupture rate"},
			right: []bool{false, false, true, true, true, true, true, true}}
		for _, x := range rr.Sensitivity {
			if x.Error != "" {
				st.rows = append(st.rows, []string{x.Preset, string(x.Method), "", "", "", "", "", x.Error})
				continue
			}
			st.rows = append(st.rows, []string{x.Preset, string(x.Method), strconv.Itoa(x.Episodes), strconv.Itoa(x.Repaired), strconv.Itoa(x.None), strconv.Itoa(x.RepairedClass), strconv.Itoa(x.Unrepaired), pct(100 * float64(x.RuptureRate))})
		}
		st.notes = append(st.notes, "Published rupture criteria differ and change the counts (Gumz et al., 2012); each preset names its source in the analysis/rupture documentation, with what was verified in the source and what is our reading.")
		sec.add(st)
	}
}

func pct100(f float64) string { return apa.Num(100*f, 0) + "%" }

func pctOrBlank(x float64) string {
	if math.IsNaN(x) {
		return ""
	}
	return pct(x)
}

func ruleWords(o rupture.Options) string {
	ref := "the previous session"
	if o.Reference == rupture.ReferenceMean {
		ref = fmt.Sprintf("the mean of the %d preceding sessions", o.Window)
		if o.Window == 0 {
			ref = "the mean of all preceding sessions"
		}
	}
	switch o.Method {
	case rupture.MethodSD:
		src := "the pooled within-patient SD of the sample"
		switch o.SDSource {
		case rupture.SDWithin:
			src = "the patient's own SD"
		case rupture.SDMax:
			src = "the larger of the patient's and the pooled within-patient SD"
		}
		s := fmt.Sprintf("at least %s × %s", num(o.K, 1), src)
		if o.SampleSD > 0 && o.SDSource != rupture.SDWithin {
			s += fmt.Sprintf(" (%s points)", num(o.SampleSD*o.K, 2))
		}
		return s + " (reference: " + ref + ")"
	case rupture.MethodThreshold:
		return fmt.Sprintf("at least %s points (reference: %s)", num(o.Threshold, 2), ref)
	case rupture.MethodPercent:
		return fmt.Sprintf("at least %s%% of the reference (%s)", num(o.Percent, 0), ref)
	case rupture.MethodRCI:
		return fmt.Sprintf("more than the reliable change 1.96·√2·s·√(1 − r) with r = %s (reference: %s)", num(o.Reliability, 2), ref)
	case rupture.MethodSuddenLoss:
		return "the sudden-loss criteria of Tang & DeRubeis (1999) applied to alliance falls"
	}
	return string(o.Method)
}

func rupturePlot(series []rupture.Series, res *rupture.Result, patient, label string) (*plots.Figure, error) {
	return plots.RupturePatient(series, res, patient, plots.RuptureOptions{YLabel: capital(label), XLabel: "Session",
		Title: fmt.Sprintf("Patient %s", patient)})
}

func (r *Report) buildGains(sec *section, sr *SessionResults, ss *datasets.Sessions, patient []string, part *DataPart) {
	opt := r.opt
	sec.h("sessions-gains", "Sudden gains")
	first, last := sr.Sessions[0], sr.Sessions[1]
	if last-first < 3 {
		sec.p("Sudden gains need at least four sessions.")
		return
	}
	series, err := change.SeriesFromLong(patient, ss.Session, ss.Outcome, first, last)
	if err != nil {
		sec.p("Sudden gains could not be analysed: " + err.Error())
		sr.Notes = append(sr.Notes, "sudden gains: "+err.Error())
		return
	}
	base := make([]float64, 0, len(series))
	for _, s := range series {
		base = append(base, s.Values[0])
	}
	sd := change.SampleSD(base)
	cc, err := change.DefineCrit1Cutoff(sd, opt.Reliability)
	if err != nil {
		sec.p("Sudden gains could not be analysed: " + err.Error())
		return
	}
	dir := change.Gains
	if opt.OutcomeHigherBetter {
		dir = change.Losses
	}
	cut := cc.ReliableChange
	if dir == change.Losses {
		cut = -cut
	}
	gains, err := change.ByGain(series, change.DefaultCriteria(dir, cut))
	if err != nil {
		sec.p("Sudden gains could not be analysed: " + err.Error())
		return
	}
	g := &GainResults{Cutoff: cc, Gains: gains, Summary: change.DescribeGains(gains), Patients: len(series)}
	people := map[string]bool{}
	for _, x := range gains {
		people[x.Patient] = true
	}
	g.WithGain = len(people)
	sr.Gains = g
	sec.p(fmt.Sprintf("Sudden gains in the %s were identified with the three criteria of Tang & DeRubeis (1999), as the R package suddengains (Wiedemann, Thew, Stott & Ehlers, 2020): (1) the improvement from one session to the next is at least the reliable change value, 1.96·√2·SD·√(1 − r) = %s points, with SD = %s, the SD of the first session's scores, and r = %s (%s); (2) it is at least 25%% of the pregain score; (3) the mean of the three sessions before differs from the mean of the three after (t test, critical value adjusted for missing sessions).",
		opt.OutcomeLabel, num(cc.ReliableChange, 2), num(sd, 2), rnum(opt.Reliability, 2), opt.ReliabilityNote))
	s := g.Summary
	sec.add(para{html: esc(fmt.Sprintf("%d sudden gains in %d of %d patients (%s); mean magnitude %s points (SD %s); %d (%s) were later reversed.",
		len(gains), g.WithGain, g.Patients, pct(100*float64(g.WithGain)/float64(max(1, g.Patients))), num(float64(s.SGMagnitudeM), 2), num(float64(s.SGMagnitudeSD), 2), s.SGReversalN, pct(float64(s.SGReversalPct)))), class: "reading"})
	if len(gains) > 0 {
		f, err := plots.SuddenGain(plots.GainWindows(gains), plots.SuddenGainOptions{Level: opt.Level, YLabel: capital(opt.OutcomeLabel)})
		sec.fig(r.addFigure("sudden-gains", "Course of the "+opt.OutcomeLabel+" around sudden gains",
			fmt.Sprintf("Mean %s at the two sessions before the pregain session (N−2, N−1), the pregain session N, the postgain session N+1 and two sessions after, with %s confidence intervals; the dashed line marks the gain.", opt.OutcomeLabel, apa.Level(opt.Level)), f, err))
	}
}

func (r *Report) buildChange(sec *section, sr *SessionResults, ss *datasets.Sessions, patient []string, part *DataPart) {
	opt := r.opt
	sec.h("sessions-change", "Reliable change")
	pairs, err := change.PairsFirstLast(patient, ss.Session, ss.Outcome)
	if err != nil {
		sec.p("Reliable change could not be computed: " + err.Error())
		return
	}
	better := change.Lower
	if opt.OutcomeHigherBetter {
		better = change.Higher
	}
	res, err := change.Distribution(pairs, change.RCIOptions{Method: change.JT, Reliability: opt.Reliability, Better: better})
	if err != nil {
		sec.p("Reliable change could not be computed: " + err.Error())
		return
	}
	sr.Change = res
	if d := res.NOriginal - res.NUsed; d > 0 {
		part.Dropped = append(part.Dropped, Dropped{Analysis: "reliable change", N: d, Unit: "patients", Reason: "fewer than two sessions with an outcome score"})
	}
	sec.p(fmt.Sprintf("Change from each patient's first to last session with a score on the %s was classified with the reliable change index of Jacobson & Truax (1991): RCI = (last − first)/S_diff, S_diff = √2·SD_first·√(1 − r), with SD_first = %s and r = %s (%s), so that a change of more than 1.96·S_diff = %s points is reliable. Computed as the R package clinicalsignificance's cs_distribution (method JT).",
		opt.OutcomeLabel, num(float64(res.SDPre), 2), rnum(opt.Reliability, 2), opt.ReliabilityNote, num(1.96*float64(res.SDiff), 2)))
	t := &table{title: "Reliable change from the first to the last session", cols: []string{"Category", "n", "%"}, right: []bool{false, true, true}}
	var parts []string
	for _, c := range res.Summary {
		t.rows = append(t.rows, []string{string(c.Category), strconv.Itoa(c.N), pct(100 * float64(c.Percent))})
		parts = append(parts, fmt.Sprintf("%d %s (%s)", c.N, c.Category, pct(100*float64(c.Percent))))
	}
	t.notes = append(t.notes, fmt.Sprintf("%d patients with a first and a last score; first-session M = %s (SD %s), last-session M = %s (SD %s).", res.NUsed, num(float64(res.MPre), 2), num(float64(res.SDPre), 2), num(float64(res.MPost), 2), num(float64(res.SDPost), 2)))
	sec.add(para{html: esc("Of " + strconv.Itoa(res.NUsed) + " patients: " + strings.Join(parts, ", ") + "."), class: "reading"})
	sec.add(t)
	pre, post, jo, err := plots.JTFromChange(res)
	if err == nil {
		jo.Label = capital(opt.OutcomeLabel)
		f, err := plots.JacobsonTruax(pre, post, jo)
		sec.fig(r.addFigure("jacobson-truax", "Jacobson–Truax plot",
			"Last against first score of each patient; the diagonal is no change, the shaded band the change that is not reliable (±1.96·S_diff); marker shapes give the categories.", f, err))
	}
}
