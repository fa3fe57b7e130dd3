package ipd

import (
	"errors"
	"math"
	"testing"

	"github.com/alliance-research/alliance/analysis/errs"
	"github.com/alliance-research/alliance/analysis/internal/golden"
)

// berkey is testdata/golden/ipd_mv_berkey.json: metafor 3.8-1's
// rma.mv(struct = "UN", method = "REML") on dat.berkey1998.
type berkey struct {
	Terms   []string `json:"terms"`
	Studies []struct {
		Trial int         `json:"trial"`
		Y     []float64   `json:"y"`
		V     [][]float64 `json:"v"`
	} `json:"studies"`
	Estimate, SE, Zval, Pval, Tau2 []float64
	CILB                           []float64 `json:"ci_lb"`
	CIUB                           []float64 `json:"ci_ub"`
	Vcov                           [][]float64
	Rho, LogLik                    float64
}

func loadBerkey(t *testing.T) (berkey, []string, [][]float64, [][][]float64) {
	t.Helper()
	var g berkey
	if err := golden.Load("ipd_mv_berkey.json", &g); err != nil {
		t.Fatal(err)
	}
	var studies []string
	var y [][]float64
	var v [][][]float64
	for _, s := range g.Studies {
		studies = append(studies, string(rune('0'+s.Trial)))
		y = append(y, s.Y)
		v = append(v, s.V)
	}
	return g, studies, y, v
}

func near(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	if d := math.Abs(got - want); d > tol*math.Max(1, math.Abs(want)) || math.IsNaN(got) {
		t.Errorf("%s = %.12g, metafor %.12g (gap %.2g, tol %g)", what, got, want, d, tol)
	}
}

// TestMultivariateBerkey: the bivariate REML meta-analysis of Berkey et al.
// (1998) equals metafor's rma.mv(struct = "UN") run to rel.tol 1e-12:
// coefficients, SEs, z, p, CIs and vcov to 1e-6, τ² and ρ to 1e-5 (the
// REML surface is flat in them), logLik to 1e-9.
func TestMultivariateBerkey(t *testing.T) {
	g, studies, y, v := loadBerkey(t)
	r, err := Multivariate(studies, g.Terms, y, v, 0.95)
	if err != nil {
		t.Fatal(err)
	}
	if !r.Converged || r.K != 5 || r.Method != "REML" {
		t.Errorf("converged %v, k %d, method %s", r.Converged, r.K, r.Method)
	}
	for a, c := range r.Coefficients {
		near(t, c.Name+" estimate", c.Estimate, g.Estimate[a], 1e-6)
		near(t, c.Name+" se", c.SE, g.SE[a], 1e-6)
		near(t, c.Name+" z", c.Statistic, g.Zval[a], 1e-5)
		near(t, c.Name+" p", c.P, g.Pval[a], 1e-5)
		near(t, c.Name+" ci_lb", c.CILB, g.CILB[a], 1e-6)
		near(t, c.Name+" ci_ub", c.CIUB, g.CIUB[a], 1e-6)
		near(t, c.Name+" tau2", r.Tau2[a], g.Tau2[a], 1e-5)
		for b := range r.Vcov[a] {
			near(t, "vcov", r.Vcov[a][b], g.Vcov[a][b], 1e-6)
		}
	}
	near(t, "rho", r.Rho[0], g.Rho, 1e-5)
	near(t, "logLik", r.LogLik, g.LogLik, 1e-9)
	if r.Sigma[0][1] != r.Sigma[1][0] || math.Abs(r.Sigma[0][1]-r.Rho[0]*math.Sqrt(r.Tau2[0]*r.Tau2[1])) > 1e-12 {
		t.Errorf("Σ %v is not the covariance of τ² %v and ρ %v", r.Sigma, r.Tau2, r.Rho)
	}
}

// TestMultivariateHomogeneous: studies that agree exactly have no
// between-study variance, and the pooled estimate is their common value
// with Var(β̂) = (Σ Vᵢ⁻¹)⁻¹ = V/K when every Vᵢ = V.
func TestMultivariateHomogeneous(t *testing.T) {
	vi := [][]float64{{0.04, 0.01}, {0.01, 0.09}}
	var y [][]float64
	var v [][][]float64
	for range 6 {
		y = append(y, []float64{-1.5, 0.4})
		v = append(v, vi)
	}
	r, err := Multivariate([]string{"a", "b", "c", "d", "e", "f"}, []string{"within", "between"}, y, v, 0)
	if err != nil {
		t.Fatal(err)
	}
	for a, c := range r.Coefficients {
		near(t, c.Name, c.Estimate, y[0][a], 1e-10)
		if r.Tau2[a] > 1e-8 {
			t.Errorf("τ² of %s = %g, want 0", c.Name, r.Tau2[a])
		}
		for b := range vi {
			near(t, "vcov", r.Vcov[a][b], vi[a][b]/6, 1e-8)
		}
	}
	if r.Level != 0.95 {
		t.Errorf("level 0 means 0.95, got %g", r.Level)
	}
}

// TestMultivariateErrors: too few terms or studies, mismatched inputs and
// missing estimates are typed errors, never a panic or NaN estimates.
func TestMultivariateErrors(t *testing.T) {
	g, studies, y, v := loadBerkey(t)
	missing := [][]float64{y[0], y[1], {math.NaN(), 0.3}, y[3], y[4]}
	zeroVar := [][][]float64{v[0], v[1], {{0, 0}, {0, 0.01}}, v[3], v[4]}
	for _, c := range []struct {
		name  string
		terms []string
		s     []string
		y     [][]float64
		v     [][][]float64
		kind  errs.Kind
	}{
		{"one term", g.Terms[:1], studies, y, v, errs.InvalidOption},
		{"two studies", g.Terms, studies[:2], y[:2], v[:2], errs.TooFew},
		{"mismatch", g.Terms, studies[:4], y, v, errs.InvalidOption},
		{"missing estimate", g.Terms, studies, missing, v, errs.InvalidOption},
		{"zero variance", g.Terms, studies, y, zeroVar, errs.InvalidOption},
	} {
		_, err := Multivariate(c.s, c.terms, c.y, c.v, 0.95)
		var e *errs.Error
		if !errors.As(err, &e) || e.Kind != c.kind {
			t.Errorf("%s: got %v, want a %v error", c.name, err, c.kind)
		}
	}
}
