package panel

import (
	"math"
	"math/rand/v2"
	"testing"
)

func BenchmarkRICLPM10k(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	N, T := 10000, 10
	rows := make([][]float64, N)
	for i := range rows {
		rix, riy := rng.NormFloat64(), rng.NormFloat64()
		r := make([]float64, 2*T)
		wx, wy := rng.NormFloat64(), rng.NormFloat64()
		for t := 0; t < T; t++ {
			if t > 0 {
				wx, wy = 0.3*wx+0.1*wy+rng.NormFloat64(), 0.4*wy-0.2*wx+rng.NormFloat64()
			}
			r[t], r[T+t] = rix+wx, riy+wy
			if rng.Float64() < 0.05 {
				r[t] = math.NaN()
			}
		}
		rows[i] = r
	}
	for b.Loop() {
		if _, err := Fit(rows, Spec{Kind: RICLPM, Waves: T}, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
