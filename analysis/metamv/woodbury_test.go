package metamv

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/alliance-research/alliance/analysis/meta"
)

// simulateNested draws nc clusters of 1..maxn effect sizes grouped in inner
// units of 1..maxInner rows, with a numeric and a three-level categorical
// moderator; σ²_outer = 0.04, σ²_inner = 0.02, vᵢ ~ U(0.005, 0.05).
func simulateNested(nc, maxn, maxInner int, seed uint64) (y, v, x []float64, g, outer, inner []string) {
	rng := rand.New(rand.NewPCG(seed, 11))
	for c := 0; c < nc; c++ {
		n := 1 + rng.IntN(maxn)
		u := 0.2 * rng.NormFloat64()
		unit, left := 0, 0
		var w float64
		for i := 0; i < n; i++ {
			if left == 0 {
				unit++
				left = 1 + rng.IntN(maxInner)
				w = math.Sqrt(0.02) * rng.NormFloat64()
			}
			left--
			vi := 0.005 + 0.045*rng.Float64()
			xi := rng.NormFloat64()
			gi := []string{"a", "b", "c"}[rng.IntN(3)]
			y = append(y, 0.3+0.1*xi+u+w+math.Sqrt(vi)*rng.NormFloat64())
			v = append(v, vi)
			x = append(x, xi)
			g = append(g, gi)
			outer = append(outer, "c"+strconv.Itoa(c))
			inner = append(inner, "u"+strconv.Itoa(unit))
		}
	}
	return
}

// close reports whether a and b agree to rel relative (an absolute floor
// abs for values that are zero in exact arithmetic).
func closeTo(a, b, rel, abs float64) bool {
	if a == b {
		return true
	}
	return math.Abs(a-b) <= rel*math.Max(math.Abs(a), math.Abs(b))+abs
}

