package meta

import (
	"math"
	"runtime"

	"github.com/alliance-research/alliance/internal/parallel"
)

// refit is the part of a fit that the sensitivity analyses (leave-one-out,
// influence, cumulative, trim-and-fill) need from each of many refits: τ²,
// β̂, its covariance, the Knapp–Hartung factor and the heterogeneity
// statistics. It skips the Q-profile intervals, fit statistics and R² that
// Fit adds, so one refit costs O(k·p²) per scoring step.
type refit struct {
	r   Result // coefficients, Vcov, tau2, QE, I2, H2 of the refit
	s2w float64
}

// fitQuick fits m's current data (after m.center()) and stores the result
// in out. warm (NaN: none) starts ML/REML/EB Fisher scoring.
func (m *model) fitQuick(warm float64, out *refit) error {
	m.warm = warm
	est, err := m.estimateTau2()
	m.warm = math.NaN()
	if err != nil {
		return err
	}
	r := &out.r
	*r = Result{K: m.d.k, P: m.d.p, Measure: m.opt.Measure, Method: m.opt.Method, MethodShown: m.opt.Method, Test: m.opt.Test,
		Level: m.opt.Level, Tau2: est.tau2, Tau: math.Sqrt(est.tau2), Iter: est.iter,
		Yi: m.d.y, Vi: m.d.v, opt: m.opt, d: m.d}
	if !math.IsNaN(est.se) {
		r.SETau2 = f64(est.se)
	}
	if err := m.infer(r); err != nil {
		return err
	}
	out.s2w = r.s2w
	if err := m.heterogeneity(r); err != nil {
		return err
	}
	if m.d.p == 1 {
		m.predict(r)
	}
	return nil
}

// subDesign returns a design with room for n rows of d's columns.
func (d *design) subDesign(n int) *design {
	sub := &design{k: n, p: d.p, y: make([]float64, n), v: make([]float64, n),
		x: make([]float64, n*d.p), names: d.names}
	if d.a != nil {
		sub.a = make([]float64, n)
	}
	return sub
}

// fillFrom copies the rows of src for which keep(i) is true into d (which
// must have exactly that many rows).
func (d *design) fillFrom(src *design, keep func(i int) bool) {
	p := src.p
	j := 0
	for i := 0; i < src.k; i++ {
		if !keep(i) {
			continue
		}
		d.y[j], d.v[j] = src.y[i], src.v[i]
		if src.a != nil {
			d.a[j] = src.a[i]
		}
		copy(d.x[j*p:(j+1)*p], src.x[i*p:(i+1)*p])
		j++
	}
}

// parallelFor runs body(worker, i) for i in [0, n) in contiguous ranges on
// up to NumCPU goroutines (parallel.Chunks); each range gets its own
// worker state from newWorker.
func parallelFor(n int, newWorker func() any, body func(w any, i int)) {
	parallel.Chunks(n, runtime.NumCPU(), func(_, lo, hi int) {
		st := newWorker()
		for i := lo; i < hi; i++ {
			body(st, i)
		}
	})
}
