package workflow

import (
	"math"
	"strings"

	"github.com/alliance-research/alliance/analysis/change"
	"github.com/alliance-research/alliance/analysis/rupture"
	"github.com/alliance-research/alliance/datasets"
)

// RupturesOptions are every choice of a rupture–repair analysis: the rule
// (a published preset, or the rule's parameters, zero meaning the
// documented default of rupture.DefaultOptions), the outcome effects, the
// session-level model, the sensitivity table and the figure.
type RupturesOptions struct {
	// Columns name the session roles (empty: datasets defaults).
	Columns datasets.SessionColumns

	// Preset names a published criterion (rupture.Presets); it fixes the
	// rule, so no rule parameter may be given with it.
	Preset string
	// Rule parameters (see rupture.Options): Method (sd, threshold,
	// percent, rci, sudden-loss, self-report; default sd; a Threshold or
	// Percent selects its method), K, SDSource, Reference, Window,
	// Reliability and RCISD (rci), LossCutoff (sudden-loss), RuptureItem,
	// ResolutionItem, RuptureMin, ResolutionMin (self-report), MaxGap,
	// RepairWindow, RepairFraction.
	Method, SDSource, Reference string
	K                           float64
	Window                      *int
	Threshold, Percent          *float64
	Reliability                 *float64
	RCISD                       float64
	LossCutoff                  *float64
	RuptureItem, ResolutionItem string
	RuptureMin, ResolutionMin   *float64
	MaxGap                      int
	RepairWindow                *int
	RepairFraction              *float64

	// Outcome effects (when the data have an outcome): Measure change
	// (default: last − first session) or post; HigherBetter; PreColumn and
	// PostColumn replace the first and last session's outcome.
	Measure                     string
	HigherBetter                bool
	PreColumn, PostColumn       string
	NoSessionModel              bool // skip the session-level mixed model
	Sensitivity                 bool // apply every preset side by side
	Episodes                    bool // list every episode in the section
	PlotPatients                []string
	Level                       float64
	AllianceLabel, OutcomeLabel string
}

// RupturesRun is a rupture–repair analysis; its JSON is the output of
// 'alliance ruptures'.
type RupturesRun struct {
	DataName string `json:"data"`
	*rupture.Result
	Sensitivity []rupture.SensitivityRow `json:"sensitivity,omitempty"`
	EffectNotes []string                 `json:"effect_notes,omitempty"`
	// SessionModel is the session-level mixed model of the outcome after
	// repaired and unrepaired ruptures.
	SessionModel *rupture.SessionModelResult `json:"session_model,omitempty"`
	// PlotPatients are the patients of the rupture figure.
	PlotPatients []string `json:"plot_patients,omitempty"`

	sessionPart
	opt    RupturesOptions
	src    Source
	ss     *datasets.Sessions
	series []rupture.Series
}

