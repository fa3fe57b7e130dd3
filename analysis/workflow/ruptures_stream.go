package workflow

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/alliance-research/alliance/analysis/change"

	"github.com/alliance-research/alliance/analysis/rupture"
	"github.com/alliance-research/alliance/datasets"
)

// ListLimit is the number of patients up to which a session analysis keeps
// its per-patient and per-episode lists in its result (the JSON "episodes"
// and "patients", the text's episode table). A larger sample gives
// summaries only, with a note saying so and how to write the full tables
// (RupturesOptions.EpisodesTo, PatientsTo; the CLI's --episodes FILE,
// --patients FILE), so that the output does not grow with the data.
const ListLimit = 1000

// SessionModelRows is the number of session rows up to which the rupture
// analysis fits its session-level mixed model by default (it holds every
// row); RupturesOptions.SessionModelAlways fits it whatever the size.
const SessionModelRows = 200_000

// StreamFallbackBytes is the largest file whose rows, when they are not
// grouped by patient, are read whole into memory instead (with a note);
// a larger ungrouped file is an error saying how to sort it.
const StreamFallbackBytes = 64 << 20

var streamFallbackBytes int64 = StreamFallbackBytes // tests lower it

// RupturesStage is the per-patient stage of a rupture–repair analysis, a
// map whose results merge by summation, so that a sample of any size (or
// a partitioned one: see docs/scale.md) is analysed patient by patient:
//
//	st, _ := NewRupturesStage(opt)
//	var sample rupture.SampleStats        // pass 1, when st.NeedsSample()
//	for each patient p: st.Sample(&sample, p)   (merge: SampleStats.Merge)
//	st.Prepare(&sample)                    // the sample SDs of the rule
//	part := st.NewPart()                   // pass 2
//	for each patient p: st.Add(part, p)    (merge: RupturesPart.Merge)
//	run, _ := st.Finish(src, part)
//
// A patient p is a *datasets.Sessions of one patient's rows (as
// datasets.SessionStream.Next returns them). The first pass is needed
// only when the rule uses a sample SD (the default sd rule with the
// pooled within-patient SD, rci without --sd, or --sensitivity): it is
// the same read again, not a sort or a copy of the data. The in-memory
// Ruptures runs this same stage over the patients of the loaded table, so
// the streaming and in-memory results are identical.
type RupturesStage struct {
	opt    RupturesOptions
	rule   rupture.Options
	det    *rupture.Detector
	sens   []sensPreset
	eo     rupture.EffectOptions
	named  map[string]bool // PlotPatients
	cols   datasets.SessionColumns
	hasOut bool // outcome effects are estimated
	epw    *episodeWriter
	patw   *csv.Writer
}

type sensPreset struct {
	name string
	o    rupture.Options
	det  *rupture.Detector
	err  error
}

// RupturesPart is the merged result of RupturesStage.Add over some
// patients: counts and sums, one OutcomeRow per assessable patient (24
// bytes), and, while the part holds at most ListLimit patients, the
// episode and patient lists. Its zero value is not ready: use
// RupturesStage.NewPart.
type RupturesPart struct {
	Tally     rupture.Tally
	Sens      []rupture.Tally
	SensErr   []string
	Outcomes  []rupture.OutcomeRow
	Unmatched int

	Rows, Patients                  int
	MissingAlliance, MissingOutcome int
	Therapists                      map[string]struct{}

	// Listed is true while Episodes and Patients hold every patient's
	// (at most ListLimit patients).
	Listed      bool
	Episodes    []rupture.Episode
	PatientList []rupture.Patient
	// SessionRows are kept for the session model while there are at most
	// SessionModelRows (or always, with SessionModelAlways).
	SessionRows     []rupture.SessionRow
	SessionEpisodes []rupture.Episode
	RowsKept        bool

	// Plot holds the series and episodes of the figure's candidates: the
	// named patients, or the first patient with a repaired rupture and the
	// first with any.
	Plot         []rupture.Series
	PlotEpisodes []rupture.Episode
	firstRep     string
	firstAny     string

	buf []rupture.Episode
}

