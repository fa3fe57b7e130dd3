package sessions

import "math"

// reserved names the derived columns; covariates may not use them.
var reserved = map[string]bool{
	"patient": true, "therapist": true, "session": true, "alliance": true, "outcome": true,
	"alliance_between": true, "alliance_within": true, "alliance_trend": true, "alliance_therapist": true,
	"alliance_patient": true, "alliance_lag": true, "alliance_next": true,
	"outcome_between": true, "outcome_within": true, "outcome_trend": true, "outcome_therapist": true,
	"outcome_patient": true, "outcome_lag": true, "outcome_next": true,
}

// Summary counts what Derive found in the data.
type Summary struct {
	Rows         int `json:"rows"`
	Patients     int `json:"patients"`   // (therapist, patient) pairs when therapists are given
	Therapists   int `json:"therapists"` // 0 without therapists
	OneSession   int `json:"one_session_patients"`
	WithLag      int `json:"rows_with_lag"`  // rows whose previous session lies within MaxLagGap
	WithNext     int `json:"rows_with_next"` // rows whose next session lies within MaxLagGap
	MultiTherapy int `json:"patients_with_several_therapists"`
}

// Derive returns the session table with the derived columns of the
// alliance→outcome models, for each of v = alliance and v = outcome (when
// present), in this order:
//
//	v_between    patient mean m_i = Σ_t v_it / n_i over the patient's observed values
//	v_within     v_it − m_i; with opt.Detrend, v_it − (m_i + b_i (t − t̄_i)),
//	             the residual of the patient's OLS line of v on session
//	v_trend      b_i, the patient's OLS slope on session (Detrend only; NaN
//	             with fewer than two observed values)
//	v_therapist  therapist mean M_j = mean of m_i over the therapist's patients
//	             (each patient weighted equally; with therapists only)
//	v_patient    m_i − M_j, the patient's deviation from the therapist mean
//	v_lag        v at the patient's previous session s′ when 1 ≤ t − s′ ≤ MaxLagGap
//	v_next       v at the patient's next session s″ when 1 ≤ s″ − t ≤ MaxLagGap
//
// The row columns alliance, outcome and the covariates precede them.
// Centring follows Baldwin, Wampold & Imel (2007) at the therapist level
// and Curran & Bauer (2011) at the patient level; detrending follows
// Falkenström et al. (2017). A patient with a single observed value has
// v_within = 0. Missing values (NaN) stay missing and do not enter the means.
func Derive(d Data, opt Options) (*Table, Summary, error) {
	opt, err := opt.defaults()
	if err != nil {
		return nil, Summary{}, err
	}
	ix, err := d.validate()
	if err != nil {
		return nil, Summary{}, err
	}
	return derive(d, ix, opt), ix.summary(d, opt), nil
}

func (ix *index) summary(d Data, opt Options) Summary {
	s := Summary{Rows: ix.n, Patients: len(ix.pstart) - 1, Therapists: len(ix.therLabels), MultiTherapy: len(ix.multiTher)}
	for k := 0; k+1 < len(ix.pstart); k++ {
		seg := ix.order[ix.pstart[k]:ix.pstart[k+1]]
		if len(seg) == 1 {
			s.OneSession++
		}
		for j := 1; j < len(seg); j++ {
			// Row seg[j] has a previous session and row seg[j-1] a next
			// one within MaxLagGap: each link gives one of each.
			if g := d.Session[seg[j]] - d.Session[seg[j-1]]; g <= opt.MaxLagGap {
				s.WithLag++
				s.WithNext++
			}
		}
	}
	return s
}

func derive(d Data, ix *index, opt Options) *Table {
	n := ix.n
	t := &Table{Patient: append([]string(nil), d.Patient...), Session: append([]int(nil), d.Session...)}
	if d.Therapist != nil {
		t.Therapist = append([]string(nil), d.Therapist...)
	}
	add := func(name string, v []float64) {
		t.Columns = append(t.Columns, Column{Name: name, Values: v})
	}
	if d.Alliance != nil {
		add("alliance", append([]float64(nil), d.Alliance...))
	}
	if d.Outcome != nil {
		add("outcome", append([]float64(nil), d.Outcome...))
	}
	for _, name := range d.covariateNames() {
		add(name, append([]float64(nil), d.Covariates[name]...))
	}
	for _, v := range []struct {
		name string
		x    []float64
	}{{"alliance", d.Alliance}, {"outcome", d.Outcome}} {
		if v.x == nil {
			continue
		}
		c := centre(v.x, d.Session, ix, opt, n)
		add(v.name+"_between", c.between)
		add(v.name+"_within", c.within)
		if opt.Detrend {
			add(v.name+"_trend", c.trend)
		}
		if ix.ther != nil {
			add(v.name+"_therapist", c.therapist)
			add(v.name+"_patient", c.patient)
		}
		add(v.name+"_lag", c.lag)
		add(v.name+"_next", c.next)
	}
	return t
}

