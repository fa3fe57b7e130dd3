package workflow

import (
	"encoding/csv"
	"errors"
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
		return gainsWhole(path, read, opt, "")
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
		var in *datasets.InputError
		if errors.As(err, &in) && len(in.Problems) == 1 && in.Problems[0].Hint == datasets.HintSort && s.Size() <= streamFallbackBytes && opt.EpisodesTo == nil && opt.PatientsTo == nil {
			return gainsWhole(path, read, opt, fmt.Sprintf("The rows of %s are not grouped by patient (%s): the file was read whole into memory instead of patient by patient. Sort it by patient and session to analyse a large file in bounded memory.", path, in.Problems[0].String()))
		}
		return nil, err
	}
	run.compose()
	run.release()
	return run, nil
}

func gainsWhole(path string, read datasets.ReadOptions, opt GainsOptions, note string) (*GainsRun, error) {
	src, err := Input{File: path}.Read(read)
	if err != nil {
		return nil, err
	}
	run, err := Gains(src, opt)
	if err != nil {
		return nil, err
	}
	if note != "" {
		run.top = append([]Note{{Level: Warning, Text: note}}, run.top...)
	}
	return run, nil
}

// stream runs the passes of GainsFile over s; role is the score's role.
func (r *GainsRun) stream(s *datasets.SessionStream, role string) error {
	o := r.opt
	found := s.Columns()
	r.cols = found
	scoreOf := func(p *datasets.Sessions) ([]float64, string, error) { return scoreColumn(p, o.Score) }
	var first, last int
	lo, hi, any := math.MaxInt, math.MinInt, false
	if o.First == nil || o.Last == nil {
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
			a, b := sessionRange(p.Session)
			lo, hi = min(lo, a), max(hi, b)
			if !any {
				sc, _, err := scoreOf(p)
				if err != nil {
					return err
				}
				any = !allMissing(sc)
			}
		}
		if err := s.Rewind(); err != nil {
			return err
		}
		if !any {
			col := found.Outcome
			if role != "outcome" {
				col = o.Score
			}
			return inputErr(datasets.Problem{File: s.Name(), Column: col, Msg: fmt.Sprintf("has no scores: all %d values are missing, so no sudden gain can be looked for", s.Rows())})
		}
	}
	first, last = lo, hi
	if o.First != nil {
		first = *o.First
	}
	if o.Last != nil {
		last = *o.Last
	}
	if last-first < 3 {
		return invalid("First", "sessions %d..%d: sudden gains need at least 4 sessions", first, last)
	}
	r.Sessions = [2]int{first, last}
	r.label = o.Label
	// the patient's rows within the range, as one series
	seriesOf := func(p *datasets.Sessions) (*change.Series, error) {
		sc, col, err := scoreOf(p)
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
		ser, ok, err := change.PatientSeries(p.Patient.Levels[0], p.Session, sc, first, last)
		if err != nil {
			return nil, inputErr(datasets.Problem{File: p.Name, Msg: err.Error()})
		}
		if !ok {
			return nil, nil
		}
		return &ser, nil
	}
	sd := optional(o.SD)
	if o.Reliability != nil && math.IsNaN(sd) {
		if err := s.Project("patient", "session", role); err != nil {
			return err
		}
		var firsts []float64
		for {
			p, err := s.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				return err
			}
			ser, err := seriesOf(p)
			if err != nil {
				return err
			}
			if ser != nil {
				firsts = append(firsts, ser.At(0))
			}
		}
		if err := s.Rewind(); err != nil {
			return err
		}
		sd = change.SampleSD(firsts)
	}
	c, err := r.criteriaSD(sd)
	if err != nil {
		return err
	}
	r.crit = c
	d, err := change.NewDetector(c)
	if err != nil {
		return invalid("Cutoff", "%v", err)
	}
	sel, _ := change.ParseSelect(o.Select)
	var gt change.GainTally
	var pt change.PersonTally
	var gw, pw *csv.Writer
	if o.EpisodesTo != nil {
		gw = csv.NewWriter(o.EpisodesTo)
		_ = gw.Write(gainColumns)
	}
	if o.PatientsTo != nil && o.ByPerson {
		pw = csv.NewWriter(o.PatientsTo)
		_ = pw.Write(personColumns)
	}
	var all []change.Gain
	rows := 0
	for {
		p, err := s.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		rows += p.Len()
		r.count(p)
		ser, err := seriesOf(p)
		if err != nil {
			return err
		}
		if ser == nil {
			continue
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
		k := len(all)
		all = d.Find(*ser, all)
		gs := all[k:]
		if len(gs) > 0 {
			r.WithGain++
		}
		for _, g := range gs {
			gt.Add(g)
			if gw != nil {
				if err := gw.Write(gainRow(g)); err != nil {
					return err
				}
			}
		}
		if o.ByPerson {
			persons, err := change.ByPerson([]change.Series{*ser}, gs, sel)
			if err != nil {
				return invalid("Select", "%v", err)
			}
			pt.Add(persons[0])
			r.ByPerson = append(r.ByPerson, persons[0])
			if pw != nil {
				if err := pw.Write(personRow(persons[0], full)); err != nil {
					return err
				}
			}
		}
		if !o.KeepGains && r.Patients > ListLimit {
			if !r.dropped && o.ByPerson {
				r.ByPerson = nil
			}
			r.dropped = true
			all = all[:0] // counted and written: not kept
		}
		if o.ByPerson && r.dropped {
			r.ByPerson = r.ByPerson[:0]
		}
		if o.Progress != nil && r.Patients%4096 == 0 {
			o.Progress(rows, r.Patients)
		}
	}
	for _, w := range []*csv.Writer{gw, pw} {
		if w != nil {
			w.Flush()
			if err := w.Error(); err != nil {
				return err
			}
		}
	}
	r.src.Rows = rows
	r.Gains = all
	if r.Gains == nil {
		r.Gains = []change.Gain{}
	}
	r.Summary = gt.Summary()
	if o.ByPerson {
		ps := pt.Summary()
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
	c := r.counts
	c.Rows += p.Len()
	c.Patients++
	for i := 0; i < p.Len(); i++ {
		if p.Therapist.Codes != nil {
			c.Therapists[p.Therapist.Value(i)] = struct{}{}
		}
		if p.Alliance != nil && math.IsNaN(p.Alliance[i]) {
			c.MissingAlliance++
		}
		if p.Outcome != nil && math.IsNaN(p.Outcome[i]) {
			c.MissingOutcome++
		}
	}
}
