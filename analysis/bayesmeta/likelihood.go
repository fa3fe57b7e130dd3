package bayesmeta

import "math"

var log2pi = math.Log(2 * math.Pi)

// model holds the data and priors of one analysis.
type model struct {
	y, v   []float64
	mu     MuPrior
	tau    TauPrior
	lo, hi float64 // truncation of the μ prior (±Inf: none)
	logZ0  float64 // log prior probability of [lo, hi]
	trunc  bool
	vmin   float64 // smallest and largest σᵢ²
	vmax   float64
}

func newModel(y, v []float64, mu MuPrior, tau TauPrior) *model {
	m := &model{y: y, v: v, mu: mu, tau: tau}
	m.lo, m.hi = mu.bounds()
	m.vmin, m.vmax = math.Inf(1), 0
	for _, vi := range v {
		m.vmin, m.vmax = math.Min(m.vmin, vi), math.Max(m.vmax, vi)
	}
	m.trunc = mu.truncated()
	if m.trunc {
		m.logZ0 = logTruncProb(mu.Mean, mu.SD, m.lo, m.hi)
	}
	return m
}

// cond returns, for a given τ, the (untruncated) normal conditional
// posterior μ | τ, y ~ N(c, sd²) and the log marginal likelihood
// log p(y | τ) with μ integrated out against its prior (see the package
// documentation; for the flat prior the improper prior's constant is 1).
func (md *model) cond(t float64) (c, sd, logm float64) {
	t2 := t * t
	var W, S float64
	for i, yi := range md.y {
		vi := md.v[i] + t2
		W += 1 / vi
		S += yi / vi
	}
	sumLog := md.sumLog(t2)
	ybar := S / W
	var Q float64
	for i, yi := range md.y {
		d := yi - ybar
		Q += d * d / (md.v[i] + t2)
	}
	k := float64(len(md.y))
	logm = -0.5*k*log2pi - 0.5*sumLog - 0.5*Q + 0.5*(log2pi-math.Log(W))
	if md.mu.Family == Flat {
		return ybar, 1 / math.Sqrt(W), logm
	}
	m0, s02 := md.mu.Mean, md.mu.SD*md.mu.SD
	P := W + 1/s02
	c = (S + m0/s02) / P
	sd = 1 / math.Sqrt(P)
	vv := s02 + 1/W
	d := ybar - m0
	logm += -0.5*log2pi - 0.5*math.Log(vv) - 0.5*d*d/vv
	if md.trunc {
		logm += logTruncProb(c, sd, md.lo, md.hi) - md.logZ0
	}
	return c, sd, logm
}

// condMoments are the mean and variance of μ | τ, y (truncated when the
// prior is).
func (md *model) condMoments(c, sd float64) (mean, variance float64) {
	if !md.trunc {
		return c, sd * sd
	}
	return truncMoments(c, sd, md.lo, md.hi)
}

// sumLog is Σ log(σᵢ² + τ²), by products of 8 terms renormalised with
// Frexp (one logarithm per 8 studies) when every term is within
// [1e-30, 1e30], so that no product can overflow or underflow.
func (md *model) sumLog(t2 float64) float64 {
	if !(md.vmin >= 1e-30 && md.vmax+t2 <= 1e30) {
		var s float64
		for _, vi := range md.v {
			s += math.Log(vi + t2)
		}
		return s
	}
	prod, e := 1.0, 0
	for i, vi := range md.v {
		prod *= vi + t2
		if i%8 == 7 {
			f, ex := math.Frexp(prod)
			prod, e = f, e+ex
		}
	}
	return math.Log(prod) + float64(e)*math.Ln2
}

// logLik0 is log p(y | μ = 0, τ) = Σ log N(yᵢ; 0, σᵢ² + τ²).
func (md *model) logLik0(t float64) float64 {
	t2 := t * t
	var s float64
	for i, yi := range md.y {
		s += yi * yi / (md.v[i] + t2)
	}
	return -0.5 * (float64(len(md.y))*log2pi + s + md.sumLog(t2))
}
