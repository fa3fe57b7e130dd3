package mixed

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

// TestRowMomentsAccuracy checks the one-pass variance of the fixed
// part against the variance computed exactly (big.Float, 200 bits) from
// the same float64 values, on a fixed part with a mean 10⁶ times its SD
// (where Σv² − (Σv)²/n in float64 loses every digit), and Σ z zᵀ against a
// plain sum.
func TestRowMomentsAccuracy(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	const n, p = 50_000, 2
	d := &design{n: n, p: p, m0: 2 + p + 1, levels: []level{{off: 0, q: 2}}}
	d.rows = make([]float64, n*d.m0)
	beta := []float64{1e6, 0.37}
	vals := make([]float64, n)
	want := make([]float64, 4)
	for r := 0; r < n; r++ {
		v := d.rows[r*d.m0 : (r+1)*d.m0]
		s := rng.NormFloat64()
		v[0], v[1] = 1, s               // z: intercept and slope
		v[2], v[3] = 1, s+rng.Float64() // x: intercept and a covariate
		v[4] = rng.NormFloat64()
		vals[r] = v[2]*beta[0] + v[3]*beta[1]
		want[0] += v[0] * v[0]
		want[1] += v[0] * v[1]
		want[2] += v[1] * v[0]
		want[3] += v[1] * v[1]
	}
	prec := uint(200)
	sum := new(big.Float).SetPrec(prec)
	for _, v := range vals {
		sum.Add(sum, new(big.Float).SetPrec(prec).SetFloat64(v))
	}
	mean := new(big.Float).SetPrec(prec).Quo(sum, big.NewFloat(n).SetPrec(prec))
	ss := new(big.Float).SetPrec(prec)
	for _, v := range vals {
		dv := new(big.Float).SetPrec(prec).Sub(new(big.Float).SetPrec(prec).SetFloat64(v), mean)
		ss.Add(ss, dv.Mul(dv, dv))
	}
	exact, _ := ss.Quo(ss, big.NewFloat(n-1).SetPrec(prec)).Float64()
	varF := d.fixedPartVariance(beta)
	Z := (&Model{d: d, e: &engine{d: d}}).crossZ()
	if rel := math.Abs(varF-exact) / exact; rel > 1e-9 {
		t.Errorf("variance of the fixed part %.17g, exact %.17g: relative error %.2g", varF, exact, rel)
	}
	for k, w := range want {
		if rel := math.Abs(Z[0][k]-w) / math.Abs(w); rel > 1e-12 {
			t.Errorf("Σ z zᵀ[%d] = %.17g, plain sum %.17g", k, Z[0][k], w)
		}
	}
}
