package workflow

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"sort"
	"strings"

	"github.com/alliance-research/alliance/analysis/change"
	"github.com/alliance-research/alliance/analysis/panel"
	"github.com/alliance-research/alliance/analysis/rupture"
	"github.com/alliance-research/alliance/analysis/sessions"
	"github.com/alliance-research/alliance/datasets"
)

// ReportStreamBytes is the size above which a report reads its session
// file patient by patient (ReportSessionsSource) instead of whole: every
// session section then runs on the per-patient stages of 'alliance
// ruptures', 'alliance gains', 'alliance change' and 'alliance sessions'
// over two shared reads of the file, so that memory does not grow with
// the rows (beyond a few hundred bytes per patient). It is a variable so
// that a front end (or a test) may stream smaller files too.
var ReportStreamBytes int64 = StreamFallbackBytes

// sessionsFile is a session file read patient by patient.
type sessionsFile struct {
	path string
	read datasets.ReadOptions
}

// ReportSessionsSource reads the session input of a report. A delimited
// text or Parquet file larger than ReportStreamBytes is not read here: the
// Source names it, and the report's session analyses read it patient by
// patient (its rows must be grouped by patient, sorted by session within a
// patient; an error says how to sort a file that is not). Anything else —
// a smaller file, a workbook, standard input, an upload, an embedded
// dataset — is read whole (Input.Read).
func ReportSessionsSource(in Input, opt datasets.ReadOptions) (Source, error) {
	if in.Dataset != "" || in.Upload != nil || in.File == "" || in.File == "-" || !datasets.CanStream(in.File) {
		return in.Read(opt)
	}
	fi, err := os.Stat(in.File)
	if err != nil || fi.IsDir() || fi.Size() <= ReportStreamBytes {
		return in.Read(opt)
	}
	return Source{Name: in.File, stream: &sessionsFile{path: in.File, read: opt}}, nil
}

// TableFile is a table written beside a report's page: the full
// per-patient or per-episode table of an analysis whose page and
// results.json give only summaries and the first rows. Path is relative to
// the report directory ("tables/ruptures-patients.csv").
type TableFile struct {
	Path string
	Data []byte
}

// TableFiles are the tables the part writes beside a report's page.
func (p *sessionPart) TableFiles() []TableFile { return p.files }

// attach keeps the CSV in buf as the table file name (tables/NAME.csv) and
// returns its path.
func (p *sessionPart) attach(name string, buf *bytes.Buffer) string {
	path := "tables/" + name + ".csv"
	p.files = append(p.files, TableFile{Path: path, Data: buf.Bytes()})
	return path
}

// tablesNote says in the section where the full tables are.
func (p *sessionPart) tablesNote(what []string) {
	if p.sec == nil || len(what) == 0 {
		return
	}
	p.sec.P(NoteText, "The full tables are beside this page, as CSV: "+andList(what)+". The page and results.json give the summaries only.")
}

// reportTables are the writers of a part's full tables while the report
// runs; keep attaches the tables when the part's lists were left out.
type reportTables struct{ a, b bytes.Buffer }

// maxJacobsonTruax is the most patients the report's Jacobson–Truax plot
// draws (every k-th patient beyond; all are in the table beside the page).
const maxJacobsonTruax = 2000

// boundChange bounds a report's reliable-change part: beyond ListLimit
// patients the per-patient classification is written beside the page
// (tables/change-persons.csv) instead of into results.json, and the
// Jacobson–Truax plot draws every k-th patient, its caption says so.
func boundChange(r *ChangeRun) {
	if r == nil || r.Result == nil || len(r.Persons) <= ListLimit {
		return
	}
	var b bytes.Buffer
	if err := writeCSVTable(&b, r.Tidy()); err != nil {
		return // a buffer cannot fail
	}
	path := r.attach("change-persons", &b)
	n := len(r.Persons)
	r.ListsOmitted = &ListsOmitted{Patients: n, Limit: ListLimit, How: "the full per-patient table is " + path + " beside the report's page"}
	if r.sec != nil {
		for _, bl := range r.sec.Blocks {
			f, ok := bl.(*Figure)
			if !ok || f.Name != "jacobson-truax" {
				continue
			}
			spec, ok := f.Spec.(JacobsonTruaxSpec)
			if !ok {
				continue
			}
			step := (n + maxJacobsonTruax - 1) / maxJacobsonTruax
			shown := *r.Result
			shown.Persons = nil
			for k := 0; k < n; k += step {
				shown.Persons = append(shown.Persons, r.Persons[k])
			}
			spec.Change = &shown
			f.Spec = spec
			f.Caption += fmt.Sprintf(" Shown: %d of the %d patients (every %s in file order); the categories and their counts are those of all patients.", len(shown.Persons), n, ordinal(step))
		}
	}
	r.tablesNote([]string{"the classification of every patient (pre, post, change, RCI, category) in " + path})
	r.note(Info, "%d patients: the per-patient classification of reliable change is not listed in results.json; it is in %s beside the page.", n, path)
	r.Persons = nil
}

