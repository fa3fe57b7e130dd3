package metamv

import (
	"fmt"
	"math"
	"runtime"
	"sync/atomic"

	"github.com/alliance-research/alliance/internal/parallel"

	"github.com/alliance-research/alliance/analysis/errs"
	"github.com/alliance-research/alliance/analysis/internal/linalg"
	"github.com/alliance-research/alliance/analysis/internal/wald"
	"github.com/alliance-research/alliance/analysis/meta"
)

// InfluenceOptions configures Influence.
type InfluenceOptions struct {
	// Effects adds the effect-level diagnostics (one refit per effect size,
	// cooks.distance(res) and dfbetas(res) without cluster); the cluster
	// level (one refit per outer cluster) is always computed.
	Effects bool
	// LeaveOut adds the leave-one-cluster-out table (coefficients, their
	// tests and CIs, σ² and the log-likelihood without each cluster).
	LeaveOut bool
	// Workers bounds the refits run at once (default GOMAXPROCS).
	Workers int

	exact bool // every refit by exact evaluations (the test oracle)
}

// ClusterInfluence is the influence of one outer cluster (all its effect
// sizes deleted at once).
type ClusterInfluence struct {
	Cluster string    `json:"cluster"`
	K       int       `json:"k"`       // effect sizes in the cluster
	CookD   float64   `json:"cook_d"`  // cooks.distance(res, cluster = outer)
	DFBetas []float64 `json:"dfbetas"` // dfbetas(res, cluster = outer), one per coefficient
	Hat     float64   `json:"hat"`     // Σ of the cluster's hat values, tr(H_cc)
}

// EffectInfluence is the influence of one effect size.
type EffectInfluence struct {
	Row     int       `json:"row"` // 1-based row of the input
	Cluster string    `json:"cluster"`
	CookD   float64   `json:"cook_d"`  // cooks.distance(res)
	DFBetas []float64 `json:"dfbetas"` // dfbetas(res)
	Hat     float64   `json:"hat"`     // hatvalues(res)
}

// LeaveOut is the model refitted without one outer cluster (σ²
// re-estimated): the first coefficient (the pooled estimate of an
// intercept-only model) with its test and CI, and with moderators every
// coefficient.
type LeaveOut struct {
	Cluster      string      `json:"cluster"`
	K            int         `json:"k"` // effect sizes in the fit
	Estimate     float64     `json:"estimate"`
	SE           float64     `json:"se"`
	Statistic    float64     `json:"statistic"`
	DF           *float64    `json:"df,omitempty"` // test t: k − p
	P            float64     `json:"p"`
	CILB         float64     `json:"ci_lb"`
	CIUB         float64     `json:"ci_ub"`
	Sigma2       [2]float64  `json:"sigma2"`
	LogLik       float64     `json:"logLik"`
	Coefficients []meta.Coef `json:"coefficients,omitempty"` // with moderators
}

// InfluenceResult holds the deletion diagnostics of a three-level fit.
type InfluenceResult struct {
	Names    []string           `json:"names"` // coefficient names (columns of dfbetas)
	Clusters []ClusterInfluence `json:"clusters"`
	Effects  []EffectInfluence  `json:"effects,omitempty"`
	LeaveOut []LeaveOut         `json:"leave1out,omitempty"`
	Notes    []string           `json:"notes,omitempty"`

	exactRefits int // refits done by exact evaluations (the rest fast)
}

