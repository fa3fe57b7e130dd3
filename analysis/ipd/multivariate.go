package ipd

import (
	"math"

	"github.com/alliance-research/alliance/analysis/errs"
	"github.com/alliance-research/alliance/analysis/internal/optim"
	"github.com/alliance-research/alliance/analysis/internal/wald"
	"gonum.org/v1/gonum/mat"
)

// Coef is one pooled coefficient with its Wald z test (rma.mv's default
// test = "z"; DF is nil): the one coefficient type of the meta-analysis
// packages (meta.Coef), from analysis/internal/wald.
type Coef = wald.Coef

// Bivariate is a multivariate random-effects meta-analysis of p
// coefficients (the name is kept for the usual p = 2: the within- and
// between-patient alliance terms).
type Bivariate struct {
	Method       string   `json:"method"` // "REML"
	K            int      `json:"k"`      // studies
	Terms        []string `json:"terms"`
	Studies      []string `json:"studies"`
	Coefficients []Coef   `json:"coefficients"`
	// Vcov is the covariance of the pooled coefficients, (Σᵢ Mᵢ⁻¹)⁻¹.
	Vcov [][]float64 `json:"vcov"`
	// Tau2 are the between-study variances of the terms, Rho their
	// between-study correlations (p = 2: one value), Sigma the whole
	// between-study covariance matrix.
	Tau2      []float64   `json:"tau2"`
	Rho       []float64   `json:"rho"`
	Sigma     [][]float64 `json:"sigma"`
	LogLik    float64     `json:"logLik"`
	Level     float64     `json:"level"`
	Converged bool        `json:"converged"`
	Reason    string      `json:"reason,omitempty"`
}

// Multivariate pools p coefficients across K studies:
//
//	yᵢ = β + uᵢ + eᵢ,  uᵢ ~ N(0, Σ),  eᵢ ~ N(0, Vᵢ),  i = 1 … K,
//
// yᵢ the p stage-1 estimates of study i, Vᵢ their known within-study
// covariance (the stage-1 model's covariance of the fixed effects) and Σ
// an unstructured p×p between-study covariance (Jackson, Riley & White
// 2011). With Mᵢ = Vᵢ + Σ, β̂ = (Σ Mᵢ⁻¹)⁻¹ Σ Mᵢ⁻¹ yᵢ, Var(β̂) = (Σ Mᵢ⁻¹)⁻¹,
// and Σ maximises the REML log-likelihood (metafor's definition, X the
// Kp×p stacked identity so X'X = K·I):
//
//	ℓ = −½[(Kp − p) log 2π − p log K + Σ log|Mᵢ| + log|Σ Mᵢ⁻¹| + Σ rᵢ'Mᵢ⁻¹rᵢ],
//
// rᵢ = yᵢ − β̂. Σ = LL' is searched over its Cholesky factor L (diagonal
// ≥ 0, so Σ may reach the boundary) by a bounded Nelder–Mead simplex with
// restarts. Every study must give all p estimates; level is the confidence
// level of the Wald intervals (0 = 0.95).
func Multivariate(studies, terms []string, y [][]float64, v [][][]float64, level float64) (*Bivariate, error) {
	p, k := len(terms), len(y)
	if level == 0 {
		level = 0.95
	}
	if p < 2 {
		return nil, errs.New(errs.InvalidOption, "ipd", "%d term: a multivariate meta-analysis pools at least 2", p)
	}
	if len(studies) != k || len(v) != k {
		return nil, errs.New(errs.InvalidOption, "ipd", "%d studies, %d estimate vectors and %d covariance matrices: give one of each per study", len(studies), k, len(v))
	}
	npar := p * (p + 1) / 2
	if k <= npar/p+1 || k < 3 {
		return nil, errs.New(errs.TooFew, "ipd", "%d studies for %d terms: a multivariate random-effects model needs at least %d", k, p, max(3, npar/p+2))
	}
	ys := make([]*mat.VecDense, k)
	vs := make([]*mat.SymDense, k)
	for i := range y {
		if len(y[i]) != p || len(v[i]) != p {
			return nil, errs.New(errs.InvalidOption, "ipd", "study %q: %d estimates and a %d-row covariance for %d terms", studies[i], len(y[i]), len(v[i]), p)
		}
		ys[i] = mat.NewVecDense(p, append([]float64(nil), y[i]...))
		vs[i] = mat.NewSymDense(p, nil)
		for a := 0; a < p; a++ {
			if math.IsNaN(y[i][a]) || !(v[i][a][a] > 0) {
				return nil, errs.New(errs.InvalidOption, "ipd", "study %q: the %s estimate or its variance is missing", studies[i], terms[a])
			}
			for b := 0; b <= a; b++ {
				vs[i].SetSym(a, b, v[i][a][b])
			}
		}
	}
	m := &mvModel{p: p, k: k, y: ys, v: vs}
	// Start: L diagonal with the SD of the estimates of each term.
	x0 := make([]float64, npar)
	lower := make([]float64, npar)
	upper := make([]float64, npar)
	for a, idx := 0, 0; a < p; a++ {
		for b := 0; b <= a; b++ {
			lower[idx], upper[idx] = math.Inf(-1), math.Inf(1)
			if a == b {
				var s, s2 float64
				for i := range y {
					s += y[i][a]
					s2 += y[i][a] * y[i][a]
				}
				mean := s / float64(k)
				x0[idx] = math.Sqrt(math.Max(s2/float64(k)-mean*mean, 1e-8))
				lower[idx] = 0
			}
			idx++
		}
	}
	res, err := optim.MinimizeBounded(m.deviance, x0, lower, upper, optim.BoundedSettings{FTolRel: 1e-14, FTolAbs: 1e-14, XTolAbs: 1e-10, MaxEval: 50000, Restarts: 10, Step: 0.1})
	if err != nil {
		return nil, errs.New(errs.NoConvergence, "ipd", "the REML search could not start: %v", err)
	}
	sigma := m.sigma(res.X)
	beta, cov, dev, ok := m.fit(sigma)
	if !ok {
		return nil, errs.New(errs.Singular, "ipd", "a study's covariance Vᵢ + Σ is not positive definite at the optimum")
	}
	out := &Bivariate{Method: "REML", K: k, Terms: terms, Studies: studies, Level: level, Converged: res.Converged, Reason: res.Reason,
		LogLik: -dev / 2}
	ref := wald.Normal(level)
	for a := 0; a < p; a++ {
		c := ref.Coef(beta.AtVec(a), cov.At(a, a))
		c.Name = terms[a]
		out.Coefficients = append(out.Coefficients, c)
		row := make([]float64, p)
		srow := make([]float64, p)
		for b := 0; b < p; b++ {
			row[b] = cov.At(a, b)
			srow[b] = sigma.At(a, b)
		}
		out.Vcov = append(out.Vcov, row)
		out.Sigma = append(out.Sigma, srow)
		out.Tau2 = append(out.Tau2, sigma.At(a, a))
	}
	for a := 0; a < p; a++ {
		for b := 0; b < a; b++ {
			r := math.NaN()
			if d := math.Sqrt(sigma.At(a, a) * sigma.At(b, b)); d > 0 {
				r = sigma.At(a, b) / d
			}
			out.Rho = append(out.Rho, r)
		}
	}
	return out, nil
}

