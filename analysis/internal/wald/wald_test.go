package wald

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
)

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol*math.Max(1, math.Abs(b)) }

func TestNormalCoef(t *testing.T) {
	r := Normal(0.95)
	if r.IsT() || !math.IsInf(r.DF(), 1) {
		t.Fatal("Normal is not a z reference")
	}
	// z_{0.975} = 1.959963984540054 (qnorm(0.975)).
	if !near(r.Crit(), 1.959963984540054, 1e-15) {
		t.Errorf("crit %v", r.Crit())
	}
	// est 0.98, variance 0.25: SE 0.5, z 1.96, p = 2(1 − Φ(1.96)) =
	// 0.04999579029644087 (2*pnorm(-1.96)).
	c := r.Coef(0.98, 0.25)
	if c.SE != 0.5 || !near(c.Statistic, 1.96, 1e-15) || !near(c.P, 0.04999579029644087, 1e-13) {
		t.Errorf("coef %+v", c)
	}
	if !near(c.CILB, 0.98-0.5*r.Crit(), 1e-15) || !near(c.CIUB, 0.98+0.5*r.Crit(), 1e-15) {
		t.Errorf("CI %+v", c)
	}
	// Far tail: 2(1 − Φ(10)) = 1.523970604832105e-23 keeps its relative
	// precision (erfc, not 1 − erf).
	if p := r.Coef(10, 1).P; !near(p/1.523970604832105e-23, 1, 1e-12) {
		t.Errorf("tail p %g", p)
	}
}

func TestStudentTCoef(t *testing.T) {
	// t_{10, 0.975} = 2.228138851986274 (qt(0.975, 10)): a statistic at the
	// critical value has p = 0.05 and a CI bound at zero.
	r := StudentT(10, 0.95)
	if !r.IsT() || r.DF() != 10 {
		t.Fatal("StudentT is not a t reference")
	}
	if !near(r.Crit(), 2.228138851986274, 1e-12) {
		t.Errorf("crit %v", r.Crit())
	}
	c := r.Coef(r.Crit()*2, 4)
	if !near(c.P, 0.05, 1e-12) || math.Abs(c.CILB) > 1e-14 {
		t.Errorf("coef %+v", c)
	}
}

func TestOmnibus(t *testing.T) {
	// Diagonal V: Q = Σ b_i²/v_i. With m = 2 the χ² survival is exp(−Q/2).
	b := []float64{5, 1, -2}
	v := []float64{9, 0, 0, 0, 0.25, 0, 0, 0, 4}
	q, p, err := Normal(0.95).Omnibus(b, v, 3, Span(1, 3))
	if err != nil {
		t.Fatal(err)
	}
	wantQ := 1/0.25 + 4.0/4
	if !near(q, wantQ, 1e-15) || !near(p, math.Exp(-wantQ/2), 1e-13) {
		t.Errorf("Q %g p %g, want %g %g", q, p, wantQ, math.Exp(-wantQ/2))
	}
	// One coefficient under t: F = t² and the p-value is the t test's.
	r := StudentT(7, 0.95)
	f, pf, err := r.Omnibus(b, v, 3, []int{0})
	c := r.Coef(b[0], v[0])
	if err != nil || !near(f, c.Statistic*c.Statistic, 1e-14) || !near(pf, c.P, 1e-10) {
		t.Errorf("F %g p %g, t² %g p %g (%v)", f, pf, c.Statistic*c.Statistic, c.P, err)
	}
	// Correlated pair against a hand inverse: V = [2 1; 1 2], V⁻¹ = [2 −1; −1 2]/3.
	q2, err := Q([]float64{1, 2}, []float64{2, 1, 1, 2}, 2, Span(0, 2))
	if err != nil || !near(q2, (2*1-2*1*2+2*4)/3.0, 1e-15) {
		t.Errorf("Q %g (%v)", q2, err)
	}
	if _, _, err := Normal(0.95).Omnibus(b, []float64{1, 1, 0, 1, 1, 0, 0, 0, 1}, 3, Span(0, 2)); err == nil {
		t.Error("singular covariance accepted")
	}
	if _, err := Q(b, v, 3, nil); err == nil {
		t.Error("empty index accepted")
	}
}

