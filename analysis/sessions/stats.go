package sessions

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/alliance-research/alliance/analysis/errs"
	"github.com/alliance-research/alliance/analysis/mixed"
)

// Sufficient statistics of a session model, patient by patient.
//
// Every derived column of a session model but the therapist-level ones is
// a function of one patient's rows: the patient mean m_i and the within
// part (centrePatient), the lagged response and control, session and the
// covariates. Stats.AddPatient therefore reads one patient at a time and
// accumulates, per patient, the statistics of package mixed (n, Σu, Σuuᵀ;
// see mixed.StatsSpec) of the raw row vector
//
//	u = [z_patient  (1 with therapists)  1  v_within  m_i  control  session  covariates  response]
//
// (z_patient = 1, or (1, session) with RandomSlope; v the predictor; each
// part present as the model has it), keeping nothing of the rows. The
// therapist-level centring of Baldwin, Wampold & Imel (2007) needs the
// therapist mean M_j of the patient means, known only when every patient
// is in: its columns m_i − M_j and M_j are linear in u with coefficients
// constant within a therapist, so FitStats computes M_j from the patient
// means it kept and maps each patient's statistics algebraically
// (mixed.GroupStats.Transform) before fitting them with mixed.FitStats.
// Data-dependent choices (the therapist level with two or more
// therapists, the default centring, patients seen under several
// therapists) are made there too, from the merged statistics, exactly as
// Fit makes them from the rows.
//
// For a distributed runner: partition the rows by patient (all of one
// patient's rows in one partition, in session order or sorted by
// AddPatient's caller), call NewStats with the same Options and Columns in
// every partition, AddPatient per patient, Merge the partitions' Stats (in
// any order: the fit is the same to rounding), and FitStats once. The
// memory of a Stats is O(patients · m²) with m ≤ 12, independent of the
// number of sessions. AR(1) residuals are not available from statistics
// (Fit fits them from the rows).

// Patient is one patient's sessions, in increasing session order.
type Patient struct {
	ID string
	// Therapist is the therapist's id ("" when the data have none). With
	// therapists a patient is the pair (therapist, ID).
	Therapist string
	Session   []int
	// Alliance and Outcome hold one score per session (NaN = missing);
	// Alliance may be nil for a growth model.
	Alliance, Outcome []float64
	// Covariates holds the values of Columns.Covariates, one per session.
	Covariates map[string][]float64
}

// Columns says which columns the data have; the same for every patient
// and every partition.
type Columns struct {
	Therapist, Alliance, Outcome bool
	// Covariates are the names of the covariate columns (sorted by
	// NewStats).
	Covariates []string
}

// PatientStats is what Stats keeps of one patient besides the mixed
// statistics: its ids, rows, and the patient mean of the predictor
// (HasMean false when it has no observed value), for the therapist means.
type PatientStats struct {
	ID        string  `json:"id"`
	Therapist string  `json:"therapist,omitempty"`
	Mean      float64 `json:"mean"`
	HasMean   bool    `json:"has_mean"`
	Rows      int     `json:"rows"`
}

// Stats are the sufficient statistics of one session model over the
// patients added so far. The fields are exported so that a runner can
// encode them between its stages; build them with NewStats.
type Stats struct {
	Options Options `json:"options"`
	Columns Columns `json:"columns"`
	// Raw holds the statistics of the raw row vectors u per patient, one
	// group per patient, labelled {ID, Therapist} ({ID} without
	// therapists).
	Raw      *mixed.Stats   `json:"raw"`
	Patients []PatientStats `json:"patients"`
	// Counts for the summary and the checks of Fit: rows, patients with a
	// single session, lag links within MaxLagGap, rows usable by the
	// model, patients with a usable row, and whether any within part of
	// the predictor is non-zero.
	Rows         int  `json:"rows"`
	OneSession   int  `json:"one_session"`
	Links        int  `json:"links"`
	Used         int  `json:"used"`
	UsedPatients int  `json:"used_patients"`
	Varies       bool `json:"varies"`
}

