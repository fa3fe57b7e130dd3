package rupture

import (
	"math"
	"testing"

	"github.com/alliance-research/alliance/analysis/internal/golden"
)

type goldenCoef struct {
	Name      string  `json:"name"`
	Estimate  float64 `json:"estimate"`
	SE        float64 `json:"se"`
	Statistic float64 `json:"statistic"`
	P         float64 `json:"p"`
	CILB      float64 `json:"ci_lb"`
	CIUB      float64 `json:"ci_ub"`
}

type goldenEffects struct {
	Data struct {
		Patient []string  `json:"patient"`
		Class   []string  `json:"class"`
		Pre     []float64 `json:"pre"`
		Post    []float64 `json:"post"`
	} `json:"data"`
	ClassOutcomes []struct {
		Class      string  `json:"class"`
		N          int     `json:"n"`
		MeanPre    float64 `json:"mean_pre"`
		SDPre      float64 `json:"sd_pre"`
		MeanPost   float64 `json:"mean_post"`
		SDPost     float64 `json:"sd_post"`
		MeanChange float64 `json:"mean_change"`
		SDChange   float64 `json:"sd_change"`
	} `json:"class_outcomes"`
	Effects []struct {
		Group1, Group2 string
		N1, N2         int
		Diff, T, DF, P float64
		DiffCILB       float64 `json:"diff_ci_lb"`
		DiffCIUB       float64 `json:"diff_ci_ub"`
		D, G, VG       float64
		CILB           float64 `json:"ci_lb"`
		CIUB           float64 `json:"ci_ub"`
		R, YI, VI      float64
		RCILB          float64 `json:"r_ci_lb"`
		RCIUB          float64 `json:"r_ci_ub"`
	} `json:"effects"`
	ANCOVA struct {
		DF           int          `json:"df"`
		Sigma        float64      `json:"sigma"`
		RSquared     float64      `json:"r_squared"`
		Coefficients []goldenCoef `json:"coefficients"`
		Contrasts    []goldenCoef `json:"contrasts"`
	} `json:"ancova"`
}

func near(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	if math.IsNaN(got) || math.Abs(got-want) > tol*math.Max(1, math.Abs(want)) {
		t.Errorf("%s = %.12g, want %.12g (tol %g)", what, got, want, tol)
	}
}

