package mixed

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// Profile intervals of the 100,000-row random-slope model of
// BenchmarkSlope100k (5,000 patients; 4 variance parameters, 3 fixed
// effects).
func BenchmarkConfintProfile100k(b *testing.B) {
	benchConfint(b, "y ~ x + session + (1 + session | patient)", simSessions(250, 20, 20, 1), ConfintOptions{})
}

// 200 parametric-bootstrap refits of the same model.
func BenchmarkConfintBoot100k(b *testing.B) {
	benchConfint(b, "y ~ x + session + (1 + session | patient)", simSessions(250, 20, 20, 1), ConfintOptions{Method: "boot", NSim: 200})
}

// Profile intervals of a crossed model on 5,000 rows (500 patients × 10
// raters, the general path): a || patient slope, four variance
// parameters.
func BenchmarkConfintProfileCrossed5k(b *testing.B) {
	benchConfint(b, "y ~ session + (1 + session || patient) + (1 | rater)", crossedRaters5k(), ConfintOptions{})
}

// benchConfint times Confint with opt of the model formula fitted to d.
func benchConfint(b *testing.B, formula string, d Data, opt ConfintOptions) {
	m, err := Fit(formula, d, Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := m.Confint(opt); err != nil {
			b.Fatal(err)
		}
	}
}

// crossedRaters5k: 500 patients fully crossed with 10 raters, session 1 or
// 2, y = 3 + 0.4 session + u_patient + v_rater + ε (SDs 1, 0.5, 1).
func crossedRaters5k() Data {
	rng := rand.New(rand.NewPCG(7, 1))
	d := Data{Numeric: map[string][]float64{}, Text: map[string][]string{}}
	v := make([]float64, 10)
	for r := range v {
		v[r] = 0.5 * rng.NormFloat64()
	}
	for p := 0; p < 500; p++ {
		u := rng.NormFloat64()
		for r := 0; r < 10; r++ {
			s := float64(1 + r%2)
			d.Numeric["y"] = append(d.Numeric["y"], 3+0.4*s+u+v[r]+rng.NormFloat64())
			d.Numeric["session"] = append(d.Numeric["session"], s)
			d.Text["patient"] = append(d.Text["patient"], fmt.Sprintf("P%03d", p))
			d.Text["rater"] = append(d.Text["rater"], fmt.Sprintf("R%02d", r))
		}
	}
	return d
}
