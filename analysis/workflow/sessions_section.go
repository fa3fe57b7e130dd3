package workflow

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/alliance-research/alliance/analysis/apa"
	"github.com/alliance-research/alliance/analysis/mixed"
	"github.com/alliance-research/alliance/analysis/sessions"
	"github.com/alliance-research/alliance/datasets"
)

func (r *SessionsRun) compose() {
	res := r.Result
	if r.ss != nil {
		r.data = sessionsDataPart(r.src, r.ss)
	} else { // read patient by patient (the report on a large file)
		r.data = streamDataPart(r.src, r.cols, r.counts)
	}
	if res.Dropped > 0 {
		r.data.Dropped = append(r.data.Dropped, Dropped{Analysis: string(res.Model) + " session model", N: res.Dropped, Unit: "session rows",
			Reason: "a missing score in the model, or (lagged models) no next session within the largest lag gap: the last session of each patient or a gap"})
	}
	r.note(Info, "%s", r.centringNote())
	if res.Model == "lagged" {
		r.note(Info, "The lagged multilevel model with a centred alliance and the lagged outcome is subject to dynamic-panel (Nickell) bias in short panels (Falkenström et al., 2017); the random-intercept cross-lagged panel model ('alliance panel') estimates the within-person lagged effects without it.")
		r.cite("falkenstrom2017")
	}
	s := &Section{ID: "sessions", Title: fmt.Sprintf("Session-by-session %s model — %s", res.Model, r.DataName)}
	r.sec = s
	sm := res.Summary
	line := fmt.Sprintf("%d sessions of %d patients", sm.Rows, sm.Patients)
	if sm.Therapists > 0 {
		line += fmt.Sprintf(" treated by %d therapists", sm.Therapists)
	}
	line += fmt.Sprintf("; %d rows enter the model.", res.NObs)
	if res.Centring != "" {
		line += " Centring: " + string(res.Centring)
		if res.Detrended {
			line += ", detrended"
		}
		line += "."
	}
	s.P(Plain, line)
	s.P(Plain, res.Formula)
	s.P(Methods, r.methodsText())
	if items := effectItems(res); len(items) > 0 {
		s.Add(&List{Items: items})
	}
	s.Add(modelTable("fixed", res, capitalise(string(res.Model))+" mixed model: "+res.Formula))
	s.Add(randomTable(&res.Result))
	for _, n := range res.Notes {
		if !strings.HasSuffix(n, ".") {
			n += "."
		}
		s.P(NoteText, n)
	}
	if c := r.ConcurrentModel; c != nil {
		s.H("sessions-concurrent", "The same split in a model of alliance and outcome of the same session")
		if items := effectItems(c); len(items) > 0 {
			s.Add(&List{Items: items})
		}
		s.Add(modelTable("concurrent", c, "Concurrent mixed model: "+c.Formula))
	}
	r.figures(s)
	if r.Trajectories != nil {
		s.Add(r.meansTable())
	}
	r.methods = append(r.methods, r.methodsText())
	r.cite("bates2015", "kuznetsova2017", "curran2011")
	if res.Model == sessions.Lagged || res.Model == sessions.Reverse {
		r.cite("falkenstrom2013")
	}
	r.steps = []Step{{Purpose: "Session-by-session " + string(res.Model) + " model", Command: r.commandLine(), RCode: r.rCode()}}
}

func (r *SessionsRun) centringNote() string {
	res := r.Result
	switch {
	case res.Centring == sessions.TherapistMean && r.opt.Centring == "":
		return "Alliance is centred on therapist means (therapist mean, the patient mean's deviation from it, and the session's deviation from the patient mean; Baldwin, Wampold & Imel, 2007), the default when the data name therapists; person-mean centring (each patient's own mean only) is the other choice."
	case res.Centring == sessions.TherapistMean:
		return "Alliance is centred on therapist means (therapist mean, patient deviation, session deviation)."
	case res.Centring == sessions.PersonMean && r.opt.Centring == "":
		return "Alliance is centred on each patient's mean (between-patient part: the patient mean; within-patient part: the session's deviation from it; Curran & Bauer, 2011), the default without therapists."
	case res.Centring == sessions.PersonMean:
		return "Alliance is centred on each patient's mean (person-mean centring; Curran & Bauer, 2011)."
	}
	return "Growth model of the outcome over sessions (no alliance term, as asked)."
}

