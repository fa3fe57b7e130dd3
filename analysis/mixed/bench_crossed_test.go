package mixed

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// simRaters simulates patients × rows, each row rated by a random one of
// the raters (partially crossed), with patient and rater intercepts, a
// patient slope of x (sd slope) and a fixed slope.
func simRaters(patients, raters, per int, slope float64, seed uint64) Data {
	rng := rand.New(rand.NewPCG(seed, 2))
	ur := make([]float64, raters)
	for i := range ur {
		ur[i] = 0.5 * rng.NormFloat64()
	}
	n := patients * per
	y, x := make([]float64, 0, n), make([]float64, 0, n)
	pa, ra := make([]string, 0, n), make([]string, 0, n)
	for p := 0; p < patients; p++ {
		u0, u1 := rng.NormFloat64(), slope*rng.NormFloat64()
		id := fmt.Sprintf("P%04d", p)
		for s := 0; s < per; s++ {
			r := rng.IntN(raters)
			xv := rng.NormFloat64()
			y = append(y, 2+(0.3+u1)*xv+u0+ur[r]+rng.NormFloat64())
			x = append(x, xv)
			pa = append(pa, id)
			ra = append(ra, fmt.Sprintf("R%02d", r))
		}
	}
	return Data{Numeric: map[string][]float64{"y": y, "x": x}, Text: map[string][]string{"patient": pa, "rater": ra}}
}

// 100,000 rows, 5,000 patients × 50 raters, crossed intercepts (the
// grouped shortcut; lme4 lmer 1.9–2.1 s CPU on the same design).
func BenchmarkCrossed100k(b *testing.B) {
	d := simRaters(5000, 50, 20, 0, 1)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Fit("y ~ x + (1 | patient) + (1 | rater)", d, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// The same with a random slope per patient: the sparse factorisation with
// the raters' block dense (about 8 ms of CPU per evaluation, ~570 with the
// Satterthwaite derivatives; lme4 lmer 9.5 s CPU on a design like it).
func BenchmarkCrossedSlope100k(b *testing.B) {
	d := simRaters(5000, 50, 20, 0.3, 2)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Fit("y ~ x + (1 + x | patient) + (1 | rater)", d, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
