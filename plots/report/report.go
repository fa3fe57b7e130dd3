package report

import (
	"errors"
	"fmt"
	"math"

	"github.com/alliance-research/alliance/datasets"
	"github.com/alliance-research/alliance/plots"
)

// Generator names the program in results.json; Save recognises a previous
// report by it.
const Generator = "alliance report"

// Source describes where one input table came from, for the data section.
type Source struct {
	// Name is the file name as given, or the embedded dataset's name.
	Name string `json:"name"`
	// Embedded is set for an embedded dataset; Simulated when its values
	// were made by the simulator (the report then says SIMULATED).
	Embedded  bool   `json:"embedded"`
	Simulated bool   `json:"simulated"`
	Title     string `json:"title,omitempty"`
	Citation  string `json:"citation,omitempty"`
	// Rows is the number of data rows read; Columns the file's header.
	Rows    int      `json:"rows"`
	Columns []string `json:"columns"`
}

// Command is a command line that reproduces part of the report.
type Command struct {
	Purpose string `json:"purpose"`
	Line    string `json:"line"`
}

// Options configures Build. The zero value gives the defaults documented on
// each field.
type Options struct {
	// Method is the τ² estimator of the meta-analysis (default REML).
	Method string
	// Level is the confidence level (default 0.95).
	Level float64
	// Reliability is the reliability of the outcome measure, used for the
	// reliable change index of sudden gains and of reliable change
	// (default 0.84, the test–retest reliability of the PHQ-9 reported by
	// Kroenke, Spitzer & Williams 2001). ReliabilityNote says where the
	// value comes from.
	Reliability     float64
	ReliabilityNote string
	// OutcomeLabel and AllianceLabel name the measures in text and axes
	// (defaults "outcome" and "alliance"). OutcomeHigherBetter says that
	// higher outcome scores are better (default: lower is better, as for
	// symptom measures).
	OutcomeLabel, AllianceLabel string
	OutcomeHigherBetter         bool
	// RupturePreset names a rupture.Preset for the rupture–repair analysis;
	// empty uses rupture.DefaultOptions.
	RupturePreset string
	// Cluster, when set, names the study-level column that nests effect
	// sizes (the outer level of the three-level model); empty detects
	// nesting from repeated study labels. Inner names the effect-size id
	// column (empty: one unit per row). NoThreeLevel skips the model.
	Cluster, Inner string
	NoThreeLevel   bool
	// Version is the program version printed in the methods paragraph.
	Version string
	// Date, if non-empty, is printed in the report; without it the output
	// carries no time stamp.
	Date string
	// Commands are the command lines that reproduce the numbers, supplied by
	// the caller (the command-line program knows its flags).
	Commands []Command
	// DPI of the PNG figures (default 200).
	DPI float64
	// NoPDF skips the PDF version of the figures.
	NoPDF bool
}

func (o Options) withDefaults() (Options, error) {
	if o.Method == "" {
		o.Method = "REML"
	}
	if o.Level == 0 {
		o.Level = 0.95
	}
	if o.Level > 1 && o.Level < 100 {
		o.Level /= 100
	}
	if !(o.Level > 0 && o.Level < 1) {
		return o, fmt.Errorf("report: confidence level %v: give a value between 0 and 1 (e.g. 0.95)", o.Level)
	}
	if o.Reliability == 0 {
		o.Reliability = 0.84
		if o.ReliabilityNote == "" {
			o.ReliabilityNote = "an assumed value: the test–retest reliability of the PHQ-9 (Kroenke, Spitzer & Williams, 2001); replace it with the reliability of your outcome measure"
		}
	}
	if !(o.Reliability > 0 && o.Reliability < 1) {
		return o, fmt.Errorf("report: outcome reliability %v: give a value between 0 and 1 (e.g. 0.84)", o.Reliability)
	}
	if o.OutcomeLabel == "" {
		o.OutcomeLabel = "outcome"
	}
	if o.AllianceLabel == "" {
		o.AllianceLabel = "alliance"
	}
	if o.Version == "" {
		o.Version = "dev"
	}
	if o.DPI == 0 {
		o.DPI = 200
	}
	return o, nil
}

// Input holds the typed data of a report: either part may be nil.
type Input struct {
	Studies        *datasets.Studies
	StudiesSource  Source
	Sessions       *datasets.Sessions
	SessionsSource Source
}

// Report is a built report: the results of every analysis, the figures and
// the document.
type Report struct {
	// Results is the content of results.json.
	Results Results
	// Figures are the report's figures in order of appearance.
	Figures []*Figure

	opt Options
	doc *document
	in  Input

	metaSec, sessSec        *section
	studyRoles, sessRoles   map[string]string
	studiesSrc, sessionsSrc Source
}

// Figure is one figure of the report.
type Figure struct {
	// Name is the file stem under figures/ (e.g. "forest").
	Name string
	// Caption is the figure's APA-style title and note.
	Title, Caption string
	// Figure is the plot.
	Figure *plots.Figure
}