// TestWoodburyEvalMatchesDense compares every sum the likelihood, score and
// information are built from, at fixed σ², between the structured path and
// a dense Cholesky factor of each cluster's covariance.
func TestWoodburyEvalMatchesDense(t *testing.T) {
	y, v, x, g, outer, inner := simulateNested(40, 12, 4, 5)
	cases := []struct {
		name  string
		inner []string
		rho   float64
		mods  bool
		s2    [2]float64
	}{
		{"unique inner", nil, 0, false, [2]float64{0.04, 0.02}},
		{"nested", inner, 0, true, [2]float64{0.04, 0.02}},
		{"nested rho .6", inner, 0.6, true, [2]float64{0.03, 0.01}},
		{"unique rho .6", nil, 0.6, true, [2]float64{0.05, 0.005}},
		{"nested rho -.05", inner, -0.05, true, [2]float64{0.02, 0.03}},
		{"outer zero", inner, 0.4, true, [2]float64{0, 0.02}},
		{"inner zero", inner, 0.4, false, [2]float64{0.02, 0}},
		{"both zero", inner, 0.3, true, [2]float64{0, 0}},
		{"large σ²", inner, 0.8, true, [2]float64{5, 2}},
	}
	for _, c := range cases {
		opt := Options{Rho: c.rho}
		if c.mods {
			opt.Mods = []meta.Moderator{{Name: "x", Numeric: x}, {Name: "g", Text: g}}
		}
		d, err := meta.BuildDesign(y, v, opt.Mods)
		if err != nil {
			t.Fatal(err)
		}
		lay, err := newLayout(d.Rows, outer, c.inner)
		if err != nil {
			t.Fatal(err)
		}
		ed, err := newEvaluator(lay, d.X, d.Y, d.V, d.P, c.rho, true)
		if err != nil {
			t.Fatal(err)
		}
		ew, err := newEvaluator(lay, d.X, d.Y, d.V, d.P, c.rho, false)
		if err != nil {
			t.Fatal(err)
		}
		od, ow := newEvalOut(ed.q), newEvalOut(ew.q)
		if err = ed.eval(c.s2, true, od); err != nil {
			t.Fatal(err)
		}
		if err = ew.eval(c.s2, true, ow); err != nil {
			t.Fatal(err)
		}
		const rel = 1e-10
		check := func(what string, a, b []float64, scale float64) {
			for i := range a {
				// Entries that vanish in exact arithmetic (e.g. a
				// cross-product of orthogonal columns) are compared
				// against the size of the whole matrix.
				if !closeTo(b[i], a[i], rel, 1e-13*scale) {
					t.Errorf("%s: %s[%d] = %.17g, dense %.17g", c.name, what, i, b[i], a[i])
				}
			}
		}
		maxAbs := func(a []float64) float64 {
			var m float64
			for _, x := range a {
				m = math.Max(m, math.Abs(x))
			}
			return m
		}
		check("log|M|", []float64{od.ldM}, []float64{ow.ldM}, 0)
		check("t", od.t[:], ow.t[:], 0)
		check("tt", []float64{od.tt[0][0], od.tt[0][1], od.tt[1][0], od.tt[1][1]},
			[]float64{ow.tt[0][0], ow.tt[0][1], ow.tt[1][0], ow.tt[1][1]}, 0)
		for _, m := range []struct {
			name string
			a, b []float64
		}{{"X'M⁻¹X", od.s0, ow.s0}, {"F1", od.f[0], ow.f[0]}, {"F2", od.f[1], ow.f[1]},
			{"G11", od.g11, ow.g11}, {"G12", od.g12, ow.g12}, {"G22", od.g22, ow.g22}} {
			check(m.name, m.a, m.b, maxAbs(m.a))
		}
		for _, reml := range []bool{true, false} {
			sd, e := ed.at(c.s2, reml, true, od)
			if e != nil {
				t.Fatal(e)
			}
			sw, e2 := ew.at(c.s2, reml, true, ow)
			if e2 != nil {
				t.Fatal(e2)
			}
			check("ll", []float64{sd.ll}, []float64{sw.ll}, 0)
			check("beta", sd.beta, sw.beta, 0)
			// The score is a difference of traces of size tr(M⁻¹Z_j).
			check("score", sd.score[:], sw.score[:], 1e-10*math.Max(od.t[0], od.t[1]))
			check("info", []float64{sd.info[0][0], sd.info[0][1], sd.info[1][1]},
				[]float64{sw.info[0][0], sw.info[0][1], sw.info[1][1]}, 0)
		}
		wx, err := ew.weightedX(c.s2)
		if err != nil {
			t.Fatal(err)
		}
		// M⁻¹X against the dense inverse, one cluster at a time.
		for cl := 0; cl < lay.nclust(); cl++ {
			st, n := lay.start[cl], lay.start[cl+1]-lay.start[cl]
			mb := make([]float64, n*n)
			for a := 0; a < n; a++ {
				for b := 0; b < n; b++ {
					mb[a*n+b] = ed.covEntry(st+a, st+b, c.s2)
				}
			}
			inv, _, err := invertSPD(mb, n)
			if err != nil {
				t.Fatal(err)
			}
			for a := 0; a < n; a++ {
				for j := 0; j < d.P; j++ {
					var want float64
					for b := 0; b < n; b++ {
						want += inv[a*n+b] * ed.xa[(st+b)*ed.q+j]
					}
					if !closeTo(wx[(st+a)*d.P+j], want, rel, 1e-13*maxAbs(inv)) {
						t.Errorf("%s: (M⁻¹X)[%d,%d] = %.17g, dense %.17g", c.name, st+a, j, wx[(st+a)*d.P+j], want)
					}
				}
			}
		}
	}
}

