package sem

import (
	"math"
	"math/rand/v2"
	"testing"
)

// A small model with a latent factor, a path, a covariance and labels
// shared by two parameters: the analytic Δ equals central differences of
// the implied moments, and Δᵀ ∂ℓ/∂(μ, vech Σ) equals the analytic gradient
// of chain.
func TestJacobianMatchesDifferences(t *testing.T) {
	var m Model
	x1, x2, y1, y2 := m.Var("x1"), m.Var("x2"), m.Var("y1"), m.Var("y2")
	m.NObs = 4
	f := m.Var("f")
	m.Load(f, x1, 1)
	m.Params = append(m.Params, Param{Matrix: Path, To: x2, From: f, Free: true, Value: 0.8, Op: "=~"})
	m.Regress(y1, f, "b")
	m.Regress(y2, y1, "b")
	m.Covary(f, f, "", 1.2)
	for _, v := range []int{x1, x2, y1, y2} {
		m.Covary(v, v, "", 0.7)
		m.Intercept(v, "", 0.3)
	}
	m.Covary(x2, y2, "", 0.1)
	idx, n, err := m.freeIndex()
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	theta := make([]float64, n)
	for k, p := range m.Params {
		if idx[k] >= 0 {
			theta[idx[k]] = p.Value + 0.1*rng.Float64()
		}
	}
	mom := func(th []float64) []float64 {
		r := m.build(th, idx)
		if !r.moments() {
			t.Fatal("singular")
		}
		return momentVector(r.sigma, r.mu, r.p)
	}
	r := m.build(theta, idx)
	r.moments()
	J := m.jacobian(r, idx, n)
	K := nMoments(4)
	for c := 0; c < n; c++ {
		h := 1e-6
		tp := append([]float64(nil), theta...)
		tm := append([]float64(nil), theta...)
		tp[c] += h
		tm[c] -= h
		vp, vm := mom(tp), mom(tm)
		for k := 0; k < K; k++ {
			num := (vp[k] - vm[k]) / (2 * h)
			if math.Abs(J[k*n+c]-num) > 1e-7 {
				t.Errorf("Δ[%d,%d] = %.10g, differences %.10g", k, c, J[k*n+c], num)
			}
		}
	}
	// Chain rule: Δᵀ g = chain(gS, gM).
	rows := make([][]float64, 30)
	for i := range rows {
		rows[i] = []float64{rng.NormFloat64(), rng.NormFloat64(), rng.NormFloat64(), rng.NormFloat64()}
	}
	rows[3][1] = math.NaN()
	d, err := NewData(rows, false)
	if err != nil {
		t.Fatal(err)
	}
	g := make([]float64, K)
	if !d.momentGrad(momentVector(r.sigma, r.mu, 4), g) {
		t.Fatal("not positive definite")
	}
	gS, gM := make([]float64, 16), make([]float64, 4)
	d.logLik(r.sigma, r.mu, gS, gM)
	want := make([]float64, n)
	m.chain(r, gS, gM, idx, want)
	for c := 0; c < n; c++ {
		s := 0.0
		for k := 0; k < K; k++ {
			s += J[k*n+c] * g[k]
		}
		if math.Abs(s-want[c]) > 1e-9*math.Max(1, math.Abs(want[c])) {
			t.Errorf("(Δᵀg)[%d] = %.10g, chain %.10g", c, s, want[c])
		}
	}
	// The case scores add up to the gradient.
	sum := make([]float64, K)
	d.caseScores(r.sigma, r.mu, func(nz []int, gi []float64) {
		for a, k := range nz {
			sum[k] += gi[a]
		}
	})
	for k := range sum {
		if math.Abs(sum[k]-g[k]) > 1e-9*math.Max(1, math.Abs(g[k])) {
			t.Errorf("Σ scores[%d] = %.10g, gradient %.10g", k, sum[k], g[k])
		}
	}
}
