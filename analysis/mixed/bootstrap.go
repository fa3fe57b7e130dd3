package mixed

import (
	"github.com/alliance-research/alliance/analysis/errs"
	"math"
	"math/rand/v2"
	"slices"
	"sync"

	"github.com/alliance-research/alliance/analysis/internal/linalg"
	"github.com/alliance-research/alliance/internal/parallel"
	"gonum.org/v1/gonum/stat/distuv"
)

// bootSamples are the parametric-bootstrap replicates of a model: t[i]
// holds sample i's SDs and correlations, σ and β (nil when its refit
// failed); est the fitted model's, templ their names.
type bootSamples struct {
	est    []float64
	templ  []CI
	t      [][]float64
	failed int
}

// bootstrap draws o.NSim responses from the fitted model and refits each
// (see Confint), o.Workers at a time, sample i from the PCG stream
// (o.Seed, i) and stored at index i.
func (m *Model) bootstrap(o ConfintOptions) (*bootSamples, error) {
	d := m.d
	if !d.ensureRows() {
		return nil, errs.New(errs.InvalidOption, "mixed", "a parametric bootstrap needs the model fitted from its rows, not from summary statistics")
	}
	nt := d.ntheta()
	theta := m.x[:nt]
	sigma := math.Sqrt(m.Result.ResidualVariance)
	bs := &bootSamples{t: make([][]float64, o.NSim)}
	bs.est = d.psiFromTheta(theta, sigma)
	for k, p := range d.vcParams() {
		bs.templ = append(bs.templ, CI{Parm: p.parm, Group: p.group, Name: p.name, Estimate: bs.est[k], Method: "boot"})
	}
	beta := make([]float64, d.p)
	for i, c := range m.Result.Fixed {
		bs.est = append(bs.est, c.Estimate)
		bs.templ = append(bs.templ, CI{Parm: c.Name, Name: c.Name, Estimate: c.Estimate, Method: "boot"})
		beta[i] = c.Estimate
		if i == 0 && d.formula.Intercept {
			beta[i] -= d.yShift
		}
	}
	sim := newSimulator(d, theta, sigma, beta)
	workers := max(1, min(o.Workers, o.NSim))
	bufs := make([][]float64, workers)
	var mu sync.Mutex
	done := 0
	parallel.Each(o.NSim, workers, func(w, i int) {
		if bufs[w] == nil {
			bufs[w] = make([]float64, len(d.rows))
		}
		rows := bufs[w]
		copy(rows, d.rows)
		sim.draw(rand.New(rand.NewPCG(o.Seed, uint64(i))), rows)
		bs.t[i] = refitParams(d, rows, theta, !m.opts.ML)
		if o.Progress != nil {
			mu.Lock()
			done++
			o.Progress(done, o.NSim)
			mu.Unlock()
		}
	})
	for _, t := range bs.t {
		if t == nil {
			bs.failed++
		}
	}
	return bs, nil
}

// simulator draws responses from a fitted model in the design's row order
// and y-shifted coordinates.
type simulator struct {
	d     *design
	lam   [][]float64 // per level, Λ (q×q lower, row-major)
	sigma float64
	beta  []float64
	node  [][]int // per level, the node of each finest node
}

func newSimulator(d *design, theta []float64, sigma float64, beta []float64) *simulator {
	s := &simulator{d: d, sigma: sigma, beta: beta}
	for l, lv := range d.levels {
		q := lv.q
		L := make([]float64, q*q)
		lv.fillLambda(L, theta)
		s.lam = append(s.lam, L)
		if d.general { // rows name their groups (design.codes)
			continue
		}
		nodes := make([]int, d.levels[0].nodes)
		for j := range nodes {
			g := j
			for a := 0; a < l; a++ {
				g = d.levels[a].parent[g]
			}
			nodes[j] = g
		}
		s.node = append(s.node, nodes)
	}
	return s
}

// draw writes y* = Xβ̂ + Σ_l Z_l b_l + σ̂ε into the last column of rows:
// b = σ̂ Λ u for each group of each level (level by level, group by group,
// u standard normal), then ε row by row.
func (s *simulator) draw(rng *rand.Rand, rows []float64) {
	d := s.d
	b := make([][]float64, len(d.levels))
	for l, lv := range d.levels {
		q := lv.q
		b[l] = make([]float64, lv.nodes*q)
		u := make([]float64, q)
		L := s.lam[l]
		for g := 0; g < lv.nodes; g++ {
			for i := range u {
				u[i] = rng.NormFloat64()
			}
			for i := 0; i < q; i++ {
				v := 0.0
				for k := 0; k <= i; k++ {
					v += L[i*q+k] * u[k]
				}
				b[l][g*q+i] = s.sigma * v
			}
		}
	}
	if d.general {
		s.drawGeneral(b, rows)
	} else {
		s.drawNested(b, rows)
	}
	for r := 0; r < d.n; r++ {
		rows[r*d.m0+d.m0-1] += s.sigma * rng.NormFloat64()
	}
}

