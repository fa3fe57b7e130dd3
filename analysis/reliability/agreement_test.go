package reliability

import (
	"math"
	"math/rand/v2"
	"testing"
)

// Krippendorff (2011), "Computing Krippendorff's alpha-reliability", §C:
// 4 observers (A–D) × 12 units with missing values; transposed here to
// units × observers. The published values for these data are α = 0.743
// (nominal), 0.815 (ordinal), 0.849 (interval) and 0.797 (ratio), as quoted
// from Krippendorff (2011) in the project brief and in the documentation of
// irr::kripp.alpha / DescTools::KrippAlpha, whose "C" example holds the same
// data (data checked against the DescTools help page; the paper's own text
// was not available offline, so the values were not re-read from it).
var krippC = func() [][]float64 {
	nan := math.NaN()
	obs := [][]float64{ // rows A, B, C, D as printed in the paper
		{1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan},
		{1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3},
		{nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan},
		{1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan},
	}
	out := make([][]float64, 12)
	for u := range out {
		out[u] = make([]float64, 4)
		for c := range obs {
			out[u][c] = obs[c][u]
		}
	}
	return out
}()

func TestKrippendorffPublished(t *testing.T) {
	for _, tt := range []struct {
		m    Metric
		want float64
	}{{Nominal, 0.743}, {Ordinal, 0.815}, {Interval, 0.849}, {Ratio, 0.797}} {
		res, err := Krippendorff(krippC, tt.m)
		if err != nil {
			t.Fatal(err)
		}
		// published to three decimals
		if math.Abs(res.Alpha-tt.want) > 0.0005 {
			t.Errorf("%v alpha = %.5f, published %.3f", tt.m, res.Alpha, tt.want)
		}
		// unit 12 has a single value: not pairable; 11 units, 40 values
		if res.Units != 11 || res.Pairable != 40 {
			t.Errorf("%v: %d units, %d values; want 11, 40", tt.m, res.Units, res.Pairable)
		}
	}
}

// TestKrippendorffNominalByHand: two coders, four units, values
// (a,a) (a,b) (b,b) (b,b). Coincidences: o_aa = 2, o_ab = o_ba = 1,
// o_bb = 4; n_a = 3, n_b = 5, n = 8. Do = 2/8, De = 2·3·5/(8·7) = 30/56,
// α = 1 − (1/4)/(30/56) = 1 − 14/30 = 8/15.
func TestKrippendorffNominalByHand(t *testing.T) {
	res, err := Krippendorff([][]float64{{1, 1}, {1, 2}, {2, 2}, {2, 2}}, Nominal)
	if err != nil {
		t.Fatal(err)
	}
	check(t, "alpha", res.Alpha, 8.0/15, 1e-14)
	check(t, "Do", res.Do, 0.25, 1e-14)
}

// TestKrippendorffInterval2: for two coders and no missing data, interval
// alpha is a known function of the data: with all 2N values pooled (mean m,
// SS_T = Σ(x − m)²) and SS_W = Σ_u (x_u1 − x_u2)²/2,
// α = 1 − (2N − 1)·SS_W / (N·SS_T) (Krippendorff 2011, interval case).
func TestKrippendorffInterval2(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	x := make([][]float64, 25)
	var all []float64
	var ssw float64
	for i := range x {
		a := float64(r.IntN(7))
		b := a + float64(r.IntN(3)-1)
		x[i] = []float64{a, b}
		all = append(all, a, b)
		ssw += (a - b) * (a - b) / 2
	}
	m, v := meanVar(all)
	_ = m
	sst := v * float64(len(all)-1)
	N := float64(len(x))
	want := 1 - (2*N-1)*ssw/(N*sst)
	res, err := Krippendorff(x, Interval)
	if err != nil {
		t.Fatal(err)
	}
	check(t, "interval alpha", res.Alpha, want, 1e-12)
}

func TestKrippendorffErrors(t *testing.T) {
	nan := math.NaN()
	if _, err := Krippendorff([][]float64{{1, nan}, {nan, 2}}, Nominal); err == nil {
		t.Error("no pairable unit: no error")
	}
	if _, err := Krippendorff([][]float64{{3, 3}, {3, 3}}, Interval); err == nil {
		t.Error("one value: no error")
	}
	if _, err := Krippendorff([][]float64{{-1, 1}, {1, 2}}, Ratio); err == nil {
		t.Error("ratio with c + k = 0: no error")
	}
	if _, err := Krippendorff([][]float64{{1, 2}}, Metric(9)); err == nil {
		t.Error("unknown metric: no error")
	}
}

