package sessions

import (
	"fmt"
	"math"
	"strings"

	"github.com/alliance-research/alliance/analysis/errs"
	"github.com/alliance-research/alliance/analysis/mixed"
)

// Result is a fitted session model. The embedded mixed.Result carries the
// fit with the JSON names of DESIGN.md (formula, fixed, random, ...); the
// other fields describe the workflow.
type Result struct {
	mixed.Result
	Model     Model    `json:"model"`
	Centring  Centring `json:"centring,omitempty"` // "" for Growth
	Detrended bool     `json:"detrended"`
	MaxLagGap int      `json:"max_lag_gap"`
	AR1       string   `json:"ar1,omitempty"` // "session" with AR(1) residuals
	Effects   []Effect `json:"effects"`       // key effects in words
	Columns   []string `json:"columns"`       // columns of Table, export order
	Summary   Summary  `json:"summary"`
	Notes     []string `json:"notes"` // rows dropped, one-session patients, singular fits, ...
	// Table holds the derived columns (Derive), for export.
	Table *Table `json:"-"`
	// Mixed is the fitted model, e.g. for mixed.Compare.
	Mixed *mixed.Model `json:"-"`
}

// Fit derives the columns of d (see Derive), builds the formula of the
// chosen design (see Model and Formula) and fits it with mixed.Fit: REML (or
// ML) over the profiled deviance as lme4's lmer, Satterthwaite t tests as
// lmerTest, and with opt.AR1 AR(1) residuals within patients as nlme's
// lme(…, correlation = corAR1(form = ~ session | patient)).
//
// Random intercepts are fitted for patients and, when the data name two or
// more therapists and opt.IgnoreTherapist is false, for therapists with
// patients nested in them: (1 | therapist/patient), lme4's groups
// "patient:therapist" and "therapist". With opt.RandomSlope the patient term
// becomes (1 + session | patient:therapist) (or (1 + session | patient)).
//
// Rows with a missing value in any column of the model are left out (as R's
// na.omit); Result.Notes says how many and why. Errors: invalid data, a
// design the data cannot support (no alliance for a lagged model, fewer than
// two patients with usable rows), or a failure of mixed.Fit. A fit that
// stops early is returned with Converged false and a note.
//
// With opt.NoTable (and without AR(1)) the model is fitted from
// per-patient sufficient statistics (NewStats, Stats.AddPatient,
// FitStats: the distributed form of this fit), so memory beyond the input
// is O(patients), not O(rows); otherwise from the derived rows it keeps
// (the same fit to rounding: TestStatsFitMatchesRows; on a flat criterion,
// e.g. two or three therapists, Satterthwaite df of the therapist terms can
// differ in the third digit).
func Fit(d Data, opt Options) (*Result, error) {
	opt, err := opt.defaults()
	if err != nil {
		return nil, err
	}
	ix, err := d.validate()
	if err != nil {
		return nil, err
	}
	if !opt.AR1 && opt.NoTable {
		return fitByPatient(d, ix, opt)
	}
	return fitRows(d, ix, opt)
}

