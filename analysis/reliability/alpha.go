package reliability

import (
	"fmt"
	"math"

	"github.com/alliance-research/alliance/analysis/errs"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distuv"
)

// AlphaOptions controls Alpha. The zero value gives psych::alpha's defaults.
type AlphaOptions struct {
	// Keys gives +1 or −1 per item (column); −1 reverses the item before
	// scoring. nil reverses nothing. Alpha never reverses items by itself
	// (psych's check.keys = TRUE): items whose loading on the first principal
	// component is negative are listed in AlphaResult.NegativeItems instead,
	// so that the user decides.
	Keys []float64
	// Cumulative makes the total score the sum of the items instead of their
	// mean (psych's cumulative = TRUE); it changes only Mean and SD.
	Cumulative bool
	// Level is the confidence level of the Feldt interval; 0 means 0.95.
	Level float64
}

// AlphaStats are the scale statistics that psych::alpha reports for the whole
// scale and again with each item deleted.
type AlphaStats struct {
	// RawAlpha is Cronbach's alpha from the covariance matrix C of k items,
	// k/(k−1) · (1 − tr C / ΣC).
	RawAlpha float64 `json:"raw_alpha"`
	// StdAlpha is alpha from the correlation matrix R, k/(k−1) · (1 − k/ΣR).
	StdAlpha float64 `json:"std_alpha"`
	// G6 is Guttman's lambda 6, 1 − (k − Σ smc_i)/ΣR, where smc_i is the
	// squared multiple correlation of item i with the others.
	G6 float64 `json:"G6_smc"`
	// AverageR is the mean inter-item correlation, (ΣR − k)/(k(k−1)).
	AverageR float64 `json:"average_r"`
	// SN is the signal-to-noise ratio k·r̄/(1 − r̄).
	SN float64 `json:"S_N"`
	// ASE is the asymptotic standard error of RawAlpha (Duhachek &
	// Iacobucci 2004), sqrt(Q/n) with
	// Q = 2k²/((k−1)²(ΣC)³) · (ΣC·(tr C² + (tr C)²) − 2 tr C · Σ(C²)).
	// nil where psych gives none (item deleted from a two-item scale, or no
	// more rows than items).
	ASE *float64 `json:"ase"`
	// VarR is the variance of the inter-item correlations; nil for a single
	// correlation (two items).
	VarR *float64 `json:"var_r"`
	// MedianR is the median inter-item correlation.
	MedianR float64 `json:"median_r"`
}

// AlphaItem holds the statistics of one item.
type AlphaItem struct {
	// Item is the 0-based column index in the input.
	Item int `json:"item"`
	// Reversed is true when the item was reversed by AlphaOptions.Keys.
	Reversed bool `json:"reversed"`
	// N is the number of non-missing responses.
	N int `json:"n"`
	// RawR is the Pearson correlation of the item with the total score
	// (pairwise complete).
	RawR float64 `json:"raw_r"`
	// StdR is the item–total correlation from R, ΣⱼR_ij / sqrt(ΣR).
	StdR float64 `json:"std_r"`
	// RCor is StdR corrected for item overlap and unreliability: R with its
	// diagonal replaced by the smcs (psych's r.cor).
	RCor float64 `json:"r_cor"`
	// RDrop is the correlation of the item with the total of the other
	// items, from C: (ΣⱼC_ij − C_ii)/sqrt(C_ii · ΣC₋ᵢ).
	RDrop float64 `json:"r_drop"`
	// Mean and SD of the item (after reversal), over non-missing responses.
	Mean float64 `json:"mean"`
	SD   float64 `json:"sd"`
	// AlphaIfDeleted are the scale statistics without this item.
	AlphaIfDeleted AlphaStats `json:"alpha_if_deleted"`
}

