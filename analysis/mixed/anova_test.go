package mixed

import (
	"encoding/json"
	"testing"

	"github.com/alliance-research/alliance/analysis/internal/golden"
)

type anovaGolden struct {
	Data map[string]json.RawMessage `json:"data"`
	Fits []struct {
		Formula string     `json:"formula"`
		Type    int        `json:"type"`
		LogLik  float64    `json:"logLik"`
		Anova   []AnovaRow `json:"anova"`
	} `json:"fits"`
}

// Type I and III F tests with Satterthwaite df against lmerTest 3.1-3's
// anova(m, type = 1 / 3): single-df terms, a 3-level factor, and a
// factor × numeric interaction (multi-df Satterthwaite).
func TestAnovaLmerTest(t *testing.T) {
	for _, file := range []string{"mixed_anova_sleepstudy.json", "mixed_anova_arm.json"} {
		var g anovaGolden
		if err := golden.Load(file, &g); err != nil {
			t.Fatal(err)
		}
		data := goldenFile{Data: g.Data}.data(t)
		for _, fit := range g.Fits {
			m, err := Fit(fit.Formula, data, Options{})
			if err != nil {
				t.Fatalf("%s: %v", fit.Formula, err)
			}
			check(t, fit.Formula+" logLik", m.Result.LogLik, fit.LogLik, 1e-9)
			rows, err := m.Anova(fit.Type)
			if err != nil {
				t.Fatalf("%s type %d: %v", fit.Formula, fit.Type, err)
			}
			if len(rows) != len(fit.Anova) {
				t.Fatalf("%s type %d: %d rows, want %d", fit.Formula, fit.Type, len(rows), len(fit.Anova))
			}
			for i, w := range fit.Anova {
				r := rows[i]
				what := fit.Formula + " type " + string(rune('0'+fit.Type)) + " " + w.Term
				if r.Term != w.Term || r.NumDF != w.NumDF {
					t.Errorf("%s: term %q num_df %d, want %q %d", what, r.Term, r.NumDF, w.Term, w.NumDF)
				}
				t.Logf("%s: F rel %.1e, df rel %.1e", what, relErr(r.F, w.F), relErr(r.DenDF, w.DenDF))
				check(t, what+" F", r.F, w.F, 1e-6)
				check(t, what+" den_df", r.DenDF, w.DenDF, 1e-5)
				check(t, what+" sum_sq", r.SumSq, w.SumSq, 1e-6)
				check(t, what+" mean_sq", r.MeanSq, w.MeanSq, 1e-6)
				check(t, what+" p", r.P, w.P, 1e-5)
			}
		}
	}
}
