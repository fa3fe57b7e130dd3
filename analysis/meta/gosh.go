package meta

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"math/bits"
	"math/rand/v2"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/alliance-research/alliance/analysis/errs"
	"github.com/alliance-research/alliance/internal/parallel"
)

// DefaultGoshSubsets is the default largest number of subsets GOSH fits:
// 2²⁰ − 1 = 1,048,575, so that every subset is fitted up to k = 20.
// metafor's default (subsets = 10⁶) falls just short of k = 20 and samples
// there; pass GoshOptions.Subsets = 1e6 for metafor's choice.
const DefaultGoshSubsets = 1<<20 - 1

// MaxGoshSubsets bounds GoshOptions.Subsets (2²⁴ fits, about 1 GB of
// results).
const MaxGoshSubsets = 1 << 24

// GoshFlagD is the flag rule's threshold: a study is flagged when its
// inclusion moves the mean estimate or the mean I² of the subsets by more
// than GoshFlagD standard deviations of the subsets' values (see Gosh).
const GoshFlagD = 1.0

// GoshMinFlagK is the smallest k for which the flag rule is applied: with
// k studies each inclusion moves the cloud by about 2/√k of its standard
// deviation, which reaches the threshold at k = 4.
const GoshMinFlagK = 5

// GoshRule states the flag rule in words (JSON gosh.rule and the notes).
const GoshRule = "a study is flagged when including it moves the mean pooled estimate or the mean I² of the subset fits by more than 1 standard deviation of the subsets' values (d = (mean with − mean without)/SD > 1 in absolute value); with k studies an ordinary study moves them by about 2/√k SD"

// GoshOptions are the choices of Gosh.
type GoshOptions struct {
	// Subsets is the largest number of subsets fitted (0: DefaultGoshSubsets,
	// at most MaxGoshSubsets). When the 2^k − 1 non-empty subsets are no
	// more, every one is fitted; otherwise Subsets random subsets are drawn.
	Subsets int
	// Seed seeds the random subsets: subset i is drawn from the PCG stream
	// (Seed, i), so the draw does not depend on the number of CPUs. It is
	// not used when every subset is fitted.
	Seed uint64
	// Workers is the number of goroutines (0: runtime.NumCPU()).
	Workers int
	// Progress, if set, is called (never concurrently) as blocks of fits
	// complete, with the fits done and the total.
	Progress func(done, total int)
}

// GoshResult is a GOSH analysis (metafor's gosh.rma): one intercept-only
// fit per subset of the studies, with the per-study shifts of the cloud and
// the studies flagged by the rule in Rule. Per-subset values are columns
// (NaN where a subset could not be fitted); rows are ordered by subset
// size, then by the subset's bit pattern (metafor's order for all subsets).
type GoshResult struct {
	K          int      `json:"k"`           // studies
	Method     string   `json:"method"`      // the τ² estimator of every fit
	Subsets    int      `json:"subsets"`     // subsets fitted (rows)
	AllSubsets bool     `json:"all_subsets"` // every non-empty subset was fitted
	Seed       *uint64  `json:"seed,omitempty"`
	Failed     int      `json:"failed"` // subsets whose model could not be fitted
	Flagged    []string `json:"flagged"`
	Rule       string   `json:"rule"`
	// Studies are the per-study shifts (in the order of the model's rows).
	Studies []GoshStudy `json:"studies"`
	Notes   []string    `json:"notes,omitempty"`

	// Size is the number of studies in each subset; Estimate, QE, I2, H2
	// and Tau2 the fit's pooled estimate, Q_E, I² (%), H² and τ².
	Size                       []int32   `json:"-"`
	Estimate, QE, I2, H2, Tau2 []float64 `json:"-"`
	Labels                     []string  `json:"-"` // study labels
	Measure                    string    `json:"-"`
	FullEstimate, FullI2       float64   `json:"-"` // the model with every study
	incl                       []uint64
	words                      int
}