// rawLayout is the position of each part of u (−1 when absent).
type rawLayout struct {
	qz                                            int // z_patient columns
	zTher                                         int
	one, within, mean, control, session, covStart int
	ncov                                          int
	m                                             int
}

func (s *Stats) layout() rawLayout {
	o := s.Options
	L := rawLayout{zTher: -1, within: -1, mean: -1, control: -1, session: -1}
	L.qz = 1
	if o.RandomSlope {
		L.qz = 2
	}
	k := L.qz
	if s.Columns.Therapist {
		L.zTher = k
		k++
	}
	L.one = k
	k++
	if o.Model != Growth {
		L.within, L.mean = k, k+1
		k += 2
	}
	if o.Model == Lagged || o.Model == Reverse {
		L.control = k
		k++
	}
	if !o.NoTime {
		L.session = k
		k++
	}
	L.covStart, L.ncov = k, len(s.Columns.Covariates)
	k += L.ncov
	L.m = k + 1
	return L
}

// NewStats returns empty statistics of the session model opt asks for, on
// data with the given columns. opt.AR1 is refused (see Fit).
func NewStats(cols Columns, opt Options) (*Stats, error) {
	opt, err := opt.defaults()
	if err != nil {
		return nil, err
	}
	if opt.AR1 {
		return nil, errs.New(errs.InvalidOption, "sessions", "AR(1) residuals cannot be fitted from sufficient statistics; use Fit on the rows")
	}
	if opt.Model == "" {
		opt.Model = defaultModel(cols.Alliance)
	}
	cols.Covariates = slices.Clone(cols.Covariates)
	sort.Strings(cols.Covariates)
	for _, name := range cols.Covariates {
		if !isIdent(name) {
			return nil, errs.New(errs.InvalidOption, "sessions", "covariate name %q is not a plain identifier (letters, digits, '_' and '.'); rename it", name)
		}
		if reserved[name] {
			return nil, errs.New(errs.InvalidOption, "sessions", "covariate name %q clashes with a derived column; rename it", name)
		}
	}
	s := &Stats{Options: opt, Columns: cols}
	L := s.layout()
	terms := []mixed.StatsTerm{{Name: "patient", ColNames: make([]string, L.qz)}}
	if cols.Therapist {
		terms = append(terms, mixed.StatsTerm{Name: "therapist", ColNames: []string{"(Intercept)"}})
	}
	names := make([]string, L.m-L.one-1)
	for i := range names {
		names[i] = fmt.Sprintf("u%d", i)
	}
	names[0] = "(Intercept)"
	s.Raw, err = mixed.NewStats(mixed.StatsSpec{Formula: "raw session statistics", Response: "response", Intercept: true, XNames: names, Terms: terms})
	if err != nil {
		return nil, err
	}
	return s, nil
}

// predictor returns the predictor, response-source and control series of
// the model for p.
func (s *Stats) series(p *Patient) (pred, next, control []float64) {
	switch s.Options.Model {
	case Lagged:
		return p.Alliance, p.Outcome, p.Outcome
	case Reverse:
		return p.Outcome, p.Alliance, p.Alliance
	case Concurrent:
		return p.Alliance, p.Outcome, nil
	}
	return nil, p.Outcome, nil
}

// AddPatient accumulates one patient's sessions. The patient's sessions
// must be in increasing order (an error says which are not); a patient
// (with its therapist) must be added once, in one partition.
func (s *Stats) AddPatient(p Patient) error {
	n := len(p.Session)
	who := fmt.Sprintf("patient %q", p.ID)
	if p.Therapist != "" {
		who += fmt.Sprintf(" (therapist %q)", p.Therapist)
	}
	if err := s.checkPatient(p, who); err != nil {
		return err
	}
	o := s.Options
	s.Rows += n
	if n == 1 {
		s.OneSession++
	}
	for k := 1; k < n; k++ {
		if p.Session[k]-p.Session[k-1] <= o.MaxLagGap {
			s.Links++
		}
	}
	ps := PatientStats{ID: p.ID, Therapist: p.Therapist, Rows: n}
	if !s.Columns.Outcome || (o.Model != Growth && !s.Columns.Alliance) { // FitStats says what is missing
		s.Patients = append(s.Patients, ps)
		return nil
	}
	used := s.accumulate(&p, &ps)
	s.Used += used
	if used > 0 {
		s.UsedPatients++
	}
	s.Patients = append(s.Patients, ps)
	return nil
}

