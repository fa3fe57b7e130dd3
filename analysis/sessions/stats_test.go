package sessions

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// messyData is simData with the rows shuffled (unsorted input), some
// patient ids reused under two therapists, missing scores and a covariate.
func messyData(seed uint64, withTherapist bool) Data {
	rng := rand.New(rand.NewPCG(seed, 3))
	d := simData(6+rng.IntN(6), 5+rng.IntN(5), 4+rng.IntN(8), seed, withTherapist)
	n := len(d.Session)
	age := make([]float64, n)
	for i := range age {
		age[i] = 20 + float64(rng.IntN(40))
		if rng.IntN(40) == 0 {
			age[i] = math.NaN()
		}
		if rng.IntN(25) == 0 {
			d.Alliance[i] = math.NaN()
		}
		if rng.IntN(25) == 0 {
			d.Outcome[i] = math.NaN()
		}
	}
	if withTherapist && seed%2 == 0 { // patient p0_0's id reused by therapist t1
		for i := range d.Patient {
			if d.Patient[i] == "p1_0" {
				d.Patient[i] = "p0_0"
			}
		}
	}
	d.Covariates = map[string][]float64{"age": age}
	perm := rng.Perm(n)
	shuf := Data{Patient: make([]string, n), Session: make([]int, n), Alliance: make([]float64, n), Outcome: make([]float64, n), Covariates: map[string][]float64{"age": make([]float64, n)}}
	if withTherapist {
		shuf.Therapist = make([]string, n)
	}
	for to, from := range perm {
		shuf.Patient[to], shuf.Session[to] = d.Patient[from], d.Session[from]
		shuf.Alliance[to], shuf.Outcome[to] = d.Alliance[from], d.Outcome[from]
		shuf.Covariates["age"][to] = age[from]
		if withTherapist {
			shuf.Therapist[to] = d.Therapist[from]
		}
	}
	if seed%3 == 0 {
		shuf.Covariates = nil
	}
	return shuf
}

func close(a, b, tol float64) bool {
	if a == b || (math.IsNaN(a) && math.IsNaN(b)) {
		return true
	}
	return math.Abs(a-b) <= tol*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}

// sameResult checks that two session fits agree: every word exactly,
// the log-likelihood to 1e-12 and the optimiser-dependent numbers to 1e-6
// (df, from numerical derivatives, to 1e-4).
func sameResult(t *testing.T, what string, a, b *Result) {
	t.Helper()
	if a.Formula != b.Formula || a.NObs != b.NObs || a.Dropped != b.Dropped || a.Summary != b.Summary || a.Centring != b.Centring || a.Model != b.Model {
		t.Fatalf("%s: formula %q/%q, nobs %d/%d, dropped %d/%d, summary %+v/%+v, centring %q/%q", what, a.Formula, b.Formula, a.NObs, b.NObs, a.Dropped, b.Dropped, a.Summary, b.Summary, a.Centring, b.Centring)
	}
	if !slices.Equal(a.Notes, b.Notes) || !slices.Equal(a.Columns, b.Columns) {
		t.Errorf("%s: notes\n%q\n%q\ncolumns %q / %q", what, a.Notes, b.Notes, a.Columns, b.Columns)
	}
	chk := func(name string, x, y, tol float64) {
		t.Helper()
		if !close(x, y, tol) {
			t.Errorf("%s: %s = %.15g (rows) vs %.15g (statistics)", what, name, x, y)
		}
	}
	chk("logLik", a.LogLik, b.LogLik, 1e-12)
	chk("sigma²", a.ResidualVariance, b.ResidualVariance, 1e-6)
	chk("R² marginal", a.R2Marginal, b.R2Marginal, 1e-6)
	for i := range a.Fixed {
		chk(a.Fixed[i].Name, a.Fixed[i].Estimate, b.Fixed[i].Estimate, 1e-6)
		chk(a.Fixed[i].Name+" se", a.Fixed[i].SE, b.Fixed[i].SE, 1e-6)
		chk(a.Fixed[i].Name+" df", a.Fixed[i].DF, b.Fixed[i].DF, 1e-4)
	}
	for i := range a.Random {
		chk(a.Random[i].Group+" variance", a.Random[i].Variance, b.Random[i].Variance, 1e-6)
	}
	if len(a.Ranef) != len(b.Ranef) || len(a.Effects) != len(b.Effects) || len(a.Fixed) != len(b.Fixed) {
		t.Fatalf("%s: %d/%d BLUPs, %d/%d effects", what, len(a.Ranef), len(b.Ranef), len(a.Effects), len(b.Effects))
	}
	for i := range a.Ranef {
		if a.Ranef[i].Level != b.Ranef[i].Level || a.Ranef[i].Group != b.Ranef[i].Group {
			t.Fatalf("%s: BLUP %d of %s %s vs %s %s", what, i, a.Ranef[i].Group, a.Ranef[i].Level, b.Ranef[i].Group, b.Ranef[i].Level)
		}
		chk("BLUP "+a.Ranef[i].Level, a.Ranef[i].Value, b.Ranef[i].Value, 1e-6)
	}
	for i := range a.Effects {
		if a.Effects[i].Role != b.Effects[i].Role {
			t.Errorf("%s: effect %d role %q vs %q", what, i, a.Effects[i].Role, b.Effects[i].Role)
		}
	}
}

