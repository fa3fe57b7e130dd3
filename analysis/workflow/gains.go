package workflow

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/alliance-research/alliance/analysis/change"
	"github.com/alliance-research/alliance/datasets"
)

// GainsOptions are every choice of a sudden-gains (or sudden-losses)
// analysis with the criteria of Tang & DeRubeis (1999) as suddengains
// 0.7.2's create_bysg and create_byperson. The zero value needs one of
// Cutoff, Reliability or NoCutoff for the first criterion; the others are
// the package's defaults.
type GainsOptions struct {
	// Columns name the session roles (empty: datasets defaults); Wide
	// describes wide data (one column per session).
	Columns datasets.SessionColumns
	Wide    datasets.WideSpec
	// Score is the column of long data holding the scores (default: the
	// outcome; "alliance" or another numeric column). A front end names it
	// with its outcome control: the scores are the outcome of this
	// analysis.
	Score string
	// First and Last bound the sessions examined (default: all).
	First, Last *int
	// Losses identifies sudden losses (scores rise; identify = "sl").
	Losses bool

	// Criterion 1: Cutoff (a positive number of points), or the reliable
	// change value from Reliability (and SD; default the SD of the first
	// session's scores; define_crit1_cutoff), or NoCutoff.
	Cutoff, Reliability, SD *float64
	NoCutoff                bool
	// CutoffFromRCI says criterion 1 is to come from Reliability (the
	// reliable change value): it makes a missing Reliability an error
	// instead of a need for some criterion 1.
	CutoffFromRCI bool
	// ReliabilitySource says where the reliability comes from.
	ReliabilitySource string
	// Criterion 2: Pct (default .25) or NoPct; LossPctIntended applies it
	// to losses as the mirror of gains (the package does not restrict).
	Pct             float64
	NoPct           bool
	LossPctIntended bool
	// Criterion 3: NoStability, Alpha (default .05), CriticalValue fixed
	// instead of adjusted for missing sessions.
	NoStability   bool
	Alpha         float64
	CriticalValue *float64
	// BaselineFirst is identify_sg_1to2; ReversalFromN2 searches for
	// reversals from the second session after the gain.
	BaselineFirst, ReversalFromN2 bool
	// ByPerson adds create_byperson's one row per patient, Select choosing
	// the gain of a patient with several (first, last, smallest, largest).
	ByPerson bool
	Select   string
	// Level of the figure's confidence intervals (default .95).
	Level float64
	// Label names the score in sentences and the figure (default: the
	// score column).
	Label string

	// EpisodesTo and PatientsTo, when set, receive the full bysg table (one
	// row per gain) and, with ByPerson, the byperson table, as CSV.
	EpisodesTo, PatientsTo io.Writer
	// Progress, when set, is called now and then with the rows read and
	// the patients analysed (streaming only).
	Progress func(rows, patients int)
	// KeepGains keeps every gain in memory when a file is streamed (for
	// the figure and Tidy); by default GainsFile keeps them only up to
	// ListLimit patients, so that memory does not grow with the gains.
	KeepGains bool
	// tablesHow, when set, replaces the advice of ListsOmitted (the report
	// writes the full tables beside its page).
	tablesHow string
}

// GainsRun is a sudden-gains analysis; its JSON is the output of
// 'alliance gains'. Gains holds the sudden gains, or with Direction
// "losses" the sudden losses (one key for both).
type GainsRun struct {
	DataName  string                `json:"data"`
	Direction string                `json:"direction"`
	Criteria  GainsCriteria         `json:"criteria"`
	Gains     []change.Gain         `json:"gains"`
	Summary   change.GainSummary    `json:"summary"`
	ByPerson  []change.Person       `json:"byperson,omitempty"`
	Persons   *change.PersonSummary `json:"person_summary,omitempty"`
	RCI       *change.Crit1Cutoff   `json:"rci_cutoff,omitempty"`
	Patients  int                   `json:"patients"`
	// WithGain counts the patients with at least one gain (loss).
	WithGain int    `json:"patients_with_gain"`
	Sessions [2]int `json:"sessions"`

	// ListsOmitted says that the gain and patient lists were left out of
	// the output (more than ListLimit patients); nil when listed.
	ListsOmitted *ListsOmitted `json:"lists_omitted,omitempty"`

	sessionPart
	opt        GainsOptions
	src        Source
	ss         *datasets.Sessions
	cols       datasets.SessionColumns
	counts     *RupturesPart // data counts of a streamed file
	streamed   bool
	dropped    bool // the gains were not kept (GainsFile, large, no KeepGains)
	allGains   []change.Gain
	allPersons []change.Person
	label      string
	col        string
	crit       change.Criteria
}

// GainsCriteria are the criteria applied (cutoff negative for losses, as
// the package's sg_crit1_cutoff).
type GainsCriteria struct {
	Cutoff        *float64 `json:"cutoff"`
	Pct           *float64 `json:"pct"`
	Stability     bool     `json:"stability"`
	Alpha         float64  `json:"alpha"`
	CriticalValue *float64 `json:"critical_value,omitempty"`
	BaselineFirst bool     `json:"baseline_first"`
}

