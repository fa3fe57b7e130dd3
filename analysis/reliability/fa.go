package reliability

import (
	"math"
	"sort"

	"github.com/alliance-research/alliance/analysis/errs"
	"github.com/alliance-research/alliance/analysis/internal/optim"
	"gonum.org/v1/gonum/mat"
)

// FAOptions controls FactorAnalysis.
type FAOptions struct {
	// NFactors is the number of factors; 0 means 1 (psych::fa's default).
	NFactors int
	// Rotation is RotateOblimin (psych's default, used when empty),
	// RotateVarimax or RotateNone.
	Rotation Rotation
}

// FAResult is the output of FactorAnalysis. Matrices are [item][factor].
type FAResult struct {
	NFactors int      `json:"nfactors"`
	Rotation Rotation `json:"rotation"`
	// Loadings is the (pattern) loading matrix, after rotation, with each
	// column's sign chosen so that its sum is positive and the columns
	// ordered by the variance they account for, as psych::fa.
	Loadings [][]float64 `json:"loadings"`
	// Phi is the factor correlation matrix of an oblique rotation (nil
	// otherwise).
	Phi [][]float64 `json:"Phi,omitempty"`
	// Communalities are 1 − ψ_i at the minres solution (psych's
	// communalities); Uniquenesses are 1 − Σ_j λ_ij² of the unrotated
	// loadings (psych's uniquenesses). At convergence they sum to one.
	Communalities []float64 `json:"communalities"`
	Uniquenesses  []float64 `json:"uniquenesses"`
	// Objective is psych's minres criterion at the solution: the sum of
	// squared off-diagonal residuals Σ_{i<j} (r_ij − Σ_k λ_ik λ_jk)².
	Objective float64 `json:"objective"`
	// Iterations of the uniqueness optimiser.
	Iterations int `json:"iterations"`
}

// Bounds on the uniquenesses during minres, as psych::fa (optim's lower =
// 0.005 and upper = max(smc, 1)).
const (
	minresLower = 0.005
	minresGtol  = 1e-10
	// floorGtol is the largest projected gradient accepted when F stops
	// decreasing in floating point before reaching minresGtol.
	floorGtol   = 1e-7
	minresMaxIt = 2000
)

// FactorAnalysis fits a common factor model with nfactors factors to the
// correlation matrix r by minimum residuals (psych::fa(r, nfactors,
// fm = "minres") 2.2.9; Harman & Jones 1966) and rotates the loadings.
//
// For uniquenesses ψ the loadings Λ(ψ) are the first m eigenvectors of
// R − diag(ψ) scaled by the square roots of their (non-negative)
// eigenvalues. The uniquenesses minimise the squared residual
//
//	F(ψ) = ‖R − diag(ψ) − ΛΛᵀ‖²_F = Σ_{j>m} λ_j(R − diag ψ)²,
//	∂F/∂ψ_i = −2 (R − diag ψ − ΛΛᵀ)_ii,
//
// over 0.005 ≤ ψ_i ≤ 1, starting from ψ = 1 − smc. psych minimises the
// off-diagonal part of F with optim's L-BFGS-B and the gradient above; both
// have the same stationary point in the interior (diagonal residuals zero),
// where the two criteria are equal. We use a small projected BFGS (private
// to this file) and stop when the projected gradient is below 1e-10, which
// is tighter than optim's default; results agree with psych to its
// stopping rule (about 1e-5 in the loadings).
//
// The loadings are then rotated (Varimax or Oblimin), each column's sign is
// set so that it sums to a positive value, and the columns are ordered by
// decreasing diag(ΦΛᵀΛ).
func FactorAnalysis(r [][]float64, opt FAOptions) (FAResult, error) {
	var res FAResult
	s, err := corrInput(r, "factor analysis")
	if err != nil {
		return res, err
	}
	return factorAnalysis(s, opt)
}

