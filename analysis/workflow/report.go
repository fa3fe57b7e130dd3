package workflow

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/alliance-research/alliance/datasets"
)

// ReportInput holds the tables of a report; either may be nil.
type ReportInput struct {
	Studies, Sessions *Source
}

// ReportSessionOptions are the user's choices for the session analyses of
// a report.
type ReportSessionOptions struct {
	// Columns name the session roles (empty: datasets defaults).
	Columns datasets.SessionColumns
	// AllianceLabel and OutcomeLabel name the measures in text and figures.
	AllianceLabel, OutcomeLabel string
	// Reliability of the outcome measure (sudden-gains cutoff and reliable
	// change); 0: DefaultReliability, said to be an assumption.
	// ReliabilitySource says where a given one comes from (empty: "the
	// value given").
	Reliability       float64
	ReliabilitySource string
	// HigherBetter: higher outcome scores are better (default: lower).
	HigherBetter bool
	// RupturePreset names a rupture criterion preset (empty: the default
	// rule).
	RupturePreset string
	// Level is the confidence level (default .95).
	Level float64
	// Centring, AR1 and MaxLagGap are the session model's choices (see
	// SessionsOptions; empty/zero: its defaults).
	Centring  string
	AR1       bool
	MaxLagGap int
	// Model is the session model (lagged, the default, reverse or
	// concurrent; the concurrent model is fitted beside a lagged one).
	Model string
	// RuptureK is the default (sd) rupture rule's number of SDs (see
	// RupturesOptions.K; zero: the rule's default or the preset's).
	RuptureK float64
	// GainsCutoff, when set, is the sudden-gains criterion 1 in points
	// instead of the reliable change value from Reliability.
	GainsCutoff *float64
	// Study names the study column of multi-study session data (default
	// "study"). When the table has it, the report adds an IPD
	// meta-analysis of the alliance effects across the studies.
	Study string
}

// Report section names accepted by ReportOptions.Omit.
const (
	OmitMeta     = "meta"
	OmitSessions = "sessions"
	OmitRuptures = "ruptures"
	OmitGains    = "gains"
	OmitChange   = "change"
	OmitPanel    = "panel"
	OmitIPD      = "ipd"
)

// ReportOptions are every choice of a report: the study-level meta-analysis
// as the user chose it (the report adds ReportMetaOptions), the session
// choices, the title page, and the sections to leave out.
type ReportOptions struct {
	Meta         MetaOptions
	NoThreeLevel bool
	// NoBias leaves out the publication-bias analyses (Egger, rank
	// correlation, trim-and-fill, fail-safe N), which a report runs by
	// default.
	NoBias   bool
	Sessions ReportSessionOptions
	Compose  ComposeOptions
	// Omit names sections left out on request (OmitMeta, OmitSessions,
	// OmitPanel, OmitIPD, OmitRuptures, OmitGains, OmitChange); the
	// document says so at the top. Nothing is left out otherwise: a role
	// column the session analyses need and cannot find is an input error.
	Omit []string
}

// ReportDemo is what a report analyses when it is given no data: the
// embedded demo-studies and demo-sessions, which are simulated, and the
// note that tells the user so before anything runs.
func ReportDemo() (studies, sessions string, note Note) {
	return "demo-studies", "demo-sessions", Note{Level: Warning,
		Text: "no study or session data given: reporting on the embedded demo-studies and demo-sessions (SIMULATED data); see 'alliance datasets describe demo-studies'"}
}

// Report runs every analysis of a report — the meta-analysis of the study
// table with ReportMetaOptions; the session model (lagged, with the
// concurrent model and trajectories), ruptures (with the sensitivity
// table), sudden gains (cutoff from the reliability) and reliable change
// (first vs last session) of the session table — and composes them. It
// returns the document and the parts in order (their typed results are the
// report's results.json).
func Report(in ReportInput, opt ReportOptions) (*Document, []Part, error) {
	return ReportContext(context.Background(), in, opt, nil)
}