// writeCSVTable writes t's columns and rows as CSV.
func writeCSVTable(w io.Writer, t *Table) error {
	cw := csv.NewWriter(w)
	_ = cw.Write(t.Columns)
	for _, row := range t.Rows {
		_ = cw.Write(row)
	}
	cw.Flush()
	return cw.Error()
}

// reportRupturesTables makes the ruptures part write its full tables into
// tb, and says where they go when they are left out of the page.
func reportRupturesTables(ro *RupturesOptions, tb *reportTables) {
	ro.EpisodesTo, ro.PatientsTo = &tb.a, &tb.b
	ro.tablesHow = "the full tables are beside the report's page: tables/ruptures-episodes.csv (one row per episode) and tables/ruptures-patients.csv (one row per patient)"
}

// keepRupturesTables attaches the ruptures tables when the lists were left
// out (more than ListLimit patients).
func keepRupturesTables(r *RupturesRun, tb *reportTables) {
	if r.ListsOmitted == nil {
		return
	}
	ep := r.attach("ruptures-episodes", &tb.a)
	pp := r.attach("ruptures-patients", &tb.b)
	r.tablesNote([]string{"the " + fmt.Sprint(r.Summary.Episodes) + " episodes in " + ep, "the " + fmt.Sprint(r.Summary.Patients) + " patients' classes and counts in " + pp})
}

// reportGainsTables makes the gains part write its gain table into tb.
func reportGainsTables(g *GainsOptions, tb *reportTables) {
	g.EpisodesTo = &tb.a
	g.tablesHow = "the full table of the gains (one row per gain, as suddengains' create_bysg) is tables/gains-bysg.csv beside the report's page"
}

func keepGainsTables(r *GainsRun, tb *reportTables) {
	if r.ListsOmitted == nil {
		return
	}
	p := r.attach("gains-bysg", &tb.a)
	r.tablesNote([]string{"the " + fmt.Sprint(r.Summary.TotalN) + " sudden " + r.word() + " (one row per " + r.one() + ", as suddengains' create_bysg) in " + p})
}

// streamRequired are the roles the report's session sections need.
func streamRequired(omit map[string]bool) datasets.SessionOptions {
	return datasets.SessionOptions{
		RequireAlliance: !omit[OmitSessions] || !omit[OmitPanel] || !omit[OmitRuptures],
		RequireOutcome:  !omit[OmitSessions] || !omit[OmitPanel] || !omit[OmitGains] || !omit[OmitChange],
	}
}

// momentAcc accumulates one session's scores for its mean and SD in two
// passes: n and Σx, then Σ(x − x̄₀) and Σ(x − x̄₀)² about x̄₀ = Σx/n.
type momentAcc struct {
	n         int
	sum, t, q float64
}

// trajectoryAcc are the per-session accumulators of one score.
type trajectoryAcc map[int]*momentAcc

func (a trajectoryAcc) pass1(session []int, x []float64) {
	for i, s := range session {
		m := a[s]
		if m == nil {
			m = &momentAcc{}
			a[s] = m
		}
		if v := x[i]; !math.IsNaN(v) && !math.IsInf(v, 0) {
			m.n++
			m.sum += v
		}
	}
}

func (a trajectoryAcc) pass2(session []int, x []float64) {
	for i, s := range session {
		if v := x[i]; !math.IsNaN(v) && !math.IsInf(v, 0) {
			m := a[s]
			d := v - m.sum/float64(m.n)
			m.t += d
			m.q += d * d
		}
	}
}