// checkPatient refuses a patient AddPatient cannot add: no sessions, an
// empty id, a missing therapist, series of the wrong length or with
// infinite scores, sessions repeated or out of order.
func (s *Stats) checkPatient(p Patient, who string) error {
	n := len(p.Session)
	switch {
	case n == 0:
		return errs.New(errs.TooFew, "sessions", "%s has no sessions", who)
	case p.ID == "":
		return errs.New(errs.InvalidOption, "sessions", "empty patient id")
	case s.Columns.Therapist && p.Therapist == "":
		return errs.New(errs.InvalidOption, "sessions", "%s: empty therapist id", who)
	}
	o := s.Options
	check := func(name string, v []float64, need bool) error {
		if v == nil {
			if need {
				return errs.New(errs.InvalidOption, "sessions", "%s has no %s values; the %s model needs them", who, name, o.Model)
			}
			return nil
		}
		if len(v) != n {
			return errs.New(errs.InvalidOption, "sessions", "%s: %d %s values for %d sessions", who, len(v), name, n)
		}
		for k, x := range v {
			if math.IsInf(x, 0) {
				return errs.New(errs.InvalidOption, "sessions", "%s, session %d: %s is %g; scores must be finite (NaN marks a missing value)", who, p.Session[k], name, x)
			}
		}
		return nil
	}
	if err := check("alliance", p.Alliance, o.Model != Growth && s.Columns.Alliance); err != nil {
		return err
	}
	if err := check("outcome", p.Outcome, s.Columns.Outcome); err != nil {
		return err
	}
	for _, c := range s.Columns.Covariates {
		if err := check("covariate "+c, p.Covariates[c], true); err != nil {
			return err
		}
	}
	for k := 1; k < n; k++ {
		if p.Session[k] <= p.Session[k-1] {
			if p.Session[k] == p.Session[k-1] {
				return errs.New(errs.InvalidOption, "sessions", "%s has session %d twice; each (patient, session) pair may occur once", who, p.Session[k])
			}
			return errs.New(errs.InvalidOption, "sessions", "%s: session %d comes after session %d; give each patient's sessions in increasing order", who, p.Session[k], p.Session[k-1])
		}
	}
	return nil
}

// accumulate adds the patient's rows (the predictor centred within the
// patient, the lagged or concurrent response) to the grouped sums, and
// returns the number of rows used.
func (s *Stats) accumulate(p *Patient, ps *PatientStats) int {
	n := len(p.Session)
	o := s.Options
	pred, src, control := s.series(p)
	L := s.layout()
	var within []float64
	if L.within >= 0 && pred != nil {
		within = make([]float64, n)
		pc := centrePatient(pred, p.Session, o.Detrend, within)
		ps.Mean, ps.HasMean = pc.mean, !math.IsNaN(pc.mean)
		if !ps.HasMean {
			ps.Mean = 0
		}
		for _, w := range within {
			if w != 0 && !math.IsNaN(w) {
				s.Varies = true
				break
			}
		}
	}
	labels := [][]string{{p.ID}}
	if s.Columns.Therapist {
		labels = [][]string{{p.ID, p.Therapist}, {p.Therapist}}
	}
	g := s.Raw.Group(labels...)
	u := make([]float64, L.m)
	used := 0
	for k := 0; k < n; k++ {
		y := src[k]
		if o.Model == Lagged || o.Model == Reverse {
			y = math.NaN()
			if k+1 < n && p.Session[k+1]-p.Session[k] <= o.MaxLagGap {
				y = src[k+1]
			}
		}
		if math.IsNaN(y) {
			continue
		}
		ses := float64(p.Session[k])
		u[0] = 1
		if L.qz == 2 {
			u[1] = ses
		}
		if L.zTher >= 0 {
			u[L.zTher] = 1
		}
		u[L.one] = 1
		ok := true
		if L.within >= 0 {
			u[L.within], u[L.mean] = within[k], ps.Mean
			ok = !math.IsNaN(within[k])
		}
		if L.control >= 0 {
			u[L.control] = control[k]
			ok = ok && !math.IsNaN(control[k])
		}
		if L.session >= 0 {
			u[L.session] = ses
		}
		for c, name := range s.Columns.Covariates {
			x := p.Covariates[name][k]
			u[L.covStart+c] = x
			ok = ok && !math.IsNaN(x)
		}
		if !ok {
			continue
		}
		u[L.m-1] = y
		g.Add(u)
		used++
	}
	return used
}