// ReportContext is Report with cancellation and progress: ctx is checked
// before each analysis (an analysis already running finishes first, so a
// cancelled report returns ctx.Err() after at most one analysis), and
// progress, when not nil, is called with the name of each analysis as it
// starts ("meta-analysis", "session model", "ruptures", "sudden gains",
// "reliable change").
func ReportContext(ctx context.Context, in ReportInput, opt ReportOptions, progress func(stage string)) (*Document, []Part, error) {
	step := func(stage string) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if progress != nil {
			progress(stage)
		}
		return nil
	}
	if in.Studies == nil && in.Sessions == nil {
		return nil, nil, invalid("Data", "report: no data: give study-level data, session data or both")
	}
	omit := map[string]bool{}
	for _, o := range opt.Omit {
		o = strings.ToLower(strings.TrimSpace(o))
		if !slices.Contains(ReportSections, o) {
			return nil, nil, invalid("Omit", "section %q cannot be left out: give meta, sessions, panel, ipd, ruptures, gains or change", o)
		}
		omit[o] = true
	}
	co := opt.Compose
	if len(omit) > 0 {
		var names []string
		for _, o := range ReportSections {
			if omit[o] {
				names = append(names, omitName[o])
			}
		}
		co.Notes = append([]Note{{Level: Warning, Text: "Left out on request: " + andList(names) + "."}}, co.Notes...)
	}
	var parts []Part
	if in.Studies != nil && !omit[OmitMeta] {
		if err := step("meta-analysis"); err != nil {
			return nil, nil, err
		}
		mo := ReportMetaOptions(opt.Meta, opt.NoThreeLevel)
		if opt.NoBias { // the funnel plot shows trim-and-fill and Egger's line: it goes too
			mo.Bias = false
			mo.Figures = slices.DeleteFunc(mo.Figures, func(f string) bool { return f == "funnel" })
		}
		m, err := Meta(*in.Studies, mo)
		if err != nil {
			return nil, nil, err
		}
		parts = append(parts, m)
	}
	if in.Sessions != nil {
		sp, notes, err := reportSessions(*in.Sessions, opt.Sessions, omit, step)
		if err != nil {
			return nil, nil, err
		}
		parts = append(parts, sp...)
		co.Notes = append(co.Notes, notes...)
	}
	if len(parts) == 0 {
		return nil, nil, invalid("Omit", "every section of the data given was left out: nothing to report")
	}
	return Compose(co, parts...), parts, nil
}

var omitName = map[string]string{
	OmitMeta:     "the meta-analysis",
	OmitSessions: "the session-by-session alliance→outcome model",
	OmitRuptures: "ruptures and repairs",
	OmitGains:    "sudden gains",
	OmitChange:   "reliable and clinically significant change",
	OmitPanel:    "the random-intercept cross-lagged panel model",
	OmitIPD:      "the IPD meta-analysis across studies",
}

// ReportSessionsOptions are the report's choices for the session model.
func ReportSessionsOptions(o ReportSessionOptions) SessionsOptions {
	lagged := o.Model == "" || strings.EqualFold(o.Model, "lagged")
	return SessionsOptions{Columns: o.Columns, Model: o.Model, Concurrent: lagged, Trajectories: true, Level: o.Level,
		AllianceLabel: o.AllianceLabel, OutcomeLabel: o.OutcomeLabel, Centring: o.Centring, AR1: o.AR1, MaxLagGap: o.MaxLagGap}
}

// ReportPanelOptions are the report's choices for the panel model: the
// RI-CLPM with the four lagged paths equal over sessions (one within-person
// effect per path, the summary Falkenström et al. 2024 recommend), on the
// sessions observed for at least half of the patients.
func ReportPanelOptions(o ReportSessionOptions) PanelOptions {
	return PanelOptions{Columns: o.Columns, Stationary: true, Level: o.Level}
}

// ReportRupturesOptions are the report's choices for ruptures and repairs.
func ReportRupturesOptions(o ReportSessionOptions) RupturesOptions {
	r := RupturesOptions{Columns: o.Columns, Preset: o.RupturePreset, HigherBetter: o.HigherBetter,
		Sensitivity: true, NoSessionModel: true, Level: o.Level, AllianceLabel: o.AllianceLabel, OutcomeLabel: o.OutcomeLabel}
	if o.RuptureK != 0 { // 0: the rule's default
		r.K = &o.RuptureK
	}
	return r
}

// DefaultReliability is the report's outcome reliability when none is
// given: the PHQ-9's test–retest reliability, .84 (Kroenke, Spitzer &
// Williams, 2001). The methods text says it is an assumption.
const DefaultReliability = 0.84

// reliability is the outcome reliability the report uses and the words
// that say where it comes from.
func (o ReportSessionOptions) reliability() (float64, string) {
	if o.Reliability == 0 {
		return DefaultReliability, "an assumed value: the test–retest reliability of the PHQ-9 (Kroenke, Spitzer & Williams, 2001); replace it with the reliability of the measure used"
	}
	if o.ReliabilitySource == "" {
		return o.Reliability, "the value given"
	}
	return o.Reliability, o.ReliabilitySource
}

// ReportGainsOptions are the report's choices for sudden gains: the cutoff
// from the reliability, losses when higher scores are better.
func ReportGainsOptions(o ReportSessionOptions) GainsOptions {
	r, src := o.reliability()
	g := GainsOptions{Columns: o.Columns, ReliabilitySource: src, Losses: o.HigherBetter, Level: o.Level, Label: o.OutcomeLabel}
	if o.GainsCutoff != nil {
		c := *o.GainsCutoff
		g.Cutoff = &c
		return g
	}
	g.Reliability = &r
	return g
}