// TestCoefDF: a t reference records its degrees of freedom in the
// coefficient (a copy, not shared between coefficients), a normal one
// leaves DF nil, so the JSON has "df" for t tests only (DESIGN.md).
func TestCoefDF(t *testing.T) {
	r := StudentT(12.5, 0.95)
	a, b := r.Coef(1, 1), r.Coef(2, 1)
	if a.DF == nil || *a.DF != 12.5 || b.DF == nil || a.DF == b.DF {
		t.Fatalf("t coefficients df %v %v", a.DF, b.DF)
	}
	*a.DF = 3
	if *b.DF != 12.5 || r.DF() != 12.5 {
		t.Error("the df of one coefficient is shared with another")
	}
	if c := Normal(0.95).Coef(1, 1); c.DF != nil {
		t.Errorf("z coefficient has df %v", *c.DF)
	}
	zj, err := json.Marshal(Normal(0.95).Coef(1, 4))
	if err != nil || strings.Contains(string(zj), `"df"`) {
		t.Errorf("z JSON %s (%v)", zj, err)
	}
	c := r.Coef(1, 4)
	c.Name = "intrcpt"
	tj, _ := json.Marshal(c)
	for _, k := range []string{"name", "estimate", "se", "statistic", "df", "p", "ci_lb", "ci_ub"} {
		if !strings.Contains(string(tj), `"`+k+`":`) {
			t.Errorf("t JSON %s has no %q", tj, k)
		}
	}
}

// TestCoefSE: CoefSE takes the standard error as given. √(se²) = se is exact
// in IEEE arithmetic, so CoefSE(est, se) equals Coef(est, se²) bit for bit
// for ordinary values; where se² underflows (se = 1e-170, se² = 0) only
// CoefSE keeps se and a finite statistic.
func TestCoefSE(t *testing.T) {
	r := StudentT(4, 0.9)
	for _, se := range []float64{0.3, math.Pi, 1.7e-3, 123.456} {
		c, d := r.CoefSE(1, se), r.Coef(1, se*se)
		if c.SE != se || c.Statistic != 1/se || c.CILB != 1-r.Crit()*se || c.CIUB != 1+r.Crit()*se {
			t.Errorf("CoefSE(1, %v) = %+v", se, c)
		}
		if c.SE != d.SE || c.P != d.P || c.CILB != d.CILB || c.CIUB != d.CIUB {
			t.Errorf("se %v: CoefSE %+v, Coef %+v", se, c, d)
		}
	}
	se := 1e-170
	if c := r.CoefSE(1e-170, se); c.SE != se || c.Statistic != 1 {
		t.Errorf("CoefSE(1e-170, 1e-170) = %+v", c)
	}
	if d := r.Coef(1e-170, se*se); d.SE != 0 {
		t.Errorf("se² did not underflow (%+v); the test needs a case where it does", d)
	}
}

// TestStudentTNoDF: a t reference without degrees of freedom (df 0, as
// nlme's containment df with as many therapists as therapist-level terms)
// reports NaN p and interval, not a crash (cephes panicked before).
func TestStudentTNoDF(t *testing.T) {
	for _, df := range []float64{0, -1, math.NaN()} {
		c := StudentT(df, 0.95).CoefSE(1, 0.5)
		if !math.IsNaN(c.P) || !math.IsNaN(c.CILB) || !math.IsNaN(c.CIUB) || c.Statistic != 2 {
			t.Errorf("df %v: %+v", df, c)
		}
	}
	if c := StudentT(10, 0.95).CoefSE(1, 0.5); !(math.Abs(c.P-0.07338803477074) < 1e-10) {
		t.Errorf("df 10: p %v, want 0.0733880 (R: 2*pt(-2, 10))", c.P)
	}
}
