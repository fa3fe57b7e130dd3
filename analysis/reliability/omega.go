package reliability

import (
	"fmt"
	"math"

	"github.com/alliance-research/alliance/analysis/errs"
	"gonum.org/v1/gonum/mat"
)

// OmegaOptions controls Omega and OmegaCorr.
type OmegaOptions struct {
	// NFactors is the number of group factors; 0 means 3 (psych::omega's
	// default). With 1, only OmegaTotal is meaningful: it is omega total of
	// a one-factor minres model, and OmegaH is the same model's (Σλ)²/V_t.
	NFactors int
	// NObs is the number of persons behind a correlation matrix given to
	// OmegaCorr; it is only reported (Omega counts the rows itself).
	NObs int
}

// OmegaGroup holds the omegas of the general factor (Name "g") or of the
// items that load most on one group factor (Name "F1*", "F2*", ...), as
// psych's omega.group.
type OmegaGroup struct {
	Name string `json:"name"`
	// Items are the 0-based items whose largest group loading (in absolute
	// value) is on this factor; all items for g.
	Items []int `json:"items"`
	// Total = ((Σ s)² + (Σ g)²)/V, General = (Σ g)²/V and Group = (Σ s)²/V,
	// sums over Items of the group loadings s and the g loadings, V the sum
	// of the (reflected) correlations among Items. For g: Total is
	// OmegaTotal, General is OmegaH and Group is Σ_f (Σ s_f)² / V_t. When
	// no item loads most on a group factor, Items is empty and the three
	// omegas are 0 (psych reports NA).
	Total   float64 `json:"total"`
	General float64 `json:"general"`
	Group   float64 `json:"group"`
}

// OmegaResult is the output of Omega and OmegaCorr.
type OmegaResult struct {
	// OmegaTotal is McDonald's omega total, (V_t − Σ u²)/V_t, V_t the sum
	// of all entries of the (reflected) correlation matrix and u² the
	// uniquenesses (psych's omega.tot).
	OmegaTotal float64 `json:"omega_total"`
	// OmegaH is omega hierarchical, (Σ g_i)²/V_t (psych's omega_h).
	OmegaH float64 `json:"omega_h"`
	// OmegaLim is the asymptotic omega hierarchical, (Σ g_i)²/(V_t − Σ u²)
	// (psych's omega.lim).
	OmegaLim float64 `json:"omega_lim"`
	// Alpha is standardized alpha of the reflected items,
	// k/(k−1)·(V_t − k)/V_t, and G6 Guttman's lambda 6,
	// (V_t + Σ smc − k)/V_t.
	Alpha float64 `json:"alpha"`
	G6    float64 `json:"G6"`
	// ECV is the explained common variance of g: Σg²/(Σg² + ΣΣs²).
	ECV float64 `json:"ECV"`
	// Key is +1 or −1 per item: psych reflects items with a negative g
	// loading before computing V_t (flip = TRUE).
	Key []float64 `json:"key"`
	// Groups: g first, then one entry per group factor.
	Groups   []OmegaGroup `json:"omega_group"`
	NFactors int          `json:"nfactors"`
	NVar     int          `json:"nvar"`
	NObs     int          `json:"n_obs"`
	// Schmid is the Schmid–Leiman solution the omegas come from, with items
	// already reflected by Key (as psych's omega$schmid$sl).
	Schmid SchmidResult `json:"schmid"`
}

// Omega computes McDonald's (1999) omega total and omega hierarchical of the
// items (columns) of x, as psych::omega(x, nfactors) 2.2.9 with its
// defaults: the Pearson correlations of x from pairwise-complete rows,
// minres factor analysis with nfactors factors, oblimin rotation, a
// second-order general factor and the Schmid–Leiman transformation (see
// Schmid). Items with a negative general-factor loading are reflected
// (Key); then, with V_t the sum of the reflected correlation matrix, g the
// general and s the group loadings and u² the uniquenesses,
//
//	ω_t = (V_t − Σ u²)/V_t,   ω_h = (Σ g)²/V_t,   ω_lim = (Σ g)²/(V_t − Σ u²).
//
// Missing values are NaN; correlations use pairwise-complete rows, as R's
// cor(x, use = "pairwise"). A constant item is an error (its correlations
// are undefined). The numbers match psych to about 1e-5: psych's optimisers
// (optim's L-BFGS-B for minres, GPArotation with eps = 1e-5) stop before
// ours.
//
// References: McDonald (1999) Test theory, ch. 6; Zinbarg, Revelle, Yovel
// & Li (2005) Psychometrika 70; Revelle & Zinbarg (2009) Psychometrika 74;
// Schmid & Leiman (1957).
func Omega(x [][]float64, opt OmegaOptions) (OmegaResult, error) {
	var res OmegaResult
	n, k, err := checkRect(x, "omega")
	if err != nil {
		return res, err
	}
	if k < 2 {
		return res, errs.New(errs.TooFew, "reliability: omega", "%d item; omega needs at least 2", k)
	}
	cols := make([]int, k)
	for j := range cols {
		cols[j] = j
	}
	r, err := pairwiseCor(x, cols)
	if err != nil {
		return res, fmt.Errorf("reliability: omega: %w", err)
	}
	opt.NObs = n
	return omegaCore(r, opt)
}

