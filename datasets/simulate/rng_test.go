package simulate

import (
	"math"
	"testing"
)

// TestNormalMoments checks the polar-method normals against the moments of
// N(0, 1): mean 0, variance 1, skewness 0, kurtosis 3, and P(|Z| > 1.96) =
// 0.05, each within 5 standard errors for n = 10⁶ draws.
func TestNormalMoments(t *testing.T) {
	const n = 1_000_000
	var r rng
	r.seed(1, domainSessions, 7)
	var s1, s2, s3, s4 float64
	tail := 0
	for i := 0; i < n; i++ {
		z := r.normal()
		s1 += z
		s2 += z * z
		s3 += z * z * z
		s4 += z * z * z * z
		if math.Abs(z) > 1.959963984540054 {
			tail++
		}
	}
	nf := float64(n)
	// SEs under N(0,1): mean 1/√n, E[z²] √(2/n), E[z³] √(15/n), E[z⁴] √(96/n).
	checks := []struct {
		name      string
		got, want float64
		se        float64
	}{
		{"mean", s1 / nf, 0, 1 / math.Sqrt(nf)},
		{"E[z^2]", s2 / nf, 1, math.Sqrt(2 / nf)},
		{"E[z^3]", s3 / nf, 0, math.Sqrt(15 / nf)},
		{"E[z^4]", s4 / nf, 3, math.Sqrt(96 / nf)},
		{"P(|z|>1.96)", float64(tail) / nf, 0.05, math.Sqrt(0.05 * 0.95 / nf)},
	}
	for _, c := range checks {
		if math.Abs(c.got-c.want) > 5*c.se {
			t.Errorf("%s = %.5f, want %.5f ± %.5f", c.name, c.got, c.want, 5*c.se)
		}
	}
}

// TestIntnUniform checks intn(7) by a chi-square test (df 6; 99.99 %
// quantile 27.86) and its range.
func TestIntnUniform(t *testing.T) {
	const n, k = 700_000, 7
	var r rng
	r.seed(3, domainStudies, 1)
	var counts [k]int
	for i := 0; i < n; i++ {
		v := r.intn(k)
		if v < 0 || v >= k {
			t.Fatalf("intn(%d) = %d out of range", k, v)
		}
		counts[v]++
	}
	chi2 := 0.0
	for _, c := range counts {
		d := float64(c) - n/k
		chi2 += d * d / (n / k)
	}
	if chi2 > 27.86 {
		t.Errorf("chi-square = %.2f > 27.86 (df 6): counts %v", chi2, counts)
	}
}

// TestStreamsDiffer checks that neighbouring streams and seeds give
// different, uncorrelated sequences (|corr| < 5/√n for n = 10⁵).
func TestStreamsDiffer(t *testing.T) {
	const n = 100_000
	pairs := [][2][3]uint64{
		{{1, domainSessions, 1}, {1, domainSessions, 2}},
		{{1, domainSessions, 1}, {2, domainSessions, 1}},
		{{1, domainSessions, 1}, {1, domainStudies, 1}},
	}
	for _, pr := range pairs {
		var a, b rng
		a.seed(int64(pr[0][0]), pr[0][1], pr[0][2])
		b.seed(int64(pr[1][0]), pr[1][1], pr[1][2])
		var sxy, sxx, syy float64
		for i := 0; i < n; i++ {
			x, y := a.normal(), b.normal()
			sxy += x * y
			sxx += x * x
			syy += y * y
		}
		if c := sxy / math.Sqrt(sxx*syy); math.Abs(c) > 5/math.Sqrt(n) {
			t.Errorf("streams %v and %v: correlation %.4f", pr[0], pr[1], c)
		}
	}
}