// Merge adds the statistics of o (other patients of the same model and
// columns).
func (s *Stats) Merge(o *Stats) error {
	if s.Options != o.Options || s.Columns.Therapist != o.Columns.Therapist || s.Columns.Alliance != o.Columns.Alliance ||
		s.Columns.Outcome != o.Columns.Outcome || !slices.Equal(s.Columns.Covariates, o.Columns.Covariates) {
		return errs.New(errs.InvalidOption, "sessions", "statistics of different models or columns cannot be merged")
	}
	if err := s.Raw.Merge(o.Raw); err != nil {
		return err
	}
	s.Patients = append(s.Patients, o.Patients...)
	s.Rows += o.Rows
	s.OneSession += o.OneSession
	s.Links += o.Links
	s.Used += o.Used
	s.UsedPatients += o.UsedPatients
	s.Varies = s.Varies || o.Varies
	return nil
}

// shape returns the data's shape as resolve needs it, and each patient's
// therapist index (order of first appearance).
func (s *Stats) shape() (shape, []int, error) {
	sh := shape{alliance: s.Columns.Alliance, outcome: s.Columns.Outcome, therapist: s.Columns.Therapist, covariates: s.Columns.Covariates}
	patTher := make([]int, len(s.Patients))
	if !s.Columns.Therapist {
		seen := make(map[string]bool, len(s.Patients))
		for _, p := range s.Patients {
			if seen[p.ID] {
				return sh, nil, errs.New(errs.InvalidOption, "sessions", "patient %q was added twice; add each patient's sessions at once, in one partition", p.ID)
			}
			seen[p.ID] = true
		}
		return sh, nil, nil
	}
	tid := map[string]int{}
	first := map[string]string{}
	multi := map[string]bool{}
	seen := make(map[[2]string]bool, len(s.Patients))
	for k, p := range s.Patients {
		key := [2]string{p.Therapist, p.ID}
		if seen[key] {
			return sh, nil, errs.New(errs.InvalidOption, "sessions", "patient %q (therapist %q) was added twice; add each patient's sessions at once, in one partition", p.ID, p.Therapist)
		}
		seen[key] = true
		c, ok := tid[p.Therapist]
		if !ok {
			c = len(tid)
			tid[p.Therapist] = c
			sh.therLabels = append(sh.therLabels, p.Therapist)
		}
		patTher[k] = c
		if f, ok := first[p.ID]; !ok {
			first[p.ID] = p.Therapist
		} else if f != p.Therapist && !multi[p.ID] {
			multi[p.ID] = true
			sh.multiTher = append(sh.multiTher, p.ID)
		}
	}
	sort.Strings(sh.multiTher)
	return sh, patTher, nil
}

// Summary returns the counts of Derive's Summary.
func (s *Stats) summary(sh shape) Summary {
	return Summary{Rows: s.Rows, Patients: len(s.Patients), Therapists: len(sh.therLabels), OneSession: s.OneSession,
		WithLag: s.Links, WithNext: s.Links, MultiTherapy: len(sh.multiTher)}
}

