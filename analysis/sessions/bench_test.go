package sessions

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// simData simulates therapists × patients × sessions rows (a few sessions
// missing) with a lag-1 within-patient alliance effect.
func simData(therapists, patients, sessions int, seed uint64, withTherapist bool) Data {
	rng := rand.New(rand.NewPCG(seed, 7))
	n := therapists * patients * sessions
	d := Data{Patient: make([]string, 0, n), Session: make([]int, 0, n), Alliance: make([]float64, 0, n), Outcome: make([]float64, 0, n)}
	if withTherapist {
		d.Therapist = make([]string, 0, n)
	}
	for a := 0; a < therapists; a++ {
		ut := 0.3 * rng.NormFloat64()
		th := fmt.Sprintf("t%d", a)
		for b := 0; b < patients; b++ {
			up, py, sl := 0.4*rng.NormFloat64(), 3*rng.NormFloat64(), 0.1*rng.NormFloat64()
			id := fmt.Sprintf("p%d_%d", a, b)
			prev := 0.0
			for s := 1; s <= sessions; s++ {
				e := 0.3 * rng.NormFloat64()
				if rng.Float64() < 0.03 {
					prev = 0
					continue
				}
				d.Patient = append(d.Patient, id)
				if withTherapist {
					d.Therapist = append(d.Therapist, th)
				}
				d.Session = append(d.Session, s)
				d.Alliance = append(d.Alliance, 3.5+ut+up+e)
				d.Outcome = append(d.Outcome, 15+py-3*up-2*ut+(-0.3+sl)*float64(s)-1.5*prev+2*rng.NormFloat64())
				prev = e
			}
		}
	}
	return d
}

// 100,000 rows, 5,000 patients, lagged model with a random intercept and
// slope of session, derivation included (budget 0.2 s; lme4 2.1–2.6 s).
func BenchmarkLaggedSlope100k(b *testing.B) {
	d := simData(1, 5000, 20, 1, false)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Fit(d, Options{RandomSlope: true}); err != nil {
			b.Fatal(err)
		}
	}
}

// 100,000 rows, 250 therapists × 20 patients, lagged model with nested
// therapist/patient intercepts and therapist centring (budget 0.1 s).
func BenchmarkLaggedNested100k(b *testing.B) {
	d := simData(250, 20, 20, 2, true)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Fit(d, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// 10,000 rows, concurrent model with AR(1) residuals (budget 30 ms).
func BenchmarkConcurrentAR1_10k(b *testing.B) {
	d := simData(1, 500, 20, 3, false)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Fit(d, Options{Model: Concurrent, AR1: true}); err != nil {
			b.Fatal(err)
		}
	}
}

// Derivation alone, 100,000 rows with therapists and detrending.
func BenchmarkDerive100k(b *testing.B) {
	d := simData(250, 20, 20, 4, true)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, _, err := Derive(d, Options{Detrend: true}); err != nil {
			b.Fatal(err)
		}
	}
}
