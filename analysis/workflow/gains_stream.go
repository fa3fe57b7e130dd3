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

// GainsFile is Gains on a long session file read patient by patient
// (datasets.SessionStream), for registries too large to hold:
//
//   - pass 1 (only without both First and Last) reads the patient and
//     session columns for the session range; with a reliability and no SD,
//     a further projected pass reads the first session's scores for the
//     SD of the reliable change value;
//   - pass 2 is the per-patient map: the patient's series over the range,
//     its gains (change.Detector.Find), and with ByPerson its selected
//     gain; counts and change.GainTally / PersonTally merge by summation.
//
// The gains themselves (one record per gain, a few per hundred sessions)
// are kept for the figure and the tables; the JSON and text list them, and
// the patients, only up to ListLimit patients (ListsOmitted says so), and
// opt.EpisodesTo / PatientsTo receive the full bysg and byperson tables.
// A wide layout, a workbook or standard input is read whole (Gains); rows
// not grouped by patient are read whole when the file is at most
// StreamFallbackBytes, else refused with how to sort them. The result
// equals Gains' on the same file (tested).
func GainsFile(path string, read datasets.ReadOptions, opt GainsOptions) (*GainsRun, error) {
	o, err := opt.withDefaults()
	if err != nil {
		return nil, err
	}
	if o.Wide.Prefix != "" || len(o.Wide.Columns) > 0 || !datasets.CanStream(path) {
		return readWhole(path, read, "", func(src Source) (*GainsRun, error) { return Gains(src, opt) })
	}
	cols := o.Columns
	cols.Extra = []string{}
	role := "outcome"
	switch {
	case o.Score == "" || strings.EqualFold(o.Score, "outcome") || strings.EqualFold(o.Score, cols.Outcome):
	case strings.EqualFold(o.Score, "alliance") || strings.EqualFold(o.Score, cols.Alliance):
		role = "alliance"
	default:
		role = "extra"
		cols.Extra = []string{o.Score}
	}
	s, err := datasets.OpenSessionStream(path, datasets.StreamOptions{Read: read, Columns: cols})
	if err != nil {
		return nil, err
	}
	defer s.Close()
	run := &GainsRun{DataName: path, opt: o, src: Source{Name: path, Columns: s.Header()}, Direction: "gains"}
	if o.Losses {
		run.Direction = "losses"
	}
	err = run.stream(s, role)
	if err != nil {
		if note, ok := unsortedNote(err, s, path, opt.EpisodesTo != nil || opt.PatientsTo != nil); ok {
			return readWhole(path, read, note, func(src Source) (*GainsRun, error) { return Gains(src, opt) })
		}
		return nil, err
	}
	run.compose()
	run.release()
	return run, nil
}

// stream runs the passes of GainsFile over s; role is the score's role.
func (r *GainsRun) stream(s *datasets.SessionStream, role string) error {
	g := newGainsStage(r, s.Columns(), role)
	each := func(add func(p *datasets.Sessions) error) error {
		if err := s.Project("patient", "session", role); err != nil {
			return err
		}
		for {
			p, err := s.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				return err
			}
			if err := add(p); err != nil {
				return err
			}
		}
		return s.Rewind()
	}
	if g.needRange() {
		if err := each(g.addRange); err != nil {
			return err
		}
	}
	if err := g.fixRange(s.Name(), s.Rows()); err != nil {
		return err
	}
	if g.needSD() {
		if err := each(g.addSD); err != nil {
			return err
		}
	}
	if err := g.prepare(); err != nil {
		return err
	}
	for {
		p, err := s.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		if err := g.add(p); err != nil {
			return err
		}
	}
	return g.finish()
}

// gainsStage is the per-patient stage of GainsFile, its passes as maps
// over patients: the session range (addRange), the first session's scores
// for the SD of the reliable change value (addSD), and the gains
// (add). GainsFile runs each pass over its own read of the file; the
// report feeds the first two from one shared read (addRangeSD) and the
// third from a second, beside its other analyses.
type gainsStage struct {
	r           *GainsRun
	role        string
	lo, hi      int
	any         bool
	first, last int
	firsts      []float64
	firstsAt    int // addRangeSD: the session of firsts (the smallest so far)
	sd          float64
	d           *change.Detector
	sel         change.Select
	gt          change.GainTally
	pt          change.PersonTally
	gw, pw      *csv.Writer
	all         []change.Gain
	rows        int
}

