package metamv

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/alliance-research/alliance/analysis/internal/optim"
)

// profile sets the profile-likelihood CIs of the free components and the
// likelihood-ratio tests against the two-level models.
func (r *Result) profile(st *state, vt float64) {
	reml := r.Method == REML
	opt := r.opt
	crit := distuv.ChiSquared{K: 1}.Quantile(r.Level)
	nfree := 0
	for j := 0; j < 2; j++ {
		if !r.Sigma2Fixed[j] {
			nfree++
		}
	}
	for j := 0; j < 2; j++ {
		if r.Sigma2Fixed[j] {
			continue
		}
		// Profile log-likelihood with component j fixed at val.
		prof := func(val float64) (float64, error) {
			fixed := opt.Sigma2
			fixed[j] = &val
			s := st.s2
			s[j] = val
			ps, _, err := r.ev.optimize(reml, fixed, s, vt, opt.Tol*1e-2, opt.MaxIter)
			if err != nil {
				return math.NaN(), err
			}
			return ps.ll, nil
		}
		ci, note, err := profileCI(prof, st.ll, st.s2[j], crit)
		name := []string{"sigma2_outer", "sigma2_inner"}[j]
		if err != nil {
			r.CINotes = append(r.CINotes, fmt.Sprintf("profile CI for %s not available: %v", name, err))
		} else {
			r.Sigma2CI[j] = ci
			if note != "" {
				r.CINotes = append(r.CINotes, name+": "+note)
			}
		}
		// LRT against the model with this component at zero.
		if nfree == 2 {
			zero := 0.0
			fixed := opt.Sigma2
			fixed[j] = &zero
			s := st.s2
			s[j] = 0
			rs, _, err := r.ev.optimize(reml, fixed, s, vt, opt.Tol, opt.MaxIter)
			if err != nil {
				r.Notes = append(r.Notes, fmt.Sprintf("likelihood-ratio test of %s = 0 not available: %v", name, err))
				continue
			}
			red := fitStats(rs.ll, r.K, r.P, 1, reml, 0)
			lrt := math.Max(0, 2*(st.ll-rs.ll))
			r.LRT = append(r.LRT, LRTest{Reduced: name + " = 0", Component: j,
				LogLikFull: st.ll, LogLikReduced: rs.ll, AICFull: r.Fit.AIC, AICReduced: red.AIC,
				BICFull: r.Fit.BIC, BICReduced: red.BIC, LRT: lrt, DF: 1,
				P: distuv.ChiSquared{K: 1}.Survival(lrt)})
		}
	}
}

// profileCI finds {σ² : 2(ℓ̂ − ℓ_prof(σ²)) ≤ crit} by Brent root finding on
// each side of the estimate, as confint.rma.mv: the lower bound is 0 when
// the profile at 0 is still inside; the upper search stops at
// max(10, 100·σ̂²) (10 when σ̂² ≈ 0).
func profileCI(prof func(float64) (float64, error), llMax, est, crit float64) (*[2]float64, string, error) {
	var ferr error
	f := func(v float64) float64 {
		ll, err := prof(v)
		if err != nil {
			ferr = err
			return math.NaN()
		}
		return 2*(llMax-ll) - crit
	}
	var ci [2]float64
	var note string
	tol := 1e-12 * math.Max(1e-4, est)
	if est > 0 {
		f0 := f(0)
		if ferr != nil {
			return nil, "", ferr
		}
		if f0 > 0 {
			res, err := optim.Root(f, 0, est, tol, 1000)
			if err != nil {
				return nil, "", err
			}
			if ferr != nil {
				return nil, "", ferr
			}
			ci[0] = res.X
		}
	}
	hi := 10.0
	if est > math.Sqrt(2.220446049250313e-16) {
		hi = math.Max(10, 100*est)
	}
	fh := f(hi)
	if ferr != nil {
		return nil, "", ferr
	}
	if fh < 0 {
		ci[1] = hi
		note = fmt.Sprintf("upper bound truncated at the search limit %g", hi)
	} else {
		res, err := optim.Root(f, est, hi, tol, 1000)
		if err != nil {
			return nil, "", err
		}
		if ferr != nil {
			return nil, "", ferr
		}
		ci[1] = res.X
	}
	return &ci, note, nil
}
