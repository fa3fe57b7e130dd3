package reliability

import (
	"math"
	"testing"

	"github.com/alliance-research/alliance/analysis/internal/golden"
	"gonum.org/v1/gonum/mat"
)

type omegaCase struct {
	Name            string      `json:"name"`
	NFactors        int         `json:"nfactors"`
	Dataset         *string     `json:"dataset"`
	R               [][]float64 `json:"r"`
	NObs            *int        `json:"n_obs"`
	FALoadings      [][]float64 `json:"fa_loadings"`
	FACommunalities []float64   `json:"fa_communalities"`
	Orthog          [][]float64 `json:"orthog"`
	SL              [][]float64 `json:"sl"`
	Key             []float64   `json:"key"`
	OmegaH          float64     `json:"omega_h"`
	OmegaLim        float64     `json:"omega_lim"`
	Alpha           float64     `json:"alpha"`
	OmegaTot        float64     `json:"omega_tot"`
	G6              float64     `json:"G6"`
	ECV             float64     `json:"ECV"`
	GroupTotal      []*float64  `json:"group_total"`
	GroupGeneral    []*float64  `json:"group_general"`
	GroupGroup      []*float64  `json:"group_group"`
	Oblique         [][]float64 `json:"oblique"`
	Phi             [][]float64 `json:"phi"`
	GLoading        []float64   `json:"gloading"`
	FAOblimin       [][]float64 `json:"fa_oblimin"`
	FAObliminPhi    [][]float64 `json:"fa_oblimin_phi"`
	ObliminTight    [][]float64 `json:"oblimin_tight"`
	ObliminTightPhi [][]float64 `json:"oblimin_tight_phi"`
}

type omegaGolden struct {
	Datasets map[string][][]*float64 `json:"datasets"`
	Cases    []omegaCase             `json:"cases"`
}

func loadOmegaGolden(t *testing.T) omegaGolden {
	t.Helper()
	var g omegaGolden
	if err := golden.Load("reliability_omega.json", &g); err != nil {
		t.Fatal(err)
	}
	return g
}

// Tolerances against psych (absolute; all quantities are at most 1 in
// size). psych stops its optimisers early (optim's L-BFGS-B default factr
// for the minres uniquenesses, GPArotation's eps = 1e-5 for oblimin), so
// loadings agree to its stopping rule; the issue asks for 1e-3. The
// comments give the largest difference measured over all cases.
const (
	tolOmega    = 1e-5 // omega_total, omega_h, omega_lim, ECV (reached: 1.4e-6)
	tolGroup    = 5e-5 // subscale omegas (reached: 1.1e-5)
	tolLoadings = 1e-4 // loadings of every step (reached: 1.7e-5)
	tolRotation = 1e-6 // oblimin alone, against GPArotation at eps = 1e-8
)

func checkMatrix(t *testing.T, what string, got, want [][]float64, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d rows, want %d", what, len(got), len(want))
	}
	worst := 0.0
	for i := range want {
		if len(got[i]) != len(want[i]) {
			t.Fatalf("%s: row %d has %d columns, want %d", what, i+1, len(got[i]), len(want[i]))
		}
		for j := range want[i] {
			worst = math.Max(worst, math.Abs(got[i][j]-want[i][j]))
		}
	}
	if worst > tol {
		t.Errorf("%s: largest difference %.3g > %g", what, worst, tol)
	}
}

func checkVec(t *testing.T, what string, got, want []float64, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	for i := range want {
		check(t, what+"["+itoa(i)+"]", got[i], want[i], tol)
	}
}

func itoa(i int) string {
	const d = "0123456789"
	if i < 10 {
		return d[i : i+1]
	}
	return itoa(i/10) + d[i%10:i%10+1]
}

