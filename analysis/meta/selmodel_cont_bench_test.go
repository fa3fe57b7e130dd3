package meta

import "testing"

// BenchmarkSelmodelBeta1000 fits the beta selection model (Citkowicz &
// Vevea 2017) to k = 1,000 simulated studies with planted selection; the
// issue's target is ≤ 100 ms.
func BenchmarkSelmodelBeta1000(b *testing.B) {
	yi, vi := simStudies(1000, 7)
	r, err := Fit(yi, vi, Options{Method: ML})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s, err := SelModel(r, SelModelOptions{Type: SelBeta})
		if err != nil {
			b.Fatal(err)
		}
		if !s.Converged {
			b.Fatal(s.Note)
		}
	}
}