func factorAnalysis(s *mat.SymDense, opt FAOptions) (FAResult, error) {
	var res FAResult
	nf := opt.NFactors
	if nf == 0 {
		nf = 1
	}
	p := s.SymmetricDim()
	if nf < 1 || nf >= p {
		return res, errs.New(errs.InvalidOption, "reliability: factor analysis", "%d factors for %d variables (need 1 ≤ factors < variables)", nf, p)
	}
	rot := opt.Rotation
	if rot == "" {
		rot = RotateOblimin
	}
	switch rot {
	case RotateOblimin, RotateVarimax, RotateNone:
	default:
		return res, errs.New(errs.InvalidOption, "reliability: factor analysis", "unknown rotation %q (use oblimin, varimax or none)", rot)
	}
	load, psi, iters, err := minres(s, nf)
	if err != nil {
		return res, err
	}
	res.NFactors, res.Rotation, res.Iterations = nf, rot, iters
	res.Communalities = make([]float64, p)
	res.Uniquenesses = make([]float64, p)
	for i := 0; i < p; i++ {
		res.Communalities[i] = 1 - psi[i]
		var h float64
		for j := 0; j < nf; j++ {
			h += load.At(i, j) * load.At(i, j)
		}
		res.Uniquenesses[i] = s.At(i, i) - h
	}
	for i := 0; i < p; i++ {
		for j := 0; j < i; j++ {
			var m float64
			for k := 0; k < nf; k++ {
				m += load.At(i, k) * load.At(j, k)
			}
			res.Objective += sq(s.At(i, j) - m)
		}
	}
	// psych flips unrotated columns to positive sums before rotating.
	flipColumns(load, nil)
	var phi *mat.Dense
	if nf > 1 {
		switch rot {
		case RotateVarimax:
			load, _, err = Varimax(load)
		case RotateOblimin:
			var ob ObliminResult
			ob, err = Oblimin(load, 0)
			load, phi = ob.Loadings, ob.Phi
		}
		if err != nil {
			return res, err
		}
	}
	flipColumns(load, phi)
	load, phi = sortFactors(load, phi)
	res.Loadings = denseRows(load)
	if phi != nil {
		res.Phi = denseRows(phi)
	}
	return res, nil
}

// minres returns the unrotated minres loadings and uniquenesses of s.
func minres(s *mat.SymDense, nf int) (*mat.Dense, []float64, int, error) {
	p := s.SymmetricDim()
	sm, err := smc(s)
	if err != nil {
		return nil, nil, 0, err
	}
	upper := 1.0
	start := make([]float64, p)
	lo := make([]float64, p)
	hi := make([]float64, p)
	for i := range start {
		upper = math.Max(upper, sm[i])
		start[i] = s.At(i, i) - sm[i]
	}
	for i := range lo {
		lo[i], hi[i] = minresLower, upper
	}
	w := newMinresWork(s, nf)
	opt, err := optim.MinimizeBoxBFGS(w.eval, start, lo, hi, optim.BFGSSettings{GTol: minresGtol, FloorGTol: floorGtol, MaxIter: minresMaxIt})
	if err != nil {
		return nil, nil, 0, errs.New(errs.InvalidOption, "reliability: factor analysis", "%v", err)
	}
	psi, iters := opt.X, opt.Iterations
	if !opt.Converged {
		return nil, nil, iters, errs.New(errs.NoConvergence, "reliability: factor analysis", "minres did not converge in %d iterations (try fewer factors)", iters)
	}
	w.eval(psi, nil)
	load := mat.DenseCopyOf(w.load)
	for i := 0; i < p; i++ {
		for j := 0; j < nf; j++ {
			if math.IsNaN(load.At(i, j)) {
				return nil, nil, iters, errs.New(errs.Singular, "reliability: factor analysis", "loadings are not finite")
			}
		}
	}
	return load, psi, iters, nil
}

// minresWork holds the buffers of one minres fit.
type minresWork struct {
	s    *mat.SymDense
	nf   int
	a    *mat.SymDense
	eig  mat.EigenSym
	vec  mat.Dense
	load *mat.Dense
}

func newMinresWork(s *mat.SymDense, nf int) *minresWork {
	p := s.SymmetricDim()
	return &minresWork{s: s, nf: nf, a: mat.NewSymDense(p, nil), load: mat.NewDense(p, nf, nil)}
}

// eval returns F(ψ) and, if grad is not nil, stores ∂F/∂ψ in it; it leaves
// the loadings Λ(ψ) in w.load.
func (w *minresWork) eval(psi, grad []float64) float64 {
	p := w.s.SymmetricDim()
	w.a.CopySym(w.s)
	for i := 0; i < p; i++ {
		w.a.SetSym(i, i, w.s.At(i, i)-psi[i])
	}
	if !w.eig.Factorize(w.a, true) {
		return math.NaN()
	}
	vals := w.eig.Values(nil) // ascending
	w.eig.VectorsTo(&w.vec)
	// Column j of the loadings is eigenvector p−1−j.
	for j := 0; j < w.nf; j++ {
		c := p - 1 - j
		l := math.Sqrt(math.Max(vals[c], 0))
		for i := 0; i < p; i++ {
			w.load.Set(i, j, w.vec.At(i, c)*l)
		}
	}
	var f float64
	for c, v := range vals {
		if c >= p-w.nf && v >= 0 {
			continue
		}
		f += v * v
	}
	if grad != nil {
		for i := 0; i < p; i++ {
			var m float64
			for j := 0; j < w.nf; j++ {
				m += w.load.At(i, j) * w.load.At(i, j)
			}
			grad[i] = -2 * (w.a.At(i, i) - m)
		}
	}
	return f
}