// means are the session means with their intervals, as sessionMeans
// computes them from the rows (to rounding: the sum of squares about the
// mean is Σ(x − x̄₀)² − (Σ(x − x̄₀))²/n).
func (a trajectoryAcc) means(level float64) []SessionMean {
	keys := make([]int, 0, len(a))
	for s := range a {
		keys = append(keys, s)
	}
	sort.Ints(keys)
	out := make([]SessionMean, 0, len(keys))
	for _, s := range keys {
		m := a[s]
		mean, sd := math.NaN(), math.NaN()
		if m.n > 0 {
			m0 := m.sum / float64(m.n)
			mean = m0
			if !math.IsInf(m0, 0) {
				mean = m0 + m.t/float64(m.n)
			}
			if m.n > 1 {
				sd = math.Sqrt(math.Max(0, m.q-m.t*m.t/float64(m.n)) / float64(m.n-1))
			}
		}
		out = append(out, sessionMean(s, m.n, mean, sd, level))
	}
	return out
}

// sessionsStream is the report's session model read patient by patient:
// the first model's statistics in pass 1, the concurrent model's in pass
// 2 (so that one model's statistics are held at a time), the trajectories'
// moments over both passes and the figures' patient samples in pass 2.
type sessionsStream struct {
	run    *SessionsRun
	models []sessions.Model
	cols   sessions.Columns
	st     *sessions.Stats
	fits   []*sessions.Result
	errs   []error
	traj   map[string]trajectoryAcc
	k      int // patients seen in pass 2
	total  int
	steps  map[int]int
	done   []chan struct{}
}

func newSessionsStream(src Source, opt SessionsOptions, found datasets.SessionColumns) (*sessionsStream, error) {
	opt, err := opt.withDefaults()
	if err != nil {
		return nil, err
	}
	run := &SessionsRun{DataName: src.Label(), opt: opt, src: src, cols: found}
	run.hasTher = found.Therapist != ""
	run.hasAlliance = opt.Model != string(sessions.Growth) && found.Alliance != ""
	ss := &sessionsStream{run: run, models: opt.models(), traj: map[string]trajectoryAcc{}}
	ss.cols = sessions.Columns{Therapist: run.hasTher, Alliance: run.hasAlliance, Outcome: found.Outcome != ""}
	ss.fits, ss.errs = make([]*sessions.Result, len(ss.models)), make([]error, len(ss.models))
	if opt.Trajectories {
		if found.Alliance != "" {
			ss.traj["alliance"] = trajectoryAcc{}
		}
		ss.traj["outcome"] = trajectoryAcc{}
	}
	return ss, ss.begin(0)
}

// begin starts the statistics of model k.
func (ss *sessionsStream) begin(k int) error {
	if k >= len(ss.models) {
		ss.st = nil
		return nil
	}
	var err error
	ss.st, err = sessions.NewStats(ss.cols, ss.run.sessionsOptions(ss.models[k]))
	if err != nil && k == 0 {
		return err
	}
	ss.errs[k] = err
	return nil
}

// addStats adds a patient's rows to the statistics being accumulated: one
// sessions.Patient per therapist of the patient, in order of first
// appearance, as fitByPatient adds the rows of a table.
func (ss *sessionsStream) addStats(k int, p *datasets.Sessions) {
	if ss.st == nil || ss.errs[k] != nil {
		return
	}
	r := ss.run
	id := p.Patient.Levels[p.Patient.Codes[0]]
	one := sessions.Patient{ID: id, Session: p.Session, Outcome: p.Outcome}
	if r.hasAlliance {
		one.Alliance = p.Alliance
	}
	if !r.hasTher {
		ss.errs[k] = ss.st.AddPatient(one)
		return
	}
	codes := p.Therapist.Codes
	same := true
	for _, c := range codes {
		if c != codes[0] {
			same = false
			break
		}
	}
	if same {
		one.Therapist = p.Therapist.Value(0)
		ss.errs[k] = ss.st.AddPatient(one)
		return
	}
	var order []int32
	seen := map[int32]bool{}
	for _, c := range codes {
		if !seen[c] {
			seen[c] = true
			order = append(order, c)
		}
	}
	for _, c := range order {
		q := sessions.Patient{ID: id, Therapist: p.Therapist.Levels[c]}
		for i, ci := range codes {
			if ci != c {
				continue
			}
			q.Session = append(q.Session, p.Session[i])
			q.Outcome = append(q.Outcome, p.Outcome[i])
			if r.hasAlliance {
				q.Alliance = append(q.Alliance, p.Alliance[i])
			}
		}
		if ss.errs[k] = ss.st.AddPatient(q); ss.errs[k] != nil {
			return
		}
	}
}

