package meta

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
)

// PermResult holds permutation p-values (metafor permutest.rma.uni).
type PermResult struct {
	Iterations int       `json:"iterations"` // permutations evaluated (including the observed data)
	Exact      bool      `json:"exact"`      // all 2^k sign flips were enumerated
	Names      []string  `json:"names"`      // coefficient names
	Statistic  []float64 `json:"statistic"`  // observed z (or t) values
	P          []float64 `json:"p"`          // permutation p-value per coefficient
	QM         float64   `json:"QM"`         // observed omnibus statistic
	QMP        float64   `json:"QM_p"`       // permutation p-value of QM
	Failed     int       `json:"failed"`     // permutations whose model could not be fitted (excluded)
	Seed       uint64    `json:"seed"`
}

// comptol is metafor's tolerance when comparing permuted and observed
// statistics, sqrt(machine epsilon).
const comptol = 1.4901161193847656e-08

// Permute computes permutation tests for the model Fit(yi, vi, opt) would
// fit, with metafor's permutest semantics (Follmann & Proschan 1999; Higgins
// & Thompson 2004): for an intercept-only model the signs of yi are flipped —
// all 2^k patterns when 2^k ≤ n (an exact test), otherwise n random patterns;
// with moderators the rows of the model matrix are randomly permuted n times.
// In the random case the first permutation is the observed data. The
// two-sided p-value of coefficient j is the share of permutations with
// |zⱼ*| ≥ |zⱼ| − 1.5e-8, and that of QM the share with QM* ≥ QM − 1.5e-8.
//
// The work is spread over runtime.NumCPU() goroutines; permutation i draws
// from its own generator seeded by (seed, i), so results depend only on the
// seed. progress, if not nil, is called with the number of permutations done
// (serialised, from worker goroutines).
func Permute(yi, vi []float64, opt Options, n int, seed uint64, progress func(done int)) (*PermResult, error) {
	if n < 2 {
		return nil, fmt.Errorf("meta: %d permutations requested; use at least 2 (1000 or more for p-values)", n)
	}
	obs, err := Fit(yi, vi, opt)
	if err != nil {
		return nil, err
	}
	d := obs.d
	k, p := d.k, d.p
	res := &PermResult{Names: d.names, Seed: seed, QM: obs.QM}
	for _, c := range obs.Coefficients {
		res.Statistic = append(res.Statistic, c.Statistic)
	}
	intOnly := p == 1
	total := n
	if intOnly && k < 63 && 1<<uint(k) <= n {
		res.Exact = true
		total = 1 << uint(k)
	}
	res.Iterations = total
	zs := make([]float64, total*p)
	qms := make([]float64, total)

	workers := runtime.NumCPU()
	if workers > total {
		workers = total
	}
	var next, done atomic.Int64
	var mu sync.Mutex
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			pd := *d
			pd.y = append([]float64(nil), d.y...)
			pd.x = append([]float64(nil), d.x...)
			m := newModel(&pd, obs.opt)
			perm := make([]int, k)
			for {
				i := int(next.Add(1) - 1)
				if i >= total {
					return
				}
				rng := rand.New(rand.NewPCG(seed, uint64(i)))
				ok := false
				for try := 0; try < 100 && !ok; try++ {
					switch {
					case res.Exact:
						for j := range pd.y {
							pd.y[j] = d.y[j]
							if i>>uint(j)&1 == 1 {
								pd.y[j] = -d.y[j]
							}
						}
					case i == 0: // the observed data
					case intOnly:
						for j := range pd.y {
							pd.y[j] = d.y[j]
							if rng.Uint64()&1 == 1 {
								pd.y[j] = -d.y[j]
							}
						}
					default:
						for j := range perm {
							perm[j] = j
						}
						for j := k - 1; j > 0; j-- {
							r := rng.IntN(j + 1)
							perm[j], perm[r] = perm[r], perm[j]
						}
						for j, src := range perm {
							copy(pd.x[j*p:(j+1)*p], d.x[src*p:(src+1)*p])
						}
					}
					m.center()
					ok = m.quick(zs[i*p:(i+1)*p], &qms[i]) == nil
					if res.Exact || i == 0 {
						break
					}
				}
				if !ok {
					for j := 0; j < p; j++ {
						zs[i*p+j] = math.NaN()
					}
					qms[i] = math.NaN()
				}
				c := done.Add(1)
				if progress != nil {
					mu.Lock()
					progress(int(c))
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	res.P = make([]float64, p)
	for j := 0; j < p; j++ {
		var hit, cnt int
		zo := math.Abs(res.Statistic[j])
		for i := 0; i < total; i++ {
			z := zs[i*p+j]
			if math.IsNaN(z) {
				continue
			}
			cnt++
			if math.Abs(z) >= zo-comptol {
				hit++
			}
		}
		res.P[j] = math.Min(1, float64(hit)/float64(cnt))
	}
	var hit, cnt int
	for _, q := range qms {
		if math.IsNaN(q) {
			res.Failed++
			continue
		}
		cnt++
		if q >= obs.QM-comptol {
			hit++
		}
	}
	res.QMP = float64(hit) / float64(cnt)
	return res, nil
}

// quick fits the model to the current data of m and stores the coefficient
// test statistics in z and the omnibus statistic in qm — the part of Fit a
// permutation needs.
func (m *model) quick(z []float64, qm *float64) error {
	est, err := m.estimateTau2()
	if err != nil {
		return err
	}
	if err := m.setWeights(est.tau2); err != nil {
		return err
	}
	rss, _ := m.s.solve(m.w, m.y)
	k, p := m.d.k, m.d.p
	s2w := 1.0
	if m.opt.Test == TestKNHA || m.opt.Test == TestAdhoc {
		if rss <= 2.220446049250313e-16 {
			s2w = 0
		} else {
			s2w = rss / float64(k-p)
		}
		if m.opt.Test == TestAdhoc && s2w < 1 {
			s2w = 1
		}
	}
	for j := 0; j < p; j++ {
		z[j] = m.s.beta[j] / math.Sqrt(s2w*m.s.ainv[j*p+j])
	}
	lo := 1
	if p == 1 {
		lo = 0
	}
	v := m.s.t2
	for i := range v {
		v[i] = s2w * m.s.ainv[i]
	}
	q, err := waldQ(m.s.beta, v, p, lo)
	if err != nil {
		return err
	}
	if m.opt.isT() {
		q /= float64(p - lo)
	}
	*qm = q
	return nil
}
