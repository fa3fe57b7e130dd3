package effectsize

import (
	"math/rand/v2"
	"testing"
)

func benchData(k int) (r, n []float64) {
	rng := rand.New(rand.NewPCG(1, 2))
	r = make([]float64, k)
	n = make([]float64, k)
	for i := range r {
		r[i] = 0.9 * (2*rng.Float64() - 1)
		n[i] = float64(20 + rng.IntN(500))
	}
	return r, n
}

// ZCOR on 1e6 studies: allocates only the two output columns.
func BenchmarkZCOR1e6(b *testing.B) {
	r, n := benchData(1_000_000)
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := ZCOR(r, n); err != nil {
			b.Fatal(err)
		}
	}
}

// ZCORTo on 1e6 studies into preallocated columns: no allocation.
func BenchmarkZCORTo1e6(b *testing.B) {
	r, n := benchData(1_000_000)
	yi, vi := make([]float64, len(r)), make([]float64, len(r))
	b.ReportAllocs()
	for b.Loop() {
		if err := ZCORTo(yi, vi, r, n); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkUCOR1e4(b *testing.B) {
	r, n := benchData(10_000)
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := UCOR(r, n, VTypeUB); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkZToRInt(b *testing.B) {
	for b.Loop() {
		if _, err := ZToRInt(0.2856, 0.05); err != nil {
			b.Fatal(err)
		}
	}
}
