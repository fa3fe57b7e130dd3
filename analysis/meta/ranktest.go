package meta

import (
	"math"
	"sort"

	"github.com/alliance-research/alliance/analysis/errs"
)

// RankTestResult is Begg & Mazumdar's rank correlation test (metafor's
// ranktest).
type RankTestResult struct {
	Tau   float64 `json:"tau"`   // Kendall's τ_b between standardized effects and variances
	P     float64 `json:"p"`     // two-sided p-value
	Exact bool    `json:"exact"` // p from the exact null distribution (no ties)
	Ties  bool    `json:"ties"`
	// Statistic is the number of concordant pairs T (exact test) or the
	// normal deviate z (approximation).
	Statistic float64 `json:"statistic"`
}

// ExactKendallMax is the largest k for which RankTest computes the exact
// p-value (O(k³) work); larger tie-free samples use the normal
// approximation (R's cor.test would be exact at any k but needs O(k³)
// memory).
const ExactKendallMax = 500

// RankTest is Begg & Mazumdar's (1994, Biometrics 50:1088–1101) test of
// funnel-plot asymmetry, metafor's ranktest: Kendall's τ_b between the
// standardized deviates (yᵢ − θ̂)/√(vᵢ − 1/Σw) (θ̂ the fixed-effect
// estimate, wᵢ = 1/vᵢ) and the variances vᵢ, tested as R's
// cor.test(method = "kendall", exact = TRUE): without ties the exact
// permutation distribution of the concordant-pair count T (for k ≤
// ExactKendallMax), otherwise z = S/√Var(S) with the tie-corrected
// variance, no continuity correction. τ_b costs O(k log k) (Knight 1966).
func RankTest(r *Result) (*RankTestResult, error) {
	if r == nil || r.d == nil {
		return nil, errs.New(errs.InvalidOption, "meta", "RankTest needs a model from Fit")
	}
	return RankTestYV(r.Yi, r.Vi)
}

// RankTestYV is RankTest on effect sizes and variances directly.
func RankTestYV(yi, vi []float64) (*RankTestResult, error) {
	k := len(yi)
	if k != len(vi) {
		return nil, errs.New(errs.InvalidOption, "meta: rank test", "%d effects and %d variances", k, len(vi))
	}
	if k < 2 {
		return nil, errs.New(errs.TooFew, "meta", "rank test needs at least 2 studies")
	}
	var sw, swy float64
	for i, v := range vi {
		if !(v > 0) {
			return nil, errs.Inputf("meta: rank test", 0, "study %d: variance %g must be positive", i+1, v)
		}
		sw += 1 / v
		swy += yi[i] / v
	}
	theta, vb := swy/sw, 1/sw
	ys := make([]float64, k)
	for i := range yi {
		ys[i] = (yi[i] - theta) / math.Sqrt(vi[i]-vb)
	}
	kt := kendall(ys, vi)
	res := &RankTestResult{Tau: kt.tau, Ties: kt.ties}
	n := float64(k)
	if math.IsNaN(kt.tau) || math.IsInf(kt.tau, 0) {
		res.Tau, res.P, res.Statistic = math.NaN(), math.NaN(), math.NaN()
		return res, nil
	}
	if !kt.ties && k <= ExactKendallMax {
		res.Exact = true
		q := float64(kt.concordant)
		res.Statistic = q
		var p float64
		cdf := kendallCDF(k)
		if q > n*(n-1)/4 {
			p = 1 - cdf[int(q)-1]
		} else {
			p = cdf[int(q)]
		}
		res.P = math.Min(1, 2*p)
		return res, nil
	}
	v0 := n * (n - 1) * (2*n + 5)
	varS := (v0-kt.vt-kt.vu)/18 + kt.v1x*kt.v1y/(2*n*(n-1)) + kt.v2x*kt.v2y/(9*n*(n-1)*(n-2))
	z := kt.s / math.Sqrt(varS)
	res.Statistic = z
	res.P = 2 * math.Min(normCDF(z), normSF(z))
	return res, nil
}

