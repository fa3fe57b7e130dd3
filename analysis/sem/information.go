package sem

// Information matrices of the normal FIML likelihood in moment space
// (μ, vech Σ); see jacobian.go for the layout. All are totals over the N
// cases (lavaan's are per case: divided by N).

// moments packs (Σ, μ) into the moment vector.
func momentVector(sigma, mu []float64, p int) []float64 {
	v := make([]float64, nMoments(p))
	copy(v, mu)
	for i := 0; i < p; i++ {
		for j := 0; j <= i; j++ {
			v[vechIndex(p, i, j)] = sigma[i*p+j]
		}
	}
	return v
}

// unpack is the inverse of momentVector.
func unpack(v []float64, p int) (sigma, mu []float64) {
	mu = append([]float64(nil), v[:p]...)
	sigma = make([]float64, p*p)
	for i := 0; i < p; i++ {
		for j := 0; j <= i; j++ {
			s := v[vechIndex(p, i, j)]
			sigma[i*p+j], sigma[j*p+i] = s, s
		}
	}
	return sigma, mu
}

// expectedInfo is the expected information of (μ, vech Σ) at Σ under
// missing data, summed over the missing-data patterns k with the rows and
// columns of their observed variables:
//
//	I = Σ_k n_k [ Σ_k⁻¹ ⊕ ½ Dᵀ(Σ_k⁻¹ ⊗ Σ_k⁻¹)D ]
//
// (D the duplication matrix; Σ_k⁻¹ embedded in p × p with zeros), as
// lavaan's lav_mvnorm_missing_information_expected. With Σ the
// model-implied matrix this is lavaan's "structured" h1 information.
func (d *Data) expectedInfo(sigma []float64) ([]float64, bool) {
	p := d.P
	K := nMoments(p)
	W := make([]float64, K*K)
	inv := make([]float64, p*p)
	work := make([]float64, p*p)
	for _, pt := range d.patterns {
		q := len(pt.obs)
		inv = inv[:q*q]
		if _, ok := observedInverse(sigma, p, pt.obs, inv, work); !ok {
			return nil, false
		}
		n := pt.n
		for a, i := range pt.obs {
			for b, j := range pt.obs {
				W[i*K+j] += n * inv[a*q+b]
			}
		}
		// Σ block: ½ mult (s_ik s_jl + s_il s_jk), mult = (1+[i≠j])(1+[k≠l])/2.
		for a := 0; a < q; a++ {
			for b := 0; b <= a; b++ {
				r := vechIndex(p, pt.obs[a], pt.obs[b])
				for c := 0; c < q; c++ {
					for e := 0; e <= c; e++ {
						mult := 0.5
						if a != b {
							mult *= 2
						}
						if c != e {
							mult *= 2
						}
						v := inv[a*q+c]*inv[b*q+e] + inv[a*q+e]*inv[b*q+c]
						W[r*K+vechIndex(p, pt.obs[c], pt.obs[e])] += n * 0.5 * mult * v
					}
				}
			}
		}
	}
	return W, true
}

// momentGrad is ∂ℓ/∂(μ, vech Σ) at the moments v; false when some
// pattern's Σ is not positive definite.
func (d *Data) momentGrad(v []float64, out []float64) bool {
	p := d.P
	sigma, mu := unpack(v, p)
	gS, gM := make([]float64, p*p), make([]float64, p)
	if _, ok := d.logLik(sigma, mu, gS, gM); !ok {
		return false
	}
	copy(out, gM)
	for i := 0; i < p; i++ {
		for j := 0; j <= i; j++ {
			g := gS[i*p+j]
			if i != j {
				g += gS[j*p+i]
			}
			out[vechIndex(p, i, j)] = g
		}
	}
	return true
}