func (r *SessionsRun) methodsText() string {
	res, o := r.Result, r.opt
	var b strings.Builder
	switch res.Centring {
	case sessions.TherapistMean:
		b.WriteString("Each patient's alliance was split into the therapist's mean (the mean of the therapist's patients' means), the patient mean's deviation from it, and the session's deviation from the patient mean (Baldwin, Wampold & Imel, 2007; Curran & Bauer, 2011). ")
	case sessions.PersonMean:
		b.WriteString("Each patient's alliance was split into the patient's mean over sessions (between-patient part) and the session's deviation from it (within-patient part; person-mean centring, Curran & Bauer, 2011). ")
	}
	if res.Detrended {
		b.WriteString("The within-patient parts were detrended (each patient's linear trend over sessions removed; Falkenström et al., 2017). ")
	}
	switch res.Model {
	case sessions.Lagged:
		fmt.Fprintf(&b, "In the lagged model, the within-patient alliance at session t predicts the %s at the next session, controlling the %s at session t", o.OutcomeLabel, o.OutcomeLabel)
	case sessions.Reverse:
		fmt.Fprintf(&b, "In the reverse lagged model, the within-patient %s at session t predicts the %s at the next session, controlling the %s at session t", o.OutcomeLabel, o.AllianceLabel, o.AllianceLabel)
	case sessions.Concurrent:
		fmt.Fprintf(&b, "In the concurrent model, alliance and %s of the same session are related", o.OutcomeLabel)
	default:
		fmt.Fprintf(&b, "The growth model describes the %s over sessions", o.OutcomeLabel)
	}
	if !o.NoTime && res.Model != sessions.Growth {
		b.WriteString(" and the session number")
	}
	if res.Model == sessions.Lagged || res.Model == sessions.Reverse {
		b.WriteString(" (Falkenström, Granström & Holmqvist, 2013)")
	}
	re := "random intercepts of patients"
	if _, ok := res.NGroups["therapist"]; ok {
		re += " nested in therapists"
	}
	if o.RandomSlope {
		re += ", a random slope of session"
	}
	if o.AR1 {
		re += ", AR(1) residuals within patients"
	}
	est := "REML"
	if o.ML {
		est = "maximum likelihood"
	}
	dfs := "Satterthwaite degrees of freedom"
	if o.AR1 {
		dfs = "nlme's containment degrees of freedom (lmerTest's Satterthwaite df are not defined with AR(1) residuals)"
	}
	fmt.Fprintf(&b, "; %s; %s with %s and t-based %s confidence intervals, as lme4 and lmerTest (Bates et al., 2015; Kuznetsova et al., 2017).", re, est, dfs, apa.Level(o.Level))
	return b.String()
}

func effectItems(res *sessions.Result) []string {
	var items []string
	for _, e := range res.Effects {
		switch e.Role {
		case "within", "between", "patient", "therapist":
			items = append(items, roleTitle(e.Role)+": "+e.Text+".")
		}
	}
	return items
}

func roleTitle(role string) string {
	switch role {
	case "within":
		return "Within patients"
	case "between":
		return "Between patients"
	case "patient":
		return "Between patients of a therapist"
	case "therapist":
		return "Between therapists"
	}
	return role
}

// modelTable is the APA table of a session model's fixed effects.
func modelTable(name string, res *sessions.Result, title string) *Table {
	t := &Table{Name: name, Title: title, Columns: []string{"Term", "b", "SE", "df", "t", "p", apa.Level(res.Level) + " CI"},
		Right: []bool{false, true, true, true, true, true, false}}
	for _, c := range res.Fixed {
		t.Rows = append(t.Rows, []string{c.Name, num(c.Estimate, 3), num(c.SE, 3), num(c.DF, 1), num(c.Statistic, 2), pcell(c.P), interval(c.CILB, c.CIUB, 3, false)})
	}
	var ng []string
	keys := make([]string, 0, len(res.NGroups))
	for k := range res.NGroups {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		ng = append(ng, fmt.Sprintf("%s %d", k, res.NGroups[k]))
	}
	crit := "REML"
	if !res.REML {
		crit = "ML"
	}
	dfs := "df by Satterthwaite's method"
	if res.DFMethod != "Satterthwaite" {
		dfs = "df: " + res.DFMethod
	}
	t.Notes = append(t.Notes, fmt.Sprintf("%d observations; groups: %s; %s log-likelihood %s. %s; intervals t-based.", res.NObs, strings.Join(ng, ", "), crit, num(res.LogLik, 2), dfs))
	t.Notes = append(t.Notes, "_within: the session's deviation from the patient's mean (or trend); _between: the patient's mean over sessions; _patient: the patient mean's deviation from the therapist mean; _therapist: the therapist mean; _next: the score at the next session.")
	return t
}

