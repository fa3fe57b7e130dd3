package rupture

import (
	"fmt"
	"math"

	"github.com/alliance-research/alliance/analysis/change"
	"github.com/alliance-research/alliance/analysis/effectsize"
	"github.com/alliance-research/alliance/analysis/errs"
	"github.com/alliance-research/alliance/analysis/internal/describe"
	"github.com/alliance-research/alliance/analysis/internal/wald"
)

// Outcome is one patient's outcome scores (NaN = missing), e.g. a symptom
// measure at the first and last session or at pre- and post-treatment.
type Outcome struct {
	Patient string  `json:"patient"`
	Pre     float64 `json:"pre"`
	Post    float64 `json:"post"`
}

// OutcomeMeasure chooses what is compared between classes.
type OutcomeMeasure string

const (
	// OutcomeChange compares the change post − pre (the default).
	OutcomeChange OutcomeMeasure = "change"
	// OutcomePost compares the post scores.
	OutcomePost OutcomeMeasure = "post"
)

// EffectOptions are the options of Effects.
type EffectOptions struct {
	Measure OutcomeMeasure `json:"measure"`
	// Better is the direction of improvement of the outcome (change.Lower,
	// the default, for symptom measures; change.Higher for well-being or
	// functioning); "lower" or "higher" in JSON.
	Better change.Better `json:"better"`
	// Level is the confidence level of every interval (default .95).
	Level float64 `json:"level"`
}

// DefaultEffectOptions returns change scores, lower = better, 95 % intervals.
func DefaultEffectOptions() EffectOptions {
	return EffectOptions{Measure: OutcomeChange, Better: change.Lower, Level: 0.95}
}

func (eo EffectOptions) validate() error {
	if eo.Measure != OutcomeChange && eo.Measure != OutcomePost {
		return errs.New(errs.InvalidOption, "rupture", "unknown outcome measure %q (use change or post)", eo.Measure)
	}
	if eo.Better != change.Lower && eo.Better != change.Higher {
		return errs.New(errs.InvalidOption, "rupture", "unknown outcome direction %v (use lower or higher)", eo.Better)
	}
	if !(eo.Level > 0 && eo.Level < 1) {
		return errs.New(errs.InvalidOption, "rupture", "confidence level %v must lie in (0, 1), e.g. 0.95", eo.Level)
	}
	return nil
}

// ClassOutcome describes the outcome of one class.
type ClassOutcome struct {
	Class Class `json:"class"`
	// N counts the class's patients with the scores needed by the measure.
	N          int   `json:"n"`
	MeanPre    Float `json:"mean_pre"`
	SDPre      Float `json:"sd_pre"`
	MeanPost   Float `json:"mean_post"`
	SDPost     Float `json:"sd_post"`
	MeanChange Float `json:"mean_change"`
	SDChange   Float `json:"sd_change"`
}

// Effect compares the outcome of two groups (group 1 minus group 2).
//
// Mean1, Mean2, SD1, SD2 are raw. Every effect quantity (Diff, T, D, G, R,
// YI and their intervals) is oriented so that a positive value means group 1
// did better: with change.Lower the outcome is negated first.
type Effect struct {
	// Contrast is "<group1> vs <group2>", e.g. "repaired vs unrepaired".
	Contrast string `json:"contrast"`
	Group1   Class  `json:"group1"`
	Group2   Class  `json:"group2"`
	N1       int    `json:"n1"`
	N2       int    `json:"n2"`
	Mean1    Float  `json:"mean1"`
	Mean2    Float  `json:"mean2"`
	SD1      Float  `json:"sd1"`
	SD2      Float  `json:"sd2"`
	// Diff is the oriented mean difference with its pooled-variance SE,
	// Student t, df = n1 + n2 − 2, two-sided p and CI (R's t.test with
	// var.equal = TRUE).
	Diff     Float `json:"diff"`
	SEDiff   Float `json:"se_diff"`
	T        Float `json:"t"`
	DF       int   `json:"df"`
	P        Float `json:"p"`
	DiffCILB Float `json:"diff_ci_lb"`
	DiffCIUB Float `json:"diff_ci_ub"`
	// D is Cohen's d = Diff / s_pooled; G is Hedges' g = J(df)·d with
	// sampling variance VG (metafor escalc SMD, vtype LS) and the normal
	// CI g ± z·√VG in CILB, CIUB.
	D    Float `json:"d"`
	G    Float `json:"g"`
	VG   Float `json:"vg"`
	CILB Float `json:"ci_lb"`
	CIUB Float `json:"ci_ub"`
	// R is the point-biserial correlation of group membership (1 = group 1)
	// with the oriented outcome; RCILB, RCIUB its CI from Fisher's z.
	R     Float `json:"r"`
	RCILB Float `json:"r_ci_lb"`
	RCIUB Float `json:"r_ci_ub"`
	// N is n1 + n2; YI = atanh(R) and VI = 1/(N − 3) are the Fisher z and
	// its sampling variance, ready for meta-analysis (metafor ZCOR).
	N  int   `json:"n"`
	YI Float `json:"yi"`
	VI Float `json:"vi"`
	// Note explains missing estimates (e.g. a group with fewer than two
	// patients).
	Note string `json:"note,omitempty"`
}

