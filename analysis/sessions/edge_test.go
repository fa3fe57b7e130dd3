package sessions

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
)

type gEdge struct {
	Singular struct {
		Data map[string]json.RawMessage `json:"data"`
		Fit  gFit                       `json:"fit"`
	} `json:"singular"`
	SingleTherapist struct {
		Data map[string]json.RawMessage `json:"data"`
		Fit  gFit                       `json:"fit"`
	} `json:"single_therapist"`
}

// A therapist variance at zero (lme4 reports a singular fit) and a single
// therapist (the therapist level is left out): defined answers equal to R's.
func TestGoldenEdge(t *testing.T) {
	var g gEdge
	if err := goldenLoad("sessions_edge.json", &g); err != nil {
		t.Fatal(err)
	}
	w := worst{}
	t.Run("singular", func(t *testing.T) {
		gf := g.Singular.Fit
		r := checkLmer(t, w, goldenData(t, g.Singular.Data, gf.Options), gf)
		if !r.Singular {
			t.Fatal("not flagged singular")
		}
		if !hasNote(r, "singular fit: the (Intercept) variance of therapist") {
			t.Errorf("no singular-fit note in %q", r.Notes)
		}
	})
	t.Run("single therapist", func(t *testing.T) {
		gf := g.SingleTherapist.Fit
		r := checkLmer(t, w, goldenData(t, g.SingleTherapist.Data, gf.Options), gf)
		if !hasNote(r, "only one therapist") {
			t.Errorf("no single-therapist note in %q", r.Notes)
		}
		if r.Centring != PersonMean {
			t.Errorf("centring %q, want person", r.Centring)
		}
	})
	w.log(t)
}

func hasNote(r *Result, sub string) bool {
	for _, n := range r.Notes {
		if strings.Contains(n, sub) {
			return true
		}
	}
	return false
}

// small is two therapists with two patients each; P4 has one session and
// P1 has a gap (no session 3).
func small() Data {
	return Data{
		Patient:   []string{"P1", "P1", "P1", "P2", "P2", "P2", "P3", "P3", "P3", "P4"},
		Therapist: []string{"A", "A", "A", "A", "A", "A", "B", "B", "B", "B"},
		Session:   []int{1, 2, 4, 1, 2, 3, 1, 2, 3, 1},
		Alliance:  []float64{3, 4, 5, 2, 2, 5, 4, 4, 4, 3},
		Outcome:   []float64{20, 18, 15, 25, 24, 20, 10, 12, 11, 16},
	}
}