// The session figures draw at most these many patients (grey trajectory
// lines, within/between points) and random-effect levels: more would not
// be seen and would make the page and its drawing grow with the data.
// Means, bands and model lines always use every patient.
const (
	maxTrajectoryPatients = 200
	maxWithinBetween      = 500
	maxCaterpillar        = 100
)

// patientSample keeps every k-th patient (by the table's patient code) so
// that at most limit are kept: keep[code], the number kept and k.
func patientSample(f datasets.Factor, limit int) (keep []bool, kept, step int) {
	n := len(f.Levels)
	step = (n + limit - 1) / limit
	if step < 1 {
		step = 1
	}
	keep = make([]bool, n)
	for c := 0; c < n; c += step {
		keep[c] = true
		kept++
	}
	return keep, kept, step
}

// sampleWords says which patients a figure shows ("" when all).
func sampleWords(kept, total, step int) string {
	if step == 1 {
		return ""
	}
	return fmt.Sprintf("%d of the %d patients (every %s in file order)", kept, total, ordinal(step))
}

func ordinal(k int) string {
	suf := "th"
	switch {
	case k%100 >= 11 && k%100 <= 13:
	case k%10 == 1:
		suf = "st"
	case k%10 == 2:
		suf = "nd"
	case k%10 == 3:
		suf = "rd"
	}
	return strconv.Itoa(k) + suf
}

// sampledRows returns the patient labels, sessions and values (each of
// xs) of the rows of the kept patients.
func sampledRows(ss *datasets.Sessions, keep []bool, xs ...[]float64) (patient []string, session []float64, vals [][]float64) {
	vals = make([][]float64, len(xs))
	for i, c := range ss.Patient.Codes {
		if !keep[c] {
			continue
		}
		patient = append(patient, ss.Patient.Levels[c])
		session = append(session, float64(ss.Session[i]))
		for k, x := range xs {
			vals[k] = append(vals[k], x[i])
		}
	}
	return patient, session, vals
}

// rowSample is the rows of every step-th patient (in file order) of the
// total, at most a figure's limit of them: their labels, sessions and
// scores (Alliance nil without an alliance column).
type rowSample struct {
	kept, total, step int
	patient           []string
	session           []float64
	alliance, outcome []float64
}

// sampleOf returns the sample of at most limit patients the figures
// show: from the table, or as collected while the patients were read.
func (r *SessionsRun) sampleOf(limit int) *rowSample {
	if s := r.samples[limit]; s != nil || r.ss == nil {
		return s
	}
	ss := r.ss
	keep, kept, step := patientSample(ss.Patient, limit)
	xs := [][]float64{ss.Outcome}
	if ss.Alliance != nil {
		xs = append(xs, ss.Alliance)
	}
	patient, sess, vals := sampledRows(ss, keep, xs...)
	out := &rowSample{kept: kept, total: len(ss.Patient.Levels), step: step, patient: patient, session: sess, outcome: vals[0]}
	if ss.Alliance != nil {
		out.alliance = vals[1]
	}
	return out
}

