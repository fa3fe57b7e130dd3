package workflow

import (
	"encoding/csv"
	"io"
	"math"
	"strconv"

	"github.com/alliance-research/alliance/analysis/change"
	"github.com/alliance-research/alliance/datasets"
)

// spec is the change package's description of the approach.
func (o ChangeOptions) spec() change.Spec {
	sp := change.Spec{Approach: o.Approach, RCI: o.rciOptions(), Norms: o.norms()}
	if o.Approach == "percentage" {
		sp.PctImprovement = *o.PctImprovement
		if o.PctDeterioration != nil {
			sp.PctDeterioration = *o.PctDeterioration
		} // else 0: the improvement's proportion, as cs_percentage
	}
	return sp
}

// ChangeFile is Change on a long session file read patient by patient
// (datasets.SessionStream), for registries too large to hold:
//
//   - pass 1 is the per-patient map: each patient's rows give its pre and
//     post score (change.PairsFirstLast's or PairsAt's rule, on one
//     patient) and its group label; the used patients' scores are kept
//     (16 bytes a patient), their ids and groups only up to ListLimit
//     patients (every one with KeepPersons);
//   - the approach is fitted to those scores (change.NewClassifier: the
//     means, SDs, RCI denominator and cutoff of Change), and each used
//     patient is classified and counted (change.Tally);
//   - with PatientsTo, pass 2 reads the file again and writes every used
//     patient's row of the Tidy table as it goes.
//
// The JSON and text list the patients only up to ListLimit (ListsOmitted
// says so); the Jacobson–Truax figure needs every patient, and is drawn
// above ListLimit only with KeepPersons. The HLM method, a wide layout, a
// workbook or standard input are read whole (Change); rows not grouped by
// patient are read whole when the file is at most StreamFallbackBytes,
// else refused with how to sort them. The result equals Change's on the
// same file (tested).
func ChangeFile(path string, read datasets.ReadOptions, opt ChangeOptions) (*ChangeRun, error) {
	opt.ListAll = false // the patients are not all at hand
	o, err := opt.withDefaults()
	if err != nil {
		return nil, err
	}
	if o.Wide || o.Method == string(change.HLM) || !datasets.CanStream(path) {
		return readWhole(path, read, "", func(src Source) (*ChangeRun, error) { return Change(src, opt) })
	}
	hdr, err := datasets.ReadHeader(path, read)
	if err != nil {
		return nil, err
	}
	run := &ChangeRun{DataName: path, opt: o, roles: map[string]string{}}
	run.src = Source{Name: path, Columns: hdr, Table: &datasets.Table{Name: path, Header: hdr}} // the header, for the roles
	g, err := newChangeStage(run)
	if err != nil {
		return nil, err
	}
	s, err := datasets.OpenSessionStream(path, datasets.StreamOptions{Read: read, Columns: g.cols, Session: datasets.SessionOptions{Labels: g.cols.Extra}})
	if err != nil {
		return nil, err
	}
	defer s.Close()
	err = g.stream(s)
	if err != nil {
		if note, ok := unsortedNote(err, s, path, opt.PatientsTo != nil); ok {
			return readWhole(path, read, note, func(src Source) (*ChangeRun, error) { return Change(src, opt) })
		}
		return nil, err
	}
	run.src.Rows = g.rows
	run.compose()
	run.release()
	run.src.Table = nil
	return run, nil
}

// changeStage is the per-patient stage of ChangeFile: add (pass 1) makes
// each patient's pair and keeps the used scores, fit classifies them, and
// write (pass 2, for PatientsTo) classifies each patient again and writes
// its row. A caller with its own read of the file (the report) feeds add
// and write from it.
type changeStage struct {
	r         *ChangeRun
	cols      datasets.SessionColumns // the stream's roles: patient, session, outcome (the score), group as the extra
	group     bool
	at        bool // scores at the pre and post time values (else first and last)
	pre, post int

	patients, rows int
	preS, postS    []float64 // the used patients' scores
	groupOf        []int32   // their group labels (codes of groups), when grouped
	groups         []string
	gcode          map[string]int32
	kept           []change.Pair // the used pairs while listed (every one with KeepPersons)
	listed         bool

	cl *change.Classifier
	k  int // pass 2: patients seen
	pw *csv.Writer
}

// newChangeStage resolves the roles in the header of r.src.Table as
// Change does (same defaults, same messages).
func newChangeStage(r *ChangeRun) (*changeStage, error) {
	o := r.opt
	g := &changeStage{r: r, listed: true, gcode: map[string]int32{}}
	var gcol string
	if o.Group != "" {
		c, err := r.column("group", o.Group)
		if err != nil {
			return nil, err
		}
		r.roles["group"], gcol, g.group = c, c, true
	}
	idCol, err := r.column("patient id", o.Patient, "id", "patient", "subject")
	if err != nil {
		return nil, err
	}
	timeCol, err := r.column("time", o.Time, "time", "session", "wave")
	if err != nil {
		return nil, err
	}
	scoreCol, err := r.column("score", o.Score, "outcome", "score")
	if err != nil {
		return nil, err
	}
	r.roles["patient"], r.roles["session"], r.roles["outcome"] = idCol, timeCol, scoreCol
	if o.Pre != "" {
		pre, e1 := strconv.Atoi(o.Pre)
		post, e2 := strconv.Atoi(o.Post)
		if e1 != nil || e2 != nil {
			return nil, invalid("Pre", "pre %q and post %q must be time values (whole numbers) of the %s column", o.Pre, o.Post, timeCol)
		}
		if _, err := change.PairsAt(nil, nil, nil, pre, post); err != nil { // pre = post, as Change says it
			return nil, inputErr(datasets.Problem{File: r.src.Name, Msg: err.Error()})
		}
		g.at, g.pre, g.post = true, pre, post
	} else {
		r.firstLst = true
	}
	r.label = o.Label
	if r.label == "" {
		r.label = scoreCol
	}
	// the other roles named after columns the stream does not read: a
	// column of the file that no role uses is not converted (projection)
	g.cols = datasets.SessionColumns{Patient: idCol, Session: timeCol, Outcome: scoreCol, Extra: []string{}}
	if g.group {
		g.cols.Extra = []string{gcol}
	}
	return g, nil
}