// Gains identifies sudden gains (or losses) as opt asks.
func Gains(src Source, opt GainsOptions) (*GainsRun, error) {
	if opt.Wide.Prefix == "" && len(opt.Wide.Columns) == 0 && src.Info != nil {
		opt.Wide = src.Info.Wide // an embedded wide dataset's own layout
	}
	opt, err := opt.withDefaults()
	if err != nil {
		return nil, err
	}
	run := &GainsRun{DataName: src.Label(), opt: opt, src: src, Direction: "gains"}
	if opt.Losses {
		run.Direction = "losses"
	}
	if err := run.fit(); err != nil {
		return nil, err
	}
	run.compose()
	run.release()
	run.ss = nil // keep only what the results and figures need
	if err := run.writeTables(); err != nil {
		return nil, err
	}
	return run, nil
}

func (o GainsOptions) withDefaults() (GainsOptions, error) {
	if o.PatientsTo != nil && !o.ByPerson {
		return o, invalid("PatientsTo", "the byperson table (one row per patient) needs the byperson analysis")
	}
	if o.Pct == 0 {
		o.Pct = 0.25
	}
	if o.Pct > 1 && o.Pct <= 100 {
		o.Pct /= 100
	}
	if !(o.Pct > 0 && o.Pct <= 1) {
		return o, invalid("Pct", "relative criterion %v: give a proportion (e.g. .25) or a percentage (25)", o.Pct)
	}
	if o.Alpha == 0 {
		o.Alpha = 0.05
	}
	if err := checkLevel(&o.Level); err != nil {
		return o, err
	}
	o.Select = strings.ToLower(o.Select)
	if o.Select == "" {
		o.Select = "first"
	}
	if _, err := change.ParseSelect(o.Select); err != nil {
		return o, invalid("Select", "%v", err)
	}
	if o.CutoffFromRCI && o.Reliability == nil {
		return o, invalid("Reliability", "criterion 1 from the reliable change index needs the reliability of the measure (e.g. .93)")
	}
	n := 0
	for _, b := range []bool{o.Cutoff != nil, o.Reliability != nil, o.NoCutoff} {
		if b {
			n++
		}
	}
	switch {
	case n == 0:
		return o, invalid("Cutoff", "give criterion 1: a cutoff in points (e.g. 7 for the BDI), a reliability for the reliable change value, or switch it off")
	case n > 1:
		return o, invalid("Cutoff", "give one of a cutoff, a reliability (the reliable change value) or no cutoff")
	case o.SD != nil && o.Reliability == nil:
		return o, invalid("SD", "an SD is used only with a reliability (the reliable change value)")
	case o.Cutoff != nil && !(*o.Cutoff > 0):
		return o, invalid("Cutoff", "cutoff %v: give the minimum change as a positive number of points (for losses too: the direction says which way)", *o.Cutoff)
	}
	if err := checkReliability("Reliability", o.Reliability); err != nil {
		return o, err
	}
	return o, nil
}

// Crit1FromReliability is criterion 1 from the reliability of the scale, as
// suddengains' define_crit1_cutoff: 1.96·√2·SD·√(1 − r), with SD the sample
// SD of the first session's scores of series when sd is NaN. The one place
// where the workflows derive a sudden-gain cutoff from a reliability.
func Crit1FromReliability(series []change.Series, sd, reliability float64) (change.Crit1Cutoff, error) {
	if math.IsNaN(sd) {
		first := make([]float64, 0, len(series))
		for _, s := range series {
			first = append(first, s.At(0))
		}
		sd = change.SampleSD(first)
	}
	return change.DefineCrit1Cutoff(sd, reliability)
}

func (r *GainsRun) fit() error {
	o := r.opt
	series, err := r.loadSeries()
	if err != nil {
		return err
	}
	r.Patients = len(series)
	c, err := r.criteria(series)
	if err != nil {
		return err
	}
	r.crit = c
	gains, err := change.ByGain(series, c)
	if err != nil {
		return invalid("Cutoff", "%v", err)
	}
	r.Gains = gains
	if r.Gains == nil {
		r.Gains = []change.Gain{}
	}
	r.Summary = change.DescribeGains(gains)
	people := map[string]bool{}
	for _, g := range gains {
		people[g.Patient] = true
	}
	r.WithGain = len(people)
	r.setCriteria()
	if o.ByPerson {
		sel, _ := change.ParseSelect(o.Select)
		persons, err := change.ByPerson(series, gains, sel)
		if err != nil {
			return invalid("Select", "%v", err)
		}
		r.ByPerson = persons
		ps := change.DescribePersons(persons)
		r.Persons = &ps
	}
	return nil
}

// setCriteria reports the criteria applied.
func (r *GainsRun) setCriteria() {
	c := r.crit
	r.Criteria = GainsCriteria{Stability: !c.NoStability, Alpha: c.Alpha, BaselineFirst: c.BaselineFirst}
	if !c.NoCutoff {
		r.Criteria.Cutoff = &r.crit.Cutoff
	}
	if !c.NoPct {
		r.Criteria.Pct = &r.crit.Pct
	}
	if c.FixedCritical {
		r.Criteria.CriticalValue = &r.crit.CriticalValue
	}
}