// TestWoodburyFitMatchesDense fits the same data both ways — estimates,
// σ², profile CIs, LRTs, fit statistics, CR1 and CR2 — and requires
// agreement to 1e-10 relative.
func TestWoodburyFitMatchesDense(t *testing.T) {
	y, v, x, g, outer, inner := simulateNested(60, 10, 3, 9)
	mods := []meta.Moderator{{Name: "x", Numeric: x}, {Name: "g", Text: g}}
	// A coarser robust clustering: several outer clusters per robust one.
	coarse := make([]string, len(outer))
	for i, o := range outer {
		c, _ := strconv.Atoi(o[1:])
		coarse[i] = "r" + strconv.Itoa(c%7)
	}
	zero := 0.0
	cases := []struct {
		name  string
		inner []string
		opt   Options
	}{
		{"reml nested outer fixed 0", inner, Options{Mods: mods, Sigma2: [2]*float64{&zero, nil}}},
		{"ml inner fixed 0 rho .3", inner, Options{Method: ML, Rho: 0.3, Sigma2: [2]*float64{nil, &zero}}},
		{"reml", nil, Options{}},
		{"reml nested mods", inner, Options{Mods: mods}},
		{"ml nested rho .6 mods", inner, Options{Method: ML, Rho: 0.6, Mods: mods}},
		{"reml rho .6 t", nil, Options{Rho: 0.6, Test: "t", Mods: mods[:1]}},
		{"reml nested rho -.05", inner, Options{Rho: -0.05}},
	}
	const rel, abs = 1e-10, 1e-14
	for _, c := range cases {
		od := c.opt
		od.dense = true
		rd, err := Fit(y, v, outer, c.inner, od)
		if err != nil {
			t.Fatalf("%s dense: %v", c.name, err)
		}
		rw, err := Fit(y, v, outer, c.inner, c.opt)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if rw.ev.dense || !rd.ev.dense {
			t.Fatalf("%s: wrong evaluation paths", c.name)
		}
		cmp := func(what string, a, b float64) {
			if !closeTo(b, a, rel, abs) {
				t.Errorf("%s: %s = %.17g, dense %.17g", c.name, what, b, a)
			}
		}
		for j := range rd.Coefficients {
			a, b := rd.Coefficients[j], rw.Coefficients[j]
			cmp("estimate "+a.Name, a.Estimate, b.Estimate)
			cmp("se "+a.Name, a.SE, b.SE)
			cmp("p "+a.Name, a.P, b.P)
		}
		for j := 0; j < 2; j++ {
			cmp("sigma2", rd.Sigma2[j], rw.Sigma2[j])
			if (rd.Sigma2CI[j] == nil) != (rw.Sigma2CI[j] == nil) {
				t.Fatalf("%s: CI %d present in one path only", c.name, j)
			}
			if rd.Sigma2CI[j] != nil {
				cmp("sigma2 ci lb", rd.Sigma2CI[j][0], rw.Sigma2CI[j][0])
				cmp("sigma2 ci ub", rd.Sigma2CI[j][1], rw.Sigma2CI[j][1])
			}
		}
		nfree := 0
		for _, s := range c.opt.Sigma2 {
			if s == nil {
				nfree++
			}
		}
		if len(rd.LRT) != len(rw.LRT) || (nfree == 2) != (len(rd.LRT) == 2) {
			t.Fatalf("%s: %d and %d LRTs", c.name, len(rd.LRT), len(rw.LRT))
		}
		for j := range rd.LRT {
			cmp("LRT logLik reduced", rd.LRT[j].LogLikReduced, rw.LRT[j].LogLikReduced)
			cmp("LRT", rd.LRT[j].LRT, rw.LRT[j].LRT)
		}
		cmp("logLik", rd.Fit.LogLik, rw.Fit.LogLik)
		cmp("deviance", rd.Fit.Deviance, rw.Fit.Deviance)
		cmp("QE", rd.QE, rw.QE)
		cmp("QM", rd.QM, rw.QM)
		// Robust inference: dense blocks on the dense fit against W·X
		// from the structured path, and for CR2 the dense adjustment
		// against the quadrature (forced on every cluster).
		for _, cl := range [][]string{outer, coarse} {
			for _, ro := range []RobustOptions{{Type: CR1}, {Type: CR2}, {Type: CR2, quadAll: true}} {
				bd, err := ClusterRobust(rd, cl, RobustOptions{Type: ro.Type})
				if err != nil {
					t.Fatal(err)
				}
				bw, err := ClusterRobust(rw, cl, ro)
				if err != nil {
					t.Fatal(err)
				}
				sameRobust(t, c.name+" "+ro.Type, bd, bw, rel)
			}
		}
	}
}