// Influence computes the deletion diagnostics of a three-level fit as
// metafor 3.8-1 (cooks.distance.rma.mv, dfbetas.rma.mv, hatvalues.rma.mv).
// Deleting a set S of effect sizes (one outer cluster, or one effect size),
// the model is refitted without S — σ² re-estimated, starting from the full
// fit's σ̂² (metafor's reestimate = TRUE with sigma2.init) — giving β̂₍₋S₎
// and σ̂²₍₋S₎; then
//
//	Cook's D_S = (β̂ − β̂₍₋S₎)' Var(β̂)⁻¹ (β̂ − β̂₍₋S₎),
//	DFBETAS_Sj = (β̂ⱼ − β̂₍₋S₎ⱼ) / √[(X'M₍₋S₎⁻¹X)⁻¹]ⱼⱼ,
//
// Var(β̂) the full fit's, and M₍₋S₎ the marginal covariance of all k effect
// sizes at σ̂²₍₋S₎ (metafor refits the full data with σ² fixed there). The
// hat values are the diagonal of H = X(X'M⁻¹X)⁻¹X'M⁻¹ at the full fit; a
// cluster's hat is the sum over its effect sizes (the trace of its block).
// Refits whose coefficients are not estimable (a moderator level only in
// the deleted set) or that do not converge give NaN and a note, as
// metafor's NA.
//
// Influence does not modify r and may run concurrently with its other
// methods. Each refit reuses the structured evaluator (never a k×k matrix), starts
// from the full fit and runs on a bounded pool of workers, so the k + m
// refits of k effect sizes in m clusters cost about (k + m) likelihood
// evaluations' worth of O(k) work each, divided by the workers.
func (r *Result) Influence(opt InfluenceOptions) (*InfluenceResult, error) {
	if r == nil || r.ev == nil {
		return nil, errs.New(errs.InvalidOption, "metamv", "no fitted model to compute influence for")
	}
	e, p := r.ev, r.P
	lay := e.lay
	out := &InfluenceResult{Names: append([]string(nil), r.names...)}
	// the hat values at the full fit
	wx, err := e.clone().weightedX(r.Sigma2) // a clone: r's workspace stays untouched
	if err != nil {
		return nil, err
	}
	hat := make([]float64, e.k) // by sorted position
	for pos := 0; pos < e.k; pos++ {
		x := e.xa[pos*e.q : pos*e.q+p]
		w := wx[pos*p : (pos+1)*p]
		var h float64
		for i := 0; i < p; i++ {
			var t float64
			for j := 0; j < p; j++ {
				t += r.Vcov[i*p+j] * w[j]
			}
			h += x[i] * t
		}
		if h > 1-10*2.220446049250313e-16 {
			h = 1
		}
		hat[pos] = h
	}
	svb, _, err := invertSPD(r.Vcov, p)
	if err != nil {
		return nil, errs.New(errs.Singular, "metamv", "the covariance of the coefficients is singular (%v)", err)
	}
	beta := r.beta()
	nc := lay.nclust()
	jobs := make([]delJob, 0, nc+e.k)
	for c := 0; c < nc; c++ {
		jobs = append(jobs, delJob{c, lay.start[c], lay.start[c+1]})
	}
	if opt.Effects {
		for c := 0; c < nc; c++ {
			for pos := lay.start[c]; pos < lay.start[c+1]; pos++ {
				jobs = append(jobs, delJob{c, pos, pos + 1})
			}
		}
	}
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	if workers > len(jobs) {
		workers = len(jobs)
	}
	res := r.deletions(jobs, workers, beta, svb, opt.exact)
	out.exactRefits = res[0].nExact
	nan := math.NaN()
	nanv := func() []float64 {
		v := make([]float64, p)
		for i := range v {
			v[i] = nan
		}
		return v
	}
	for c := 0; c < nc; c++ {
		d := res[c]
		ci := ClusterInfluence{Cluster: lay.names[c], K: lay.start[c+1] - lay.start[c], CookD: d.cook, DFBetas: d.dfbs}
		for pos := lay.start[c]; pos < lay.start[c+1]; pos++ {
			ci.Hat += hat[pos]
		}
		if d.err != nil {
			ci.CookD, ci.DFBetas = nan, nanv()
			out.Notes = append(out.Notes, fmt.Sprintf("Without cluster %s: %v; its Cook's distance and DFBETAS are not available.", lay.names[c], d.err))
		}
		out.Clusters = append(out.Clusters, ci)
		if opt.LeaveOut {
			lo := LeaveOut{Cluster: lay.names[c], K: e.k - ci.K}
			var cs []meta.Coef
			if d.err != nil {
				lo.Sigma2, lo.LogLik = [2]float64{nan, nan}, nan
				for j := 0; j < p; j++ {
					cs = append(cs, meta.Coef{Name: r.names[j], Estimate: nan, SE: nan, Statistic: nan, P: nan, CILB: nan, CIUB: nan})
				}
			} else {
				lo.Sigma2, lo.LogLik = d.s2, d.ll
				cs = r.coefs(d.beta, d.h, lo.K)
			}
			c0 := cs[0]
			lo.Estimate, lo.SE, lo.Statistic, lo.DF, lo.P, lo.CILB, lo.CIUB = c0.Estimate, c0.SE, c0.Statistic, c0.DF, c0.P, c0.CILB, c0.CIUB
			if p > 1 {
				lo.Coefficients = cs
			}
			out.LeaveOut = append(out.LeaveOut, lo)
		}
	}
	if opt.Effects {
		out.Effects = make([]EffectInfluence, e.k)
		cl := make([]int, e.k)
		for c := 0; c < nc; c++ {
			for pos := lay.start[c]; pos < lay.start[c+1]; pos++ {
				cl[pos] = c
			}
		}
		var failed []string
		for pos := 0; pos < e.k; pos++ {
			d := res[nc+pos]
			j := lay.order[pos] // design row
			ef := EffectInfluence{Row: r.Rows[j] + 1, Cluster: lay.names[cl[pos]], CookD: d.cook, DFBetas: d.dfbs, Hat: hat[pos]}
			if d.err != nil {
				ef.CookD, ef.DFBetas = nan, nanv()
				failed = append(failed, fmt.Sprintf("row %d (%v)", ef.Row, d.err))
			}
			out.Effects[j] = ef
		}
		if len(failed) > 0 {
			out.Notes = append(out.Notes, fmt.Sprintf("Without %d effect size(s) the model could not be refitted: %v; their Cook's distance and DFBETAS are not available.", len(failed), failed))
		}
	}
	return out, nil
}

