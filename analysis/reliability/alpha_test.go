package reliability

import (
	"fmt"
	"math"
	"testing"

	"github.com/alliance-research/alliance/analysis/internal/golden"
)

type alphaGolden struct {
	Cases []struct {
		Name         string       `json:"name"`
		Data         [][]*float64 `json:"data"`
		Keys         []float64    `json:"keys"`
		Cumulative   bool         `json:"cumulative"`
		RawAlpha     float64      `json:"raw_alpha"`
		StdAlpha     float64      `json:"std_alpha"`
		G6           float64      `json:"G6_smc"`
		AverageR     float64      `json:"average_r"`
		SN           float64      `json:"S_N"`
		ASE          float64      `json:"ase"`
		Mean         float64      `json:"mean"`
		SD           float64      `json:"sd"`
		MedianR      float64      `json:"median_r"`
		VarR         *float64     `json:"var_r"`
		FeldtLower   float64      `json:"feldt_lower"`
		FeldtUpper   float64      `json:"feldt_upper"`
		NVar         int          `json:"nvar"`
		ItemN        []int        `json:"item_n"`
		RawR         []float64    `json:"raw_r"`
		StdR         []float64    `json:"std_r"`
		RCor         []float64    `json:"r_cor"`
		RDrop        []float64    `json:"r_drop"`
		ItemMean     []float64    `json:"item_mean"`
		ItemSD       []float64    `json:"item_sd"`
		DropRawAlpha []float64    `json:"drop_raw_alpha"`
		DropStdAlpha []float64    `json:"drop_std_alpha"`
		DropG6       []float64    `json:"drop_G6_smc"`
		DropAverageR []float64    `json:"drop_average_r"`
		DropSN       []float64    `json:"drop_S_N"`
		DropASE      []*float64   `json:"drop_ase"`
		DropVarR     []float64    `json:"drop_var_r"`
		DropMedianR  []float64    `json:"drop_median_r"`
	} `json:"cases"`
}

// TestAlphaGolden compares Alpha with psych::alpha 2.2.9 (golden
// reliability_alpha.json, written by testdata/golden/R/reliability.R).
func TestAlphaGolden(t *testing.T) {
	var g alphaGolden
	if err := golden.Load("reliability_alpha.json", &g); err != nil {
		t.Fatal(err)
	}
	const tol = 1e-9
	for _, c := range g.Cases {
		t.Run(c.Name, func(t *testing.T) {
			res, err := Alpha(nanRows(c.Data), AlphaOptions{Keys: c.Keys, Cumulative: c.Cumulative})
			if err != nil {
				t.Fatal(err)
			}
			check(t, "raw_alpha", res.RawAlpha, c.RawAlpha, tol)
			check(t, "std_alpha", res.StdAlpha, c.StdAlpha, tol)
			check(t, "G6", res.G6, c.G6, tol)
			check(t, "average_r", res.AverageR, c.AverageR, tol)
			check(t, "S/N", res.SN, c.SN, tol)
			check(t, "ase", *res.ASE, c.ASE, tol)
			check(t, "mean", res.Mean, c.Mean, tol)
			check(t, "sd", res.SD, c.SD, tol)
			check(t, "median_r", res.MedianR, c.MedianR, tol)
			if c.VarR == nil {
				if res.VarR != nil {
					t.Errorf("var_r = %v, psych gives NA", *res.VarR)
				}
			} else {
				check(t, "var_r", *res.VarR, *c.VarR, tol)
			}
			check(t, "feldt lower", res.FeldtLower, c.FeldtLower, 1e-8)
			check(t, "feldt upper", res.FeldtUpper, c.FeldtUpper, 1e-8)
			if res.NVar != c.NVar || len(res.Items) != c.NVar {
				t.Fatalf("nvar = %d (%d items), want %d", res.NVar, len(res.Items), c.NVar)
			}
			for a, it := range res.Items {
				p := func(s string) string { return fmt.Sprintf("item %d %s", a+1, s) }
				if it.N != c.ItemN[a] {
					t.Errorf("%s = %d, want %d", p("n"), it.N, c.ItemN[a])
				}
				check(t, p("raw.r"), it.RawR, c.RawR[a], tol)
				check(t, p("std.r"), it.StdR, c.StdR[a], tol)
				check(t, p("r.cor"), it.RCor, c.RCor[a], tol)
				check(t, p("r.drop"), it.RDrop, c.RDrop[a], tol)
				check(t, p("mean"), it.Mean, c.ItemMean[a], tol)
				check(t, p("sd"), it.SD, c.ItemSD[a], tol)
				d := it.AlphaIfDeleted
				check(t, p("drop raw_alpha"), d.RawAlpha, c.DropRawAlpha[a], tol)
				check(t, p("drop std.alpha"), d.StdAlpha, c.DropStdAlpha[a], tol)
				check(t, p("drop G6"), d.G6, c.DropG6[a], tol)
				check(t, p("drop average_r"), d.AverageR, c.DropAverageR[a], tol)
				check(t, p("drop S/N"), d.SN, c.DropSN[a], tol)
				check(t, p("drop var.r"), *d.VarR, c.DropVarR[a], tol)
				check(t, p("drop med.r"), d.MedianR, c.DropMedianR[a], tol)
				switch {
				case c.DropASE == nil || c.DropASE[a] == nil:
					if d.ASE != nil {
						t.Errorf("%s = %v, psych gives none", p("drop alpha se"), *d.ASE)
					}
				case d.ASE == nil:
					t.Errorf("%s missing, want %v", p("drop alpha se"), *c.DropASE[a])
				default:
					check(t, p("drop alpha se"), *d.ASE, *c.DropASE[a], tol)
				}
			}
		})
	}
}