// sameRobust requires two robust inferences to agree to rel.
func sameRobust(t *testing.T, name string, a, b *Robust, rel float64) {
	t.Helper()
	cmp := func(what string, x, y float64) {
		if !closeTo(y, x, rel, 1e-15) {
			t.Errorf("%s: %s = %.17g, want %.17g", name, what, y, x)
		}
	}
	for j := range a.Coefficients {
		x, y := a.Coefficients[j], b.Coefficients[j]
		cmp("se "+x.Name, x.SE, y.SE)
		if x.DF == nil || y.DF == nil {
			t.Fatalf("%s: %s has no robust df", name, x.Name)
		}
		cmp("df "+x.Name, *x.DF, *y.DF)
		cmp("p "+x.Name, x.P, y.P)
		cmp("ci_lb "+x.Name, x.CILB, y.CILB)
	}
	if (a.QM == nil) != (b.QM == nil) {
		t.Fatalf("%s: QM present in one only", name)
	}
	if a.QM != nil {
		cmp("QM F", a.QM.Fstat, b.QM.Fstat)
		cmp("QM df", a.QM.DFDenom, b.QM.DFDenom)
		cmp("QM p", a.QM.P, b.QM.P)
	}
}

// TestWoodburyLargeCluster checks one cluster of 400 effect sizes (plus
// small ones), where the dense and structured factorizations differ most in
// rounding, at fixed σ² and after fitting.
func TestWoodburyLargeCluster(t *testing.T) {
	y, v, outer, inner := bigCluster(400, 40, 0.6, 21)
	od := Options{Rho: 0.6, NoProfile: true}
	ow := od
	od.dense = true
	rd, err := Fit(y, v, outer, inner, od)
	if err != nil {
		t.Fatal(err)
	}
	rw, err := Fit(y, v, outer, inner, ow)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []struct {
		what string
		a, b float64
	}{
		{"estimate", rd.Coefficients[0].Estimate, rw.Coefficients[0].Estimate},
		{"se", rd.Coefficients[0].SE, rw.Coefficients[0].SE},
		{"sigma2 outer", rd.Sigma2[0], rw.Sigma2[0]},
		{"sigma2 inner", rd.Sigma2[1], rw.Sigma2[1]},
		{"logLik", rd.Fit.LogLik, rw.Fit.LogLik},
		{"QE", rd.QE, rw.QE},
	} {
		if !closeTo(p.b, p.a, 1e-10, 0) {
			t.Errorf("%s = %.17g, dense %.17g", p.what, p.b, p.a)
		}
	}
	for _, typ := range []string{CR1, CR2} {
		bd, err := ClusterRobust(rd, outer, RobustOptions{Type: typ})
		if err != nil {
			t.Fatal(err)
		}
		bw, err := ClusterRobust(rw, outer, RobustOptions{Type: typ})
		if err != nil {
			t.Fatal(err)
		}
		sameRobust(t, "large cluster "+typ, bd, bw, 1e-10)
	}
}

