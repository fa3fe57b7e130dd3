package mixed

import (
	"math"
	"strings"
	"testing"

	"github.com/alliance-research/alliance/analysis/internal/golden"
)

// checkNLMEAnova compares m's type 1 and type 3 tables with nlme's rows:
// terms and df exactly, the values by cmp.
func checkNLMEAnova(t *testing.T, m *Model, type1, type3 []nlmeAnovaRow, cmp func(typ int, r AnovaRow, w nlmeAnovaRow)) {
	t.Helper()
	for typ, want := range map[int][]nlmeAnovaRow{1: type1, 3: type3} {
		tab, err := m.AnovaTable(typ)
		if err != nil {
			t.Fatal(err)
		}
		if len(tab.Rows) != len(want) {
			t.Fatalf("type %d: %d rows, want %d", typ, len(tab.Rows), len(want))
		}
		for i, w := range want {
			r := tab.Rows[i]
			if r.Term != w.Term || r.NumDF != w.NumDF || r.DenDF != w.DenDF {
				t.Errorf("type %d row %d: %s %d/%g, want %s %d/%g", typ, i, r.Term, r.NumDF, r.DenDF, w.Term, w.NumDF, w.DenDF)
			}
			cmp(typ, r, w)
		}
	}
}

// nlmeAnovaRow is one row of nlme's anova(m, type = …) in the goldens.
type nlmeAnovaRow struct {
	Term  string  `json:"term"`
	NumDF int     `json:"num_df"`
	DenDF float64 `json:"den_df"`
	F     float64 `json:"F"`
	P     float64 `json:"p"`
}

// F tests with a residual structure against nlme 3.1-162's anova(m, type =
// "sequential") and anova(m, type = "marginal") (testdata/golden/R/
// mixed_resid_anova.R): lme with corCAR1 (REML, ML, nested), with varIdent
// and a random slope, gls with corCAR1 and with varIdent too. Terms, df
// exactly; F to 1e-6 relative (3e-5 for the nested model, whose fit agrees
// with nlme's to 1e-5 in the variance components: TestGoldenResid), p to
// 1e-6 absolute.
func TestGoldenAnovaResid(t *testing.T) {
	type row = nlmeAnovaRow
	var g struct {
		Cases []struct {
			residCase
			Type1 []row `json:"type1"`
			Type3 []row `json:"type3"`
		} `json:"cases"`
	}
	if err := golden.Load("mixed_resid_anova.json", &g); err != nil {
		t.Fatal(err)
	}
	data, _ := loadResidGolden(t, "mixed_resid_anova.json")
	for _, c := range g.Cases {
		t.Run(c.name(), func(t *testing.T) {
			m := c.fit(t, data)
			tol := 1e-6
			if strings.Contains(c.Formula, "/") {
				tol = 3e-5
			}
			worst := 0.0
			checkNLMEAnova(t, m, c.Type1, c.Type3, func(typ int, r AnovaRow, w nlmeAnovaRow) {
				check(t, w.Term+" F", r.F, w.F, tol)
				if math.Abs(r.P-w.P) > 1e-6 {
					t.Errorf("type %d %s: p %g, want %g", typ, w.Term, r.P, w.P)
				}
				worst = max(worst, math.Abs(r.F-w.F)/math.Abs(w.F))
			})
			t.Logf("largest relative gap in F: %.1e", worst)
		})
	}
	m, err := Fit("y ~ week + x + arm + (1 | patient)", data, Options{Correlation: "car1", Time: "week"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.AnovaTable(2); err == nil {
		t.Error("type II with a residual structure accepted")
	}
}
