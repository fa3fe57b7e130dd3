package sem

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distuv"
)

// Scaled are the MLR test and fit measures (lavaan's fitMeasures names,
// dots as underscores): the Yuan–Bentler scaled χ² of the model and of
// the independence baseline, and the fit indices computed from them.
type Scaled struct {
	ChisqScaled       float64 `json:"chisq_scaled"`
	ScalingFactor     float64 `json:"chisq_scaling_factor"`
	PValueScaled      float64 `json:"pvalue_scaled"`
	BaseChisqScaled   float64 `json:"baseline_chisq_scaled"`
	BaseScalingFactor float64 `json:"baseline_chisq_scaling_factor"`
	CFIScaled         float64 `json:"cfi_scaled"`
	TLIScaled         float64 `json:"tli_scaled"`
	RMSEAScaled       float64 `json:"rmsea_scaled"`
	RMSEALBScaled     float64 `json:"rmsea_ci_lb_scaled"`
	RMSEAUBScaled     float64 `json:"rmsea_ci_ub_scaled"`
	// The robust indices (see robustFIML); NaN when not available.
	CFIRobust     float64 `json:"cfi_robust"`
	TLIRobust     float64 `json:"tli_robust"`
	RMSEARobust   float64 `json:"rmsea_robust"`
	RMSEALBRobust float64 `json:"rmsea_ci_lb_robust"`
	RMSEAUBRobust float64 `json:"rmsea_ci_ub_robust"`
}

