package reliability

import (
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// thurstone9 is psych's Thurstone correlation matrix to three decimals.
var thurstone9 = [][]float64{
	{1.000, 0.828, 0.776, 0.439, 0.432, 0.447, 0.447, 0.541, 0.380},
	{0.828, 1.000, 0.779, 0.493, 0.464, 0.489, 0.432, 0.537, 0.358},
	{0.776, 0.779, 1.000, 0.460, 0.425, 0.443, 0.401, 0.534, 0.359},
	{0.439, 0.493, 0.460, 1.000, 0.674, 0.590, 0.381, 0.350, 0.424},
	{0.432, 0.464, 0.425, 0.674, 1.000, 0.541, 0.402, 0.367, 0.446},
	{0.447, 0.489, 0.443, 0.590, 0.541, 1.000, 0.288, 0.320, 0.325},
	{0.447, 0.432, 0.401, 0.381, 0.402, 0.288, 1.000, 0.555, 0.598},
	{0.541, 0.537, 0.534, 0.350, 0.367, 0.320, 0.555, 1.000, 0.452},
	{0.380, 0.358, 0.359, 0.424, 0.446, 0.325, 0.598, 0.452, 1.000},
}

// TestFactorModelExact: a correlation matrix that is exactly ΛΛᵀ + Ψ is
// recovered exactly (up to rotation): minres's residual is zero and the
// communalities are the row sums of squares of Λ.
func TestFactorModelExact(t *testing.T) {
	lam := [][]float64{
		{0.8, 0.1}, {0.7, 0.2}, {0.6, 0.0}, {0.75, -0.1},
		{0.1, 0.7}, {0.0, 0.6}, {0.2, 0.8}, {-0.1, 0.5},
	}
	p := len(lam)
	r := make([][]float64, p)
	for i := range r {
		r[i] = make([]float64, p)
		for j := range r[i] {
			if i == j {
				r[i][j] = 1
				continue
			}
			r[i][j] = lam[i][0]*lam[j][0] + lam[i][1]*lam[j][1]
		}
	}
	for _, rot := range []Rotation{RotateNone, RotateVarimax, RotateOblimin} {
		res, err := FactorAnalysis(r, FAOptions{NFactors: 2, Rotation: rot})
		if err != nil {
			t.Fatal(err)
		}
		if res.Objective > 1e-18 {
			t.Errorf("%s: objective %g, want 0", rot, res.Objective)
		}
		// Model-implied correlations ΛΦΛᵀ reproduce r off the diagonal.
		phi := [][]float64{{1, 0}, {0, 1}}
		if res.Phi != nil {
			phi = res.Phi
		}
		for i := 0; i < p; i++ {
			h := lam[i][0]*lam[i][0] + lam[i][1]*lam[i][1]
			check(t, string(rot)+" communality", res.Communalities[i], h, 1e-8)
			for j := 0; j < p; j++ {
				var m float64
				for a := 0; a < 2; a++ {
					for b := 0; b < 2; b++ {
						m += res.Loadings[i][a] * phi[a][b] * res.Loadings[j][b]
					}
				}
				want := r[i][j]
				if i == j {
					want = h
				}
				check(t, string(rot)+" model", m, want, 1e-8)
			}
		}
	}
}

// TestRotationInvariants: varimax is an orthogonal rotation (communalities
// kept, TᵀT = I) that does not lower the varimax criterion; oblimin keeps
// the common part ΛΦΛᵀ = AAᵀ, has unit-diagonal Φ, and lowers the
// quartimin criterion.
func TestRotationInvariants(t *testing.T) {
	s, err := corrInput(thurstone9, "test")
	if err != nil {
		t.Fatal(err)
	}
	a, _, _, err := minres(s, 3)
	if err != nil {
		t.Fatal(err)
	}
	p, m := a.Dims()
	var aat mat.Dense
	aat.Mul(a, a.T())

	vm, tm, err := Varimax(a)
	if err != nil {
		t.Fatal(err)
	}
	var tt mat.Dense
	tt.Mul(tm.T(), tm)
	var vv mat.Dense
	vv.Mul(vm, vm.T())
	for i := 0; i < m; i++ {
		for j := 0; j < m; j++ {
			check(t, "varimax TᵀT", tt.At(i, j), b2f(i == j), 1e-12)
		}
	}
	for i := 0; i < p; i++ {
		for j := 0; j < p; j++ {
			check(t, "varimax ΛΛᵀ", vv.At(i, j), aat.At(i, j), 1e-12)
		}
	}
	if varimaxCrit(vm) < varimaxCrit(a) {
		t.Errorf("varimax criterion fell: %g < %g", varimaxCrit(vm), varimaxCrit(a))
	}

	ob, err := Oblimin(a, 0)
	if err != nil {
		t.Fatal(err)
	}
	var lp, lpl mat.Dense
	lp.Mul(ob.Loadings, ob.Phi)
	lpl.Mul(&lp, ob.Loadings.T())
	for i := 0; i < p; i++ {
		for j := 0; j < p; j++ {
			check(t, "oblimin ΛΦΛᵀ", lpl.At(i, j), aat.At(i, j), 1e-10)
		}
	}
	for j := 0; j < m; j++ {
		check(t, "oblimin diag Φ", ob.Phi.At(j, j), 1, 1e-12)
	}
	l0 := mat.NewDense(p, m, nil)
	gq := mat.NewDense(p, m, nil)
	q0, _ := obliminLoad(a, identity(m), 0, l0, gq)
	if ob.Criterion >= q0 {
		t.Errorf("quartimin criterion %g not below the start %g", ob.Criterion, q0)
	}
	// γ ≠ 0 is accepted and keeps ΛΦΛᵀ as well.
	ob1, err := Oblimin(a, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	lp.Reset()
	lpl.Reset()
	lp.Mul(ob1.Loadings, ob1.Phi)
	lpl.Mul(&lp, ob1.Loadings.T())
	check(t, "oblimin γ=0.5 ΛΦΛᵀ[0,1]", lpl.At(0, 1), aat.At(0, 1), 1e-10)
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// varimaxCrit is the raw (Kaiser-normalized) varimax criterion.
func varimaxCrit(l *mat.Dense) float64 {
	p, m := l.Dims()
	var v float64
	for j := 0; j < m; j++ {
		var s2, s4 float64
		for i := 0; i < p; i++ {
			var h float64
			for k := 0; k < m; k++ {
				h += l.At(i, k) * l.At(i, k)
			}
			x := l.At(i, j) * l.At(i, j) / h
			s2 += x
			s4 += x * x
		}
		v += s4 - s2*s2/float64(p)
	}
	return v
}

// TestOmegaErrors: bad input gives errors that say what is wrong.
func TestOmegaErrors(t *testing.T) {
	asym := [][]float64{{1, 0.5, 0.3}, {0.4, 1, 0.2}, {0.3, 0.2, 1}}
	nanR := [][]float64{{1, math.NaN()}, {math.NaN(), 1}}
	constant := [][]float64{{1, 2, 3, 3}, {2, 3, 1, 3}, {3, 1, 2, 3}, {1, 1, 2, 3}, {2, 2, 3, 3}}
	cases := []struct {
		name string
		run  func() error
		want string
	}{
		{"too many factors", func() error { _, err := OmegaCorr(thurstone9, OmegaOptions{NFactors: 9}); return err }, "9 factors for 9 items"},
		{"asymmetric", func() error { _, err := OmegaCorr(asym, OmegaOptions{NFactors: 1}); return err }, "not symmetric"},
		{"NaN", func() error { _, err := OmegaCorr(nanR, OmegaOptions{NFactors: 1}); return err }, "finite"},
		{"not square", func() error { _, err := OmegaCorr([][]float64{{1, 0}}, OmegaOptions{}); return err }, "square"},
		{"constant item", func() error { _, err := Omega(constant, OmegaOptions{NFactors: 1}); return err }, "no variance"},
		{"one item", func() error { _, err := Omega([][]float64{{1}, {2}}, OmegaOptions{}); return err }, "at least 2"},
		{"fa rotation", func() error {
			_, err := FactorAnalysis(thurstone9, FAOptions{NFactors: 2, Rotation: "promax"})
			return err
		}, "unknown rotation"},
	}
	for _, c := range cases {
		err := c.run()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
}

// TestOmegaSingleFactorExact: for items that fit one factor exactly,
// omega total = omega_h = (Σλ)²/((Σλ)² + Σ(1 − λ²)) (McDonald 1999, eq. 6.20b).
func TestOmegaSingleFactorExact(t *testing.T) {
	lam := []float64{0.8, 0.7, 0.6, 0.5, 0.4}
	p := len(lam)
	r := make([][]float64, p)
	var sl, su float64
	for i := range r {
		r[i] = make([]float64, p)
		for j := range r[i] {
			r[i][j] = lam[i] * lam[j]
		}
		r[i][i] = 1
		sl += lam[i]
		su += 1 - lam[i]*lam[i]
	}
	want := sl * sl / (sl*sl + su)
	res, err := OmegaCorr(r, OmegaOptions{NFactors: 1})
	if err != nil {
		t.Fatal(err)
	}
	check(t, "omega_total", res.OmegaTotal, want, 1e-9)
	check(t, "omega_h", res.OmegaH, want, 1e-9)
	check(t, "ECV", res.ECV, 1, 1e-12)
}

// BenchmarkOmega: psych::omega's default pipeline on 2,800 persons × 25
// items (the size of bfi), from raw data.
func BenchmarkOmega(b *testing.B) {
	x := simItems(2800, 25)
	for b.Loop() {
		if _, err := Omega(x, OmegaOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