// cr2Case fits a moderated model to one cluster of nBig rows plus 40 small
// ones and returns the quadrature's X_j'W_jA_j[X_j e_j] for the big
// cluster (at the given step and margin), and the same from the dense
// adjustment A_j = L G^{−1/2} L'.
func cr2Case(t *testing.T, nBig int, rho, step, margin float64, wantDense bool) (quad, dense []float64) {
	t.Helper()
	y, v, outer, inner := bigCluster(nBig, 40, rho, 21)
	x := make([]float64, len(y))
	for i := range x {
		x[i] = float64(i%5) - 2
	}
	r, err := Fit(y, v, outer, inner, Options{Rho: rho, NoProfile: true, Mods: []meta.Moderator{{Name: "x", Numeric: x}}})
	if err != nil {
		t.Fatal(err)
	}
	ev := r.ev
	p, k := ev.p, ev.k
	xs, e := make([]float64, k*p), make([]float64, k)
	for a := 0; a < k; a++ {
		row := ev.xa[a*ev.q : (a+1)*ev.q]
		copy(xs[a*p:(a+1)*p], row[:p])
		e[a] = row[p]
		for j := 0; j < p; j++ {
			e[a] -= row[j] * r.Coefficients[j].Estimate
		}
	}
	wx, err := ev.weightedX(r.Sigma2)
	if err != nil {
		t.Fatal(err)
	}
	binv := make([]float64, p*p)
	for a := 0; a < k; a++ {
		for i := 0; i < p; i++ {
			for j := 0; j < p; j++ {
				binv[i*p+j] += wx[a*p+i] * xs[a*p+j]
			}
		}
	}
	bread, _, err := invertSPD(binv, p)
	if err != nil {
		t.Fatal(err)
	}
	outerOf := make([]int, k)
	for c := 0; c < ev.lay.nclust(); c++ {
		for a := ev.lay.start[c]; a < ev.lay.start[c+1]; a++ {
			outerOf[a] = c
		}
	}
	n := ev.lay.start[1] // the big cluster comes first
	if n != nBig {
		t.Fatalf("first cluster has %d rows", n)
	}
	rows := make([]int, n)
	for i := range rows {
		rows[i] = i
	}
	cq := newCR2Quad(ev, r.Sigma2, xs, e, wx, outerOf)
	cq.step, cq.margin = step, margin
	quad, ok := cq.forms(rows, bread)
	if !ok {
		t.Fatalf("the quadrature declined a %d-row cluster", n)
	}
	if !wantDense {
		return quad, nil
	}
	in := robustIn{p: p, x: xs, theta: func(a, b int) float64 { return ev.covEntry(a, b, r.Sigma2) }}
	th, l, err := denseBlock(in, rows, 0, CR2)
	if err != nil {
		t.Fatal(err)
	}
	xw := make([]float64, p*n)
	for a := 0; a < n; a++ {
		for i := 0; i < p; i++ {
			xw[i*n+a] = wx[a*p+i]
		}
	}
	ea, err := cr2Adjusted(in, rows, th, l, xw, bread)
	if err != nil {
		t.Fatal(err)
	}
	dense = make([]float64, p*(p+1))
	for i := 0; i < p; i++ {
		for j := 0; j <= p; j++ {
			for a := 0; a < n; a++ {
				col := e[a]
				if j < p {
					col = xs[a*p+j]
				}
				dense[i*(p+1)+j] += ea[i*n+a] * col
			}
		}
	}
	return quad, dense
}

// TestCR2QuadratureDirect compares X_j'W_jA_j[X_j e_j] from the quadrature
// with the dense adjustment on single large clusters. Where Θ_j is well
// conditioned (ρ = 0, 150 rows) the two agree to 1e-10. With ρ = .6 and 600
// rows, G = D K D' has condition ≈ κ(Θ)² ≈ 1e8–1e9, and the dense path's
// eigen decomposition is itself only good to about ε·κ(G); there the
// quadrature must be converged (halving the step and tripling the margin
// moves it by < 1e-11) and agree with the dense path to 1e-8.
func TestCR2QuadratureDirect(t *testing.T) {
	check := func(name string, got, want []float64, rel float64) {
		for i := range want {
			if !closeTo(got[i], want[i], rel, 0) {
				t.Errorf("%s: X'WA[X e] entry %d = %.17g, reference %.17g", name, i, got[i], want[i])
			}
		}
	}
	q, d := cr2Case(t, 150, 0, cr2Step, cr2Margin, true)
	check("150 rows, ρ = 0, vs dense", q, d, 1e-10)
	q, d = cr2Case(t, 600, 0.6, cr2Step, cr2Margin, true)
	check("600 rows, ρ = .6, vs dense", q, d, 1e-8)
	qf, _ := cr2Case(t, 600, 0.6, cr2Step/2, 3*cr2Margin, false)
	check("600 rows, ρ = .6, vs finer quadrature", q, qf, 1e-11)
}

// bigCluster is one cluster of nBig effect sizes in inner units of 1..4
// rows, followed by nSmall clusters of 2..8, all with σ²_outer = 0.04,
// σ²_inner = 0.02 and sampling correlation rho.
func bigCluster(nBig, nSmall int, rho float64, seed uint64) (y, v []float64, outer, inner []string) {
	rng := rand.New(rand.NewPCG(seed, 3))
	add := func(c string, n int) {
		u := 0.2 * rng.NormFloat64()
		start := len(y)
		unit, left := 0, 0
		var w float64
		for i := 0; i < n; i++ {
			if left == 0 {
				unit++
				left = 1 + rng.IntN(4)
				w = math.Sqrt(0.02) * rng.NormFloat64()
			}
			left--
			vi := 0.005 + 0.045*rng.Float64()
			y = append(y, 0.3+u+w)
			v = append(v, vi)
			outer = append(outer, c)
			inner = append(inner, "u"+strconv.Itoa(unit))
		}
		// Sampling errors with correlation rho: a shared and an own part.
		z := rng.NormFloat64()
		for i := start; i < len(y); i++ {
			y[i] += math.Sqrt(v[i]) * (math.Sqrt(rho)*z + math.Sqrt(1-rho)*rng.NormFloat64())
		}
	}
	add("big", nBig)
	for c := 0; c < nSmall; c++ {
		add("s"+strconv.Itoa(c), 2+rng.IntN(7))
	}
	return
}

