package workflow

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/alliance-research/alliance/analysis/apa"
	"github.com/alliance-research/alliance/datasets"
)

// Helpers shared by the session-level workflows (Sessions, Ruptures, Gains,
// Change): loading a session table, accounting for it, and formatting.

// loadSessions validates src as a session table with the given roles; a
// missing required role is an *datasets.InputError listing the columns found.
func loadSessions(src Source, cols datasets.SessionColumns, wide datasets.WideSpec, need datasets.SessionOptions) (*datasets.Sessions, error) {
	if src.Table == nil {
		return nil, invalid("Source", "no input table")
	}
	need.Wide = wide
	ss, err := src.Table.Sessions(cols, need)
	if err != nil {
		return nil, pooledStudiesHint(src, cols, err)
	}
	return ss, nil
}

// pooledStudiesHint explains a session table that pools several studies
// numbering their patients within each study: when the table has a "study"
// column and some patient id occurs in two studies, the rows of "patient 1"
// of study A and of study B interleave and the table reads as out of order.
// The first problem then says so and what to do, before the problems the
// loader found; any other error is returned as it is. Single-study commands
// do not pool studies on their own: that is the ipd command's analysis (and
// the report's, which identifies patients as study/id and says so).
func pooledStudiesHint(src Source, cols datasets.SessionColumns, err error) error {
	var in *datasets.InputError
	t := src.Table
	js := t.ColumnIndex("study")
	jp := roleIndex(t, cols.Patient, datasets.DefaultPatient)
	if !errors.As(err, &in) || js < 0 || jp < 0 || js == jp {
		return err
	}
	study, patient := t.Col(js).Strings(), t.Col(jp).Strings()
	i := firstShared(study, patient)
	if i < 0 {
		return err
	}
	f := slices.Index(patient, patient[i])
	p := datasets.Problem{File: t.Name, Line: t.Line(i), Column: t.Header[jp], Value: patient[i],
		Msg: fmt.Sprintf("is a patient of study %q (line %d) and of study %q (column %q): the file pools studies that number their patients within each study. Pool them with 'alliance ipd FILE' (or 'alliance report --sessions FILE', which identifies patients as study/id), analyse one study at a time, or make the patient ids unique across studies", study[f], t.Line(f), study[i], t.Header[js])}
	out := &datasets.InputError{Problems: append([]datasets.Problem{p}, in.Problems...), Total: in.Total + 1}
	if len(out.Problems) > datasets.MaxProblems {
		out.Problems = out.Problems[:datasets.MaxProblems]
	}
	return out
}

// sessionsDataPart accounts for a session table: the column of each role,
// the numbers of patients, therapists and rows, and missing scores.
func sessionsDataPart(src Source, ss *datasets.Sessions) *DataPart {
	d := &DataPart{Kind: "session", Source: src, Roles: map[string]string{}, Counts: map[string]int{}}
	c := ss.Columns
	for role, name := range map[string]string{"patient": c.Patient, "therapist": c.Therapist, "session": c.Session, "alliance": c.Alliance, "outcome": c.Outcome} {
		if name != "" {
			d.Roles[role] = name
		}
	}
	d.Counts["rows"] = ss.Len()
	d.Counts["patients"] = len(ss.Patient.Levels)
	if ss.Therapist.Codes != nil {
		d.Counts["therapists"] = len(ss.Therapist.Levels)
	}
	missing := func(v []float64) int {
		k := 0
		for _, x := range v {
			if math.IsNaN(x) {
				k++
			}
		}
		return k
	}
	if ss.Alliance != nil {
		d.Counts["missing alliance"] = missing(ss.Alliance)
	}
	if ss.Outcome != nil {
		d.Counts["missing outcome"] = missing(ss.Outcome)
	}
	return d
}

// sessionRange returns the smallest and largest session number.
func sessionRange(s []int) (lo, hi int) {
	lo, hi = math.MaxInt, math.MinInt
	for _, v := range s {
		lo, hi = min(lo, v), max(hi, v)
	}
	return lo, hi
}

