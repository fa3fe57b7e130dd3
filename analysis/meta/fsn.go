package meta

import (
	"math"

	"github.com/alliance-research/alliance/analysis/errs"
	"gonum.org/v1/gonum/stat/distuv"
)

// FSNOptions configures FailSafeN.
type FSNOptions struct {
	// Alpha is the significance level of Rosenthal's and Rosenberg's
	// methods (default 0.05).
	Alpha float64
	// Target is Orwin's target effect; nil means half the average effect,
	// metafor's default — an arbitrary choice that should be replaced by
	// the smallest effect that would still matter.
	Target *float64
	// OrwinUnweighted uses the unweighted mean of the effects for Orwin's
	// method, the default of metafor before 4.4-0. The default is the
	// inverse-variance weighted mean ȳ_w = Σwᵢyᵢ/Σwᵢ, wᵢ = 1/vᵢ, as metafor
	// ≥ 4.4-0 when the variances are given (and Becker 2005).
	OrwinUnweighted bool
}

// FSNResult holds the three fail-safe numbers (metafor's fsn).
type FSNResult struct {
	Rosenthal     int     `json:"rosenthal"`      // studies averaging z = 0 needed to make the Stouffer test non-significant
	RosenthalP    float64 `json:"rosenthal_p"`    // one-sided p of the observed Stouffer z
	Orwin         int     `json:"orwin"`          // studies with effect 0 needed to bring the mean down to Target
	OrwinMean     float64 `json:"orwin_mean"`     // the mean effect used by Orwin's method
	OrwinTarget   float64 `json:"orwin_target"`   // the target effect
	OrwinWeighted bool    `json:"orwin_weighted"` // Orwin's mean was weighted by 1/vᵢ
	Rosenberg     int     `json:"rosenberg"`      // studies with effect 0 needed to make the fixed-effect test non-significant
	RosenbergP    float64 `json:"rosenberg_p"`    // two-sided p of the fixed-effect z
	RosenbergMean float64 `json:"rosenberg_mean"` // the fixed-effect estimate
	Alpha         float64 `json:"alpha"`
	TargetNote    string  `json:"target_note,omitempty"`
}

// FailSafeN computes fail-safe numbers as metafor's fsn:
//
//	Rosenthal (1979): N = max(0, k(z̄/z_α)² − k),  z̄ = |Σyᵢ/√vᵢ|/√k (Stouffer), z_α one-sided
//	Orwin (1983):     N = max(0, k(ȳ − t)/t),      ȳ = Σwᵢyᵢ/Σwᵢ (or the plain mean with
//	                  OrwinUnweighted), t the target (default ȳ/2)
//	Rosenberg (2005): N = max(0, k((Σwᵢyᵢ/z_{α/2})² − Σwᵢ)/Σwᵢ),  wᵢ = 1/vᵢ
//
// each rounded up to the next integer (rounded when within √ε of one).
// Fail-safe numbers assume the missing studies average a null effect and
// say nothing about bias itself; prefer the regression and selection
// methods for inference.
func FailSafeN(yi, vi []float64, opt FSNOptions) (*FSNResult, error) {
	k := len(yi)
	if k == 0 || len(vi) != k {
		return nil, errs.New(errs.InvalidOption, "meta: fail-safe N", "%d effects and %d variances", k, len(vi))
	}
	alpha := opt.Alpha
	if alpha == 0 {
		alpha = 0.05
	}
	if !(alpha > 0 && alpha < 1) {
		return nil, errs.New(errs.InvalidOption, "meta: fail-safe N", "alpha %g must be in (0, 1)", alpha)
	}
	fk := float64(k)
	var sz, sw, swy, sy float64
	for i, y := range yi {
		v := vi[i]
		if !(v > 0) {
			return nil, errs.Inputf("meta: fail-safe N", 0, "study %d: variance %g must be positive", i+1, v)
		}
		sz += y / math.Sqrt(v)
		sw += 1 / v
		swy += y / v
		sy += y
	}
	res := &FSNResult{Alpha: alpha}
	zbar := math.Abs(sz / math.Sqrt(fk))
	res.RosenthalP = normSF(zbar)
	res.Rosenthal = fsnRound(math.Max(0, fk*sq(zbar/distuv.UnitNormal.Quantile(1-alpha))-fk))

	mean := swy / sw
	if opt.OrwinUnweighted {
		mean = sy / fk
	}
	res.OrwinMean, res.OrwinWeighted = mean, !opt.OrwinUnweighted
	target := mean / 2
	if opt.Target != nil {
		target = *opt.Target
	} else {
		res.TargetNote = "Orwin's target is half the mean effect, an arbitrary default; set the smallest effect that would matter"
	}
	if target == 0 {
		return nil, errs.New(errs.InvalidOption, "meta: fail-safe N", "Orwin's target effect is 0, which no number of null studies can reach; give a non-zero target")
	}
	if math.Signbit(target) != math.Signbit(mean) {
		target = -target
	}
	res.OrwinTarget = target
	res.Orwin = fsnRound(math.Max(0, fk*(mean-target)/target))

	res.RosenbergMean = swy / sw
	z := res.RosenbergMean / math.Sqrt(1/sw)
	res.RosenbergP = 2 * normSF(math.Abs(z))
	wp := sq(swy/distuv.UnitNormal.Quantile(1-alpha/2)) - sw
	res.Rosenberg = fsnRound(math.Max(0, fk*wp/sw))
	return res, nil
}

// fsnRound rounds up unless within √ε of an integer (metafor's rule).
func fsnRound(x float64) int {
	if math.Abs(x-math.Round(x)) >= 1.4901161193847656e-08 {
		return int(math.Ceil(x))
	}
	return int(math.Round(x))
}

// normSF is the standard normal upper tail 1 − Φ(z), via erfc so that it
// keeps full relative precision far in the tail (as R's pnorm).
func normSF(z float64) float64 { return 0.5 * math.Erfc(z/math.Sqrt2) }

// normCDF is Φ(z) via erfc (full relative precision in the lower tail).
func normCDF(z float64) float64 { return 0.5 * math.Erfc(-z/math.Sqrt2) }
