package reliability

import (
	"math"
	"testing"

	"github.com/alliance-research/alliance/analysis/internal/golden"
)

type kappaGolden struct {
	Cases []struct {
		Name         string    `json:"name"`
		R1           []float64 `json:"r1"`
		R2           []float64 `json:"r2"`
		Levels       []float64 `json:"levels"`
		N            float64   `json:"n"`
		Kappa        float64   `json:"kappa"`
		VarKappa     float64   `json:"var_kappa"`
		CIKappa      []float64 `json:"ci_kappa"`
		Quadratic    float64   `json:"quadratic"`
		VarQuadratic float64   `json:"var_quadratic"`
		CIQuadratic  []float64 `json:"ci_quadratic"`
		Linear       float64   `json:"linear"`
		VarLinear    float64   `json:"var_linear"`
		CILinear     []float64 `json:"ci_linear"`
	} `json:"cases"`
}

// TestCohenKappaGolden compares CohenKappa with psych::cohen.kappa 2.2.9
// (golden reliability_kappa.json): kappa, the variances and the clipped
// intervals for unweighted, linear and quadratic weights.
func TestCohenKappaGolden(t *testing.T) {
	var g kappaGolden
	if err := golden.Load("reliability_kappa.json", &g); err != nil {
		t.Fatal(err)
	}
	const tol = 1e-10
	for _, c := range g.Cases {
		t.Run(c.Name, func(t *testing.T) {
			res, err := CohenKappa(c.R1, c.R2, KappaOptions{})
			if err != nil {
				t.Fatal(err)
			}
			check(t, "n", res.N, c.N, 0)
			for _, e := range []struct {
				name string
				got  KappaEstimate
				k, v float64
				ci   []float64
			}{
				{"unweighted", res.Unweighted, c.Kappa, c.VarKappa, c.CIKappa},
				{"linear", res.Linear, c.Linear, c.VarLinear, c.CILinear},
				{"quadratic", res.Quadratic, c.Quadratic, c.VarQuadratic, c.CIQuadratic},
			} {
				check(t, e.name+" kappa", e.got.Kappa, e.k, tol)
				check(t, e.name+" var", e.got.Var, e.v, tol)
				check(t, e.name+" lower", e.got.Lower, e.ci[0], 1e-9)
				check(t, e.name+" upper", e.got.Upper, e.ci[1], 1e-9)
			}
		})
	}
}

// TestCohenKappaHand checks a 3×3 table computed by hand.
//
//	        B:1  B:2  B:3
//	A:1      20    5    0     row 25
//	A:2       3   15    2     row 20
//	A:3       1    4   10     row 15
//	col      24   24   12     N = 60
//
// p_o = 45/60 = 0.75; p_c = (25·24 + 20·24 + 15·12)/3600 = 1260/3600 = 0.35;
// κ = 0.40/0.65 = 8/13.
// Linear weights (1, .5, 0): off-by-one cells 5+3+2+4 = 14, so
// p_o = (45 + 7)/60 = 52/60; p_c = Σ w_ij r_i c_j / 3600 with
// r = (25, 20, 15), c = (24, 24, 12):
// 0.35·3600 + 0.5·(25·24 + 20·24 + 20·12 + 15·24) = 1260 + 840 = 2100,
// p_c = 2100/3600 = 7/12; κ_l = (52/60 − 35/60)/(25/60) = 17/25 = 0.68.
// Quadratic weights (1, .75, 0): p_o = (45 + 0.75·14)/60 = 55.5/60;
// p_c = (1260 + 0.75·1680)/3600 = 2520/3600 = 0.7;
// κ_q = (0.925 − 0.7)/0.3 = 0.75.
func TestCohenKappaHand(t *testing.T) {
	tab := [][]float64{{20, 5, 0}, {3, 15, 2}, {1, 4, 10}}
	res, err := CohenKappaTable(tab, KappaOptions{})
	if err != nil {
		t.Fatal(err)
	}
	check(t, "p_o", res.Agreement, 0.75, 1e-14)
	check(t, "p_c", res.Expected, 0.35, 1e-14)
	check(t, "unweighted", res.Unweighted.Kappa, 8.0/13, 1e-14)
	check(t, "linear", res.Linear.Kappa, 0.68, 1e-14)
	check(t, "quadratic", res.Quadratic.Kappa, 0.75, 1e-14)
	// Unweighted: psych's and FCE's variance coincide.
	check(t, "unweighted var = FCE", res.Unweighted.Var, res.Unweighted.VarFCE, 1e-15)

	// Same data as rating vectors, with missing pairs dropped.
	var r1, r2 []float64
	for i, row := range tab {
		for j, c := range row {
			for m := 0; m < int(c); m++ {
				r1 = append(r1, float64(i+1))
				r2 = append(r2, float64(j+1))
			}
		}
	}
	r1 = append(r1, math.NaN(), 2)
	r2 = append(r2, 1, math.NaN())
	rv, err := CohenKappa(r1, r2, KappaOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rv.Dropped != 2 || rv.N != 60 {
		t.Errorf("dropped %d, n %v; want 2, 60", rv.Dropped, rv.N)
	}
	check(t, "vector quadratic", rv.Quadratic.Kappa, 0.75, 1e-14)
}

// TestCohenKappaFCE: for a 2×2 table (where linear = quadratic = unweighted
// weights) every variance must equal the unweighted one, which is the FCE
// (1969) formula; and perfect agreement gives kappa 1 with variance 0.
func TestCohenKappaFCE(t *testing.T) {
	res, err := CohenKappaTable([][]float64{{30, 8}, {5, 17}}, KappaOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range []KappaEstimate{res.Linear, res.Quadratic} {
		check(t, "2x2 kappa", e.Kappa, res.Unweighted.Kappa, 1e-14)
		check(t, "2x2 var", e.VarFCE, res.Unweighted.Var, 1e-14)
	}
	perfect, err := CohenKappaTable([][]float64{{10, 0, 0}, {0, 5, 0}, {0, 0, 7}}, KappaOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if perfect.Unweighted.Kappa != 1 || perfect.Unweighted.SE > 1e-12 {
		t.Errorf("perfect agreement: %+v", perfect.Unweighted)
	}
}

func TestCohenKappaErrors(t *testing.T) {
	if _, err := CohenKappa([]float64{1, 1, 1}, []float64{1, 1, 1}, KappaOptions{}); err == nil {
		t.Error("one category: no error")
	}
	if _, err := CohenKappa([]float64{1, 2}, []float64{1}, KappaOptions{}); err == nil {
		t.Error("unequal lengths: no error")
	}
	if _, err := CohenKappa([]float64{1, 2, 3}, []float64{1, 2, 2}, KappaOptions{Levels: []float64{1, 2}}); err == nil {
		t.Error("rating outside levels: no error")
	}
	if _, err := CohenKappa([]float64{1, 1}, []float64{1, 1}, KappaOptions{Levels: []float64{1, 2}}); err == nil {
		t.Error("chance agreement 1: no error")
	}
	if _, err := CohenKappaTable([][]float64{{1, -1}, {0, 2}}, KappaOptions{}); err == nil {
		t.Error("negative count: no error")
	}
	if _, err := CohenKappa([]float64{math.NaN()}, []float64{1}, KappaOptions{}); err == nil {
		t.Error("no complete pair: no error")
	}
}
