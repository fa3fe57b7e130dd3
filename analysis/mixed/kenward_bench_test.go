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

// The adjustment alone on the general path, 5,000 rows: 500 patients × 10
// rows crossed with 50 raters (one component, 50 coupled effects), with
// intercepts and with a patient slope too; and 100,000 rows, 5,000
// patients × 50 raters.
func BenchmarkKenwardRogerCrossed5k(b *testing.B) {
	benchKR(b, simRaters(500, 50, 10, 0, 3), "y ~ x + (1 | patient) + (1 | rater)")
}

func BenchmarkKenwardRogerCrossedSlope5k(b *testing.B) {
	benchKR(b, simRaters(500, 50, 10, 0.3, 4), "y ~ x + (1 + x | patient) + (1 | rater)")
}

func BenchmarkKenwardRogerCrossed100k(b *testing.B) {
	benchKR(b, simRaters(5000, 50, 20, 0, 1), "y ~ x + (1 | patient) + (1 | rater)")
}

// Uncorrelated intercept and slope (two terms on one factor): 5,000
// components of one patient each.
func BenchmarkKenwardRogerUncorrelated100k(b *testing.B) {
	benchKR(b, simRaters(5000, 50, 20, 0.3, 5), "y ~ x + (1 + x || patient)")
}
