package workflow

import (
	"io"
	"math"
	"strings"

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
	K                           *float64
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
	Episodes                    bool // list every episode in the section (at most ListLimit patients)
	PlotPatients                []string
	Level                       float64
	AllianceLabel, OutcomeLabel string

	// SessionModelAlways fits the session-level model whatever the number
	// of rows (by default only up to SessionModelRows: it holds every row).
	SessionModelAlways bool
	// SessionModel is the same choice in words, as a user gives it: auto
	// (or "": up to SessionModelRows rows), true (always) or false (never,
	// NoSessionModel).
	SessionModel string
	// EpisodesTo and PatientsTo, when set, receive the full episode table
	// (the columns of Tidy) and the per-patient table (patientColumns) as
	// CSV, written patient by patient as the analysis runs.
	EpisodesTo, PatientsTo io.Writer
	// Progress, when set, is called now and then with the rows read and
	// the patients analysed so far.
	Progress func(rows, patients int)
	// tablesHow, when set, replaces the advice of ListsOmitted (the report
	// writes the full tables beside its page).
	tablesHow string
}

// RupturesRun is a rupture–repair analysis; its JSON is the output of
// 'alliance ruptures'.
type RupturesRun struct {
	DataName string `json:"data"`
	*rupture.Result
	Sensitivity []rupture.SensitivityRow `json:"sensitivity,omitempty"`
	EffectNotes []string                 `json:"effect_notes,omitempty"`
	// ListsOmitted says that the episode and patient lists were left out
	// (more than ListLimit patients) and how to get them; nil when listed.
	ListsOmitted *ListsOmitted `json:"lists_omitted,omitempty"`
	// SessionModel is the session-level mixed model of the outcome after
	// repaired and unrepaired ruptures.
	SessionModel *rupture.SessionModelResult `json:"session_model,omitempty"`
	// PlotPatients are the patients of the rupture figure.
	PlotPatients []string `json:"plot_patients,omitempty"`

	sessionPart
	opt        RupturesOptions
	src        Source
	series     []rupture.Series // the figure's patients
	plotResult *rupture.Result  // their episodes
	listed     bool
	hasOutcome bool
	counts     *RupturesPart
	cols       datasets.SessionColumns
}

// ListsOmitted is the note of a result whose per-patient and per-episode
// lists were not kept.
type ListsOmitted struct {
	Patients int    `json:"n_patients"`
	Episodes int    `json:"n_episodes"`
	Limit    int    `json:"limit"`
	How      string `json:"how"`
}

// Ruptures detects ruptures and repairs and relates the classes to the
// outcome as opt asks, on a table held in memory: it runs the per-patient
// stage (RupturesStage) over the table's patients, in order of their first
// rows, exactly as RupturesFile runs it over a file read patient by
// patient.
func Ruptures(src Source, opt RupturesOptions) (*RupturesRun, error) {
	st, err := NewRupturesStage(opt)
	if err != nil {
		return nil, err
	}
	ss, err := loadSessions(src, opt.Columns, datasets.WideSpec{}, datasets.SessionOptions{RequireAlliance: true})
	if err != nil {
		return nil, err
	}
	src.Table = nil // the session table holds what the analysis needs
	return runRupturesStage(st, src, &memoryPatients{pats: sessionPatients(ss)})
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
		}{{"Method", o.Method != ""}, {"K", o.K != nil}, {"SDSource", o.SDSource != ""}, {"Reference", o.Reference != ""},
			{"Window", o.Window != nil}, {"Threshold", o.Threshold != nil}, {"Percent", o.Percent != nil},
			{"Reliability", o.Reliability != nil}, {"RCISD", o.RCISD != 0}, {"LossCutoff", o.LossCutoff != nil},
			{"MaxGap", o.MaxGap != 0}, {"RepairWindow", o.RepairWindow != nil}, {"RepairFraction", o.RepairFraction != nil},
			{"RuptureMin", o.RuptureMin != nil}, {"ResolutionMin", o.ResolutionMin != nil}} {
			if f.given {
				return r, invalid(f.field, "the preset %s fixes the rupture rule: give the rule's parameters without a preset, or the preset alone", o.Preset)
			}
		}
		return r, nil
	}
	m := r.Method
	if o.Method != "" {
		var err error
		if m, err = rupture.ParseMethod(strings.ToLower(o.Method)); err != nil {
			return r, invalidOr("Method", err)
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
	if o.K != nil {
		r.K = *o.K
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