// Ruptures detects ruptures and repairs and relates the classes to the
// outcome as opt asks.
func Ruptures(src Source, opt RupturesOptions) (*RupturesRun, error) {
	if err := checkLevel(&opt.Level); err != nil {
		return nil, err
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
	run := &RupturesRun{DataName: src.Label(), opt: opt, src: src}
	ss, err := loadSessions(src, opt.Columns, datasets.WideSpec{}, datasets.SessionOptions{RequireAlliance: true})
	if err != nil {
		return nil, err
	}
	run.src.Table = nil // the session table holds what the analysis needs
	run.ss = ss
	outcomes, err := run.seriesOf()
	if err != nil {
		return nil, err
	}
	if opt.Preset != "" {
		run.Result, err = rupture.AnalyzePreset(run.series, opt.Preset)
	} else {
		run.Result, err = rupture.Analyze(run.series, ro)
	}
	if err != nil {
		return nil, invalid("Method", "%v", err)
	}
	if outcomes != nil {
		if err = run.effects(outcomes); err != nil {
			return nil, err
		}
	}
	if opt.Sensitivity {
		if run.Sensitivity, err = rupture.Sensitivity(run.series, nil); err != nil {
			return nil, invalid("Preset", "%v", err)
		}
	}
	if err := run.plotPatients(); err != nil {
		return nil, err
	}
	run.compose()
	run.release()
	run.src.Table, run.ss = nil, nil // keep only what the results and figures need
	return run, nil
}

// rule turns the options into detection options (validated by
// rupture.Analyze once the sample SDs are known).
func (o RupturesOptions) rule() (rupture.Options, error) {
	r := rupture.DefaultOptions()
	if o.Preset != "" {
		if _, err := rupture.Preset(o.Preset); err != nil {
			return r, invalid("Preset", "%v", err)
		}
		for _, f := range []struct {
			field string
			given bool
		}{{"Method", o.Method != ""}, {"K", o.K != 0}, {"SDSource", o.SDSource != ""}, {"Reference", o.Reference != ""},
			{"Window", o.Window != nil}, {"Threshold", o.Threshold != nil}, {"Percent", o.Percent != nil},
			{"Reliability", o.Reliability != nil}, {"RCISD", o.RCISD != 0}, {"LossCutoff", o.LossCutoff != nil},
			{"MaxGap", o.MaxGap != 0}, {"RepairWindow", o.RepairWindow != nil}, {"RepairFraction", o.RepairFraction != nil},
			{"RuptureMin", o.RuptureMin != nil}, {"ResolutionMin", o.ResolutionMin != nil}} {
			if f.given {
				return r, invalid(f.field, "the preset %s fixes the rupture rule; give %s without a preset, or the preset alone", o.Preset, f.field)
			}
		}
		return r, nil
	}
	m := r.Method
	if o.Method != "" {
		var err error
		if m, err = rupture.ParseMethod(strings.ToLower(o.Method)); err != nil {
			return r, invalid("Method", "%v", err)
		}
	}
	if o.Threshold != nil {
		if o.Method != "" && m != rupture.MethodThreshold {
			return r, invalid("Threshold", "a threshold selects the threshold method; it cannot be combined with the %s method", m)
		}
		m, r.Threshold = rupture.MethodThreshold, *o.Threshold
	}
	if o.Percent != nil {
		if o.Method != "" && m != rupture.MethodPercent {
			return r, invalid("Percent", "a percentage selects the percent method; it cannot be combined with the %s method", m)
		}
		m, r.Percent = rupture.MethodPercent, *o.Percent
	}
	r.Method = m
	switch {
	case m == rupture.MethodRCI && o.Reliability == nil:
		return r, invalid("Reliability", "the rci method needs the reliability of the alliance measure (e.g. .9)")
	case m == rupture.MethodPercent && o.Percent == nil:
		return r, invalid("Percent", "the percent method needs the percentage (e.g. 20)")
	case m == rupture.MethodSelfReport && o.RuptureItem == "":
		return r, invalid("RuptureItem", "the self-report method needs the column of the post-session rupture item")
	}
	for _, f := range []struct {
		field, what string
		given       bool
		method      rupture.Method
	}{{"Reliability", "a reliability", o.Reliability != nil, rupture.MethodRCI}, {"RCISD", "a reliable-change SD", o.RCISD != 0, rupture.MethodRCI},
		{"LossCutoff", "a sudden-loss cutoff", o.LossCutoff != nil, rupture.MethodSuddenLoss}} {
		if f.given && m != f.method { // never accepted and then ignored
			return r, invalid(f.field, "%s is used by the %s method only, and the rule is the %s method: choose the %s method or leave it out", f.what, f.method, m, f.method)
		}
	}
	if m == rupture.MethodRCI {
		if !(*o.Reliability >= 0 && *o.Reliability < 1) {
			return r, invalid("Reliability", "reliability %v: give a value from 0 up to, not including, 1 (e.g. .9)", *o.Reliability)
		}
		r.Reliability, r.RCISD = *o.Reliability, o.RCISD
	}
	if m == rupture.MethodSuddenLoss && o.LossCutoff != nil {
		r.SuddenLoss.NoCutoff, r.SuddenLoss.Cutoff = false, math.Abs(*o.LossCutoff)
	}
	if o.K != 0 {
		r.K = o.K
	}
	var err error
	if o.SDSource != "" {
		if r.SDSource, err = rupture.ParseSDSource(strings.ToLower(o.SDSource)); err != nil {
			return r, invalid("SDSource", "%v", err)
		}
	}
	if o.Reference != "" {
		if r.Reference, err = rupture.ParseReference(strings.ToLower(o.Reference)); err != nil {
			return r, invalid("Reference", "%v", err)
		}
	}
	if o.Window != nil {
		r.Window = *o.Window
	}
	r.MaxGap = o.MaxGap
	if o.RepairWindow != nil {
		if *o.RepairWindow < 1 {
			return r, invalid("RepairWindow", "repair window %d: give at least 1 session", *o.RepairWindow)
		}
		r.RepairWindow = *o.RepairWindow
	}
	if o.RepairFraction != nil {
		if !(*o.RepairFraction > 0) || math.IsInf(*o.RepairFraction, 0) {
			return r, invalid("RepairFraction", "repair fraction %v: give a positive part of the drop (1 = back to the reference)", *o.RepairFraction)
		}
		r.RepairFraction = *o.RepairFraction
	}
	if o.RuptureMin != nil {
		r.RuptureMin = *o.RuptureMin
	}
	if o.ResolutionMin != nil {
		r.ResolutionMin = *o.ResolutionMin
	}
	return r, nil
}

// seriesOf builds one alliance series per patient (with the post-session
// items of the self-report rule) and, with an outcome, each patient's
// first and last observed outcome.
func (r *RupturesRun) seriesOf() ([]rupture.Outcome, error) {
	ss, o := r.ss, r.opt
	var ritem, resitem []float64
	var err error
	if o.RuptureItem != "" {
		if ritem, _, err = scoreColumn(ss, o.RuptureItem); err != nil {
			return nil, err
		}
	}
	if o.ResolutionItem != "" {
		if resitem, _, err = scoreColumn(ss, o.ResolutionItem); err != nil {
			return nil, err
		}
	}
	var therapist []string
	if ss.Therapist.Codes != nil {
		therapist = ss.Therapist.Strings()
	}
	series, outcomes := rupture.SeriesFromRows(ss.Patient.Strings(), therapist, ss.Session, ss.Alliance, ss.Outcome)
	if ritem != nil || resitem != nil {
		index := make(map[string]int, len(series))
		for k, s := range series {
			index[s.Patient] = k
		}
		for i := 0; i < ss.Len(); i++ {
			s := &series[index[ss.Patient.Value(i)]]
			if ritem != nil {
				s.Rupture = append(s.Rupture, ritem[i])
			}
			if resitem != nil {
				s.Resolution = append(s.Resolution, resitem[i])
			}
		}
	}
	r.series = series
	if o.PreColumn != "" || o.PostColumn != "" {
		if outcomes == nil {
			outcomes = make([]rupture.Outcome, len(series))
			for k, s := range series {
				outcomes[k] = rupture.Outcome{Patient: s.Patient, Pre: math.NaN(), Post: math.NaN()}
			}
		}
		if err := r.prePost(outcomes); err != nil {
			return nil, err
		}
	}
	return outcomes, nil
}

// prePost replaces each patient's first/last-session outcome by the first
// non-missing value of the patient's rows in the pre and post columns.
func (r *RupturesRun) prePost(outcomes []rupture.Outcome) error {
	ss, o := r.ss, r.opt
	var pre, post []float64
	var err error
	if o.PreColumn != "" {
		if pre, _, err = scoreColumn(ss, o.PreColumn); err != nil {
			return err
		}
	}
	if o.PostColumn != "" {
		if post, _, err = scoreColumn(ss, o.PostColumn); err != nil {
			return err
		}
	}
	index := make(map[string]int, len(outcomes))
	for k, x := range outcomes {
		index[x.Patient] = k
		if pre != nil {
			outcomes[k].Pre = math.NaN()
		}
		if post != nil {
			outcomes[k].Post = math.NaN()
		}
	}
	for i := 0; i < ss.Len(); i++ {
		k := index[ss.Patient.Value(i)]
		if pre != nil && math.IsNaN(outcomes[k].Pre) {
			outcomes[k].Pre = pre[i]
		}
		if post != nil && math.IsNaN(outcomes[k].Post) {
			outcomes[k].Post = post[i]
		}
	}
	return nil
}

func (r *RupturesRun) effects(outcomes []rupture.Outcome) error {
	o := r.opt
	eo := rupture.DefaultEffectOptions()
	eo.Measure = rupture.OutcomeMeasure(o.Measure)
	if o.HigherBetter {
		eo.Better = change.Higher
	}
	eo.Level = o.Level
	er, err := r.Estimate(outcomes, eo)
	if err != nil {
		return invalid("Measure", "%v", err)
	}
	r.EffectNotes = er.Notes
	if !o.NoSessionModel && r.ss.Outcome != nil {
		ss := r.ss
		rows := make([]rupture.SessionRow, ss.Len())
		for i := range rows {
			rows[i] = rupture.SessionRow{Patient: ss.Patient.Value(i), Session: ss.Session[i], Outcome: ss.Outcome[i]}
			if ss.Therapist.Codes != nil {
				rows[i].Therapist = ss.Therapist.Value(i)
			}
		}
		sm, err := rupture.SessionModel(r.Result, rows, eo.Level)
		if err != nil {
			r.EffectNotes = append(r.EffectNotes, "session-level model not fitted: "+err.Error())
		} else {
			r.SessionModel = sm
		}
	}
	return nil
}

// plotPatients chooses the patients of the rupture figure: those named,
// else the first with a repaired rupture, else the first with any.
func (r *RupturesRun) plotPatients() error {
	if len(r.opt.PlotPatients) > 0 {
		known := map[string]bool{}
		for _, s := range r.series {
			known[s.Patient] = true
		}
		for _, p := range r.opt.PlotPatients {
			if !known[p] {
				return invalid("PlotPatients", "patient %q of the rupture plot is not in the data", p)
			}
		}
		r.PlotPatients = r.opt.PlotPatients
		return nil
	}
	for _, want := range []bool{true, false} {
		for _, ep := range r.Episodes {
			if ep.Repaired == want {
				r.PlotPatients = []string{ep.Patient}
				return nil
			}
		}
	}
	return nil
}

// RepairEffect is the repaired-vs-unrepaired contrast (nil when not
// estimated), the row exported for a meta-analysis.
func (r *RupturesRun) RepairEffect() *rupture.Effect {
	for i := range r.Effects {
		if r.Effects[i].Group1 == rupture.ClassRepaired && r.Effects[i].Group2 == rupture.ClassUnrepaired && !r.Effects[i].R.IsNA() {
			return &r.Effects[i]
		}
	}
	return nil
}