// GoshStudy is how one study's inclusion moves the GOSH cloud: the mean
// estimate and mean I² over the fitted subsets with and without it, and
// the standardised shifts d = (with − without)/SD over all fitted subsets.
type GoshStudy struct {
	Study           string  `json:"study"`
	Subsets         int     `json:"subsets"` // fitted subsets that include it
	EstimateWith    float64 `json:"estimate_with"`
	EstimateWithout float64 `json:"estimate_without"`
	I2With          float64 `json:"I2_with"`
	I2Without       float64 `json:"I2_without"`
	DEstimate       float64 `json:"d_estimate"`
	DI2             float64 `json:"d_I2"`
	Flagged         bool    `json:"flagged"`
}

// Included reports whether study j is in the subset of row i.
func (g *GoshResult) Included(i, j int) bool {
	return g.incl[i*g.words+j>>6]>>(uint(j)&63)&1 == 1
}

// Gosh fits the intercept-only model r to subsets of its studies, the
// graphical display of study heterogeneity (GOSH; Olkin, Dahabreh &
// Trikalinos 2012) as metafor 3.8-1's gosh(): with N = 2^k − 1 non-empty
// subsets, every one when N ≤ opt.Subsets, otherwise opt.Subsets random
// subsets whose size m is drawn from {1, …, k} with probability ∝ C(k, m)
// (metafor's dbinom(m, k, ½)) and whose members are then a uniform draw of
// m studies (subsets may repeat, as in metafor; R's random numbers are not
// reproduced, so the random subsets differ from gosh()'s).
//
// Each subset is fitted with r's method (REML, DL, …, or r's fixed τ²) by
// the same estimator as Fit, started afresh; a subset of one study has
// τ² = 0, Q_E = 0, I² = 0 and H² = 1. Recorded per subset, as metafor:
// the pooled estimate, Q_E, I², H² and τ². For DL, metafor's gosh uses a
// shortcut whose H² is Q_E/(k − 1) also when it is below 1; here H² is
// rma.uni's, max(1, …) — the only difference.
//
// Flag rule (a simple alternative to the clustering of dmetar's
// gosh.diagnostics): for study j, d = (mean over fitted subsets including
// j − mean over those excluding it)/SD over all fitted subsets, for the
// estimate and for I². Study j is flagged when |d| > GoshFlagD (1) for
// either. Under an additive picture Σⱼ d²ⱼ ≈ 4, so an ordinary study of k
// has |d| ≈ 2/√k (0.63 at k = 10) and a study whose inclusion alone splits
// the cloud has |d| near 2. The rule is applied from k = GoshMinFlagK (5).
//
// Fits run on opt.Workers goroutines in fixed blocks whose sums are merged
// in order, so results do not depend on the machine. At k = 20 (1,048,575
// REML fits) this takes about 1 s of CPU.
func Gosh(r *Result, opt GoshOptions) (*GoshResult, error) {
	if err := r.needIntOnly("GOSH"); err != nil {
		return nil, err
	}
	k := r.K
	if k < 2 {
		return nil, errs.New(errs.TooFew, "meta", "GOSH needs at least 2 studies (k = %d)", k)
	}
	limit := opt.Subsets
	if limit == 0 {
		limit = DefaultGoshSubsets
	}
	if limit < 2 || limit > MaxGoshSubsets {
		return nil, errs.New(errs.InvalidOption, "meta", "%d GOSH subsets: give a number from 2 to %d", limit, MaxGoshSubsets)
	}
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	g := &GoshResult{K: k, Method: r.MethodShown, Rule: GoshRule, Measure: r.Measure, words: (k + 63) / 64,
		FullEstimate: r.Coefficients[0].Estimate, FullI2: r.I2}
	for j := 0; j < k; j++ {
		g.Labels = append(g.Labels, r.label(j))
	}
	if k < 63 && uint64(1)<<uint(k)-1 <= uint64(limit) {
		g.AllSubsets = true
		g.incl = allSubsets(k)
	} else {
		seed := opt.Seed
		g.Seed = &seed
		g.incl = randomSubsets(k, limit, seed, workers)
		g.Notes = append(g.Notes, fmt.Sprintf("GOSH: %d random subsets of the %s non-empty subsets of %d studies (seed %d; sizes drawn ∝ C(k, m), as metafor's gosh, with different random numbers)", limit, subsetCount(k), k, seed))
	}
	n := len(g.incl) / g.words
	g.Subsets = n
	g.Size = make([]int32, n)
	g.Estimate, g.QE, g.I2, g.H2, g.Tau2 = make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)

	const blocks = 256
	nb := min(blocks, n)
	acc := make([]goshSums, nb)
	ws := make([]*goshWorker, workers)
	var done atomic.Int64
	var mu sync.Mutex
	parallel.Each(nb, workers, func(w, b int) {
		if ws[w] == nil {
			ws[w] = newGoshWorker(r)
		}
		gw := ws[w]
		lo, hi := b*n/nb, (b+1)*n/nb
		a := &acc[b]
		a.init(k)
		for i := lo; i < hi; i++ {
			gw.fit(g, i, a)
		}
		if opt.Progress != nil {
			c := done.Add(int64(hi - lo))
			mu.Lock()
			opt.Progress(int(c), n)
			mu.Unlock()
		}
	})
	tot := acc[0]
	for b := 1; b < nb; b++ {
		tot.merge(&acc[b])
	}
	g.Failed = tot.failed
	if g.Failed == n {
		return nil, errs.New(errs.NoConvergence, "meta", "GOSH: none of the %d subset models could be fitted", n)
	}
	if g.Failed > 0 {
		g.Notes = append(g.Notes, fmt.Sprintf("GOSH: %d of %d subset models could not be fitted and are left out", g.Failed, n))
	}
	g.flag(&tot)
	if k < GoshMinFlagK {
		g.Notes = append(g.Notes, fmt.Sprintf("GOSH: with k = %d (< %d) every study moves the cloud by about 2/√k SD, so no study is flagged", k, GoshMinFlagK))
	}
	return g, nil
}