// NewRupturesStage validates opt.
func NewRupturesStage(opt RupturesOptions) (*RupturesStage, error) {
	if err := checkLevel(&opt.Level); err != nil {
		return nil, err
	}
	switch strings.ToLower(opt.SessionModel) {
	case "", "auto":
	case "true", "always":
		opt.SessionModelAlways = true
	case "false", "never":
		opt.NoSessionModel = true
	default:
		return nil, invalid("SessionModel", "session model %q: give auto (up to %d rows), true (always) or false (never)", opt.SessionModel, SessionModelRows)
	}
	if opt.AllianceLabel == "" {
		opt.AllianceLabel = "alliance"
	}
	if opt.OutcomeLabel == "" {
		opt.OutcomeLabel = "outcome"
	}
	opt.Measure = strings.ToLower(opt.Measure)
	if opt.Measure == "" {
		opt.Measure = string(rupture.OutcomeChange)
	}
	if opt.Measure != string(rupture.OutcomeChange) && opt.Measure != string(rupture.OutcomePost) {
		return nil, invalid("Measure", "outcome measure %q: give change or post", opt.Measure)
	}
	ro, err := opt.rule()
	if err != nil {
		return nil, err
	}
	if opt.Preset != "" {
		ro, _ = rupture.Preset(opt.Preset)
	}
	st := &RupturesStage{opt: opt, rule: ro}
	st.eo = rupture.DefaultEffectOptions()
	st.eo.Measure = rupture.OutcomeMeasure(opt.Measure)
	if opt.HigherBetter {
		st.eo.Better = change.Higher
	}
	st.eo.Level = opt.Level
	if opt.Sensitivity {
		for _, p := range rupture.Presets() {
			o, err := rupture.Preset(p.Name)
			if err != nil {
				return nil, invalid("Preset", "%v", err)
			}
			st.sens = append(st.sens, sensPreset{name: p.Name, o: o})
		}
	}
	if len(opt.PlotPatients) > 0 {
		st.named = map[string]bool{}
		for _, p := range opt.PlotPatients {
			st.named[p] = true
		}
	}
	return st, nil
}

// Columns is the session table layout the stage reads: the role columns
// of the options and, as extra columns, only those the options name (the
// self-report items and the pre and post columns).
func (st *RupturesStage) Columns() datasets.SessionColumns {
	c := st.opt.Columns
	c.Extra = []string{}
	for _, x := range []string{st.opt.RuptureItem, st.opt.ResolutionItem, st.opt.PreColumn, st.opt.PostColumn} {
		if x != "" {
			c.Extra = append(c.Extra, x)
		}
	}
	return c
}

// NeedsSample reports whether a first pass (Sample) is needed before Add.
func (st *RupturesStage) NeedsSample() bool {
	if rupture.NeedsSample(st.rule) {
		return true
	}
	for _, s := range st.sens {
		if rupture.NeedsSample(s.o) {
			return true
		}
	}
	return false
}

// Sample adds one patient's alliance scores to the sample statistics (the
// map of the first pass; SampleStats.Merge merges partitions).
func (st *RupturesStage) Sample(acc *rupture.SampleStats, p *datasets.Sessions) {
	acc.Add(p.Alliance)
}

// Prepare fixes the rule with the sample statistics (nil when NeedsSample
// is false) and makes the detectors.
func (st *RupturesStage) Prepare(sample *rupture.SampleStats) error {
	if sample == nil {
		sample = &rupture.SampleStats{}
	}
	wrap := func(err error) error {
		if st.opt.Preset != "" {
			err = fmt.Errorf("preset %s: %w", st.opt.Preset, err)
		}
		return invalidOr("Method", err)
	}
	o, err := rupture.PrepareFrom(sample, st.rule)
	if err != nil {
		return wrap(err)
	}
	if st.det, err = rupture.NewDetector(o); err != nil {
		return wrap(err)
	}
	st.rule = o
	for k := range st.sens {
		s := &st.sens[k]
		var o rupture.Options
		if o, s.err = rupture.PrepareFrom(sample, s.o); s.err == nil {
			s.o = o
			s.det, s.err = rupture.NewDetector(o)
		}
	}
	return nil
}

