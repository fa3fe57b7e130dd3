package reliability

import (
	"math"
	"testing"

	"github.com/alliance-research/alliance/analysis/internal/golden"
)

type iccGolden struct {
	Cases []struct {
		Name       string       `json:"name"`
		Data       [][]*float64 `json:"data"`
		DataWithNA [][]*float64 `json:"data_with_na"`
		NObs       int          `json:"n_obs"`
		NJudge     int          `json:"n_judge"`
		MSB        float64      `json:"MSB"`
		MSJ        float64      `json:"MSJ"`
		MSE        float64      `json:"MSE"`
		MSW        float64      `json:"MSW"`
		Type       []string     `json:"type"`
		ICC        []float64    `json:"icc"`
		F          []float64    `json:"F"`
		DF1        []float64    `json:"df1"`
		DF2        []float64    `json:"df2"`
		P          []float64    `json:"p"`
		Lower      []float64    `json:"lower"`
		Upper      []float64    `json:"upper"`
	} `json:"cases"`
}

// TestICCGolden compares ICC with psych::ICC(x, lmer = FALSE) 2.2.9 on the
// Shrout & Fleiss (1979) ratings and simulated ratings (golden
// reliability_icc.json). The case with missing ratings is run through
// DropIncomplete and compared with psych on na.omit(x).
func TestICCGolden(t *testing.T) {
	var g iccGolden
	if err := golden.Load("reliability_icc.json", &g); err != nil {
		t.Fatal(err)
	}
	for _, c := range g.Cases {
		t.Run(c.Name, func(t *testing.T) {
			data := nanRows(c.Data)
			opt := ICCOptions{}
			dropped := 0
			if c.DataWithNA != nil {
				data = nanRows(c.DataWithNA)
				if _, err := ICC(data, opt); err == nil {
					t.Error("missing ratings without DropIncomplete: no error")
				}
				opt.DropIncomplete = true
				dropped = len(data) - c.NObs
			}
			res, err := ICC(data, opt)
			if err != nil {
				t.Fatal(err)
			}
			if res.NObs != c.NObs || res.NJudge != c.NJudge || res.Dropped != dropped {
				t.Errorf("n = %d, judges = %d, dropped = %d; want %d, %d, %d", res.NObs, res.NJudge, res.Dropped, c.NObs, c.NJudge, dropped)
			}
			check(t, "MSB", res.MSB, c.MSB, 1e-10)
			check(t, "MSJ", res.MSJ, c.MSJ, 1e-10)
			check(t, "MSE", res.MSE, c.MSE, 1e-10)
			check(t, "MSW", res.MSW, c.MSW, 1e-10)
			for i, r := range res.Rows {
				if r.Type != c.Type[i] {
					t.Fatalf("row %d type %s, want %s", i, r.Type, c.Type[i])
				}
				check(t, r.Type+" icc", r.ICC, c.ICC[i], 1e-10)
				check(t, r.Type+" F", r.F, c.F[i], 1e-10)
				check(t, r.Type+" df1", r.DF1, c.DF1[i], 0)
				check(t, r.Type+" df2", r.DF2, c.DF2[i], 0)
				// p relative to itself: p values can be tiny.
				if math.Abs(r.P-c.P[i]) > 1e-8*c.P[i] {
					t.Errorf("%s p = %g, want %g", r.Type, r.P, c.P[i])
				}
				check(t, r.Type+" lower", r.Lower, c.Lower[i], 1e-8)
				check(t, r.Type+" upper", r.Upper, c.Upper[i], 1e-8)
			}
		})
	}
}

func TestICCDegenerate(t *testing.T) {
	bad := map[string][][]float64{
		"one rater":   {{1}, {2}, {3}},
		"one target":  {{1, 2, 3}},
		"constant":    {{2, 2}, {2, 2}, {2, 2}},
		"all missing": {{math.NaN(), math.NaN()}, {math.NaN(), math.NaN()}},
		"empty":       nil,
	}
	for name, x := range bad {
		if _, err := ICC(x, ICCOptions{DropIncomplete: true}); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	// Perfect agreement: every single-rater and average form is 1.
	res, err := ICC([][]float64{{1, 1, 1}, {3, 3, 3}, {2, 2, 2}, {5, 5, 5}}, ICCOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res.Rows {
		if r.ICC != 1 || r.P != 0 || !math.IsInf(r.F, 1) || r.Lower != 1 || r.Upper != 1 {
			t.Errorf("perfect agreement %s: %+v", r.Type, r)
		}
	}
}

// TestICCRaterOffset: raters that differ only by a constant have MSE = 0,
// so consistency is perfect (ICC3 = 1) but absolute agreement is not. By
// hand for {1,2},{3,4},{2,3}: MSB = 2, MSJ = 1.5, so
// ICC2 = 2/(2 + 2·1.5/3) = 2/3 and ICC2k = 2/(2 + 1.5/3) = 0.8.
func TestICCRaterOffset(t *testing.T) {
	res, err := ICC([][]float64{{1, 2}, {3, 4}, {2, 3}}, ICCOptions{})
	if err != nil {
		t.Fatal(err)
	}
	check(t, "ICC2", res.Rows[1].ICC, 2.0/3, 1e-14)
	check(t, "ICC3", res.Rows[2].ICC, 1, 1e-14)
	check(t, "ICC2k", res.Rows[4].ICC, 0.8, 1e-14)
	for _, i := range []int{1, 4} {
		r := res.Rows[i]
		if !(r.Lower <= r.ICC && r.ICC <= r.Upper) || math.IsNaN(r.Lower) || math.IsNaN(r.Upper) {
			t.Errorf("%s interval [%v, %v] does not hold %v", r.Type, r.Lower, r.Upper, r.ICC)
		}
	}
}