// Hand-computed derivation of small(): patient means 4, 3, 4, 3; therapist
// means (4+3)/2 = 3.5 and (4+3)/2 = 3.5; lags only across gaps of 1.
func TestDeriveByHand(t *testing.T) {
	tab, sum, err := Derive(small(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	nan := math.NaN()
	want := map[string][]float64{
		"alliance_between":   {4, 4, 4, 3, 3, 3, 4, 4, 4, 3},
		"alliance_within":    {-1, 0, 1, -1, -1, 2, 0, 0, 0, 0},
		"alliance_therapist": {3.5, 3.5, 3.5, 3.5, 3.5, 3.5, 3.5, 3.5, 3.5, 3.5},
		"alliance_patient":   {0.5, 0.5, 0.5, -0.5, -0.5, -0.5, 0.5, 0.5, 0.5, -0.5},
		"alliance_lag":       {nan, 3, nan, nan, 2, 2, nan, 4, 4, nan},
		"alliance_next":      {4, nan, nan, 2, 5, nan, 4, 4, nan, nan},
		"outcome_lag":        {nan, 20, nan, nan, 25, 24, nan, 10, 12, nan},
		"outcome_next":       {18, nan, nan, 24, 20, nan, 12, 11, nan, nan},
		"outcome_between":    {53.0 / 3, 53.0 / 3, 53.0 / 3, 23, 23, 23, 11, 11, 11, 16},
	}
	for name, w := range want {
		got := tab.Column(name)
		for i := range w {
			if math.IsNaN(w[i]) != math.IsNaN(got[i]) || (!math.IsNaN(w[i]) && math.Abs(got[i]-w[i]) > 1e-12) {
				t.Errorf("%s[%d] = %v, want %v", name, i, got[i], w[i])
			}
		}
	}
	if sum.Patients != 4 || sum.Therapists != 2 || sum.OneSession != 1 || sum.WithNext != 5 {
		t.Errorf("summary %+v", sum)
	}
	// MaxLagGap 2 links P1's sessions 2 and 4.
	tab, _, err = Derive(small(), Options{MaxLagGap: 2})
	if err != nil {
		t.Fatal(err)
	}
	if got := tab.Column("alliance_lag")[2]; got != 4 {
		t.Errorf("gap-2 lag = %v, want 4", got)
	}
	// Detrending: P1 alliance 3, 4, 5 at sessions 1, 2, 4 (mean 7/3):
	// Sxy = (−4/3)(−1) + (5/3)(1) = 3, Sxx = (16 + 1 + 25)/9 = 14/3, slope
	// 9/14; residuals a − 4 − b(s − 7/3) = −1/7, 3/14, −1/14.
	tab, _, err = Derive(small(), Options{Detrend: true})
	if err != nil {
		t.Fatal(err)
	}
	b := 9.0 / 14
	for k, s := range []float64{1, 2, 4} {
		want := []float64{3, 4, 5}[k] - 4 - b*(s-7.0/3)
		if got := tab.Column("alliance_within")[k]; math.Abs(got-want) > 1e-12 {
			t.Errorf("detrended within[%d] = %v, want %v", k, got, want)
		}
	}
	if got := tab.Column("alliance_trend")[9]; !math.IsNaN(got) {
		t.Errorf("one-session trend = %v, want NaN", got)
	}
	if got := tab.Column("alliance_within")[9]; got != 0 {
		t.Errorf("one-session within = %v, want 0", got)
	}
}

// Rows in any order give the same derived values, row for row.
func TestDeriveOrderInvariant(t *testing.T) {
	d := small()
	perm := []int{9, 3, 0, 7, 2, 5, 1, 8, 4, 6}
	var p Data
	for _, i := range perm {
		p.Patient = append(p.Patient, d.Patient[i])
		p.Therapist = append(p.Therapist, d.Therapist[i])
		p.Session = append(p.Session, d.Session[i])
		p.Alliance = append(p.Alliance, d.Alliance[i])
		p.Outcome = append(p.Outcome, d.Outcome[i])
	}
	a, _, err := Derive(d, Options{Detrend: true})
	if err != nil {
		t.Fatal(err)
	}
	b, _, err := Derive(p, Options{Detrend: true})
	if err != nil {
		t.Fatal(err)
	}
	for c, col := range a.Columns {
		for k, i := range perm {
			x, y := col.Values[i], b.Columns[c].Values[k]
			if !(x == y || math.IsNaN(x) && math.IsNaN(y)) && math.Abs(x-y) > 1e-12 {
				t.Errorf("%s: row %d = %v, permuted %v", col.Name, i, x, y)
			}
		}
	}
}

func TestErrors(t *testing.T) {
	base := small()
	cases := []struct {
		name string
		mod  func(d *Data, o *Options)
		want string
	}{
		{"no rows", func(d *Data, o *Options) { *d = Data{} }, "no rows"},
		{"short patient", func(d *Data, o *Options) { d.Patient = d.Patient[:3] }, "patient ids"},
		{"empty id", func(d *Data, o *Options) { d.Patient = append([]string{""}, d.Patient[1:]...) }, "empty patient id"},
		{"duplicate", func(d *Data, o *Options) { d.Session = []int{1, 1, 4, 1, 2, 3, 1, 2, 3, 1} }, "session 1 twice"},
		{"inf", func(d *Data, o *Options) { d.Alliance = []float64{math.Inf(1), 4, 5, 2, 2, 5, 4, 4, 4, 3} }, "must be finite"},
		{"bad covariate name", func(d *Data, o *Options) { d.Covariates = map[string][]float64{"a b": make([]float64, 10)} }, "not a plain identifier"},
		{"reserved covariate", func(d *Data, o *Options) { d.Covariates = map[string][]float64{"alliance_lag": make([]float64, 10)} }, "clashes"},
		{"no alliance", func(d *Data, o *Options) { d.Alliance = nil; o.Model = Lagged }, "needs an alliance column"},
		{"no outcome", func(d *Data, o *Options) { d.Outcome = nil }, "needs an outcome column"},
		{"growth without time", func(d *Data, o *Options) { o.Model = Growth; o.NoTime = true }, "NoTime"},
		{"bad model", func(d *Data, o *Options) { o.Model = "cross-lagged" }, "unknown model"},
		{"bad gap", func(d *Data, o *Options) { o.MaxLagGap = -1 }, "MaxLagGap"},
		{"therapist centring without therapists", func(d *Data, o *Options) { d.Therapist = nil; o.Centring = TherapistMean }, "needs therapist ids"},
		{"constant alliance", func(d *Data, o *Options) { d.Alliance = []float64{3, 3, 3, 2, 2, 2, 4, 4, 4, 3} }, "varies across sessions"},
		{"single patient", func(d *Data, o *Options) {
			*d = Data{Patient: []string{"a", "a", "a"}, Session: []int{1, 2, 3}, Alliance: []float64{1, 2, 3}, Outcome: []float64{3, 1, 2}}
		}, "at least 2 patients"},
		{"nothing usable", func(d *Data, o *Options) {
			d.Outcome = []float64{1, math.NaN(), 1, math.NaN(), 1, math.NaN(), 1, math.NaN(), 1, math.NaN()}
			d.Session = []int{1, 2, 4, 1, 2, 3, 1, 2, 3, 1}
			o.Model = Lagged
			o.MaxLagGap = 1
			d.Outcome = []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
			d.Alliance = []float64{math.NaN(), math.NaN(), math.NaN(), math.NaN(), math.NaN(), math.NaN(), math.NaN(), math.NaN(), math.NaN(), math.NaN()}
		}, "no row has all of"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := base
			d.Patient = append([]string(nil), base.Patient...)
			var o Options
			c.mod(&d, &o)
			_, err := Fit(d, o)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want one containing %q", err, c.want)
			}
		})
	}
}

