package meta

import (
	"math/rand/v2"
	"testing"
)

// BenchmarkGENQM times a GENQM fit with its generalised Q-profile CI; each
// evaluation of the distribution of Q_A is a k×k symmetric eigenproblem.
func BenchmarkGENQM(b *testing.B) {
	for _, k := range []int{50, 200} {
		rng := rand.New(rand.NewPCG(1, uint64(k)))
		yi, vi, w := make([]float64, k), make([]float64, k), make([]float64, k)
		for i := range yi {
			n := 20 + rng.IntN(300)
			vi[i] = 1 / float64(n-3)
			yi[i] = 0.2 + 0.1*rng.NormFloat64() + rng.NormFloat64()*0.06
			w[i] = float64(n)
		}
		b.Run(map[int]string{50: "k=50", 200: "k=200"}[k], func(b *testing.B) {
			for b.Loop() {
				if _, err := Fit(yi, vi, Options{Method: GENQM, Weights: w}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