// OmegaCorr is Omega for a correlation matrix r (a covariance matrix is
// scaled to correlations first, as psych does).
func OmegaCorr(r [][]float64, opt OmegaOptions) (OmegaResult, error) {
	s, err := corrInput(r, "omega")
	if err != nil {
		return OmegaResult{}, err
	}
	return omegaCore(s, opt)
}

func omegaCore(r *mat.SymDense, opt OmegaOptions) (OmegaResult, error) {
	var res OmegaResult
	nf := opt.NFactors
	if nf == 0 {
		nf = 3
	}
	k := r.SymmetricDim()
	if nf < 1 || nf >= k {
		return res, errs.New(errs.InvalidOption, "reliability: omega", "%d factors for %d items (need 1 ≤ factors < items)", nf, k).WithHint(fmt.Sprintf("nfactors=%d", max(1, min(3, k-1)))).WithAdvice(fmt.Sprintf("try OmegaOptions.NFactors = %d", max(1, min(3, k-1))))
	}
	sl, err := schmid(r, nf)
	if err != nil {
		return res, fmt.Errorf("reliability: omega: %w", err)
	}
	// Reflect items with negative g loadings.
	key := make([]float64, k)
	for i, g := range sl.G {
		key[i] = 1
		if g < 0 {
			key[i] = -1
		}
	}
	for i := 0; i < k; i++ {
		if key[i] < 0 {
			sl.G[i] = -sl.G[i]
			for j := range sl.Group[i] {
				sl.Group[i][j] = -sl.Group[i][j]
			}
		}
	}
	var vt, tr, sumG, sumU, ssG, ssS float64
	for i := 0; i < k; i++ {
		tr += r.At(i, i)
		for j := 0; j < k; j++ {
			vt += key[i] * key[j] * r.At(i, j)
		}
		sumG += sl.G[i]
		sumU += sl.U2[i]
		ssG += sl.G[i] * sl.G[i]
		for _, s := range sl.Group[i] {
			ssS += s * s
		}
	}
	sm, err := smc(r)
	if err != nil {
		return res, fmt.Errorf("reliability: omega: %w", err)
	}
	var sumSMC float64
	for _, v := range sm {
		sumSMC += v
	}
	fk := float64(k)
	res.OmegaTotal = (vt - sumU) / vt
	res.OmegaH = sumG * sumG / vt
	res.OmegaLim = sumG * sumG / (vt - sumU)
	res.Alpha = (vt - tr) / vt * fk / (fk - 1)
	res.G6 = (vt + sumSMC - tr) / vt
	res.ECV = ssG / (ssG + ssS)
	res.Key = key
	res.NFactors, res.NVar, res.NObs = nf, k, opt.NObs
	res.Schmid = sl

	// Subscale omegas: items grouped by their largest group loading.
	all := make([]int, k)
	members := make([][]int, nf)
	for i := 0; i < k; i++ {
		all[i] = i
		best := 0
		for j := 1; j < nf; j++ {
			if math.Abs(sl.Group[i][j]) > math.Abs(sl.Group[i][best]) {
				best = j
			}
		}
		members[best] = append(members[best], i)
	}
	res.Groups = make([]OmegaGroup, nf+1)
	var grs float64
	for f := 0; f < nf; f++ {
		og := OmegaGroup{Name: fmt.Sprintf("F%d*", f+1), Items: members[f]}
		if len(members[f]) == 0 {
			res.Groups[f+1] = og
			continue
		}
		var v, gr, gg float64
		for _, a := range members[f] {
			gr += sl.Group[a][f]
			gg += sl.G[a]
			for _, b := range members[f] {
				v += key[a] * key[b] * r.At(a, b)
			}
		}
		grs += gr * gr
		og.Total = (gr*gr + gg*gg) / v
		og.General = gg * gg / v
		og.Group = gr * gr / v
		res.Groups[f+1] = og
	}
	res.Groups[0] = OmegaGroup{Name: "g", Items: all, Total: res.OmegaTotal, General: res.OmegaH, Group: grs / vt}
	return res, nil
}
