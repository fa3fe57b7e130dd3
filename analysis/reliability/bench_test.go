package reliability

import (
	"math/rand/v2"
	"testing"
)

func simItems(n, k int) [][]float64 {
	r := rand.New(rand.NewPCG(5, 6))
	x := make([][]float64, n)
	for i := range x {
		f := r.NormFloat64()
		x[i] = make([]float64, k)
		for j := range x[i] {
			v := float64(int(3 + 0.8*f + r.NormFloat64()))
			x[i][j] = min(5, max(1, v))
		}
	}
	return x
}

// BenchmarkAlpha: 2,800 persons × 25 items (the size of psych's bfi).
func BenchmarkAlpha(b *testing.B) {
	x := simItems(2800, 25)
	for b.Loop() {
		if _, err := Alpha(x, AlphaOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkICC: 100,000 targets × 4 raters.
func BenchmarkICC(b *testing.B) {
	x := simItems(100000, 4)
	for b.Loop() {
		if _, err := ICC(x, ICCOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkKrippendorff: 100,000 units × 4 coders, ordinal.
func BenchmarkKrippendorff(b *testing.B) {
	x := simItems(100000, 4)
	for b.Loop() {
		if _, err := Krippendorff(x, Ordinal); err != nil {
			b.Fatal(err)
		}
	}
}