// subsetCount is 2^k − 1 in decimal.
func subsetCount(k int) string {
	if k < 64 {
		return strconv.FormatUint(uint64(1)<<uint(k)-1, 10)
	}
	return fmt.Sprintf("2^%d − 1", k)
}

// allSubsets lists the 2^k − 1 non-empty subsets of k < 63 studies as bit
// masks, by size and then by mask (a counting sort on the popcount).
func allSubsets(k int) []uint64 {
	n := uint64(1)<<uint(k) - 1
	var start [65]uint64
	for m := uint64(1); m <= n; m++ {
		start[bits.OnesCount64(m)+1]++
	}
	for s := 1; s <= 64; s++ {
		start[s] += start[s-1]
	}
	out := make([]uint64, n)
	for m := uint64(1); m <= n; m++ {
		c := bits.OnesCount64(m)
		out[start[c]] = m
		start[c]++
	}
	return out
}

// randomSubsets draws n subsets of k studies (words of ⌈k/64⌉ uint64 per
// subset): subset i from the PCG stream (seed, i), its size m with
// probability ∝ C(k, m), m = 1..k, its members uniformly; then sorted by
// size (stably).
func randomSubsets(k, n int, seed uint64, workers int) []uint64 {
	words := (k + 63) / 64
	cum := make([]float64, k+1) // cum[m] = P(size ≤ m)
	lk := lchoose(k, 0)
	for m := 1; m <= k; m++ {
		cum[m] = cum[m-1] + math.Exp(lchoose(k, m)-lk-float64(k)*math.Ln2)
	}
	for m := range cum {
		cum[m] /= cum[k]
	}
	raw := make([]uint64, n*words)
	size := make([]int32, n)
	parallel.Chunks(n, workers, func(_, lo, hi int) {
		idx := make([]int, k)
		for i := lo; i < hi; i++ {
			rng := rand.New(rand.NewPCG(seed, uint64(i)))
			u := rng.Float64()
			m := 1
			for m < k && cum[m] <= u {
				m++
			}
			for j := range idx {
				idx[j] = j
			}
			row := raw[i*words : (i+1)*words]
			for j := 0; j < m; j++ {
				r := j + rng.IntN(k-j)
				idx[j], idx[r] = idx[r], idx[j]
				row[idx[j]>>6] |= 1 << (uint(idx[j]) & 63)
			}
			size[i] = int32(m)
		}
	})
	var start = make([]int, k+2)
	for _, s := range size {
		start[s+1]++
	}
	for s := 1; s <= k+1; s++ {
		start[s] += start[s-1]
	}
	out := make([]uint64, n*words)
	for i, s := range size {
		copy(out[start[s]*words:], raw[i*words:(i+1)*words])
		start[s]++
	}
	return out
}

