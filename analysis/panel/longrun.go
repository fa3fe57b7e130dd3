package panel

import (
	"fmt"
	"math"

	"github.com/alliance-research/alliance/analysis/internal/wald"
)

// LongRunEffect is a long-run (cumulative) effect of a stationary lagged
// model with its delta-method standard error and Wald inference.
type LongRunEffect struct {
	From     string  `json:"from"`
	To       string  `json:"to"`
	Estimate float64 `json:"estimate"`
	SE       float64 `json:"se"`
	Z        float64 `json:"z"`
	P        float64 `json:"p"`
	CILB     float64 `json:"ci_lb"`
	CIUB     float64 `json:"ci_ub"`
}

// NonStationaryError says that the lagged process is not stationary (the
// spectral radius of its lag matrix is at least 1), so that shocks do not
// die out and no long-run effect exists.
type NonStationaryError struct {
	Radius float64
}

func (e *NonStationaryError) Error() string {
	return fmt.Sprintf("panel: the lagged process is not stationary (spectral radius of the lag matrix %.3g ≥ 1): no long-run effects", e.Radius)
}

// spectralRadius is the largest eigenvalue modulus of the 2 × 2 matrix
// [[a, b], [c, d]].
func spectralRadius(a, b, c, d float64) float64 {
	tr, det := a+d, a*d-b*c
	disc := tr*tr/4 - det
	if disc < 0 {
		return math.Sqrt(det)
	}
	s := math.Sqrt(disc)
	return math.Max(math.Abs(tr/2+s), math.Abs(tr/2-s))
}

// longRunVAR is the long-run (cumulative) effect matrix of the bivariate
// VAR(1) within-person process w_t = Φ w_{t−1} + u_t, Φ = [[Φxx, Φxy],
// [Φyx, Φyy]] row-major (row: the variable at t, column: the variable at
// t − 1):
//
//	L = Σ_{k≥1} Φᵏ = (I − Φ)⁻¹ − I = (I − Φ)⁻¹ Φ,
//
// L_ij the total of the responses of variable i over all later sessions
// to a one-session unit deviation of variable j (the cumulative impulse
// response; Lütkepohl 2005, §2.3.2; the long-run effect that Falkenström
// 2024 asks for, which for the dynamic panel model is β/(1 − α), Allison,
// Williams & Moral-Benito 2017). J is its Jacobian ∂L_ij/∂Φ_kl =
// M_ik M_lj with M = (I − Φ)⁻¹ (since dL = M dΦ M), row ij, column kl.
func longRunVAR(phi [4]float64) (L [4]float64, J [16]float64, err error) {
	if r := spectralRadius(phi[0], phi[1], phi[2], phi[3]); !(r < 1) {
		return L, J, &NonStationaryError{Radius: r}
	}
	a, b, c, d := 1-phi[0], -phi[1], -phi[2], 1-phi[3]
	det := a*d - b*c
	M := [4]float64{d / det, -b / det, -c / det, a / det}
	for i := 0; i < 2; i++ {
		for j := 0; j < 2; j++ {
			L[i*2+j] = M[i*2+j]
			if i == j {
				L[i*2+j]--
			}
			for k := 0; k < 2; k++ {
				for l := 0; l < 2; l++ {
					J[(i*2+j)*4+k*2+l] = M[i*2+k] * M[l*2+j]
				}
			}
		}
	}
	return L, J, nil
}

// longRunDPM is the DPM's long-run effect of a permanent unit change of
// the predictor on the outcome, β/(1 − α) (Allison, Williams &
// Moral-Benito 2017), and its gradient (∂/∂β, ∂/∂α) = (1/(1 − α),
// β/(1 − α)²).
func longRunDPM(beta, alpha float64) (float64, [2]float64, error) {
	if !(math.Abs(alpha) < 1) {
		return 0, [2]float64{}, &NonStationaryError{Radius: math.Abs(alpha)}
	}
	return beta / (1 - alpha), [2]float64{1 / (1 - alpha), beta / ((1 - alpha) * (1 - alpha))}, nil
}

// longRun fills r.LongRun for the stationary RI-CLPM and CLPM and for the
// DPM; a non-stationary process leaves it empty with r.LongRunErr set.
func (r *Result) longRun(lags []Lag, level float64) {
	s := r.Spec
	if !s.Stationary && s.Kind != DPM {
		return
	}
	param := map[string]int{}
	for _, l := range lags {
		if _, ok := param[l.From+l.To]; !ok {
			param[l.From+l.To] = l.param
		}
	}
	est := func(key string) float64 { return r.Parameters[param[key]].Estimate }
	free := func(key string) int { return r.FreeIndex(param[key]) }
	n := len(r.Theta)
	// se is √(gᵀ V g) over the free parameters cols.
	se := func(g []float64, cols []int) float64 {
		if r.Vcov == nil {
			return math.NaN()
		}
		v := 0.0
		for a, i := range cols {
			for b, j := range cols {
				if i >= 0 && j >= 0 {
					v += g[a] * r.Vcov[i*n+j] * g[b]
				}
			}
		}
		return math.Sqrt(v)
	}
	ref := wald.Normal(level)
	row := func(from, to string, e, sd float64) LongRunEffect {
		w := ref.CoefSE(e, sd)
		return LongRunEffect{From: name(s, from), To: name(s, to), Estimate: e, SE: sd, Z: w.Statistic,
			P: w.P, CILB: w.CILB, CIUB: w.CIUB}
	}
	if s.Kind == DPM {
		o, p := s.dpmRoles()
		e, g, err := longRunDPM(est(p+o), est(o+o))
		if err != nil {
			r.LongRunErr = err
			return
		}
		r.LongRun = []LongRunEffect{row(p, o, e, se(g[:], []int{free(p + o), free(o + o)}))}
		return
	}
	// Φ row-major over (x, y): Φxx = x→x, Φxy = y→x, Φyx = x→y, Φyy.
	keys := [4]string{"xx", "yx", "xy", "yy"}
	var phi [4]float64
	cols := make([]int, 4)
	for k, key := range keys {
		phi[k], cols[k] = est(key), free(key)
	}
	L, J, err := longRunVAR(phi)
	if err != nil {
		r.LongRunErr = err
		return
	}
	vars := [2]string{"x", "y"}
	for j := 0; j < 2; j++ {
		for i := 0; i < 2; i++ {
			r.LongRun = append(r.LongRun, row(vars[j], vars[i], L[i*2+j], se(J[(i*2+j)*4:(i*2+j)*4+4], cols)))
		}
	}
}
