package meta

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/alliance-research/alliance/analysis/errs"
	"github.com/alliance-research/alliance/analysis/internal/linalg"
	"github.com/alliance-research/alliance/analysis/internal/optim"
	"github.com/alliance-research/alliance/analysis/internal/wald"
	"gonum.org/v1/gonum/stat/distuv"
)

// LocScaleResult is a fitted location–scale meta-regression (metafor's
// rma.ls object): the location part yᵢ = xᵢ'β + uᵢ + eᵢ as in Fit, with a
// between-study variance that depends on the scale moderators through the
// log link, τ²ᵢ = exp(zᵢ'α).
type LocScaleResult struct {
	K       int     `json:"k"` // number of studies used
	P       int     `json:"p"` // location coefficients
	Q       int     `json:"q"` // scale coefficients
	Measure string  `json:"measure"`
	Method  string  `json:"method"` // ML or REML
	Test    string  `json:"test"`   // z, t, knha or adhoc
	Level   float64 `json:"level"`
	Link    string  `json:"link"` // "log"

	// Coefficients are the location coefficients β̂ (WLS at the fitted
	// τ²ᵢ); ScaleCoefficients the scale coefficients α̂ on the log τ² scale,
	// with SEs from the inverse observed information.
	Coefficients      []Coef `json:"coefficients"`
	ScaleCoefficients []Coef `json:"scale_coefficients"`

	// QE is the test for residual heterogeneity (weights 1/vᵢ, as Fit).
	QE   float64  `json:"QE"`
	QEDF int      `json:"QE_df"`
	QEP  *float64 `json:"QE_p"`
	// QM tests the location moderators (the intercept if there are none):
	// χ² under z, F(QM_df, QM_df2) otherwise.
	QM    float64 `json:"QM"`
	QMDF  int     `json:"QM_df"`
	QMDF2 *int    `json:"QM_df2,omitempty"`
	QMP   float64 `json:"QM_p"`
	// QS is the Wald test of the scale coefficients other than the
	// intercept (of the intercept if there are none), as metafor's QS:
	// χ² under z, F(QS_df, k − q) otherwise.
	QS    float64 `json:"QS"`
	QSDF  int     `json:"QS_df"`
	QSDF2 *int    `json:"QS_df2,omitempty"`
	QSP   float64 `json:"QS_p"`

	// ScaleLRT is the likelihood-ratio test of the scale part, 2(ℓ − ℓ₀)
	// against χ²(q − 1), ℓ₀ the ML or REML log-likelihood of the same
	// location model with one τ² (scale = ~ 1; nil when q = 1).
	ScaleLRT   *float64 `json:"scale_LRT,omitempty"`
	ScaleLRTDF int      `json:"scale_LRT_df,omitempty"`
	ScaleLRTP  *float64 `json:"scale_LRT_p,omitempty"`
	// Homogeneous is the model with one τ² the LRT compares with.
	Homogeneous *Result `json:"-"`

	// Tau2 are the fitted τ²ᵢ = exp(zᵢ'α̂), one per study (metafor's
	// res$tau2).
	Tau2 []float64 `json:"tau2"`
	// Tau2Levels is τ² with its CI at each combination of scale factor
	// levels seen in the data (only when every scale moderator is a factor).
	Tau2Levels []ScalePrediction `json:"tau2_levels,omitempty"`
	// ScalePredictions are attached by PredictScale.
	ScalePredictions []ScalePrediction `json:"scale_predictions,omitempty"`

	Fit        FitStats `json:"fit"`
	Iterations int      `json:"iterations"`
	Converged  bool     `json:"converged"`
	Notes      []string `json:"notes,omitempty"`

	// Vcov (p×p) and VcovScale (q×q) are the covariance matrices of β̂ and
	// α̂ (row-major).
	Vcov      []float64 `json:"-"`
	VcovScale []float64 `json:"-"`
	// ScaleNames are the scale design's column names ("intrcpt" first);
	// Yi, Vi, Rows as in Result.
	ScaleNames []string  `json:"-"`
	Yi, Vi     []float64 `json:"-"`
	Rows       []int     `json:"-"`

	scaleMods []Moderator
	locMods   []Moderator
	opt       Options
}