func BenchmarkFitOneCluster20k(b *testing.B) {
	y, v, outer, inner := bigCluster(20000, 200, 0, 4)
	b.ReportMetric(float64(len(y)), "k")
	for b.Loop() {
		if _, err := Fit(y, v, outer, inner, Options{NoProfile: true}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFitOneCluster500Dense is the dense path on a cluster of 500
// (O(n³) per evaluation: a cluster of 2,000 took 76 s; the 20,000 one
// would need 4 × 3.2 GB of n×n workspace).
func BenchmarkFitOneCluster500Dense(b *testing.B) {
	y, v, outer, inner := bigCluster(500, 200, 0, 4)
	for b.Loop() {
		if _, err := Fit(y, v, outer, inner, Options{NoProfile: true, dense: true}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFitOneCluster500(b *testing.B) {
	y, v, outer, inner := bigCluster(500, 200, 0, 4)
	for b.Loop() {
		if _, err := Fit(y, v, outer, inner, Options{NoProfile: true}); err != nil {
			b.Fatal(err)
		}
	}
}

func clusters50(rho float64) (y, v []float64, outer []string) {
	rng := rand.New(rand.NewPCG(8, 8))
	for c := 0; c < 2000; c++ {
		u := 0.2 * rng.NormFloat64()
		z := rng.NormFloat64()
		for i := 0; i < 50; i++ {
			vi := 0.005 + 0.045*rng.Float64()
			e := math.Sqrt(vi) * (math.Sqrt(rho)*z + math.Sqrt(1-rho)*rng.NormFloat64())
			y = append(y, 0.3+u+math.Sqrt(0.02)*rng.NormFloat64()+e)
			v = append(v, vi)
			outer = append(outer, "c"+strconv.Itoa(c))
		}
	}
	return
}

func BenchmarkFit2000x50Rho6(b *testing.B) {
	y, v, outer := clusters50(0.6)
	for b.Loop() {
		if _, err := Fit(y, v, outer, nil, Options{Rho: 0.6, NoProfile: true}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFit2000x50Rho6Dense(b *testing.B) {
	y, v, outer := clusters50(0.6)
	for b.Loop() {
		if _, err := Fit(y, v, outer, nil, Options{Rho: 0.6, NoProfile: true, dense: true}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCR1OneCluster20k(b *testing.B) {
	y, v, outer, inner := bigCluster(20000, 200, 0, 4)
	r, err := Fit(y, v, outer, inner, Options{NoProfile: true})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := ClusterRobust(r, outer, RobustOptions{Type: CR1}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCR2OneCluster20k(b *testing.B) {
	y, v, outer, inner := bigCluster(20000, 200, 0, 4)
	r, err := Fit(y, v, outer, inner, Options{NoProfile: true})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := ClusterRobust(r, outer, RobustOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

func benchCR2x50(b *testing.B, ro RobustOptions) {
	y, v, outer := clusters50(0.6)
	r, err := Fit(y, v, outer, nil, Options{Rho: 0.6, NoProfile: true})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := ClusterRobust(r, outer, ro); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCR2_2000x50Rho6 takes the quadrature (clusters of 50 >
// cr2DenseRows); ...DenseAdjust the dense adjustment on the same data.
func BenchmarkCR2_2000x50Rho6(b *testing.B) { benchCR2x50(b, RobustOptions{}) }

func BenchmarkCR2_2000x50Rho6DenseAdjust(b *testing.B) {
	y, v, outer := clusters50(0.6)
	o := Options{Rho: 0.6, NoProfile: true, dense: true}
	r, err := Fit(y, v, outer, nil, o)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := ClusterRobust(r, outer, RobustOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
