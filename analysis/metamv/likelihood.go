package metamv

import (
	"math"

	"github.com/alliance-research/alliance/analysis/errs"
	"github.com/alliance-research/alliance/analysis/internal/linalg"
)

// evaluator computes the (restricted) log-likelihood of the three-level
// model and its Fisher-scoring pieces, cluster by cluster. The marginal
// covariance is block-diagonal, one block per outer cluster c:
//
//	M_c = V_c + σ²₁·11' + σ²₂·Z_cZ_c'
//
// with V_c the sampling covariance (vᵢ on the diagonal, ρ√(vᵢvⱼ) off it) and
// Z_c the indicators of the inner units. Every quantity metafor takes from
// k×k matrices is accumulated from per-block products. The structured path
// (woodbury.go) costs O(Σ n_c·(p + 3)²) time and O(max n_c·p) workspace per
// evaluation; the dense path (evalDense, the test oracle) O(Σ n_c³) and
// O(max n_c²).
type evaluator struct {
	lay     *layout
	k, p, q int
	xa      []float64 // k×q in sorted order: the p model columns, then y
	v, sd   []float64
	rho     float64
	ldXX    float64 // log det(X'X), REML's constant term
	// dense selects the dense per-cluster Cholesky path (O(n_c³)), kept
	// as the test oracle of the structured (Woodbury) path.
	dense bool
	wb    *wbWork
	// workspaces of the dense path
	mb, mi, tmp, sg []float64 // n×n
	qm, rg          []float64 // n×q
	rs              []float64 // n
	vq              []float64 // 2q
}

// evalOut holds the sums over clusters of one evaluation. Xa = [X y].
type evalOut struct {
	ldM  float64      // log det M
	s0   []float64    // Xa'M⁻¹Xa (q×q)
	t    [2]float64   // tr(M⁻¹Z_j)
	f    [2][]float64 // Xa'M⁻¹Z_jM⁻¹Xa
	tt   [2][2]float64
	g11  []float64 // Xa'M⁻¹Z₁M⁻¹Z₁M⁻¹Xa
	g12  []float64 // Xa'M⁻¹Z₁M⁻¹Z₂M⁻¹Xa (not symmetric)
	g22  []float64
	full bool
}

func newEvaluator(lay *layout, x, y, v []float64, p int, rho float64, dense bool) (*evaluator, error) {
	k, q := lay.k, p+1
	e := &evaluator{lay: lay, k: k, p: p, q: q, rho: rho, dense: dense,
		xa: make([]float64, k*q), v: make([]float64, k), sd: make([]float64, k)}
	for pos, j := range lay.order {
		copy(e.xa[pos*q:pos*q+p], x[j*p:(j+1)*p])
		e.xa[pos*q+p] = y[j]
		e.v[pos] = v[j]
		e.sd[pos] = math.Sqrt(v[j])
	}
	n := lay.maxn
	if dense {
		e.mb, e.mi, e.tmp, e.sg = make([]float64, n*n), make([]float64, n*n), make([]float64, n*n), make([]float64, n*n)
		e.qm, e.rg, e.rs, e.vq = make([]float64, n*q), make([]float64, n*q), make([]float64, n), make([]float64, 2*q)
	} else {
		e.wb = newWBWork(n, q)
	}
	xtx := make([]float64, p*p)
	for i := 0; i < k; i++ {
		r := x[i*p : (i+1)*p]
		for a := 0; a < p; a++ {
			for b := 0; b < p; b++ {
				xtx[a*p+b] += r[a] * r[b]
			}
		}
	}
	if err := linalg.Cholesky(xtx, p); err != nil {
		return nil, errs.New(errs.Singular, "metamv: X'X is singular", "%v", err)
	}
	e.ldXX = linalg.LogDet(xtx, p)
	return e, nil
}

func newEvalOut(q int) *evalOut {
	return &evalOut{s0: make([]float64, q*q), f: [2][]float64{make([]float64, q*q), make([]float64, q*q)},
		g11: make([]float64, q*q), g12: make([]float64, q*q), g22: make([]float64, q*q)}
}

func (o *evalOut) reset() {
	o.ldM = 0
	o.t = [2]float64{}
	o.tt = [2][2]float64{}
	for _, s := range [][]float64{o.s0, o.f[0], o.f[1], o.g11, o.g12, o.g22} {
		for i := range s {
			s[i] = 0
		}
	}
}