// ScalePrediction is the predicted log τ² at scale moderator values, with
// its back-transform (metafor's predict(res, newscale = z, transf = exp)).
type ScalePrediction struct {
	Values map[string]string `json:"values"`
	Z      []float64         `json:"z"`     // the scale design row
	Pred   float64           `json:"pred"`  // z'α̂ (log τ²)
	SE     float64           `json:"se"`    // √(z'Var(α̂)z)
	CILB   float64           `json:"ci_lb"` // pred ± c·SE
	CIUB   float64           `json:"ci_ub"`
	Tau2   float64           `json:"tau2"` // exp(pred)
	// Tau2CILB, Tau2CIUB are exp of the CI bounds.
	Tau2CILB float64 `json:"tau2_ci_lb"`
	Tau2CIUB float64 `json:"tau2_ci_ub"`
}

// FitLocationScale fits the location–scale meta-regression of Viechtbauer
// & López-López (2022, Res. Synth. Methods 13(6), 697–715), metafor's
// rma(yi, vi, mods = ~ x, scale = ~ z) with the log link:
//
//	yᵢ = xᵢ'β + uᵢ + eᵢ,  uᵢ ~ N(0, τ²ᵢ),  eᵢ ~ N(0, vᵢ),  log τ²ᵢ = zᵢ'α.
//
// opt.Mods are the location moderators, scale the scale moderators (the
// intercept is always included in both; factors are treatment-coded as in
// Fit). opt.Method must be ML or REML. For given α, β̂(α) is the WLS
// estimate with wᵢ = 1/(vᵢ + τ²ᵢ), and α̂ maximises the profile
//
//	ℓ(α)  = −½k log 2π − ½Σ log(vᵢ + τ²ᵢ) − ½ Σwᵢeᵢ²                      (ML)
//	ℓᵣ(α) = −½(k−p) log 2π + ½ log|X'X| − ½Σ log(vᵢ + τ²ᵢ) − ½ log|X'WX| − ½ Σwᵢeᵢ²   (REML)
//
// eᵢ = yᵢ − xᵢ'β̂, by damped Newton steps (optim.MinimizeLM) on the analytic
// gradient ∂ℓ/∂α = Σ τ²ᵢ zᵢ uᵢ with uᵢ = ½(wᵢ²eᵢ² − wᵢ) (ML) or
// ½(wᵢ²eᵢ² − Pᵢᵢ) (REML), P = W − WX(X'WX)⁻¹X'W, numeric scale moderators
// standardised during the search as metafor does. Var(α̂) is the inverse of
// the observed information −∂²ℓ/∂α∂α' of that profile, computed
// analytically (metafor takes numDeriv's numerical Hessian of the same
// function), from
//
//	∂²ℓ/∂τ²ᵢ∂τ²ⱼ = ½wᵢ²δᵢⱼ − rᵢPᵢⱼrⱼ (ML),  ½Pᵢⱼ² − rᵢPᵢⱼrⱼ (REML),  r = We,
//
// reduced to p×p and q×q cross-products (no k×k matrix). β̂ has
// Var(β̂) = (X'WX)⁻¹ (times the Knapp–Hartung factor under knha/adhoc).
// Tests and CIs are z (χ² for QM, QS) or, for t/knha/adhoc, t with k − p df
// for the location and k − q df for the scale coefficients (F for QM, QS),
// as metafor 3.8. The LRT of the scale part compares with Fit's ML/REML
// model on the same studies (one τ²); it is omitted when q = 1.
func FitLocationScale(yi, vi []float64, opt Options, scale []Moderator) (*LocScaleResult, error) {
	opt, err := opt.withDefaults()
	if err != nil {
		return nil, err
	}
	if opt.Weights != nil {
		return nil, errs.New(errs.InvalidOption, "meta", "the location–scale model is fitted by ML or REML with inverse-variance weights; drop the user weights")
	}
	if opt.Method != ML && opt.Method != REML {
		return nil, errs.New(errs.InvalidOption, "meta", "location–scale models are fitted by ML or REML, not %s", opt.Method)
	}
	if opt.Tau2 != nil {
		return nil, errs.New(errs.InvalidOption, "meta", "a location–scale model estimates τ² from the scale moderators; it cannot be fixed")
	}
	dx, dz, notes, err := locScaleDesigns(yi, vi, opt, scale)
	if err != nil {
		return nil, err
	}
	if dx.k <= dx.p || dx.k <= dz.p {
		return nil, errs.New(errs.TooFew, "meta", "%d studies for %d location and %d scale coefficients; use fewer moderators", dx.k, dx.p, dz.p)
	}
	hom, err := fitDesign(dx, opt, nil)
	if err != nil {
		return nil, err
	}
	ls := newLSModel(dx, dz, opt.Method == REML)
	res := &LocScaleResult{K: dx.k, P: dx.p, Q: dz.p, Measure: opt.Measure, Method: opt.Method, Test: opt.Test, Level: opt.Level, Link: "log",
		Homogeneous: hom, ScaleNames: dz.names, Yi: dx.y, Vi: dx.v, Rows: dx.rows, scaleMods: dz.mods, locMods: dx.mods, opt: opt, Notes: notes}
	alpha, it, conv, why := ls.optimise(hom.Tau2, hom.VT)
	res.Iterations, res.Converged = it, conv
	if !conv {
		return nil, errs.New(errs.NoConvergence, "meta", "the location–scale model did not converge after %d iterations (%s); the scale moderators may separate studies with no heterogeneity — use fewer scale moderators", it, why)
	}
	if err := res.finish(ls, alpha); err != nil {
		return nil, err
	}
	res.QE, res.QEDF, res.QEP = hom.QE, hom.QEDF, hom.QEP
	if dz.p > 1 {
		lrt := math.Max(0, 2*(res.Fit.LogLik-hom.Fit.LogLik))
		df := dz.p - 1
		res.ScaleLRT, res.ScaleLRTDF = f64(lrt), df
		res.ScaleLRTP = f64(distuv.ChiSquared{K: float64(df)}.Survival(lrt))
	}
	minT := math.Inf(1)
	for _, t := range res.Tau2 {
		minT = math.Min(minT, t)
	}
	if minT < 1e-6*hom.VT {
		res.Notes = append(res.Notes, fmt.Sprintf("the smallest fitted τ²ᵢ is %.3g, practically 0: the likelihood keeps rising as log τ² → −∞ for some studies, so the scale coefficients that set it, their SEs and tests are unreliable; merge sparse levels or use fewer scale moderators", minT))
	}
	res.tau2Levels()
	return res, nil
}