// TestEffectsGolden checks Effects against R: t.test(var.equal = TRUE),
// metafor escalc("SMD") and escalc("ZCOR"), cor(), and
// lm(post ~ class + pre) with confint and vcov (testdata/golden/R/rupture.R).
func TestEffectsGolden(t *testing.T) {
	var g goldenEffects
	if err := golden.Load("rupture_effects.json", &g); err != nil {
		t.Fatal(err)
	}
	var pats []Patient
	var outs []Outcome
	for i, id := range g.Data.Patient {
		pats = append(pats, Patient{Patient: id, Class: Class(g.Data.Class[i])})
		outs = append(outs, Outcome{Patient: id, Pre: g.Data.Pre[i], Post: g.Data.Post[i]})
	}
	// an insufficient patient and an outcome without a series are left out
	pats = append(pats, Patient{Patient: "x", Class: ClassInsufficient})
	outs = append(outs, Outcome{Patient: "x", Pre: 1, Post: 100}, Outcome{Patient: "y", Pre: 1, Post: 100})
	res, err := Effects(pats, outs, DefaultEffectOptions())
	if err != nil {
		t.Fatal(err)
	}
	if res.Unmatched != 2 {
		t.Errorf("unmatched = %d, want 2", res.Unmatched)
	}
	const tol = 1e-10
	for i, w := range g.ClassOutcomes {
		c := res.Classes[i]
		if string(c.Class) != w.Class || c.N != w.N {
			t.Fatalf("class %d = %s n %d, want %s n %d", i, c.Class, c.N, w.Class, w.N)
		}
		near(t, w.Class+" mean_pre", float64(c.MeanPre), w.MeanPre, tol)
		near(t, w.Class+" sd_pre", float64(c.SDPre), w.SDPre, tol)
		near(t, w.Class+" mean_post", float64(c.MeanPost), w.MeanPost, tol)
		near(t, w.Class+" sd_post", float64(c.SDPost), w.SDPost, tol)
		near(t, w.Class+" mean_change", float64(c.MeanChange), w.MeanChange, tol)
		near(t, w.Class+" sd_change", float64(c.SDChange), w.SDChange, tol)
	}
	for i, w := range g.Effects {
		e := res.Effects[i]
		name := e.Contrast
		if string(e.Group1) != w.Group1 || string(e.Group2) != w.Group2 || e.N1 != w.N1 || e.N2 != w.N2 {
			t.Fatalf("effect %d: %s n %d/%d, want %s vs %s n %d/%d", i, name, e.N1, e.N2, w.Group1, w.Group2, w.N1, w.N2)
		}
		if e.Note != "" {
			t.Errorf("%s: unexpected note %q", name, e.Note)
		}
		for _, c := range []struct {
			what      string
			got, want float64
		}{
			{"diff", float64(e.Diff), w.Diff}, {"t", float64(e.T), w.T}, {"df", float64(e.DF), w.DF},
			{"p", float64(e.P), w.P}, {"diff_ci_lb", float64(e.DiffCILB), w.DiffCILB},
			{"diff_ci_ub", float64(e.DiffCIUB), w.DiffCIUB}, {"d", float64(e.D), w.D},
			{"g", float64(e.G), w.G}, {"vg", float64(e.VG), w.VG}, {"ci_lb", float64(e.CILB), w.CILB},
			{"ci_ub", float64(e.CIUB), w.CIUB}, {"r", float64(e.R), w.R}, {"yi", float64(e.YI), w.YI},
			{"vi", float64(e.VI), w.VI}, {"r_ci_lb", float64(e.RCILB), w.RCILB}, {"r_ci_ub", float64(e.RCIUB), w.RCIUB},
		} {
			near(t, name+" "+c.what, c.got, c.want, tol)
		}
		row := e.StudyRow("s1")
		if row.N != w.N1+w.N2 || row.YI != float64(e.YI) || row.VI != float64(e.VI) {
			t.Errorf("%s: study row %+v", name, row)
		}
	}
	a := res.ANCOVA
	if a == nil {
		t.Fatalf("no ANCOVA: %v", res.Notes)
	}
	if a.DF != g.ANCOVA.DF || a.Reference != ClassNone {
		t.Errorf("ANCOVA df %d ref %s, want %d none", a.DF, a.Reference, g.ANCOVA.DF)
	}
	near(t, "sigma", float64(a.Sigma), g.ANCOVA.Sigma, tol)
	near(t, "r_squared", float64(a.RSquared), g.ANCOVA.RSquared, tol)
	check := func(kind string, got []Coef, want []goldenCoef) {
		if len(got) != len(want) {
			t.Fatalf("%s: %d rows, want %d", kind, len(got), len(want))
		}
		for i, w := range want {
			c := got[i]
			if c.Name != w.Name {
				t.Errorf("%s %d: name %q, want %q", kind, i, c.Name, w.Name)
			}
			near(t, w.Name+" estimate", float64(c.Estimate), w.Estimate, tol)
			near(t, w.Name+" se", float64(c.SE), w.SE, tol)
			near(t, w.Name+" t", float64(c.Statistic), w.Statistic, tol)
			near(t, w.Name+" p", float64(c.P), w.P, 1e-9)
			near(t, w.Name+" ci_lb", float64(c.CILB), w.CILB, tol)
			near(t, w.Name+" ci_ub", float64(c.CIUB), w.CIUB, tol)
		}
	}
	check("coefficients", a.Coefficients, g.ANCOVA.Coefficients)
	check("contrasts", a.Contrasts, g.ANCOVA.Contrasts)
}
