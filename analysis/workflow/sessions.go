package workflow

import (
	"math"
	"sort"
	"strings"

	"github.com/alliance-research/alliance/analysis/internal/describe"
	"github.com/alliance-research/alliance/analysis/internal/wald"
	"github.com/alliance-research/alliance/analysis/sessions"
	"github.com/alliance-research/alliance/datasets"
)

// SessionsOptions are every choice of the session-by-session
// alliance→outcome workflow. The zero value is the documented default of
// 'alliance sessions' (and of the report): the lagged model, alliance
// centred on therapist means (therapist mean, patient and session
// deviations; Baldwin, Wampold & Imel, 2007) when the data name
// therapists and on patient means otherwise, REML with Satterthwaite df,
// random intercepts of patients nested in therapists, 95% intervals.
type SessionsOptions struct {
	// Columns name the session roles (empty: datasets defaults); Wide
	// describes wide data.
	Columns datasets.SessionColumns
	Wide    datasets.WideSpec
	// Model is lagged (default), reverse, concurrent or growth. Every model
	// but growth needs an alliance column; without one the analysis fails
	// with an input error rather than fitting another model.
	Model string
	// Centring is person or therapist ("": therapist with therapists,
	// person otherwise); the note at the top says which was used.
	Centring string
	// Model terms: Detrend, RandomSlope, AR1, IgnoreTherapist, NoTime, ML,
	// MaxLagGap (default 1), Covariates (numeric columns).
	Detrend, RandomSlope, AR1   bool
	IgnoreTherapist, NoTime, ML bool
	MaxLagGap                   int
	Covariates                  []string
	// Concurrent also fits the same-session model beside a lagged one (as
	// the report does); Trajectories adds the table and figures of the mean
	// scores by session.
	Concurrent, Trajectories bool
	Level                    float64
	// AllianceLabel and OutcomeLabel name the measures in sentences and
	// figures (default "alliance", "outcome").
	AllianceLabel, OutcomeLabel string
}

// SessionsRun is the session workflow; its JSON is the output of
// 'alliance sessions' (the fitted model with the data name).
type SessionsRun struct {
	DataName string `json:"data"`
	*sessions.Result
	// ConcurrentModel is the same-session model (with Concurrent).
	ConcurrentModel *sessions.Result `json:"concurrent,omitempty"`
	// Trajectories are the mean and t-based CI of each score by session.
	Trajectories map[string][]SessionMean `json:"trajectories,omitempty"`

	sessionPart
	opt SessionsOptions
	src Source
	ss  *datasets.Sessions
	d   sessions.Data
}

// SessionMean is one session's mean score with its t-based confidence
// interval (n patients with a score at that session).
type SessionMean struct {
	Session float64 `json:"session"`
	N       int     `json:"n"`
	Mean    float64 `json:"mean"`
	CILB    float64 `json:"ci_lb"`
	CIUB    float64 `json:"ci_ub"`
}