// NewPart returns an empty part for Add.
func (st *RupturesStage) NewPart() *RupturesPart {
	p := &RupturesPart{Listed: true, RowsKept: true, Therapists: map[string]struct{}{}}
	p.Sens = make([]rupture.Tally, len(st.sens))
	p.SensErr = make([]string, len(st.sens))
	for k, s := range st.sens {
		if s.err != nil {
			p.SensErr[k] = s.err.Error()
		}
	}
	return p
}

// Add runs the per-patient stage on one patient's rows p (the map of the
// second pass): the alliance series, its episodes and class, its outcome
// row, and adds them to part.
func (st *RupturesStage) Add(part *RupturesPart, p *datasets.Sessions) error {
	if st.det == nil {
		return errors.New("workflow: RupturesStage.Add before Prepare")
	}
	if part.Patients == 0 && part.Rows == 0 {
		st.cols = p.Columns
		st.hasOut = p.Outcome != nil || st.opt.PreColumn != "" || st.opt.PostColumn != ""
	}
	id := p.Patient.Levels[p.Patient.Codes[0]]
	s := rupture.Series{Patient: id, Session: p.Session, Score: p.Alliance}
	if p.Therapist.Codes != nil {
		s.Therapist = p.Therapist.Value(0)
	}
	var err error
	if st.opt.RuptureItem != "" {
		if s.Rupture, _, err = scoreColumn(p, st.opt.RuptureItem); err != nil {
			return err
		}
	}
	if st.opt.ResolutionItem != "" {
		if s.Resolution, _, err = scoreColumn(p, st.opt.ResolutionItem); err != nil {
			return err
		}
	}
	part.Rows += p.Len()
	part.Patients++
	for i := 0; i < p.Len(); i++ {
		if p.Therapist.Codes != nil {
			if t := p.Therapist.Value(i); i == 0 || t != p.Therapist.Value(i-1) {
				part.Therapists[t] = struct{}{}
			}
		}
		if math.IsNaN(p.Alliance[i]) {
			part.MissingAlliance++
		}
		if p.Outcome != nil && math.IsNaN(p.Outcome[i]) {
			part.MissingOutcome++
		}
	}
	var pat rupture.Patient
	pat, part.buf, err = st.det.Patient(s, part.buf[:0])
	if err != nil {
		return invalidOr("Method", err)
	}
	eps := part.buf
	part.Tally.Add(pat, eps)
	for k := range st.sens {
		sp := &st.sens[k]
		if part.SensErr[k] != "" || sp.det == nil {
			continue
		}
		sp2, seps, serr := sp.det.Patient(s, nil)
		if serr != nil {
			part.SensErr[k] = serr.Error()
			continue
		}
		part.Sens[k].Add(sp2, seps)
	}
	if st.hasOut {
		pre, post := math.NaN(), math.NaN()
		if p.Outcome != nil {
			pre, post = rupture.OutcomeOf(p.Outcome)
		}
		if st.opt.PreColumn != "" {
			if pre, err = firstObserved(p, st.opt.PreColumn); err != nil {
				return err
			}
		}
		if st.opt.PostColumn != "" {
			if post, err = firstObserved(p, st.opt.PostColumn); err != nil {
				return err
			}
		}
		if pat.Class == rupture.ClassInsufficient {
			part.Unmatched++
		} else {
			if math.IsInf(pre, 0) || math.IsInf(post, 0) {
				return invalid("Measure", "rupture: patient %q: outcome is not finite (pre %v, post %v)", id, pre, post)
			}
			part.Outcomes = append(part.Outcomes, rupture.OutcomeRow{Class: pat.Class, Pre: pre, Post: post})
		}
	}
	if part.Listed {
		part.Episodes = append(part.Episodes, eps...)
		part.PatientList = append(part.PatientList, pat)
		if part.Patients > ListLimit {
			part.Listed, part.Episodes, part.PatientList = false, nil, nil
		}
	}
	if part.RowsKept && p.Outcome != nil && !st.opt.NoSessionModel {
		for i := 0; i < p.Len(); i++ {
			r := rupture.SessionRow{Patient: id, Session: p.Session[i], Outcome: p.Outcome[i]}
			if p.Therapist.Codes != nil {
				r.Therapist = p.Therapist.Value(i)
			}
			part.SessionRows = append(part.SessionRows, r)
		}
		part.SessionEpisodes = append(part.SessionEpisodes, eps...)
		if !st.opt.SessionModelAlways && part.Rows > SessionModelRows {
			part.RowsKept, part.SessionRows, part.SessionEpisodes = false, nil, nil
		}
	}
	st.plotCandidate(part, s, pat, eps)
	if st.opt.EpisodesTo != nil && len(eps) > 0 {
		if err := st.episodeCSV().writeEpisodes(eps); err != nil {
			return err
		}
	}
	if st.opt.PatientsTo != nil {
		if err := st.patientCSV(pat, part); err != nil {
			return err
		}
	}
	if st.opt.Progress != nil && part.Patients%4096 == 0 {
		st.opt.Progress(part.Rows, part.Patients)
	}
	return nil
}