func (ss *sessionsStream) pass1(p *datasets.Sessions) {
	ss.addStats(0, p)
	ss.total++
	for name, a := range ss.traj {
		a.pass1(p.Session, ss.score(name, p))
	}
}

func (ss *sessionsStream) score(name string, p *datasets.Sessions) []float64 {
	if name == "alliance" {
		return p.Alliance
	}
	return p.Outcome
}

// fitAsync fits the statistics of model k in a goroutine (the other
// core reads the file and runs the other stages meanwhile); wait waits
// for it.
func (ss *sessionsStream) fitAsync(k int) {
	st := ss.st
	ss.st = nil
	if k >= len(ss.models) || st == nil || ss.errs[k] != nil {
		return
	}
	done := make(chan struct{})
	ss.done = append(ss.done, done)
	go func() {
		defer close(done)
		ss.fits[k], ss.errs[k] = sessions.FitStatsConsuming(st)
	}()
}

func (ss *sessionsStream) wait() {
	for _, d := range ss.done {
		<-d
	}
	ss.done = nil
}

// between starts the first model's fit and the second's statistics.
func (ss *sessionsStream) between() error {
	ss.fitAsync(0)
	ss.steps = map[int]int{}
	ss.run.samples = map[int]*rowSample{}
	for _, limit := range []int{maxTrajectoryPatients, maxWithinBetween} {
		step := max(1, (ss.total+limit-1)/limit)
		ss.steps[limit] = step
		ss.run.samples[limit] = &rowSample{total: ss.total, step: step}
	}
	return ss.begin(1)
}

func (ss *sessionsStream) pass2(p *datasets.Sessions) {
	ss.addStats(1, p)
	for name, a := range ss.traj {
		a.pass2(p.Session, ss.score(name, p))
	}
	for limit, step := range ss.steps {
		if ss.k%step != 0 {
			continue
		}
		smp := ss.run.samples[limit]
		smp.kept++
		id := p.Patient.Levels[p.Patient.Codes[0]]
		for i, s := range p.Session {
			smp.patient = append(smp.patient, id)
			smp.session = append(smp.session, float64(s))
			smp.outcome = append(smp.outcome, p.Outcome[i])
			if p.Alliance != nil {
				smp.alliance = append(smp.alliance, p.Alliance[i])
			}
		}
	}
	ss.k++
}

// finish waits for the fits and composes the part; counts are the data
// counts of the reads.
func (ss *sessionsStream) finish(src Source, counts *RupturesPart) (*SessionsRun, error) {
	ss.wait()
	r := ss.run
	r.src, r.counts = src, counts
	if len(ss.traj) > 0 {
		r.Trajectories = map[string][]SessionMean{}
		for name, a := range ss.traj {
			r.Trajectories[name] = a.means(r.opt.Level)
		}
	}
	if err := r.finish(ss.fits, ss.errs); err != nil {
		return nil, err
	}
	return r, nil
}

// countRows adds a patient's rows to the data counts.
func countRows(c *RupturesPart, p *datasets.Sessions) {
	c.Rows += p.Len()
	c.Patients++
	for i := 0; i < p.Len(); i++ {
		if p.Therapist.Codes != nil {
			if t := p.Therapist.Value(i); i == 0 || t != p.Therapist.Value(i-1) {
				c.Therapists[t] = struct{}{}
			}
		}
		if p.Alliance != nil && math.IsNaN(p.Alliance[i]) {
			c.MissingAlliance++
		}
		if p.Outcome != nil && math.IsNaN(p.Outcome[i]) {
			c.MissingOutcome++
		}
	}
}

// panelStream collects the report's panel data patient by patient: the
// patients observed (both scores) at each session in pass 1, for the
// default waves, then each patient's wide row over those waves in pass 2
// (panel.Wide of the patient's rows): O(patients × waves) numbers, the
// data the RI-CLPM's FIML needs, never the long table.
type panelStream struct {
	run      *PanelRun
	cons     panel.Constraints
	observed map[int]int
	patients int
	waves    []int
	rows     [][]float64
	err      error
}

func newPanelStream(src Source, o ReportSessionOptions) (*panelStream, error) {
	opt, cons, err := ReportPanelOptions(o).withDefaults()
	if err != nil {
		return nil, err
	}
	return &panelStream{run: &PanelRun{DataName: src.Label(), Model: opt.Model, src: src, opt: opt}, cons: cons, observed: map[int]int{}}, nil
}

