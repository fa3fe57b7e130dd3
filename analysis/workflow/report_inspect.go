package workflow

import (
	"strings"

	"github.com/alliance-research/alliance/datasets"
)

// InputTable describes one input of a report as its analyses would read
// it: the columns, and the column each role resolves to, so that a front
// end can show the user what was detected before anything is run.
type InputTable struct {
	Role    string // "studies" or "sessions"
	Name    string // file or dataset name
	Rows    int
	Columns []string
	Roles   []ColumnRole
	// Multi is the field that takes several columns (e.g. "mods"), with
	// its label and the columns chosen.
	Multi, MultiLabel string
	Chosen            []string
	Notes             []string // how the file was read (e.g. a decoded encoding)
	// Err says why the table cannot be analysed as it stands (nil: it can).
	Err error
}

// ColumnRole is one column role of a table: the field (ReportFields) that
// names it and the column the analysis would use ("" when none was found).
type ColumnRole struct {
	Field  string // e.g. "r"
	Label  string // what the role is, e.g. "Correlation r"
	Column string
	// Default says what is used when no column is named and none was found
	// by name (e.g. "the study label when it repeats").
	Default string
}

// InspectReport resolves the column roles of a report's inputs with the
// report's options, as ReportContext would: the study columns of the
// meta-analysis and the session columns of the session analyses.
func InspectReport(in ReportInput, opt ReportOptions) []InputTable {
	var out []InputTable
	if src := in.Studies; src != nil {
		m := opt.Meta
		t := InputTable{Role: "studies", Name: src.Name, Rows: src.Rows, Columns: src.Columns, Multi: "mods", MultiLabel: "Moderators to test", Chosen: m.Mods}
		var c datasets.StudyColumns
		if s, err := src.Table.Studies(datasets.StudyColumns{Label: m.Study, R: m.R, N: m.N, Yi: m.Yi, Vi: m.Vi, Sei: m.Sei}, datasets.StudyOptions{}); err != nil {
			t.Err = err
		} else {
			c = s.Columns
		}
		cluster, esID, _ := strings.Cut(m.Cluster, "/")
		t.Roles = []ColumnRole{{Field: "study", Label: "Study label", Column: c.Label}, {Field: "r", Label: "Correlation r", Column: c.R},
			{Field: "n", Label: "Sample size n", Column: c.N}, {Field: "yi", Label: "Effect size yi", Column: c.Yi},
			{Field: "vi", Label: "Sampling variance vi", Column: c.Vi}, {Field: "sei", Label: "Standard error sei", Column: c.Sei},
			{Field: "cluster", Label: "Cluster (three-level outer level)", Column: cluster, Default: "the study label when it repeats"},
			{Field: "es-id", Label: "Effect-size id", Column: esID, Default: "es_id when present"}}
		t.Notes = noteTexts(src.Notes)
		out = append(out, t)
	}
	if src := in.Sessions; src != nil {
		t := InputTable{Role: "sessions", Name: src.Name, Rows: src.Rows, Columns: src.Columns}
		var c datasets.SessionColumns
		need := datasets.SessionOptions{RequireAlliance: true, RequireOutcome: true}
		if f := src.stream; src.Table == nil && f != nil { // a large file, read patient by patient
			if s, err := datasets.OpenSessionStream(f.path, datasets.StreamOptions{Read: f.read, Columns: opt.Sessions.Columns, Session: need}); err != nil {
				t.Err = err
			} else {
				c, t.Columns = s.Columns(), s.Header()
				_ = s.Close()
			}
		} else if s, err := src.Table.Sessions(opt.Sessions.Columns, need); err != nil {
			t.Err = err
		} else {
			c = s.Columns
		}
		t.Roles = []ColumnRole{{Field: "patient", Label: "Patient id", Column: c.Patient}, {Field: "therapist", Label: "Therapist id", Column: c.Therapist},
			{Field: "session", Label: "Session number", Column: c.Session}, {Field: "alliance", Label: "Alliance score", Column: c.Alliance},
			{Field: "outcome", Label: "Outcome score", Column: c.Outcome}}
		t.Notes = noteTexts(src.Notes)
		out = append(out, t)
	}
	return out
}

// noteTexts returns the notes' texts.
func noteTexts(notes []Note) []string {
	var out []string
	for _, n := range notes {
		out = append(out, n.Text)
	}
	return out
}
