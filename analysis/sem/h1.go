package sem

import (
	"math"

	"gonum.org/v1/gonum/mat"
)

// saturated estimates the unrestricted mean vector and covariance matrix by
// EM under missing data (Dempster, Laird & Rubin 1977; lavaan's H1 model)
// and returns them with their log-likelihood.
func (d *Data) saturated() (sigma, mu []float64, ll float64) {
	p := d.P
	sigma, mu = d.independence()
	ll, _ = d.logLik(sigma, mu, nil, nil)
	if len(d.patterns) == 1 && len(d.patterns[0].obs) == p {
		pt := d.patterns[0]
		return append([]float64(nil), pt.cov...), append([]float64(nil), pt.mean...), d.mustLL(pt.cov, pt.mean)
	}
	N := float64(d.N)
	for iter := 0; iter < 5000; iter++ {
		t1 := make([]float64, p)
		t2 := make([]float64, p*p)
		for _, pt := range d.patterns {
			d.estep(pt, sigma, mu, t1, t2)
		}
		for i := range t1 {
			mu[i] = t1[i] / N
		}
		for i := 0; i < p; i++ {
			for j := 0; j < p; j++ {
				sigma[i*p+j] = t2[i*p+j]/N - mu[i]*mu[j]
			}
		}
		next, ok := d.logLik(sigma, mu, nil, nil)
		if !ok {
			break
		}
		done := math.Abs(next-ll) <= 1e-13*math.Abs(next)
		ll = next
		if done {
			break
		}
	}
	return sigma, mu, ll
}

func (d *Data) mustLL(sigma, mu []float64) float64 {
	ll, _ := d.logLik(sigma, mu, nil, nil)
	return ll
}

// estep adds a pattern's expected sufficient statistics Σ x and Σ x xᵀ,
// the missing part predicted by its regression on the observed part.
func (d *Data) estep(pt pattern, sigma, mu, t1, t2 []float64) {
	p := d.P
	q := len(pt.obs)
	isObs := make([]bool, p)
	for _, j := range pt.obs {
		isObs[j] = true
	}
	var mis []int
	for j := 0; j < p; j++ {
		if !isObs[j] {
			mis = append(mis, j)
		}
	}
	n := pt.n
	// Observed raw second moments: n (C + x̄ x̄ᵀ).
	xx := make([]float64, q*q)
	for a := 0; a < q; a++ {
		for b := 0; b < q; b++ {
			xx[a*q+b] = n * (pt.cov[a*q+b] + pt.mean[a]*pt.mean[b])
		}
	}
	for a, i := range pt.obs {
		t1[i] += n * pt.mean[a]
		for b, j := range pt.obs {
			t2[i*p+j] += xx[a*q+b]
		}
	}
	if len(mis) == 0 {
		return
	}
	r := len(mis)
	soo := mat.NewSymDense(q, nil)
	for a, i := range pt.obs {
		for b := 0; b <= a; b++ {
			soo.SetSym(a, b, sigma[i*p+pt.obs[b]])
		}
	}
	var ch mat.Cholesky
	if !ch.Factorize(soo) {
		return
	}
	smo := mat.NewDense(r, q, nil)
	for a, i := range mis {
		for b, j := range pt.obs {
			smo.Set(a, b, sigma[i*p+j])
		}
	}
	// K = Σ_mo Σ_oo⁻¹ (r×q).
	var kt mat.Dense
	if err := ch.SolveTo(&kt, smo.T()); err != nil {
		return
	}
	K := mat.DenseCopyOf(kt.T())
	// a = μ_m − K μ_o.
	av := make([]float64, r)
	for a, i := range mis {
		av[a] = mu[i]
		for b, j := range pt.obs {
			av[a] -= K.At(a, b) * mu[j]
		}
	}
	// Predicted means and sums.
	kx := make([]float64, r) // K x̄
	for a := 0; a < r; a++ {
		for b := 0; b < q; b++ {
			kx[a] += K.At(a, b) * pt.mean[b]
		}
	}
	for a, i := range mis {
		t1[i] += n * (av[a] + kx[a])
	}
	// Σ x_o x̂_mᵀ = n x̄ aᵀ + XX Kᵀ.
	XX := mat.NewDense(q, q, xx)
	var xxk mat.Dense
	xxk.Mul(XX, K.T()) // q×r
	for b, j := range pt.obs {
		for a, i := range mis {
			v := n*pt.mean[b]*av[a] + xxk.At(b, a)
			t2[j*p+i] += v
			t2[i*p+j] += v
		}
	}
	// Σ x̂ x̂ᵀ + n (Σ_mm − K Σ_om).
	var kxxk mat.Dense
	kxxk.Mul(K, &xxk) // r×r
	var ksom mat.Dense
	ksom.Mul(K, smo.T())
	for a, i := range mis {
		for b, j := range mis {
			v := n*av[a]*av[b] + n*av[a]*kx[b] + n*kx[a]*av[b] + kxxk.At(a, b)
			v += n * (sigma[i*p+j] - ksom.At(a, b))
			t2[i*p+j] += v
		}
	}
}

// independence returns every variable's own ML mean and variance over its
// observed values, with no covariances: the independence model, and the
// start of EM.
func (d *Data) independence() (sigma, mu []float64) {
	p := d.P
	mu = make([]float64, p)
	cnt := make([]float64, p)
	for _, pt := range d.patterns {
		for a, j := range pt.obs {
			mu[j] += pt.n * pt.mean[a]
			cnt[j] += pt.n
		}
	}
	for j := range mu {
		mu[j] /= cnt[j]
	}
	sigma = make([]float64, p*p)
	for _, pt := range d.patterns {
		q := len(pt.obs)
		for a, j := range pt.obs {
			dm := pt.mean[a] - mu[j]
			sigma[j*p+j] += pt.n * (pt.cov[a*q+a] + dm*dm)
		}
	}
	for j := 0; j < p; j++ {
		sigma[j*p+j] /= cnt[j]
	}
	return sigma, mu
}

// baseline is the log-likelihood of the independence model.
func (d *Data) baseline() float64 {
	sigma, mu := d.independence()
	return d.mustLL(sigma, mu)
}
