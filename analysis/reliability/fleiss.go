package reliability

import (
	"math"
	"sort"

	"github.com/alliance-research/alliance/analysis/errs"
)

// FleissCategory is the agreement on one category.
type FleissCategory struct {
	Category float64 `json:"category"`
	// Prop is the share p_j of all ratings in this category.
	Prop float64 `json:"prop"`
	// Kappa is the category's kappa, 1 − Σ_i n_ij(n − n_ij)/(N n (n−1) p_j q_j);
	// Z = Kappa/SE0 with SE0 = sqrt(2/(N n (n−1))) and P its two-sided
	// p value (Fleiss, Nee & Landis 1979).
	Kappa float64 `json:"kappa"`
	Z     float64 `json:"z"`
	P     float64 `json:"p"`
}

// FleissResult is the output of FleissKappa.
type FleissResult struct {
	// NUnits units rated by NRaters raters each, after Dropped units with a
	// missing rating.
	NUnits  int `json:"subjects"`
	NRaters int `json:"raters"`
	Dropped int `json:"dropped"`
	// PObserved is the mean agreement P̄ over units, PExpected the chance
	// agreement P̄e = Σ p_j².
	PObserved float64 `json:"p_observed"`
	PExpected float64 `json:"p_expected"`
	// Kappa is Fleiss' kappa, (P̄ − P̄e)/(1 − P̄e).
	Kappa float64 `json:"kappa"`
	// SE0 is the standard error of Kappa under the null hypothesis of
	// chance agreement (Fleiss, Nee & Landis 1979):
	// sqrt(2/(N n (n−1))) · sqrt((Σ p_j q_j)² − Σ p_j q_j (q_j − p_j)) / Σ p_j q_j.
	// Z = Kappa/SE0, P its two-sided p value.
	SE0 float64 `json:"se0"`
	Z   float64 `json:"z"`
	P   float64 `json:"p"`
	// Categories holds the per-category kappas, in increasing order.
	Categories []FleissCategory `json:"categories"`
}

// FleissKappa computes Fleiss' (1971) kappa for ratings (rows = units,
// columns = raters, values = category codes) by a fixed number of raters
// per unit; raters need not be the same people across units. Units with a
// missing rating (NaN) are dropped and counted, as irr::kappam.fleiss does
// with na.omit. With N units, n raters, n_ij the number of raters putting
// unit i in category j and p_j = Σ_i n_ij/(N n):
//
//	P_i = (Σ_j n_ij² − n)/(n(n − 1)),  P̄ = mean P_i,  P̄e = Σ_j p_j²,
//	κ = (P̄ − P̄e)/(1 − P̄e).
//
// Fewer than two raters or units, or a single category used by everyone,
// are errors.
func FleissKappa(ratings [][]float64) (FleissResult, error) {
	var res FleissResult
	_, n, err := checkRect(ratings, "Fleiss' kappa")
	if err != nil {
		return res, err
	}
	if n < 2 {
		return res, errs.New(errs.TooFew, "reliability: Fleiss' kappa", "%d rater (column); need at least 2", n)
	}
	idx := map[float64]int{}
	var cats []float64
	var rows [][]float64
	for _, row := range ratings {
		ok := true
		for _, v := range row {
			if math.IsNaN(v) {
				ok = false
				break
			}
		}
		if !ok {
			res.Dropped++
			continue
		}
		rows = append(rows, row)
		for _, v := range row {
			if _, seen := idx[v]; !seen {
				idx[v] = 0
				cats = append(cats, v)
			}
		}
	}
	N := len(rows)
	if N < 2 {
		return res, errs.New(errs.TooFew, "reliability: Fleiss' kappa", "%d complete unit(s); need at least 2", N)
	}
	sort.Float64s(cats)
	for j, c := range cats {
		idx[c] = j
	}
	K := len(cats)
	if K < 2 {
		return res, errs.New(errs.Singular, "reliability: Fleiss' kappa", "every rating is %v; kappa is undefined without a second category", cats[0])
	}
	fn, fN := float64(n), float64(N)
	colSum := make([]float64, K)
	disagree := make([]float64, K) // Σ_i n_ij (n − n_ij)
	counts := make([]float64, K)
	var sumP float64
	for _, row := range rows {
		for j := range counts {
			counts[j] = 0
		}
		for _, v := range row {
			counts[idx[v]]++
		}
		var s2 float64
		for j, c := range counts {
			s2 += c * c
			colSum[j] += c
			disagree[j] += c * (fn - c)
		}
		sumP += (s2 - fn) / (fn * (fn - 1))
	}
	res.NUnits, res.NRaters = N, n
	res.PObserved = sumP / fN
	var pe, spq, spqqp float64
	p := make([]float64, K)
	for j := range p {
		p[j] = colSum[j] / (fN * fn)
		q := 1 - p[j]
		pe += p[j] * p[j]
		spq += p[j] * q
		spqqp += p[j] * q * (q - p[j])
	}
	res.PExpected = pe
	res.Kappa = (res.PObserved - pe) / (1 - pe)
	base := math.Sqrt(2 / (fN * fn * (fn - 1)))
	res.SE0 = base * math.Sqrt(spq*spq-spqqp) / spq
	res.Z = res.Kappa / res.SE0
	res.P = 2 * normUpper(math.Abs(res.Z))
	res.Categories = make([]FleissCategory, K)
	for j, c := range cats {
		kj := 1 - disagree[j]/(fN*fn*(fn-1)*p[j]*(1-p[j]))
		z := kj / base
		res.Categories[j] = FleissCategory{Category: c, Prop: p[j], Kappa: kj, Z: z, P: 2 * normUpper(math.Abs(z))}
	}
	return res, nil
}

// normUpper is the standard normal upper tail P(Z > z).
func normUpper(z float64) float64 { return 0.5 * math.Erfc(z/math.Sqrt2) }