// AlphaResult is the output of Alpha, field for field psych::alpha's
// total, alpha.drop, item.stats and feldt.
type AlphaResult struct {
	AlphaStats
	// Mean and SD of the total score (mean of the items, or their sum when
	// Cumulative), over rows with a total.
	Mean float64 `json:"mean"`
	SD   float64 `json:"sd"`
	// FeldtLower and FeldtUpper bound RawAlpha (Feldt, Woodruff & Salih
	// 1987): 1 − (1 − α)·F_{1−p/2} and 1 − (1 − α)·F_{p/2}, F the quantiles
	// of F(n − 1, (n − 1)(k − 1)), n the number of rows, k of items.
	FeldtLower float64 `json:"feldt_lower"`
	FeldtUpper float64 `json:"feldt_upper"`
	Level      float64 `json:"level"`
	// NObs is the number of rows (all rows, as psych counts them).
	NObs int `json:"n_obs"`
	// NVar is the number of items analysed (after dropping constant ones).
	NVar int `json:"nvar"`
	// Items holds one entry per analysed item.
	Items []AlphaItem `json:"items"`
	// Dropped lists the 0-based columns that had no variance (or fewer than
	// two responses) and were left out of the analysis. As in psych they
	// still count in the total score: their constant value is added.
	Dropped []int `json:"dropped,omitempty"`
	// NegativeItems lists the 0-based columns with a negative loading on
	// the first principal component of the pairwise correlation matrix
	// (before Keys are applied): candidates for reversal. Empty if none.
	NegativeItems []int `json:"negative_items,omitempty"`
}

// alphaCore computes the psych alpha.1 statistics of covariance matrix c and
// correlation matrix r.
func alphaCore(c, r mat.Symmetric, nObs int) (AlphaStats, error) {
	k := c.SymmetricDim()
	fk := float64(k)
	var trC, sumC, trC2, sumR float64
	rowSum := make([]float64, k)
	for i := 0; i < k; i++ {
		trC += c.At(i, i)
		for j := 0; j < k; j++ {
			v := c.At(i, j)
			sumC += v
			trC2 += v * v
			rowSum[i] += v
			sumR += r.At(i, j)
		}
	}
	var sumCC float64
	for _, s := range rowSum {
		sumCC += s * s
	}
	var st AlphaStats
	st.RawAlpha = (1 - trC/sumC) * fk / (fk - 1)
	st.StdAlpha = (1 - fk/sumR) * fk / (fk - 1)
	sm, err := smc(r)
	if err != nil {
		return st, err
	}
	var sumSMC float64
	for _, v := range sm {
		sumSMC += v
	}
	st.G6 = 1 - (fk-sumSMC)/sumR
	st.AverageR = (sumR - fk) / (fk * (fk - 1))
	st.SN = fk * st.AverageR / (1 - st.AverageR)
	q := 2 * fk * fk / ((fk - 1) * (fk - 1) * sumC * sumC * sumC) *
		(sumC*(trC2+trC*trC) - 2*trC*sumCC)
	ase := math.Sqrt(q / float64(nObs))
	st.ASE = &ase
	low := make([]float64, 0, k*(k-1)/2)
	for i := 1; i < k; i++ {
		for j := 0; j < i; j++ {
			low = append(low, r.At(i, j))
		}
	}
	if len(low) > 1 {
		_, v := meanVar(low)
		st.VarR = &v
	}
	st.MedianR = median(low)
	return st, nil
}