// locScaleDesigns builds the location and scale designs on the studies
// complete for yi, vi and both sets of moderators.
func locScaleDesigns(yi, vi []float64, opt Options, scale []Moderator) (dx, dz *design, notes []string, err error) {
	if len(scale) == 0 {
		return nil, nil, nil, errs.New(errs.InvalidOption, "meta", "a location–scale model needs at least one scale moderator")
	}
	if err = checkDesignInput(yi, vi, opt.Mods, opt.Labels); err != nil {
		return nil, nil, nil, err
	}
	if err = checkDesignInput(yi, vi, scale, nil); err != nil {
		return nil, nil, nil, fmt.Errorf("scale: %w", err)
	}
	all := append(append([]Moderator(nil), opt.Mods...), scale...)
	keep, notes, err := completeCases(yi, vi, all)
	if err != nil {
		return nil, nil, notes, err
	}
	sub := func(m []Moderator) []Moderator {
		out := make([]Moderator, len(m))
		for i, md := range m {
			out[i].Name = md.Name
			if md.Numeric != nil {
				out[i].Numeric = pickF(md.Numeric, keep)
			} else {
				out[i].Text = pickS(md.Text, keep)
			}
		}
		return out
	}
	y, v := pickF(yi, keep), pickF(vi, keep)
	var lab []string
	if opt.Labels != nil {
		lab = pickS(opt.Labels, keep)
	}
	dx, _, err = newDesign(y, v, sub(opt.Mods), lab)
	if err != nil {
		return nil, nil, notes, err
	}
	dz, _, err = newDesign(y, v, sub(scale), nil)
	if err != nil {
		return nil, nil, notes, fmt.Errorf("scale part: %w", err)
	}
	if dz.p == 1 {
		return nil, nil, notes, errs.New(errs.Singular, "meta", "the scale moderators add nothing to the intercept (a factor with one level in the %d complete studies?); a location–scale model needs a scale moderator that varies", dz.k)
	}
	dx.rows, dz.rows = keep, keep
	if len(notes) > 0 {
		notes = append([]string(nil), notes...)
		for i, n := range notes {
			notes[i] = strings.Replace(n, "missing moderators", "missing location or scale moderators", 1)
		}
	}
	return dx, dz, notes, nil
}