// fitRows is Fit on the derived table itself: mixed.Fit on its columns
// (the path of AR(1) residuals, which need the rows).
func fitRows(d Data, ix *index, opt Options) (*Result, error) {
	sp, err := resolve(d, ix, &opt)
	if err != nil {
		return nil, err
	}
	t := derive(d, ix, opt)
	sum := ix.summary(d, opt)
	res := &Result{Model: opt.Model, Detrended: opt.Detrend, MaxLagGap: opt.MaxLagGap, Summary: sum, Table: t, Columns: t.Names()}
	if opt.Model != Growth {
		res.Centring = opt.Centring
	}
	res.Notes = append(res.Notes, sp.notes...)

	md := mixed.Data{Numeric: map[string][]float64{}, Text: map[string][]string{"patient": sp.patientLabels(d, ix)}}
	for _, c := range t.Columns {
		md.Numeric[c.Name] = c.Values
	}
	md.Numeric["session"] = t.Column("session")
	if sp.therapist {
		md.Text["therapist"] = t.Therapist
	}
	// Usable rows and patients, counted before fitting for clear errors.
	used := 0
	cols := make([][]float64, len(sp.vars))
	for k, v := range sp.vars {
		cols[k] = md.Numeric[v]
	}
	seen := make([]bool, len(ix.pstart)-1)
	npat := 0
	for i := 0; i < ix.n; i++ {
		ok := true
		for _, c := range cols {
			if math.IsNaN(c[i]) {
				ok = false
				break
			}
		}
		if ok {
			used++
			if k := ix.pat[i]; !seen[k] {
				seen[k] = true
				npat++
			}
		}
	}
	if used == 0 {
		return nil, errs.New(errs.TooFew, "sessions", "no row has all of %s observed; nothing to fit", strings.Join(sp.vars, ", "))
	}
	if npat < 2 {
		return nil, errs.New(errs.TooFew, "sessions", "%d usable rows from %d patient; a mixed model needs at least 2 patients", used, npat)
	}
	if sp.predictor != "" {
		w := md.Numeric[sp.predictor+"_within"]
		varies := false
		for i := 0; i < ix.n && !varies; i++ {
			varies = w[i] != 0 && !math.IsNaN(w[i])
		}
		if !varies {
			return nil, errs.New(errs.Singular, "sessions", "no patient's %s varies across sessions (every %s_within is 0), so the within-patient effect cannot be estimated", sp.predictor, sp.predictor)
		}
	}
	mo := mixed.Options{ML: opt.ML, Level: opt.Level, MaxEval: opt.MaxEval}
	if opt.AR1 {
		mo.AR1 = "session"
		res.AR1 = "session"
	}
	m, err := mixed.Fit(sp.formula, md, mo)
	if err != nil {
		return nil, fmt.Errorf("sessions: fitting %s: %w", sp.formula, err)
	}
	res.Result = m.Result
	res.Mixed = m
	res.Notes = append(res.Notes, fitNotes(res, sp, sum, opt)...)
	res.Effects = effects(res, sp, opt)
	if opt.NoTable {
		res.Table = nil
	}
	return res, nil
}

// fitByPatient is Fit without AR(1): the sufficient statistics of every
// patient (in the index's patient order, so that therapist means sum in
// Derive's order) fitted by FitStats, and the derived table unless
// opt.NoTable.
func fitByPatient(d Data, ix *index, opt Options) (*Result, error) {
	cols := Columns{Therapist: d.Therapist != nil, Alliance: d.Alliance != nil, Outcome: d.Outcome != nil, Covariates: d.covariateNames()}
	st, err := NewStats(cols, opt)
	if err != nil {
		return nil, err
	}
	var ses []int
	var al, out []float64
	covs := map[string][]float64{}
	for k := 0; k+1 < len(ix.pstart); k++ {
		seg := ix.order[ix.pstart[k]:ix.pstart[k+1]]
		i0 := seg[0]
		al, out, ses = gather(al, d.Alliance, seg), gather(out, d.Outcome, seg), ses[:0]
		for _, i := range seg {
			ses = append(ses, d.Session[i])
		}
		p := Patient{ID: d.Patient[i0], Session: ses, Alliance: al, Outcome: out, Covariates: covs}
		if d.Therapist != nil {
			p.Therapist = d.Therapist[i0]
		}
		for name, v := range d.Covariates {
			covs[name] = gather(covs[name], v, seg)
		}
		if aerr := st.AddPatient(p); aerr != nil {
			return nil, aerr
		}
	}
	res, err := st.fit(true)
	if err != nil {
		return nil, err
	}
	if !opt.NoTable {
		res.Table = derive(d, ix, st.Options)
	}
	return res, nil
}

// gather returns x at rows seg, reusing buf (nil when x is nil).
func gather(buf, x []float64, seg []int) []float64 {
	if x == nil {
		return nil
	}
	buf = buf[:0]
	for _, i := range seg {
		buf = append(buf, x[i])
	}
	return buf
}