// Alpha computes coefficient alpha and its companions for the items in the
// columns of x (rows = persons, NaN = missing), reproducing psych::alpha
// 2.2.9 with its defaults (use = "pairwise", delete = TRUE,
// check.keys = FALSE).
//
// Missing values: the covariance matrix C is computed pairwise (each entry
// from the rows observing both items); R = cov2cor(C). The total score of a
// row is the mean (or, Cumulative, the sum) of its observed items; a row
// with no observed item has no total (with Cumulative psych gives it 0,
// and so do we). Item–total correlations are pairwise complete.
// Constant items are dropped and listed in Dropped (psych warns and does the
// same).
//
// Reversed items (Keys = −1) are scored as max + min − x, with max and min
// the largest and smallest response observed anywhere in x, as psych does;
// C is reflected accordingly.
//
// Reference: Cronbach (1951); Guttman (1945) for lambda 6; Duhachek &
// Iacobucci (2004) for the standard error; Feldt, Woodruff & Salih (1987)
// for the interval; Revelle, psych::alpha.
func Alpha(x [][]float64, opt AlphaOptions) (AlphaResult, error) {
	var res AlphaResult
	n, k, err := checkRect(x, "alpha")
	if err != nil {
		return res, err
	}
	level, err := alphaLevel(opt, k)
	if err != nil {
		return res, err
	}
	keep, sumBad := varyingItems(x, &res)
	nv := len(keep)
	if nv < 2 {
		return res, errs.New(errs.Singular, "reliability: alpha", "%d of %d items vary (constant or nearly empty items: %v); alpha needs at least 2", nv, k, oneBased(res.Dropped))
	}
	w, reversed := alphaWorkingCopy(x, keep, opt.Keys, &res)
	cols := make([]int, nv)
	for a := range cols {
		cols[a] = a
	}
	c, err := pairwiseCov(w, cols)
	if err != nil {
		return res, fmt.Errorf("reliability: alpha: %w", err)
	}
	r := cov2cor(c)

	total := alphaTotals(w, sumBad, float64(len(res.Dropped)), opt.Cumulative)
	var tv []float64
	for _, t := range total {
		if !math.IsNaN(t) {
			tv = append(tv, t)
		}
	}
	if len(tv) < 2 {
		return res, errs.New(errs.TooFew, "reliability: alpha", "only %d rows have any response; need at least 2", len(tv))
	}
	var tvar float64
	res.Mean, tvar = meanVar(tv)
	res.SD = math.Sqrt(tvar)

	st, err := alphaCore(c, r, n)
	if err != nil {
		return res, err
	}
	res.AlphaStats = st
	res.NObs, res.NVar, res.Level = n, nv, level

	fd := distuv.F{D1: float64(n - 1), D2: float64((n - 1) * (nv - 1))}
	p := 1 - level
	res.FeldtLower = 1 - (1-st.RawAlpha)*fd.Quantile(1-p/2)
	res.FeldtUpper = 1 - (1-st.RawAlpha)*fd.Quantile(p/2)

	res.Items, err = alphaItems(c, r, w, total, keep, reversed)
	if err != nil {
		return res, err
	}
	return res, nil
}

// alphaLevel checks the keys (one per item, +1 or −1) and returns the
// confidence level (default .95).
func alphaLevel(opt AlphaOptions, k int) (float64, error) {
	if opt.Keys != nil && len(opt.Keys) != k {
		return 0, errs.New(errs.InvalidOption, "reliability: alpha", "%d keys for %d items (give one key, +1 or -1, per item)", len(opt.Keys), k)
	}
	for j, kj := range opt.Keys {
		if kj != 1 && kj != -1 {
			return 0, errs.New(errs.InvalidOption, "reliability: alpha", "key of item %d is %v (must be +1 or -1)", j+1, kj)
		}
	}
	level := opt.Level
	if level == 0 {
		level = 0.95
	}
	if !(level > 0 && level < 1) {
		return 0, errs.New(errs.InvalidOption, "reliability: alpha", "confidence level %v is not in (0, 1)", level)
	}
	return level, nil
}

// varyingItems returns the items that vary and records the others (SD 0 or
// undefined) in res.Dropped; sumBad is the sum of the dropped items'
// constant values, which psych adds to every total.
func varyingItems(x [][]float64, res *AlphaResult) (keep []int, sumBad float64) {
	n, k := len(x), len(x[0])
	for j := 0; j < k; j++ {
		var vals []float64
		for i := 0; i < n; i++ {
			if v := x[i][j]; !math.IsNaN(v) {
				vals = append(vals, v)
			}
		}
		if len(vals) < 2 {
			res.Dropped = append(res.Dropped, j)
			if len(vals) == 1 {
				sumBad += vals[0]
			}
			continue
		}
		if _, v := meanVar(vals); !(v > 0) {
			res.Dropped = append(res.Dropped, j)
			sumBad += vals[0]
			continue
		}
		keep = append(keep, j)
	}
	return keep, sumBad
}

