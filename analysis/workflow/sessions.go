package workflow

import (
	"encoding/csv"
	"io"
	"math"
	"sort"
	"strings"

	"github.com/alliance-research/alliance/analysis/errs"
	"github.com/alliance-research/alliance/analysis/internal/describe"
	"github.com/alliance-research/alliance/analysis/internal/wald"
	"github.com/alliance-research/alliance/analysis/mixed"
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
	// KeepTable keeps the derived columns in SessionsRun.Table (for
	// export); without it they are never held (the model is fitted from
	// per-patient sufficient statistics), which bounds the memory on
	// large files.
	KeepTable bool
	// Progress, when set, is called now and then with the rows read and
	// the patients done while SessionsFile reads a file patient by patient.
	Progress func(rows, patients int)
}

// Failure is the run's verdict for a front end that reports by exit
// status: an errs.NoConvergence when the optimiser of the session model
// stopped before converging (the estimates, shown with a note, are where
// it stopped), else nil.
func (r *SessionsRun) Failure() error {
	if r.Result == nil || r.Converged {
		return nil
	}
	return errs.New(errs.NoConvergence, "the session model", "the optimiser did not converge: %s (the estimates shown are where it stopped)", r.Reason)
}

// SessionsRun is the session workflow; its JSON is the output of
// 'alliance sessions' (the fitted model with the data name).
type SessionsRun struct {
	DataName string `json:"data"`
	*sessions.Result
	// ConcurrentModel is the same-session model (with Concurrent).
	ConcurrentModel *sessions.Result `json:"concurrent,omitempty"`
	// The models' conditional modes (BLUPs), one or more per patient, are
	// listed in Result.Ranef only up to maxListedRanef, so that the output
	// stays bounded whatever the data; beyond, that list is nil,
	// RanefSummary summarises them per term, a note says so, and
	// WriteRanef writes them all ('alliance sessions --patients FILE').
	RanefSummary []RanefSummary  `json:"ranef_summary,omitempty"`
	ranef        [2][]mixed.BLUP // every conditional mode: model, concurrent model
	// Trajectories are the mean and t-based CI of each score by session.
	Trajectories map[string][]SessionMean `json:"trajectories,omitempty"`

	sessionPart
	opt SessionsOptions
	src Source
	ss  *datasets.Sessions
	// hasTher and hasAlliance say whether the model saw therapists and
	// alliance scores (for the R code).
	hasTher, hasAlliance bool
	// Read patient by patient (ss nil): the columns found, the data
	// counts and the figures' samples of patients.
	cols    datasets.SessionColumns
	counts  *RupturesPart
	samples map[int]*rowSample
}

// RanefSummary describes the conditional modes of one random term: how
// many, their mean, SD (n − 1), smallest and largest value, and the mean
// conditional SD.
type RanefSummary struct {
	Group      string  `json:"group"`
	Name       string  `json:"name"`
	N          int     `json:"n"`
	Mean       float64 `json:"mean"`
	SD         float64 `json:"sd"`
	Min        float64 `json:"min"`
	Max        float64 `json:"max"`
	MeanCondSD float64 `json:"mean_cond_sd"`
}

// maxRowsFit is the largest table fitted on its derived rows; larger ones
// are fitted from per-patient sufficient statistics (fitByPatient), the
// same fit to rounding (sessions.TestStatsFitMatchesRows) in O(patients)
// memory. Below it the fit is the one ipd's stage 1 makes of each study,
// digit for digit.
var maxRowsFit = 500_000 // a variable for the test of both paths

// maxListedRanef is the most conditional modes the JSON lists.
const maxListedRanef = 1000

// boundRanef returns the list of conditional modes to print (all of them
// up to maxListedRanef) or, beyond, nil and their summary.
func boundRanef(bs []mixed.BLUP) ([]mixed.BLUP, []RanefSummary) {
	if len(bs) <= maxListedRanef {
		return bs, nil
	}
	return nil, summariseRanef(bs)
}

