package meta

import "testing"

// BenchmarkStudiesMods1000: fitted values, BLUPs and both residuals of a
// meta-regression on one moderator, k = 1,000 (the k leave-one-out refits
// of rstudent dominate).
func BenchmarkStudiesMods1000(b *testing.B) {
	yi, vi := simStudies(1000, 7)
	x := make([]float64, len(yi))
	for i := range x {
		x[i] = float64(i%10) / 10
	}
	for b.Loop() {
		res, err := Fit(yi, vi, Options{Mods: []Moderator{{Name: "x", Numeric: x}}})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Studies(res); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkProfileCI1000: the profile-likelihood CI of τ², k = 1,000.
func BenchmarkProfileCI1000(b *testing.B) {
	yi, vi := simStudies(1000, 7)
	res, err := Fit(yi, vi, Options{})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := ProfileCI(res); err != nil {
			b.Fatal(err)
		}
	}
}