func pickF(x []float64, keep []int) []float64 {
	out := make([]float64, len(keep))
	for j, i := range keep {
		out[j] = x[i]
	}
	return out
}

func pickS(x []string, keep []int) []string {
	out := make([]string, len(keep))
	for j, i := range keep {
		out[j] = x[i]
	}
	return out
}

// lsModel evaluates the profile (RE)ML log-likelihood of α, its gradient
// and its Hessian.
type lsModel struct {
	dx, dz *design
	k      int
	reml   bool
	s      *wls
	ldXX   float64 // log|X'X|
	tau2   []float64
	w, e   []float64
	h      []float64 // xᵢ'(X'WX)⁻¹xᵢ
	u      []float64 // ∂ℓ/∂τ²ᵢ
	zs     []float64 // standardised scale design used by the optimiser
	m      []float64 // q×q: α = m α*
}

func newLSModel(dx, dz *design, reml bool) *lsModel {
	k := dx.k
	ls := &lsModel{dx: dx, dz: dz, k: k, reml: reml, s: newWLS(dx.x, k, dx.p),
		tau2: make([]float64, k), w: make([]float64, k), e: make([]float64, k), h: make([]float64, k), u: make([]float64, k)}
	if err := ls.s.factor(nil); err == nil {
		ls.ldXX = ls.s.logdet
	}
	ls.standardise()
	return ls
}

// standardise centres and scales the numeric (non-0/1) scale columns for
// the search (metafor's scaleZ), keeping the map α = M α*.
func (ls *lsModel) standardise() {
	q, k := ls.dz.p, ls.k
	z := ls.dz.x
	ls.zs = append([]float64(nil), z...)
	ls.m = make([]float64, q*q)
	for j := 0; j < q; j++ {
		ls.m[j*q+j] = 1
	}
	for j := 1; j < q; j++ {
		dummy := true
		var mean float64
		for i := 0; i < k; i++ {
			x := z[i*q+j]
			if math.Abs(x) > 1e-8 && math.Abs(x-1) > 1e-8 {
				dummy = false
			}
			mean += x
		}
		if dummy {
			continue
		}
		mean /= float64(k)
		var ss float64
		for i := 0; i < k; i++ {
			ss += sq(z[i*q+j] - mean)
		}
		sd := math.Sqrt(ss / float64(k-1))
		if !(sd > 0) {
			continue
		}
		for i := 0; i < k; i++ {
			ls.zs[i*q+j] = (z[i*q+j] - mean) / sd
		}
		ls.m[j*q+j] = 1 / sd
		ls.m[0*q+j] = -mean / sd
	}
}

