package meta

import (
	"math"
	"math/big"
	"math/bits"
	"math/rand/v2"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/alliance-research/alliance/analysis/errs"
	"github.com/alliance-research/alliance/analysis/internal/wald"
)

// PermResult holds permutation p-values (metafor permutest.rma.uni).
type PermResult struct {
	// Iterations is the number of permutations evaluated, as metafor
	// reports it: all of them for an exact test (2^k sign flips, or the
	// number of unique row permutations of the model matrix), otherwise the
	// number requested (the observed data included).
	Iterations int `json:"iterations"`
	// Exact is true when every permutation was enumerated: every sign flip
	// (intercept-only models) or every unique permutation of the rows of the
	// model matrix (meta-regression).
	Exact     bool      `json:"exact"`
	Names     []string  `json:"names"`     // coefficient names
	Statistic []float64 `json:"statistic"` // observed z (or t) values
	P         []float64 `json:"p"`         // permutation p-value per coefficient
	QM        float64   `json:"QM"`        // observed omnibus statistic
	QMP       float64   `json:"QM_p"`      // permutation p-value of QM
	Failed    int       `json:"failed"`    // permutations whose model could not be fitted (excluded)
	Seed      uint64    `json:"seed"`      // seed of the random permutations (0 for an exact test)
}

// comptol is metafor's tolerance when comparing permuted and observed
// statistics, sqrt(machine epsilon).
const comptol = 1.4901161193847656e-08

// maxExact bounds the number of permutations of an exact test.
const maxExact = 1 << 32

// Permute computes permutation tests for the model Fit(yi, vi, opt) would
// fit, with metafor's permutest semantics (Follmann & Proschan 1999; Higgins
// & Thompson 2004).
//
// The test is exact — every permutation is evaluated once — exactly when
// metafor 3.8-1's permutest(x, iter = n) makes it so: when the number N of
// distinct permutations is at most n. For an intercept-only model the signs
// of yi are flipped and N = 2^k; with moderators the rows of the model matrix
// X are permuted against (yi, vi), and since rows of X that are identical
// (ties, e.g. studies in the same level of a factor) give identical
// permutations, N = k!/(m₁!·m₂!·…) where m₁, m₂, … are the multiplicities of
// the distinct rows of X. Otherwise n random permutations are drawn (sign
// patterns, or uniform row permutations), the first of which is the observed
// data. PermuteExact forces the exact test (permutest(exact = TRUE)).
//
// The two-sided p-value of coefficient j is the share of permutations with
// |zⱼ*| ≥ |zⱼ| − 1.5e-8, and that of QM the share with QM* ≥ QM − 1.5e-8
// (metafor's comptol, √ε); permutations whose model cannot be fitted are
// left out of both counts.
//
// The work is spread over runtime.NumCPU() goroutines. Random permutation i
// draws from its own generator seeded by (seed, i), so results depend only on
// the seed; an exact test does not use the seed. progress, if not nil, is
// called with the number of permutations done (serialised, from worker
// goroutines).
func Permute(yi, vi []float64, opt Options, n int, seed uint64, progress func(done int)) (*PermResult, error) {
	if n < 2 {
		return nil, errs.New(errs.InvalidOption, "meta", "%d permutations requested; use at least 2 (1000 or more for p-values)", n)
	}
	return permute(yi, vi, opt, n, false, seed, progress)
}

// PermuteExact computes the exact permutation test of the model
// Fit(yi, vi, opt) would fit, as metafor's permutest(x, exact = TRUE): all
// 2^k sign flips of yi for an intercept-only model, otherwise all
// k!/(m₁!·m₂!·…) unique permutations of the rows of the model matrix, where
// mᵢ are the multiplicities of its distinct rows. See Permute for the
// p-values. It returns an error when there are more than 2^32 permutations;
// use Permute with random permutations then.
func PermuteExact(yi, vi []float64, opt Options, progress func(done int)) (*PermResult, error) {
	return permute(yi, vi, opt, 0, true, 0, progress)
}

