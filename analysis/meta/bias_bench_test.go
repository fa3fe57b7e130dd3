package meta

import (
	"math"
	"math/rand/v2"
	"testing"
)

// simStudies returns k Fisher-z effects with n in [20, 500], τ = 0.1 and a
// planted small-study effect (small non-significant studies are thinned).
func simStudies(k int, seed uint64) (yi, vi []float64) {
	rng := rand.New(rand.NewPCG(seed, 1))
	for len(yi) < k {
		n := 20 + rng.Float64()*480
		v := 1 / (n - 3)
		y := 0.15 + 0.1*rng.NormFloat64() + math.Sqrt(v)*rng.NormFloat64()
		if y/math.Sqrt(v) < 1.96 && n < 100 && rng.Float64() < 0.6 {
			continue
		}
		yi, vi = append(yi, y), append(vi, v)
	}
	return yi, vi
}

func BenchmarkTrimFill3000(b *testing.B) {
	yi, vi := simStudies(3000, 1)
	r, err := Fit(yi, vi, Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := TrimFill(r, TrimFillOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkInfluence1000(b *testing.B) {
	yi, vi := simStudies(1000, 2)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		// A fresh fit each time: the refits are cached per Result.
		r, err := Fit(yi, vi, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Influence(r); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkInfluenceLeave1out3000(b *testing.B) {
	yi, vi := simStudies(3000, 3)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		// A fresh fit each time: the refits are cached per Result.
		r, err := Fit(yi, vi, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Influence(r); err != nil {
			b.Fatal(err)
		}
		if _, err := LeaveOneOut(r); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkREMLEggerTrimFill1e6 is the DESIGN.md budget: REML + Egger +
// trim and fill at k = 1,000,000 (≤ 3 s, ≤ 1 GB); the set adds the
// rank test and fail-safe N (≤ 5 s).
func BenchmarkREMLEggerTrimFill1e6(b *testing.B) {
	yi, vi := simStudies(1_000_000, 4)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r, err := Fit(yi, vi, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := RegTest(r, RegTestOptions{}); err != nil {
			b.Fatal(err)
		}
		if _, err := TrimFill(r, TrimFillOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBiasAll1e6(b *testing.B) {
	yi, vi := simStudies(1_000_000, 4)
	r, err := Fit(yi, vi, Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Bias(r, BiasOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