// A patient id under two therapists becomes two patients, with a note.
func TestPatientUnderTwoTherapists(t *testing.T) {
	d := small()
	d.Patient = []string{"P1", "P1", "P1", "P2", "P2", "P2", "P1", "P1", "P1", "P4"}
	tab, sum, err := Derive(d, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Patients != 4 || sum.MultiTherapy != 1 {
		t.Errorf("summary %+v, want 4 patients, 1 under several therapists", sum)
	}
	if got := tab.Column("alliance_between")[6]; got != 4 {
		t.Errorf("B's P1 mean = %v, want 4", got)
	}
	if _, err := Formula(d, Options{}); err != nil {
		t.Fatal(err)
	}
}

// CSV export: header from Names, NA for missing, exact numbers.
func TestWriteCSV(t *testing.T) {
	tab, _, err := Derive(small(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := tab.WriteCSV(&b); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if len(lines) != 11 {
		t.Fatalf("%d lines, want 11", len(lines))
	}
	if !strings.HasPrefix(lines[0], "patient,therapist,session,alliance,outcome,alliance_between,alliance_within,alliance_therapist,alliance_patient,alliance_lag,alliance_next,outcome_between") {
		t.Errorf("header %q", lines[0])
	}
	if !strings.HasPrefix(lines[1], "P1,A,1,3,20,4,-1,3.5,0.5,NA,4,") {
		t.Errorf("row 1 %q", lines[1])
	}
}
