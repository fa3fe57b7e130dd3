package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"sort"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	// the local and the cloud filesystems a glob may name
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/gcs"
	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem/local"

	"github.com/alliance-research/alliance/analysis/change"
	"github.com/alliance-research/alliance/analysis/rupture"
	"github.com/alliance-research/alliance/analysis/sessions"
	"github.com/alliance-research/alliance/analysis/workflow"
	"github.com/alliance-research/alliance/datasets"
)

// Config is every choice of a pipeline run. Its zero value (with Input
// and Output) runs the rupture stage with the default rule.
type Config struct {
	// Input is a glob of Parquet (or CSV) shards; Output the JSON file.
	Input, Output string
	// Columns name the session roles (empty: the datasets defaults).
	Columns datasets.SessionColumns
	// Preset names a published rupture criterion ("" = the default rule
	// of 'alliance ruptures': sd method, k = 2, pooled within-patient SD).
	Preset string
	// NoRuptures skips the rupture stage (data without an alliance column).
	NoRuptures bool
	// Cutoff, when positive, runs the sudden-gains stage with criterion 1
	// = Cutoff points (as 'alliance gains --cutoff'); Losses looks for
	// sudden losses; Score names the score column (outcome or alliance).
	Cutoff float64
	Losses bool
	Score  string
	// Sessions runs the session model's sufficient statistics (the
	// lagged model of 'alliance sessions' with its defaults: patients
	// nested in therapists when the data have therapists, person-mean
	// centring), merged over the patients and fitted on one worker.
	Sessions bool
}

// Row is one session row of a shard; Has says which role columns its
// shard has (hasTherapist, hasAlliance, hasOutcome).
type Row struct {
	Has       uint8
	Therapist string
	Session   int
	Alliance  float64
	Outcome   float64
	// File and Line say where the row came from (for messages).
	File string
	Line int
}

// PatientRows are one patient's rows in session order.
type PatientRows struct {
	Patient   string
	Therapist string
	Session   []int
	Alliance  []float64
	Outcome   []float64
	// The role columns the patient's shards have.
	HasTherapist, HasAlliance, HasOutcome bool
}

const (
	hasTherapist = 1 << iota
	hasAlliance
	hasOutcome
)

// readShardFn reads one shard and keys its rows by patient.
type readShardFn struct {
	Columns      datasets.SessionColumns
	NeedAlliance bool
}

func (f *readShardFn) ProcessElement(ctx context.Context, name string, emit func(string, Row)) error {
	fs, err := filesystem.New(ctx, name)
	if err != nil {
		return err
	}
	defer fs.Close()
	rc, err := fs.OpenRead(ctx, name)
	if err != nil {
		return fmt.Errorf("%s: %v", name, err)
	}
	data, err := io.ReadAll(rc)
	rc.Close()
	if err != nil {
		return fmt.Errorf("%s: %v", name, err)
	}
	t, err := datasets.ReadBytes(name, data, datasets.ReadOptions{})
	if err != nil {
		return err
	}
	cols := f.Columns
	cols.Extra = []string{} // the roles only
	ss, err := t.Sessions(cols, datasets.SessionOptions{RequireAlliance: f.NeedAlliance})
	if err != nil {
		return err
	}
	for i := 0; i < ss.Len(); i++ {
		r := Row{Session: ss.Session[i], Alliance: math.NaN(), Outcome: math.NaN(), File: name, Line: ss.Line[i]}
		if ss.Therapist.Codes != nil {
			r.Therapist, r.Has = ss.Therapist.Value(i), r.Has|hasTherapist
		}
		if ss.Alliance != nil {
			r.Alliance, r.Has = ss.Alliance[i], r.Has|hasAlliance
		}
		if ss.Outcome != nil {
			r.Outcome, r.Has = ss.Outcome[i], r.Has|hasOutcome
		}
		emit(ss.Patient.Value(i), r)
	}
	return nil
}

