package mixed

import (
	"encoding/json"
	"math"
	"strings"
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

// Type I, II and III F tests with Satterthwaite df against lmerTest 3.1-3's
// anova(m, type = 1 / 2 / 3): single-df terms, a 3-level factor, and a
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
				check(t, what+" den_df", r.DenDF, w.DenDF, 1e-6)
				check(t, what+" sum_sq", r.SumSq, w.SumSq, 1e-6)
				check(t, what+" mean_sq", r.MeanSq, w.MeanSq, 1e-6)
				check(t, what+" p", r.P, w.P, 1e-5)
			}
		}
	}
}

// A term whose hypothesis has rank 0 (here its rows of L set to zero, as
// for a term aliased with others) is left out of the table and named in
// Omitted and in a note; the other terms' rows are those of the full
// table.
func TestAnovaRankZeroTermNoted(t *testing.T) {
	var g anovaGolden
	if err := golden.Load("mixed_anova_arm.json", &g); err != nil {
		t.Fatal(err)
	}
	data := goldenFile{Data: g.Data}.data(t)
	m, err := Fit("y ~ arm * time + (1 + time | patient)", data, Options{})
	if err != nil {
		t.Fatal(err)
	}
	full, err := m.AnovaTable(3)
	if err != nil {
		t.Fatal(err)
	}
	if len(full.Omitted) != 0 || len(full.Notes) != 0 || len(full.Rows) != 3 {
		t.Fatalf("full table %+v", full)
	}
	Ls, err := m.d.type3()
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range Ls[1] { // time
		for j := range row {
			row[j] = 0
		}
	}
	Ls[0] = nil // arm: no hypothesis rows at all
	sigma := math.Sqrt(m.Result.ResidualVariance)
	vd, err := m.vcovDerivs(sigma)
	if err != nil {
		t.Fatal(err)
	}
	beta := make([]float64, m.d.p)
	for i, c := range m.Result.Fixed {
		beta[i] = c.Estimate
	}
	got := anovaRows(m.d.anova.terms, Ls, beta, sigma, vd)
	if len(got.Rows) != 1 || got.Rows[0] != full.Rows[2] {
		t.Errorf("rows %+v, want only %+v", got.Rows, full.Rows[2])
	}
	if strings.Join(got.Omitted, ",") != "arm,time" || len(got.Notes) != 2 || !strings.Contains(got.Notes[1], "term time is not tested") {
		t.Errorf("omitted %v, notes %q", got.Omitted, got.Notes)
	}
}
