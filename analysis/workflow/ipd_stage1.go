package workflow

import (
	"fmt"
	"math"
	"strings"

	"github.com/alliance-research/alliance/analysis/sessions"
	"github.com/alliance-research/alliance/datasets"
)

// IPDStage1 is one study's stage-1 estimate of one alliance term, or why
// it has none (Estimate and SE NaN, Note the reason).
type IPDStage1 struct {
	Study string `json:"study"`
	// Term is the role (within, between, patient, therapist); Name the
	// model's coefficient (e.g. alliance_within).
	Term     string  `json:"term"`
	Name     string  `json:"name,omitempty"`
	Estimate float64 `json:"estimate"`
	SE       float64 `json:"se"`
	// DF is the Satterthwaite df of the stage-1 t test (lmerTest).
	DF float64 `json:"df"`
	// NPatients are the study's patients and NSessions the session rows
	// of its model (rows with a next session and every value observed).
	NPatients int    `json:"n_patients"`
	NSessions int    `json:"n_sessions"`
	Converged bool   `json:"converged"`
	Note      string `json:"note"` // "" when the row is fine: the field is always there
}

// ipdFit is one study's stage-1 model: the session model (res) or the
// panel model (panel); both nil when it failed with err. effects are the
// model's poolable terms and patients, nobs, converged and reason its
// summary, whichever model it is.
type ipdFit struct {
	study ipdStudy
	res   *sessions.Result
	panel *PanelRun
	err   error
	rows  int

	effects   []ipdEffect
	patients  int
	nobs      int
	converged bool
	reason    string
}

// ipdEffect is one poolable term of a stage-1 model: its role (within,
// crosslag, …), the model's name for it, and its estimate, SE and df (NaN
// for a z test).
type ipdEffect struct {
	Role, Name       string
	Estimate, SE, DF float64
}

// failed says the study's model could not be fitted.
func (f ipdFit) failed() bool { return f.res == nil && f.panel == nil }

// splitByStudy gives each study's rows of src as a table of its own,
// written through the strict CSV reader so that each is validated as a
// file is, in order of first appearance; with mods, each study's
// moderator values (constant within the study).
func splitByStudy(src Source, j int, mods []string) ([]ipdStudy, error) {
	t := src.Table
	study := t.Col(j).Strings()
	rows := map[string][]int{}
	var order []string
	for i, s := range study {
		if s == "" {
			return nil, inputErr(datasets.Problem{File: t.Name, Line: t.Line(i), Column: t.Header[j], Msg: "missing study id: every row needs its study"})
		}
		if _, ok := rows[s]; !ok {
			order = append(order, s)
		}
		rows[s] = append(rows[s], i)
	}
	if len(order) < 2 {
		return nil, inputErr(datasets.Problem{File: t.Name, Column: t.Header[j], Msg: fmt.Sprintf("%d study: an IPD meta-analysis needs at least 2", len(order))})
	}
	var out []ipdStudy
	for _, s := range order {
		sub, err := retable(t, t.Name+"["+s+"]", rows[s], nil)
		if err != nil {
			return nil, err
		}
		st := ipdStudy{name: s, src: FileSource(src.Name+"["+s+"]", sub)}
		if len(mods) > 0 {
			m, err := studyMods(t, s, rows[s], mods)
			if err != nil {
				return nil, err
			}
			st.mods = m
		}
		out = append(out, st)
	}
	return out, nil
}

// ipdSessionOptions checks and completes the stage-1 options as
// Sessions does.
func ipdSessionOptions(o SessionsOptions) (SessionsOptions, error) {
	o.Model, o.Centring = strings.ToLower(o.Model), strings.ToLower(o.Centring)
	switch sessions.Model(o.Model) {
	case "":
		o.Model = string(sessions.Lagged)
	case sessions.Lagged, sessions.Reverse, sessions.Concurrent:
	case sessions.Growth:
		return o, invalid("Model", "the growth model has no alliance term to pool: give lagged, reverse or concurrent")
	default:
		return o, invalid("Model", "model %q: give lagged, reverse or concurrent", o.Model)
	}
	switch sessions.Centring(o.Centring) {
	case "", sessions.PersonMean, sessions.TherapistMean:
	default:
		return o, invalid("Centring", "centring %q: give person or therapist", o.Centring)
	}
	if err := checkLevel(&o.Level); err != nil {
		return o, err
	}
	switch {
	case o.MaxLagGap == 0:
		o.MaxLagGap = 1
	case o.MaxLagGap < 0:
		return o, invalid("MaxLagGap", "largest lag gap %d: give at least 1 session", o.MaxLagGap)
	}
	if o.Wide.Prefix != "" || len(o.Wide.Columns) > 0 {
		return o, invalid("Wide", "an IPD meta-analysis reads long session data (one row per patient and session)")
	}
	if o.AllianceLabel == "" {
		o.AllianceLabel = "alliance"
	}
	if o.OutcomeLabel == "" {
		o.OutcomeLabel = "outcome"
	}
	return o, nil
}

