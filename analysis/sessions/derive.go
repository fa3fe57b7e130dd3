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
	for k := 0; k < np; k++ {
		seg := ix.order[ix.pstart[k]:ix.pstart[k+1]]
		// Means of x and session over observed values.
		var m, sm float64
		cnt := 0
		for _, i := range seg {
			if xi := x[i]; !math.IsNaN(xi) {
				cnt++
				m += (xi - m) / float64(cnt)
				sm += (float64(session[i]) - sm) / float64(cnt)
			}
		}
		pmean[k] = math.NaN()
		if cnt > 0 {
			pmean[k] = m
		}
		slope := 0.0
		if opt.Detrend {
			var sxy, sxx float64
			for _, i := range seg {
				if xi := x[i]; !math.IsNaN(xi) {
					ds := float64(session[i]) - sm
					sxy += ds * (xi - m)
					sxx += ds * ds
				}
			}
			b := math.NaN()
			if cnt >= 2 && sxx > 0 {
				b = sxy / sxx
				slope = b
			}
			for _, i := range seg {
				c.trend[i] = b
			}
		}
		for j, i := range seg {
			if cnt > 0 {
				c.between[i] = m
			}
			if xi := x[i]; !math.IsNaN(xi) {
				c.within[i] = xi - m - slope*(float64(session[i])-sm)
			}
			if j > 0 && session[i]-session[seg[j-1]] <= opt.MaxLagGap {
				c.lag[i] = x[seg[j-1]]
			}
			if j+1 < len(seg) && session[seg[j+1]]-session[i] <= opt.MaxLagGap {
				c.next[i] = x[seg[j+1]]
			}
		}
	}
	if ix.ther != nil {
		nt := len(ix.therLabels)
		tm := make([]float64, nt)
		tc := make([]float64, nt)
		for k, m := range pmean {
			if !math.IsNaN(m) {
				j := ix.patTher[k]
				tc[j]++
				tm[j] += (m - tm[j]) / tc[j]
			}
		}
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