// Fleiss' kappa on the 10 units × 14 raters × 5 categories example of the
// Wikipedia article "Fleiss' kappa", given as counts n_ij, recomputed here
// by hand: column totals 20, 28, 39, 21, 32 (of 140); Σ_ij n_ij² = 828, so
// P̄ = (828 − 140)/(10·14·13) = 688/1820; P̄e = (20² + 28² + 39² + 21² +
// 32²)/140² = 4170/19600; κ = (P̄ − P̄e)/(1 − P̄e) ≈ 0.210.
var fleissCounts = [][]int{
	{0, 0, 0, 0, 14}, {0, 2, 6, 4, 2}, {0, 0, 3, 5, 6}, {0, 3, 9, 2, 0}, {2, 2, 8, 1, 1},
	{7, 7, 0, 0, 0}, {3, 2, 6, 3, 0}, {2, 5, 3, 2, 2}, {6, 5, 2, 1, 0}, {0, 2, 2, 3, 7},
}

func countsToRatings(c [][]int) [][]float64 {
	out := make([][]float64, len(c))
	for i, row := range c {
		for j, n := range row {
			for m := 0; m < n; m++ {
				out[i] = append(out[i], float64(j+1))
			}
		}
	}
	return out
}

func TestFleissHand(t *testing.T) {
	res, err := FleissKappa(countsToRatings(fleissCounts))
	if err != nil {
		t.Fatal(err)
	}
	pbar, pe := 688.0/1820, 4170.0/19600
	check(t, "P̄", res.PObserved, pbar, 1e-14)
	check(t, "P̄e", res.PExpected, pe, 1e-14)
	check(t, "kappa", res.Kappa, (pbar-pe)/(1-pe), 1e-14)
	if math.Abs(res.Kappa-0.210) > 0.0005 {
		t.Errorf("kappa %.4f, article 0.210", res.Kappa)
	}
	// category 5: n_i5 = 14,2,6,0,1,0,0,2,0,7; Σ n(14−n) = 0+24+48+0+13+0+0+24+0+49 = 158;
	// p_5 = 32/140; κ_5 = 1 − 158/(10·14·13·p_5·q_5).
	p5 := 32.0 / 140
	check(t, "kappa_5", res.Categories[4].Kappa, 1-158/(1820*p5*(1-p5)), 1e-14)
}

// TestFleissNullSE: under chance agreement the standard deviation of kappa
// over replications must match SE0 (Fleiss, Nee & Landis 1979), and its
// mean must be near 0 (−1/(N n − 1) to first order).
func TestFleissNullSE(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	probs := []float64{0.2, 0.3, 0.5}
	const N, n, reps = 60, 5, 3000
	x := make([][]float64, N)
	for i := range x {
		x[i] = make([]float64, n)
	}
	var ks []float64
	var se0 float64
	for rep := 0; rep < reps; rep++ {
		for i := range x {
			for j := range x[i] {
				u := r.Float64()
				c := 0
				for acc := probs[0]; u > acc && c < len(probs)-1; {
					c++
					acc += probs[c]
				}
				x[i][j] = float64(c)
			}
		}
		res, err := FleissKappa(x)
		if err != nil {
			t.Fatal(err)
		}
		ks = append(ks, res.Kappa)
		se0 += res.SE0 / reps
	}
	m, v := meanVar(ks)
	if math.Abs(math.Sqrt(v)/se0-1) > 0.06 {
		t.Errorf("empirical sd %.5f vs SE0 %.5f", math.Sqrt(v), se0)
	}
	if math.Abs(m) > 3*math.Sqrt(v/reps)+1.0/(N*n) {
		t.Errorf("mean kappa under null %.5f, want ≈ 0", m)
	}
}

func TestFleissErrorsAndMissing(t *testing.T) {
	nan := math.NaN()
	if _, err := FleissKappa([][]float64{{1}, {2}}); err == nil {
		t.Error("one rater: no error")
	}
	if _, err := FleissKappa([][]float64{{1, 1}, {1, 1}}); err == nil {
		t.Error("one category: no error")
	}
	if _, err := FleissKappa([][]float64{{1, nan}, {nan, 2}, {1, 2}}); err == nil {
		t.Error("one complete unit: no error")
	}
	full := countsToRatings(fleissCounts)
	with := append([][]float64{{1, 2, nan, 3, 4, 5, 1, 2, 3, 4, 5, 1, 2, 3}}, full...)
	a, _ := FleissKappa(full)
	b, err := FleissKappa(with)
	if err != nil {
		t.Fatal(err)
	}
	if b.Dropped != 1 || b.Kappa != a.Kappa {
		t.Errorf("incomplete unit: dropped %d, kappa %v vs %v", b.Dropped, b.Kappa, a.Kappa)
	}
}