// assemble puts one patient's rows (from any shards) in session order and
// refuses a session given twice or a patient with two therapists.
func assemble(patient string, rows func(*Row) bool) (PatientRows, error) {
	var all []Row
	var r Row
	for rows(&r) {
		all = append(all, r)
	}
	sort.Slice(all, func(i, j int) bool { return all[i].Session < all[j].Session })
	p := PatientRows{Patient: patient, Therapist: all[0].Therapist}
	for i, r := range all {
		if i > 0 && r.Session == all[i-1].Session {
			return p, fmt.Errorf("%s, line %d: patient %q has session %d twice (also %s, line %d); keep one row per patient and session", r.File, r.Line, patient, r.Session, all[i-1].File, all[i-1].Line)
		}
		if r.Therapist != p.Therapist {
			return p, fmt.Errorf("%s, line %d: patient %q is seen by therapist %q here and by %q in session %d; give each patient one therapist", r.File, r.Line, patient, r.Therapist, p.Therapist, all[0].Session)
		}
		p.HasTherapist = p.HasTherapist || r.Has&hasTherapist != 0
		p.HasAlliance = p.HasAlliance || r.Has&hasAlliance != 0
		p.HasOutcome = p.HasOutcome || r.Has&hasOutcome != 0
		p.Session = append(p.Session, r.Session)
		p.Alliance = append(p.Alliance, r.Alliance)
		p.Outcome = append(p.Outcome, r.Outcome)
	}
	return p, nil
}

// ruptureFn is the per-patient rupture stage: rupture.Detector.Patient
// with the rule whose sample SDs come from the first pass
// (rupture.PrepareFrom), each patient tallied (rupture.Tally.Add).
type ruptureFn struct {
	Preset string
	d      *rupture.Detector
}

func (f *ruptureFn) rule(sample rupture.SampleStats) (*rupture.Detector, error) {
	if f.d != nil {
		return f.d, nil
	}
	o := rupture.DefaultOptions()
	if f.Preset != "" {
		var err error
		if o, err = rupture.Preset(f.Preset); err != nil {
			return nil, err
		}
	}
	o, err := rupture.PrepareFrom(&sample, o)
	if err != nil {
		return nil, err
	}
	f.d, err = rupture.NewDetector(o)
	return f.d, err
}

func (f *ruptureFn) ProcessElement(p PatientRows, sample rupture.SampleStats, emit func(rupture.Tally)) error {
	d, err := f.rule(sample)
	if err != nil {
		return err
	}
	s := rupture.Series{Patient: p.Patient, Therapist: p.Therapist, Session: p.Session, Score: p.Alliance}
	pt, eps, err := d.Patient(s, nil)
	if err != nil {
		return err
	}
	var t rupture.Tally
	t.Add(pt, eps)
	emit(t)
	return nil
}

// lmmFn accumulates the session model's sufficient statistics
// (sessions.Stats.AddPatient) over the patients of a bundle and emits
// them when the bundle ends: a partial sum, merged by mergeLMM.
type lmmFn struct {
	st *sessions.Stats
}

func (f *lmmFn) ProcessElement(p PatientRows, p1 Pass1, _ func(LMMPart)) error {
	if f.st == nil {
		var err error
		if f.st, err = sessions.NewStats(lmmColumns(p1), lmmOptions()); err != nil {
			return err
		}
	}
	sp := sessions.Patient{ID: p.Patient, Therapist: p.Therapist, Session: p.Session, Outcome: p.Outcome}
	if p1.HasAlliance {
		sp.Alliance = p.Alliance
	}
	return f.st.AddPatient(sp)
}

// StartBundle drops what a failed bundle may have left (a runner retries
// a bundle on the same DoFn instance). Beam asks the side input here too.
func (f *lmmFn) StartBundle(_ Pass1, _ func(LMMPart)) { f.st = nil }

// FinishBundle emits the bundle's statistics (Beam asks the side input of
// ProcessElement here too).
func (f *lmmFn) FinishBundle(_ Pass1, emit func(LMMPart)) error {
	if f.st == nil {
		return nil
	}
	part, err := lmmPart(f.st)
	if err != nil {
		return err
	}
	emit(part)
	f.st = nil
	return nil
}

// lmmColumns are the role columns of the data, from the first pass.
func lmmColumns(p1 Pass1) sessions.Columns {
	return sessions.Columns{Therapist: p1.HasTherapist, Alliance: p1.HasAlliance, Outcome: p1.HasOutcome}
}

// lmmOptions are the defaults of 'alliance sessions' (workflow.Sessions):
// the lagged model, lag gap 1, 95% intervals.
func lmmOptions() sessions.Options {
	return sessions.Options{Model: sessions.Lagged, MaxLagGap: 1, Level: 0.95}
}

// gainFn is the per-patient sudden-gains stage over the sample's session
// range (from the first pass), as 'alliance gains' builds its series.
type gainFn struct {
	Cutoff float64
	Losses bool
	Score  string
	// Sessions runs the session model's sufficient statistics (the
	// lagged model of 'alliance sessions' with its defaults: patients
	// nested in therapists when the data have therapists, person-mean
	// centring), merged over the patients and fitted on one worker.
	Sessions bool
}

func (f *gainFn) criteria() change.Criteria {
	c := change.DefaultCriteria(change.Gains, math.Abs(f.Cutoff))
	if f.Losses {
		c = change.DefaultCriteria(change.Losses, -math.Abs(f.Cutoff))
	}
	return c
}