// TestOmegaGolden compares Omega / OmegaCorr, FactorAnalysis, Schmid and
// Oblimin with psych::omega, psych::fa and GPArotation::oblimin (golden
// reliability_omega.json): bfi's 25 items (raw data with missing values,
// pairwise correlations) with 1, 3 and 5 factors, psych's Thurstone
// correlation matrix, and a simulated bifactor data set with 2 and 3
// factors.
func TestOmegaGolden(t *testing.T) {
	g := loadOmegaGolden(t)
	for _, c := range g.Cases {
		t.Run(c.Name, func(t *testing.T) {
			var res OmegaResult
			var err error
			var corr [][]float64
			opt := OmegaOptions{NFactors: c.NFactors}
			if c.Dataset != nil {
				x := nanRows(g.Datasets[*c.Dataset])
				res, err = Omega(x, opt)
				if res.NObs != len(x) {
					t.Errorf("n_obs = %d, want %d", res.NObs, len(x))
				}
				cm, cerr := pairwiseCor(x, seq(len(x[0])))
				if cerr != nil {
					t.Fatal(cerr)
				}
				corr = denseRows(cm)
			} else {
				opt.NObs = *c.NObs
				res, err = OmegaCorr(c.R, opt)
				corr = c.R
			}
			if err != nil {
				t.Fatal(err)
			}
			check(t, "omega_total", res.OmegaTotal, c.OmegaTot, tolOmega)
			check(t, "omega_h", res.OmegaH, c.OmegaH, tolOmega)
			check(t, "omega_lim", res.OmegaLim, c.OmegaLim, tolOmega)
			check(t, "alpha", res.Alpha, c.Alpha, 1e-12)
			check(t, "G6", res.G6, c.G6, 1e-10)
			check(t, "ECV", res.ECV, c.ECV, tolOmega)
			checkVec(t, "key", res.Key, c.Key, 0)
			for f, grp := range res.Groups {
				if c.GroupTotal[f] == nil {
					if len(grp.Items) != 0 {
						t.Errorf("group %s: psych has NA, we have %d items", grp.Name, len(grp.Items))
					}
					continue
				}
				check(t, "group total "+grp.Name, grp.Total, *c.GroupTotal[f], tolGroup)
				check(t, "group general "+grp.Name, grp.General, *c.GroupGeneral[f], tolGroup)
				check(t, "group group "+grp.Name, grp.Group, *c.GroupGroup[f], tolGroup)
			}
			// The Schmid-Leiman matrix: g, F1*..Fm*, h2, u2, p2.
			sl := make([][]float64, len(res.Schmid.G))
			for i := range sl {
				sl[i] = append([]float64{res.Schmid.G[i]}, res.Schmid.Group[i]...)
				sl[i] = append(sl[i], res.Schmid.H2[i], res.Schmid.U2[i], res.Schmid.P2[i])
			}
			checkMatrix(t, "sl", sl, c.SL, tolLoadings)
			checkMatrix(t, "orthog", res.Schmid.Orthogonal, c.Orthog, tolLoadings)
			if c.NFactors > 1 {
				checkMatrix(t, "oblique", res.Schmid.Oblique, c.Oblique, tolLoadings)
				checkMatrix(t, "phi", res.Schmid.Phi, c.Phi, tolLoadings)
				checkVec(t, "gloading", res.Schmid.GLoadings, c.GLoading, tolLoadings)
			}

			// Unrotated minres.
			fa, err := FactorAnalysis(corr, FAOptions{NFactors: c.NFactors, Rotation: RotateNone})
			if err != nil {
				t.Fatal(err)
			}
			checkMatrix(t, "fa loadings", fa.Loadings, c.FALoadings, tolLoadings)
			checkVec(t, "fa communalities", fa.Communalities, c.FACommunalities, tolLoadings)

			// psych::fa's default rotation (oblimin, reflected and sorted).
			if c.NFactors > 1 {
				fo, err := FactorAnalysis(corr, FAOptions{NFactors: c.NFactors})
				if err != nil {
					t.Fatal(err)
				}
				checkMatrix(t, "fa oblimin", fo.Loadings, c.FAOblimin, tolLoadings)
				checkMatrix(t, "fa oblimin Phi", fo.Phi, c.FAObliminPhi, tolLoadings)
			}

			// Oblimin alone from psych's varimax loadings, against
			// GPArotation converged to eps = 1e-8.
			if c.NFactors > 1 {
				ob, err := Oblimin(mat.NewDense(len(c.Orthog), c.NFactors, flatten(c.Orthog)), 0)
				if err != nil {
					t.Fatal(err)
				}
				checkMatrix(t, "oblimin", denseRows(ob.Loadings), c.ObliminTight, tolRotation)
				checkMatrix(t, "oblimin phi", denseRows(ob.Phi), c.ObliminTightPhi, tolRotation)
			}
		})
	}
}

func seq(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}
