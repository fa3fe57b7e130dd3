package rupture

import (
	"math"

	"github.com/alliance-research/alliance/analysis/change"
	"github.com/alliance-research/alliance/analysis/internal/describe"
)

// Detector applies one validated set of Options to patients one at a time.
// It keeps scratch buffers between calls, so it is not safe for concurrent
// use: make one Detector per goroutine.
type Detector struct {
	o      Options
	rciThr float64
	sl     *change.Detector
	// scratch for sudden-loss: observed rows of one unbroken stretch and
	// their scores, and the gains found there.
	pos   []int
	val   []float64
	gains []change.Gain
}

// NewDetector validates o and returns a Detector.
func NewDetector(o Options) (*Detector, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	d := &Detector{o: o}
	if o.Method == MethodRCI {
		d.rciThr = RCIThreshold(o.RCISD, o.Reliability)
	}
	if o.Method == MethodSuddenLoss {
		sl, err := change.NewDetector(o.SuddenLoss)
		if err != nil {
			return nil, err
		}
		d.sl = sl
	}
	return d, nil
}

// Options returns the options d applies.
func (d *Detector) Options() Options { return d.o }

// Patient finds the ruptures of one series, appends them to dst in session
// order and returns the patient's classification and the extended slice. It
// allocates only when dst or its own scratch must grow, so a caller
// streaming patients reuses one buffer: p, buf, err = d.Patient(s, buf[:0]).
//
// A rupture at session t needs drop = reference − score_t > 0 and
//
//	sd:          drop ≥ K·SD               (SD from SDSource)
//	threshold:   drop ≥ Threshold
//	percent:     drop ≥ Percent/100 · reference
//	rci:         drop ≥ 1.96·√2·s·√(1 − r)
//	sudden-loss: the three Tang & DeRubeis criteria on the interval
//	             t−1 → t of the observed scores (change.Detector, Gains
//	             direction, reference = score at t−1)
//	self-report: rupture item at t ≥ RuptureMin (no drop needed)
//
// Missing scores are skipped; MaxGap breaks the series. Episodes do not
// overlap: while an episode is open (up to its repair session, or to the end
// of its repair window when it is not repaired) no new rupture starts. The
// repair session is the first observed session s with t < s ≤ t +
// RepairWindow and score_s ≥ score_t + RepairFraction·drop; with a
// self-report resolution item, the rupture is repaired in its own session
// when that item is ≥ ResolutionMin.
func (d *Detector) Patient(s Series, dst []Episode) (Patient, []Episode, error) {
	if err := s.check(d.o.Method); err != nil {
		return Patient{}, dst, err
	}
	_, sd, n := describe.MeanSD(s.Score)
	p := Patient{Patient: s.Patient, Therapist: s.Therapist, NSessions: n, SD: Float(sd)}
	first := len(dst)
	var assessable bool
	switch d.o.Method {
	case MethodSuddenLoss:
		dst, assessable = d.suddenLoss(&s, sd, dst)
	case MethodSelfReport:
		dst, assessable = d.selfReport(&s, sd, dst)
	default:
		dst, assessable = d.scoreRule(&s, sd, dst)
	}
	for i := first; i < len(dst); i++ {
		dst[i].Index = i - first + 1
		p.NRuptures++
		switch {
		case dst[i].Repaired:
			p.NRepaired++
		case dst[i].Censored:
			p.NCensored++
		}
	}
	p.classify(assessable)
	return p, dst, nil
}

// reference returns the reference level for row i: the previous observed
// score, or the mean of up to Window (all if 0) preceding observed scores,
// not reaching across a gap larger than MaxGap; n = 0 when there is none.
func (d *Detector) reference(s *Series, i int) (ref float64, n int) {
	want := 1
	if d.o.Reference == ReferenceMean {
		want = d.o.Window
	}
	last := s.session(i)
	var sum float64
	for j := i - 1; j >= 0; j-- {
		x := s.Score[j]
		if math.IsNaN(x) {
			continue
		}
		sj := s.session(j)
		if d.o.MaxGap > 0 && last-sj > d.o.MaxGap {
			break
		}
		sum += x
		n++
		last = sj
		if want > 0 && n == want {
			break
		}
	}
	if n == 0 {
		return nan, 0
	}
	return sum / float64(n), n
}

// sdUsed returns the SD of MethodSD for a patient with own SD sd.
func (d *Detector) sdUsed(sd float64) float64 {
	switch d.o.SDSource {
	case SDSample:
		return d.o.SampleSD
	case SDMax:
		if math.IsNaN(sd) || sd < d.o.SampleSD {
			return d.o.SampleSD
		}
	}
	return sd
}

// threshold returns the drop needed at reference level ref and the SD in
// which DropSD is expressed.
func (d *Detector) threshold(ref, sd float64) (thr, unit float64) {
	switch d.o.Method {
	case MethodSD:
		u := d.sdUsed(sd)
		return d.o.K * u, u
	case MethodThreshold:
		return d.o.Threshold, sd
	case MethodPercent:
		if !(ref > 0) {
			return math.Inf(1), sd
		}
		return d.o.Percent / 100 * ref, sd
	case MethodRCI:
		return d.rciThr, sd
	}
	return nan, sd
}