func (f *gainFn) ProcessElement(p PatientRows, p1 Pass1, emit func(GainSum)) error {
	score := p.Outcome
	if f.Score == "alliance" {
		score = p.Alliance
	}
	pid := make([]string, len(p.Session))
	for i := range pid {
		pid[i] = p.Patient
	}
	series, err := change.SeriesFromLong(pid, p.Session, score, p1.MinSession, p1.MaxSession)
	if err != nil {
		return err
	}
	gains, err := change.ByGain(series, f.criteria())
	if err != nil {
		return err
	}
	emit(gainOf(gains))
	return nil
}

// Result is the pipeline's output: the summaries of 'alliance ruptures'
// and 'alliance gains' JSON, under the same names.
type Result struct {
	Data     string          `json:"data"`
	Shards   int             `json:"shards"`
	Rows     int             `json:"rows"`
	Patients int             `json:"patients"`
	Ruptures *RupturesResult `json:"ruptures,omitempty"`
	Gains    *GainsResult    `json:"gains,omitempty"`
	// SessionModel is the fit of 'alliance sessions' from the merged
	// statistics, without the conditional modes (one per patient).
	SessionModel *sessions.Result `json:"session_model,omitempty"`
	Notes        []string         `json:"notes,omitempty"`
}

// RupturesResult is the rule applied and the summary of 'alliance ruptures'.
type RupturesResult struct {
	Preset  string          `json:"preset,omitempty"`
	Options rupture.Options `json:"options"`
	Summary rupture.Summary `json:"summary"`
}

// GainsResult holds the fields of 'alliance gains' JSON that are sums.
type GainsResult struct {
	Direction string                 `json:"direction"`
	Criteria  workflow.GainsCriteria `json:"criteria"`
	Summary   change.GainSummary     `json:"summary"`
	Patients  int                    `json:"patients"`
	WithGain  int                    `json:"patients_with_gain"`
	Sessions  [2]int                 `json:"sessions"`
}

// writeFn writes the result (on one worker: its inputs are single values).
type writeFn struct {
	Config Config
}

func (f *writeFn) ProcessElement(ctx context.Context, p1 Pass1, shards int, ss func(*rupture.SampleStats) bool, rs func(*rupture.Tally) bool, gs func(*GainSum) bool, ls func(*LMMPart) bool) error {
	c := f.Config
	res := Result{Data: c.Input, Shards: shards, Rows: p1.Rows, Patients: p1.Patients}
	var sample rupture.SampleStats
	var r rupture.Tally
	if ss(&sample) && rs(&r) {
		fn := ruptureFn{Preset: c.Preset}
		d, err := fn.rule(sample)
		if err != nil {
			return err
		}
		res.Ruptures = &RupturesResult{Preset: c.Preset, Options: d.Options(), Summary: r.Summary()}
	}
	var lp LMMPart
	if ls(&lp) {
		st, err := lp.stats()
		if err != nil {
			return err
		}
		// the one step that runs on one machine: the optimiser over θ
		fit, err := sessions.FitStats(st)
		if err != nil {
			return err
		}
		fit.Ranef = nil
		res.SessionModel = fit
		res.Notes = append(res.Notes, fmt.Sprintf("the session model's conditional modes (BLUPs, one per patient and therapist) are left out of this JSON; %d patients' statistics were merged", len(st.Patients)))
	}
	var g GainSum
	if gs(&g) {
		fn := gainFn{Cutoff: c.Cutoff, Losses: c.Losses}
		cr := fn.criteria()
		gr := &GainsResult{Direction: "gains", Summary: g.Summary(), Patients: g.Patients, WithGain: g.WithGain, Sessions: [2]int{p1.MinSession, p1.MaxSession},
			Criteria: workflow.GainsCriteria{Cutoff: &cr.Cutoff, Pct: &cr.Pct, Stability: !cr.NoStability, Alpha: cr.Alpha, BaselineFirst: cr.BaselineFirst}}
		if c.Losses {
			gr.Direction = "losses"
		}
		res.Gains = gr
	}
	b, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return err
	}
	fs, err := filesystem.New(ctx, c.Output)
	if err != nil {
		return err
	}
	defer fs.Close()
	w, err := fs.OpenWrite(ctx, c.Output)
	if err != nil {
		return err
	}
	if _, err := w.Write(append(b, '\n')); err != nil {
		w.Close()
		return err
	}
	return w.Close()
}