// ReportChangeOptions are the report's choices for reliable change: each
// patient's first and last outcome score, with the session and outcome
// columns the session model resolved (roles).
func ReportChangeOptions(o ReportSessionOptions, roles map[string]string) ChangeOptions {
	r, src := o.reliability()
	return ChangeOptions{Patient: roles["patient"], Time: roles["session"], Score: roles["outcome"],
		ReliabilitySource: src, HigherBetter: o.HigherBetter, Label: o.OutcomeLabel, Reliability: &r, ListAll: true}
}

// reportPanel fits the report's panel model. A role the data lack is an
// error (as for every session analysis); a panel the data cannot support —
// fewer than three waves, a model that is not identified or does not
// converge to an admissible solution — leaves the section out with a
// warning at the top of the report that gives the reason, so the rest of
// the report is not lost to it and the omission is never silent.
//
// rolesChecked says the session model has already resolved the same roles
// on the same table, so the table is not read a second time for them.
func reportPanel(src Source, o ReportSessionOptions, rolesChecked bool) (*PanelRun, []Note, error) {
	if !rolesChecked {
		if _, err := loadSessions(src, o.Columns, datasets.WideSpec{}, datasets.SessionOptions{RequireOutcome: true, RequireAlliance: true}); err != nil {
			return nil, nil, err
		}
	}
	pr, err := Panel(src, ReportPanelOptions(o))
	if pr == nil {
		return nil, []Note{{Level: Warning, Text: "The random-intercept cross-lagged panel model was left out: " + err.Error() + ". Leave it out on request to silence this note, or fit it with other waves in the panel command."}}, nil
	}
	return pr, nil, nil // a fit that stopped early says so in its own top note
}

func reportSessions(src Source, o ReportSessionOptions, omit map[string]bool, step func(string) error) ([]Part, []Note, error) {
	if src.stream != nil {
		parts, notes, err := reportSessionsStream(src, o, omit, step)
		if !errors.Is(err, errNotStreamed) {
			return parts, notes, err
		}
		if src, err = (Input{File: src.stream.path}).Read(src.stream.read); err != nil {
			return nil, nil, err
		}
	}
	var parts []Part
	wrap := func(what string, err error) error { return fmt.Errorf("%s: %w", what, err) }
	roles := map[string]string{}
	ipdSrc := src
	src, notes, err := qualifyByStudy(src, o)
	if err != nil {
		return nil, nil, err
	}
	if !omit[OmitSessions] {
		if err := step("session model"); err != nil {
			return nil, nil, err
		}
		s, err := Sessions(src, ReportSessionsOptions(o))
		if err != nil {
			return nil, nil, wrap("session model", err)
		}
		parts = append(parts, s)
		roles = s.Data().Roles
	}
	if !omit[OmitPanel] {
		if err := step("panel model"); err != nil {
			return nil, nil, err
		}
		pr, note, err := reportPanel(src, o, !omit[OmitSessions])
		if err != nil {
			return nil, nil, wrap("panel model", err)
		}
		if pr != nil {
			parts = append(parts, pr)
		}
		notes = append(notes, note...)
	}
	if !omit[OmitIPD] && hasStudyColumn(ipdSrc, o) {
		if err := step("IPD meta-analysis"); err != nil {
			return nil, nil, err
		}
		ir, note := reportIPD(ipdSrc, o)
		if ir != nil {
			parts = append(parts, ir)
		}
		notes = append(notes, note...)
	}
	if !omit[OmitRuptures] {
		if err := step("ruptures"); err != nil {
			return nil, nil, err
		}
		var tb reportTables
		ro := ReportRupturesOptions(o)
		reportRupturesTables(&ro, &tb)
		r, err := Ruptures(src, ro)
		if err != nil {
			return nil, nil, wrap("ruptures", err)
		}
		keepRupturesTables(r, &tb)
		parts = append(parts, r)
		if len(roles) == 0 && r.Data() != nil {
			roles = r.Data().Roles
		}
	}
	if !omit[OmitGains] {
		if err := step("sudden gains"); err != nil {
			return nil, nil, err
		}
		var tb reportTables
		gopt := ReportGainsOptions(o)
		reportGainsTables(&gopt, &tb)
		g, err := Gains(src, gopt)
		if err != nil {
			return nil, nil, wrap("sudden gains", err)
		}
		keepGainsTables(g, &tb)
		parts = append(parts, g)
		if len(roles) == 0 && g.Data() != nil {
			roles = g.Data().Roles
		}
	}
	if !omit[OmitChange] {
		if err := step("reliable change"); err != nil {
			return nil, nil, err
		}
		if len(roles) == 0 {
			roles = map[string]string{"patient": o.Columns.Patient, "session": o.Columns.Session, "outcome": o.Columns.Outcome}
		}
		c, err := Change(src, ReportChangeOptions(o, roles))
		if err != nil {
			return nil, nil, wrap("reliable change", err)
		}
		boundChange(c)
		parts = append(parts, c)
	}
	return parts, notes, nil
}
