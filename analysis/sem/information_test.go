package sem

import (
	"math"
	"math/rand/v2"
	"testing"
)

// observedInfo is the observed information −∂²ℓ/∂v∂vᵀ of the moments v
// = (μ, vech Σ), by central differences of the analytic gradient
// (lavaan's lav_mvnorm_missing_information_observed_samplestats, which
// lavaan computes in closed form). With cols non-nil only the rows and
// columns cols are computed (the rest is zero).
func (d *Data) observedInfoNumeric(sigma, mu []float64, cols []int) ([]float64, bool) {
	p := d.P
	K := nMoments(p)
	v := momentVector(sigma, mu, p)
	H := make([]float64, K*K)
	gp, gm := make([]float64, K), make([]float64, K)
	x := append([]float64(nil), v...)
	if cols == nil {
		cols = seq(K)
	}
	for _, l := range cols {
		h := 1e-5 * math.Max(1, math.Abs(v[l]))
		x[l] = v[l] + h
		okp := d.momentGrad(x, gp)
		x[l] = v[l] - h
		okm := d.momentGrad(x, gm)
		x[l] = v[l]
		if !okp || !okm {
			return nil, false
		}
		for k := 0; k < K; k++ {
			H[k*K+l] = -(gp[k] - gm[k]) / (2 * h)
		}
	}
	in := make([]bool, K)
	for _, l := range cols {
		in[l] = true
	}
	for k := 0; k < K; k++ {
		for l := 0; l < k; l++ {
			if !in[k] || !in[l] {
				H[k*K+l], H[l*K+k] = 0, 0
				continue
			}
			s := (H[k*K+l] + H[l*K+k]) / 2
			H[k*K+l], H[l*K+k] = s, s
		}
		if !in[k] {
			H[k*K+k] = 0
		}
	}
	return H, true
}

// The closed-form observed information of the moments equals central
// differences of the analytic gradient, at moments that are not the
// saturated estimates (so that the mean and residual terms matter), on
// data with several missing-data patterns, including one with fewer cases
// than variables.
func TestObservedInfoMatchesDifferences(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	rows := make([][]float64, 60)
	for i := range rows {
		z := rng.NormFloat64()
		rows[i] = []float64{z + rng.NormFloat64(), 0.5*z + rng.NormFloat64(), 2 + rng.NormFloat64(), z - rng.NormFloat64()}
		switch {
		case i%7 == 0:
			rows[i][1] = math.NaN()
		case i%11 == 0:
			rows[i][0], rows[i][3] = math.NaN(), math.NaN()
		case i == 5:
			rows[i][2] = math.NaN()
		}
	}
	d, err := NewData(rows, false)
	if err != nil {
		t.Fatal(err)
	}
	sigma := []float64{1.8, 0.4, 0.1, 0.7, 0.4, 1.3, 0, 0.3, 0.1, 0, 1.1, 0.05, 0.7, 0.3, 0.05, 2.1}
	mu := []float64{0.1, -0.2, 1.9, 0.2}
	K := nMoments(4)
	want, ok1 := d.observedInfoNumeric(sigma, mu, nil)
	got, ok2 := d.observedInfo(sigma, mu, nil)
	if !ok1 || !ok2 {
		t.Fatal("not positive definite")
	}
	for i := 0; i < K; i++ {
		for j := 0; j < K; j++ {
			if math.Abs(got[i*K+j]-want[i*K+j]) > 1e-5*math.Max(1, math.Abs(want[i*K+j])) {
				t.Errorf("H[%d,%d] = %.8g, differences %.8g", i, j, got[i*K+j], want[i*K+j])
			}
		}
	}
	sub := []int{0, 2, vechIndex(4, 1, 1), vechIndex(4, 3, 0)}
	part, _ := d.observedInfo(sigma, mu, sub)
	in := map[int]bool{}
	for _, c := range sub {
		in[c] = true
	}
	for i := 0; i < K; i++ {
		for j := 0; j < K; j++ {
			w := 0.0
			if in[i] && in[j] {
				w = got[i*K+j]
			}
			if math.Abs(part[i*K+j]-w) > 1e-12 {
				t.Errorf("cols: H[%d,%d] = %g, want %g", i, j, part[i*K+j], w)
			}
		}
	}
}