func newGainsStage(r *GainsRun, found datasets.SessionColumns, role string) *gainsStage {
	r.cols = found
	return &gainsStage{r: r, role: role, lo: math.MaxInt, hi: math.MinInt, firstsAt: math.MaxInt, sd: optional(r.opt.SD)}
}

func (g *gainsStage) scoreOf(p *datasets.Sessions) ([]float64, string, error) {
	return scoreColumn(p, g.r.opt.Score)
}

// needRange says whether the session range is read from the data (pass 1).
func (g *gainsStage) needRange() bool { return g.r.opt.First == nil || g.r.opt.Last == nil }

// addRange adds a patient to the session range (pass 1).
func (g *gainsStage) addRange(p *datasets.Sessions) error {
	a, b := sessionRange(p.Session)
	g.lo, g.hi = min(g.lo, a), max(g.hi, b)
	if !g.any {
		sc, _, err := g.scoreOf(p)
		if err != nil {
			return err
		}
		g.any = !allMissing(sc)
	}
	return nil
}

// addRangeSD is addRange and addSD in one pass, for a range read from the
// data (neither First nor Last given): the scores of the smallest session
// seen so far are kept, and dropped when a smaller one appears, so that at
// the end they are the scores of the first session, in patient order, as
// addSD collects them.
func (g *gainsStage) addRangeSD(p *datasets.Sessions) error {
	if err := g.addRange(p); err != nil {
		return err
	}
	if !g.needSD() || len(p.Session) == 0 {
		return nil
	}
	if p.Session[0] < g.firstsAt { // sessions increase within a patient
		g.firstsAt, g.firsts = p.Session[0], g.firsts[:0]
	}
	if p.Session[0] != g.firstsAt {
		return nil
	}
	sc, _, err := g.scoreOf(p)
	if err != nil {
		return err
	}
	if !math.IsNaN(sc[0]) {
		g.firsts = append(g.firsts, sc[0])
	}
	return nil
}

// fixRange fixes the session range after pass 1 (name and rows for the
// message when the score has no value).
func (g *gainsStage) fixRange(name string, rows int) error {
	r, o := g.r, g.r.opt
	if g.needRange() && !g.any {
		col := r.cols.Outcome
		if g.role != "outcome" {
			col = o.Score
		}
		return inputErr(datasets.Problem{File: name, Column: col, Msg: fmt.Sprintf("has no scores: all %d values are missing, so no sudden gain can be looked for", rows)})
	}
	g.first, g.last = g.lo, g.hi
	if o.First != nil {
		g.first = *o.First
	}
	if o.Last != nil {
		g.last = *o.Last
	}
	if g.last-g.first < 3 {
		return invalid("First", "sessions %d..%d: sudden gains need at least 4 sessions", g.first, g.last)
	}
	r.Sessions = [2]int{g.first, g.last}
	r.label = o.Label
	if g.firstsAt != math.MaxInt && g.firstsAt != g.first {
		g.firsts = g.firsts[:0] // addRangeSD with a given First: not the first session
	}
	return nil
}

// seriesOf is the patient's rows within the range, as one series (nil when
// none lies in it).
func (g *gainsStage) seriesOf(p *datasets.Sessions) (*change.Series, error) {
	r := g.r
	sc, col, err := g.scoreOf(p)
	if err != nil {
		return nil, err
	}
	if r.col == "" {
		r.col = col
		if r.label == "" {
			r.label = col
			if col == "" {
				r.label = "score"
			}
		}
	}
	ser, ok, err := change.PatientSeries(p.Patient.Levels[0], p.Session, sc, g.first, g.last)
	if err != nil {
		return nil, inputErr(datasets.Problem{File: p.Name, Msg: err.Error()})
	}
	if !ok {
		return nil, nil
	}
	return &ser, nil
}

// needSD says whether the SD of the first session's scores is read from
// the data (with a reliability and no SD given).
func (g *gainsStage) needSD() bool { return g.r.opt.Reliability != nil && g.r.opt.SD == nil }

