package mixed

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// statsCase is a random nested data set and a model over it.
type statsCase struct {
	formula string
	data    Data
	spec    StatsSpec
	rows    [][]float64 // row vectors v = [z x y], one per complete row
	labels  [][][]string
}

// randomStatsCase simulates therapists × patients with uneven session
// counts, a missing value now and then, and one of four random parts.
func randomStatsCase(seed uint64) statsCase {
	rng := rand.New(rand.NewPCG(seed, 7))
	nt := 3 + rng.IntN(6)
	var y, s, x []float64
	var th, pa []string
	for a := 0; a < nt; a++ {
		ut := rng.NormFloat64()
		np := 2 + rng.IntN(6)
		for b := 0; b < np; b++ {
			u0, u1 := 2*rng.NormFloat64(), 0.3*rng.NormFloat64()
			// Patient ids repeat across therapists (nested coding).
			id := fmt.Sprintf("p%d", rng.IntN(12))
			seen := false
			for k := range pa {
				if pa[k] == id && th[k] == fmt.Sprintf("t%d", a) {
					seen = true
				}
			}
			if seen {
				continue
			}
			ns := 2 + rng.IntN(8)
			for t := 0; t < ns; t++ {
				xv := rng.NormFloat64()
				yv := 20 + ut + u0 + (-0.5+u1)*float64(t) + 0.4*xv + 1.5*rng.NormFloat64()
				if rng.IntN(30) == 0 {
					yv = math.NaN()
				}
				y, s, x = append(y, yv), append(s, float64(t)), append(x, xv)
				th, pa = append(th, fmt.Sprintf("t%d", a)), append(pa, id)
			}
		}
	}
	c := statsCase{data: Data{Numeric: map[string][]float64{"y": y, "session": s, "x": x}, Text: map[string][]string{"therapist": th, "patient": pa}}}
	kind := int(seed % 4)
	switch kind {
	case 0:
		c.formula = "y ~ x + session + (1 | therapist/patient)"
		c.spec = StatsSpec{Terms: []StatsTerm{{Name: "patient:therapist", ColNames: []string{"(Intercept)"}}, {Name: "therapist", ColNames: []string{"(Intercept)"}}}}
	case 1:
		c.formula = "y ~ x + session + (1 + session | patient:therapist) + (1 | therapist)"
		c.spec = StatsSpec{Terms: []StatsTerm{{Name: "patient:therapist", ColNames: []string{"(Intercept)", "session"}}, {Name: "therapist", ColNames: []string{"(Intercept)"}}}}
	case 2:
		c.formula = "y ~ x + session + (1 + session | patient:therapist)"
		c.spec = StatsSpec{Terms: []StatsTerm{{Name: "patient:therapist", ColNames: []string{"(Intercept)", "session"}}}}
	default:
		c.formula = "y ~ x + session + (1 + x + session | patient:therapist) + (1 + x | therapist)"
		c.spec = StatsSpec{Terms: []StatsTerm{{Name: "patient:therapist", ColNames: []string{"(Intercept)", "x", "session"}}, {Name: "therapist", ColNames: []string{"(Intercept)", "x"}}}}
	}
	c.spec.Formula, c.spec.Response, c.spec.Intercept = c.formula, "y", true
	c.spec.XNames = []string{"(Intercept)", "x", "session"}
	val := map[string]func(i int) float64{"(Intercept)": func(int) float64 { return 1 }, "x": func(i int) float64 { return x[i] }, "session": func(i int) float64 { return s[i] }}
	for i := range y {
		if math.IsNaN(y[i]) {
			continue
		}
		var v []float64
		for _, t := range c.spec.Terms {
			for _, cn := range t.ColNames {
				v = append(v, val[cn](i))
			}
		}
		for _, cn := range c.spec.XNames {
			v = append(v, val[cn](i))
		}
		v = append(v, y[i])
		c.rows = append(c.rows, v)
		lab := [][]string{{pa[i], th[i]}}
		if len(c.spec.Terms) > 1 {
			lab = append(lab, []string{th[i]})
		}
		c.labels = append(c.labels, lab)
	}
	return c
}

func relClose(a, b, tol float64) bool {
	if a == b || (math.IsNaN(a) && math.IsNaN(b)) {
		return true
	}
	return math.Abs(a-b) <= tol*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}