// firstObserved is the first non-missing value of a patient's rows in the
// column name (NaN when none), as the pre and post columns are read.
func firstObserved(p *datasets.Sessions, name string) (float64, error) {
	v, _, err := scoreColumn(p, name)
	if err != nil {
		return 0, err
	}
	for _, x := range v {
		if !math.IsNaN(x) {
			return x, nil
		}
	}
	return math.NaN(), nil
}

// plotCandidate keeps the series of the figure's patients.
func (st *RupturesStage) plotCandidate(part *RupturesPart, s rupture.Series, pat rupture.Patient, eps []rupture.Episode) {
	keep := false
	if st.named != nil {
		keep = st.named[s.Patient]
	} else if part.firstRep == "" {
		for _, ep := range eps {
			if ep.Repaired {
				keep, part.firstRep = true, s.Patient
				break
			}
		}
		if !keep && part.firstAny == "" && len(eps) > 0 {
			keep, part.firstAny = true, s.Patient
		}
	}
	if !keep {
		return
	}
	c := rupture.Series{Patient: s.Patient, Therapist: s.Therapist, Session: append([]int(nil), s.Session...), Score: append([]float64(nil), s.Score...)}
	part.Plot = append(part.Plot, c)
	part.PlotEpisodes = append(part.PlotEpisodes, eps...)
}

// Merge adds the patients of b, which follow a's in patient order, to a.
// Counts add; the outcome rows, lists and plot candidates are
// concatenated (the lists are dropped when they exceed ListLimit
// patients); the first plot candidates stay a's.
func (a *RupturesPart) Merge(b *RupturesPart) {
	a.Tally.Merge(&b.Tally)
	for k := range a.Sens {
		a.Sens[k].Merge(&b.Sens[k])
		if a.SensErr[k] == "" {
			a.SensErr[k] = b.SensErr[k]
		}
	}
	a.Outcomes = append(a.Outcomes, b.Outcomes...)
	a.Unmatched += b.Unmatched
	a.Rows += b.Rows
	a.Patients += b.Patients
	a.MissingAlliance += b.MissingAlliance
	a.MissingOutcome += b.MissingOutcome
	for t := range b.Therapists {
		a.Therapists[t] = struct{}{}
	}
	a.Listed = a.Listed && b.Listed && a.Patients <= ListLimit
	if a.Listed {
		a.Episodes = append(a.Episodes, b.Episodes...)
		a.PatientList = append(a.PatientList, b.PatientList...)
	} else {
		a.Episodes, a.PatientList = nil, nil
	}
	a.RowsKept = a.RowsKept && b.RowsKept
	if a.RowsKept {
		a.SessionRows = append(a.SessionRows, b.SessionRows...)
		a.SessionEpisodes = append(a.SessionEpisodes, b.SessionEpisodes...)
	} else {
		a.SessionRows, a.SessionEpisodes = nil, nil
	}
	a.Plot = append(a.Plot, b.Plot...)
	a.PlotEpisodes = append(a.PlotEpisodes, b.PlotEpisodes...)
	if a.firstRep == "" {
		a.firstRep = b.firstRep
	}
	if a.firstAny == "" {
		a.firstAny = b.firstAny
	}
}

