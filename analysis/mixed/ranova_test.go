package mixed

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/alliance-research/alliance/analysis/internal/golden"
)

// TestRanovaLmerTest: every row of lmerTest 3.1-3's ranova (reduced and
// deleted terms, REML and ML, a slope-only reduction, the last term
// deleted leaving a linear model, nested therapist/patient terms).
func TestRanovaLmerTest(t *testing.T) {
	var g struct {
		Sleepstudy map[string]json.RawMessage `json:"sleepstudy"`
		Nested     map[string]json.RawMessage `json:"nested"`
		Cases      []struct {
			Data    string `json:"data"`
			Formula string `json:"formula"`
			Reduce  bool   `json:"reduce"`
			REML    bool   `json:"REML"`
			Call    string `json:"call"`
			Rows    []struct {
				Term   string   `json:"term"`
				NPar   int      `json:"npar"`
				LogLik float64  `json:"logLik"`
				AIC    float64  `json:"AIC"`
				LRT    *float64 `json:"LRT"`
				Df     *int     `json:"Df"`
				P      *float64 `json:"p"`
			} `json:"rows"`
		} `json:"cases"`
	}
	if err := golden.Load("mixed_ranova.json", &g); err != nil {
		t.Fatal(err)
	}
	data := map[string]Data{"sleepstudy": goldenFile{Data: g.Sleepstudy}.data(t), "nested": goldenFile{Data: g.Nested}.data(t)}
	for _, c := range g.Cases {
		t.Run(c.Call, func(t *testing.T) {
			m, err := Fit(c.Formula, data[c.Data], Options{ML: !c.REML})
			if err != nil {
				t.Fatal(err)
			}
			rows, err := m.Ranova(c.Reduce)
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != len(c.Rows) {
				t.Fatalf("%d rows, lmerTest %d", len(rows), len(c.Rows))
			}
			for i, w := range c.Rows {
				r := rows[i]
				if r.Term != w.Term || r.NPar != w.NPar {
					t.Errorf("row %d: %q npar %d, lmerTest %q npar %d", i, r.Term, r.NPar, w.Term, w.NPar)
				}
				check(t, w.Term+" logLik", r.LogLik, w.LogLik, tolLogLik)
				check(t, w.Term+" AIC", r.AIC, w.AIC, tolLogLik)
				if w.LRT == nil {
					if r.LRT != nil {
						t.Errorf("%s: a test on the full model", w.Term)
					}
					continue
				}
				check(t, w.Term+" LRT", *r.LRT, *w.LRT, 1e-6)
				check(t, w.Term+" p", *r.P, *w.P, 1e-5)
				if r.DF != *w.Df {
					t.Errorf("%s: Df %d, lmerTest %d", w.Term, r.DF, *w.Df)
				}
			}
		})
	}
}

// TestFormulaStringRoundTrip: String writes what ParseFormula reads back
// to the same formula (ranova refits from it).
func TestFormulaStringRoundTrip(t *testing.T) {
	for _, s := range []string{
		"y ~ x + (1 | g)",
		"y ~ 0 + factor(arm) * time + (1 + time | patient)",
		"log(y + 1) ~ I(t^2) + poly(t, 2) + (0 + t | g) + (1 | h)",
		"y ~ `my x` + (1 | therapist/patient)",
		"Reaction ~ Days + (Days || Subject)",
		"y ~ x + (0 + x + z || g) + (1 | rater)",
	} {
		f, err := ParseFormula(s)
		if err != nil {
			t.Fatal(err)
		}
		g, err := ParseFormula(f.String())
		if err != nil {
			t.Fatalf("%s → %s: %v", s, f.String(), err)
		}
		if f.String() != g.String() || fmt.Sprint(f) != fmt.Sprint(g) {
			t.Errorf("%s → %s → %s", s, f.String(), g.String())
		}
	}
}

// ranova with a residual structure against nlme 3.1-162's anova(reduced,
// full), both keeping the corCAR1 / varIdent structure, the last random term
// deleted to a gls (testdata/golden/R/mixed_resid_ranova.R): npar, logLik
// to 1e-8, L.Ratio to 1e-6 and p to 1e-6 relative.
func TestGoldenRanovaResid(t *testing.T) {
	var g struct {
		Cases []struct {
			residCase
			Rows []struct {
				Term   string   `json:"term"`
				NPar   int      `json:"npar"`
				LogLik float64  `json:"logLik"`
				LRT    *float64 `json:"LRT"`
				Df     int      `json:"Df"`
				P      *float64 `json:"p"`
			} `json:"rows"`
		} `json:"cases"`
	}
	if err := golden.Load("mixed_resid_ranova.json", &g); err != nil {
		t.Fatal(err)
	}
	data, _ := loadResidGolden(t, "mixed_resid_ranova.json")
	for _, c := range g.Cases {
		t.Run(c.name(), func(t *testing.T) {
			m := c.fit(t, data)
			rows, err := m.Ranova(true)
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != len(c.Rows) {
				t.Fatalf("%d rows, want %d", len(rows), len(c.Rows))
			}
			for i, w := range c.Rows {
				r := rows[i]
				if r.Term != w.Term || r.NPar != w.NPar {
					t.Errorf("row %d: %q npar %d, want %q npar %d", i, r.Term, r.NPar, w.Term, w.NPar)
				}
				check(t, w.Term+" logLik", r.LogLik, w.LogLik, 1e-8)
				if w.LRT == nil {
					continue
				}
				if r.DF != w.Df {
					t.Errorf("%s: Df %d, want %d", w.Term, r.DF, w.Df)
				}
				check(t, w.Term+" LRT", *r.LRT, *w.LRT, 1e-6)
				check(t, w.Term+" p", *r.P, *w.P, 1e-6)
			}
		})
	}
}

// A reduction that moves a correlation's groups is refused in words.
func TestRanovaResidRefusesCoarserGroups(t *testing.T) {
	data, _ := loadResidGolden(t, "mixed_resid.json")
	m, err := Fit("y ~ week + x + arm + (1 | therapist/patient)", data, Options{Correlation: "car1", Time: "week"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err = m.Ranova(true); err == nil || !strings.Contains(err.Error(), "move the residual correlation") {
		t.Errorf("error %v", err)
	}
}