// covEntry returns M_ab for sorted positions a, b in the same cluster.
func (e *evaluator) covEntry(a, b int, s2 [2]float64) float64 {
	m := s2[0]
	if e.lay.inner[a] == e.lay.inner[b] {
		m += s2[1]
	}
	if a == b {
		return m + e.v[a]
	}
	return m + e.rho*e.sd[a]*e.sd[b]
}

// eval accumulates the sums at σ² = s2; with deriv it also forms the score
// and information pieces. It uses the structured path (evalWoodbury) unless
// the evaluator was built dense.
func (e *evaluator) eval(s2 [2]float64, deriv bool, o *evalOut) error {
	o.reset()
	o.full = deriv
	if e.dense {
		return e.evalDense(s2, deriv, o)
	}
	return e.evalWoodbury(s2, deriv, o)
}

// evalDense is eval by a dense Cholesky factor of each cluster's M_c
// (O(n_c³)); it is the oracle the structured path is tested against.
func (e *evaluator) evalDense(s2 [2]float64, deriv bool, o *evalOut) error {
	q, lay := e.q, e.lay
	for c := 0; c < lay.nclust(); c++ {
		st, n := lay.start[c], lay.start[c+1]-lay.start[c]
		mb := e.mb[:n*n]
		for a := 0; a < n; a++ {
			for b := 0; b <= a; b++ {
				m := e.covEntry(st+a, st+b, s2)
				mb[a*n+b], mb[b*n+a] = m, m
			}
		}
		if err := linalg.Cholesky(mb, n); err != nil {
			return errs.New(errs.Singular, "metamv", "cluster %q: the marginal covariance is not positive definite (%v); check rho and the sampling variances", lay.names[c], err)
		}
		o.ldM += linalg.LogDet(mb, n)
		mi := e.mi[:n*n]
		linalg.Inverse(mb, n, mi, e.tmp)
		xa := e.xa[st*q : (st+n)*q]
		qm := e.qm[:n*q]
		for a := 0; a < n; a++ {
			for j := 0; j < q; j++ {
				var t float64
				for b := 0; b < n; b++ {
					t += mi[a*n+b] * xa[b*q+j]
				}
				qm[a*q+j] = t
			}
		}
		for a := 0; a < n; a++ {
			for i := 0; i < q; i++ {
				xi := xa[a*q+i]
				for j := 0; j < q; j++ {
					o.s0[i*q+j] += xi * qm[a*q+j]
				}
			}
		}
		if !deriv {
			continue
		}
		g := lay.ninner[c]
		inner := lay.inner[st : st+n]
		sg, rg, rs := e.sg[:g*g], e.rg[:g*q], e.rs[:g]
		for i := range sg {
			sg[i] = 0
		}
		for i := range rg {
			rg[i] = 0
		}
		for a := 0; a < n; a++ {
			ga := inner[a]
			for b := 0; b < n; b++ {
				sg[ga*g+inner[b]] += mi[a*n+b]
			}
			for j := 0; j < q; j++ {
				rg[ga*q+j] += qm[a*q+j]
			}
		}
		var tot, tr2, t12, t22 float64
		for h := 0; h < g; h++ {
			var r float64
			for m := 0; m < g; m++ {
				sv := sg[h*g+m]
				r += sv
				t22 += sv * sv
			}
			rs[h] = r
			tot += r
			t12 += r * r
			tr2 += sg[h*g+h]
		}
		o.t[0] += tot
		o.t[1] += tr2
		o.tt[0][0] += tot * tot
		o.tt[0][1] += t12
		o.tt[1][1] += t22
		// r1 = 1'M⁻¹Xa (column sums of rg), w = Rg' rs.
		r1, w := e.vq[:q], e.vq[q:2*q]
		for j := 0; j < q; j++ {
			var a, b float64
			for h := 0; h < g; h++ {
				a += rg[h*q+j]
				b += rs[h] * rg[h*q+j]
			}
			r1[j], w[j] = a, b
		}
		for i := 0; i < q; i++ {
			for j := 0; j < q; j++ {
				o.f[0][i*q+j] += r1[i] * r1[j]
				o.g11[i*q+j] += tot * r1[i] * r1[j]
				o.g12[i*q+j] += r1[i] * w[j]
			}
		}
		for h := 0; h < g; h++ {
			rh := rg[h*q : (h+1)*q]
			for i := 0; i < q; i++ {
				for j := 0; j < q; j++ {
					o.f[1][i*q+j] += rh[i] * rh[j]
				}
			}
			for m := 0; m < g; m++ {
				sv := sg[h*g+m]
				if sv == 0 {
					continue
				}
				rm := rg[m*q : (m+1)*q]
				for i := 0; i < q; i++ {
					a := sv * rh[i]
					for j := 0; j < q; j++ {
						o.g22[i*q+j] += a * rm[j]
					}
				}
			}
		}
	}
	o.tt[1][0] = o.tt[0][1]
	return nil
}