// Finish turns the merged part into the run: summary, effects, the
// sensitivity table, the session model (when its rows were kept), the
// figure and the section. src describes the input (its Table may be nil).
func (st *RupturesStage) Finish(src Source, part *RupturesPart) (*RupturesRun, error) {
	opt := st.opt
	src.Table = nil
	if src.Rows == 0 {
		src.Rows = part.Rows
	}
	run := &RupturesRun{DataName: src.Label(), opt: opt, src: src}
	run.Result = &rupture.Result{Preset: opt.Preset, Options: st.rule, Summary: part.Tally.Summary()}
	run.listed = part.Listed
	if part.Listed {
		run.Episodes, run.Patients = part.Episodes, part.PatientList
		if run.Episodes == nil {
			run.Episodes = []rupture.Episode{}
		}
		if run.Patients == nil {
			run.Patients = []rupture.Patient{}
		}
	}
	run.hasOutcome = st.cols.Outcome != ""
	run.counts = part
	run.cols = st.cols
	if st.hasOut {
		er, err := rupture.EffectsFromRows(part.Outcomes, st.eo)
		if err != nil {
			return nil, invalid("Measure", "%v", err)
		}
		er.Unmatched = part.Unmatched
		run.Effects, run.ClassOutcomes, run.ANCOVA = er.Effects, er.Classes, er.ANCOVA
		run.EffectNotes = er.Notes
		if !opt.NoSessionModel && run.hasOutcome {
			switch {
			case !part.RowsKept:
				run.EffectNotes = append(run.EffectNotes, fmt.Sprintf("session-level model not fitted: its mixed model holds every row, and there are %d rows (more than %d); fit it anyway by asking for the session model always, or leave it out", part.Rows, SessionModelRows))
			default:
				sm, err := rupture.SessionModel(&rupture.Result{Episodes: part.SessionEpisodes}, part.SessionRows, st.eo.Level)
				if err != nil {
					run.EffectNotes = append(run.EffectNotes, "session-level model not fitted: "+err.Error())
				} else {
					run.SessionModel = sm
				}
			}
		}
	}
	for k, s := range st.sens {
		row := rupture.SensitivityRow{Preset: s.name, Method: s.o.Method, RuptureRate: rupture.Float(math.NaN()), RepairRate: rupture.Float(math.NaN())}
		if part.SensErr[k] != "" {
			row.Error = part.SensErr[k]
			run.Sensitivity = append(run.Sensitivity, row)
			continue
		}
		sm := part.Sens[k].Summary()
		row.Episodes, row.Repaired, row.WithRupture = sm.Episodes, sm.Repaired, sm.WithRupture
		row.None, row.RepairedClass, row.Unrepaired, row.Censored, row.Insufficient = sm.Classes[0].N, sm.Classes[1].N, sm.Classes[2].N, sm.Classes[3].N, sm.Classes[4].N
		row.RuptureRate, row.RepairRate = sm.RuptureRate, sm.RepairRate
		run.Sensitivity = append(run.Sensitivity, row)
	}
	if st.named != nil {
		found := map[string]bool{}
		for _, s := range part.Plot {
			found[s.Patient] = true
		}
		for _, p := range opt.PlotPatients {
			if !found[p] {
				return nil, invalid("PlotPatients", "patient %q of the rupture plot is not in the data", p)
			}
		}
		run.PlotPatients = opt.PlotPatients
	} else if part.firstRep != "" {
		run.PlotPatients = []string{part.firstRep}
	} else if part.firstAny != "" {
		run.PlotPatients = []string{part.firstAny}
	}
	run.series = part.Plot
	run.plotResult = &rupture.Result{Options: st.rule, Episodes: part.PlotEpisodes}
	run.compose()
	run.release()
	return run, nil
}

