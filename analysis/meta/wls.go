package meta

import (
	"errors"

	"github.com/alliance-research/alliance/analysis/errs"
	"github.com/alliance-research/alliance/analysis/internal/linalg"
)

// wls is the workspace for weighted least squares with diagonal weights on
// a k×p model matrix. Every quantity metafor takes from the k×k projection
//
//	P = W − WX(X'WX)⁻¹X'W
//
// is reduced to p×p cross-products M(u) = X' diag(u) X, so each call is
// O(k·p²) time and O(k + p²) memory.
type wls struct {
	k, p   int
	x      []float64 // k*p row-major (shared with design)
	a      []float64 // p*p X'WX, then its Cholesky factor (lower)
	ainv   []float64 // p*p (X'WX)⁻¹
	logdet float64   // log det(X'WX)
	beta   []float64 // p
	rhs    []float64 // p
	m1, m2 []float64 // p*p scratch
	t1, t2 []float64 // p*p scratch
	u      []float64 // k scratch
}

func newWLS(x []float64, k, p int) *wls {
	pp := p * p
	buf := make([]float64, 6*pp+2*p)
	return &wls{k: k, p: p, x: x,
		a: buf[0:pp], ainv: buf[pp : 2*pp], m1: buf[2*pp : 3*pp], m2: buf[3*pp : 4*pp],
		t1: buf[4*pp : 5*pp], t2: buf[5*pp : 6*pp],
		beta: buf[6*pp : 6*pp+p], rhs: buf[6*pp+p:],
		u: make([]float64, k)}
}

// crossprod sets m = X' diag(u) X (nil u means the identity).
func (s *wls) crossprod(m, u []float64) {
	p := s.p
	for i := range m {
		m[i] = 0
	}
	if p == 1 {
		var t float64
		if u == nil {
			t = float64(s.k)
		} else {
			for i := 0; i < s.k; i++ {
				xi := s.x[i]
				t += u[i] * xi * xi
			}
		}
		m[0] = t
		return
	}
	for i := 0; i < s.k; i++ {
		row := s.x[i*p : (i+1)*p]
		ui := 1.0
		if u != nil {
			ui = u[i]
		}
		for a := 0; a < p; a++ {
			xa := ui * row[a]
			if xa == 0 {
				continue
			}
			ma := m[a*p:]
			for b := a; b < p; b++ {
				ma[b] += xa * row[b]
			}
		}
	}
	for a := 0; a < p; a++ {
		for b := 0; b < a; b++ {
			m[a*p+b] = m[b*p+a]
		}
	}
}

// factor forms A = X'WX for weights w (nil: identity), its inverse and log
// determinant. It fails when A is not positive definite.
func (s *wls) factor(w []float64) error {
	s.crossprod(s.a, w)
	return s.factorA()
}

// factorA factors the X'WX already stored in s.a.
func (s *wls) factorA() error {
	p := s.p
	if err := linalg.Cholesky(s.a, p); err != nil {
		// np is declared here so that the common path does not allocate it
		var np *linalg.NotPositiveDefinite
		if errors.As(err, &np) {
			return errs.New(errs.Singular, "meta", "X'WX is not positive definite (pivot %d = %g); the weights or the design are degenerate", np.Pivot+1, np.Value)
		}
		return errs.New(errs.Singular, "meta", "X'WX: %v", err)
	}
	s.logdet = linalg.LogDet(s.a, p)
	linalg.Inverse(s.a, p, s.ainv, s.t1)
	return nil
}

// solve computes β = (X'WX)⁻¹X'Wy after factor(w) and returns the weighted
// residual sums RSS = Σ wᵢeᵢ² (= y'Py) and RSS2 = Σ wᵢ²eᵢ² (= y'PPy),
// eᵢ = yᵢ − xᵢ'β.
func (s *wls) solve(w, y []float64) (rss, rss2 float64) {
	p := s.p
	if p == 1 && w != nil {
		// Fast path for intercept-only and one-column models.
		x := s.x[:s.k]
		var rhs float64
		for i, xi := range x {
			rhs += xi * w[i] * y[i]
		}
		s.rhs[0] = rhs
		b := s.ainv[0] * rhs
		s.beta[0] = b
		for i, xi := range x {
			e := y[i] - xi*b
			we := w[i] * e
			rss += we * e
			rss2 += we * we
		}
		return rss, rss2
	}
	for a := range s.rhs {
		s.rhs[a] = 0
	}
	for i := 0; i < s.k; i++ {
		wy := y[i]
		if w != nil {
			wy *= w[i]
		}
		row := s.x[i*p : (i+1)*p]
		for a := 0; a < p; a++ {
			s.rhs[a] += row[a] * wy
		}
	}
	for a := 0; a < p; a++ {
		var t float64
		for b := 0; b < p; b++ {
			t += s.ainv[a*p+b] * s.rhs[b]
		}
		s.beta[a] = t
	}
	for i := 0; i < s.k; i++ {
		row := s.x[i*p : (i+1)*p]
		e := y[i]
		for a := 0; a < p; a++ {
			e -= row[a] * s.beta[a]
		}
		wi := 1.0
		if w != nil {
			wi = w[i]
		}
		we := wi * e
		rss += we * e
		rss2 += we * we
	}
	return rss, rss2
}

