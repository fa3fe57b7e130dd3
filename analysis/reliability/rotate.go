package reliability

import (
	"math"

	"github.com/alliance-research/alliance/analysis/errs"
	"gonum.org/v1/gonum/mat"
)

// Rotation names a factor rotation for FactorAnalysis.
type Rotation string

const (
	// RotateOblimin is direct oblimin (Jennrich 2002 gradient projection),
	// psych::fa's default rotation, done by GPArotation::oblimin.
	RotateOblimin Rotation = "oblimin"
	// RotateVarimax is Kaiser's (1958) varimax with Kaiser normalization
	// (stats::varimax).
	RotateVarimax Rotation = "varimax"
	// RotateNone leaves the minres loadings unrotated.
	RotateNone Rotation = "none"
)

// Rotation convergence controls. Varimax stops as stats::varimax does
// (eps = 1e-5), so that its loadings equal R's (a tighter rule moves them by
// up to about 2e-3 on bfi); nothing downstream depends on it, since oblimin
// reaches the same optimum from any orthogonal start. Oblimin is converged
// far more tightly than GPArotation's eps = 1e-5.
const (
	varimaxEps    = 1e-5
	varimaxMaxIt  = 1000
	obliminEps    = 1e-8 // on the Frobenius norm of the projected gradient
	obliminFloor  = 1e-6 // accepted when Q stops decreasing in floating point
	obliminMaxIt  = 10000
	obliminInner  = 10 // step halvings per iteration, as GPFoblq
	obliminArmijo = 0.5
)

// Varimax rotates the p×m loading matrix a orthogonally to maximise
// Kaiser's (1958) varimax criterion
//
//	V(Λ) = Σ_j [ Σ_i λ_ij⁴ − (Σ_i λ_ij²)²/p ],
//
// with rows first scaled to unit length (Kaiser normalization) and scaled
// back afterwards. It uses the singular-value iteration of stats::varimax:
// starting from T = I, B = Aᵀ(Z³ − Z·diag(1ᵀZ²)/p) with Z = AT, and T ← UVᵀ
// from the SVD B = UDVᵀ, until the sum of singular values grows by less than
// a relative 1e-5 (stats::varimax's default eps, kept so that the loadings
// equal R's). It returns the rotated loadings AT and T.
func Varimax(a *mat.Dense) (rotated, t *mat.Dense, err error) {
	p, m := a.Dims()
	if m < 2 {
		return mat.DenseCopyOf(a), identity(m), nil
	}
	x := mat.NewDense(p, m, nil)
	sc := make([]float64, p)
	for i := 0; i < p; i++ {
		var s float64
		for j := 0; j < m; j++ {
			s += a.At(i, j) * a.At(i, j)
		}
		sc[i] = math.Sqrt(s)
		if sc[i] == 0 {
			return nil, nil, errs.New(errs.Singular, "reliability: varimax", "row %d of the loadings is all zero; Kaiser normalization is undefined", i+1)
		}
		for j := 0; j < m; j++ {
			x.Set(i, j, a.At(i, j)/sc[i])
		}
	}
	t = identity(m)
	z := mat.NewDense(p, m, nil)
	w := mat.NewDense(p, m, nil)
	var b mat.Dense
	var svd mat.SVD
	var u, v mat.Dense
	d := 0.0
	colSS := make([]float64, m)
	for it := 0; it < varimaxMaxIt; it++ {
		z.Mul(x, t)
		for j := range colSS {
			colSS[j] = 0
		}
		for i := 0; i < p; i++ {
			for j := 0; j < m; j++ {
				colSS[j] += z.At(i, j) * z.At(i, j)
			}
		}
		for i := 0; i < p; i++ {
			for j := 0; j < m; j++ {
				zij := z.At(i, j)
				w.Set(i, j, zij*zij*zij-zij*colSS[j]/float64(p))
			}
		}
		b.Mul(x.T(), w)
		if !svd.Factorize(&b, mat.SVDThin) {
			return nil, nil, errs.New(errs.Singular, "reliability: varimax", "singular value decomposition failed")
		}
		svd.UTo(&u)
		svd.VTo(&v)
		t.Mul(&u, v.T())
		dPast := d
		d = 0
		for _, s := range svd.Values(nil) {
			d += s
		}
		if d < dPast*(1+varimaxEps) {
			break
		}
	}
	rotated = mat.NewDense(p, m, nil)
	rotated.Mul(x, t)
	for i := 0; i < p; i++ {
		for j := 0; j < m; j++ {
			rotated.Set(i, j, rotated.At(i, j)*sc[i])
		}
	}
	return rotated, t, nil
}

