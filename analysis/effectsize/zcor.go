package effectsize

import "math"

// ZCORValue returns Fisher's r-to-z transformed correlation and its sampling
// variance for one study with correlation r and sample size n:
//
//	yi = atanh(r) = ½ log((1 + r)/(1 − r)),   vi = 1/(n − 3).
//
// Fisher (1921); metafor's escalc(measure = "ZCOR"). It needs −1 < r < 1 and
// n > 3 (metafor leaves vi missing for n ≤ 3).
func ZCORValue(r, n float64) (yi, vi float64, err error) {
	if err := checkZCOR(-1, r, n); err != nil {
		return 0, 0, err
	}
	return math.Atanh(r), 1 / (n - 3), nil
}

// ZCOR returns Fisher's z (yi) and its sampling variance (vi) for every study
// of a table, as ZCORValue does for one: yi = atanh(rᵢ), vi = 1/(nᵢ − 3).
// An error names the first row index whose r or n is out of range.
func ZCOR(r, n []float64) (yi, vi []float64, err error) {
	if err := checkLen("ZCOR", []string{"r", "n"}, len(r), len(n)); err != nil {
		return nil, nil, err
	}
	yi = make([]float64, len(r))
	vi = make([]float64, len(r))
	if err := ZCORTo(yi, vi, r, n); err != nil {
		return nil, nil, err
	}
	return yi, vi, nil
}

// ZCORTo is ZCOR writing into yi and vi, which must have the length of r,
// so that repeated calls need not allocate.
func ZCORTo(yi, vi, r, n []float64) error {
	if err := checkLen("ZCOR", []string{"r", "n", "yi", "vi"}, len(r), len(n), len(yi), len(vi)); err != nil {
		return err
	}
	for i, ri := range r {
		ni := n[i]
		if !(ri > -1 && ri < 1) || !(ni > 3) || math.IsInf(ni, 1) {
			return checkZCOR(i, ri, ni)
		}
		yi[i] = math.Atanh(ri)
		vi[i] = 1 / (ni - 3)
	}
	return nil
}

func checkZCOR(i int, r, n float64) error {
	if err := checkR("ZCOR", i, r); err != nil {
		return err
	}
	return checkN("ZCOR", i, n, 3, "the variance of Fisher's z, 1/(n-3),")
}