type centred struct {
	between, within, trend, therapist, patient, lag, next []float64
}

func nans(n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = math.NaN()
	}
	return v
}

// centre computes the derived columns of one variable x.
func centre(x []float64, session []int, ix *index, opt Options, n int) centred {
	c := centred{between: nans(n), within: nans(n), lag: nans(n), next: nans(n)}
	if opt.Detrend {
		c.trend = nans(n)
	}
	np := len(ix.pstart) - 1
	pmean := make([]float64, np)
	var xs, within []float64
	var ss []int
	for k := 0; k < np; k++ {
		seg := ix.order[ix.pstart[k]:ix.pstart[k+1]]
		xs, ss, within = xs[:0], ss[:0], within[:0]
		for _, i := range seg {
			xs, ss = append(xs, x[i]), append(ss, session[i])
		}
		within = append(within, xs...)
		pc := centrePatient(xs, ss, opt.Detrend, within)
		pmean[k] = pc.mean
		for j, i := range seg {
			if opt.Detrend {
				c.trend[i] = pc.trend
			}
			c.between[i] = pc.mean
			c.within[i] = within[j]
			if j > 0 && ss[j]-ss[j-1] <= opt.MaxLagGap {
				c.lag[i] = xs[j-1]
			}
			if j+1 < len(seg) && ss[j+1]-ss[j] <= opt.MaxLagGap {
				c.next[i] = xs[j+1]
			}
		}
	}
	if ix.ther != nil {
		tm, tc := therapistMeans(pmean, ix.patTher, len(ix.therLabels))
		c.therapist, c.patient = nans(n), nans(n)
		for i := 0; i < n; i++ {
			j := ix.ther[i]
			if tc[j] > 0 {
				c.therapist[i] = tm[j]
			}
			if m := pmean[ix.pat[i]]; !math.IsNaN(m) {
				c.patient[i] = m - tm[j]
			}
		}
	}
	return c
}

// patientCentred is what centrePatient finds for one patient's variable.
type patientCentred struct {
	mean  float64 // m_i over the observed values; NaN when none is observed
	trend float64 // b_i (Detrend); NaN with fewer than two observed values
}

// centrePatient centres one patient's values x (in session order, sessions
// s; NaN = missing) in place in within: x − m, or with detrend the residual
// x − (m + b (s − s̄)) of the OLS line on session. The one definition of the
// patient-level split, used by Derive and by the sufficient statistics.
func centrePatient(x []float64, s []int, detrend bool, within []float64) patientCentred {
	var m, sm float64
	cnt := 0
	for k, xi := range x {
		if !math.IsNaN(xi) {
			cnt++
			m += (xi - m) / float64(cnt)
			sm += (float64(s[k]) - sm) / float64(cnt)
		}
	}
	out := patientCentred{mean: math.NaN(), trend: math.NaN()}
	if cnt > 0 {
		out.mean = m
	}
	slope := 0.0
	if detrend {
		var sxy, sxx float64
		for k, xi := range x {
			if !math.IsNaN(xi) {
				ds := float64(s[k]) - sm
				sxy += ds * (xi - m)
				sxx += ds * ds
			}
		}
		if cnt >= 2 && sxx > 0 {
			out.trend = sxy / sxx
			slope = out.trend
		}
	}
	for k, xi := range x {
		within[k] = math.NaN()
		if !math.IsNaN(xi) {
			within[k] = xi - m - slope*(float64(s[k])-sm)
		}
	}
	return out
}

// therapistMeans returns each therapist's mean of its patients' means
// (patients without a mean left out; each patient weighted equally) and the
// number of patients in it: patTher[k] is patient k's therapist.
func therapistMeans(pmean []float64, patTher []int, nt int) (tm, tc []float64) {
	tm, tc = make([]float64, nt), make([]float64, nt)
	for k, m := range pmean {
		if !math.IsNaN(m) {
			j := patTher[k]
			tc[j]++
			tm[j] += (m - tm[j]) / tc[j]
		}
	}
	return tm, tc
}
