package sem

import (
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// oneFactor is x_j = f + e_j (j = 1..3, loadings 1) with free variances
// and means; with twoVar the first indicator has a second, free error
// source of the same kind, which the data cannot tell apart from e_1 (not
// identified).
func oneFactor(twoVar bool, startVar float64) *Model {
	md := &Model{NObs: 3, Names: []string{"x1", "x2", "x3", "f", "g"}}
	for j := 0; j < 3; j++ {
		md.Params = append(md.Params, Param{Matrix: Path, From: 3, To: j, Op: "=~", Value: 1},
			Param{Free: true, Matrix: Cov, From: j, To: j, Op: "~~", Value: startVar},
			Param{Free: true, Matrix: Mean, To: j, Op: "~1"})
	}
	md.Params = append(md.Params, Param{Free: true, Matrix: Cov, From: 3, To: 3, Op: "~~", Value: 1})
	if twoVar {
		md.Params = append(md.Params, Param{Matrix: Path, From: 4, To: 0, Op: "=~", Value: 1},
			Param{Free: true, Matrix: Cov, From: 4, To: 4, Op: "~~", Value: 0.5})
	} else {
		md.Params = append(md.Params, Param{Matrix: Cov, From: 4, To: 4, Op: "~~", Value: 1})
	}
	return md
}

func oneFactorData(t *testing.T) *Data {
	rng := rand.New(rand.NewPCG(5, 6))
	rows := make([][]float64, 200)
	for i := range rows {
		f := rng.NormFloat64()
		rows[i] = []float64{f + rng.NormFloat64(), f + rng.NormFloat64(), f + rng.NormFloat64()}
		if i%10 == 0 {
			rows[i][1] = math.NaN()
		}
	}
	d, err := NewData(rows, false)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// Fit's failures are typed: a start that is not positive definite, a
// model that is not identified (no standard errors) and an optimiser
// stopped by MaxIter, each with a message that says what it means.
func TestFitTypedErrors(t *testing.T) {
	d := oneFactorData(t)
	// Error variances of −5 with a factor variance of 1: Σ not PD.
	_, err := Fit(oneFactor(false, -5), d, Options{})
	var npd *NotPositiveDefiniteError
	if !errors.As(err, &npd) || npd.Matrix != "implied" || npd.At != "start" || !errors.Is(err, ErrNotPositiveDefinite) {
		t.Errorf("negative start variances: %v", err)
	}
	_, err = Fit(oneFactor(true, 1), d, Options{})
	if !errors.As(err, &npd) || npd.Matrix != "information" || !strings.Contains(err.Error(), "not identified") {
		t.Errorf("unidentified model: %v", err)
	}
	res, err := Fit(oneFactor(false, 1), d, Options{MaxIter: 1})
	var ce *ConvergenceError
	if !errors.As(err, &ce) || res == nil || res.Converged || ce.Iterations != 1 || !(ce.MaxGradient > 1e-3) {
		t.Errorf("MaxIter 1: %v (%+v)", err, ce)
	}
	if _, err := Fit(oneFactor(false, 1), d, Options{}); err != nil {
		t.Errorf("identified model: %v", err)
	}
}