// observedInfo is the observed information −∂²ℓ/∂v∂vᵀ of the moments v
// = (μ, vech Σ) under missing data (lavaan's
// lav_mvnorm_missing_information_observed_samplestats), in closed form:
// per pattern, with P = Σ_oo⁻¹, s = Σᵢ dᵢ, W = Σᵢ dᵢdᵢᵀ (dᵢ = xᵢ − μ_o),
// v = P s, Q = P W P and E_ab the symmetric unit matrices,
//
//	−∂²ℓ/∂μ∂μᵀ = n P,   −∂²ℓ/∂μ∂σ_ab = P E_ab v,
//	−∂²ℓ/∂σ_ab∂σ_cd = ½[−n tr(P E_ab P E_cd) + tr(E_cd P E_ab Q) + tr(E_ab P E_cd Q)].
//
// With cols non-nil only the rows and columns cols are computed (the rest
// is zero).
func (d *Data) observedInfo(sigma, mu []float64, cols []int) ([]float64, bool) {
	p := d.P
	K := nMoments(p)
	H := make([]float64, K*K)
	in := make([]bool, K)
	if cols == nil {
		cols = seq(K)
	}
	for _, c := range cols {
		in[c] = true
	}
	pi := newPatternInverse(sigma, p)
	P := make([]float64, p*p)
	work := make([]float64, p*p)
	W := make([]float64, p*p)
	Q := make([]float64, p*p)
	t := make([]float64, p*p)
	v, dev := make([]float64, p), make([]float64, p)
	for _, pt := range d.patterns {
		q := len(pt.obs)
		P, W, Q, t = P[:q*q], W[:q*q], Q[:q*q], t[:q*q]
		if _, ok := pi.of(pt, P, work); !ok {
			return nil, false
		}
		n := pt.n
		for a, i := range pt.obs {
			dev[a] = pt.mean[a] - mu[i]
		}
		for a := 0; a < q; a++ {
			for b := 0; b < q; b++ {
				W[a*q+b] = n * (pt.cov[a*q+b] + dev[a]*dev[b])
			}
		}
		for a := 0; a < q; a++ {
			sv := 0.0
			for b := 0; b < q; b++ {
				sv += P[a*q+b] * n * dev[b]
			}
			v[a] = sv
		}
		// Q = P W P.
		for a := 0; a < q; a++ {
			for b := 0; b < q; b++ {
				sv := 0.0
				for c := 0; c < q; c++ {
					sv += P[a*q+c] * W[c*q+b]
				}
				t[a*q+b] = sv
			}
		}
		for a := 0; a < q; a++ {
			for b := 0; b <= a; b++ {
				sv := 0.0
				for c := 0; c < q; c++ {
					sv += t[a*q+c] * P[c*q+b]
				}
				Q[a*q+b], Q[b*q+a] = sv, sv
			}
		}
		ob := obsInfo{H: H, K: K, p: p, in: in, obs: pt.obs, n: n, P: P, Q: Q, v: v}
		ob.addMeans()
		ob.addCovariances()
	}
	return H, true
}

// obsInfo is one missing-data pattern's share of observedInfo: its
// observed variables obs, count n, P = Σ_k⁻¹, v = P n (x̄ − μ) and
// Q = P W P, added into H (K×K) for the moments in.
type obsInfo struct {
	H       []float64
	K, p    int
	in      []bool
	obs     []int
	n       float64
	P, Q, v []float64
}

// sym lists the ordered pairs of a vech position (one on the diagonal).
func sym(a, b int) []pair {
	if a == b {
		return []pair{{a, a}}
	}
	return []pair{{a, b}, {b, a}}
}

type pair struct{ a, b int }

// addMeans adds the means' block and the means × covariances block.
func (ob obsInfo) addMeans() {
	H, K, p, in, obs, n, P, v := ob.H, ob.K, ob.p, ob.in, ob.obs, ob.n, ob.P, ob.v
	q := len(obs)
	// Means.
	for a, i := range obs {
		if !in[i] {
			continue
		}
		for c, j := range obs {
			if in[j] {
				H[i*K+j] += n * P[a*q+c]
			}
		}
		// Mean × covariance.
		for e := 0; e < q; e++ {
			for f := 0; f <= e; f++ {
				r := vechIndex(p, obs[e], obs[f])
				if !in[r] {
					continue
				}
				val := P[a*q+e] * v[f]
				if e != f {
					val += P[a*q+f] * v[e]
				}
				H[i*K+r] += val
				H[r*K+i] += val
			}
		}
	}
}