// trAinvM returns tr((X'WX)⁻¹ m).
func (s *wls) trAinvM(m []float64) float64 {
	var t float64
	for i := range m {
		t += s.ainv[i] * m[i] // both symmetric
	}
	return t
}

// trAinvMAinvM returns tr((X'WX)⁻¹ m1 (X'WX)⁻¹ m2).
func (s *wls) trAinvMAinvM(m1, m2 []float64) float64 {
	p := s.p
	mul(s.t1, s.ainv, m1, p)
	mul(s.t2, s.ainv, m2, p)
	var t float64
	for i := 0; i < p; i++ {
		for j := 0; j < p; j++ {
			t += s.t1[i*p+j] * s.t2[j*p+i]
		}
	}
	return t
}

func mul(c, a, b []float64, p int) {
	for i := 0; i < p; i++ {
		for j := 0; j < p; j++ {
			var t float64
			for m := 0; m < p; m++ {
				t += a[i*p+m] * b[m*p+j]
			}
			c[i*p+j] = t
		}
	}
}

// trP returns tr(P) = Σwᵢ − tr((X'WX)⁻¹ M(w²)) after factor(w).
func (s *wls) trP(w []float64) float64 {
	var sw float64
	for i, wi := range w {
		sw += wi
		s.u[i] = wi * wi
	}
	s.crossprod(s.m1, s.u)
	return sw - s.trAinvM(s.m1)
}

// trPD returns tr(P D) for diagonal D = diag(d) after factor(w); nil w is the
// identity weight (P = I − X(X'X)⁻¹X').
func (s *wls) trPD(w, d []float64) float64 {
	var t float64
	for i := 0; i < s.k; i++ {
		wi := 1.0
		if w != nil {
			wi = w[i]
		}
		t += wi * d[i]
		s.u[i] = wi * wi * d[i]
	}
	s.crossprod(s.m1, s.u)
	return t - s.trAinvM(s.m1)
}

// trPDPE returns tr(P D P E) for diagonal D = diag(d), E = diag(e) (nil:
// identity) after factor(w) (nil w: identity weights):
//
//	tr(PDPE) = Σ wᵢ²dᵢeᵢ − 2 tr(A⁻¹ M(w³de)) + tr(A⁻¹ M(w²d) A⁻¹ M(w²e)).
//
// With D = E = I this is Σᵢⱼ Pᵢⱼ², metafor's sum(P * P).
func (s *wls) trPDPE(w, d, e []float64) float64 {
	get := func(v []float64, i int) float64 {
		if v == nil {
			return 1
		}
		return v[i]
	}
	var t float64
	for i := 0; i < s.k; i++ {
		wi, di, ei := get(w, i), get(d, i), get(e, i)
		t += wi * wi * di * ei
		s.u[i] = wi * wi * wi * di * ei
	}
	s.crossprod(s.m1, s.u)
	t -= 2 * s.trAinvM(s.m1)
	for i := 0; i < s.k; i++ {
		wi := get(w, i)
		s.u[i] = wi * wi * get(d, i)
	}
	s.crossprod(s.m1, s.u)
	if e == nil && d == nil || sameSlice(d, e) {
		copy(s.m2, s.m1)
	} else {
		for i := 0; i < s.k; i++ {
			wi := get(w, i)
			s.u[i] = wi * wi * get(e, i)
		}
		s.crossprod(s.m2, s.u)
	}
	return t + s.trAinvMAinvM(s.m1, s.m2)
}

func sameSlice(a, b []float64) bool {
	return len(a) == len(b) && len(a) > 0 && &a[0] == &b[0]
}

// weightedQ computes, in one pass over the data, the weighted residual sum
// of squares y'Py = Σwᵢyᵢ² − (X'Wy)'(X'WX)⁻¹(X'Wy) for weights
// wᵢ = 1/(vᵢ + tau2), leaving X'WX factored and β in s.beta.
func (s *wls) weightedQ(v []float64, tau2 float64, y []float64) (float64, error) {
	p := s.p
	var syy float64
	for i := range s.a {
		s.a[i] = 0
	}
	for a := range s.rhs {
		s.rhs[a] = 0
	}
	if p == 1 {
		var sw, swy float64
		for i, vi := range v {
			w := 1 / (vi + tau2)
			x := s.x[i]
			wy := w * y[i]
			sw += w * x * x
			swy += wy * x
			syy += wy * y[i]
		}
		s.a[0], s.rhs[0] = sw, swy
	} else {
		for i, vi := range v {
			w := 1 / (vi + tau2)
			row := s.x[i*p : (i+1)*p]
			wy := w * y[i]
			syy += wy * y[i]
			for a := 0; a < p; a++ {
				xa := row[a]
				if xa == 0 {
					continue
				}
				s.rhs[a] += xa * wy
				wa := w * xa
				ma := s.a[a*p:]
				for b := a; b < p; b++ {
					ma[b] += wa * row[b]
				}
			}
		}
		for a := 0; a < p; a++ {
			for b := 0; b < a; b++ {
				s.a[a*p+b] = s.a[b*p+a]
			}
		}
	}
	if err := s.factorA(); err != nil {
		return 0, err
	}
	var q float64
	for a := 0; a < p; a++ {
		var t float64
		for b := 0; b < p; b++ {
			t += s.ainv[a*p+b] * s.rhs[b]
		}
		s.beta[a] = t
		q += t * s.rhs[a]
	}
	return syy - q, nil
}