// expandFn lists the shards of a glob.
func expandFn(ctx context.Context, glob string, emit func(string)) error {
	fs, err := filesystem.New(ctx, glob)
	if err != nil {
		return err
	}
	defer fs.Close()
	names, err := fs.List(ctx, glob)
	if err != nil {
		return err
	}
	if len(names) == 0 {
		return fmt.Errorf("%s: no file matches; give a glob of Parquet shards such as 'data/part-*.parquet'", glob)
	}
	sort.Strings(names)
	for _, n := range names {
		emit(n)
	}
	return nil
}

func one(string) int { return 1 }

func sumInts(a, b int) int { return a + b }

func init() {
	register.DoFn3x1[context.Context, string, func(string, Row), error](&readShardFn{})
	register.Function2x2(assemble)
	register.DoFn3x1[PatientRows, rupture.SampleStats, func(rupture.Tally), error](&ruptureFn{})
	register.DoFn3x1[PatientRows, Pass1, func(GainSum), error](&gainFn{})
	register.DoFn3x1[PatientRows, Pass1, func(LMMPart), error](&lmmFn{})
	register.DoFn7x1[context.Context, Pass1, int, func(*rupture.SampleStats) bool, func(*rupture.Tally) bool, func(*GainSum) bool, func(*LMMPart) bool, error](&writeFn{})
	register.Function3x1(expandFn)
	register.Function1x1(pass1Of)
	register.Function1x1(sampleOf)
	register.Function2x1(mergePass1)
	register.Function2x1(mergeSample)
	register.Function2x1(mergeTally)
	register.Function2x1(mergeGain)
	register.Function2x2(mergeLMM)
	register.Function1x1(one)
	register.Function2x1(sumInts)
	register.Emitter1[string]()
	register.Emitter2[string, Row]()
	register.Emitter1[rupture.Tally]()
	register.Emitter1[GainSum]()
	register.Emitter1[LMMPart]()
	register.Iter1[Row]()
	register.Iter1[rupture.SampleStats]()
	register.Iter1[rupture.Tally]()
	register.Iter1[GainSum]()
	register.Iter1[LMMPart]()
}

// Build adds the pipeline to s:
//
//	shards ─ read ─ key by patient ─ GroupByKey ─ assemble (one patient's rows in session order)
//	   ├─ pass 1 per patient ─ Combine(sum): counts, session range, columns ─┐ side inputs
//	   ├─ alliance moments per patient ─ Combine(SampleStats.Merge) ─────────┤ (one value each)
//	   ├─ rupture stage per patient ─ Combine(Tally.Merge) ◀─────────────────┤
//	   ├─ gains stage per patient ─ Combine(sum) ◀───────────────────────────┤
//	   └─ session-model statistics per bundle ─ Combine(Stats.Merge) ◀───────┘
//	            └── write: summaries, FitStats (the optimiser over θ), JSON — one worker
func Build(s beam.Scope, c Config) {
	s = s.Scope("alliance")
	names := beam.ParDo(s, expandFn, beam.Create(s, c.Input))
	shards := beam.Combine(s, sumInts, beam.ParDo(s, one, names))
	rows := beam.ParDo(s, &readShardFn{Columns: c.Columns, NeedAlliance: !c.NoRuptures}, beam.Reshuffle(s, names))
	patients := beam.ParDo(s, assemble, beam.GroupByKey(s, rows))
	p1 := beam.Combine(s, mergePass1, beam.ParDo(s, pass1Of, patients))
	sample := beam.CreateList(s, []rupture.SampleStats{})
	tally := beam.CreateList(s, []rupture.Tally{})
	gains := beam.CreateList(s, []GainSum{})
	lmm := beam.CreateList(s, []LMMPart{})
	if !c.NoRuptures {
		sample = beam.Combine(s, mergeSample, beam.ParDo(s, sampleOf, patients))
		tally = beam.Combine(s, mergeTally, beam.ParDo(s, &ruptureFn{Preset: c.Preset}, patients, beam.SideInput{Input: sample}))
	}
	if c.Cutoff > 0 {
		gains = beam.Combine(s, mergeGain, beam.ParDo(s, &gainFn{Cutoff: c.Cutoff, Losses: c.Losses, Score: c.Score}, patients, beam.SideInput{Input: p1}))
	}
	if c.Sessions {
		lmm = beam.Combine(s, mergeLMM, beam.ParDo(s, &lmmFn{}, patients, beam.SideInput{Input: p1}))
	}
	beam.ParDo0(s, &writeFn{Config: c}, p1, beam.SideInput{Input: shards}, beam.SideInput{Input: sample}, beam.SideInput{Input: tally},
		beam.SideInput{Input: gains}, beam.SideInput{Input: lmm})
}
