package srange

import (
	"math"
	"testing"

	"github.com/alliance-research/alliance/analysis/internal/golden"
	"gonum.org/v1/gonum/stat/distuv"
)

type ptukeyGolden struct {
	Values []ptukeyValue `json:"values"`
	Exact  []ptukeyValue `json:"exact"`
}

type ptukeyValue struct {
	Q, Nmeans float64
	DF        *float64 `json:"df"` // null: ∞
	Lower     float64  `json:"p_lower"`
	Upper     float64  `json:"p_upper"`
}

func (v ptukeyValue) df() float64 {
	if v.DF == nil {
		return math.Inf(1)
	}
	return *v.DF
}

func loadPtukey(t *testing.T) ptukeyGolden {
	t.Helper()
	var g ptukeyGolden
	if err := golden.Load("ptukey.json", &g); err != nil {
		t.Fatal(err)
	}
	if len(g.Values) < 100 || len(g.Exact) < 6 {
		t.Fatalf("%d reference values, %d exact", len(g.Values), len(g.Exact))
	}
	return g
}

// CDF against the defining double integral computed by R's integrate() at
// rel.tol 1e-13 (testdata/golden/ptukey.json "exact"): 1e-9 relative.
func TestPtukeyExactIntegral(t *testing.T) {
	for _, v := range loadPtukey(t).Exact {
		got := CDF(v.Q, v.Nmeans, v.df())
		if rel := math.Abs(got-v.Lower) / v.Lower; rel > 1e-9 {
			t.Errorf("q %g k %g df %g: %.15g, integral %.15g (rel %.1e)", v.Q, v.Nmeans, v.df(), got, v.Lower, rel)
		}
	}
}

// CDF and Survival against R 4.2.2's ptukey(q, nmeans, df) and
// ptukey(..., lower.tail = FALSE) on a grid of q 0.5–12, nmeans 2–20 and
// df 2 to ∞. R's ptukey is itself accurate to about 1e-7 relative and
// 5e-13 absolute (TestPtukeyExactIntegral's integrals differ from it by
// that much, and P(Q > 8) for two means, 2Φ̄(8/√2) = 1.54172579e-8 in
// closed form, is 1.54172739e-8 by ptukey), hence the tolerance
// 2e-6 relative + 2e-12 absolute. Below 10 df R's ptukey is worse — for
// two means and 2 df, where P(Q > 12) = P(|T₂| > 12/√2) = 0.0136061 in
// closed form, ptukey gives 0.0134441 (1.2% low) — so those rows are
// checked against the closed form of TestPtukeyTwoMeansT, not R.
func TestPtukeyR(t *testing.T) {
	worst := 0.0
	for _, v := range loadPtukey(t).Values {
		df := v.df()
		if df < 10 {
			continue
		}
		for _, c := range []struct {
			got, want float64
			what      string
		}{{CDF(v.Q, v.Nmeans, df), v.Lower, "lower"}, {Survival(v.Q, v.Nmeans, df), v.Upper, "upper"}} {
			gap := math.Abs(c.got - c.want)
			if c.want > 1e-6 {
				worst = math.Max(worst, gap/c.want)
			}
			if gap > 2e-6*c.want+2e-12 {
				t.Errorf("q %g k %g df %g %s: %.12g, R %.12g", v.Q, v.Nmeans, df, c.what, c.got, c.want)
			}
		}
	}
	t.Logf("worst relative gap to R's ptukey (p > 1e-6): %.1e", worst)
}

// CDF + Survival = 1, and the CDF is monotone in q.
func TestPtukeyComplement(t *testing.T) {
	for _, k := range []float64{2, 5, 12} {
		for _, df := range []float64{3, 30, math.Inf(1)} {
			prev := 0.0
			for q := 0.5; q < 10; q += 1.5 {
				c, s := CDF(q, k, df), Survival(q, k, df)
				if math.Abs(c+s-1) > 1e-12 {
					t.Errorf("k %g df %g q %g: CDF + Survival = %.15g", k, df, q, c+s)
				}
				if c < prev {
					t.Errorf("k %g df %g: CDF not monotone at q %g", k, df, q)
				}
				prev = c
			}
		}
	}
}

// For two means Q = √2 |Z| when df = ∞, so P(Q > q) = 2 Φ̄(q/√2) (closed
// form; small p-values keep their relative accuracy).
func TestPtukeyTwoMeansNormal(t *testing.T) {
	for _, q := range []float64{0.5, 1, 2.77, 4, 8, 11} {
		want := 2 * upperPhi(q/math.Sqrt2)
		if got := Survival(q, 2, math.Inf(1)); math.Abs(got-want) > 1e-11*want {
			t.Errorf("q %g: %.15g, want %.15g", q, got, want)
		}
	}
}

// For two means Q/√2 = |T_ν|: P(Q > q) = 2 P(T_ν > q/√2) for every df,
// including the small df where R's ptukey loses accuracy.
func TestPtukeyTwoMeansT(t *testing.T) {
	for _, df := range []float64{2, 3.5, 5, 9, 41.57696} {
		for _, q := range []float64{0.5, 2, 3.5, 6, 12} {
			want := 2 * distuv.StudentsT{Mu: 0, Sigma: 1, Nu: df}.Survival(q/math.Sqrt2)
			if got := Survival(q, 2, df); math.Abs(got-want) > 1e-9*want {
				t.Errorf("df %g q %g: %.15g, want %.15g", df, q, got, want)
			}
			if got := CDF(q, 2, df); math.Abs(got-(1-want)) > 1e-9*(1-want) {
				t.Errorf("df %g q %g: CDF %.15g, want %.15g", df, q, got, 1-want)
			}
		}
	}
}

func TestPtukeyInvalid(t *testing.T) {
	for _, c := range [][3]float64{{1, 1, 10}, {1, 3, 0}, {math.NaN(), 3, 10}, {1, 3, -2}} {
		if v := CDF(c[0], c[1], c[2]); !math.IsNaN(v) {
			t.Errorf("CDF%v = %g, want NaN", c, v)
		}
	}
	if CDF(-1, 3, 10) != 0 || Survival(0, 3, 10) != 1 || Survival(math.Inf(1), 3, 10) != 0 {
		t.Error("edge values")
	}
}
