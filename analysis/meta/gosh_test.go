package meta

import (
	"errors"
	"math"
	"testing"

	"github.com/alliance-research/alliance/analysis/errs"
)

// Random subsets (k = 12, 4,095 subsets, 600 drawn): sorted by size, the
// same draw for the same seed whatever the number of workers, another for
// another seed; every row equals Fit on that subset (an independent path
// through Fit's full pipeline).
func TestGoshRandomSubsets(t *testing.T) {
	yi, vi := goshData20()
	yi, vi = yi[:12], vi[:12]
	r, err := Fit(yi, vi, Options{Method: DL})
	if err != nil {
		t.Fatal(err)
	}
	g, err := Gosh(r, GoshOptions{Subsets: 600, Seed: 7, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	if g.AllSubsets || g.Subsets != 600 || g.Seed == nil || *g.Seed != 7 || len(g.Notes) == 0 {
		t.Fatalf("subsets %d all %v seed %v notes %v", g.Subsets, g.AllSubsets, g.Seed, g.Notes)
	}
	g1, _ := Gosh(r, GoshOptions{Subsets: 600, Seed: 7, Workers: 1})
	g2, _ := Gosh(r, GoshOptions{Subsets: 600, Seed: 8, Workers: 2})
	same := true
	for i := 0; i < g.Subsets; i++ {
		if i > 0 && g.Size[i] < g.Size[i-1] {
			t.Fatalf("row %d: size %d after %d", i, g.Size[i], g.Size[i-1])
		}
		if g.Estimate[i] != g1.Estimate[i] || g.incl[i] != g1.incl[i] {
			t.Fatalf("row %d differs with 1 worker", i)
		}
		same = same && g.incl[i] == g2.incl[i]
		var y, v []float64
		for j := 0; j < 12; j++ {
			if g.Included(i, j) {
				y, v = append(y, yi[j]), append(v, vi[j])
			}
		}
		if len(y) != int(g.Size[i]) {
			t.Fatalf("row %d: size %d, %d included", i, g.Size[i], len(y))
		}
		f, err := Fit(y, v, Options{Method: DL})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			name      string
			got, want float64
		}{{"estimate", g.Estimate[i], f.Coefficients[0].Estimate}, {"QE", g.QE[i], f.QE}, {"I2", g.I2[i], f.I2}, {"H2", g.H2[i], f.H2}, {"tau2", g.Tau2[i], f.Tau2}} {
			if math.Abs(c.got-c.want) > 1e-12*math.Max(1, math.Abs(c.want)) {
				t.Errorf("row %d %s = %g, Fit %g", i, c.name, c.got, c.want)
			}
		}
	}
	if same {
		t.Error("seeds 7 and 8 drew the same subsets")
	}
}

// The sizes of random subsets follow P(m) = C(k, m)/(2^k − 1), m = 1..k
// (metafor's dbinom(m, k, ½) renormalised): each size's count within 4.5
// binomial SDs of its expectation (k = 30, 20,000 subsets).
func TestGoshRandomSizes(t *testing.T) {
	k, n := 30, 20000
	rows := randomSubsets(k, n, 3, 2)
	count := make([]int, k+1)
	for _, m := range rows {
		count[popcount(m)]++
	}
	for m := 1; m <= k; m++ {
		p := math.Exp(lchoose(k, m) - float64(k)*math.Ln2)
		e, sd := float64(n)*p, math.Sqrt(float64(n)*p*(1-p))
		if math.Abs(float64(count[m])-e) > 4.5*sd+1 {
			t.Errorf("size %d: %d subsets, expected %.1f ± %.1f", m, count[m], e, sd)
		}
	}
}

func popcount(x uint64) int {
	c := 0
	for ; x != 0; x &= x - 1 {
		c++
	}
	return c
}

// The flag rule finds a planted outlier (study 7 of goshData20, z = 0.9
// among effects near 0.25) at k = 12, whose I² shift is the largest;
// progress reaches the total.
func TestGoshFlagsOutlier(t *testing.T) {
	yi, vi := goshData20()
	r, err := Fit(yi[:12], vi[:12], Options{})
	if err != nil {
		t.Fatal(err)
	}
	last, calls := 0, 0
	g, err := Gosh(r, GoshOptions{Progress: func(done, total int) {
		if done < last || total != 4095 {
			t.Errorf("progress %d of %d after %d", done, total, last)
		}
		last = done
		calls++
	}})
	if err != nil {
		t.Fatal(err)
	}
	if last != 4095 || calls < 2 {
		t.Errorf("progress ended at %d after %d calls", last, calls)
	}
	if len(g.Flagged) != 1 || g.Flagged[0] != "7" {
		t.Errorf("flagged %v, want [7]; studies %+v", g.Flagged, g.Studies)
	}
	for j, st := range g.Studies {
		if j != 6 && math.Abs(st.DI2) >= math.Abs(g.Studies[6].DI2) {
			t.Errorf("study %s moves I² as much as the outlier: %+v", st.Study, st)
		}
	}
}

// Typed errors: moderators, k = 1, a subsets bound out of range.
func TestGoshErrors(t *testing.T) {
	yi, vi := goshData20()
	mods := make([]float64, 20)
	for i := range mods {
		mods[i] = float64(i)
	}
	r, _ := Fit(yi, vi, Options{Mods: []Moderator{{Name: "x", Numeric: mods}}})
	if _, err := Gosh(r, GoshOptions{}); err == nil {
		t.Error("moderators accepted")
	}
	r1, _ := Fit(yi[:1], vi[:1], Options{})
	var e *errs.Error
	if _, err := Gosh(r1, GoshOptions{}); !errors.As(err, &e) || e.Kind != errs.TooFew {
		t.Errorf("k = 1: %v", err)
	}
	r3, _ := Fit(yi[:3], vi[:3], Options{})
	if _, err := Gosh(r3, GoshOptions{Subsets: 1}); err == nil {
		t.Error("subsets 1 accepted")
	}
	g, err := Gosh(r3, GoshOptions{})
	if err != nil || len(g.Flagged) != 0 || len(g.Notes) == 0 {
		t.Errorf("k = 3: %v flagged %v notes %v", err, g.Flagged, g.Notes)
	}
}
