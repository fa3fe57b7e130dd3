package mixed

import "testing"

// Profile intervals of the 100,000-row random-slope model of
// BenchmarkSlope100k (5,000 patients; 4 variance parameters, 3 fixed
// effects).
func BenchmarkConfintProfile100k(b *testing.B) {
	d := simSessions(250, 20, 20, 1)
	m, err := Fit("y ~ x + session + (1 + session | patient)", d, Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := m.Confint(ConfintOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

// 200 parametric-bootstrap refits of the same model.
func BenchmarkConfintBoot100k(b *testing.B) {
	d := simSessions(250, 20, 20, 1)
	m, err := Fit("y ~ x + session + (1 + session | patient)", d, Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := m.Confint(ConfintOptions{Method: "boot", NSim: 200}); err != nil {
			b.Fatal(err)
		}
	}
}