// scoreRule detects ruptures with the sd, threshold, percent and rci rules.
func (d *Detector) scoreRule(s *Series, sd float64, dst []Episode) ([]Episode, bool) {
	assessable := false
	open := math.MinInt
	for i, x := range s.Score {
		if math.IsNaN(x) {
			continue
		}
		si := s.session(i)
		if si <= open {
			continue
		}
		ref, n := d.reference(s, i)
		if n == 0 {
			continue
		}
		assessable = true
		drop := ref - x
		thr, unit := d.threshold(ref, sd)
		if !(drop > 0 && drop >= thr) {
			continue
		}
		var e Episode
		e, open = d.episode(s, i, ref, thr, unit)
		dst = append(dst, e)
	}
	return dst, assessable
}

// episode builds the episode of a rupture at row i with reference ref and
// threshold thr, searches its repair, and returns it with the last session
// of the episode (no new rupture before it).
func (d *Detector) episode(s *Series, i int, ref, thr, unit float64) (Episode, int) {
	x := s.Score[i]
	si := s.session(i)
	drop := ref - x
	e := Episode{
		Patient:   s.Patient,
		Therapist: s.Therapist,
		Session:   si,
		Reference: Float(ref),
		Score:     Float(x),
		Drop:      Float(drop),
		DropSD:    Float(drop / unit),
		Threshold: Float(thr),
	}
	if !(unit > 0) {
		e.DropSD = Float(nan)
	}
	target := x + d.o.RepairFraction*drop
	if d.o.Method == MethodSelfReport && !(drop > 0) {
		target = ref // no alliance drop: a return to the reference level
	}
	end := si + d.o.RepairWindow
	trough := x
	repairAt := -1
	if finite(target) {
		repairAt, trough, e.Censored = d.repair(s, i, target, end)
	} else {
		trough = x
	}
	e.Trough = Float(trough)
	e.Depth = Float(ref - trough)
	if repairAt >= 0 {
		rs := s.session(repairAt)
		e.Repaired = true
		e.RepairSession = NullInt{rs, true}
		e.SessionsToRepair = NullInt{rs - si, true}
		return e, rs
	}
	return e, end
}

// repair scans the observed sessions after row i up to session end for the
// first score ≥ target. It returns that row (−1 if none), the lowest score
// before it (from row i on), and whether an unrepaired window was cut short
// by the end of the series or a gap larger than MaxGap.
func (d *Detector) repair(s *Series, i int, target float64, end int) (row int, trough float64, censored bool) {
	trough = s.Score[i]
	last := s.session(i)
	reached := last >= end
	for j := i + 1; j < len(s.Score); j++ {
		x := s.Score[j]
		if math.IsNaN(x) {
			continue
		}
		sj := s.session(j)
		if d.o.MaxGap > 0 && sj-last > d.o.MaxGap {
			break
		}
		if sj > end {
			reached = true
			break
		}
		last = sj
		if sj == end {
			reached = true
		}
		if x >= target {
			return j, trough, false
		}
		if x < trough {
			trough = x
		}
	}
	return -1, trough, !reached
}

// suddenLoss detects ruptures with the Tang & DeRubeis criteria, applied by
// change.Detector to each unbroken stretch of observed scores.
func (d *Detector) suddenLoss(s *Series, sd float64, dst []Episode) ([]Episode, bool) {
	assessable := false
	open := math.MinInt
	thr := nan
	if !d.o.SuddenLoss.NoCutoff {
		thr = d.o.SuddenLoss.Cutoff
	}
	flush := func() {
		if len(d.pos) < 4 {
			return
		}
		assessable = true
		d.gains = d.sl.Find(change.NewSeries(s.Patient, d.val), d.gains[:0])
		for _, g := range d.gains {
			i := d.pos[g.Position+1]
			if s.session(i) <= open {
				continue
			}
			var e Episode
			e, open = d.episode(s, i, d.val[g.Position], thr, sd)
			dst = append(dst, e)
		}
	}
	d.pos, d.val = d.pos[:0], d.val[:0]
	last := 0
	for i, x := range s.Score {
		if math.IsNaN(x) {
			continue
		}
		si := s.session(i)
		if len(d.pos) > 0 && d.o.MaxGap > 0 && si-last > d.o.MaxGap {
			flush()
			d.pos, d.val = d.pos[:0], d.val[:0]
		}
		d.pos = append(d.pos, i)
		d.val = append(d.val, x)
		last = si
	}
	flush()
	return dst, assessable
}

// selfReport flags sessions whose rupture item is ≥ RuptureMin.
func (d *Detector) selfReport(s *Series, sd float64, dst []Episode) ([]Episode, bool) {
	assessable := false
	open := math.MinInt
	for i, it := range s.Rupture {
		if math.IsNaN(it) {
			continue
		}
		assessable = true
		si := s.session(i)
		if si <= open || it < d.o.RuptureMin {
			continue
		}
		ref, _ := d.reference(s, i)
		if s.Resolution == nil {
			var e Episode
			e, open = d.episode(s, i, ref, nan, sd)
			dst = append(dst, e)
			continue
		}
		x := s.Score[i]
		drop := ref - x
		e := Episode{
			Patient: s.Patient, Therapist: s.Therapist, Session: si,
			Reference: Float(ref), Score: Float(x), Trough: Float(x),
			Drop: Float(drop), DropSD: Float(drop / sd), Depth: Float(drop),
			Threshold: Float(nan),
		}
		if r := s.Resolution[i]; !math.IsNaN(r) && r >= d.o.ResolutionMin {
			e.Repaired = true
			e.RepairSession = NullInt{si, true}
			e.SessionsToRepair = NullInt{0, true}
		}
		open = si
		dst = append(dst, e)
	}
	return dst, assessable
}