func (r *SessionsRun) figures(s *Section) {
	o, res := r.opt, r.Result
	smp := r.sampleOf(maxTrajectoryPatients)
	if smp == nil {
		return
	}
	type score struct {
		name, label string
		v           []float64
	}
	scores := []score{{"outcome", o.OutcomeLabel, smp.outcome}}
	if r.Trajectories != nil && smp.alliance != nil {
		scores = []score{{"alliance", o.AllianceLabel, smp.alliance}, {"outcome", o.OutcomeLabel, smp.outcome}}
	}
	total := smp.total
	for _, sc := range scores {
		lines := "individual patients"
		if w := sampleWords(smp.kept, total, smp.step); w != "" {
			lines = w
		}
		means := r.Trajectories[sc.name]
		if means == nil && r.ss != nil {
			x := r.ss.Outcome
			if sc.name == "alliance" {
				x = r.ss.Alliance
			}
			means = sessionMeans(r.ss.Session, x, o.Level)
		}
		s.Add(&Figure{Name: "trajectory-" + sc.name, Title: capitalise(sc.label) + " by session",
			Caption: fmt.Sprintf("Grey lines: %s; black line and band: the mean of all patients at each session with its %s confidence interval (t-based).", lines, apa.Level(o.Level)),
			Spec:    TrajectorySpec{Patient: smp.patient, Session: smp.session, Value: sc.v, Label: capitalise(sc.label), Level: o.Level, Means: means}})
	}
	if smp.alliance != nil && res.Model != sessions.Growth {
		s.Add(r.withinBetween(total))
	}
	group := ""
	for k := range res.NGroups {
		if k == "therapist" || group == "" && strings.HasPrefix(k, "patient") {
			group = k
		}
	}
	if group == "" {
		return
	}
	who := strings.SplitN(group, ":", 2)[0]
	fit, shown, levels := caterpillarFit(&res.Result, r.ranef[0], group, "(Intercept)", maxCaterpillar)
	cap := fmt.Sprintf("Predicted random intercepts of the %ss in the %s model (conditional modes), sorted, with %s intervals from their conditional standard deviations.", who, res.Model, apa.Level(o.Level))
	if shown < levels {
		cap += fmt.Sprintf(" Shown: %d of the %d %ss, evenly spaced in sorted order (the lowest and the highest included); all of them are in the BLUP table ('alliance sessions --patients FILE').", shown, levels, who)
	}
	for _, v := range res.Random {
		if v.Group == group && v.Name == "(Intercept)" {
			cap += fmt.Sprintf(" Variance %s (SD %s).", num(v.Variance, 3), num(v.SD, 3))
		}
	}
	s.Add(&Figure{Name: "caterpillar", Title: capitalise(who) + " effects", Caption: cap,
		Spec: CaterpillarSpec{Fit: fit, Group: group, Term: "(Intercept)", Level: o.Level,
			Label: fmt.Sprintf("%s random intercept (%s)", capitalise(who), r.responseLabel())}})
}

// caterpillarFit returns a copy of fit whose conditional modes are those
// of all (every mode of the model) of the group's term, at most limit of
// them: evenly spaced ranks of the sorted values, the lowest and highest
// included. It also returns how many are kept and how many there are.
func caterpillarFit(fit *mixed.Result, all []mixed.BLUP, group, term string, limit int) (*mixed.Result, int, int) {
	var bs []mixed.BLUP
	for _, b := range all {
		if b.Group == group && b.Name == term {
			bs = append(bs, b)
		}
	}
	n := len(bs)
	out := *fit
	if n <= limit {
		out.Ranef = bs
		return &out, n, n
	}
	sort.SliceStable(bs, func(a, b int) bool { return bs[a].Value < bs[b].Value })
	out.Ranef = make([]mixed.BLUP, 0, limit)
	for k := 0; k < limit; k++ {
		out.Ranef = append(out.Ranef, bs[k*(n-1)/(limit-1)])
	}
	return &out, limit, n
}

func (r *SessionsRun) meansTable() *Table {
	o := r.opt
	t := &Table{Name: "means", Title: "Mean scores by session", Columns: []string{"Session", "n"}, Right: []bool{true, true}}
	var cols [][]SessionMean
	for _, k := range []struct{ key, label string }{{"alliance", o.AllianceLabel}, {"outcome", o.OutcomeLabel}} {
		if m, ok := r.Trajectories[k.key]; ok {
			cols = append(cols, m)
			t.Columns = append(t.Columns, capitalise(k.label)+" M", apa.Level(o.Level)+" CI")
			t.Right = append(t.Right, true, false)
		}
	}
	if len(cols) == 0 {
		return t
	}
	for i, x := range cols[0] {
		row := []string{strconv.FormatFloat(x.Session, 'g', -1, 64), strconv.Itoa(x.N)}
		for _, m := range cols {
			row = append(row, num(m[i].Mean, 2), interval(m[i].CILB, m[i].CIUB, 2, false))
		}
		t.Rows = append(t.Rows, row)
	}
	t.Notes = append(t.Notes, "n is the number of patients with the session (first score); means and intervals use the observed scores of that session.")
	return t
}