// TestStatsFitMatchesRows: the fit from per-patient sufficient statistics
// (Fit's path without AR(1)), and the same statistics accumulated over
// random partitions of the patients and merged, equal mixed.Fit on the
// derived table (the path of the goldens before the statistics), over
// random unsorted data with missing values, reused patient ids,
// covariates and every model and option.
func TestStatsFitMatchesRows(t *testing.T) {
	models := []Model{Lagged, Reverse, Concurrent, Growth}
	for seed := uint64(1); seed <= 32; seed++ {
		withTher := seed%4 != 1
		d := messyData(seed, withTher)
		opt := Options{Model: models[seed%4], Detrend: seed%5 == 0, RandomSlope: seed%3 == 1, MaxLagGap: 1 + int(seed%2), ML: seed%7 == 0}
		if withTher && seed%6 == 2 {
			opt.Centring = PersonMean
		}
		if withTher && seed%8 == 3 {
			opt.IgnoreTherapist = true
			opt.Centring = TherapistMean
		}
		what := fmt.Sprintf("seed %d %+v", seed, opt)
		o, err := opt.defaults()
		if err != nil {
			t.Fatal(err)
		}
		ix, err := d.validate()
		if err != nil {
			t.Fatal(err)
		}
		rows, err := fitRows(d, ix, o)
		if err != nil {
			t.Fatalf("%s: rows: %v", what, err)
		}
		so := opt
		so.NoTable = true
		stats, err := Fit(d, so)
		if err != nil {
			t.Fatalf("%s: statistics: %v", what, err)
		}
		sameResult(t, what, rows, stats)
		if !slices.Equal(stats.Columns, rows.Table.Names()) {
			t.Errorf("%s: columns %q, table %q", what, stats.Columns, rows.Table.Names())
		}
		// Partitions: each patient's rows in one of three, merged.
		rng := rand.New(rand.NewPCG(seed, 11))
		cols := Columns{Therapist: d.Therapist != nil, Alliance: true, Outcome: true, Covariates: d.covariateNames()}
		parts := make([]*Stats, 3)
		for k := range parts {
			if parts[k], err = NewStats(cols, opt); err != nil {
				t.Fatal(err)
			}
		}
		for k := 0; k+1 < len(ix.pstart); k++ {
			seg := ix.order[ix.pstart[k]:ix.pstart[k+1]]
			p := Patient{ID: d.Patient[seg[0]], Alliance: gather(nil, d.Alliance, seg), Outcome: gather(nil, d.Outcome, seg), Covariates: map[string][]float64{}}
			if d.Therapist != nil {
				p.Therapist = d.Therapist[seg[0]]
			}
			for _, i := range seg {
				p.Session = append(p.Session, d.Session[i])
			}
			for name, v := range d.Covariates {
				p.Covariates[name] = gather(nil, v, seg)
			}
			if aerr := parts[rng.IntN(3)].AddPatient(p); aerr != nil {
				t.Fatal(aerr)
			}
		}
		for _, k := range []int{2, 1} {
			if merr := parts[0].Merge(parts[k]); merr != nil {
				t.Fatal(merr)
			}
		}
		merged, err := FitStats(parts[0])
		if err != nil {
			t.Fatalf("%s: merged: %v", what, err)
		}
		sameResult(t, what+" merged", rows, merged)
	}
}

// TestStatsErrors: what cannot be accumulated or fitted says why.
func TestStatsErrors(t *testing.T) {
	if _, err := NewStats(Columns{Outcome: true}, Options{AR1: true}); err == nil {
		t.Error("AR(1): no error")
	}
	s, err := NewStats(Columns{Alliance: true, Outcome: true}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.AddPatient(Patient{ID: "a", Session: []int{2, 1}, Alliance: []float64{1, 2}, Outcome: []float64{1, 2}}); err == nil {
		t.Error("unsorted sessions: no error")
	}
	if err := s.AddPatient(Patient{ID: "a", Session: []int{1, 1}, Alliance: []float64{1, 2}, Outcome: []float64{1, 2}}); err == nil {
		t.Error("repeated session: no error")
	}
	for k := 0; k < 2; k++ {
		if err := s.AddPatient(Patient{ID: "a", Session: []int{1, 2, 3}, Alliance: []float64{1, 2, 4}, Outcome: []float64{1, 2, 2}}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := FitStats(s); err == nil {
		t.Error("a patient added twice: no error")
	}
	o, _ := NewStats(Columns{Alliance: true, Outcome: true}, Options{Model: Reverse})
	if err := s.Merge(o); err == nil {
		t.Error("merging different models: no error")
	}
}