// FitStats fits the session model from its statistics, as Fit fits it from
// the rows (the same formula, data-dependent choices, notes, effects and
// numbers, to rounding; Result.Table is nil). See Stats.
func FitStats(s *Stats) (*Result, error) { return s.fit(false) }

// FitStatsConsuming is FitStats releasing each patient's raw statistics as
// soon as they are mapped to the model's, so that both are not held at
// once (about half the peak memory on many patients). s cannot be fitted
// or merged again.
func FitStatsConsuming(s *Stats) (*Result, error) { return s.fit(true) }

func (s *Stats) fit(consume bool) (*Result, error) {
	if s == nil || s.Raw == nil {
		return nil, errs.New(errs.InvalidOption, "sessions", "no statistics to fit (use NewStats)")
	}
	if s.Rows == 0 {
		return nil, errs.New(errs.TooFew, "sessions", "the data have no rows")
	}
	opt := s.Options
	sh, patTher, err := s.shape()
	if err != nil {
		return nil, err
	}
	sp, err := resolveShape(sh, &opt)
	if err != nil {
		return nil, err
	}
	sum := s.summary(sh)
	res := &Result{Model: opt.Model, Detrended: opt.Detrend, MaxLagGap: opt.MaxLagGap, Summary: sum, Columns: derivedNames(s.Columns, opt)}
	if opt.Model != Growth {
		res.Centring = opt.Centring
	}
	res.Notes = append(res.Notes, sp.notes...)
	if s.Used == 0 {
		return nil, errs.New(errs.TooFew, "sessions", "no row has all of %s observed; nothing to fit", strings.Join(sp.vars, ", "))
	}
	if s.UsedPatients < 2 {
		return nil, errs.New(errs.TooFew, "sessions", "%d usable rows from %d patient; a mixed model needs at least 2 patients", s.Used, s.UsedPatients)
	}
	if sp.predictor != "" && !s.Varies {
		return nil, errs.New(errs.Singular, "sessions", "no patient's %s varies across sessions (every %s_within is 0), so the within-patient effect cannot be estimated", sp.predictor, sp.predictor)
	}
	ms, err := s.modelStats(sp, opt, patTher, len(sh.therLabels), consume)
	if err != nil {
		return nil, err
	}
	ms.Dropped = s.Rows - s.Used
	m, err := mixed.FitStats(ms, mixed.Options{ML: opt.ML, Level: opt.Level, MaxEval: opt.MaxEval})
	if err != nil {
		return nil, fmt.Errorf("sessions: fitting %s: %w", sp.formula, err)
	}
	res.Result = m.Result
	res.Mixed = m
	res.Notes = append(res.Notes, fitNotes(res, sp, sum, opt)...)
	res.Effects = effects(res, sp, opt)
	return res, nil
}