// eval sets τ², w, β̂, e, h, u at α (original scale) and returns ℓ(α); it
// returns −Inf when X'WX cannot be factored or τ² overflows.
func (ls *lsModel) eval(alpha []float64) float64 { return ls.evalAt(alpha, true) }

// evalAt is eval; without ll it skips the log terms (gradient only) and
// returns 0 on success.
func (ls *lsModel) evalAt(alpha []float64, ll bool) float64 {
	d, q := ls.dz, ls.dz.p
	var sl float64
	for i := 0; i < ls.k; i++ {
		var eta float64
		for j := 0; j < q; j++ {
			eta += d.x[i*q+j] * alpha[j]
		}
		t := math.Exp(eta)
		if math.IsInf(t, 0) || math.IsNaN(t) {
			return math.Inf(-1)
		}
		ls.tau2[i] = t
		vt := ls.dx.v[i] + t
		ls.w[i] = 1 / vt
		if ll {
			sl += math.Log(vt)
		}
	}
	s := ls.s
	if err := s.factor(ls.w); err != nil {
		return math.Inf(-1)
	}
	rss, _ := s.solve(ls.w, ls.dx.y)
	p := ls.dx.p
	x := ls.dx.x
	for i := 0; i < ls.k; i++ {
		row := x[i*p : (i+1)*p]
		e := ls.dx.y[i]
		var h float64
		for a := 0; a < p; a++ {
			e -= row[a] * s.beta[a]
			var t float64
			for b := 0; b < p; b++ {
				t += s.ainv[a*p+b] * row[b]
			}
			h += row[a] * t
		}
		ls.e[i], ls.h[i] = e, h
		w := ls.w[i]
		r2 := w * w * e * e
		if ls.reml {
			ls.u[i] = 0.5 * (r2 - (w - w*w*h))
		} else {
			ls.u[i] = 0.5 * (r2 - w)
		}
	}
	if !ll {
		return 0
	}
	k := float64(ls.k)
	if !ls.reml {
		return -0.5*k*math.Log(2*math.Pi) - 0.5*sl - 0.5*rss
	}
	return -0.5*(k-float64(p))*math.Log(2*math.Pi) + 0.5*ls.ldXX - 0.5*sl - 0.5*s.logdet - 0.5*rss
}

// grad stores ∂ℓ/∂α = Σ τ²ᵢ uᵢ zᵢ after eval.
func (ls *lsModel) grad(g []float64) {
	q := ls.dz.p
	clear(g)
	for i := 0; i < ls.k; i++ {
		c := ls.tau2[i] * ls.u[i]
		row := ls.dz.x[i*q : (i+1)*q]
		for j := 0; j < q; j++ {
			g[j] += c * row[j]
		}
	}
}

// toAlpha maps the search parameters α* to α = Mα*.
func (ls *lsModel) toAlpha(alpha, as []float64) {
	q := ls.dz.p
	for i := 0; i < q; i++ {
		var t float64
		for j := 0; j < q; j++ {
			t += ls.m[i*q+j] * as[j]
		}
		alpha[i] = t
	}
}

