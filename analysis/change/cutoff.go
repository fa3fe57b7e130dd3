package change

import (
	"math"

	"github.com/alliance-research/alliance/analysis/errs"
)

// CutoffType is one of Jacobson & Truax's (1991) cutoffs for clinically
// significant change.
type CutoffType byte

const (
	// CutoffA: two SDs beyond the dysfunctional (clinical) mean.
	CutoffA CutoffType = 'a'
	// CutoffB: two SDs within the functional mean.
	CutoffB CutoffType = 'b'
	// CutoffC: the point between the two means weighted by their SDs.
	CutoffC CutoffType = 'c'
)

// String returns "a", "b" or "c".
func (t CutoffType) String() string { return string(rune(t)) }

// CutoffJT returns Jacobson & Truax's (1991) cutoff as clinicalsignificance's
// .calc_cutoff_jt, with s = +1 when higher is better and −1 when lower is:
//
//	a = M_clin + s·2·SD_clin
//	b = M_func − s·2·SD_clin   (the package; JT 1991 use SD_func, see bFunctionalSD)
//	c = (SD_clin·M_func + SD_func·M_clin) / (SD_clin + SD_func)
//
// With bFunctionalSD, b = M_func − s·2·SD_func as published.
// Worked example (JT 1991): M_clin 40, M_func 60, SD 7.5 → c = 50.
func CutoffJT(mClin, sdClin, mFunc, sdFunc float64, t CutoffType, better Better, bFunctionalSD bool) (float64, error) {
	s := better.sign()
	switch t {
	case CutoffA:
		return mClin + s*2*sdClin, nil
	case CutoffB:
		sd := sdClin
		if bFunctionalSD {
			sd = sdFunc
		}
		return mFunc - s*2*sd, nil
	case CutoffC:
		return (sdClin*mFunc + sdFunc*mClin) / (sdClin + sdFunc), nil
	}
	return nan, errs.New(errs.InvalidOption, "change", "unknown cutoff type %q (use a, b or c)", t)
}

// CutoffHA returns Hageman & Arrindell's (1999) "true score" cutoff as
// clinicalsignificance's .calc_cutoff_ha, with reliabilities r_clin, r_func:
//
//	a = M_clin + s·2·SD_clin·√r_clin
//	b = M_func − s·2·SD_clin·√r_clin   (the package; bFunctionalSD uses SD_func·√r_func)
//	c = (SD_clin√r_clin·M_func + SD_func√r_func·M_clin) / (SD_clin√r_clin + SD_func√r_func)
func CutoffHA(mClin, sdClin, rClin, mFunc, sdFunc, rFunc float64, t CutoffType, better Better, bFunctionalSD bool) (float64, error) {
	s := better.sign()
	wc, wf := sdClin*math.Sqrt(rClin), sdFunc*math.Sqrt(rFunc)
	switch t {
	case CutoffA:
		return mClin + s*2*wc, nil
	case CutoffB:
		w := wc
		if bFunctionalSD {
			w = wf
		}
		return mFunc - s*2*w, nil
	case CutoffC:
		return (wc*mFunc + wf*mClin) / (wc + wf), nil
	}
	return nan, errs.New(errs.InvalidOption, "change", "unknown cutoff type %q (use a, b or c)", t)
}