// spec is a resolved design.
type spec struct {
	formula   string
	response  string
	predictor string   // "alliance" or "outcome"; "" for growth
	control   string   // lagged control term, "" if none
	vars      []string // numeric columns the model uses
	therapist bool     // therapist random intercept
	relabel   bool     // patient ids repeat across therapists without a therapist term
	notes     []string
}

// Formula returns the lme4 formula Fit would fit for d and opt, without
// fitting it.
func Formula(d Data, opt Options) (string, error) {
	opt, err := opt.defaults()
	if err != nil {
		return "", err
	}
	ix, err := d.validate()
	if err != nil {
		return "", err
	}
	sp, err := resolve(d, ix, &opt)
	if err != nil {
		return "", err
	}
	return sp.formula, nil
}

// shape is what resolve needs to know of the data: the columns present,
// the therapists (in order of first appearance), the patient ids seen under
// several therapists (sorted) and the covariate names (sorted).
type shape struct {
	alliance, outcome, therapist bool
	therLabels                   []string
	multiTher                    []string
	covariates                   []string
}

func (d Data) shape(ix *index) shape {
	return shape{alliance: d.Alliance != nil, outcome: d.Outcome != nil, therapist: d.Therapist != nil,
		therLabels: ix.therLabels, multiTher: ix.multiTher, covariates: d.covariateNames()}
}

// resolve fills the data-dependent defaults of opt and builds the design.
func resolve(d Data, ix *index, opt *Options) (*spec, error) {
	return resolveShape(d.shape(ix), opt)
}

// defaultModel is the model when opt names none: lagged, or growth
// without an alliance column.
func defaultModel(alliance bool) Model {
	if alliance {
		return Lagged
	}
	return Growth
}

// resolveShape is resolve from the data's shape.
func resolveShape(d shape, opt *Options) (*spec, error) {
	sp := &spec{}
	if opt.Model == "" {
		opt.Model = defaultModel(d.alliance)
	}
	if !d.outcome {
		return nil, errs.New(errs.InvalidOption, "sessions", "the %s model needs an outcome column", opt.Model)
	}
	if opt.Model != Growth && !d.alliance {
		return nil, errs.New(errs.InvalidOption, "sessions", "the %s model needs an alliance column (without one, use the growth model)", opt.Model)
	}
	if opt.Model == Growth && opt.NoTime {
		return nil, errs.New(errs.InvalidOption, "sessions", "the growth model is a model of session; NoTime cannot be used with it")
	}
	nther := len(d.therLabels)
	switch {
	case !d.therapist:
		if opt.Centring == TherapistMean {
			return nil, errs.New(errs.InvalidOption, "sessions", "therapist-level centring needs therapist ids in the data")
		}
	case nther < 2:
		if opt.Centring == TherapistMean {
			return nil, errs.New(errs.TooFew, "sessions", "therapist-level centring needs at least 2 therapists; the data have 1 (%q)", d.therLabels[0])
		}
		if !opt.IgnoreTherapist {
			sp.notes = append(sp.notes, fmt.Sprintf("only one therapist (%q): no therapist variance can be estimated, so the therapist level is left out", d.therLabels[0]))
		}
	default:
		sp.therapist = !opt.IgnoreTherapist
	}
	if opt.Centring == "" {
		opt.Centring = PersonMean
		if sp.therapist {
			opt.Centring = TherapistMean
		}
	}
	if d.therapist && len(d.multiTher) > 0 {
		sp.notes = append(sp.notes, fmt.Sprintf("%d patient id(s) appear under more than one therapist (first: %q); each (therapist, patient) pair is treated as a separate patient", len(d.multiTher), d.multiTher[0]))
		sp.relabel = !sp.therapist
	}

	var fixed []string
	split := func(v string) {
		fixed = append(fixed, v+"_within")
		if opt.Centring == TherapistMean {
			fixed = append(fixed, v+"_patient", v+"_therapist")
		} else {
			fixed = append(fixed, v+"_between")
		}
	}
	switch opt.Model {
	case Lagged:
		sp.response, sp.predictor, sp.control = "outcome_next", "alliance", "outcome"
		split("alliance")
		fixed = append(fixed, "outcome")
	case Reverse:
		sp.response, sp.predictor, sp.control = "alliance_next", "outcome", "alliance"
		split("outcome")
		fixed = append(fixed, "alliance")
	case Concurrent:
		sp.response, sp.predictor = "outcome", "alliance"
		split("alliance")
	case Growth:
		sp.response = "outcome"
	}
	if !opt.NoTime {
		fixed = append(fixed, "session")
	}
	fixed = append(fixed, d.covariates...)
	sp.vars = append([]string{sp.response}, fixed...)
	if opt.AR1 && opt.NoTime {
		sp.vars = append(sp.vars, "session")
	}
	if len(fixed) == 0 {
		fixed = []string{"1"}
	}
	var re string
	slope := "1"
	if opt.RandomSlope {
		slope = "1 + session"
	}
	switch {
	case sp.therapist && opt.RandomSlope:
		re = "(1 + session | patient:therapist) + (1 | therapist)"
	case sp.therapist:
		re = "(1 | therapist/patient)"
	default:
		re = "(" + slope + " | patient)"
	}
	sp.formula = sp.response + " ~ " + strings.Join(fixed, " + ") + " + " + re
	return sp, nil
}