func TestAlphaErrors(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		name string
		x    [][]float64
		opt  AlphaOptions
	}{
		{"no rows", nil, AlphaOptions{}},
		{"ragged", [][]float64{{1, 2}, {1}}, AlphaOptions{}},
		{"one item", [][]float64{{1}, {2}, {3}}, AlphaOptions{}},
		{"all but one constant", [][]float64{{1, 2, 3}, {1, 2, 4}, {1, 2, 5}}, AlphaOptions{}},
		{"all missing", [][]float64{{nan, nan}, {nan, nan}, {nan, nan}}, AlphaOptions{}},
		{"bad key", [][]float64{{1, 2}, {2, 3}, {3, 1}}, AlphaOptions{Keys: []float64{1, 0}}},
		{"short keys", [][]float64{{1, 2}, {2, 3}, {3, 1}}, AlphaOptions{Keys: []float64{1}}},
		{"infinite", [][]float64{{1, 2}, {2, math.Inf(1)}, {3, 1}}, AlphaOptions{}},
		{"no overlap", [][]float64{{1, nan}, {2, nan}, {3, nan}, {nan, 1}, {nan, 2}, {nan, 4}}, AlphaOptions{}},
		{"level", [][]float64{{1, 2}, {2, 3}, {3, 1}}, AlphaOptions{Level: 1.5}},
	}
	for _, tt := range tests {
		if _, err := Alpha(tt.x, tt.opt); err == nil {
			t.Errorf("%s: no error", tt.name)
		}
	}
}

// TestAlphaNegativeItems checks the reversal advice: an item built as the
// mirror image of the others must be flagged, and reversing it by key must
// give the same alpha as reversing it by hand.
func TestAlphaNegativeItems(t *testing.T) {
	x := [][]float64{{1, 2, 5}, {2, 2, 4}, {3, 4, 2}, {4, 5, 2}, {5, 4, 1}, {2, 1, 4}}
	res, err := Alpha(x, AlphaOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.NegativeItems) != 1 || res.NegativeItems[0] != 2 {
		t.Errorf("NegativeItems = %v, want [2]", res.NegativeItems)
	}
	keyed, err := Alpha(x, AlphaOptions{Keys: []float64{1, 1, -1}})
	if err != nil {
		t.Fatal(err)
	}
	hand := make([][]float64, len(x))
	for i, r := range x {
		hand[i] = []float64{r[0], r[1], 6 - r[2]} // observed min 1 + max 5
	}
	want, _ := Alpha(hand, AlphaOptions{})
	check(t, "keyed alpha", keyed.RawAlpha, want.RawAlpha, 1e-12)
	check(t, "keyed mean", keyed.Mean, want.Mean, 1e-12)
	if !keyed.Items[2].Reversed {
		t.Error("item 3 not marked reversed")
	}
}
