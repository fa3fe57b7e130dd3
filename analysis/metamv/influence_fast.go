package metamv

import (
	"errors"
	"math"
	"sort"

	"github.com/alliance-research/alliance/internal/parallel"

	"github.com/alliance-research/alliance/analysis/internal/linalg"
)

// Fast deletion refits.
//
// A deletion refit needs the likelihood sums (evalOut) of the data without
// a set S, at several σ² near the full fit's σ̂². They are the full-data
// sums minus cluster c's plus those of cluster c without S:
//
//	Σ₍₋S₎(σ²) = Σ(σ²) − Σ_c(σ²) + Σ_{c∖S}(σ²),
//
// and only Σ(σ²) costs O(k). Σ(σ²) is analytic in σ² (its nearest
// singularity lies at σ² ≈ −min vᵢ), so on a box B around σ̂² small
// against that distance a tensor Chebyshev interpolant of low degree
// (barycentric, second-kind points) reproduces it to rounding error. The
// box is sized from one exact Fisher step of every deletion at σ̂²; the
// interpolant is checked against exact evaluations at points off the grid
// (relative error ≤ 1e-11 on every sum, else the degree is raised, else
// every refit is exact). A refit whose iterates leave B, or whose first
// step was predicted outside it, is refitted exactly. Each fast refit then
// costs O(n_c) per iteration instead of O(k).

var errOutside = errors.New("outside the interpolation box")

// axpy sets o += a·b over every sum.
func (o *evalOut) axpy(a float64, b *evalOut) {
	o.ldM += a * b.ldM
	for j := 0; j < 2; j++ {
		o.t[j] += a * b.t[j]
		for l := 0; l < 2; l++ {
			o.tt[j][l] += a * b.tt[j][l]
		}
	}
	for _, pr := range [][2][]float64{{o.s0, b.s0}, {o.f[0], b.f[0]}, {o.f[1], b.f[1]}, {o.g11, b.g11}, {o.g12, b.g12}, {o.g22, b.g22}} {
		d, s := pr[0], pr[1]
		for i := range d {
			d[i] += a * s[i]
		}
	}
}

// flat lists every sum of o (for the interpolation error check).
func (o *evalOut) flat() []float64 {
	v := []float64{o.ldM, o.t[0], o.t[1], o.tt[0][0], o.tt[0][1], o.tt[1][1]}
	for _, s := range [][]float64{o.s0, o.f[0], o.f[1], o.g11, o.g12, o.g22} {
		v = append(v, s...)
	}
	return v
}

// surrogate interpolates the full-data sums over the box [lo, hi].
type surrogate struct {
	lo, hi [2]float64
	nodes  [2][]float64
	bw     [2][]float64 // barycentric weights
	vals   []*evalOut   // node (i, j) at i*len(nodes[1]) + j
	q      int
}

func chebNodes(lo, hi float64, n int) ([]float64, []float64) {
	if n == 0 || hi <= lo {
		return []float64{lo}, []float64{1}
	}
	x, w := make([]float64, n+1), make([]float64, n+1)
	for j := 0; j <= n; j++ {
		x[j] = lo + (hi-lo)*(1-math.Cos(float64(j)*math.Pi/float64(n)))/2
		w[j] = 1
		if j%2 == 1 {
			w[j] = -1
		}
		if j == 0 || j == n {
			w[j] /= 2
		}
	}
	return x, w
}

func (s *surrogate) contains(s2 [2]float64) bool {
	for j := 0; j < 2; j++ {
		if len(s.nodes[j]) == 1 {
			if s2[j] != s.nodes[j][0] {
				return false
			}
			continue
		}
		if s2[j] < s.lo[j] || s2[j] > s.hi[j] {
			return false
		}
	}
	return true
}