// alphaWorkingCopy copies the kept columns, records in res.NegativeItems
// the items loading negatively on the first principal component (advice,
// before reversal), and reverses the items keyed −1 as max + min − x over
// the range of all kept items.
func alphaWorkingCopy(x [][]float64, keep []int, keys []float64, res *AlphaResult) (w [][]float64, reversed []bool) {
	n, nv := len(x), len(keep)
	w = make([][]float64, n)
	flat := make([]float64, n*nv)
	minV, maxV := math.Inf(1), math.Inf(-1)
	for i := 0; i < n; i++ {
		w[i] = flat[i*nv : (i+1)*nv]
		for a, j := range keep {
			v := x[i][j]
			w[i][a] = v
			if !math.IsNaN(v) {
				minV = math.Min(minV, v)
				maxV = math.Max(maxV, v)
			}
		}
	}
	cols := make([]int, nv)
	for a := range cols {
		cols[a] = a
	}
	if neg, nerr := negativeLoadings(w, cols); nerr == nil {
		for _, a := range neg {
			res.NegativeItems = append(res.NegativeItems, keep[a])
		}
	}
	reversed = make([]bool, nv)
	for a, j := range keep {
		if keys != nil && keys[j] < 0 {
			reversed[a] = true
			for i := 0; i < n; i++ {
				if v := w[i][a]; !math.IsNaN(v) {
					w[i][a] = maxV + minV - v
				}
			}
		}
	}
	return w, reversed
}

// alphaTotals returns each row's total score, as psych: the sum of its
// responses plus sumBad (cumulative), or else the mean response over the
// kept and nBad dropped items, a row's missing responses replaced by its
// mean (NaN for a row with none).
func alphaTotals(w [][]float64, sumBad, nBad float64, cumulative bool) []float64 {
	n := len(w)
	total := make([]float64, n)
	for i := 0; i < n; i++ {
		nv := len(w[i])
		var s, m float64
		for a := 0; a < nv; a++ {
			if v := w[i][a]; !math.IsNaN(v) {
				s += v
				m++
			}
		}
		switch {
		case cumulative:
			total[i] = s + sumBad
		case m == 0:
			total[i] = math.NaN()
		default:
			total[i] = (float64(nv)*s/m + sumBad) / (float64(nv) + nBad)
		}
	}
	return total
}

// alphaItems returns the item statistics: mean, SD, the item–total
// correlations (raw, standardised, corrected for overlap and item
// unreliability, and with the item dropped) and alpha if the item is
// deleted.
func alphaItems(c, r *mat.SymDense, w [][]float64, total []float64, keep []int, reversed []bool) ([]AlphaItem, error) {
	n, nv := len(w), len(keep)
	sm, err := smc(r)
	if err != nil {
		return nil, err
	}
	var sumR, sumRC, sumC float64
	colR := make([]float64, nv)
	colRC := make([]float64, nv)
	colC := make([]float64, nv)
	for a := 0; a < nv; a++ {
		for b := 0; b < nv; b++ {
			rv := r.At(a, b)
			rc := rv
			if a == b {
				rc = sm[a]
			}
			colR[a] += rv
			colRC[a] += rc
			colC[a] += c.At(a, b)
		}
		sumR += colR[a]
		sumRC += colRC[a]
		sumC += colC[a]
	}
	items := make([]AlphaItem, nv)
	for a := 0; a < nv; a++ {
		it := &items[a]
		it.Item = keep[a]
		it.Reversed = reversed[a]
		var vals []float64
		for i := 0; i < n; i++ {
			if v := w[i][a]; !math.IsNaN(v) {
				vals = append(vals, v)
			}
		}
		it.N = len(vals)
		var v float64
		it.Mean, v = meanVar(vals)
		it.SD = math.Sqrt(v)
		it.RawR = pairCor(total, w, a)
		it.StdR = colR[a] / math.Sqrt(sumR)
		it.RCor = colRC[a] / math.Sqrt(sumRC)
		caa := c.At(a, a)
		// Σ C₋ᵢ = ΣC − 2 colC_a + C_aa
		it.RDrop = (colC[a] - caa) / math.Sqrt(caa*(sumC-2*colC[a]+caa))
		if nv > 2 {
			d, err := alphaCore(subSym(c, a), subSym(r, a), n)
			if err != nil {
				return nil, err
			}
			if n <= nv {
				d.ASE = nil // psych reports no item-deleted se then
			}
			it.AlphaIfDeleted = d
		} else {
			// psych's convention for a two-item scale: the "alpha" of the
			// remaining item is C_12 / C_jj (j the other item), its
			// correlation statistics those of the single pair.
			o := 1 - a
			r12 := r.At(0, 1)
			zero := 0.0
			it.AlphaIfDeleted = AlphaStats{
				RawAlpha: c.At(0, 1) / c.At(o, o), StdAlpha: r12, G6: sm[0],
				AverageR: r12, SN: r12 / (1 - r12), VarR: &zero, MedianR: r12,
			}
		}
	}
	return items, nil
}