// Sessions fits the session-by-session model as opt asks.
func Sessions(src Source, opt SessionsOptions) (*SessionsRun, error) {
	opt.Model, opt.Centring = strings.ToLower(opt.Model), strings.ToLower(opt.Centring)
	switch sessions.Model(opt.Model) {
	case "", sessions.Lagged, sessions.Reverse, sessions.Concurrent, sessions.Growth:
	default:
		return nil, invalid("Model", "model %q: give lagged, reverse, concurrent or growth", opt.Model)
	}
	switch sessions.Centring(opt.Centring) {
	case "", sessions.PersonMean, sessions.TherapistMean:
	default:
		return nil, invalid("Centring", "centring %q: give person or therapist", opt.Centring)
	}
	if opt.Model == "" {
		opt.Model = string(sessions.Lagged)
	}
	if err := checkLevel(&opt.Level); err != nil {
		return nil, err
	}
	switch {
	case opt.MaxLagGap == 0:
		opt.MaxLagGap = 1
	case opt.MaxLagGap < 0:
		return nil, invalid("MaxLagGap", "largest lag gap %d: give at least 1 session", opt.MaxLagGap)
	}
	if opt.AllianceLabel == "" {
		opt.AllianceLabel = "alliance"
	}
	if opt.OutcomeLabel == "" {
		opt.OutcomeLabel = "outcome"
	}
	need := datasets.SessionOptions{RequireOutcome: true, RequireAlliance: opt.Model != string(sessions.Growth)}
	wide := opt.Wide
	if wide.Prefix != "" || len(wide.Columns) > 0 {
		wide.Into = "outcome"
	}
	ss, err := loadSessions(src, opt.Columns, wide, need)
	if err != nil {
		return nil, err
	}
	src.Table = nil // the session table holds what the analysis needs
	run := &SessionsRun{DataName: src.Label(), opt: opt, src: src, ss: ss}
	run.d = sessions.Data{Session: ss.Session, Outcome: ss.Outcome, Patient: ss.Patient.Strings()}
	if opt.Model != string(sessions.Growth) {
		run.d.Alliance = ss.Alliance
	}
	if ss.Therapist.Codes != nil {
		run.d.Therapist = ss.Therapist.Strings()
	}
	for _, c := range opt.Covariates {
		v, _, cerr := scoreColumn(ss, c)
		if cerr != nil {
			return nil, cerr
		}
		if run.d.Covariates == nil {
			run.d.Covariates = map[string][]float64{}
		}
		run.d.Covariates[c] = v
	}
	run.Result, err = sessions.Fit(run.d, run.sessionsOptions(sessions.Model(opt.Model)))
	if err != nil {
		return nil, err
	}
	if opt.Concurrent && opt.Model == string(sessions.Lagged) {
		if c, err := sessions.Fit(run.d, run.sessionsOptions(sessions.Concurrent)); err == nil {
			run.ConcurrentModel = c
		} else {
			run.note(Warning, "The concurrent model could not be fitted: %v", err)
		}
	}
	if opt.Trajectories {
		run.trajectories()
	}
	run.compose()
	run.release()
	run.src.Table = nil // keep only what the results and figures need
	return run, nil
}

func (r *SessionsRun) sessionsOptions(m sessions.Model) sessions.Options {
	o := r.opt
	return sessions.Options{Model: m, Centring: sessions.Centring(o.Centring), Detrend: o.Detrend, MaxLagGap: o.MaxLagGap,
		IgnoreTherapist: o.IgnoreTherapist, RandomSlope: o.RandomSlope, NoTime: o.NoTime, AR1: o.AR1, ML: o.ML, Level: o.Level,
		AllianceLabel: o.AllianceLabel, OutcomeLabel: o.OutcomeLabel}
}

// trajectories computes each score's mean by session with the t interval
// mean ± t(1 − α/2, n − 1)·SD/√n (NaN bounds with n < 2).
func (r *SessionsRun) trajectories() {
	r.Trajectories = map[string][]SessionMean{}
	for _, v := range []struct {
		name string
		x    []float64
	}{{"alliance", r.ss.Alliance}, {"outcome", r.ss.Outcome}} {
		if v.x != nil {
			r.Trajectories[v.name] = sessionMeans(r.ss.Session, v.x, r.opt.Level)
		}
	}
}

func sessionMeans(session []int, x []float64, level float64) []SessionMean {
	by := map[int][]float64{}
	for i, s := range session {
		if !math.IsNaN(x[i]) && !math.IsInf(x[i], 0) {
			by[s] = append(by[s], x[i])
		} else if _, ok := by[s]; !ok {
			by[s] = nil
		}
	}
	keys := make([]int, 0, len(by))
	for s := range by {
		keys = append(keys, s)
	}
	sort.Ints(keys)
	out := make([]SessionMean, 0, len(keys))
	for _, s := range keys {
		v := by[s]
		m := SessionMean{Session: float64(s), N: len(v), Mean: math.NaN(), CILB: math.NaN(), CIUB: math.NaN()}
		mean, sd, _ := describe.MeanSD(v)
		if len(v) > 0 {
			m.Mean = mean
		}
		if len(v) > 1 {
			se := sd / math.Sqrt(float64(len(v)))
			t := wald.StudentT(float64(len(v)-1), level).Crit()
			m.CILB, m.CIUB = m.Mean-t*se, m.Mean+t*se
		}
		out = append(out, m)
	}
	return out
}
