package reliability

import (
	"math"
	"sort"

	"github.com/alliance-research/alliance/analysis/errs"
	"github.com/alliance-research/alliance/analysis/internal/wald"
)

// KappaOptions controls CohenKappa and CohenKappaTable.
type KappaOptions struct {
	// Level is the confidence level; 0 means 0.95 (psych's alpha = 0.05).
	Level float64
	// Levels lists the categories in order, so that categories neither
	// rater used still count in the weights. nil uses the distinct values
	// observed, sorted numerically. (psych sorts them as strings, which
	// orders 10 before 2; give Levels to psych to reproduce ours.)
	Levels []float64
}

// KappaEstimate is one kappa with its variance and interval.
type KappaEstimate struct {
	Kappa float64 `json:"kappa"`
	// Var is the large-sample variance as psych::cohen.kappa computes it
	// (see CohenKappa); SE = sqrt(Var).
	Var float64 `json:"var"`
	SE  float64 `json:"se"`
	// Lower and Upper are Kappa ∓ z·SE, clipped to [−1, 1] as psych does.
	Lower float64 `json:"lower"`
	Upper float64 `json:"upper"`
	// VarFCE is the variance by Fleiss, Cohen & Everitt (1969, eq. 8) as
	// published. It equals Var for unweighted kappa; for weighted kappa
	// psych's formula differs (see CohenKappa) and VarFCE is the one the
	// paper gives.
	VarFCE float64 `json:"var_fce"`
}

// CohenResult is the output of CohenKappa.
type CohenResult struct {
	// N is the number of rated units (pairs with both ratings); Dropped the
	// pairs left out because a rating was missing.
	N       float64 `json:"n_obs"`
	Dropped int     `json:"dropped"`
	// Levels are the categories, in the order of Table's rows and columns.
	Levels []float64 `json:"levels"`
	// Table holds the counts, rows rater 1, columns rater 2.
	Table [][]float64 `json:"table"`
	// Agreement is the observed proportion of agreement p_o, Expected the
	// chance agreement p_c = Σ p_i. p_.i.
	Agreement float64 `json:"agreement"`
	Expected  float64 `json:"expected"`
	Level     float64 `json:"level"`
	// Unweighted is Cohen's (1960) kappa; Linear and Quadratic are weighted
	// kappas (Cohen 1968) with agreement weights 1 − |i−j|/(L−1) and
	// 1 − (i−j)²/(L−1)², i and j the category ranks among L levels.
	// psych's default weighted kappa is Quadratic.
	Unweighted KappaEstimate `json:"unweighted"`
	Linear     KappaEstimate `json:"linear"`
	Quadratic  KappaEstimate `json:"quadratic"`
}

// CohenKappa computes Cohen's kappa for two raters' ratings r1 and r2 of the
// same units (NaN = missing; units missing either rating are dropped and
// counted). See CohenKappaTable for the formulas.
func CohenKappa(r1, r2 []float64, opt KappaOptions) (CohenResult, error) {
	var res CohenResult
	if len(r1) != len(r2) {
		return res, errs.New(errs.InvalidOption, "reliability: kappa", "rater 1 has %d ratings, rater 2 has %d (give both raters' rating of every unit)", len(r1), len(r2))
	}
	levels := opt.Levels
	if levels == nil {
		seen := map[float64]bool{}
		for i := range r1 {
			if math.IsNaN(r1[i]) || math.IsNaN(r2[i]) {
				continue
			}
			seen[r1[i]] = true
			seen[r2[i]] = true
		}
		for v := range seen {
			levels = append(levels, v)
		}
		sort.Float64s(levels)
	}
	idx := make(map[float64]int, len(levels))
	for i, v := range levels {
		if _, dup := idx[v]; dup {
			return res, errs.New(errs.InvalidOption, "reliability: kappa", "level %v listed twice", v)
		}
		idx[v] = i
	}
	L := len(levels)
	table := make([][]float64, L)
	for i := range table {
		table[i] = make([]float64, L)
	}
	dropped := 0
	for u := range r1 {
		a, b := r1[u], r2[u]
		if math.IsNaN(a) || math.IsNaN(b) {
			dropped++
			continue
		}
		ia, oka := idx[a]
		ib, okb := idx[b]
		if !oka || !okb {
			bad := a
			if oka {
				bad = b
			}
			return res, errs.Inputf("reliability: kappa", 0, "unit %d: rating %v is not one of the levels %v", u+1, bad, levels)
		}
		table[ia][ib]++
	}
	res, err := CohenKappaTable(table, KappaOptions{Level: opt.Level, Levels: levels})
	res.Dropped = dropped
	return res, err
}