// rowGroups labels the rows of the k×p row-major matrix x by distinct row:
// label[i] is the rank of row i among the distinct rows in lexicographic
// order, rep[g] the index of a row with label g and count[g] their number.
func rowGroups(x []float64, k, p int) (label, rep, count []int) {
	idx := make([]int, k)
	for i := range idx {
		idx[i] = i
	}
	cmp := func(a, b int) int {
		ra, rb := x[a*p:(a+1)*p], x[b*p:(b+1)*p]
		for j := range ra {
			switch {
			case ra[j] < rb[j]:
				return -1
			case ra[j] > rb[j]:
				return 1
			}
		}
		return 0
	}
	sort.SliceStable(idx, func(a, b int) bool { return cmp(idx[a], idx[b]) < 0 })
	label = make([]int, k)
	for n, i := range idx {
		if n == 0 || cmp(idx[n-1], i) != 0 {
			rep = append(rep, i)
			count = append(count, 0)
		}
		g := len(rep) - 1
		label[i] = g
		count[g]++
	}
	return label, rep, count
}

// multinomial returns (Σcount)! / Π count[g]!, the number of distinct
// arrangements of a multiset with these multiplicities.
func multinomial(count []int) *big.Int {
	n := big.NewInt(1)
	var b big.Int
	sum := 0
	for _, c := range count {
		sum += c
		n.Mul(n, b.Binomial(int64(sum), int64(c)))
	}
	return n
}

// unrankMultiset sets lab to the arrangement of rank r (0-based, in
// lexicographic order) of the multiset with multiplicities count, whose
// number of arrangements is total. c is scratch of len(count).
func unrankMultiset(r, total uint64, count, c, lab []int) {
	copy(c, count)
	m, rem := total, uint64(len(lab))
	for pos := range lab {
		for g := range c {
			if c[g] == 0 {
				continue
			}
			// Arrangements of the rest with g at pos: m·c[g]/rem (exact).
			hi, lo := bits.Mul64(m, uint64(c[g]))
			sub, _ := bits.Div64(hi, lo, rem)
			if r < sub || g == len(c)-1 {
				lab[pos] = g
				c[g]--
				m = sub
				break
			}
			r -= sub
		}
		rem--
	}
}

// nextMultiset advances lab to the next arrangement in lexicographic order
// and returns the first position that changed, or -1 after the last one.
func nextMultiset(lab []int) int {
	i := len(lab) - 2
	for i >= 0 && lab[i] >= lab[i+1] {
		i--
	}
	if i < 0 {
		return -1
	}
	j := len(lab) - 1
	for lab[j] <= lab[i] {
		j--
	}
	lab[i], lab[j] = lab[j], lab[i]
	for a, b := i+1, len(lab)-1; a < b; a, b = a+1, b-1 {
		lab[a], lab[b] = lab[b], lab[a]
	}
	return i
}

// permTally accumulates the counts behind the permutation p-values.
type permTally struct {
	hit, cnt   []int
	qHit, qCnt int
	failed     int
}

// merge adds the counts of u to t.
func (t *permTally) merge(u *permTally) {
	for j := range t.hit {
		t.hit[j] += u.hit[j]
		t.cnt[j] += u.cnt[j]
	}
	t.qHit += u.qHit
	t.qCnt += u.qCnt
	t.failed += u.failed
}

func (t *permTally) add(z []float64, qm float64, zObs []float64, qmObs float64) {
	for j, v := range z {
		if math.IsNaN(v) {
			continue
		}
		t.cnt[j]++
		if math.Abs(v) >= math.Abs(zObs[j])-comptol {
			t.hit[j]++
		}
	}
	if math.IsNaN(qm) {
		t.failed++
		return
	}
	t.qCnt++
	if qm >= qmObs-comptol {
		t.qHit++
	}
}