// modelStats maps every patient's raw statistics to those of the model's
// row vector [z_patient (z_therapist) 1 fixed… response] (see Stats).
//
// With consume, each raw group's statistics are released once mapped, so
// that the raw and the model's statistics are not held at once (Fit's own
// statistics; s cannot be fitted again).
func (s *Stats) modelStats(sp *spec, opt Options, patTher []int, nther int, consume bool) (*mixed.Stats, error) {
	L := s.layout()
	zcols := []string{"(Intercept)"}
	if opt.RandomSlope {
		zcols = append(zcols, "session")
	}
	spec := mixed.StatsSpec{Formula: sp.formula, Response: sp.response, Intercept: true, XNames: []string{"(Intercept)"}}
	if sp.therapist {
		spec.Terms = []mixed.StatsTerm{{Name: "patient:therapist", ColNames: zcols}, {Name: "therapist", ColNames: []string{"(Intercept)"}}}
	} else {
		spec.Terms = []mixed.StatsTerm{{Name: "patient", ColNames: zcols}}
	}
	fixed := sp.vars[1:]
	spec.XNames = append(spec.XNames, fixed...)
	mo := spec.Dim()
	// Rows of the map A (mo × L.m) that do not depend on the therapist:
	// unit vectors; the therapist-centred columns are filled per patient.
	A := make([]float64, mo*L.m)
	unit := func(row, col int) { A[row*L.m+col] = 1 }
	r := 0
	for i := 0; i < L.qz; i++ {
		unit(r, i)
		r++
	}
	if sp.therapist {
		unit(r, L.zTher)
		r++
	}
	unit(r, L.one)
	r++
	pPatient, pTher := -1, -1
	for k, name := range fixed {
		switch {
		case sp.predictor != "" && name == sp.predictor+"_within":
			unit(r, L.within)
		case sp.predictor != "" && name == sp.predictor+"_between":
			unit(r, L.mean)
		case sp.predictor != "" && name == sp.predictor+"_patient":
			pPatient = r
		case sp.predictor != "" && name == sp.predictor+"_therapist":
			pTher = r
		case sp.control != "" && name == sp.control:
			unit(r, L.control)
		case name == "session":
			unit(r, L.session)
		default:
			c := slices.Index(s.Columns.Covariates, name)
			if c < 0 {
				return nil, fmt.Errorf("sessions: internal error: fixed column %q (%d) has no statistics", name, k)
			}
			unit(r, L.covStart+c)
		}
		r++
	}
	unit(r, L.m-1)
	var tm []float64
	if pPatient >= 0 || pTher >= 0 {
		pm := make([]float64, len(s.Patients))
		for k, p := range s.Patients {
			pm[k] = math.NaN()
			if p.HasMean {
				pm[k] = p.Mean
			}
		}
		tm, _ = therapistMeans(pm, patTher, nther)
	}
	out, err := mixed.NewStats(spec)
	if err != nil {
		return nil, err
	}
	relabel := !sp.therapist && s.Columns.Therapist && sp.relabel
	var scratch []float64
	for k, p := range s.Patients {
		var labels [][]string
		if s.Columns.Therapist {
			labels = [][]string{{p.ID, p.Therapist}, {p.Therapist}}
		} else {
			labels = [][]string{{p.ID}}
		}
		g := s.Raw.Group(labels...)
		if g.N == 0 {
			continue
		}
		var dl [][]string
		switch {
		case sp.therapist:
			dl = labels
		case relabel:
			dl = [][]string{{p.ID + ":" + p.Therapist}}
		default:
			dl = [][]string{{p.ID}}
		}
		if tm != nil {
			M := tm[patTher[k]]
			if pPatient >= 0 {
				row := A[pPatient*L.m : (pPatient+1)*L.m]
				clear(row)
				row[L.mean], row[L.one] = 1, -M
			}
			if pTher >= 0 {
				row := A[pTher*L.m : (pTher+1)*L.m]
				clear(row)
				row[L.one] = M
			}
		}
		g.TransformAdd(out.Group(dl...), A, &scratch)
		if consume { // the caller keeps no use for the raw statistics
			g.Sum, g.Cross = nil, nil
		}
	}
	return out, nil
}

// derivedNames lists the columns of Derive's Table (Table.Names) for data
// with these columns.
func derivedNames(c Columns, opt Options) []string {
	names := []string{"patient"}
	if c.Therapist {
		names = append(names, "therapist")
	}
	names = append(names, "session")
	if c.Alliance {
		names = append(names, "alliance")
	}
	if c.Outcome {
		names = append(names, "outcome")
	}
	names = append(names, c.Covariates...)
	for _, v := range []struct {
		name string
		ok   bool
	}{{"alliance", c.Alliance}, {"outcome", c.Outcome}} {
		if !v.ok {
			continue
		}
		names = append(names, v.name+"_between", v.name+"_within")
		if opt.Detrend {
			names = append(names, v.name+"_trend")
		}
		if c.Therapist {
			names = append(names, v.name+"_therapist", v.name+"_patient")
		}
		names = append(names, v.name+"_lag", v.name+"_next")
	}
	return names
}
