package effectsize

import (
	"strings"

	"github.com/alliance-research/alliance/analysis/errs"
)

// Measure names an outcome measure as metafor's escalc does.
type Measure string

// The correlation measures of metafor's escalc.
const (
	MeasureZCOR  Measure = "ZCOR"  // Fisher's r-to-z transformed correlation
	MeasureCOR   Measure = "COR"   // raw correlation coefficient
	MeasureUCOR  Measure = "UCOR"  // Olkin–Pratt unbiased correlation
	MeasurePCOR  Measure = "PCOR"  // partial correlation from a regression t
	MeasureZPCOR Measure = "ZPCOR" // Fisher's z of the partial correlation
	MeasureSPCOR Measure = "SPCOR" // semipartial correlation from a regression t and R²
)

// ParseMeasure returns the Measure named s, ignoring case.
func ParseMeasure(s string) (Measure, error) {
	switch m := Measure(strings.ToUpper(strings.TrimSpace(s))); m {
	case MeasureZCOR, MeasureCOR, MeasureUCOR, MeasurePCOR, MeasureZPCOR, MeasureSPCOR:
		return m, nil
	}
	return "", errs.New(errs.InvalidOption, "effectsize", "unknown measure %q: use one of ZCOR, COR, UCOR, PCOR, ZPCOR, SPCOR", s)
}

// VType names how a sampling variance is estimated, as escalc's vtype argument.
type VType string

// Variance types. The empty VType means VTypeLS.
const (
	// VTypeLS is the large-sample approximation evaluated at the study's
	// own estimate, e.g. (1 − r²)²/(n − 1) for COR (metafor's default).
	VTypeLS VType = "LS"
	// VTypeAV is the large-sample approximation evaluated at the
	// sample-size-weighted mean estimate r̄ = Σnᵢyᵢ/Σnᵢ over the table.
	VTypeAV VType = "AV"
	// VTypeH0 is the variance under H0: ρ = 0, 1/(n − 1) for COR.
	VTypeH0 VType = "H0"
	// VTypeUB is the unbiased estimate of the variance of UCOR.
	VTypeUB VType = "UB"
)

// Table holds one outcome and its sampling variance per study, as the yi and
// vi columns that metafor's escalc adds to a data frame.
type Table struct {
	Measure Measure   `json:"measure"`         // the measure, e.g. "ZCOR"
	VType   VType     `json:"vtype,omitempty"` // the variance type, empty where the measure has one
	Yi      []float64 `json:"yi"`              // observed outcomes
	Vi      []float64 `json:"vi"`              // sampling variances
}

// Escalc computes the correlation measure m (ZCOR, COR or UCOR) for
// correlations r and sample sizes n, as metafor's
// escalc(measure, ri = r, ni = n, vtype = vtype). ZCOR ignores vtype.
func Escalc(m Measure, vtype VType, r, n []float64) (Table, error) {
	var (
		yi, vi []float64
		err    error
	)
	switch m {
	case MeasureZCOR:
		vtype = ""
		yi, vi, err = ZCOR(r, n)
	case MeasureCOR:
		vtype = normVType(vtype)
		yi, vi, err = COR(r, n, vtype)
	case MeasureUCOR:
		vtype = normVType(vtype)
		yi, vi, err = UCOR(r, n, vtype)
	default:
		return Table{}, errs.New(errs.InvalidOption, "effectsize: Escalc", "measure %q is not computed from r and n: use ZCOR, COR or UCOR (or EscalcPartial)", m)
	}
	if err != nil {
		return Table{}, err
	}
	return Table{Measure: m, VType: vtype, Yi: yi, Vi: vi}, nil
}

// EscalcPartial computes the regression-based measure m (PCOR, ZPCOR or
// SPCOR) from the t statistics t of the predictor of interest, sample sizes
// n, numbers of predictors p and, for SPCOR only, the models' R² (r2 is
// ignored otherwise and may be nil), as metafor's escalc(measure, ti = t,
// ni = n, mi = p, r2i = r2, vtype = vtype). ZPCOR ignores vtype.
func EscalcPartial(m Measure, vtype VType, t, n, p, r2 []float64) (Table, error) {
	var (
		yi, vi []float64
		err    error
	)
	switch m {
	case MeasurePCOR:
		vtype = normVType(vtype)
		yi, vi, err = PCOR(t, n, p, vtype)
	case MeasureZPCOR:
		vtype = ""
		yi, vi, err = ZPCOR(t, n, p)
	case MeasureSPCOR:
		vtype = normVType(vtype)
		yi, vi, err = SPCOR(t, n, p, r2, vtype)
	default:
		return Table{}, errs.New(errs.InvalidOption, "effectsize: EscalcPartial", "measure %q is not computed from t, n and p: use PCOR, ZPCOR or SPCOR (or Escalc)", m)
	}
	if err != nil {
		return Table{}, err
	}
	return Table{Measure: m, VType: vtype, Yi: yi, Vi: vi}, nil
}

func normVType(v VType) VType {
	if v == "" {
		return VTypeLS
	}
	return VType(strings.ToUpper(string(v)))
}

// weightedMean returns Σwᵢxᵢ / Σwᵢ, metafor's .wmean.
func weightedMean(x, w []float64) float64 {
	var sx, sw float64
	for i := range x {
		sx += w[i] * x[i]
		sw += w[i]
	}
	return sx / sw
}