// permute runs the permutation test behind Permute: it fits the observed
// data, plans the permutations (permPlan), shares them out in chunks to
// one worker per CPU (permWorker) and turns the merged tallies into
// p-values.
func permute(yi, vi []float64, opt Options, n int, exact bool, seed uint64, progress func(done int)) (*PermResult, error) {
	obs, err := Fit(yi, vi, opt)
	if err != nil {
		return nil, err
	}
	if err = obs.refuseUserWeights("the permutation test", "its refits use inverse-variance weights"); err != nil {
		return nil, err
	}
	d := obs.d
	p := d.p
	res := &PermResult{Names: d.names, Seed: seed, QM: obs.QM}
	for _, c := range obs.Coefficients {
		res.Statistic = append(res.Statistic, c.Statistic)
	}
	plan, err := newPermPlan(obs, n, exact, seed)
	if err != nil {
		return nil, err
	}
	if plan.exact {
		res.Seed = 0
	}
	res.Exact = plan.exact
	res.Iterations = plan.total

	workers := min(runtime.NumCPU(), plan.total)
	chunk := plan.total / (16 * workers)
	chunk = max(1, min(chunk, 1024))
	var next, done atomic.Int64
	var mu sync.Mutex
	var wg sync.WaitGroup
	tally := permTally{hit: make([]int, p), cnt: make([]int, p)}
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			pw := newPermWorker(plan)
			t := permTally{hit: make([]int, p), cnt: make([]int, p)}
			for {
				lo := int(next.Add(int64(chunk))) - chunk
				if lo >= plan.total {
					break
				}
				for i := lo; i < min(lo+chunk, plan.total); i++ {
					qm, ok := pw.one(i, lo, res.Statistic)
					if !ok {
						for j := range pw.z {
							pw.z[j] = math.NaN()
						}
						qm = math.NaN()
					}
					t.add(pw.z, qm, res.Statistic, obs.QM)
					c := done.Add(1)
					if progress != nil {
						mu.Lock()
						progress(int(c))
						mu.Unlock()
					}
				}
			}
			mu.Lock()
			tally.merge(&t)
			mu.Unlock()
		}()
	}
	wg.Wait()
	res.P = make([]float64, p)
	for j := range res.P {
		res.P[j] = math.Min(1, float64(tally.hit[j])/float64(tally.cnt[j]))
	}
	res.QMP = float64(tally.qHit) / float64(tally.qCnt)
	res.Failed = tally.failed
	return res, nil
}

// permPlan is what every permutation worker shares: the observed fit, the
// distinct rows of X and their counts (meta-regression), and whether the
// test is exact and how many permutations it runs.
type permPlan struct {
	obs        *Result
	rep, count []int
	intOnly    bool
	exact      bool
	total      int
	seed       uint64
}

// newPermPlan counts the distinct permutations (2^k sign flips for an
// intercept-only model, the multinomial of the distinct rows of X
// otherwise) and makes metafor's choice: exact when they do not exceed n.
func newPermPlan(obs *Result, n int, exact bool, seed uint64) (*permPlan, error) {
	d := obs.d
	pl := &permPlan{obs: obs, intOnly: d.p == 1, seed: seed}
	var nPerm *big.Int
	if pl.intOnly {
		nPerm = new(big.Int).Lsh(big.NewInt(1), uint(d.k))
	} else {
		_, pl.rep, pl.count = rowGroups(d.x, d.k, d.p)
		nPerm = multinomial(pl.count)
	}
	if !exact && nPerm.Cmp(big.NewInt(int64(n))) <= 0 {
		exact = true
	}
	pl.total = n
	if exact {
		if nPerm.Cmp(big.NewInt(maxExact)) > 0 {
			return nil, errs.New(errs.InvalidOption, "meta", "an exact permutation test needs %s permutations (more than %d); use random permutations instead", nPerm, int64(maxExact))
		}
		pl.total = int(nPerm.Int64())
	}
	pl.exact = exact
	return pl, nil
}