// fitStudy runs the stage-1 session model on one study. An input error
// (a missing role column, a duplicate session) is returned as such: it
// is a problem of the file, not of the study's model.
func fitStudy(st ipdStudy, o SessionsOptions, standardize bool) (ipdFit, error) {
	f := ipdFit{study: st, rows: st.src.Rows}
	ss, err := loadSessions(st.src, o.Columns, datasets.WideSpec{}, datasets.SessionOptions{RequireOutcome: true, RequireAlliance: true})
	if err != nil {
		return f, err
	}
	d := sessions.Data{Session: ss.Session, Outcome: ss.Outcome, Alliance: ss.Alliance, Patient: ss.Patient.Strings()}
	if ss.Therapist.Codes != nil {
		d.Therapist = ss.Therapist.Strings()
	}
	if standardize {
		d.Alliance, d.Outcome = zScores(d.Alliance), zScores(d.Outcome)
	}
	for _, c := range o.Covariates {
		v, _, cerr := scoreColumn(ss, c)
		if cerr != nil {
			return f, cerr
		}
		if d.Covariates == nil {
			d.Covariates = map[string][]float64{}
		}
		d.Covariates[c] = v
	}
	o.KeepTable = true // the one-stage model pools the derived columns
	run := &SessionsRun{opt: o}
	f.res, f.err = sessions.Fit(d, run.sessionsOptions(sessions.Model(o.Model)))
	if f.res != nil {
		f.patients, f.nobs, f.converged, f.reason = f.res.Summary.Patients, f.res.NObs, f.res.Converged, f.res.Reason
		for _, e := range f.res.Effects {
			f.effects = append(f.effects, ipdEffect{Role: e.Role, Name: e.Name, Estimate: e.Estimate, SE: e.SE, DF: e.DF})
		}
	}
	return f, nil
}

// zScores returns (x − mean)/SD over the observed (non-NaN) values, SD
// with n − 1; NaN stays NaN. A constant or single value gives NaN
// everywhere (nothing to standardise by), which stage 1 then reports.
func zScores(x []float64) []float64 {
	var n, sum float64
	for _, v := range x {
		if !math.IsNaN(v) {
			n++
			sum += v
		}
	}
	m := sum / n
	var ss float64
	for _, v := range x {
		if !math.IsNaN(v) {
			ss += (v - m) * (v - m)
		}
	}
	sd := math.Sqrt(ss / (n - 1))
	out := make([]float64, len(x))
	for i, v := range x {
		if sd > 0 {
			out[i] = (v - m) / sd
		} else {
			out[i] = math.NaN()
		}
	}
	return out
}

// stage1Rows lists one row per study and term; a study whose model
// failed, or that lacks the term, has NaN estimates and the reason.
func stage1Rows(fits []ipdFit, terms []string) []IPDStage1 {
	var out []IPDStage1
	for _, term := range terms {
		for _, f := range fits {
			row := IPDStage1{Study: f.study.name, Term: term, Estimate: math.NaN(), SE: math.NaN(), DF: math.NaN()}
			if f.failed() {
				row.Note = "not fitted: " + f.err.Error()
				out = append(out, row)
				continue
			}
			row.NPatients, row.NSessions, row.Converged = f.patients, f.nobs, f.converged
			found := false
			for _, e := range f.effects {
				if e.Role == term {
					row.Name, row.Estimate, row.SE, row.DF, found = e.Name, e.Estimate, e.SE, e.DF, true
				}
			}
			switch {
			case !found:
				row.Note = "the study's model has no " + term + " term" + termWhy(term)
			case !(row.SE > 0) || math.IsNaN(row.Estimate):
				row.Note = "no standard error: the term is not estimable in this study"
			case !row.Converged:
				row.Note = "the optimiser did not converge (" + f.reason + "); the estimate is pooled with caution"
			}
			out = append(out, row)
		}
	}
	return out
}

func termWhy(term string) string {
	switch term {
	case "therapist", "patient":
		return " (no therapist-mean centring: fewer than 2 therapists, or person centring)"
	case "between":
		return " (therapist-mean centring splits it into patient and therapist terms)"
	}
	return ""
}

// usable reports whether a stage-1 row enters stage 2.
func (s IPDStage1) usable() bool { return s.SE > 0 && !math.IsNaN(s.Estimate) }