// StudyRow is one study's line for `alliance meta` (Fisher z, ZCOR).
type StudyRow struct {
	Study string  `json:"study"`
	R     float64 `json:"r"`
	N     int     `json:"n"`
	YI    float64 `json:"yi"`
	VI    float64 `json:"vi"`
}

// StudyRow returns e as a study row for meta-analysis.
func (e Effect) StudyRow(study string) StudyRow {
	return StudyRow{Study: study, R: float64(e.R), N: e.N, YI: float64(e.YI), VI: float64(e.VI)}
}

// EffectResult holds the outcome by class, the pairwise contrasts and the
// ANCOVA.
type EffectResult struct {
	Options EffectOptions  `json:"options"`
	Classes []ClassOutcome `json:"class_outcomes"`
	Effects []Effect       `json:"effects"`
	// ANCOVA is nil when pre and post scores do not allow it (fewer than two
	// classes, too few patients).
	ANCOVA *ANCOVA `json:"ancova,omitempty"`
	// Unmatched counts outcomes of patients without an assessable alliance
	// series (ignored).
	Unmatched int `json:"n_unmatched"`
	// Notes explain omitted parts.
	Notes []string `json:"notes,omitempty"`
}

// Contrasts lists the class comparisons of Effects, group 1 vs group 2.
// The contrasts with the censored class are reported only when some
// patient is censored.
var Contrasts = [][2]Class{
	{ClassRepaired, ClassUnrepaired},
	{ClassRepaired, ClassNone},
	{ClassUnrepaired, ClassNone},
	{ClassCensored, ClassNone},
}

// Effects relates the patients' classes to their outcomes: outcome by class,
// the pairwise contrasts (repaired vs unrepaired, repaired vs none,
// unrepaired vs none, and censored vs none when a patient is censored) as
// TwoGroup effects, and the ANCOVA post ~ class + pre.
// Patients of ClassInsufficient and outcomes of unknown patients are left
// out.
func Effects(patients []Patient, outcomes []Outcome, eo EffectOptions) (*EffectResult, error) {
	if err := eo.validate(); err != nil {
		return nil, err
	}
	class := make(map[string]Class, len(patients))
	for _, p := range patients {
		if p.Class != ClassInsufficient {
			class[p.Patient] = p.Class
		}
	}
	res := &EffectResult{Options: eo}
	seen := make(map[string]bool, len(outcomes))
	rows := make([]OutcomeRow, 0, len(outcomes))
	for _, o := range outcomes {
		if seen[o.Patient] {
			return nil, errs.Inputf("rupture", 0, "patient %q has two outcome rows", o.Patient)
		}
		seen[o.Patient] = true
		c, ok := class[o.Patient]
		if !ok {
			res.Unmatched++
			continue
		}
		if math.IsInf(o.Pre, 0) || math.IsInf(o.Post, 0) {
			return nil, errs.Inputf("rupture", 0, "patient %q: outcome is not finite (pre %v, post %v)", o.Patient, o.Pre, o.Post)
		}
		rows = append(rows, OutcomeRow{Class: c, Pre: o.Pre, Post: o.Post})
	}
	unmatched := res.Unmatched
	res, err := EffectsFromRows(rows, eo)
	if err != nil {
		return nil, err
	}
	res.Unmatched = unmatched
	return res, nil
}