// Results is the JSON document results.json: every number in the report.
type Results struct {
	Generator string  `json:"generator"`
	Version   string  `json:"version"`
	Date      string  `json:"date,omitempty"`
	Simulated bool    `json:"simulated"`
	Options   optJSON `json:"options"`

	Data     DataResults     `json:"data"`
	Meta     *MetaResults    `json:"meta,omitempty"`
	Sessions *SessionResults `json:"sessions,omitempty"`

	Figures  []FigureInfo `json:"figures"`
	RCode    RCode        `json:"r_code"`
	Commands []Command    `json:"commands"`
	Notes    []string     `json:"notes,omitempty"`
}

type optJSON struct {
	Method          string  `json:"method"`
	Level           float64 `json:"level"`
	Reliability     float64 `json:"reliability"`
	ReliabilityNote string  `json:"reliability_note,omitempty"`
	RupturePreset   string  `json:"rupture_preset,omitempty"`
}

// FigureInfo lists a figure's files, relative to the report directory.
type FigureInfo struct {
	Name  string   `json:"name"`
	Title string   `json:"title"`
	Files []string `json:"files"`
}

// RCode holds the equivalent R code of the analyses.
type RCode struct {
	Meta       string `json:"meta,omitempty"`
	ThreeLevel string `json:"three_level,omitempty"`
	Sessions   string `json:"sessions,omitempty"`
}

// DataResults describes what was read and what was dropped.
type DataResults struct {
	Studies  *DataPart `json:"studies,omitempty"`
	Sessions *DataPart `json:"sessions,omitempty"`
}

// DataPart is one input table: its source, the columns used in each role,
// and the rows an analysis dropped, with the reason.
type DataPart struct {
	Source  Source            `json:"source"`
	Roles   map[string]string `json:"roles"`
	Counts  map[string]int    `json:"counts"`
	Dropped []Dropped         `json:"dropped"`
}

// Dropped is a set of rows left out of one analysis.
type Dropped struct {
	Analysis string `json:"analysis"`
	N        int    `json:"n"`
	Unit     string `json:"unit"`
	Reason   string `json:"reason"`
}

// Build runs every analysis the inputs allow and assembles the report. A
// part that cannot be analysed (for example sessions without an outcome
// column) is reported with the reason instead of failing the whole report;
// Build fails only when there is nothing to report or the options are
// invalid.
func Build(in Input, opt Options) (*Report, error) {
	opt, err := opt.withDefaults()
	if err != nil {
		return nil, err
	}
	if in.Studies == nil && in.Sessions == nil {
		return nil, errors.New("report: no data: give study-level data, session data or both")
	}
	r := &Report{opt: opt, studiesSrc: in.StudiesSource, sessionsSrc: in.SessionsSource}
	r.Results = Results{
		Generator: Generator,
		Version:   opt.Version,
		Date:      opt.Date,
		Simulated: (in.Studies != nil && in.StudiesSource.Simulated) || (in.Sessions != nil && in.SessionsSource.Simulated),
		Options:   optJSON{Method: opt.Method, Level: opt.Level, Reliability: opt.Reliability, ReliabilityNote: opt.ReliabilityNote, RupturePreset: opt.RupturePreset},
		Commands:  opt.Commands,
	}
	if in.Studies != nil {
		part := &DataPart{Source: in.StudiesSource, Roles: map[string]string{}, Counts: map[string]int{"rows": in.Studies.K()}}
		r.Results.Data.Studies = part
		r.studyRoles = part.Roles
		mr, err := r.buildMeta(in.Studies, part)
		if err != nil {
			return nil, err
		}
		r.Results.Meta = mr
	}
	if in.Sessions != nil {
		part := &DataPart{Source: in.SessionsSource, Roles: map[string]string{}, Counts: map[string]int{"rows": in.Sessions.Len()}}
		r.Results.Data.Sessions = part
		r.sessRoles = part.Roles
		sr, err := r.buildSessions(in.Sessions, part)
		if err != nil {
			return nil, err
		}
		r.Results.Sessions = sr
	}
	for _, f := range r.Figures {
		info := FigureInfo{Name: f.Name, Title: f.Title, Files: []string{"figures/" + f.Name + ".svg", "figures/" + f.Name + ".png"}}
		if !opt.NoPDF {
			info.Files = append(info.Files, "figures/"+f.Name+".pdf")
		}
		r.Results.Figures = append(r.Results.Figures, info)
	}
	r.in = in
	r.doc = r.compose(in)
	return r, nil
}

// SetCommands replaces the command lines of the reproducibility section
// (Options.Commands), e.g. once the caller knows the report's results.
func (r *Report) SetCommands(c []Command) {
	r.opt.Commands = c
	r.Results.Commands = c
	r.doc = r.compose(r.in)
}

// addFigure appends a figure (or, when it could not be built, a note).
func (r *Report) addFigure(name, title, caption string, f *plots.Figure, err error) *Figure {
	if err != nil {
		r.Results.Notes = append(r.Results.Notes, fmt.Sprintf("figure %s not drawn: %v", name, err))
		return nil
	}
	fig := &Figure{Name: name, Title: title, Caption: caption, Figure: f}
	r.Figures = append(r.Figures, fig)
	return fig
}

// finite reports whether x is a finite number.
func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