// goshSums accumulates, over fitted subsets, the estimate and I² in total
// and per included study (centred at the full model's values for accuracy).
type goshSums struct {
	n, failed        int
	se, se2, si, si2 float64
	cnt              []int
	sumE, sumI       []float64
}

func (a *goshSums) init(k int) {
	a.cnt, a.sumE, a.sumI = make([]int, k), make([]float64, k), make([]float64, k)
}

func (a *goshSums) merge(b *goshSums) {
	a.n += b.n
	a.failed += b.failed
	a.se += b.se
	a.se2 += b.se2
	a.si += b.si
	a.si2 += b.si2
	for j := range a.cnt {
		a.cnt[j] += b.cnt[j]
		a.sumE[j] += b.sumE[j]
		a.sumI[j] += b.sumI[j]
	}
}

// flag computes each study's shifts and flags from the merged sums.
func (g *GoshResult) flag(a *goshSums) {
	N := float64(a.n)
	sdE := math.Sqrt(math.Max(0, (a.se2-a.se*a.se/N)/(N-1)))
	sdI := math.Sqrt(math.Max(0, (a.si2-a.si*a.si/N)/(N-1)))
	g.Flagged = []string{}
	for j := 0; j < g.K; j++ {
		nw := float64(a.cnt[j])
		st := GoshStudy{Study: g.Labels[j], Subsets: a.cnt[j]}
		ew, eo := a.sumE[j]/nw, (a.se-a.sumE[j])/(N-nw)
		iw, io := a.sumI[j]/nw, (a.si-a.sumI[j])/(N-nw)
		st.EstimateWith, st.EstimateWithout = ew+g.FullEstimate, eo+g.FullEstimate
		st.I2With, st.I2Without = iw+g.FullI2, io+g.FullI2
		st.DEstimate, st.DI2 = shiftD(ew-eo, sdE), shiftD(iw-io, sdI)
		if g.K >= GoshMinFlagK && (math.Abs(st.DEstimate) > GoshFlagD || math.Abs(st.DI2) > GoshFlagD) {
			st.Flagged = true
			g.Flagged = append(g.Flagged, st.Study)
		}
		g.Studies = append(g.Studies, st)
	}
}

// shiftD is diff/sd, 0 when the cloud has no spread, NaN when the study is
// in every fitted subset or in none.
func shiftD(diff, sd float64) float64 {
	switch {
	case math.IsNaN(diff):
		return math.NaN()
	case sd == 0:
		return 0
	}
	return diff / sd
}

// goshWorker holds one goroutine's model, resized to each subset.
type goshWorker struct {
	full *design
	m    *model
}

func newGoshWorker(r *Result) *goshWorker {
	d := r.d.subDesign(r.d.k)
	for i := range d.x {
		d.x[i] = 1
	}
	m := newModel(d, r.opt)
	m.noSE = true
	return &goshWorker{full: r.d, m: m}
}

