package mixed

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// simSessions simulates patients × sessions rows with therapist and patient
// random intercepts, a random slope of session and AR(1)-free noise.
func simSessions(therapists, patients, sessions int, seed uint64) Data {
	rng := rand.New(rand.NewPCG(seed, 1))
	n := therapists * patients * sessions
	y := make([]float64, 0, n)
	t := make([]float64, 0, n)
	x := make([]float64, 0, n)
	th := make([]string, 0, n)
	pa := make([]string, 0, n)
	for a := 0; a < therapists; a++ {
		ut := rng.NormFloat64()
		for b := 0; b < patients; b++ {
			u0, u1 := 2*rng.NormFloat64(), 0.3*rng.NormFloat64()
			id := fmt.Sprintf("p%d_%d", a, b)
			for s := 0; s < sessions; s++ {
				xv := rng.NormFloat64()
				y = append(y, 10+ut+u0+(-0.5+u1)*float64(s)+0.4*xv+1.5*rng.NormFloat64())
				t = append(t, float64(s))
				x = append(x, xv)
				th = append(th, fmt.Sprintf("t%d", a))
				pa = append(pa, id)
			}
		}
	}
	return Data{Numeric: map[string][]float64{"y": y, "session": t, "x": x},
		Text: map[string][]string{"therapist": th, "patient": pa}}
}

// 100,000 rows, 5,000 patients, correlated random intercept and slope
// (budget 0.2 s; lme4 lmer 2.1 s).
func BenchmarkSlope100k(b *testing.B) {
	d := simSessions(1, 5000, 20, 1)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Fit("y ~ session + x + (1 + session | patient)", d, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// 100,000 rows, nested therapist/patient intercepts (budget 0.1 s; lme4 1.2 s).
func BenchmarkNested100k(b *testing.B) {
	d := simSessions(250, 20, 20, 2)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Fit("y ~ session + x + (1 | therapist/patient)", d, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// 10,000 rows with AR(1) residuals within patients (budget 30 ms; nlme 0.54 s).
func BenchmarkAR1_10k(b *testing.B) {
	d := simSessions(1, 500, 20, 3)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Fit("y ~ session + x + (1 | patient)", d, Options{AR1: "session"}); err != nil {
			b.Fatal(err)
		}
	}
}