func (ps *panelStream) pass1(p *datasets.Sessions) {
	ps.patients++
	for i, s := range p.Session {
		if !math.IsNaN(p.Alliance[i]) && !math.IsNaN(p.Outcome[i]) {
			ps.observed[s]++ // a (patient, session) pair is unique
		}
	}
}

// between chooses the waves as panel.DefaultWaves does: the sessions
// observed for at least half of the patients, the first 12.
func (ps *panelStream) between(name string) {
	r := ps.run
	ps.waves = r.opt.Waves
	if ps.waves == nil {
		for s, n := range ps.observed {
			if 2*n >= ps.patients {
				ps.waves = append(ps.waves, s)
			}
		}
		sort.Ints(ps.waves)
		if len(ps.waves) > 12 {
			ps.waves = ps.waves[:12]
		}
		r.top = append(r.top, Note{Level: Info, Text: fmt.Sprintf("Waves: sessions %s, those observed for at least half of the patients (choose others explicitly).", joinInts(ps.waves))})
	}
	ps.err = r.checkWaves(name, ps.waves)
}

func (ps *panelStream) pass2(p *datasets.Sessions, ids []string) {
	if ps.err != nil {
		return
	}
	rows, _, err := panel.Wide(ids, p.Session, p.Alliance, p.Outcome, ps.waves)
	if err != nil {
		ps.err = err
		return
	}
	ps.rows = append(ps.rows, rows...)
}

// finish fits the model; like reportPanel, a panel the data cannot
// support leaves the section out with a warning giving the reason.
func (ps *panelStream) finish(cols datasets.SessionColumns) (*PanelRun, []Note) {
	var pr *PanelRun
	err := ps.err
	if err == nil {
		pr, err = ps.run.fit(ps.rows, ps.waves, ps.cons, cols)
	}
	ps.rows = nil
	if pr == nil {
		return nil, []Note{{Level: Warning, Text: "The random-intercept cross-lagged panel model was left out: " + err.Error() + ". Leave it out on request to silence this note, or fit it with other waves in the panel command."}}
	}
	return pr, nil
}

// changeFromPairs is the reliable-change part of the report from each
// patient's (first, last) pair, as Change makes it from the rows of a
// table (change.PairsFirstLast, then the classification).
func changeFromPairs(src Source, opt ChangeOptions, pairs []change.Pair) (*ChangeRun, error) {
	opt, err := opt.withDefaults()
	if err != nil {
		return nil, err
	}
	run := &ChangeRun{DataName: src.Label(), opt: opt, src: src, firstLst: true,
		roles: map[string]string{"patient": opt.Patient, "session": opt.Time, "outcome": opt.Score}}
	run.label = opt.Label
	if run.label == "" {
		run.label = opt.Score
	}
	if err := run.classify(pairs); err != nil {
		return nil, err
	}
	run.compose()
	run.release()
	return run, nil
}

// errNotStreamed says the report reads the file whole after all.
var errNotStreamed = errors.New("read whole")