// delJob deletes the sorted positions [lo, hi) of cluster c.
type delJob struct{ c, lo, hi int }

// delFit is one deletion refit.
type delFit struct {
	cook float64
	dfbs []float64
	s2   [2]float64
	ll   float64
	beta []float64
	h    []float64
	err  error

	nExact int // (first job only) how many refits were exact
}

// deletions runs the refits of jobs on workers goroutines: fast refits
// where the interpolated full-data sums hold (influence_fast.go), exact
// ones otherwise (or for all with exact).
func (r *Result) deletions(jobs []delJob, workers int, beta, svb []float64, exact bool) []delFit {
	e, p := r.ev, r.P
	res := make([]delFit, len(jobs))
	reml := r.Method == REML
	fixed := r.opt.Sigma2
	xtx := make([]float64, p*p)
	var sw, sw2 float64
	for pos := 0; pos < e.k; pos++ {
		x := e.xa[pos*e.q : pos*e.q+p]
		for i := 0; i < p; i++ {
			for j := 0; j < p; j++ {
				xtx[i*p+j] += x[i] * x[j]
			}
		}
		w := 1 / e.v[pos]
		sw += w
		sw2 += w * w
	}
	vtWithout := func(j delJob) float64 {
		a, b := sw, sw2
		for pos := j.lo; pos < j.hi; pos++ {
			w := 1 / e.v[pos]
			a -= w
			b -= w * w
		}
		k := float64(e.k - (j.hi - j.lo))
		den := a*a - b
		if k < 2 || !(den > 0) {
			return e.v[0]
		}
		return (k - 1) * a / den
	}
	// run calls f(worker state, job index) for every job on the workers
	type wstate struct {
		red, full *evaluator
		fd        *fastDel
	}
	ws := make([]*wstate, workers)
	for w := range ws {
		ws[w] = &wstate{red: e.emptyLike(), full: e.clone()}
	}
	run := func(f func(w *wstate, i int)) {
		parallel.Each(len(jobs), len(ws), func(w, i int) { f(ws[w], i) })
	}
	var nExact atomic.Int64
	var sur *surrogate
	pred := make([][2]float64, len(jobs))
	if !exact {
		// the first Fisher step of every deletion, from the exact full sums at σ̂²
		o0 := newEvalOut(e.q)
		if err := ws[0].full.eval(r.Sigma2, true, o0); err == nil {
			at0 := &surrogate{q: e.q, vals: []*evalOut{o0}, lo: r.Sigma2, hi: r.Sigma2}
			for j := 0; j < 2; j++ {
				at0.nodes[j], at0.bw[j] = []float64{r.Sigma2[j]}, []float64{1}
			}
			for _, w := range ws {
				w.fd = newFastDel(e, at0)
			}
			run(func(w *wstate, i int) {
				j := jobs[i]
				pred[i] = [2]float64{math.NaN(), math.NaN()}
				ld, ok := e.xtxWithout(xtx, j.lo, j.hi)
				if !ok {
					return
				}
				w.fd.prepare(e, j)
				if w.fd.sums(r.Sigma2, true, w.fd.rest) != nil {
					return
				}
				st, err := stateFrom(w.fd.o, r.Sigma2, e.k-(j.hi-j.lo), p, ld, reml, true)
				if err != nil {
					return
				}
				d, _ := fisherStep(st, fixed)
				pred[i] = d
			})
			lo, hi := planBox(r.Sigma2, pred, fixed)
			evs := make([]*evaluator, workers)
			for w := range ws {
				evs[w] = ws[w].full
			}
			for _, n := range []int{8, 14, 20} {
				if sur = buildSurrogate(evs, lo, hi, n); sur != nil {
					break
				}
			}
			if sur != nil {
				for _, w := range ws {
					w.fd = newFastDel(e, sur)
				}
			}
		}
	}
	run(func(w *wstate, i int) {
		j := jobs[i]
		if sur != nil {
			target := [2]float64{math.Max(0, r.Sigma2[0]+pred[i][0]), math.Max(0, r.Sigma2[1]+pred[i][1])}
			if sur.contains(target) {
				if d, ok := r.fastFit(w.fd, j, xtx, vtWithout(j), beta, svb); ok {
					res[i] = d
					return
				}
			}
		}
		res[i] = r.deleteFit(w.red, w.full, j.lo, j.hi, beta, svb)
		nExact.Add(1)
	})
	if len(res) > 0 {
		res[0].nExact = int(nExact.Load())
	}
	return res
}

