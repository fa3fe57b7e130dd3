package mixed

import "testing"

// The Kenward–Roger adjustment alone (the fit excluded) on 100,000 rows:
// 5,000 patients with a correlated random intercept and slope, and 250
// therapists × 20 patients with nested intercepts.
func BenchmarkKenwardRogerSlope100k(b *testing.B) {
	benchKR(b, simSessions(1, 5000, 20, 1), "y ~ session + x + (1 + session | patient)")
}

func BenchmarkKenwardRogerNested100k(b *testing.B) {
	benchKR(b, simSessions(250, 20, 20, 2), "y ~ session + x + (1 | therapist/patient)")
}

func benchKR(b *testing.B, d Data, formula string) {
	m, err := Fit(formula, d, Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m.kr = nil
		if _, err := m.kenwardRoger(); err != nil {
			b.Fatal(err)
		}
	}
}
