package sem

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// indices computes the fit measures at the solution.
func (res *Result) indices(obj objective) {
	d := obj.d
	p := d.P
	N := float64(d.N)
	ll := -obj.eval(res.Theta, nil) * N
	sig1, mu1, ll1 := d.saturated()
	res.h1sigma, res.h1mu = sig1, mu1
	llb := d.baseline()
	f := &res.Fit
	f.LogLik, f.LogLikH1, f.N = ll, ll1, d.N
	f.NPar = len(res.Theta)
	f.DF = p*(p+3)/2 - f.NPar
	f.Chisq = math.Max(0, 2*(ll1-ll))
	f.PValue = math.NaN()
	if f.DF > 0 {
		f.PValue = 1 - distuv.ChiSquared{K: float64(f.DF)}.CDF(f.Chisq)
	}
	f.BaseDF = p * (p - 1) / 2
	f.BaseChisq = 2 * (ll1 - llb)
	df, dfb := float64(f.DF), float64(f.BaseDF)
	num := math.Max(f.Chisq-df, 0)
	den := math.Max(math.Max(f.Chisq-df, f.BaseChisq-dfb), 0)
	f.CFI = 1
	if den > 0 {
		f.CFI = 1 - num/den
	}
	f.TLI = math.NaN()
	if df > 0 && dfb > 0 {
		f.TLI = (f.BaseChisq/dfb - f.Chisq/df) / (f.BaseChisq/dfb - 1)
	}
	f.RMSEA, f.RMSEALB, f.RMSEAUB = math.NaN(), math.NaN(), math.NaN()
	if f.DF > 0 {
		f.RMSEA = math.Sqrt(num / (df * N))
		lo := ncpFor(f.Chisq, df, 0.95)
		hi := ncpFor(f.Chisq, df, 0.05)
		f.RMSEALB = math.Sqrt(lo / (df * N))
		f.RMSEAUB = math.Sqrt(hi / (df * N))
	}
	r := res.model.build(res.Theta, res.idx)
	r.moments()
	f.SRMR = srmr(sig1, mu1, r.sigma, r.mu, p)
	k := float64(f.NPar)
	f.AIC = -2*ll + 2*k
	f.BIC = -2*ll + k*math.Log(N)
}

// srmr is Bentler's standardized root mean square residual of the
// covariances and means, each residual scaled by the H1 standard
// deviations: √(Σ_{i≤j} r²ᵢⱼ + Σᵢ r²ᵢ)/(p(p+1)/2 + p)).
func srmr(s, m, sigma, mu []float64, p int) float64 {
	sum := 0.0
	for i := 0; i < p; i++ {
		for j := 0; j <= i; j++ {
			r := (s[i*p+j] - sigma[i*p+j]) / math.Sqrt(s[i*p+i]*s[j*p+j])
			sum += r * r
		}
		r := (m[i] - mu[i]) / math.Sqrt(s[i*p+i])
		sum += r * r
	}
	return math.Sqrt(sum / float64(p*(p+1)/2+p))
}

// ncChisqCDF is the CDF of the noncentral χ² with df degrees of freedom
// and noncentrality λ, the Poisson(λ/2) mixture of central χ²(df + 2j).
func ncChisqCDF(x, df, lambda float64) float64 {
	if lambda <= 0 {
		return distuv.ChiSquared{K: df}.CDF(x)
	}
	h := lambda / 2
	j0 := math.Floor(h)
	sum := 0.0
	term := func(j float64) float64 {
		lw := -h + j*math.Log(h) - lgamma(j+1)
		return math.Exp(lw) * distuv.ChiSquared{K: df + 2*j}.CDF(x)
	}
	for j := j0; j >= 0; j-- {
		t := term(j)
		sum += t
		if t < 1e-16 && j < j0-5 {
			break
		}
	}
	for j := j0 + 1; ; j++ {
		t := term(j)
		sum += t
		if t < 1e-16 && j > j0+5 {
			break
		}
	}
	return sum
}

func lgamma(x float64) float64 { v, _ := math.Lgamma(x); return v }

// ncpFor is the noncentrality λ ≥ 0 at which the noncentral χ²(df, λ) CDF
// at x equals target (the RMSEA CI bounds, Browne & Cudeck 1993), 0 when
// even λ = 0 gives less.
func ncpFor(x, df, target float64) float64 {
	if ncChisqCDF(x, df, 0) < target {
		return 0
	}
	lo, hi := 0.0, math.Max(x, 1)
	for ncChisqCDF(x, df, hi) > target {
		hi *= 2
	}
	for i := 0; i < 200 && hi-lo > 1e-12*math.Max(1, hi); i++ {
		mid := (lo + hi) / 2
		if ncChisqCDF(x, df, mid) > target {
			lo = mid
		} else {
			hi = mid
		}
	}
	return (lo + hi) / 2
}