// fastFit is the refit without job j by the interpolated sums; ok is
// false when it must be done exactly (an iterate outside the box, or a
// failure to be diagnosed by the exact refit).
func (r *Result) fastFit(fd *fastDel, j delJob, xtx []float64, vt float64, beta, svb []float64) (delFit, bool) {
	e, p := r.ev, r.P
	reml := r.Method == REML
	ld, ok := e.xtxWithout(xtx, j.lo, j.hi)
	kr := e.k - (j.hi - j.lo)
	if !ok || kr <= p {
		return delFit{}, false
	}
	fd.prepare(e, j)
	fd.outside = false
	at := func(s2 [2]float64) (*state, error) {
		if err := fd.sums(s2, true, fd.rest); err != nil {
			return nil, err
		}
		return stateFrom(fd.o, s2, kr, p, ld, reml, true)
	}
	st, _, err := optimizeWith(at, r.opt.Sigma2, r.Sigma2, vt, r.opt.Tol, r.opt.MaxIter)
	if err != nil || fd.outside {
		return delFit{}, false
	}
	fd.sur.eval(st.s2, fd.o, fd.wa, fd.wb)
	fs, err := stateFrom(fd.o, st.s2, e.k, p, e.ldXX, reml, false)
	if err != nil {
		return delFit{}, false
	}
	return r.delResult(st, fs, beta, svb), true
}