// optimise maximises ℓ from α* = (log τ₀², 0, …), τ₀² the one-τ² estimate
// (or 1% of the typical sampling variance when that is 0), and returns α̂.
func (ls *lsModel) optimise(tau20, vt float64) (alpha []float64, iter int, converged bool, why string) {
	q := ls.dz.p
	start := make([]float64, q)
	start[0] = math.Log(math.Max(tau20, 0.01*vt))
	alpha = make([]float64, q)
	g := make([]float64, q)
	f := func(as []float64) float64 {
		ls.toAlpha(alpha, as)
		ll := ls.eval(alpha)
		if math.IsInf(ll, -1) || math.IsNaN(ll) {
			return math.Inf(1)
		}
		return -ll
	}
	grad := func(gs, as []float64) {
		ls.toAlpha(alpha, as)
		if ll := ls.evalAt(alpha, false); math.IsInf(ll, -1) {
			for j := range gs {
				gs[j] = math.NaN()
			}
			return
		}
		ls.grad(g)
		// ∂(−ℓ)/∂α* = −M'g
		for j := 0; j < q; j++ {
			var t float64
			for i := 0; i < q; i++ {
				t += ls.m[i*q+j] * g[i]
			}
			gs[j] = -t
		}
	}
	r, err := optim.MinimizeLM(f, grad, start, optim.LMSettings{MaxIter: 500, StepTol: 1e-12})
	if err != nil {
		return nil, 0, false, err.Error()
	}
	ls.toAlpha(alpha, r.X)
	ls.eval(alpha)
	gs := make([]float64, q)
	grad(gs, r.X)
	var gmax float64
	for _, v := range gs {
		gmax = math.Max(gmax, math.Abs(v))
	}
	ok := r.Converged && gmax < 1e-5*math.Max(1, math.Abs(r.F))
	why = fmt.Sprintf("largest gradient component %.3g", gmax)
	if !r.Converged {
		why = "the Newton steps stopped without meeting the step criterion; " + why
	}
	return append([]float64(nil), alpha...), r.Iterations, ok, why
}

// information returns the observed information −∂²ℓ/∂α∂α' (q×q) at the
// α of the last eval.
func (ls *lsModel) information() []float64 {
	p, q, k := ls.dx.p, ls.dz.p, ls.k
	x, z := ls.dx.x, ls.dz.x
	b := ls.s.ainv
	hess := make([]float64, q*q)
	addOuter := func(zi []float64, c float64) {
		for a := 0; a < q; a++ {
			ca := c * zi[a]
			for bb := 0; bb < q; bb++ {
				hess[a*q+bb] += ca * zi[bb]
			}
		}
	}
	// G = Σ cᵢ rᵢ wᵢ xᵢ zᵢ' (p×q), and for REML F_ab = Σ cᵢ wᵢ² xᵢa xᵢb zᵢ.
	g := make([]float64, p*q)
	var fab []float64
	if ls.reml {
		fab = make([]float64, p*p*q)
	}
	for i := 0; i < k; i++ {
		c, w, e := ls.tau2[i], ls.w[i], ls.e[i]
		r := w * e
		zi, xi := z[i*q:(i+1)*q], x[i*p:(i+1)*p]
		// first-order term Σ τ²ᵢ uᵢ zᵢzᵢ'
		diag := c * ls.u[i]
		// − rᵢ² wᵢ cᵢ² (diagonal of rPr)
		diag -= c * c * r * r * w
		if ls.reml {
			diag += 0.5 * c * c * (w*w - 2*w*w*w*ls.h[i])
		} else {
			diag += 0.5 * c * c * w * w
		}
		addOuter(zi, diag)
		crw := c * r * w
		for a := 0; a < p; a++ {
			xa := xi[a] * crw
			for j := 0; j < q; j++ {
				g[a*q+j] += xa * zi[j]
			}
		}
		if ls.reml {
			cw2 := c * w * w
			for a := 0; a < p; a++ {
				for bb := 0; bb < p; bb++ {
					t := cw2 * xi[a] * xi[bb]
					base := (a*p + bb) * q
					for j := 0; j < q; j++ {
						fab[base+j] += t * zi[j]
					}
				}
			}
		}
	}
	// + G'BG
	bg := make([]float64, p*q)
	for a := 0; a < p; a++ {
		for j := 0; j < q; j++ {
			var t float64
			for c := 0; c < p; c++ {
				t += b[a*p+c] * g[c*q+j]
			}
			bg[a*q+j] = t
		}
	}
	for i := 0; i < q; i++ {
		for j := 0; j < q; j++ {
			var t float64
			for a := 0; a < p; a++ {
				t += g[a*q+i] * bg[a*q+j]
			}
			hess[i*q+j] += t
		}
	}
	// + ½ Σ_{abcd} B_ac B_bd F_ab F_cd' (REML)
	if ls.reml {
		for a := 0; a < p; a++ {
			for bb := 0; bb < p; bb++ {
				fa := fab[(a*p+bb)*q : (a*p+bb+1)*q]
				for c := 0; c < p; c++ {
					for d := 0; d < p; d++ {
						coef := 0.5 * b[a*p+c] * b[bb*p+d]
						if coef == 0 {
							continue
						}
						fc := fab[(c*p+d)*q : (c*p+d+1)*q]
						for i := 0; i < q; i++ {
							for j := 0; j < q; j++ {
								hess[i*q+j] += coef * fa[i] * fc[j]
							}
						}
					}
				}
			}
		}
	}
	for i := range hess {
		hess[i] = -hess[i]
	}
	return hess
}