// summariseRanef summarises the conditional modes term by term, in the
// model's order.
func summariseRanef(bs []mixed.BLUP) []RanefSummary {
	var out []RanefSummary
	idx := map[[2]string]int{}
	vals := [][]float64{}
	for _, b := range bs {
		k := [2]string{b.Group, b.Name}
		i, ok := idx[k]
		if !ok {
			i = len(out)
			idx[k] = i
			out = append(out, RanefSummary{Group: b.Group, Name: b.Name, Min: math.Inf(1), Max: math.Inf(-1)})
			vals = append(vals, nil)
		}
		s := &out[i]
		s.N++
		s.Min, s.Max = math.Min(s.Min, b.Value), math.Max(s.Max, b.Value)
		s.MeanCondSD += (b.CondSD - s.MeanCondSD) / float64(s.N)
		vals[i] = append(vals[i], b.Value)
	}
	for i := range out {
		out[i].Mean, out[i].SD, _ = describe.MeanSD(vals[i])
	}
	return out
}

// WriteRanef writes every conditional mode of the model (and of the
// concurrent model, model "concurrent") as CSV: model, group, level, term,
// value, cond_sd.
func (r *SessionsRun) WriteRanef(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"model", "group", "level", "term", "value", "cond_sd"}); err != nil {
		return err
	}
	for k, m := range []*sessions.Result{r.Result, r.ConcurrentModel} {
		if m == nil {
			continue
		}
		for _, b := range r.ranef[k] {
			if err := cw.Write([]string{string(m.Model), b.Group, b.Level, b.Name, full(b.Value), full(b.CondSD)}); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
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

// withDefaults checks the options and fills in the defaults.
func (opt SessionsOptions) withDefaults() (SessionsOptions, error) {
	opt.Model, opt.Centring = strings.ToLower(opt.Model), strings.ToLower(opt.Centring)
	switch sessions.Model(opt.Model) {
	case "", sessions.Lagged, sessions.Reverse, sessions.Concurrent, sessions.Growth:
	default:
		return opt, invalid("Model", "model %q: give lagged, reverse, concurrent or growth", opt.Model)
	}
	switch sessions.Centring(opt.Centring) {
	case "", sessions.PersonMean, sessions.TherapistMean:
	default:
		return opt, invalid("Centring", "centring %q: give person or therapist", opt.Centring)
	}
	if opt.Model == "" {
		opt.Model = string(sessions.Lagged)
	}
	if err := checkLevel(&opt.Level); err != nil {
		return opt, err
	}
	switch {
	case opt.MaxLagGap == 0:
		opt.MaxLagGap = 1
	case opt.MaxLagGap < 0:
		return opt, invalid("MaxLagGap", "largest lag gap %d: give at least 1 session", opt.MaxLagGap)
	}
	if opt.AllianceLabel == "" {
		opt.AllianceLabel = "alliance"
	}
	if opt.OutcomeLabel == "" {
		opt.OutcomeLabel = "outcome"
	}
	return opt, nil
}

// models are the models the options fit: the model, and the concurrent
// one beside a lagged model with Concurrent.
func (opt SessionsOptions) models() []sessions.Model {
	models := []sessions.Model{sessions.Model(opt.Model)}
	if opt.Concurrent && opt.Model == string(sessions.Lagged) {
		models = append(models, sessions.Concurrent)
	}
	return models
}

// Sessions fits the session-by-session model as opt asks.
func Sessions(src Source, opt SessionsOptions) (*SessionsRun, error) {
	opt, err := opt.withDefaults()
	if err != nil {
		return nil, err
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
	covs := map[string][]float64{}
	for _, c := range opt.Covariates {
		v, _, cerr := scoreColumn(ss, c)
		if cerr != nil {
			return nil, cerr
		}
		covs[c] = v
	}
	run.hasTher = ss.Therapist.Codes != nil
	run.hasAlliance = opt.Model != string(sessions.Growth) && ss.Alliance != nil
	models := opt.models()
	var fits []*sessions.Result
	var errs []error
	if opt.KeepTable || opt.AR1 || ss.Len() <= maxRowsFit {
		// The rows themselves: the derived table (for export), AR(1), or
		// data small enough that the fit on the derived rows (as ipd's
		// stage 1 fits each study) costs nothing.
		d := sessions.Data{Session: ss.Session, Outcome: ss.Outcome, Patient: ss.Patient.Strings(), Covariates: covs}
		if run.hasAlliance {
			d.Alliance = ss.Alliance
		}
		if run.hasTher {
			d.Therapist = ss.Therapist.Strings()
		}
		if len(covs) == 0 {
			d.Covariates = nil
		}
		for _, m := range models {
			so := run.sessionsOptions(m)
			so.NoTable = false // sessions.Fit on the derived rows
			f, ferr := sessions.Fit(d, so)
			if f != nil && (!opt.KeepTable || m != sessions.Model(opt.Model)) {
				f.Table = nil
			}
			fits, errs = append(fits, f), append(errs, ferr)
		}
	} else {
		fits, errs = run.fitByPatient(ss, covs, models)
	}
	if err := run.finish(fits, errs); err != nil {
		return nil, err
	}
	return run, nil
}

// finish keeps the fits (errs[k] the error of fits[k]), bounds the
// conditional modes, adds the trajectories (from the table, unless the
// caller set them) and composes the part.
func (run *SessionsRun) finish(fits []*sessions.Result, errs []error) error {
	opt := run.opt
	if errs[0] != nil {
		return errs[0]
	}
	run.Result = fits[0]
	if len(fits) > 1 {
		if errs[1] == nil {
			run.ConcurrentModel = fits[1]
			run.ranef[1] = fits[1].Result.Ranef
			fits[1].Result.Ranef, _ = boundRanef(run.ranef[1])
		} else {
			run.note(Warning, "The concurrent model could not be fitted: %v", errs[1])
		}
	}
	run.ranef[0] = run.Result.Result.Ranef
	run.Result.Result.Ranef, run.RanefSummary = boundRanef(run.ranef[0])
	if run.Result.Result.Ranef == nil {
		run.note(Info, "The %d conditional modes (BLUPs) of the patients and therapists are summarised per term (ranef_summary in the JSON), not listed; 'alliance sessions --patients FILE' writes them all (CSV or Parquet).", len(run.ranef[0]))
	}
	if opt.Trajectories && run.Trajectories == nil && run.ss != nil {
		run.trajectories()
	}
	run.compose()
	run.release()
	run.src.Table = nil // keep only what the results and figures need
	return nil
}

func (r *SessionsRun) sessionsOptions(m sessions.Model) sessions.Options {
	o := r.opt
	return sessions.Options{Model: m, Centring: sessions.Centring(o.Centring), Detrend: o.Detrend, MaxLagGap: o.MaxLagGap,
		IgnoreTherapist: o.IgnoreTherapist, RandomSlope: o.RandomSlope, NoTime: o.NoTime, AR1: o.AR1, ML: o.ML, Level: o.Level,
		AllianceLabel: o.AllianceLabel, OutcomeLabel: o.OutcomeLabel, NoTable: !o.KeepTable || m != sessions.Model(o.Model)}
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
		mean, sd, _ := describe.MeanSD(v)
		out = append(out, sessionMean(s, len(v), mean, sd, level))
	}
	return out
}

// sessionMean is session s's mean of n scores with its t interval
// mean ± t(1 − α/2, n − 1)·sd/√n (NaN mean without scores, NaN bounds
// with n < 2).
func sessionMean(s, n int, mean, sd, level float64) SessionMean {
	m := SessionMean{Session: float64(s), N: n, Mean: math.NaN(), CILB: math.NaN(), CIUB: math.NaN()}
	if n > 0 {
		m.Mean = mean
	}
	if n > 1 {
		se := sd / math.Sqrt(float64(n))
		t := wald.StudentT(float64(n-1), level).Crit()
		m.CILB, m.CIUB = m.Mean-t*se, m.Mean+t*se
	}
	return m
}

// fitByPatient fits the models from per-patient sufficient statistics
// (sessions.Stats), read patient by patient from the coded table without
// a string per row or a derived table: a patient is a (therapist,
// patient) pair, its rows in file order, which datasets has checked to be
// in increasing session order. Patients are added in order of first
// appearance, as sessions.Fit orders them, so the therapist means sum in
// the same order. One pass feeds every model.
func (r *SessionsRun) fitByPatient(ss *datasets.Sessions, covs map[string][]float64, models []sessions.Model) ([]*sessions.Result, []error) {
	n := ss.Len()
	fits, errs := make([]*sessions.Result, len(models)), make([]error, len(models))
	cols := sessions.Columns{Therapist: r.hasTher, Alliance: r.hasAlliance, Outcome: ss.Outcome != nil}
	for c := range covs {
		cols.Covariates = append(cols.Covariates, c)
	}
	sts := make([]*sessions.Stats, len(models))
	for k, m := range models {
		if sts[k], errs[k] = sessions.NewStats(cols, r.sessionsOptions(m)); errs[k] != nil {
			return fits, errs
		}
	}
	// Patient keys in order of first appearance, then a counting sort of
	// the rows by key (stable: file order within a patient).
	pc := ss.Patient.Codes
	var tc []int32
	if r.hasTher {
		tc = ss.Therapist.Codes
	}
	key := make([]int32, n)
	ids := map[int64]int32{}
	var first []int32 // first row of each key
	np := int64(len(ss.Patient.Levels))
	for i := 0; i < n; i++ {
		k := int64(pc[i])
		if tc != nil {
			k += np * int64(tc[i])
		}
		c, ok := ids[k]
		if !ok {
			c = int32(len(first))
			ids[k] = c
			first = append(first, int32(i))
		}
		key[i] = c
	}
	ids = nil
	start := make([]int32, len(first)+1)
	for _, c := range key {
		start[c+1]++
	}
	for c := range first {
		start[c+1] += start[c]
	}
	order := make([]int32, n)
	fill := append([]int32(nil), start[:len(first)]...)
	for i, c := range key {
		order[fill[c]] = int32(i)
		fill[c]++
	}
	key, fill = nil, nil
	var ses []int
	var al, out []float64
	pcov := map[string][]float64{}
	take := func(buf, x []float64, seg []int32) []float64 {
		if x == nil {
			return nil
		}
		buf = buf[:0]
		for _, i := range seg {
			buf = append(buf, x[i])
		}
		return buf
	}
	for c, i0 := range first {
		seg := order[start[c]:start[c+1]]
		ses = ses[:0]
		for _, i := range seg {
			ses = append(ses, ss.Session[i])
		}
		var a []float64
		if r.hasAlliance {
			al = take(al, ss.Alliance, seg)
			a = al
		}
		out = take(out, ss.Outcome, seg)
		for name, v := range covs {
			pcov[name] = take(pcov[name], v, seg)
		}
		p := sessions.Patient{ID: ss.Patient.Value(int(i0)), Session: ses, Alliance: a, Outcome: out, Covariates: pcov}
		if r.hasTher {
			p.Therapist = ss.Therapist.Value(int(i0))
		}
		for k := range sts {
			if errs[k] == nil {
				errs[k] = sts[k].AddPatient(p)
			}
		}
	}
	for k, st := range sts {
		if errs[k] == nil {
			fits[k], errs[k] = sessions.FitStatsConsuming(st)
		}
	}
	return fits, errs
}