// pairCor is the Pearson correlation of t with column a of w over the rows
// where both are observed.
func pairCor(t []float64, w [][]float64, a int) float64 {
	var n, st, sx float64
	for i, ti := range t {
		if v := w[i][a]; !math.IsNaN(ti) && !math.IsNaN(v) {
			n++
			st += ti
			sx += v
		}
	}
	mt, mx := st/n, sx/n
	var stt, sxx, stx float64
	for i, ti := range t {
		if v := w[i][a]; !math.IsNaN(ti) && !math.IsNaN(v) {
			stt += (ti - mt) * (ti - mt)
			sxx += (v - mx) * (v - mx)
			stx += (ti - mt) * (v - mx)
		}
	}
	return stx / math.Sqrt(stt*sxx)
}

// negativeLoadings returns the columns whose loading on the first principal
// component of the pairwise correlation matrix is negative, the component
// signed so that its loadings sum to a positive number (psych::principal).
func negativeLoadings(w [][]float64, cols []int) ([]int, error) {
	k := len(cols)
	r := mat.NewSymDense(k, nil)
	for a := 0; a < k; a++ {
		for b := a; b < k; b++ {
			var n, sa, sb float64
			for _, row := range w {
				if math.IsNaN(row[a]) || math.IsNaN(row[b]) {
					continue
				}
				n++
				sa += row[a]
				sb += row[b]
			}
			ma, mb := sa/n, sb/n
			var saa, sbb, sab float64
			for _, row := range w {
				if math.IsNaN(row[a]) || math.IsNaN(row[b]) {
					continue
				}
				saa += (row[a] - ma) * (row[a] - ma)
				sbb += (row[b] - mb) * (row[b] - mb)
				sab += (row[a] - ma) * (row[b] - mb)
			}
			v := sab / math.Sqrt(saa*sbb)
			if a == b {
				v = 1
			}
			if math.IsNaN(v) {
				return nil, errs.New(errs.Singular, "", "undefined correlation")
			}
			r.SetSym(a, b, v)
		}
	}
	var eig mat.EigenSym
	if !eig.Factorize(r, true) {
		return nil, errs.New(errs.Singular, "", "eigen decomposition failed")
	}
	var vec mat.Dense
	eig.VectorsTo(&vec)
	vals := eig.Values(nil)
	top := 0
	for i, v := range vals {
		if v > vals[top] {
			top = i
		}
	}
	var s float64
	for a := 0; a < k; a++ {
		s += vec.At(a, top)
	}
	sign := 1.0
	if s < 0 {
		sign = -1
	}
	var neg []int
	for a := 0; a < k; a++ {
		if sign*vec.At(a, top) < 0 {
			neg = append(neg, cols[a])
		}
	}
	return neg, nil
}

func oneBased(v []int) []int {
	out := make([]int, len(v))
	for i, x := range v {
		out[i] = x + 1
	}
	return out
}