// reportSessionsStream runs the report's session sections on a file read
// patient by patient in two passes, every stage fed from the same reads:
//
//	pass 1: the session model's statistics, the rupture rule's sample SD,
//	        the sudden gains' session range and first-session SD, each
//	        patient's (first, last) pair of reliable change, the panel's
//	        observed sessions, the trajectories' sums, the data counts;
//	pass 2: the concurrent model's statistics, the rupture stage, the
//	        sudden gains, the panel's wide rows, the trajectories' sums of
//	        squares and the figures' patient samples.
//
// Every stage is the one the commands run ('alliance ruptures', 'gains',
// 'sessions' on a large file; 'change' classifies the same pairs), so the
// numbers are theirs. It returns errNotStreamed when the file must be read
// whole instead (a study column: the IPD meta-analysis, and patients
// named within studies; AR(1) residuals, which the session model's
// statistics do not give).
func reportSessionsStream(src Source, o ReportSessionOptions, omit map[string]bool, step func(string) error) ([]Part, []Note, error) {
	if o.AR1 && !omit[OmitSessions] {
		return nil, nil, errNotStreamed
	}
	if err := step("reading the session data patient by patient"); err != nil {
		return nil, nil, err
	}
	f := src.stream
	cols := o.Columns
	cols.Extra = []string{}
	s, err := datasets.OpenSessionStream(f.path, datasets.StreamOptions{Read: f.read, Columns: cols, Session: streamRequired(omit)})
	if err != nil {
		return nil, nil, err
	}
	defer s.Close()
	src.Columns = s.Header()
	for _, h := range src.Columns {
		if strings.EqualFold(strings.TrimSpace(h), reportStudyColumn(o)) { // patients are qualified by study, and the IPD analysis needs the table
			return nil, nil, errNotStreamed
		}
	}
	r := &reportStream{src: src, o: o, omit: omit, s: s, found: s.Columns(), counts: &RupturesPart{Therapists: map[string]struct{}{}}}
	if err := r.stages(); err != nil {
		return nil, nil, err
	}
	if err := r.pass(r.first); err != nil {
		return nil, nil, err
	}
	if err := r.between(step); err != nil {
		return nil, nil, err
	}
	if err := step("ruptures and sudden gains"); err != nil {
		return nil, nil, err
	}
	if err := s.Rewind(); err != nil {
		return nil, nil, err
	}
	if err := r.pass(r.second); err != nil {
		return nil, nil, err
	}
	if r.sm != nil {
		r.sm.fitAsync(1) // beside the panel model
		defer r.sm.wait()
	}
	return r.finish(step)
}

// reportStream is the state of reportSessionsStream: the stages of the
// analyses not omitted (nil when omitted) and what pass 1 gathers.
type reportStream struct {
	src    Source
	o      ReportSessionOptions
	omit   map[string]bool
	s      *datasets.SessionStream
	found  datasets.SessionColumns
	counts *RupturesPart

	sm         *sessionsStream
	pn         *panelStream
	rst        *RupturesStage
	rpart      *RupturesPart
	sample     *rupture.SampleStats
	gs         *gainsStage
	rtab, gtab reportTables
	pairs      []change.Pair
	chg        *ChangeRun
	ids        []string
}

func wrapStage(what string, err error) error { return fmt.Errorf("%s: %w", what, err) }

// stages sets up the stage of each analysis not omitted, with the
// report's options for it.
func (r *reportStream) stages() error {
	var err error
	if !r.omit[OmitSessions] {
		if r.sm, err = newSessionsStream(r.src, ReportSessionsOptions(r.o), r.found); err != nil {
			return wrapStage("session model", err)
		}
	}
	if !r.omit[OmitPanel] {
		if r.pn, err = newPanelStream(r.src, r.o); err != nil {
			return wrapStage("panel model", err)
		}
	}
	if !r.omit[OmitRuptures] {
		ro := ReportRupturesOptions(r.o)
		reportRupturesTables(&ro, &r.rtab)
		if r.rst, err = NewRupturesStage(ro); err != nil {
			return wrapStage("ruptures", err)
		}
		if r.rst.NeedsSample() {
			r.sample = &rupture.SampleStats{}
		}
	}
	if !r.omit[OmitGains] {
		gopt := ReportGainsOptions(r.o)
		reportGainsTables(&gopt, &r.gtab)
		gopt.KeepGains = true // for the figure; a few per hundred sessions
		if gopt, err = gopt.withDefaults(); err != nil {
			return wrapStage("sudden gains", err)
		}
		gr := &GainsRun{DataName: r.src.Label(), opt: gopt, src: r.src, Direction: "gains"}
		if gopt.Losses {
			gr.Direction = "losses"
		}
		r.gs = newGainsStage(gr, r.found, "outcome")
	}
	return nil
}

// pass reads every patient of the file through add.
func (r *reportStream) pass(add func(p *datasets.Sessions) error) error {
	for {
		p, err := r.s.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if err := add(p); err != nil {
			return err
		}
	}
}

// idsOf repeats the patient's id for each of its rows.
func (r *reportStream) idsOf(p *datasets.Sessions) []string {
	id := p.Patient.Levels[p.Patient.Codes[0]]
	r.ids = r.ids[:0]
	for range p.Len() {
		r.ids = append(r.ids, id)
	}
	return r.ids
}