// OutcomeRow is one assessable patient's class and outcome scores (NaN =
// missing), the input of EffectsFromRows.
type OutcomeRow struct {
	Class     Class
	Pre, Post float64
}

// EffectsFromRows is Effects for patients already matched to their class
// (none of ClassInsufficient), in the order given: the outcome by class,
// the contrasts and the ANCOVA. A streaming or partitioned caller collects
// one row per assessable patient (24 bytes each); rows merged in patient
// order give Effects' result exactly, in another order to rounding.
func EffectsFromRows(rows []OutcomeRow, eo EffectOptions) (*EffectResult, error) {
	if err := eo.validate(); err != nil {
		return nil, err
	}
	res := &EffectResult{Options: eo}
	var n [4]int
	for _, o := range rows {
		n[classIndex(o.Class)]++
	}
	var pre, post, y [4][]float64 // by class index
	for k := range pre {
		pre[k], post[k], y[k] = make([]float64, 0, n[k]), make([]float64, 0, n[k]), make([]float64, 0, n[k])
	}
	var apre, apost []float64
	var acls []int
	for _, o := range rows {
		k := classIndex(o.Class)
		if math.IsInf(o.Pre, 0) || math.IsInf(o.Post, 0) {
			return nil, errs.Inputf("rupture", 0, "outcome is not finite (pre %v, post %v)", o.Pre, o.Post)
		}
		if !math.IsNaN(o.Pre) {
			pre[k] = append(pre[k], o.Pre)
		}
		if !math.IsNaN(o.Post) {
			post[k] = append(post[k], o.Post)
		}
		v := o.Post
		if eo.Measure == OutcomeChange {
			v = o.Post - o.Pre
		}
		if !math.IsNaN(v) {
			y[k] = append(y[k], v)
		}
		if !math.IsNaN(o.Pre) && !math.IsNaN(o.Post) {
			apre, apost, acls = append(apre, o.Pre), append(apost, o.Post), append(acls, k)
		}
	}
	for k, c := range Classes {
		co := ClassOutcome{Class: c, N: len(y[k])}
		m, s, _ := describe.MeanSD(pre[k])
		co.MeanPre, co.SDPre = Float(m), Float(s)
		m, s, _ = describe.MeanSD(post[k])
		co.MeanPost, co.SDPost = Float(m), Float(s)
		co.MeanChange, co.SDChange = Float(math.NaN()), Float(math.NaN())
		if eo.Measure == OutcomeChange {
			m, s, _ = describe.MeanSD(y[k])
			co.MeanChange, co.SDChange = Float(m), Float(s)
		}
		res.Classes = append(res.Classes, co)
	}
	sign := 1.0
	if eo.Better == change.Lower {
		sign = -1
	}
	for _, cc := range Contrasts {
		if (cc[0] == ClassCensored || cc[1] == ClassCensored) && len(y[classIndex(ClassCensored)]) == 0 {
			continue // no censored patients: no contrast to report
		}
		e := TwoGroup(y[classIndex(cc[0])], y[classIndex(cc[1])], sign, eo.Level)
		e.Contrast = string(cc[0]) + " vs " + string(cc[1])
		e.Group1, e.Group2 = cc[0], cc[1]
		res.Effects = append(res.Effects, e)
	}
	a, err := fitANCOVA(apost, apre, acls, eo.Level)
	if err != nil {
		res.Notes = append(res.Notes, "ANCOVA not estimated: "+err.Error())
	} else {
		res.ANCOVA = a
	}
	return res, nil
}

func classIndex(c Class) int {
	switch c {
	case ClassRepaired:
		return 1
	case ClassUnrepaired:
		return 2
	case ClassCensored:
		return 3
	}
	return 0
}

// Estimate fills r's Effects, ClassOutcomes and ANCOVA from outcomes.
func (r *Result) Estimate(outcomes []Outcome, eo EffectOptions) (*EffectResult, error) {
	er, err := Effects(r.Patients, outcomes, eo)
	if err != nil {
		return nil, err
	}
	r.Effects, r.ClassOutcomes, r.ANCOVA = er.Effects, er.Classes, er.ANCOVA
	return er, nil
}

