package effectsize

import (
	"math"

	"github.com/alliance-research/alliance/analysis/errs"
)

// UCORValue returns the Olkin–Pratt unbiased estimate of a correlation and
// its sampling variance for one study with correlation r and sample size n:
//
//	yi = r · ₂F₁(½, ½; (n − 2)/2; 1 − r²)
//
// with, for vtype UB (the unbiased variance estimate),
//
//	vi = yi² − [1 − (n − 3)/(n − 2) · (1 − r²) · ₂F₁(1, 1; n/2; 1 − r²)],
//
// or for vtype LS (the default) vi = (1 − yi²)²/(n − 1). Olkin & Pratt
// (1958, Ann. Math. Stat. 29, 201–211, eq. 2.3) for yi; Hedges (1989, J.
// Appl. Psychol. 74, 469–477) for the UB variance in its exact form;
// metafor's escalc(measure = "UCOR"), which evaluates ₂F₁ with GSL. vtype AV needs the whole table: use UCOR.
// The hypergeometric function is summed here with the transformations of
// Abramowitz & Stegun (1964, §15.3) where its series converges slowly. It
// needs −1 < r < 1 and n > 4 (metafor leaves both missing for n ≤ 4).
func UCORValue(r, n float64, vtype VType) (yi, vi float64, err error) {
	vt := normVType(vtype)
	if vt == VTypeAV {
		return 0, 0, errs.New(errs.InvalidOption, "effectsize: UCOR", "vtype AV uses the weighted mean of the whole table: call UCOR with all studies")
	}
	if vt != VTypeLS && vt != VTypeUB {
		return 0, 0, errs.New(errs.InvalidOption, "effectsize: UCOR", "vtype %q: use UB, LS or AV", vtype)
	}
	if yi, err = ucorEstimate(-1, r, n); err != nil {
		return 0, 0, err
	}
	if vt == VTypeLS {
		return yi, corVarLS(yi, n), nil
	}
	vi, err = ucorVarUB(-1, r, n, yi)
	return yi, vi, err
}

// UCOR returns the Olkin–Pratt unbiased correlations (yi) and their sampling
// variances (vi) for every study of a table (metafor's escalc(measure =
// "UCOR", vtype = vtype)): UB and LS as in UCORValue, and
//
//	AV: vi = (1 − ȳ²)²/(nᵢ − 1),  ȳ = Σnᵢyᵢ / Σnᵢ.
//
// The empty vtype means LS.
func UCOR(r, n []float64, vtype VType) (yi, vi []float64, err error) {
	if err = checkLen("UCOR", []string{"r", "n"}, len(r), len(n)); err != nil {
		return nil, nil, err
	}
	vt := normVType(vtype)
	if vt != VTypeLS && vt != VTypeAV && vt != VTypeUB {
		return nil, nil, errs.New(errs.InvalidOption, "effectsize: UCOR", "vtype %q: use UB, LS or AV", vtype)
	}
	yi = make([]float64, len(r))
	vi = make([]float64, len(r))
	for i := range r {
		if yi[i], err = ucorEstimate(i, r[i], n[i]); err != nil {
			return nil, nil, err
		}
	}
	ybar := 0.0
	if vt == VTypeAV && len(r) > 0 {
		ybar = weightedMean(yi, n)
	}
	for i := range r {
		switch vt {
		case VTypeLS:
			vi[i] = corVarLS(yi[i], n[i])
		case VTypeAV:
			vi[i] = corVarLS(ybar, n[i])
		case VTypeUB:
			if vi[i], err = ucorVarUB(i, r[i], n[i], yi[i]); err != nil {
				return nil, nil, err
			}
		}
	}
	return yi, vi, nil
}

// UCORApprox returns the approximation to the Olkin–Pratt estimate
//
//	r · [1 + (1 − r²) / (2(n − 3))]
//
// (Olkin & Pratt 1958), within O(n⁻²) of the exact UCOR; metafor 3.8-1
// offers only the exact form. It needs
// −1 < r < 1 and n > 3.
func UCORApprox(r, n float64) (float64, error) {
	if err := checkR("UCORApprox", -1, r); err != nil {
		return 0, err
	}
	if err := checkN("UCORApprox", -1, n, 3, "the approximation"); err != nil {
		return 0, err
	}
	return r * (1 + (1-r*r)/(2*(n-3))), nil
}

func ucorEstimate(i int, r, n float64) (float64, error) {
	if err := checkR("UCOR", i, r); err != nil {
		return 0, err
	}
	if err := checkN("UCOR", i, n, 4, "the unbiased correlation (2F1 with c = (n-2)/2 > 1)"); err != nil {
		return 0, err
	}
	if r == 0 {
		return 0, nil
	}
	w := r * r
	f, ok := hyp2f1(0.5, 0.5, (n-2)/2, (1-r)*(1+r), w)
	if !ok {
		return 0, hypergErr(i, r, n)
	}
	return r * f, nil
}

func ucorVarUB(i int, r, n, yi float64) (float64, error) {
	x := (1 - r) * (1 + r)
	f, ok := hyp2f1(1, 1, n/2, x, r*r)
	if !ok {
		return 0, hypergErr(i, r, n)
	}
	return yi*yi - (1 - (n-3)/(n-2)*x*f), nil
}

func hypergErr(i int, r, n float64) error {
	if math.IsNaN(n) {
		return inputErr("UCOR", "n", i, n, "not a number")
	}
	return errs.New(errs.NoConvergence, "effectsize: UCOR", "r[%d] = %g: the hypergeometric series for n = %g did not converge; try UCORApprox", i, r, n)
}