// CohenKappaTable computes Cohen's kappa from an L×L table of counts (rows
// rater 1, columns rater 2, categories in order), as psych::cohen.kappa
// 2.2.9. With proportions p_ij, margins p_i. and p_.j, and agreement weights
// w_ij (the identity for unweighted kappa):
//
//	p_o = Σ w_ij p_ij,  p_c = Σ w_ij p_i. p_.j,  κ = (p_o − p_c)/(1 − p_c)
//
//	Var κ = [Σ_ij p_ij (w_ij(1 − p_c) − (a_i + b_j)(1 − p_o))²
//	         − (p_o p_c − 2p_c + p_o)²] / (N (1 − p_c)⁴)
//
// This is Fleiss, Cohen & Everitt (1969) with a_i = Σ_k w_ik p_.k and
// b_j = Σ_k w_kj p_k.; that is VarFCE. psych 2.2.9 computes b_j as
// p_j. Σ_k w_jk instead (the weights scaled by the margin rather than
// averaged over it); for unweighted kappa both are the same, for weighted
// kappa they differ, and Var (hence SE and the interval) follows psych.
func CohenKappaTable(counts [][]float64, opt KappaOptions) (CohenResult, error) {
	var res CohenResult
	L := len(counts)
	if L < 2 {
		return res, errs.New(errs.Singular, "reliability: kappa", "%d category; kappa needs at least 2 (the raters may agree perfectly on one category: kappa is undefined then)", L)
	}
	if opt.Levels != nil && len(opt.Levels) != L {
		return res, errs.New(errs.InvalidOption, "reliability: kappa", "%d levels for a %d×%d table", len(opt.Levels), L, L)
	}
	level := opt.Level
	if level == 0 {
		level = 0.95
	}
	if !(level > 0 && level < 1) {
		return res, errs.New(errs.InvalidOption, "reliability: kappa", "confidence level %v is not in (0, 1)", level)
	}
	var n float64
	for i, row := range counts {
		if len(row) != L {
			return res, errs.New(errs.InvalidOption, "reliability: kappa", "table row %d has %d counts; the table must be %d×%d", i+1, len(row), L, L)
		}
		for j, v := range row {
			if !(v >= 0) || math.IsInf(v, 0) {
				return res, errs.New(errs.InvalidOption, "reliability: kappa", "table cell (%d, %d) is %v; counts must be finite and non-negative", i+1, j+1, v)
			}
			n += v
		}
	}
	if n == 0 {
		return res, errs.New(errs.TooFew, "reliability: kappa", "no rated units")
	}
	p := make([][]float64, L)
	rs := make([]float64, L)
	cs := make([]float64, L)
	for i := range p {
		p[i] = make([]float64, L)
		for j := range p[i] {
			p[i][j] = counts[i][j] / n
			rs[i] += p[i][j]
			cs[j] += p[i][j]
		}
	}
	res.N, res.Level = n, level
	res.Table = counts
	res.Levels = opt.Levels
	if res.Levels == nil {
		res.Levels = make([]float64, L)
		for i := range res.Levels {
			res.Levels[i] = float64(i + 1)
		}
	}
	z := wald.Normal(level).Crit()
	d := float64(L - 1)
	weights := []func(i, j int) float64{
		func(i, j int) float64 {
			if i == j {
				return 1
			}
			return 0
		},
		func(i, j int) float64 { return 1 - math.Abs(float64(i-j))/d },
		func(i, j int) float64 { return 1 - float64((i-j)*(i-j))/(d*d) },
	}
	var est [3]KappaEstimate
	for m, w := range weights {
		var po, pc float64
		a := make([]float64, L)
		bPsych := make([]float64, L)
		bFCE := make([]float64, L)
		for i := 0; i < L; i++ {
			var wsum float64
			for j := 0; j < L; j++ {
				po += w(i, j) * p[i][j]
				pc += w(i, j) * rs[i] * cs[j]
				a[i] += w(i, j) * cs[j]
				bFCE[i] += w(j, i) * rs[j]
				wsum += w(i, j)
			}
			bPsych[i] = rs[i] * wsum
		}
		if m == 0 {
			res.Agreement, res.Expected = po, pc
		}
		if pc >= 1 {
			return res, errs.New(errs.Singular, "reliability: kappa", "chance agreement is 1 (both raters used a single category); kappa is undefined")
		}
		k := (po - pc) / (1 - pc)
		variance := func(b []float64) float64 {
			var s float64
			for i := 0; i < L; i++ {
				for j := 0; j < L; j++ {
					t := w(i, j)*(1-pc) - (a[i]+b[j])*(1-po)
					s += p[i][j] * t * t
				}
			}
			c := po*pc - 2*pc + po
			v := (s - c*c) / (n * math.Pow(1-pc, 4))
			if v < 0 || math.IsNaN(v) {
				v = 0 // psych flags the table as "bad" and uses 0
			}
			return v
		}
		e := KappaEstimate{Kappa: k, Var: variance(bPsych), VarFCE: variance(bFCE)}
		e.SE = math.Sqrt(e.Var)
		e.Lower = math.Max(-1, k-z*e.SE)
		e.Upper = math.Min(1, k+z*e.SE)
		est[m] = e
	}
	res.Unweighted, res.Linear, res.Quadratic = est[0], est[1], est[2]
	return res, nil
}