// compareResults checks every number of two fits: log-likelihood-type
// quantities to tolLik, the rest (optimiser-dependent) to tol.
func compareResults(t *testing.T, what string, a, b Result, tol, tolLik float64) {
	t.Helper()
	chk := func(name string, x, y, tl float64) {
		t.Helper()
		if !relClose(x, y, tl) {
			t.Errorf("%s: %s = %.15g from the rows, %.15g from the statistics", what, name, x, y)
		}
	}
	chk("logLik", a.LogLik, b.LogLik, tolLik)
	chk("AIC", a.AIC, b.AIC, tolLik)
	chk("BIC", a.BIC, b.BIC, tolLik)
	chk("sigma²", a.ResidualVariance, b.ResidualVariance, tol)
	chk("R² marginal", a.R2Marginal, b.R2Marginal, tol)
	chk("R² conditional", a.R2Conditional, b.R2Conditional, tol)
	if a.NObs != b.NObs || a.NPar != b.NPar || len(a.Fixed) != len(b.Fixed) || len(a.Theta) != len(b.Theta) || len(a.Ranef) != len(b.Ranef) || a.Singular != b.Singular {
		t.Fatalf("%s: shapes differ: nobs %d/%d, npar %d/%d, fixed %d/%d, theta %d/%d, ranef %d/%d, singular %v/%v", what, a.NObs, b.NObs, a.NPar, b.NPar, len(a.Fixed), len(b.Fixed), len(a.Theta), len(b.Theta), len(a.Ranef), len(b.Ranef), a.Singular, b.Singular)
	}
	for k, v := range a.NGroups {
		if b.NGroups[k] != v {
			t.Errorf("%s: ngroups[%s] %d vs %d", what, k, v, b.NGroups[k])
		}
	}
	for i := range a.Fixed {
		fa, fb := a.Fixed[i], b.Fixed[i]
		if fa.Name != fb.Name {
			t.Fatalf("%s: fixed %d named %q vs %q", what, i, fa.Name, fb.Name)
		}
		chk(fa.Name+" estimate", fa.Estimate, fb.Estimate, tol)
		chk(fa.Name+" se", fa.SE, fb.SE, tol)
		chk(fa.Name+" df", fa.DF, fb.DF, 100*tol)
		chk(fa.Name+" p", fa.P, fb.P, 100*tol)
	}
	for i := range a.Theta {
		chk(fmt.Sprintf("theta[%d]", i), a.Theta[i], b.Theta[i], tol)
	}
	for i := range a.Random {
		chk(a.Random[i].Group+" "+a.Random[i].Name+" variance", a.Random[i].Variance, b.Random[i].Variance, tol)
	}
	for i := range a.Correlations {
		chk("correlation", a.Correlations[i].Corr, b.Correlations[i].Corr, tol)
	}
	for i := range a.Ranef {
		ra, rb := a.Ranef[i], b.Ranef[i]
		if ra.Group != rb.Group || ra.Level != rb.Level || ra.Name != rb.Name {
			t.Fatalf("%s: BLUP %d is %s %s %s vs %s %s %s", what, i, ra.Group, ra.Level, ra.Name, rb.Group, rb.Level, rb.Name)
		}
		chk("BLUP "+ra.Level, ra.Value, rb.Value, tol)
		chk("cond SD "+ra.Level, ra.CondSD, rb.CondSD, tol)
	}
	for i := range a.ICC {
		chk("ICC", a.ICC[i].ICC, b.ICC[i].ICC, tol)
	}
}