// loadSeries reads the session table, chooses the score column, its label
// and the session range (at least 4 sessions), and returns each patient's
// series of scores over that range.
func (r *GainsRun) loadSeries() ([]change.Series, error) {
	o := r.opt
	into := "outcome"
	if strings.EqualFold(o.Score, "alliance") {
		into = "alliance"
	}
	wide := o.Wide
	if wide.Prefix != "" || len(wide.Columns) > 0 {
		wide.Into = into
	}
	ss, err := loadSessions(r.src, o.Columns, wide, datasets.SessionOptions{})
	if err != nil {
		return nil, err
	}
	r.src.Table = nil // the session table holds what the analysis needs
	r.ss = ss
	r.cols = ss.Columns
	score, col, err := scoreColumn(ss, o.Score)
	if err != nil {
		return nil, err
	}
	r.col = col
	if col == "" {
		col = "score"
	}
	if allMissing(score) {
		return nil, inputErr(datasets.Problem{File: ss.Name, Column: col, Msg: fmt.Sprintf("has no scores: all %d values are missing, so no sudden gain can be looked for", len(score))})
	}
	r.label = o.Label
	if r.label == "" {
		r.label = col
		if wide.Prefix != "" {
			r.label = strings.TrimSuffix(strings.TrimSuffix(wide.Prefix, "s"), "_")
		}
	}
	lo, hi := sessionRange(ss.Session)
	first, last := lo, hi
	if o.First != nil {
		first = *o.First
	}
	if o.Last != nil {
		last = *o.Last
	}
	if last-first < 3 {
		return nil, invalid("First", "sessions %d..%d: sudden gains need at least 4 sessions", first, last)
	}
	r.Sessions = [2]int{first, last}
	var pid []string
	var sn []int
	var sc []float64
	for i, s := range ss.Session {
		if s >= first && s <= last {
			pid, sn, sc = append(pid, ss.Patient.Value(i)), append(sn, s), append(sc, score[i])
		}
	}
	series, err := change.SeriesFromLong(pid, sn, sc, first, last)
	if err != nil {
		return nil, inputErr(datasets.Problem{File: ss.Name, Msg: err.Error()})
	}
	return series, nil
}

// criteria sets the Tang & DeRubeis criteria from the options: direction,
// criterion 1 cutoff (none, from a reliability as a reliable change, or
// fixed; negative for losses), criteria 2 and 3 settings.
func (r *GainsRun) criteria(series []change.Series) (change.Criteria, error) {
	sd := optional(r.opt.SD)
	if r.opt.Reliability != nil && math.IsNaN(sd) {
		cc, err := Crit1FromReliability(series, sd, *r.opt.Reliability)
		if err != nil {
			return change.Criteria{}, invalid("Reliability", "%v", err)
		}
		sd = cc.SD
	}
	return r.criteriaSD(sd)
}

// criteriaSD is criteria with the SD of criterion 1's reliable change
// value known (NaN when not used).
func (r *GainsRun) criteriaSD(sd float64) (change.Criteria, error) {
	o := r.opt
	dir := change.Gains
	if o.Losses {
		dir = change.Losses
	}
	c := change.DefaultCriteria(dir, 0)
	c.Pct, c.NoPct, c.NoStability, c.Alpha = o.Pct, o.NoPct, o.NoStability, o.Alpha
	c.BaselineFirst, c.ReversalFromN2 = o.BaselineFirst, o.ReversalFromN2
	if o.CriticalValue != nil {
		c.FixedCritical, c.CriticalValue = true, *o.CriticalValue
	}
	if o.LossPctIntended {
		c.LossPct = change.LossPctIntended
	}
	switch {
	case o.NoCutoff:
		c.NoCutoff = true
	case o.Reliability != nil:
		cc, cerr := Crit1FromReliability(nil, sd, *o.Reliability)
		if cerr != nil {
			return c, invalid("Reliability", "%v", cerr)
		}
		r.RCI = &cc
		c.Cutoff = cc.ReliableChange
	default:
		c.Cutoff = math.Abs(*o.Cutoff)
	}
	if dir == change.Losses {
		c.Cutoff = -math.Abs(c.Cutoff)
	}
	return c, nil
}

// writeTables writes the bysg and byperson tables to opt.EpisodesTo and
// PatientsTo (GainsFile writes them as it reads).
func (r *GainsRun) writeTables() error {
	write := func(w io.Writer, t *Table) error {
		cw := csv.NewWriter(w)
		_ = cw.Write(t.Columns)
		for _, row := range t.Rows {
			_ = cw.Write(row)
		}
		cw.Flush()
		return cw.Error()
	}
	if w := r.opt.EpisodesTo; w != nil {
		if err := write(w, r.BySG()); err != nil {
			return err
		}
	}
	if w := r.opt.PatientsTo; w != nil && r.opt.ByPerson {
		return write(w, r.personTable(true))
	}
	return nil
}