// first is pass 1 of one patient.
func (r *reportStream) first(p *datasets.Sessions) error {
	countRows(r.counts, p)
	if r.sm != nil {
		r.sm.pass1(p)
	}
	if r.pn != nil {
		r.pn.pass1(p)
	}
	if r.sample != nil {
		r.rst.Sample(r.sample, p)
	}
	if r.gs != nil {
		if err := r.gs.addRangeSD(p); err != nil {
			return wrapStage("sudden gains", err)
		}
	}
	if !r.omit[OmitChange] {
		pp, err := change.PairsFirstLast(r.idsOf(p), p.Session, p.Outcome)
		if err != nil {
			return wrapStage("reliable change", inputErr(datasets.Problem{File: r.s.Name(), Msg: err.Error()}))
		}
		r.pairs = append(r.pairs, pp...)
	}
	return nil
}

// between is what pass 1 allows before pass 2: the between-patient
// session model, reliable change from the pairs, the panel's waves, the
// rupture rule's sample statistics and the sudden gains' session range.
func (r *reportStream) between(step func(string) error) error {
	r.src.Rows = r.counts.Rows
	if r.sm != nil {
		r.sm.run.src.Rows, r.sm.run.src.Columns = r.src.Rows, r.src.Columns
		if err := step("session model"); err != nil {
			return err
		}
		if err := r.sm.between(); err != nil {
			return wrapStage("session model", err)
		}
	}
	if !r.omit[OmitChange] {
		if err := step("reliable change"); err != nil {
			return err
		}
		copt := ReportChangeOptions(r.o, map[string]string{"patient": r.found.Patient, "session": r.found.Session, "outcome": r.found.Outcome})
		var err error
		if r.chg, err = changeFromPairs(r.src, copt, r.pairs); err != nil {
			return wrapStage("reliable change", err)
		}
		r.pairs = nil
		boundChange(r.chg)
	}
	if r.pn != nil {
		r.pn.run.src = r.src
		r.pn.between(r.s.Name())
	}
	if r.rst != nil {
		if err := r.rst.Prepare(r.sample); err != nil {
			return wrapStage("ruptures", err)
		}
		r.rpart = r.rst.NewPart()
	}
	if r.gs != nil {
		r.gs.r.src = r.src
		if err := r.gs.fixRange(r.s.Name(), r.counts.Rows); err != nil {
			return wrapStage("sudden gains", err)
		}
		if err := r.gs.prepare(); err != nil {
			return wrapStage("sudden gains", err)
		}
	}
	return nil
}

// second is pass 2 of one patient.
func (r *reportStream) second(p *datasets.Sessions) error {
	if r.sm != nil {
		r.sm.pass2(p)
	}
	if r.pn != nil {
		r.pn.pass2(p, r.idsOf(p))
	}
	if r.rst != nil {
		if err := r.rst.Add(r.rpart, p); err != nil {
			return wrapStage("ruptures", err)
		}
	}
	if r.gs != nil {
		if err := r.gs.add(p); err != nil {
			return wrapStage("sudden gains", err)
		}
	}
	return nil
}

// finish fits what pass 2 gathered and returns the parts in the report's
// order: session model, panel, ruptures, sudden gains, reliable change.
func (r *reportStream) finish(step func(string) error) ([]Part, []Note, error) {
	var parts []Part
	var notes []Note
	var pr *PanelRun
	if r.pn != nil {
		if err := step("panel model"); err != nil {
			return nil, nil, err
		}
		var note []Note
		pr, note = r.pn.finish(r.found)
		notes = append(notes, note...)
	}
	if r.sm != nil {
		run, err := r.sm.finish(r.src, r.counts)
		if err != nil {
			return nil, nil, wrapStage("session model", err)
		}
		parts = append(parts, run)
	}
	if pr != nil {
		parts = append(parts, pr)
	}
	if r.rst != nil {
		if err := r.rst.flush(); err != nil {
			return nil, nil, wrapStage("ruptures", err)
		}
		run, err := r.rst.Finish(r.src, r.rpart)
		if err != nil {
			return nil, nil, wrapStage("ruptures", err)
		}
		keepRupturesTables(run, &r.rtab)
		parts = append(parts, run)
	}
	if gs := r.gs; gs != nil {
		if err := gs.finish(); err != nil {
			return nil, nil, wrapStage("sudden gains", err)
		}
		gs.r.src.Rows = r.src.Rows
		gs.r.compose()
		gs.r.release()
		keepGainsTables(gs.r, &r.gtab)
		parts = append(parts, gs.r)
	}
	if r.chg != nil {
		parts = append(parts, r.chg)
	}
	return parts, notes, nil
}