// ObliminResult is the output of Oblimin.
type ObliminResult struct {
	// Loadings is the pattern matrix Λ = A (Tᵀ)⁻¹.
	Loadings *mat.Dense
	// Phi = TᵀT is the factor correlation matrix.
	Phi *mat.Dense
	// T is the rotation matrix with unit-length columns.
	T *mat.Dense
	// Criterion is the oblimin criterion at Loadings.
	Criterion  float64
	Iterations int
	Converged  bool
}

// Oblimin rotates the p×m loading matrix a obliquely to minimise the direct
// oblimin criterion (Jennrich 2002; GPArotation::oblimin, vgQ.oblimin)
//
//	Q(Λ) = ¼ Σ (Λ∘Λ) ∘ [ (I − γ/p · 11ᵀ)(Λ∘Λ) N ],   N = 11ᵀ − I,
//
// which for γ = 0 (quartimin, psych's and GPArotation's default) is
// ¼ Σ_i Σ_{j≠k} λ_ij² λ_ik². It uses the gradient projection algorithm of
// Bernaards & Jennrich (2005, GPFoblq): start from T = I; Λ = A(Tᵀ)⁻¹; the
// gradient with respect to T is G = −(Λᵀ ∂Q/∂Λ T⁻¹)ᵀ, projected onto the
// tangent space of the unit-column-norm manifold, Gp = G − T·diag(1ᵀ(T∘G));
// a step T − αGp with columns rescaled to length one is accepted when Q
// falls by more than ½‖Gp‖²α (α doubled each iteration, halved up to ten
// times), until ‖Gp‖_F < 1e-8 (GPArotation stops at 1e-5), or until Q no
// longer decreases in floating point with ‖Gp‖_F < 1e-6.
func Oblimin(a *mat.Dense, gamma float64) (ObliminResult, error) {
	var res ObliminResult
	p, m := a.Dims()
	if m < 2 {
		return res, errs.New(errs.TooFew, "reliability: oblimin", "%d factor; rotation needs at least 2", m)
	}
	t := identity(m)
	l := mat.NewDense(p, m, nil)
	gq := mat.NewDense(p, m, nil)
	f, err := obliminLoad(a, t, gamma, l, gq)
	if err != nil {
		return res, err
	}
	g := mat.NewDense(m, m, nil)
	if err = obliminGrad(l, gq, t, g); err != nil {
		return res, err
	}
	gp := mat.NewDense(m, m, nil)
	tt := mat.NewDense(m, m, nil)
	lt := mat.NewDense(p, m, nil)
	gqt := mat.NewDense(p, m, nil)
	al := 1.0
	it := 0
	for ; it <= obliminMaxIt; it++ {
		// Gp = G − T diag(colSums(T∘G)).
		var s float64
		for j := 0; j < m; j++ {
			var c float64
			for i := 0; i < m; i++ {
				c += t.At(i, j) * g.At(i, j)
			}
			for i := 0; i < m; i++ {
				v := g.At(i, j) - t.At(i, j)*c
				gp.Set(i, j, v)
				s += v * v
			}
		}
		s = math.Sqrt(s)
		if s < obliminEps {
			res.Converged = true
			break
		}
		al *= 2
		var ft float64
		armijo := false
		for inner := 0; inner <= obliminInner; inner++ {
			for j := 0; j < m; j++ {
				var ss float64
				for i := 0; i < m; i++ {
					v := t.At(i, j) - al*gp.At(i, j)
					tt.Set(i, j, v)
					ss += v * v
				}
				ss = math.Sqrt(ss)
				for i := 0; i < m; i++ {
					tt.Set(i, j, tt.At(i, j)/ss)
				}
			}
			ft, err = obliminLoad(a, tt, gamma, lt, gqt)
			if err != nil {
				return res, err
			}
			if f-ft > obliminArmijo*s*s*al {
				armijo = true
				break
			}
			al /= 2
		}
		if !armijo && s < obliminFloor {
			// Q no longer decreases in floating point: converged to the
			// accuracy the criterion can be computed.
			res.Converged = true
			break
		}
		t.Copy(tt)
		l.Copy(lt)
		gq.Copy(gqt)
		f = ft
		if err := obliminGrad(l, gq, t, g); err != nil {
			return res, err
		}
	}
	phi := mat.NewDense(m, m, nil)
	phi.Mul(t.T(), t)
	res.Loadings, res.Phi, res.T = l, phi, t
	res.Criterion, res.Iterations = f, it
	if !res.Converged {
		return res, errs.New(errs.NoConvergence, "reliability: oblimin", "no convergence in %d iterations (projected gradient still above %g)", obliminMaxIt, obliminEps)
	}
	return res, nil
}