// delResult forms Cook's distance and DFBETAS from the refit st and the
// full data at its σ² (fs).
func (r *Result) delResult(st, fs *state, beta, svb []float64) delFit {
	p := r.P
	d := delFit{s2: st.s2, ll: st.ll, beta: st.beta, h: st.h}
	db := make([]float64, p)
	for j := range db {
		db[j] = beta[j] - st.beta[j]
	}
	d.cook = quad(db, svb, p)
	d.dfbs = make([]float64, p)
	for j := range db {
		d.dfbs[j] = db[j] / math.Sqrt(fs.h[j*p+j])
	}
	return d
}

// deleteFit refits the model without sorted positions [lo, hi) into red
// (the reduced evaluator's workspace), starting from the full σ̂², and
// evaluates the full data at the new σ̂² in full (a clone of r.ev).
func (r *Result) deleteFit(red, full *evaluator, lo, hi int, beta, svb []float64) delFit {
	e, p := r.ev, r.P
	if err := e.dropInto(red, lo, hi); err != nil {
		return delFit{err: err}
	}
	if red.k <= p {
		return delFit{err: errs.New(errs.TooFew, "metamv", "%d effect sizes left for %d coefficients", red.k, p)}
	}
	reml := r.Method == REML
	st, _, err := red.optimize(reml, r.opt.Sigma2, r.Sigma2, typicalV(red.v), r.opt.Tol, r.opt.MaxIter)
	if err != nil {
		return delFit{err: err}
	}
	fs, err := full.at(st.s2, reml, false, newEvalOut(full.q))
	if err != nil {
		return delFit{err: err}
	}
	return r.delResult(st, fs, beta, svb)
}

// coefs gives the coefficient table of a fit with estimate b and
// covariance h on k effect sizes (the tests and CIs of infer).
func (r *Result) coefs(b, h []float64, k int) []meta.Coef {
	p := r.P
	ddf := float64(k - p)
	ref := wald.Normal(r.Level)
	if r.Test == "t" {
		ref = wald.StudentT(ddf, r.Level)
	}
	out := make([]meta.Coef, p)
	for j := 0; j < p; j++ {
		w := ref.Coef(b[j], h[j*p+j])
		c := meta.Coef{Name: r.names[j], Estimate: w.Estimate, SE: w.SE, Statistic: w.Statistic, P: w.P, CILB: w.CILB, CIUB: w.CIUB}
		if ref.IsT() {
			df := ddf
			c.DF = &df
		}
		out[j] = c
	}
	return out
}

// clone returns an evaluator over the same data with its own workspaces
// (evaluations are not safe for concurrent use).
func (e *evaluator) clone() *evaluator {
	c := *e
	c.allocWork(e.lay.maxn)
	return &c
}

// emptyLike returns an evaluator with room for e's data, to be filled by
// dropInto.
func (e *evaluator) emptyLike() *evaluator {
	l := e.lay
	nl := &layout{start: make([]int, 0, len(l.start)), inner: make([]int, 0, l.k), ninner: make([]int, 0, len(l.ninner)),
		names: make([]string, 0, len(l.names)), maxn: l.maxn}
	c := &evaluator{lay: nl, p: e.p, q: e.q, rho: e.rho, dense: e.dense,
		xa: make([]float64, 0, len(e.xa)), v: make([]float64, 0, e.k), sd: make([]float64, 0, e.k)}
	c.allocWork(l.maxn)
	return c
}