// patientLabels returns the patient column passed to mixed.
func (sp *spec) patientLabels(d Data, ix *index) []string {
	if !sp.relabel {
		return d.Patient
	}
	out := make([]string, ix.n)
	for i := range out {
		out[i] = d.Patient[i] + ":" + d.Therapist[i]
	}
	return out
}

// fitNotes explains rows left out and degenerate fits.
func fitNotes(r *Result, sp *spec, sum Summary, opt Options) []string {
	var notes []string
	if opt.Model == Lagged || opt.Model == Reverse {
		nolag := sum.Rows - sum.WithNext
		notes = append(notes, fmt.Sprintf("%d of %d rows have no next session within %d session(s) (a patient's last session, or a gap) and cannot be a %s row", nolag, sum.Rows, opt.MaxLagGap, opt.Model))
		if other := r.Dropped - nolag; other > 0 {
			notes = append(notes, fmt.Sprintf("%d further rows were left out for missing values (%s)", other, strings.Join(sp.vars, ", ")))
		}
	} else if r.Dropped > 0 {
		notes = append(notes, fmt.Sprintf("%d of %d rows were left out for missing values (%s)", r.Dropped, sum.Rows, strings.Join(sp.vars, ", ")))
	}
	if sum.OneSession > 0 {
		s := fmt.Sprintf("%d patient(s) have a single session", sum.OneSession)
		if sp.predictor != "" {
			s += fmt.Sprintf(": no within-patient variation (their %s_within is 0)", sp.predictor)
		}
		if opt.Model == Lagged || opt.Model == Reverse {
			s += " and no lagged rows"
		}
		notes = append(notes, s)
	}
	if r.Singular {
		n0 := len(notes)
		for _, v := range r.Random {
			if v.Variance <= 1e-8*r.ResidualVariance {
				notes = append(notes, fmt.Sprintf("singular fit: the %s variance of %s is estimated at zero; the fixed effects equal those of the model without that term", v.Name, v.Group))
			}
		}
		if len(r.Correlations) > 0 {
			for _, c := range r.Correlations {
				if math.Abs(c.Corr) > 1-1e-6 {
					notes = append(notes, fmt.Sprintf("singular fit: the correlation of %s and %s within %s is estimated at ±1", c.Name1, c.Name2, c.Group))
				}
			}
		}
		if len(notes) == n0 {
			notes = append(notes, "singular fit: a random-effect variance is estimated near zero (relative covariance factor below 1e-4); consider a simpler random part")
		}
	}
	if !r.Converged {
		notes = append(notes, "the optimiser did not converge: "+r.Reason+"; treat the estimates with caution")
	}
	if opt.Detrend {
		notes = append(notes, "within-patient parts are residuals from each patient's linear trend over sessions (detrended)")
	}
	return notes
}
