package metamv

import (
	"testing"

	"github.com/alliance-research/alliance/analysis/meta"
)

// A three-level meta-regression at k ≈ 2,000 effect sizes in 400 clusters
// on a numeric moderator and a three-level factor: the CR2 sandwich with
// Satterthwaite df and the HTZ test of the factor's two coefficients.
func BenchmarkRobustTermsHTZ2000(b *testing.B) {
	y, v, outer := simulate(400, 9, 1)
	x, g := make([]float64, len(y)), make([]string, len(y))
	for i := range y {
		x[i] = float64(i%17) / 17
		g[i] = []string{"a", "b", "c"}[i%3]
	}
	r, err := Fit(y, v, outer, nil, Options{NoProfile: true, Mods: []meta.Moderator{{Name: "x", Numeric: x}, {Name: "g", Text: g}}})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(len(y)), "k")
	coefs := []string{r.Coefficients[2].Name, r.Coefficients[3].Name}
	for b.Loop() {
		rb, err := ClusterRobust(r, outer, RobustOptions{})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := rb.TestCoefficients(coefs, coefs); err != nil {
			b.Fatal(err)
		}
	}
}

// The two σ² profiles (41 refits each) of the intercept-only model at the
// same size, as --profile-plot draws them.
func BenchmarkProfileSigma2_2000(b *testing.B) {
	y, v, outer := simulate(400, 9, 1)
	r, err := Fit(y, v, outer, nil, Options{})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		for j := 0; j < 2; j++ {
			if _, err := r.ProfileSigma2(j, nil); err != nil {
				b.Fatal(err)
			}
		}
	}
}