// obliminLoad sets l = A (Tᵀ)⁻¹ and gq = ∂Q/∂Λ and returns Q(Λ).
func obliminLoad(a, t *mat.Dense, gamma float64, l, gq *mat.Dense) (float64, error) {
	var inv mat.Dense
	if err := inv.Inverse(t.T()); err != nil {
		return 0, errs.New(errs.Singular, "reliability: oblimin", "rotation matrix became singular: %w", err)
	}
	l.Mul(a, &inv)
	p, m := l.Dims()
	// X = (I − γ/p 11ᵀ) L² N; with row sums rs_i = Σ_k λ_ik², (L²N)_ij =
	// rs_i − λ_ij², and the centring subtracts γ/p times its column sums.
	colMean := make([]float64, m)
	if gamma != 0 {
		for i := 0; i < p; i++ {
			var rs float64
			for k := 0; k < m; k++ {
				rs += l.At(i, k) * l.At(i, k)
			}
			for j := 0; j < m; j++ {
				colMean[j] += (rs - l.At(i, j)*l.At(i, j)) * gamma / float64(p)
			}
		}
	}
	var f float64
	for i := 0; i < p; i++ {
		var rs float64
		for k := 0; k < m; k++ {
			rs += l.At(i, k) * l.At(i, k)
		}
		for j := 0; j < m; j++ {
			lij := l.At(i, j)
			x := rs - lij*lij - colMean[j]
			f += lij * lij * x
			gq.Set(i, j, lij*x)
		}
	}
	return f / 4, nil
}

// obliminGrad sets g = −(Λᵀ Gq T⁻¹)ᵀ.
func obliminGrad(l, gq, t, g *mat.Dense) error {
	var inv, lg, prod mat.Dense
	if err := inv.Inverse(t); err != nil {
		return errs.New(errs.Singular, "reliability: oblimin", "rotation matrix became singular: %w", err)
	}
	lg.Mul(l.T(), gq)
	prod.Mul(&lg, &inv)
	m, _ := prod.Dims()
	for i := 0; i < m; i++ {
		for j := 0; j < m; j++ {
			g.Set(i, j, -prod.At(j, i))
		}
	}
	return nil
}

// identity returns the m×m identity matrix.
func identity(m int) *mat.Dense {
	d := mat.NewDense(m, m, nil)
	for i := 0; i < m; i++ {
		d.Set(i, i, 1)
	}
	return d
}