// permWorker refits permuted copies of the data; one per goroutine.
type permWorker struct {
	pl           *permPlan
	pd           design // the permuted copy of the data
	m            *model
	z            []float64
	perm         []int
	lab, scratch []int // the current multiset arrangement (exact meta-regression)
}

func newPermWorker(pl *permPlan) *permWorker {
	d := pl.obs.d
	w := &permWorker{pl: pl, pd: *d, z: make([]float64, d.p), perm: make([]int, d.k)}
	w.pd.y = append([]float64(nil), d.y...)
	w.pd.x = append([]float64(nil), d.x...)
	w.m = newModel(&w.pd, pl.obs.opt)
	if pl.exact && !pl.intOnly {
		w.lab, w.scratch = make([]int, d.k), make([]int, len(pl.count))
	}
	return w
}

// one fits permutation i (lo: the first of the worker's current chunk) and
// leaves its statistics in w.z; it returns QM and whether the fit worked.
// Permutation 0 of a random test is the observed data, as in metafor.
func (w *permWorker) one(i, lo int, zObs []float64) (qm float64, ok bool) {
	pl, d, k, p := w.pl, w.pl.obs.d, w.pl.obs.d.k, w.pl.obs.d.p
	switch {
	case pl.exact && pl.intOnly:
		for j := range w.pd.y {
			w.pd.y[j] = d.y[j]
			if i>>uint(j)&1 == 1 {
				w.pd.y[j] = -d.y[j]
			}
		}
		w.m.center()
		ok = w.m.quick(w.z, &qm) == nil
	case pl.exact:
		from := 0
		if i == lo {
			unrankMultiset(uint64(i), uint64(pl.total), pl.count, w.scratch, w.lab)
		} else {
			from = nextMultiset(w.lab)
		}
		for j := from; j < k; j++ {
			src := pl.rep[w.lab[j]]
			copy(w.pd.x[j*p:(j+1)*p], d.x[src*p:(src+1)*p])
		}
		ok = w.m.quick(w.z, &qm) == nil
	case i == 0:
		copy(w.z, zObs)
		qm, ok = pl.obs.QM, true
	default:
		qm, ok = w.random(i)
	}
	return qm, ok
}

// random fits a random permutation drawn from the stream (seed, i): sign
// flips of y (intercept-only) or a shuffle of the rows of X, retried up to
// 100 times while the fit fails.
func (w *permWorker) random(i int) (qm float64, ok bool) {
	d := w.pl.obs.d
	k, p := d.k, d.p
	rng := rand.New(rand.NewPCG(w.pl.seed, uint64(i)))
	for try := 0; try < 100 && !ok; try++ {
		if w.pl.intOnly {
			for j := range w.pd.y {
				w.pd.y[j] = d.y[j]
				if rng.Uint64()&1 == 1 {
					w.pd.y[j] = -d.y[j]
				}
			}
			w.m.center()
		} else {
			for j := range w.perm {
				w.perm[j] = j
			}
			for j := k - 1; j > 0; j-- {
				r := rng.IntN(j + 1)
				w.perm[j], w.perm[r] = w.perm[r], w.perm[j]
			}
			for j, src := range w.perm {
				copy(w.pd.x[j*p:(j+1)*p], d.x[src*p:(src+1)*p])
			}
		}
		ok = w.m.quick(w.z, &qm) == nil
	}
	return qm, ok
}

// quick fits the model to the current data of m and stores the coefficient
// test statistics in z and the omnibus statistic in qm — the part of Fit a
// permutation needs.
func (m *model) quick(z []float64, qm *float64) error {
	est, err := m.estimateTau2()
	if err != nil {
		return err
	}
	if err = m.setWeights(est.tau2); err != nil {
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
	q, err := wald.Q(m.s.beta, v, p, wald.Span(lo, p))
	if err != nil {
		return errs.New(errs.Singular, "meta", "%v", err)
	}
	if m.opt.isT() {
		q /= float64(p - lo)
	}
	*qm = q
	return nil
}