func (e *evaluator) allocWork(n int) {
	q := e.q
	if e.dense {
		e.mb, e.mi, e.tmp, e.sg = make([]float64, n*n), make([]float64, n*n), make([]float64, n*n), make([]float64, n*n)
		e.qm, e.rg, e.rs, e.vq = make([]float64, n*q), make([]float64, n*q), make([]float64, n), make([]float64, 2*q)
	} else {
		e.wb = newWBWork(n, q)
	}
}

// dropInto fills dst (from emptyLike) with e's data without the sorted
// positions [lo, hi), which lie in one cluster: a cluster left empty is
// removed, its inner units renumbered. It recomputes log|X'X| and returns
// an errs.Singular error when X'X of the rest is singular.
func (e *evaluator) dropInto(dst *evaluator, lo, hi int) error {
	l, q, p := e.lay, e.q, e.p
	dl := dst.lay
	dl.start, dl.inner, dl.ninner, dl.names = dl.start[:0], dl.inner[:0], dl.ninner[:0], dl.names[:0]
	dst.xa, dst.v, dst.sd = dst.xa[:0], dst.v[:0], dst.sd[:0]
	dl.nInner = 0
	var remap [64]int
	for c := 0; c < l.nclust(); c++ {
		s, t := l.start[c], l.start[c+1]
		if lo >= s && hi <= t && hi-lo == t-s {
			continue // the whole cluster
		}
		dl.start = append(dl.start, len(dst.v))
		dl.names = append(dl.names, l.names[c])
		if lo >= s && lo < t {
			// renumber the inner units of the rows kept
			g := l.ninner[c]
			var m []int
			if g <= len(remap) {
				m = remap[:g]
			} else {
				m = make([]int, g)
			}
			n := dst.appendRenumbered(e, m, s, t, lo, hi)
			dl.ninner = append(dl.ninner, n)
			dl.nInner += n
			continue
		}
		for pos := s; pos < t; pos++ {
			dst.appendRow(e, pos, l.inner[pos])
		}
		dl.ninner = append(dl.ninner, l.ninner[c])
		dl.nInner += l.ninner[c]
	}
	dl.start = append(dl.start, len(dst.v))
	dl.k = len(dst.v)
	dst.k = dl.k
	xtx := make([]float64, p*p)
	for i := 0; i < dst.k; i++ {
		r := dst.xa[i*q : i*q+p]
		for a := 0; a < p; a++ {
			for b := 0; b < p; b++ {
				xtx[a*p+b] += r[a] * r[b]
			}
		}
	}
	if err := linalg.Cholesky(xtx, p); err != nil {
		return errs.New(errs.Singular, "metamv", "the coefficients are not estimable (X'X is singular)")
	}
	dst.ldXX = linalg.LogDet(xtx, p)
	return nil
}

// appendRow appends sorted position pos of src as a row of inner unit
// inner of the last cluster.
// appendRenumbered appends src's rows at sorted positions [from, to)
// except [lo, hi), numbering their inner units 0, 1, … in order of first
// appearance (m, of the cluster's inner count, is the workspace), and
// returns how many inner units were kept.
func (e *evaluator) appendRenumbered(src *evaluator, m []int, from, to, lo, hi int) int {
	for i := range m {
		m[i] = -1
	}
	n := 0
	for pos := from; pos < to; pos++ {
		if pos >= lo && pos < hi {
			continue
		}
		u := src.lay.inner[pos]
		if m[u] < 0 {
			m[u] = n
			n++
		}
		e.appendRow(src, pos, m[u])
	}
	return n
}

func (e *evaluator) appendRow(src *evaluator, pos, inner int) {
	q := src.q
	e.xa = append(e.xa, src.xa[pos*q:(pos+1)*q]...)
	e.v = append(e.v, src.v[pos])
	e.sd = append(e.sd, src.sd[pos])
	e.lay.inner = append(e.lay.inner, inner)
}