type kendallOut struct {
	tau, s     float64
	concordant int64
	ties       bool
	// tie sums for the variance of S: Σt(t−1)(2t+5), Σt(t−1), Σt(t−1)(t−2)
	vt, vu, v1x, v1y, v2x, v2y float64
}

// kendall computes Kendall's τ_b of (x, y) in O(n log n): sort by (x, y),
// count tied pairs in x and jointly, then count discordant pairs as the
// swaps of a merge sort of y (Knight 1966).
func kendall(x, y []float64) kendallOut {
	n := len(x)
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool {
		if x[idx[a]] != x[idx[b]] {
			return x[idx[a]] < x[idx[b]]
		}
		return y[idx[a]] < y[idx[b]]
	})
	var out kendallOut
	tieSums := func(t float64) (a, b, c float64) { return t * (t - 1) * (2*t + 5), t * (t - 1), t * (t - 1) * (t - 2) }
	var n1, n3 int64 // pairs tied in x; tied in both
	for i := 0; i < n; {
		j := i
		for j < n && x[idx[j]] == x[idx[i]] {
			j++
		}
		t := int64(j - i)
		n1 += t * (t - 1) / 2
		if t > 1 {
			a, b, c := tieSums(float64(t))
			out.vt += a
			out.v1x += b
			out.v2x += c
		}
		for l := i; l < j; {
			m := l
			for m < j && y[idx[m]] == y[idx[l]] {
				m++
			}
			u := int64(m - l)
			n3 += u * (u - 1) / 2
			l = m
		}
		i = j
	}
	ys := make([]float64, n)
	for i, j := range idx {
		ys[i] = y[j]
	}
	buf := make([]float64, n)
	swaps := mergeCount(ys, buf)
	var n2 int64
	for i := 0; i < n; {
		j := i
		for j < n && ys[j] == ys[i] {
			j++
		}
		u := int64(j - i)
		n2 += u * (u - 1) / 2
		if u > 1 {
			a, b, c := tieSums(float64(u))
			out.vu += a
			out.v1y += b
			out.v2y += c
		}
		i = j
	}
	n0 := int64(n) * int64(n-1) / 2
	s := n0 - n1 - n2 + n3 - 2*swaps
	out.s = float64(s)
	out.tau = float64(s) / math.Sqrt(float64(n0-n1)*float64(n0-n2))
	out.ties = n1 > 0 || n2 > 0
	out.concordant = (n0 + s) / 2
	return out
}

// mergeCount sorts a (stably) and returns the number of inversions
// (pairs i < j with a[i] > a[j]).
func mergeCount(a, buf []float64) int64 {
	n := len(a)
	var swaps int64
	for width := 1; width < n; width *= 2 {
		for lo := 0; lo < n-width; lo += 2 * width {
			mid := lo + width
			hi := mid + width
			if hi > n {
				hi = n
			}
			i, j, o := lo, mid, lo
			for i < mid && j < hi {
				if a[j] < a[i] {
					buf[o] = a[j]
					swaps += int64(mid - i)
					j++
				} else {
					buf[o] = a[i]
					i++
				}
				o++
			}
			o += copy(buf[o:], a[i:mid])
			copy(buf[o:], a[j:hi])
			copy(a[lo:hi], buf[lo:hi])
		}
	}
	return swaps
}

// kendallCDF returns P(T ≤ q), q = 0..n(n−1)/2, for the number T of
// concordant pairs (equivalently inversions) of a random permutation of n:
// the Mahonian distribution, built by the recursion
// P_n(q) = (1/n) Σ_{j=0}^{n−1} P_{n−1}(q − j) with running sums.
func kendallCDF(n int) []float64 {
	maxQ := n * (n - 1) / 2
	p := make([]float64, maxQ+1)
	nxt := make([]float64, maxQ+1)
	p[0] = 1
	cur := 0
	for m := 2; m <= n; m++ {
		cur += m - 1
		var run float64
		for q := 0; q <= cur; q++ {
			if q < len(p) {
				run += p[q]
			}
			if q-m >= 0 {
				run -= p[q-m]
			}
			nxt[q] = run / float64(m)
		}
		p, nxt = nxt, p
	}
	for q := 1; q <= maxQ; q++ {
		p[q] += p[q-1]
	}
	return p
}