// pair is one patient's pre and post score and group label.
func (g *changeStage) pair(p *datasets.Sessions) change.Pair {
	pr := change.Pair{ID: p.Patient.Levels[0], Pre: math.NaN(), Post: math.NaN()}
	if g.group {
		pr.Group = p.Extra[0].Text[0]
	}
	sc := p.Outcome
	if g.at {
		for i, s := range p.Session {
			switch s {
			case g.pre:
				pr.Pre = sc[i]
			case g.post:
				pr.Post = sc[i]
			}
		}
		return pr
	}
	lo, hi := -1, -1
	for i, v := range sc {
		if !math.IsNaN(v) {
			if lo < 0 {
				lo = i
			}
			hi = i
		}
	}
	if lo >= 0 && lo != hi {
		pr.Pre, pr.Post = sc[lo], sc[hi]
	}
	return pr
}

// add is pass 1 for one patient.
func (g *changeStage) add(p *datasets.Sessions) error {
	pr := g.pair(p)
	g.rows += p.Len()
	used, err := change.UsedPair(g.patients, pr)
	g.patients++
	if err != nil {
		return invalid("Approach", "%v", err)
	}
	if !used {
		return nil
	}
	g.preS, g.postS = append(g.preS, pr.Pre), append(g.postS, pr.Post)
	if g.group {
		c, ok := g.gcode[pr.Group]
		if !ok {
			c = int32(len(g.groups))
			g.gcode[pr.Group] = c
			g.groups = append(g.groups, pr.Group)
		}
		g.groupOf = append(g.groupOf, c)
	}
	if g.listed || g.r.opt.KeepPersons {
		g.kept = append(g.kept, pr)
		if len(g.kept) > ListLimit && !g.r.opt.KeepPersons {
			g.listed, g.kept = false, nil
		}
	}
	return nil
}

// fit fits the approach to the used scores and classifies every used
// patient into the result.
func (g *changeStage) fit() error {
	cl, err := change.NewClassifier(g.r.opt.spec(), g.preS, g.postS)
	if err != nil {
		return invalid("Approach", "%v", err)
	}
	g.cl = cl
	res := cl.Result(g.patients, len(g.preS))
	t := change.NewTally(cl.Categories())
	for i := range g.preS {
		grp := ""
		if g.group {
			grp = g.groups[g.groupOf[i]]
		}
		t.Add(cl.Person("", grp, g.preS[i], g.postS[i]))
	}
	t.Fill(res)
	if g.kept != nil {
		res.Persons = make([]change.PersonChange, len(g.kept))
		for i, p := range g.kept {
			res.Persons[i] = cl.Person(p.ID, p.Group, p.Pre, p.Post)
		}
	}
	g.r.Result = res
	g.preS, g.postS, g.groupOf = nil, nil, nil
	return nil
}

// write is pass 2 for one patient: its row of the Tidy table.
func (g *changeStage) write(p *datasets.Sessions) error {
	pr := g.pair(p)
	used, err := change.UsedPair(g.k, pr)
	g.k++
	if err != nil || !used {
		return err
	}
	x := g.cl.Person(pr.ID, pr.Group, pr.Pre, pr.Post)
	return g.pw.Write(personChangeRow(x))
}

// stream runs the passes over s.
func (g *changeStage) stream(s *datasets.SessionStream) error {
	each := func(fn func(*datasets.Sessions) error) error {
		for {
			p, err := s.Next()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return err
			}
			if err := fn(p); err != nil {
				return err
			}
			if pr := g.r.opt.Progress; pr != nil && s.Patients()%4096 == 0 {
				pr(s.Rows(), s.Patients())
			}
		}
	}
	if err := each(g.add); err != nil {
		return err
	}
	if err := g.fit(); err != nil {
		return err
	}
	w := g.r.opt.PatientsTo
	if w == nil {
		return nil
	}
	g.pw = csv.NewWriter(w)
	if err := g.pw.Write(changeColumns); err != nil {
		return err
	}
	if !g.listed || g.kept == nil || g.r.opt.KeepPersons && len(g.kept) != len(g.r.Persons) {
		if err := s.Rewind(); err != nil {
			return err
		}
		if err := each(g.write); err != nil {
			return err
		}
	} else { // every used patient is in the result: no second read
		for _, x := range g.r.Persons {
			if err := g.pw.Write(personChangeRow(x)); err != nil {
				return err
			}
		}
	}
	g.pw.Flush()
	return g.pw.Error()
}

// changeColumns are the columns of the per-patient table (Tidy).
var changeColumns = []string{"id", "group", "pre", "post", "change", "rci", "category"}

// personChangeRow is one patient's row of the per-patient table.
func personChangeRow(p change.PersonChange) []string {
	return []string{p.ID, p.Group, full(float64(p.Pre)), full(float64(p.Post)), full(float64(p.Change)), full(float64(p.RCI)), string(p.Category)}
}