// flipColumns multiplies each column of l whose sum is negative by −1, and
// the matching rows and columns of phi (if not nil).
func flipColumns(l *mat.Dense, phi *mat.Dense) {
	p, m := l.Dims()
	for j := 0; j < m; j++ {
		var s float64
		for i := 0; i < p; i++ {
			s += l.At(i, j)
		}
		if s >= 0 {
			continue
		}
		for i := 0; i < p; i++ {
			l.Set(i, j, -l.At(i, j))
		}
		if phi != nil {
			for k := 0; k < m; k++ {
				if k != j {
					phi.Set(j, k, -phi.At(j, k))
					phi.Set(k, j, -phi.At(k, j))
				}
			}
		}
	}
}

// sortFactors orders the columns of l (and phi) by decreasing variance
// accounted for, diag(ΦΛᵀΛ) (colSums(Λ²) for orthogonal factors), as
// psych::fa. Ties keep their order.
func sortFactors(l, phi *mat.Dense) (*mat.Dense, *mat.Dense) {
	p, m := l.Dims()
	if m < 2 {
		return l, phi
	}
	var ltl mat.Dense
	ltl.Mul(l.T(), l)
	ev := make([]float64, m)
	for j := 0; j < m; j++ {
		if phi == nil {
			ev[j] = ltl.At(j, j)
			continue
		}
		for k := 0; k < m; k++ {
			ev[j] += phi.At(j, k) * ltl.At(k, j)
		}
	}
	ord := make([]int, m)
	for j := range ord {
		ord[j] = j
	}
	sort.SliceStable(ord, func(a, b int) bool { return ev[ord[a]] > ev[ord[b]] })
	nl := mat.NewDense(p, m, nil)
	for j, o := range ord {
		for i := 0; i < p; i++ {
			nl.Set(i, j, l.At(i, o))
		}
	}
	if phi == nil {
		return nl, nil
	}
	np := mat.NewDense(m, m, nil)
	for a, oa := range ord {
		for b, ob := range ord {
			np.Set(a, b, phi.At(oa, ob))
		}
	}
	return nl, np
}

// denseRows copies a matrix into [][]float64.
func denseRows(a mat.Matrix) [][]float64 {
	r, c := a.Dims()
	out := make([][]float64, r)
	for i := range out {
		out[i] = make([]float64, c)
		for j := range out[i] {
			out[i][j] = a.At(i, j)
		}
	}
	return out
}

// corrInput validates a correlation (or covariance) matrix given as rows and
// returns it scaled to a correlation matrix (R's cov2cor).
func corrInput(r [][]float64, what string) (*mat.SymDense, error) {
	p := len(r)
	if p == 0 {
		return nil, errs.New(errs.InvalidOption, "reliability", "%s: empty correlation matrix", what)
	}
	s := mat.NewSymDense(p, nil)
	for i, row := range r {
		if len(row) != p {
			return nil, errs.New(errs.InvalidOption, "reliability", "%s: row %d of the correlation matrix has %d values, want %d (the matrix must be square)", what, i+1, len(row), p)
		}
		for j, v := range row {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, errs.New(errs.InvalidOption, "reliability", "%s: correlation matrix entry [%d,%d] is %v (all entries must be finite)", what, i+1, j+1, v)
			}
			if j > i && math.Abs(v-r[j][i]) > 1e-8*math.Max(1, math.Abs(v)) {
				return nil, errs.New(errs.InvalidOption, "reliability", "%s: correlation matrix is not symmetric: [%d,%d] = %v but [%d,%d] = %v", what, i+1, j+1, v, j+1, i+1, r[j][i])
			}
		}
		if !(row[i] > 0) {
			return nil, errs.New(errs.InvalidOption, "reliability", "%s: diagonal entry %d is %v (variances must be positive)", what, i+1, row[i])
		}
	}
	for i := 0; i < p; i++ {
		for j := i; j < p; j++ {
			s.SetSym(i, j, (r[i][j]+r[j][i])/2)
		}
	}
	return cov2cor(s), nil
}
