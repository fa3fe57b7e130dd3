package meta

import (
	"math"
	"math/rand/v2"
	"testing"
)

// goshData20 is a k = 20 meta-analysis of correlations (Fisher z, n 40 to
// 400) with one outlying study.
func goshData20() (yi, vi []float64) {
	rng := rand.New(rand.NewPCG(20, 19))
	for i := 0; i < 20; i++ {
		n := 40 + rng.IntN(360)
		v := 1 / float64(n-3)
		y := 0.25 + 0.1*rng.NormFloat64() + rng.NormFloat64()*math.Sqrt(v)
		if i == 6 {
			y = 0.9
		}
		yi, vi = append(yi, y), append(vi, v)
	}
	return yi, vi
}

// BenchmarkGosh20 fits all 1,048,575 subsets of k = 20 studies by REML.
func BenchmarkGosh20(b *testing.B) {
	yi, vi := goshData20()
	r, err := Fit(yi, vi, Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		g, err := Gosh(r, GoshOptions{})
		if err != nil || !g.AllSubsets || g.Subsets != 1<<20-1 {
			b.Fatal(err)
		}
	}
}