// full formats a value with full precision for tidy CSV ("" for NaN).
func full(x float64) string {
	if math.IsNaN(x) {
		return ""
	}
	return strconv.FormatFloat(x, 'g', -1, 64)
}

// msd formats "M (SD)", or "" when M is undefined.
func msd(m, sd float64) string {
	if math.IsNaN(m) {
		return ""
	}
	return apa.Cell(m, 2) + " (" + apa.Cell(sd, 2) + ")"
}

// capitalise upper-cases the first letter (labels in headings and axes).
func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// shellArg quotes a command-line argument when it needs it.
func shellArg(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r == '-' || r == '_' || r == '.' || r == '/' || r == ',' || r == ':' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// command builds an alliance command line: the command, the data (FILE or
// --dataset NAME) and flag/value pairs (a value "" is a switch).
type command struct {
	parts []string
}

func newCommand(name string, src Source) *command {
	c := &command{parts: []string{"alliance", name}}
	switch {
	case src.Embedded:
		c.parts = append(c.parts, "--dataset", shellArg(src.Name))
	case src.Name != "":
		c.parts = append(c.parts, shellArg(src.Name))
	}
	return c
}

// flag adds --name value (value "" adds the switch alone).
func (c *command) flag(name, value string) {
	c.parts = append(c.parts, "--"+name)
	if value != "" {
		c.parts = append(c.parts, shellArg(value))
	}
}

// col adds --name value when the value is set.
func (c *command) col(name, value string) {
	if value != "" {
		c.flag(name, value)
	}
}

// roles adds the session role columns the user named.
func (c *command) roles(cols datasets.SessionColumns) {
	c.col("patient", cols.Patient)
	c.col("therapist", cols.Therapist)
	c.col("session", cols.Session)
	c.col("alliance", cols.Alliance)
	c.col("outcome", cols.Outcome)
}

func (c *command) String() string { return strings.Join(c.parts, " ") }

// rNum formats a number for R code.
func rNum(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

// rStr quotes a string for R code.
func rStr(s string) string { return strconv.Quote(s) }

// rReadSessions returns the R lines that read src into d and copy each
// named role column into the role's own name.
func rReadSessions(b *strings.Builder, src Source, roles map[string]string) {
	fmt.Fprintf(b, "d <- %s\n", src.RRead())
	keys := make([]string, 0, len(roles))
	for k := range roles {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, role := range keys {
		if col := roles[role]; col != "" && col != role {
			fmt.Fprintf(b, "d$%s <- d[[%q]]\n", role, col)
		}
	}
}

// levelPct is the confidence level in percent for flags ("95").
func levelPct(level float64) string { return strconv.FormatFloat(100*level, 'g', -1, 64) }

// checkLevel fills the default confidence level and checks it.
func checkLevel(level *float64) error {
	if *level == 0 {
		*level = 0.95
	}
	if !(*level > 0 && *level < 1) {
		return invalid("Level", "confidence level %v: give a proportion between 0 and 1 (e.g. 0.95)", *level)
	}
	return nil
}

// checkReliability refuses a reliability (the option named opt) outside
// (0, 1): 0 says the scores measure nothing reliably and 1 leaves no
// measurement error, so neither gives a reliable change criterion.
func checkReliability(opt string, r *float64) error {
	if r != nil && !(*r > 0 && *r < 1) {
		return invalid(opt, "reliability %v: give a value between 0 and 1, not including either (e.g. .8)", *r)
	}
	return nil
}

// allMissing reports whether every value of x is NaN (true when x is empty).
func allMissing(x []float64) bool {
	for _, v := range x {
		if !math.IsNaN(v) {
			return false
		}
	}
	return true
}

// optional returns the value of an optional number (NaN when not given).
func optional(p *float64) float64 {
	if p == nil {
		return math.NaN()
	}
	return *p
}

// sessionPart holds what every session-level Part returns besides its
// section: notes, methods, citations, steps and data accounting.
type sessionPart struct {
	sec     *Section
	top     []Note
	methods []string
	cites   []string
	steps   []Step
	data    *DataPart
	// files are full tables written beside a report's page (TableFiles).
	files []TableFile
}

// warnFirst puts a warning before the part's other notes.
func (p *sessionPart) warnFirst(text string) {
	p.top = append([]Note{{Level: Warning, Text: text}}, p.top...)
}

func (p *sessionPart) note(level NoteLevel, format string, a ...any) {
	p.top = append(p.top, Note{Level: level, Text: fmt.Sprintf(format, a...)})
}

func (p *sessionPart) cite(keys ...string) { p.cites = append(p.cites, keys...) }

func (p *sessionPart) Section() *Section { return p.sec }
func (p *sessionPart) Methods() string   { return strings.Join(p.methods, " ") }
func (p *sessionPart) Cites() []string {
	seen := map[string]bool{}
	var out []string
	for _, k := range p.cites {
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	return out
}
func (p *sessionPart) TopNotes() []Note { return p.top }
func (p *sessionPart) Steps() []Step    { return p.steps }
func (p *sessionPart) Data() *DataPart  { return p.data }

// scoreColumn returns the column of ss that holds a score: the outcome
// (name "" or the outcome's name), the alliance, or another numeric column.
func scoreColumn(ss *datasets.Sessions, name string) ([]float64, string, error) {
	switch {
	case name == "" || strings.EqualFold(name, ss.Columns.Outcome) || strings.EqualFold(name, "outcome"):
		if ss.Outcome == nil {
			return nil, "", inputErr(datasets.Problem{File: ss.Name, Msg: "no outcome column (outcome); columns are: " + strings.Join(sessionColumns(ss), ", "),
				Hint: "outcome", Advice: "name the column of the scores in the Score option"})
		}
		return ss.Outcome, ss.Columns.Outcome, nil
	case strings.EqualFold(name, ss.Columns.Alliance) || strings.EqualFold(name, "alliance"):
		if ss.Alliance == nil {
			return nil, "", inputErr(datasets.Problem{File: ss.Name, Msg: "no alliance column (alliance); columns are: " + strings.Join(sessionColumns(ss), ", "),
				Hint: "alliance", Advice: "name it in SessionColumns.Alliance"})
		}
		return ss.Alliance, ss.Columns.Alliance, nil
	}
	for _, v := range ss.Extra {
		if strings.EqualFold(v.Name, name) {
			if !v.Numeric {
				return nil, "", inputErr(datasets.Problem{File: ss.Name, Column: v.Name, Msg: "column is not numeric"})
			}
			return v.Num, v.Name, nil
		}
	}
	return nil, "", inputErr(datasets.Problem{File: ss.Name, Msg: fmt.Sprintf("column %q not found; columns are: %s", name, strings.Join(sessionColumns(ss), ", ")),
		Hint: "outcome", Advice: "name the column of the scores in the Score option"})
}

// sessionColumns lists the columns of a session table: the role columns
// present, then the others.
func sessionColumns(ss *datasets.Sessions) []string {
	var out []string
	c := ss.Columns
	for _, n := range []string{c.Patient, c.Therapist, c.Session, c.Alliance, c.Outcome} {
		if n != "" {
			out = append(out, n)
		}
	}
	for _, v := range ss.Extra {
		out = append(out, v.Name)
	}
	return out
}

// The session-level runs are document parts.
var (
	_ Part = (*SessionsRun)(nil)
	_ Part = (*RupturesRun)(nil)
	_ Part = (*GainsRun)(nil)
	_ Part = (*ChangeRun)(nil)
)

// release drops the part's reference to the parsed input table once the
// run is composed: the results, figure specifications and the source's
// description (name, rows, columns) are kept, so that a large table can be
// freed while the output is written.
func (p *sessionPart) release() {
	if p.data != nil {
		p.data.Source.Table = nil
	}
}