// TwoGroup compares the outcomes y1 of group 1 with y2 of group 2 (NaN
// values must already be removed). sign = +1 keeps the orientation, −1
// negates the outcome (lower = better) for every effect quantity. With
// n = n1 + n2, s_p the pooled SD and s_y the SD of all n values:
//
//	Diff = sign·(ȳ₁ − ȳ₂),  SE = s_p √(1/n₁ + 1/n₂),  t = Diff/SE,  df = n − 2
//	d = Diff / s_p,  g = J(df)·d,  v_g = 1/n₁ + 1/n₂ + g²/(2n)   (Hedges 1981)
//	r = sign·(ȳ₁ − ȳ₂)/s_y · √(n₁n₂ / (n(n − 1)))               (point-biserial)
//	z = atanh r,  v_z = 1/(n − 3)                              (Fisher 1921)
//
// Intervals: Student t for Diff, normal for g and z (back-transformed for
// r), at the given level. It needs n1, n2 ≥ 2 and s_p > 0 (z also n ≥ 4);
// otherwise the estimates are NaN and Note says why.
func TwoGroup(y1, y2 []float64, sign, level float64) Effect {
	n1, n2 := len(y1), len(y2)
	n := n1 + n2
	e := Effect{N1: n1, N2: n2, N: n, DF: n - 2}
	m1, s1, _ := describe.MeanSD(y1)
	m2, s2, _ := describe.MeanSD(y2)
	e.Mean1, e.Mean2, e.SD1, e.SD2 = Float(m1), Float(m2), Float(s1), Float(s2)
	na := Float(math.NaN())
	e.Diff, e.SEDiff, e.T, e.P, e.DiffCILB, e.DiffCIUB = na, na, na, na, na, na
	e.D, e.G, e.VG, e.CILB, e.CIUB = na, na, na, na, na
	e.R, e.RCILB, e.RCIUB, e.YI, e.VI = na, na, na, na, na
	if n1 < 2 || n2 < 2 {
		e.Note = fmt.Sprintf("needs at least 2 patients per group (have %d and %d)", n1, n2)
		if e.DF < 0 {
			e.DF = 0
		}
		return e
	}
	df := float64(n - 2)
	sp := math.Sqrt((float64(n1-1)*s1*s1 + float64(n2-1)*s2*s2) / df)
	diff := sign * (m1 - m2)
	e.Diff = Float(diff)
	if !(sp > 0) {
		e.Note = "the outcome does not vary within groups (pooled SD 0)"
		return e
	}
	se := sp * math.Sqrt(1/float64(n1)+1/float64(n2))
	w := wald.StudentT(df, level).Coef(diff, se*se)
	e.SEDiff, e.T, e.P = Float(w.SE), Float(w.Statistic), Float(w.P)
	e.DiffCILB, e.DiffCIUB = Float(w.CILB), Float(w.CIUB)
	z := wald.Normal(level) // for g and for Fisher's z of r
	d := diff / sp
	e.D = Float(d)
	if g, vg, err := effectsize.HedgesG(d, float64(n1), float64(n2)); err == nil {
		e.G, e.VG = Float(g), Float(vg)
		gw := z.Coef(g, vg)
		e.CILB, e.CIUB = Float(gw.CILB), Float(gw.CIUB)
	} else {
		e.Note = "g not estimated: " + err.Error()
	}
	// point-biserial r from the SD of all n values
	_, sy, _ := describe.MeanSD(append(append(make([]float64, 0, n), y1...), y2...))
	r := sign * (m1 - m2) / sy * math.Sqrt(float64(n1)*float64(n2)/(float64(n)*float64(n-1)))
	if r > 1 {
		r = 1
	} else if r < -1 {
		r = -1
	}
	e.R = Float(r)
	if n > 3 && math.Abs(r) < 1 {
		fz := math.Atanh(r)
		vz := 1 / float64(n-3)
		e.YI, e.VI = Float(fz), Float(vz)
		zw := z.Coef(fz, vz)
		e.RCILB, e.RCIUB = Float(math.Tanh(zw.CILB)), Float(math.Tanh(zw.CIUB))
	} else if e.Note == "" {
		e.Note = "Fisher z needs n ≥ 4 and |r| < 1"
	}
	return e
}