// weights fills w with the barycentric interpolation weights at x.
func baryWeights(x float64, nodes, bw, w []float64) {
	for j, xj := range nodes {
		if x == xj {
			for l := range w {
				w[l] = 0
			}
			w[j] = 1
			return
		}
	}
	var sum float64
	for j, xj := range nodes {
		w[j] = bw[j] / (x - xj)
		sum += w[j]
	}
	for j := range w {
		w[j] /= sum
	}
}

// eval sets o to the interpolated sums at s2 (which must be inside).
func (s *surrogate) eval(s2 [2]float64, o *evalOut, wa, wb []float64) {
	baryWeights(s2[0], s.nodes[0], s.bw[0], wa)
	baryWeights(s2[1], s.nodes[1], s.bw[1], wb)
	o.reset()
	o.full = true
	n1 := len(s.nodes[1])
	for i, a := range wa {
		if a == 0 {
			continue
		}
		for j, b := range wb {
			if b == 0 {
				continue
			}
			o.axpy(a*b, s.vals[i*n1+j])
		}
	}
}

// buildSurrogate evaluates the full data on the grid of degree n over
// [lo, hi] (degree 0 in a dimension whose lo = hi) with the workers'
// evaluators, and checks it at off-grid points; it returns nil when the
// interpolation error exceeds 1e-11 relative.
func buildSurrogate(evs []*evaluator, lo, hi [2]float64, n int) *surrogate {
	s := &surrogate{lo: lo, hi: hi, q: evs[0].q}
	for j := 0; j < 2; j++ {
		nj := n
		if hi[j] <= lo[j] {
			nj = 0
		}
		s.nodes[j], s.bw[j] = chebNodes(lo[j], hi[j], nj)
	}
	n0, n1 := len(s.nodes[0]), len(s.nodes[1])
	pts := make([][2]float64, 0, n0*n1+3)
	for i := 0; i < n0; i++ {
		for j := 0; j < n1; j++ {
			pts = append(pts, [2]float64{s.nodes[0][i], s.nodes[1][j]})
		}
	}
	// check points off the grid
	fr := [][2]float64{{0.137, 0.721}, {0.853, 0.291}, {0.512, 0.467}}
	for _, f := range fr {
		var c [2]float64
		for j := 0; j < 2; j++ {
			c[j] = lo[j] + f[j]*(hi[j]-lo[j])
		}
		pts = append(pts, c)
	}
	outs := make([]*evalOut, len(pts))
	errs := make([]error, len(pts))
	parallel.Each(len(pts), len(evs), func(w, i int) {
		o := newEvalOut(evs[w].q)
		errs[i] = evs[w].eval(pts[i], true, o)
		outs[i] = o
	})
	for _, err := range errs {
		if err != nil {
			return nil
		}
	}
	s.vals = outs[:n0*n1]
	// the scale of each sum: its largest magnitude on the grid
	var scale []float64
	for _, o := range s.vals {
		f := o.flat()
		if scale == nil {
			scale = make([]float64, len(f))
		}
		for i, x := range f {
			scale[i] = math.Max(scale[i], math.Abs(x))
		}
	}
	wa, wb := make([]float64, n0), make([]float64, n1)
	o := newEvalOut(s.q)
	for c := n0 * n1; c < len(pts); c++ {
		s.eval(pts[c], o, wa, wb)
		got, want := o.flat(), outs[c].flat()
		for i := range got {
			if math.Abs(got[i]-want[i]) > 1e-11*(scale[i]+1e-300) {
				return nil
			}
		}
	}
	return s
}

// fastDel holds one worker's state for the fast refits.
type fastDel struct {
	sur     *surrogate
	ec, er  *evaluator // cluster c, and cluster c without S
	o, oc   *evalOut
	wa, wb  []float64
	outside bool
	rest    bool // cluster c keeps rows after the deletion
}

// prepare fills f.ec and f.er for job j.
func (f *fastDel) prepare(e *evaluator, j delJob) {
	e.clusterInto(f.ec, j.c, 0, 0)
	n := e.lay.start[j.c+1] - e.lay.start[j.c]
	f.rest = j.hi-j.lo < n
	if f.rest {
		e.clusterInto(f.er, j.c, j.lo, j.hi)
	}
}