// episodeWriter writes the episode table (the columns of Tidy) row by row.
type episodeWriter struct {
	w      *csv.Writer
	header bool
}

func (st *RupturesStage) episodeCSV() *episodeWriter {
	if st.epw == nil {
		st.epw = &episodeWriter{w: csv.NewWriter(st.opt.EpisodesTo)}
	}
	return st.epw
}

func (e *episodeWriter) writeEpisodes(eps []rupture.Episode) error {
	if !e.header {
		e.header = true
		if err := e.w.Write(episodeColumns); err != nil {
			return err
		}
	}
	for _, ep := range eps {
		if err := e.w.Write(episodeRow(ep)); err != nil {
			return err
		}
	}
	return e.w.Error()
}

// patientColumns are the columns of the per-patient table.
var patientColumns = []string{"patient", "therapist", "class", "n_sessions", "n_ruptures", "n_repaired", "n_censored", "sd", "pre", "post"}

func (st *RupturesStage) patientCSV(p rupture.Patient, part *RupturesPart) error {
	if st.patw == nil {
		st.patw = csv.NewWriter(st.opt.PatientsTo)
		if err := st.patw.Write(patientColumns); err != nil {
			return err
		}
	}
	pre, post := "", ""
	if st.hasOut && p.Class != rupture.ClassInsufficient && len(part.Outcomes) > 0 {
		o := part.Outcomes[len(part.Outcomes)-1]
		pre, post = clean(o.Pre), clean(o.Post)
	}
	return st.patw.Write([]string{p.Patient, p.Therapist, string(p.Class), strconv.Itoa(p.NSessions), strconv.Itoa(p.NRuptures), strconv.Itoa(p.NRepaired), strconv.Itoa(p.NCensored), clean(float64(p.SD)), pre, post})
}

// flush flushes the table writers.
func (st *RupturesStage) flush() error {
	if st.epw != nil {
		if !st.epw.header {
			if err := st.epw.w.Write(episodeColumns); err != nil {
				return err
			}
		}
		st.epw.w.Flush()
		if err := st.epw.w.Error(); err != nil {
			return err
		}
	} else if st.opt.EpisodesTo != nil {
		w := csv.NewWriter(st.opt.EpisodesTo)
		_ = w.Write(episodeColumns)
		w.Flush()
		if err := w.Error(); err != nil {
			return err
		}
	}
	if st.patw != nil {
		st.patw.Flush()
		return st.patw.Error()
	}
	if st.opt.PatientsTo != nil {
		w := csv.NewWriter(st.opt.PatientsTo)
		_ = w.Write(patientColumns)
		w.Flush()
		return w.Error()
	}
	return nil
}

// sessionPatients splits a loaded session table into one Sessions per
// patient, in order of the patients' first rows (the order of
// rupture.SeriesFromRows).
func sessionPatients(ss *datasets.Sessions) []*datasets.Sessions {
	np := len(ss.Patient.Levels)
	rows := make([][]int, np)
	var order []int32
	for i, c := range ss.Patient.Codes {
		if rows[c] == nil {
			order = append(order, c)
		}
		rows[c] = append(rows[c], i)
	}
	out := make([]*datasets.Sessions, 0, len(order))
	for _, c := range order {
		idx := rows[c]
		p := &datasets.Sessions{Name: ss.Name, Columns: ss.Columns}
		p.Patient = datasets.Factor{Codes: make([]int32, len(idx)), Levels: []string{ss.Patient.Levels[c]}}
		if ss.Therapist.Codes != nil {
			p.Therapist = datasets.Factor{Codes: make([]int32, len(idx)), Levels: ss.Therapist.Levels}
		}
		p.Session, p.Line = make([]int, len(idx)), make([]int, len(idx))
		if ss.Alliance != nil {
			p.Alliance = make([]float64, len(idx))
		}
		if ss.Outcome != nil {
			p.Outcome = make([]float64, len(idx))
		}
		p.Extra = make([]datasets.Var, len(ss.Extra))
		for x, v := range ss.Extra {
			p.Extra[x] = datasets.Var{Name: v.Name, Numeric: v.Numeric}
			if v.Numeric {
				p.Extra[x].Num = make([]float64, len(idx))
			} else {
				p.Extra[x].Text = make([]string, len(idx))
			}
		}
		for k, i := range idx {
			if ss.Therapist.Codes != nil {
				p.Therapist.Codes[k] = ss.Therapist.Codes[i]
			}
			p.Session[k], p.Line[k] = ss.Session[i], ss.Line[i]
			if ss.Alliance != nil {
				p.Alliance[k] = ss.Alliance[i]
			}
			if ss.Outcome != nil {
				p.Outcome[k] = ss.Outcome[i]
			}
			for x, v := range ss.Extra {
				if v.Numeric {
					p.Extra[x].Num[k] = v.Num[i]
				} else {
					p.Extra[x].Text[k] = v.Text[i]
				}
			}
		}
		out = append(out, p)
	}
	return out
}