// addCovariances adds the covariances × covariances block, the lower
// triangle of the vech pairs.
func (ob obsInfo) addCovariances() {
	H, K, p, in, obs, n, P, Q := ob.H, ob.K, ob.p, ob.in, ob.obs, ob.n, ob.P, ob.Q
	q := len(obs)
	// Covariance × covariance, the lower triangle of the vech pairs.
	for a := 0; a < q; a++ {
		for b := 0; b <= a; b++ {
			r1 := vechIndex(p, obs[a], obs[b])
			if !in[r1] {
				continue
			}
			s1 := sym(a, b)
			for c := 0; c < q; c++ {
				for e := 0; e <= c; e++ {
					r2 := vechIndex(p, obs[c], obs[e])
					if r2 > r1 || !in[r2] {
						continue
					}
					val := 0.0
					for _, x := range s1 {
						for _, y := range sym(c, e) {
							// x = (a', b'), y = (c', d'):
							// tr(P E_y P E_x) ∋ P_{b'c'} P_{d'a'},
							// tr(E_y P E_x Q) ∋ P_{d'a'} Q_{b'c'},
							// tr(E_x P E_y Q) ∋ P_{b'c'} Q_{d'a'}.
							pbc, pda := P[x.b*q+y.a], P[y.b*q+x.a]
							val += -n*pbc*pda + pda*Q[x.b*q+y.a] + pbc*Q[y.b*q+x.a]
						}
					}
					val *= 0.5
					H[r1*K+r2] += val
					if r1 != r2 {
						H[r2*K+r1] += val
					}
				}
			}
		}
	}
}

// caseScores calls visit with each case's gradient ∂ℓ_i/∂(μ, vech Σ) at
// (Σ, μ): g_μ = Σ_k⁻¹ d, g_Σ = −½ (Σ_k⁻¹ − Σ_k⁻¹ d dᵀ Σ_k⁻¹) with the
// off-diagonal entries doubled (vech), d = x_i − μ on the observed
// variables of its pattern. nz lists the moment positions that can be
// non-zero, g their values.
func (d *Data) caseScores(sigma, mu []float64, visit func(nz []int, g []float64)) bool {
	p := d.P
	inv := make([]float64, p*p)
	work := make([]float64, p*p)
	dev, u := make([]float64, p), make([]float64, p)
	for _, pt := range d.patterns {
		q := len(pt.obs)
		inv = inv[:q*q]
		if _, ok := observedInverse(sigma, p, pt.obs, inv, work); !ok {
			return false
		}
		nz := make([]int, 0, q+q*(q+1)/2)
		nz = append(nz, pt.obs...)
		for a := 0; a < q; a++ {
			for b := 0; b <= a; b++ {
				nz = append(nz, vechIndex(p, pt.obs[a], pt.obs[b]))
			}
		}
		g := make([]float64, len(nz))
		for c := 0; c < int(pt.n); c++ {
			x := pt.x[c*q : (c+1)*q]
			for a, i := range pt.obs {
				dev[a] = x[a] - mu[i]
			}
			for a := 0; a < q; a++ {
				s := 0.0
				for b := 0; b < q; b++ {
					s += inv[a*q+b] * dev[b]
				}
				u[a] = s
				g[a] = s
			}
			k := q
			for a := 0; a < q; a++ {
				for b := 0; b <= a; b++ {
					v := -0.5 * (inv[a*q+b] - u[a]*u[b])
					if a != b {
						v *= 2
					}
					g[k] = v
					k++
				}
			}
			visit(nz, g)
		}
	}
	return true
}

// firstOrder is Σ_i g_i g_iᵀ of the case scores in moment space at (Σ, μ)
// (lavaan's lav_mvnorm_missing_information_firstorder, times N). With
// cols non-nil only the rows and columns cols are computed.
func (d *Data) firstOrder(sigma, mu []float64, cols []int) ([]float64, bool) {
	K := nMoments(d.P)
	B := make([]float64, K*K)
	var in []bool
	if cols != nil {
		in = make([]bool, K)
		for _, c := range cols {
			in[c] = true
		}
	}
	ok := d.caseScores(sigma, mu, func(nz []int, g []float64) {
		for a, r := range nz {
			if in != nil && !in[r] {
				continue
			}
			ga := g[a]
			row := B[r*K:]
			for b, c := range nz {
				if in == nil || in[c] {
					row[c] += ga * g[b]
				}
			}
		}
	})
	return B, ok
}