// mvModel holds the data of the multivariate model.
type mvModel struct {
	p, k int
	y    []*mat.VecDense
	v    []*mat.SymDense
}

// sigma is Σ = LL' from the packed lower-triangular L (row by row).
func (m *mvModel) sigma(x []float64) *mat.SymDense {
	l := mat.NewTriDense(m.p, mat.Lower, nil)
	for a, idx := 0, 0; a < m.p; a++ {
		for b := 0; b <= a; b++ {
			l.SetTri(a, b, x[idx])
			idx++
		}
	}
	s := mat.NewSymDense(m.p, nil)
	s.SymOuterK(1, l)
	return s
}

// deviance is −2ℓ_REML at the packed Cholesky factor x.
func (m *mvModel) deviance(x []float64) float64 {
	_, _, dev, ok := m.fit(m.sigma(x))
	if !ok {
		return math.Inf(1)
	}
	return dev
}

// fit returns β̂, Var(β̂) and −2ℓ_REML at Σ (ok false when some Mᵢ or
// Σ Mᵢ⁻¹ is not positive definite).
func (m *mvModel) fit(sigma *mat.SymDense) (*mat.VecDense, *mat.SymDense, float64, bool) {
	p := m.p
	info := mat.NewSymDense(p, nil)
	rhs := mat.NewVecDense(p, nil)
	winv := make([]*mat.SymDense, m.k)
	var logdet float64
	var ch mat.Cholesky
	mi := mat.NewSymDense(p, nil)
	for i := 0; i < m.k; i++ {
		mi.AddSym(m.v[i], sigma)
		if !ch.Factorize(mi) {
			return nil, nil, 0, false
		}
		logdet += ch.LogDet()
		w := mat.NewSymDense(p, nil)
		if err := ch.InverseTo(w); err != nil {
			return nil, nil, 0, false
		}
		winv[i] = w
		info.AddSym(info, w)
		var t mat.VecDense
		t.MulVec(w, m.y[i])
		rhs.AddVec(rhs, &t)
	}
	var ci mat.Cholesky
	if !ci.Factorize(info) {
		return nil, nil, 0, false
	}
	cov := mat.NewSymDense(p, nil)
	if err := ci.InverseTo(cov); err != nil {
		return nil, nil, 0, false
	}
	beta := mat.NewVecDense(p, nil)
	beta.MulVec(cov, rhs)
	var quad float64
	r := mat.NewVecDense(p, nil)
	for i := 0; i < m.k; i++ {
		r.SubVec(m.y[i], beta)
		quad += mat.Inner(r, winv[i], r)
	}
	kp := float64(m.k * p)
	dev := (kp-float64(p))*math.Log(2*math.Pi) - float64(p)*math.Log(float64(m.k)) + logdet + ci.LogDet() + quad
	return beta, cov, dev, true
}