// patientSource yields one patient's rows at a time: a
// datasets.SessionStream, or the patients of a table in memory.
type patientSource interface {
	Next() (*datasets.Sessions, error)
	Rewind() error
	Project(roles ...string) error
}

// memoryPatients are the patients of a table held in memory.
type memoryPatients struct {
	pats []*datasets.Sessions
	k    int
}

func (m *memoryPatients) Next() (*datasets.Sessions, error) {
	if m.k >= len(m.pats) {
		return nil, io.EOF
	}
	m.k++
	return m.pats[m.k-1], nil
}
func (m *memoryPatients) Rewind() error           { m.k = 0; return nil }
func (m *memoryPatients) Project(...string) error { return nil }

// runRupturesStage runs the stage over the patients of ps: a first pass
// reading only the patient, session and alliance columns when the rule
// needs a sample SD, then the stage.
func runRupturesStage(st *RupturesStage, src Source, ps patientSource) (*RupturesRun, error) {
	next := ps.Next
	var sample *rupture.SampleStats
	if st.NeedsSample() {
		sample = &rupture.SampleStats{}
		if err := ps.Project("patient", "session", "alliance"); err != nil {
			return nil, err
		}
		for {
			p, err := next()
			if err == io.EOF {
				break
			}
			if err != nil {
				return nil, err
			}
			st.Sample(sample, p)
		}
		if err := ps.Rewind(); err != nil {
			return nil, err
		}
	}
	if err := st.Prepare(sample); err != nil {
		return nil, err
	}
	part := st.NewPart()
	for {
		p, err := next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if err := st.Add(part, p); err != nil {
			return nil, err
		}
	}
	if err := st.flush(); err != nil {
		return nil, err
	}
	return st.Finish(src, part)
}

// RupturesFile is Ruptures on a file read patient by patient
// (datasets.SessionStream): memory does not grow with the number of rows
// beyond 24 bytes per patient. The rows must be grouped by patient; a
// file of at most StreamFallbackBytes that is not is read whole instead,
// with a note; a larger one is an error saying how to sort it. An XLSX
// workbook or standard input is read whole (Ruptures).
func RupturesFile(path string, read datasets.ReadOptions, opt RupturesOptions) (*RupturesRun, error) {
	st, err := NewRupturesStage(opt)
	if err != nil {
		return nil, err
	}
	if !datasets.CanStream(path) {
		return readWhole(path, read, "", func(src Source) (*RupturesRun, error) { return Ruptures(src, opt) })
	}
	s, err := datasets.OpenSessionStream(path, datasets.StreamOptions{Read: read, Columns: st.Columns(), Session: datasets.SessionOptions{RequireAlliance: true}})
	if err != nil {
		return nil, err
	}
	defer s.Close()
	src := Source{Name: path, Columns: s.Header()}
	run, err := runRupturesStage(st, src, s)
	if err != nil {
		if note, ok := unsortedNote(err, s, path, opt.EpisodesTo != nil || opt.PatientsTo != nil); ok {
			return readWhole(path, read, note, func(src Source) (*RupturesRun, error) { return Ruptures(src, opt) })
		}
		return nil, err
	}
	return run, nil
}