// state is the model at one value of (σ²₁, σ²₂): the GLS estimate, the
// log-likelihood and, if asked, the score and expected information.
type state struct {
	s2    [2]float64
	ll    float64
	beta  []float64 // p
	h     []float64 // (X'M⁻¹X)⁻¹, p×p
	ldXMX float64
	rss   float64 // (y − Xβ)'M⁻¹(y − Xβ)
	score [2]float64
	info  [2][2]float64
}

// at evaluates the model at s2.
func (e *evaluator) at(s2 [2]float64, reml, deriv bool, o *evalOut) (*state, error) {
	if err := e.eval(s2, deriv, o); err != nil {
		return nil, err
	}
	return stateFrom(o, s2, e.k, e.p, e.ldXX, reml, deriv)
}

// stateFrom forms the state at s2 from the sums o of a model with k effect
// sizes, p coefficients and log|X'X| = ldXX.
func stateFrom(o *evalOut, s2 [2]float64, nk, p int, ldXX float64, reml, deriv bool) (*state, error) {
	q := p + 1
	xx := make([]float64, p*p)
	for i := 0; i < p; i++ {
		copy(xx[i*p:(i+1)*p], o.s0[i*q:i*q+p])
	}
	h, ldXMX, err := invertSPD(xx, p)
	if err != nil {
		return nil, errs.New(errs.Singular, "metamv", "X'M⁻¹X is singular (%v); check the moderators", err)
	}
	st := &state{s2: s2, h: h, ldXMX: ldXMX, beta: make([]float64, p)}
	for i := 0; i < p; i++ {
		var t float64
		for j := 0; j < p; j++ {
			t += h[i*p+j] * o.s0[j*q+p]
		}
		st.beta[i] = t
	}
	w := make([]float64, q)
	for i := 0; i < p; i++ {
		w[i] = -st.beta[i]
	}
	w[p] = 1
	st.rss = math.Max(0, quad(w, o.s0, q))
	k := float64(nk)
	if reml {
		st.ll = -0.5*(k-float64(p))*math.Log(2*math.Pi) + 0.5*ldXX - 0.5*o.ldM - 0.5*ldXMX - 0.5*st.rss
	} else {
		st.ll = -0.5*k*math.Log(2*math.Pi) - 0.5*o.ldM - 0.5*st.rss
	}
	if !deriv {
		return st, nil
	}
	sub := func(m []float64) []float64 {
		out := make([]float64, p*p)
		for i := 0; i < p; i++ {
			copy(out[i*p:(i+1)*p], m[i*q:i*q+p])
		}
		return out
	}
	fx := [2][]float64{sub(o.f[0]), sub(o.f[1])}
	for j := 0; j < 2; j++ {
		tr := o.t[j]
		if reml {
			tr -= trProd(h, fx[j])
		}
		st.score[j] = -0.5*tr + 0.5*quad(w, o.f[j], q)
	}
	if !reml {
		for a := 0; a < 2; a++ {
			for b := 0; b < 2; b++ {
				st.info[a][b] = 0.5 * o.tt[a][b]
			}
		}
		return st, nil
	}
	hf := [2][]float64{make([]float64, p*p), make([]float64, p*p)}
	for j := 0; j < 2; j++ {
		mulSq(hf[j], h, fx[j], p)
	}
	g := [2][2][]float64{{sub(o.g11), sub(o.g12)}, {nil, sub(o.g22)}}
	for a := 0; a < 2; a++ {
		for b := a; b < 2; b++ {
			var thft float64
			for i := 0; i < p; i++ {
				for m := 0; m < p; m++ {
					thft += hf[a][i*p+m] * hf[b][m*p+i]
				}
			}
			v := 0.5 * (o.tt[a][b] - 2*trProd(h, g[a][b]) + thft)
			st.info[a][b], st.info[b][a] = v, v
		}
	}
	return st, nil
}