func newFastDel(e *evaluator, s *surrogate) *fastDel {
	return &fastDel{sur: s, ec: e.emptyLike(), er: e.emptyLike(), o: newEvalOut(e.q), oc: newEvalOut(e.q),
		wa: make([]float64, len(s.nodes[0])), wb: make([]float64, len(s.nodes[1]))}
}

// sums sets f.o to the sums without S = sorted positions [lo, hi) of
// cluster c at s2 (f.ec, f.er filled by prepare).
func (f *fastDel) sums(s2 [2]float64, deriv, rest bool) error {
	if !f.sur.contains(s2) {
		f.outside = true
		return errOutside
	}
	f.sur.eval(s2, f.o, f.wa, f.wb)
	if err := f.ec.eval(s2, deriv, f.oc); err != nil {
		return err
	}
	f.o.axpy(-1, f.oc)
	if rest {
		if err := f.er.eval(s2, deriv, f.oc); err != nil {
			return err
		}
		f.o.axpy(1, f.oc)
	}
	return nil
}

// clusterInto fills dst with the rows of cluster c of e, without the
// sorted positions [lo, hi) (lo = hi: none), as a one-cluster evaluator.
func (e *evaluator) clusterInto(dst *evaluator, c, lo, hi int) {
	l := e.lay
	dl := dst.lay
	dl.start, dl.inner, dl.ninner, dl.names = append(dl.start[:0], 0), dl.inner[:0], dl.ninner[:0], append(dl.names[:0], l.names[c])
	dst.xa, dst.v, dst.sd = dst.xa[:0], dst.v[:0], dst.sd[:0]
	m := make([]int, l.ninner[c])
	n := dst.appendRenumbered(e, m, l.start[c], l.start[c+1], lo, hi)
	dl.ninner = append(dl.ninner, n)
	dl.nInner = n
	dl.start = append(dl.start, len(dst.v))
	dl.k, dst.k = len(dst.v), len(dst.v)
}

// planBox returns the interpolation box: around σ̂², wide enough for the
// first Fisher steps of 90% of the deletions (three times their largest
// step), and the steps themselves. steps[i] is NaN when it could not be
// formed.
func planBox(full [2]float64, steps [][2]float64, fixed [2]*float64) (lo, hi [2]float64) {
	for j := 0; j < 2; j++ {
		if fixed[j] != nil {
			lo[j], hi[j] = full[j], full[j]
			continue
		}
		a := make([]float64, 0, len(steps))
		for _, s := range steps {
			if !math.IsNaN(s[j]) {
				a = append(a, math.Abs(s[j]))
			}
		}
		sort.Float64s(a)
		w := 0.0
		if len(a) > 0 {
			w = math.Max(3*a[int(0.9*float64(len(a)-1))], 1.5*a[int(0.99*float64(len(a)-1))])
		}
		w = math.Max(w, 1e-6*(full[0]+full[1])+1e-12)
		lo[j], hi[j] = math.Max(0, full[j]-w), full[j]+w
	}
	return lo, hi
}

// xtxWithout returns X'X of e's rows without sorted positions [lo, hi)
// from the full cross-product xtx, and its log determinant; ok is false
// when it is singular.
func (e *evaluator) xtxWithout(xtx []float64, lo, hi int) (float64, bool) {
	p, q := e.p, e.q
	a := append([]float64(nil), xtx...)
	for pos := lo; pos < hi; pos++ {
		r := e.xa[pos*q : pos*q+p]
		for i := 0; i < p; i++ {
			for j := 0; j < p; j++ {
				a[i*p+j] -= r[i] * r[j]
			}
		}
	}
	if err := linalg.Cholesky(a, p); err != nil {
		return 0, false
	}
	return linalg.LogDet(a, p), true
}