// addSD adds a patient's first-session score to the SD's sample (pass 2,
// after fixRange).
func (g *gainsStage) addSD(p *datasets.Sessions) error {
	ser, err := g.seriesOf(p)
	if err != nil {
		return err
	}
	if ser != nil {
		g.firsts = append(g.firsts, ser.At(0))
	}
	return nil
}

// prepare fixes the criteria and the detector and opens the table writers.
func (g *gainsStage) prepare() error {
	r, o := g.r, g.r.opt
	if g.needSD() {
		g.sd = change.SampleSD(g.firsts)
		g.firsts = nil
	}
	c, err := r.criteriaSD(g.sd)
	if err != nil {
		return err
	}
	r.crit = c
	if g.d, err = change.NewDetector(c); err != nil {
		return invalid("Cutoff", "%v", err)
	}
	g.sel, _ = change.ParseSelect(o.Select)
	if o.EpisodesTo != nil {
		g.gw = csv.NewWriter(o.EpisodesTo)
		_ = g.gw.Write(gainColumns)
	}
	if o.PatientsTo != nil && o.ByPerson {
		g.pw = csv.NewWriter(o.PatientsTo)
		_ = g.pw.Write(personColumns)
	}
	return nil
}

// add finds a patient's gains (the last pass).
func (g *gainsStage) add(p *datasets.Sessions) error {
	r, o := g.r, g.r.opt
	g.rows += p.Len()
	r.count(p)
	ser, err := g.seriesOf(p)
	if err != nil {
		return err
	}
	if ser == nil {
		return nil
	}
	r.Patients++
	var bad error
	ser.Observed(func(j int, v float64) {
		if math.IsInf(v, 0) && bad == nil {
			bad = invalid("Cutoff", "change: patient %q, position %d: score %v is not finite (use NaN for missing)", ser.ID, j, v)
		}
	})
	if bad != nil {
		return bad
	}
	k := len(g.all)
	g.all = g.d.Find(*ser, g.all)
	gs := g.all[k:]
	if len(gs) > 0 {
		r.WithGain++
	}
	for _, x := range gs {
		g.gt.Add(x)
		if g.gw != nil {
			if err := g.gw.Write(gainRow(x)); err != nil {
				return err
			}
		}
	}
	if o.ByPerson {
		persons, err := change.ByPerson([]change.Series{*ser}, gs, g.sel)
		if err != nil {
			return invalid("Select", "%v", err)
		}
		g.pt.Add(persons[0])
		r.ByPerson = append(r.ByPerson, persons[0])
		if g.pw != nil {
			if err := g.pw.Write(personRow(persons[0], full)); err != nil {
				return err
			}
		}
	}
	if !o.KeepGains && r.Patients > ListLimit {
		if !r.dropped && o.ByPerson {
			r.ByPerson = nil
		}
		r.dropped = true
		g.all = g.all[:0] // counted and written: not kept
	}
	if o.ByPerson && r.dropped {
		r.ByPerson = r.ByPerson[:0]
	}
	if o.Progress != nil && r.Patients%4096 == 0 {
		o.Progress(g.rows, r.Patients)
	}
	return nil
}

// finish flushes the writers and sets the summaries.
func (g *gainsStage) finish() error {
	r, o := g.r, g.r.opt
	for _, w := range []*csv.Writer{g.gw, g.pw} {
		if w != nil {
			w.Flush()
			if err := w.Error(); err != nil {
				return err
			}
		}
	}
	r.src.Rows = g.rows
	r.Gains = g.all
	if r.Gains == nil {
		r.Gains = []change.Gain{}
	}
	r.Summary = g.gt.Summary()
	if o.ByPerson {
		ps := g.pt.Summary()
		r.Persons = &ps
	}
	r.setCriteria()
	r.streamed = true
	return nil
}

// count adds a patient's rows to the data counts.
func (r *GainsRun) count(p *datasets.Sessions) {
	if r.counts == nil {
		r.counts = &RupturesPart{Therapists: map[string]struct{}{}}
	}
	countRows(r.counts, p)
}
