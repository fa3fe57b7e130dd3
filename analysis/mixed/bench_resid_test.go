package mixed

import "testing"

// 10,000 rows, CAR(1) residuals and a varIdent variance over two arms
// within patients: the row-by-row whitening path (no per-gap sums).
func BenchmarkCAR1VarIdent_10k(b *testing.B) {
	d := simSessions(1, 500, 20, 3)
	arm := make([]string, len(d.Numeric["y"]))
	for i := range arm {
		arm[i] = []string{"a", "b"}[(i/20)%2]
	}
	d.Text["arm"] = arm
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Fit("y ~ session + x + (1 | patient)", d, Options{Correlation: "car1", Time: "session", Weights: "varident:arm"}); err != nil {
			b.Fatal(err)
		}
	}
}

// 10,000 rows, ARMA(1, 1) residuals: each patient's 20 × 20 matrix factored
// per evaluation.
func BenchmarkARMA11_10k(b *testing.B) {
	d := simSessions(1, 500, 20, 3)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Fit("y ~ session + x + (1 | patient)", d, Options{Correlation: "arma11", Time: "session"}); err != nil {
			b.Fatal(err)
		}
	}
}
