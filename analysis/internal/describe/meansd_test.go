package describe

import (
	"math"
	"testing"
)

// TestMeanSDByHand: values worked by hand. {2, 4, 4, 4, 5, 5, 7, 9} (with
// missing values between) has n = 8, Σx = 40, mean 5, Σ(x − 5)² = 9 + 1 + 1
// + 1 + 0 + 0 + 4 + 16 = 32, so s = √(32/7) = 2.1380899352993950.
func TestMeanSDByHand(t *testing.T) {
	nan := math.NaN()
	cases := []struct {
		name     string
		x        []float64
		mean, sd float64
		n        int
	}{
		{"eight with NaN", []float64{2, 4, nan, 4, 4, 5, nan, 5, 7, 9}, 5, math.Sqrt(32.0 / 7), 8},
		{"two", []float64{1, 3}, 2, math.Sqrt2, 2},
		{"one", []float64{nan, 3}, 3, nan, 1},
		{"all missing", []float64{nan, nan}, nan, nan, 0},
		{"empty", nil, nan, nan, 0},
		// Σ(x − 0.5)² = 4 · 0.25 = 1 over n − 1 = 3
		{"zero one", []float64{0, 1, 0, 1}, 0.5, math.Sqrt(1.0 / 3), 4},
	}
	same := func(a, b float64) bool {
		return (math.IsNaN(a) && math.IsNaN(b)) || math.Abs(a-b) <= 1e-15*math.Max(1, math.Abs(b))
	}
	for _, c := range cases {
		m, s, n := MeanSD(c.x)
		if !same(m, c.mean) || !same(s, c.sd) || n != c.n {
			t.Errorf("%s: MeanSD = %v, %v, %d; want %v, %v, %d", c.name, m, s, n, c.mean, c.sd, c.n)
		}
		if mv, v, nv := MeanVar(c.x); !same(mv, c.mean) || !same(v, c.sd*c.sd) || nv != c.n {
			t.Errorf("%s: MeanVar = %v, %v, %d; want %v, %v, %d", c.name, mv, v, nv, c.mean, c.sd*c.sd, c.n)
		}
		if !same(Mean(c.x), c.mean) || !same(SD(c.x), c.sd) {
			t.Errorf("%s: Mean, SD = %v, %v; want %v, %v", c.name, Mean(c.x), SD(c.x), c.mean, c.sd)
		}
	}
}

// TestMeanSecondPass: ten copies of 0.1 sum to 0.9999999999999999 in
// floating point, so a one-pass mean is 0.09999999999999999; the second
// pass (as R's mean) restores 0.1 exactly, and the SD of a constant is 0.
func TestMeanSecondPass(t *testing.T) {
	x := make([]float64, 10)
	for i := range x {
		x[i] = 0.1
	}
	var sum float64
	for _, v := range x {
		sum += v
	}
	if sum/10 == 0.1 {
		t.Fatalf("the one-pass mean is exact here (%v); the test needs a case where it is not", sum/10)
	}
	m, s, n := MeanSD(x)
	if m != 0.1 || s != 0 || n != 10 {
		t.Errorf("MeanSD(10 × 0.1) = %v, %v, %d; want 0.1, 0, 10", m, s, n)
	}
}

// TestMeanSDInfinite: an infinite value is not missing; the mean is infinite
// (as R's mean(c(1, Inf)) = Inf) and the SD is NaN.
func TestMeanSDInfinite(t *testing.T) {
	m, s, n := MeanSD([]float64{1, math.Inf(1), math.NaN()})
	if !math.IsInf(m, 1) || !math.IsNaN(s) || n != 2 {
		t.Errorf("MeanSD(1, Inf, NaN) = %v, %v, %d; want +Inf, NaN, 2", m, s, n)
	}
}

// TestMeanVarByHand: the variance is returned as the sum of squares over
// n − 1, not as the square of the SD (which would round twice): for
// {2, 4, 4, 4, 5, 5, 7, 9} it is 32/7 exactly as a float64 division, and for
// {1, 2, 3, 4} Σ(x − 2.5)² = 2.25 + 0.25 + 0.25 + 2.25 = 5, so 5/3.
func TestMeanVarByHand(t *testing.T) {
	if _, v, _ := MeanVar([]float64{2, 4, math.NaN(), 4, 4, 5, 5, 7, 9}); v != 32.0/7 {
		t.Errorf("MeanVar variance %v, want 32/7 = %v", v, 32.0/7)
	}
	if m, v, n := MeanVar([]float64{1, 2, 3, 4}); m != 2.5 || v != 5.0/3 || n != 4 {
		t.Errorf("MeanVar(1..4) = %v, %v, %d; want 2.5, 5/3, 4", m, v, n)
	}
}