// finish computes every reported quantity at α̂.
func (res *LocScaleResult) finish(ls *lsModel, alpha []float64) error {
	opt := res.opt
	ll := ls.eval(alpha)
	if math.IsInf(ll, -1) {
		return errs.New(errs.Singular, "meta", "the location–scale model's weights are degenerate at the estimate")
	}
	k, p, q := ls.k, ls.dx.p, ls.dz.p
	res.Tau2 = append([]float64(nil), ls.tau2...)
	info := ls.information()
	va, _, err := linalg.InvertSPD(info, q)
	if err != nil {
		return errs.New(errs.Singular, "meta", "the observed information of the scale coefficients is not positive definite (the likelihood is flat in some direction); use fewer scale moderators")
	}
	res.VcovScale = va
	// location part
	s := ls.s
	s2w := 1.0
	if opt.Test == TestKNHA || opt.Test == TestAdhoc {
		var rss float64
		for i, e := range ls.e {
			rss += ls.w[i] * e * e
		}
		s2w = rss / float64(k-p)
		if rss <= 2.220446049250313e-16 {
			s2w = 0
		}
		if opt.Test == TestAdhoc && s2w < 1 {
			s2w = 1
		}
	}
	res.Vcov = make([]float64, p*p)
	for i := range res.Vcov {
		res.Vcov[i] = s2w * s.ainv[i]
	}
	beta := append([]float64(nil), s.beta...)
	locRef, scRef := wald.Normal(opt.Level), wald.Normal(opt.Level)
	if opt.isT() {
		locRef, scRef = wald.StudentT(float64(k-p), opt.Level), wald.StudentT(float64(k-q), opt.Level)
	}
	res.Coefficients = coefs(ls.dx.names, beta, res.Vcov, locRef)
	res.ScaleCoefficients = coefs(ls.dz.names, alpha, va, scRef)
	res.QM, res.QMDF, res.QMDF2, res.QMP = omnibus(beta, res.Vcov, p, locRef)
	res.QS, res.QSDF, res.QSDF2, res.QSP = omnibus(alpha, va, q, scRef)
	// fit statistics as metafor's fit.stats with parms = p + q
	parms := float64(p + q)
	n := float64(k)
	if ls.reml {
		n = float64(k - p)
	}
	fs := FitStats{LogLik: ll, AIC: -2*ll + 2*parms, BIC: -2*ll + parms*math.Log(n)}
	mx := math.Max(n, parms+2)
	fs.AICc = -2*ll + 2*parms*mx/(mx-parms-1)
	if ls.reml {
		fs.Deviance = -2 * ll
	} else {
		var sat float64
		for _, v := range ls.dx.v {
			sat += -0.5 * math.Log(2*math.Pi*v)
		}
		fs.Deviance = -2 * (ll - sat)
	}
	res.Fit = fs
	return nil
}