// scaled computes the Yuan–Bentler scaled χ² in its Mplus form (Yuan &
// Bentler 2000; Asparouhov & Muthén 2005; lavaan's test =
// "yuan.bentler.mplus", the default of estimator = "MLR"):
//
//	c = [tr(A₁⁻¹B₁) − tr(A₀⁻¹B₀)] / df,   T = χ²/c,
//
// where A₁, B₁ are the information (observed or expected, as for the SEs)
// and the first-order information Σᵢgᵢgᵢᵀ of the saturated model's
// moments at its (EM) estimates, and A₀, B₀ the same of the fitted model
// in θ at θ̂ (the structured ones). The baseline (independence) model's
// factor is the same with its means and variances as θ. Then CFI and TLI
// use the scaled χ² of the model and the baseline, and RMSEA the
// unscaled χ² with tr(UΓ) = c·df degrees of freedom, as lavaan 0.6-14
// does.
func (res *Result) scaled(obj objective, opt Options) error {
	d := obj.d
	p := d.P
	K := nMoments(p)
	f := &res.Fit
	info := func(sigma, mu []float64, cols []int) ([]float64, bool) {
		if opt.Information == Expected {
			return d.expectedInfo(sigma)
		}
		return d.observedInfo(sigma, mu, cols)
	}
	A1, ok1 := info(res.h1sigma, res.h1mu, nil)
	B1, ok2 := d.firstOrder(res.h1sigma, res.h1mu, nil)
	if !ok1 || !ok2 {
		return fmt.Errorf("sem: the saturated model's information is not available (its covariance matrix is not positive definite)")
	}
	all := make([]int, K)
	for i := range all {
		all[i] = i
	}
	th1, ok := traceInvProd(A1, B1, K, all)
	if !ok {
		return fmt.Errorf("sem: the saturated model's information matrix is singular")
	}
	n := len(res.Theta)
	th0 := 0.0
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			th0 += res.ainv[i*n+j] * res.b0[j*n+i]
		}
	}
	// Independence baseline: θ = the means and the variances.
	sb, mb := d.independence()
	sub := make([]int, 0, 2*p)
	for j := 0; j < p; j++ {
		sub = append(sub, j)
	}
	for j := 0; j < p; j++ {
		sub = append(sub, vechIndex(p, j, j))
	}
	Ab, ok1 := info(sb, mb, sub)
	Bb, ok2 := d.firstOrder(sb, mb, sub)
	thb, ok3 := traceInvProd(Ab, Bb, K, sub)
	if !ok1 || !ok2 || !ok3 {
		return fmt.Errorf("sem: the baseline model's information matrix is singular")
	}
	s := &Scaled{ChisqScaled: math.NaN(), ScalingFactor: math.NaN(), PValueScaled: math.NaN(),
		BaseChisqScaled: math.NaN(), BaseScalingFactor: math.NaN(), CFIScaled: math.NaN(), TLIScaled: math.NaN(),
		RMSEAScaled: math.NaN(), RMSEALBScaled: math.NaN(), RMSEAUBScaled: math.NaN(),
		CFIRobust: math.NaN(), TLIRobust: math.NaN(), RMSEARobust: math.NaN(), RMSEALBRobust: math.NaN(), RMSEAUBRobust: math.NaN()}
	f.Scaled = s
	df, dfb := float64(f.DF), float64(f.BaseDF)
	if dfb > 0 {
		s.BaseScalingFactor = (th1 - thb) / dfb
		s.BaseChisqScaled = f.BaseChisq / s.BaseScalingFactor
	}
	if f.DF <= 0 {
		return nil
	}
	trUG := th1 - th0
	s.ScalingFactor = trUG / df
	if !(s.ScalingFactor > 0) {
		s.ScalingFactor = math.NaN()
		return nil
	}
	s.ChisqScaled = f.Chisq / s.ScalingFactor
	s.PValueScaled = 1 - distuv.ChiSquared{K: df}.CDF(s.ChisqScaled)
	num := math.Max(s.ChisqScaled-df, 0)
	den := math.Max(math.Max(s.ChisqScaled-df, s.BaseChisqScaled-dfb), 0)
	s.CFIScaled = 1
	if den > 0 {
		s.CFIScaled = 1 - num/den
	}
	s.TLIScaled = (s.BaseChisqScaled/dfb - s.ChisqScaled/df) / (s.BaseChisqScaled/dfb - 1)
	N := float64(d.N)
	s.RMSEAScaled = math.Sqrt(math.Max(f.Chisq-trUG, 0) / (trUG * N))
	lo := ncpFor(f.Chisq, trUG, 0.95)
	hi := ncpFor(f.Chisq, trUG, 0.05)
	s.RMSEALBScaled = math.Sqrt(lo / (trUG * N))
	s.RMSEAUBScaled = math.Sqrt(hi / (trUG * N))
	if d.Listwise {
		// Complete data (lavaan's missing = "listwise"): the robust
		// indices use the Yuan–Bentler factors themselves (Brosseau-Liard,
		// Savalei & Li 2012; Brosseau-Liard & Savalei 2014).
		c, cb := s.ScalingFactor, s.BaseScalingFactor
		t1 := math.Max(f.Chisq-c*df, 0)
		t2 := math.Max(math.Max(f.Chisq-c*df, f.BaseChisq-cb*dfb), 0)
		s.CFIRobust = 1
		if t2 > 0 {
			s.CFIRobust = 1 - t1/t2
		}
		s.TLIRobust = 1 - (f.Chisq-c*df)*dfb/((f.BaseChisq-cb*dfb)*df)
		s.RMSEARobust = math.Sqrt(math.Max(f.Chisq/N/df-c/N, 0))
		s.RMSEALBRobust = math.Sqrt(c * ncpFor(s.ChisqScaled, df, 0.95) / (N * df))
		s.RMSEAUBRobust = math.Sqrt(c * ncpFor(s.ChisqScaled, df, 0.05) / (N * df))
		return nil
	}
	Wobs := A1
	if opt.Information == Expected {
		Wobs, _ = d.observedInfo(res.h1sigma, res.h1mu, nil)
	}
	if Wobs == nil || !res.robustFIML(obj, A1, B1, Wobs) {
		s.CFIRobust, s.TLIRobust, s.RMSEARobust, s.RMSEALBRobust, s.RMSEAUBRobust = math.NaN(), math.NaN(), math.NaN(), math.NaN(), math.NaN()
	}
	return nil
}

// traceInvProd is tr(A⁻¹B) over the rows and columns sub of the K × K
// matrices A and B.
func traceInvProd(A, B []float64, K int, sub []int) (float64, bool) {
	q := len(sub)
	As := mat.NewSymDense(q, nil)
	Bs := mat.NewDense(q, q, nil)
	for a, i := range sub {
		for b, j := range sub {
			if b >= a {
				As.SetSym(a, b, (A[i*K+j]+A[j*K+i])/2)
			}
			Bs.Set(a, b, B[i*K+j])
		}
	}
	var ch mat.Cholesky
	if !ch.Factorize(As) {
		return 0, false
	}
	var x mat.Dense
	if err := ch.SolveTo(&x, Bs); err != nil {
		return 0, false
	}
	return mat.Trace(&x), true
}