// fit fits row i's subset and records it in g and a.
func (w *goshWorker) fit(g *GoshResult, i int, a *goshSums) {
	row := g.incl[i*g.words : (i+1)*g.words]
	d, full := w.m.d, w.full
	d.y, d.v = d.y[:full.k], d.v[:full.k] // subsetFit shortened them
	n := 0
	for wi, word := range row {
		for word != 0 {
			j := wi<<6 + bits.TrailingZeros64(word)
			word &= word - 1
			d.y[n], d.v[n] = full.y[j], full.v[j]
			n++
		}
	}
	g.Size[i] = int32(n)
	est, qe, i2, h2, tau2, err := w.m.subsetFit(n)
	if err != nil {
		nan := math.NaN()
		g.Estimate[i], g.QE[i], g.I2[i], g.H2[i], g.Tau2[i] = nan, nan, nan, nan, nan
		a.failed++
		return
	}
	g.Estimate[i], g.QE[i], g.I2[i], g.H2[i], g.Tau2[i] = est, qe, i2, h2, tau2
	e, h := est-g.FullEstimate, i2-g.FullI2
	a.n++
	a.se += e
	a.se2 += e * e
	a.si += h
	a.si2 += h * h
	for wi, word := range row {
		for word != 0 {
			j := wi<<6 + bits.TrailingZeros64(word)
			word &= word - 1
			a.cnt[j]++
			a.sumE[j] += e
			a.sumI[j] += h
		}
	}
}

// subsetFit fits the intercept-only model to the first n rows of the
// model's design (filled by the caller): τ² by the model's estimator, the
// pooled estimate at weights 1/(vᵢ + τ²), and Q_E, I², H² (hetStats).
func (m *model) subsetFit(n int) (est, qe, i2, h2, tau2 float64, err error) {
	d := m.d
	d.k, d.y, d.v, d.x = n, d.y[:n], d.v[:n], d.x[:n]
	m.y, m.yc, m.w = d.y, m.yc[:n], m.w[:n]
	m.s.k, m.s.x, m.s.u = n, d.x, m.s.u[:n]
	m.vt = math.NaN()
	m.center()
	t, err := m.estimateTau2()
	if err != nil {
		return
	}
	tau2 = t.tau2
	if err = m.setWeights(tau2); err != nil {
		return
	}
	m.s.solve(m.w, m.y)
	est = m.s.beta[0]
	if n <= 1 {
		return est, 0, 0, 1, tau2, nil
	}
	qe, _, i2, h2, err = m.hetStats(tau2)
	return
}

// WriteCSV writes the per-subset table: k, QE, I2, H2, tau2, estimate (as
// metafor's gosh()$res) and one 0/1 inclusion column per study (gosh()$incl),
// headed by the study labels.
func (g *GoshResult) WriteCSV(w io.Writer) error {
	bw := bufio.NewWriter(w)
	bw.WriteString("k,QE,I2,H2,tau2,estimate")
	for _, l := range g.Labels {
		bw.WriteByte(',')
		bw.WriteString(csvField(l))
	}
	bw.WriteByte('\n')
	var buf []byte
	for i := 0; i < g.Subsets; i++ {
		buf = strconv.AppendInt(buf[:0], int64(g.Size[i]), 10)
		for _, x := range [...]float64{g.QE[i], g.I2[i], g.H2[i], g.Tau2[i], g.Estimate[i]} {
			buf = append(buf, ',')
			if math.IsNaN(x) {
				buf = append(buf, "NA"...)
			} else {
				buf = strconv.AppendFloat(buf, x, 'g', 15, 64)
			}
		}
		for j := 0; j < g.K; j++ {
			if g.Included(i, j) {
				buf = append(buf, ",1"...)
			} else {
				buf = append(buf, ",0"...)
			}
		}
		buf = append(buf, '\n')
		if _, err := bw.Write(buf); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// csvField quotes a CSV field when it needs it.
func csvField(s string) string {
	for _, c := range s {
		if c == ',' || c == '"' || c == '\n' || c == '\r' {
			return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
		}
	}
	return s
}