// Tidy is the one tidy table (CSV): the fixed effects with full precision.
func (r *SessionsRun) Tidy() *Table {
	t := &Table{Name: "fixed", Columns: []string{"term", "estimate", "se", "df", "statistic", "p", "ci_lb", "ci_ub"},
		Right: []bool{false, true, true, true, true, true, true, true}}
	for _, c := range r.Fixed {
		t.Rows = append(t.Rows, []string{c.Name, full(c.Estimate), full(c.SE), full(c.DF), full(c.Statistic), full(c.P), full(c.CILB), full(c.CIUB)})
	}
	return t
}

func (r *SessionsRun) commandLine() string {
	o := r.opt
	c := newCommand("sessions", r.src)
	cols := o.Columns
	c.roles(cols)
	if o.Wide.Prefix != "" {
		c.flag("wide", o.Wide.Prefix)
	}
	c.flag("model", string(r.Model))
	if r.Centring != "" {
		c.flag("centring", string(r.Centring))
	}
	for _, b := range []struct {
		on   bool
		name string
	}{{o.Detrend, "detrend"}, {o.RandomSlope, "random-slope"}, {o.AR1, "ar1"}, {o.IgnoreTherapist, "no-therapist"}, {o.NoTime, "no-time"}, {o.ML, "ml"}} {
		if b.on {
			c.flag(b.name, "")
		}
	}
	if o.MaxLagGap != 1 {
		c.flag("max-lag-gap", strconv.Itoa(o.MaxLagGap))
	}
	if len(o.Covariates) > 0 {
		c.flag("covariates", strings.Join(o.Covariates, ","))
	}
	if o.Level != 0.95 {
		c.flag("level", levelPct(o.Level))
	}
	return c.String()
}

// withinBetween is the within/between figure. The panels show alliance and
// outcome of the same session, so the lines drawn are the concurrent
// model's slopes when that model was fitted (the main model, or the
// concurrent model beside a lagged one); otherwise they are raw
// least-squares slopes and the caption says so, with the model's estimates.
func (r *SessionsRun) withinBetween(total int) *Figure {
	o, res := r.opt, r.Result
	conc := r.ConcurrentModel
	if res.Model == sessions.Concurrent {
		conc = res
	}
	smp := r.sampleOf(maxWithinBetween)
	kept, step := smp.kept, smp.step
	f := &Figure{Name: "within-between", Spec: WithinBetweenSpec{Patient: smp.patient, Alliance: smp.alliance, Outcome: smp.outcome,
		XLabel: capitalise(o.AllianceLabel), YLabel: capitalise(o.OutcomeLabel), Model: conc}}
	shown := ""
	if w := sampleWords(kept, total, step); w != "" {
		shown = " The points are " + w + "."
	}
	if conc != nil {
		f.Title = "Alliance and outcome between and within patients"
		f.Caption = fmt.Sprintf("Points: left, each patient's mean %s against mean %s; right, session deviations from the patient's means. Lines: the concurrent model's between-patient and within-patient slopes (%s) with their %s confidence limits (dashed), adjusted for session%s.",
			o.OutcomeLabel, o.AllianceLabel, conc.Formula, apa.Level(conc.Level), map[bool]string{true: " and the therapist level", false: ""}[conc.Centring == sessions.TherapistMean]) + shown
		return f
	}
	if shown != "" {
		shown += " The least-squares lines are those of the patients shown."
	}
	var est []string
	for _, e := range res.Effects {
		if e.Role == "within" || e.Role == "between" || e.Role == "patient" || e.Role == "therapist" {
			est = append(est, fmt.Sprintf("%s b = %s %s", strings.ToLower(roleTitle(e.Role)), apa.Num(e.Estimate, 2), apa.CI(res.Level, e.CILB, e.CIUB, 2, false)))
		}
	}
	f.Title = "Raw association of alliance and outcome between and within patients"
	f.Caption = "Raw associations, not the model: left, each patient's mean outcome against mean alliance with the least-squares line; right, session deviations from the patient's means with the pooled within-patient slope. Neither is adjusted for session, the lagged outcome or the therapist level. The model's estimates (" + string(res.Model) + " model): " + strings.Join(est, "; ") + "." + shown
	return f
}

// responseLabel names the model's response in words, with the measure's
// label ("next-session PHQ-9"), not the derived column (outcome_next).
func (r *SessionsRun) responseLabel() string {
	o := r.opt
	switch r.Result.Model {
	case sessions.Lagged:
		return "next-session " + o.OutcomeLabel
	case sessions.Reverse:
		return "next-session " + o.AllianceLabel
	}
	return o.OutcomeLabel
}