// TestFitStatsMatchesFit: a fit from per-group sufficient statistics,
// accumulated over three random partitions of the rows and merged, equals
// the fit of the full design (property over random nested data sets and
// four random parts, REML and ML).
func TestFitStatsMatchesFit(t *testing.T) {
	for seed := uint64(1); seed <= 24; seed++ {
		c := randomStatsCase(seed)
		ml := seed%3 == 0
		full, err := Fit(c.formula, c.data, Options{ML: ml})
		if err != nil {
			t.Fatalf("seed %d: Fit: %v", seed, err)
		}
		rng := rand.New(rand.NewPCG(seed, 99))
		parts := make([]*Stats, 3)
		for k := range parts {
			if parts[k], err = NewStats(c.spec); err != nil {
				t.Fatal(err)
			}
		}
		for i, v := range c.rows {
			parts[rng.IntN(3)].Group(c.labels[i]...).Add(v)
		}
		merged, _ := NewStats(c.spec)
		for _, p := range parts {
			if merr := merged.Merge(p); merr != nil {
				t.Fatal(merr)
			}
		}
		merged.Dropped = full.Result.Dropped
		fs, err := FitStats(merged, Options{ML: ml})
		if err != nil {
			t.Fatalf("seed %d: FitStats: %v", seed, err)
		}
		if fs.Result.Dropped != full.Result.Dropped || fs.Result.Formula != full.Result.Formula {
			t.Errorf("seed %d: dropped %d/%d formula %q/%q", seed, full.Result.Dropped, fs.Result.Dropped, full.Result.Formula, fs.Result.Formula)
		}
		compareResults(t, fmt.Sprintf("seed %d (%s, ML %v)", seed, c.formula, ml), full.Result, fs.Result, 1e-6, 1e-12)
		// Compare refits a statistics model from its statistics.
		if seed == 1 {
			sf := strings.Replace(c.formula, "x + session", "1", 1)
			small, _ := NewStats(StatsSpec{Formula: sf, Response: "y", Intercept: true, XNames: []string{"(Intercept)"}, Terms: c.spec.Terms})
			nz := len(c.rows[0]) - 4
			for i, v := range c.rows {
				small.Group(c.labels[i]...).Add(append(append([]float64(nil), v[:nz+1]...), v[nz+3]))
			}
			ms, err := FitStats(small, Options{})
			if err != nil {
				t.Fatal(err)
			}
			a, err := Compare(ms, fs)
			if err != nil {
				t.Fatal(err)
			}
			fullSmall, err := Fit(sf, c.data, Options{})
			if err != nil {
				t.Fatal(err)
			}
			b, _ := Compare(fullSmall, full)
			if !relClose(a.Chisq, b.Chisq, 1e-6) || a.DF != b.DF {
				t.Errorf("Compare from statistics: χ² %g on %d df; from rows %g on %d", a.Chisq, a.DF, b.Chisq, b.DF)
			}
			if _, err := fs.Anova(3); err == nil {
				t.Error("Anova of a statistics model: no error")
			}
		}
	}
}

// TestGroupStatsTransform: the statistics of A u are n, A Σu and A (Σuuᵀ) Aᵀ,
// checked against accumulating A u row by row.
func TestGroupStatsTransform(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	m, r := 4, 3
	A := make([]float64, r*m)
	for i := range A {
		A[i] = rng.NormFloat64()
	}
	gu := &GroupStats{Sum: make([]float64, m), Cross: make([]float64, m*(m+1)/2)}
	gv := &GroupStats{Sum: make([]float64, r), Cross: make([]float64, r*(r+1)/2)}
	for k := 0; k < 7; k++ {
		u := make([]float64, m)
		for i := range u {
			u[i] = rng.NormFloat64()
		}
		v := make([]float64, r)
		for i := range v {
			for j := range u {
				v[i] += A[i*m+j] * u[j]
			}
		}
		gu.Add(u)
		gv.Add(v)
	}
	got := gu.Transform(A, r)
	if got.N != 7 {
		t.Fatalf("n = %d", got.N)
	}
	for i := range got.Sum {
		if !relClose(got.Sum[i], gv.Sum[i], 1e-13) {
			t.Errorf("sum[%d] = %g, want %g", i, got.Sum[i], gv.Sum[i])
		}
	}
	for i := range got.Cross {
		if !relClose(got.Cross[i], gv.Cross[i], 1e-13) {
			t.Errorf("cross[%d] = %g, want %g", i, got.Cross[i], gv.Cross[i])
		}
	}
}

// TestFitStatsErrors: statistics that cannot be fitted say why.
func TestFitStatsErrors(t *testing.T) {
	spec := StatsSpec{Formula: "y ~ 1 + (1 | g)", Response: "y", Intercept: true, XNames: []string{"(Intercept)"}, Terms: []StatsTerm{{Name: "g", ColNames: []string{"(Intercept)"}}}}
	s, _ := NewStats(spec)
	if _, err := FitStats(s, Options{}); err == nil {
		t.Error("no rows: no error")
	}
	s.Group([]string{"a"}).Add([]float64{1, 1, 2})
	s.Group([]string{"a"}).Add([]float64{1, 1, 3})
	if _, err := FitStats(s, Options{}); err == nil {
		t.Error("one group: no error")
	}
	if _, err := FitStats(s, Options{AR1: "t"}); err == nil {
		t.Error("AR(1): no error")
	}
	o, _ := NewStats(StatsSpec{Formula: "y ~ 1 + (1 | h)", Response: "y", Intercept: true, XNames: []string{"(Intercept)"}, Terms: []StatsTerm{{Name: "h", ColNames: []string{"(Intercept)"}}}})
	if err := s.Merge(o); err == nil {
		t.Error("merging different models: no error")
	}
	if _, err := NewStats(StatsSpec{XNames: []string{"x"}}); err == nil {
		t.Error("no random term: no error")
	}
}