// coefs returns the Wald table of b with covariance v (row-major) under
// ref.
func coefs(names []string, b, v []float64, ref wald.Ref) []Coef {
	p := len(b)
	out := make([]Coef, p)
	for j := range b {
		w := ref.Coef(b[j], v[j*p+j])
		c := Coef{Name: names[j], Estimate: w.Estimate, SE: w.SE, Statistic: w.Statistic, P: w.P, CILB: w.CILB, CIUB: w.CIUB}
		if ref.IsT() {
			c.DF = f64(ref.DF())
		}
		out[j] = c
	}
	return out
}

// omnibus is metafor's QM/QS: the Wald test of every coefficient but the
// intercept (of the intercept when it is alone), χ² or F(m, df).
func omnibus(b, v []float64, p int, ref wald.Ref) (stat float64, df int, df2 *int, pval float64) {
	lo := 1
	if p == 1 {
		lo = 0
	}
	stat, pval, err := ref.Omnibus(b, v, p, wald.Span(lo, p))
	if err != nil {
		stat, pval = math.NaN(), math.NaN()
	}
	if ref.IsT() {
		d := int(ref.DF())
		df2 = &d
	}
	return stat, p - lo, df2, pval
}

// tau2Levels sets Tau2Levels when every scale moderator is a factor: τ²
// at each combination of levels seen in the data, in sorted order.
func (res *LocScaleResult) tau2Levels() {
	if len(res.scaleMods) == 0 {
		return
	}
	for _, m := range res.scaleMods {
		if m.Text == nil {
			return
		}
	}
	seen := map[string]map[string]string{}
	var keys []string
	for i := range res.Yi {
		vals := map[string]string{}
		parts := make([]string, len(res.scaleMods))
		for j, m := range res.scaleMods {
			vals[m.Name] = m.Text[i]
			parts[j] = m.Text[i]
		}
		key := strings.Join(parts, "\x00")
		if _, ok := seen[key]; !ok {
			seen[key] = vals
			keys = append(keys, key)
		}
	}
	sort.Strings(keys)
	pts := make([]map[string]string, len(keys))
	for i, k := range keys {
		pts[i] = seen[k]
	}
	preds, err := res.predictScale(pts)
	if err == nil {
		res.Tau2Levels = preds
	}
}

// PredictScale returns the predicted log τ² and τ² with CIs at scale
// moderator values (moderator name → number, or level name for a factor;
// every scale moderator needs a value), as metafor's
// predict(res, newscale = z, transf = exp): pred = z'α̂, SE = √(z'Var(α̂)z),
// CI pred ± c·SE with c from N(0, 1), or t(k − q) under t/knha/adhoc tests.
// It also stores them in ScalePredictions.
func (res *LocScaleResult) PredictScale(newscale []map[string]string) ([]ScalePrediction, error) {
	preds, err := res.predictScale(newscale)
	if err != nil {
		return nil, err
	}
	res.ScalePredictions = preds
	return preds, nil
}

func (res *LocScaleResult) predictScale(newscale []map[string]string) ([]ScalePrediction, error) {
	q := res.Q
	ref := wald.Normal(res.Level)
	if res.opt.isT() {
		ref = wald.StudentT(float64(res.K-q), res.Level)
	}
	alpha := make([]float64, q)
	for j, c := range res.ScaleCoefficients {
		alpha[j] = c.Estimate
	}
	out := make([]ScalePrediction, 0, len(newscale))
	for _, vals := range newscale {
		z, err := codeRow(res.scaleMods, res.ScaleNames, vals)
		if err != nil {
			return nil, fmt.Errorf("scale: %w", err)
		}
		est, se, lb, ub := ref.Linear(z, alpha, res.VcovScale, q)
		out = append(out, ScalePrediction{Values: vals, Z: z, Pred: est, SE: se, CILB: lb, CIUB: ub,
			Tau2: math.Exp(est), Tau2CILB: math.Exp(lb), Tau2CIUB: math.Exp(ub)})
	}
	return out, nil
}