// drawNested writes x_rβ̂ + Σ_l z_rl b_l into the response of each row of
// a nested design, row r of finest node j taking level l's effects of
// the node above j.
func (s *simulator) drawNested(b [][]float64, rows []float64) {
	d := s.d
	m0, p := d.m0, d.p
	xo := m0 - p - 1
	for j := 0; j < d.levels[0].nodes; j++ {
		for r := d.start[j]; r < d.start[j+1]; r++ {
			v := rows[r*m0 : (r+1)*m0]
			y := 0.0
			for a := 0; a < p; a++ {
				y += v[xo+a] * s.beta[a]
			}
			for l, lv := range d.levels {
				bg := b[l][s.node[l][j]*lv.q : (s.node[l][j]+1)*lv.q]
				for i, bi := range bg {
					y += v[lv.off+i] * bi
				}
			}
			v[m0-1] = y
		}
	}
}

// refitParams refits the model of design d to the response in rows
// (starting from θ0, by the fit's optimiser and criterion) and returns
// its SDs and correlations, σ and β on the original scale; nil when the
// fit fails.
func refitParams(d *design, rows, theta0 []float64, reml bool) []float64 {
	dc := *d
	dc.rows = rows
	e := newEngine(&dc)
	e.inline() // the refits run in parallel
	obj := func(th []float64) float64 {
		c, ok := e.eval(th, 0)
		if !ok {
			return math.Inf(1)
		}
		return e.deviance(c, reml)
	}
	lo, up := thetaBounds(d)
	th, _, ok := minimise(obj, theta0, lo, up)
	if th == nil || !ok {
		return nil
	}
	c, ok := e.eval(th, 0)
	if !ok {
		return nil
	}
	dof := float64(d.n)
	if reml {
		dof -= float64(d.p)
	}
	sigma := math.Sqrt(c.r2 / dof)
	out := d.psiFromTheta(th, sigma)
	// β̂ = A⁻¹c from the reduced [X y] block.
	p, pp := d.p, d.p+1
	M := e.reducedXY()
	A := make([]float64, p*p)
	beta := make([]float64, p)
	for i := 0; i < p; i++ {
		for j := 0; j <= i; j++ {
			A[i*p+j] = M[i*pp+j]
			A[j*p+i] = M[i*pp+j]
		}
		beta[i] = M[p*pp+i]
	}
	if linalg.Cholesky(A, p) != nil {
		return nil
	}
	linalg.Solve(A, p, beta)
	if d.formula.Intercept {
		beta[0] += d.yShift
	}
	return append(out, beta...)
}

// intervals are the percentile intervals of every parameter.
func (bs *bootSamples) intervals(level float64) []CI {
	out := slices.Clone(bs.templ)
	col := make([]float64, 0, len(bs.t))
	for k := range out {
		col = col[:0]
		for _, t := range bs.t {
			if t != nil && !math.IsNaN(t[k]) && !math.IsInf(t[k], 0) {
				col = append(col, t[k])
			}
		}
		out[k].Lower, out[k].Upper = percentileInterval(col, level)
	}
	return out
}

// percentileInterval is boot.ci's percentile interval (boot's norm.inter):
// with R finite replicates sorted, the limit at α ∈ {(1−level)/2,
// (1+level)/2} is order statistic k = (R+1)α when that is an integer, else
// the interpolation between order statistics k = ⌊(R+1)α⌋ and k+1 on the
// normal quantile scale,
//
//	t_(k) + (Φ⁻¹(α) − Φ⁻¹(k/(R+1)))/(Φ⁻¹((k+1)/(R+1)) − Φ⁻¹(k/(R+1)))·(t_(k+1) − t_(k)),
//
// and the extreme order statistic when k is 0 or R (Davison & Hinkley
// 1997, eq. 5.19). col is sorted in place.
func percentileInterval(col []float64, level float64) (lo, hi float64) {
	R := len(col)
	if R == 0 {
		return math.NaN(), math.NaN()
	}
	slices.Sort(col)
	at := func(alpha float64) float64 {
		rk := float64(R+1) * alpha
		k := int(math.Trunc(rk))
		switch {
		case k <= 0:
			return col[0]
		case k >= R:
			return col[R-1]
		case float64(k) == rk:
			return col[k-1]
		}
		q := distuv.UnitNormal.Quantile
		t1, t2, t3 := q(alpha), q(float64(k)/float64(R+1)), q(float64(k+1)/float64(R+1))
		return col[k-1] + (t1-t2)/(t3-t2)*(col[k]-col[k-1])
	}
	return at((1 - level) / 2), at((1 + level) / 2)
}
