package effectsize

import (
	"github.com/alliance-research/alliance/analysis/errs"
)

// CORValue returns the raw correlation and its sampling variance for one
// study with correlation r and sample size n:
//
//	yi = r,   vi = (1 − r²)²/(n − 1)   (vtype LS, the default),
//	          vi = 1/(n − 1)           (vtype H0, the variance under ρ = 0).
//
// Olkin & Siotani (1976); metafor's escalc(measure = "COR"). vtype AV needs
// the whole table (the weighted mean correlation): use COR. metafor 3.8-1
// offers LS and AV (and UB only for UCOR); H0 is not in 3.8-1 and is
// verified against the formula above written out in R. It needs −1 < r < 1 and n > 3, where metafor
// leaves vi missing.
func CORValue(r, n float64, vtype VType) (yi, vi float64, err error) {
	if err := checkCOR("COR", -1, r, n); err != nil {
		return 0, 0, err
	}
	switch normVType(vtype) {
	case VTypeLS:
		return r, corVarLS(r, n), nil
	case VTypeH0:
		return r, 1 / (n - 1), nil
	case VTypeAV:
		return 0, 0, errs.New(errs.InvalidOption, "effectsize: COR", "vtype AV uses the weighted mean correlation of the whole table: call COR with all studies")
	}
	return 0, 0, errs.New(errs.InvalidOption, "effectsize: COR", "vtype %q: use LS, AV or H0", vtype)
}

// COR returns the raw correlations (yi) and their sampling variances (vi) for
// every study of a table (metafor's escalc(measure = "COR", vtype = vtype)):
//
//	LS: vi = (1 − rᵢ²)²/(nᵢ − 1)
//	AV: vi = (1 − r̄²)²/(nᵢ − 1),  r̄ = Σnᵢrᵢ / Σnᵢ
//	H0: vi = 1/(nᵢ − 1)
//
// The empty vtype means LS. See CORValue for the references.
func COR(r, n []float64, vtype VType) (yi, vi []float64, err error) {
	if err := checkLen("COR", []string{"r", "n"}, len(r), len(n)); err != nil {
		return nil, nil, err
	}
	vt := normVType(vtype)
	if vt != VTypeLS && vt != VTypeAV && vt != VTypeH0 {
		return nil, nil, errs.New(errs.InvalidOption, "effectsize: COR", "vtype %q: use LS, AV or H0", vtype)
	}
	for i := range r {
		if err := checkCOR("COR", i, r[i], n[i]); err != nil {
			return nil, nil, err
		}
	}
	yi = make([]float64, len(r))
	vi = make([]float64, len(r))
	copy(yi, r)
	rbar := 0.0
	if vt == VTypeAV && len(r) > 0 {
		rbar = weightedMean(yi, n)
	}
	for i, ri := range r {
		switch vt {
		case VTypeLS:
			vi[i] = corVarLS(ri, n[i])
		case VTypeAV:
			vi[i] = corVarLS(rbar, n[i])
		case VTypeH0:
			vi[i] = 1 / (n[i] - 1)
		}
	}
	return yi, vi, nil
}

// corVarLS is (1 − r²)²/(n − 1).
func corVarLS(r, n float64) float64 { return varLS(r, n-1) }

// varLS is (1 − r²)²/df.
func varLS(r, df float64) float64 {
	a := 1 - r*r
	return a * a / df
}

func checkCOR(fn string, i int, r, n float64) error {
	if err := checkR(fn, i, r); err != nil {
		return err
	}
	return checkN(fn, i, n, 3, "the sampling variance of r (as metafor)")
}
