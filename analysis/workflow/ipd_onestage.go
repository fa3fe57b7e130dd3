package workflow

import (
	"fmt"
	"math"
	"strings"

	"github.com/alliance-research/alliance/analysis/mixed"
)

// IPDOneStage is the one-stage cross-check: one mixed model over every
// study's session rows,
//
//	y ~ <the stage-1 fixed terms> + (0 + w | study)
//	    [+ (1 | therapist)] + (1 | patient),
//
// with a random study slope of the within-patient term w and the stage-1
// random intercepts of patients (nested in therapists when every study
// has therapists), patients and therapists labelled within their study.
// The columns are those of stage 1 (centred within patient, and within
// therapist, inside each study); the response and every predictor but w
// (the patient- and therapist-level alliance terms, the lagged control,
// session, covariates) are further centred on their study means (over
// each column's observed values). Centring the response on its study
// mean stands in for stratified (fixed) study intercepts, which Riley et
// al. (2023) recommend over random ones, and centring the predictors
// makes every fixed slope a within-study contrast, so the between-patient
// term carries no across-study (ecological) information. (K fixed
// intercepts would multiply the cost of each likelihood evaluation by
// about (K/p)²: 50 studies take minutes instead of a second.)
type IPDOneStage struct {
	Formula          string          `json:"formula"`
	Fixed            []mixed.Coef    `json:"fixed"`
	Random           []mixed.VarComp `json:"random"`
	ResidualVariance float64         `json:"residual_variance"`
	LogLik           float64         `json:"logLik"`
	REML             bool            `json:"REML"`
	NObs             int             `json:"nobs"`
	Converged        bool            `json:"converged"`
	Singular         bool            `json:"singular"`
}

// IPDComparison sets the two-stage pooled estimate of a term beside the
// one-stage one: Difference = two-stage − one-stage; Disagree when
// |Difference| exceeds the larger of the two SEs.
type IPDComparison struct {
	Term       string  `json:"term"`
	Name       string  `json:"name"`
	TwoStage   float64 `json:"two_stage"`
	TwoStageSE float64 `json:"two_stage_se"`
	OneStage   float64 `json:"one_stage"`
	OneStageSE float64 `json:"one_stage_se"`
	Difference float64 `json:"difference"`
	Disagree   bool    `json:"disagree"`
}

// oneStage fits the one-stage model; a failure is a note, not an error
// (the two-stage analysis stands on its own).
func (r *IPDRun) oneStage() {
	var fits []ipdFit
	for _, f := range r.fits {
		if f.res != nil {
			fits = append(fits, f)
		}
	}
	if len(fits) < 2 {
		return
	}
	fixed, within := "", ""
	therapist := true
	for _, f := range fits {
		lhs, rhs, ok := strings.Cut(f.res.Formula, " ~ ")
		fx, _, _ := strings.Cut(rhs, " + (")
		if !ok || (fixed != "" && lhs+" ~ "+fx != fixed) {
			r.note(Warning, "The one-stage model was not fitted: the studies' stage-1 models differ (%s in study %s).", f.res.Formula, f.study.name)
			return
		}
		fixed = lhs + " ~ " + fx
		therapist = therapist && f.res.Table.Therapist != nil && strings.Contains(rhs, "therapist")
		for _, e := range f.res.Effects {
			if e.Role == "within" {
				within = e.Name
			}
		}
	}
	md := mixed.Data{Numeric: map[string][]float64{}, Text: map[string][]string{}}
	n := 0
	for _, f := range fits {
		n += len(f.res.Table.Session)
	}
	// The labels are made once per study, therapist and patient (rows of
	// one patient are contiguous, so the last key is reused) instead of
	// once per row: 300,000 rows would otherwise make 900,000 strings.
	study, patient := make([]string, 0, n), make([]string, 0, n)
	var ther []string
	if therapist {
		ther = make([]string, 0, n)
	}
	for _, f := range fits {
		t := f.res.Table
		var lastT, lastP, thKey, pKey string
		for i := range t.Session {
			study = append(study, f.study.name)
			th := ""
			if t.Therapist != nil {
				th = t.Therapist[i]
			}
			if i == 0 || th != lastT || t.Patient[i] != lastP {
				lastT, lastP = th, t.Patient[i]
				pKey = f.study.name + "\x1f"
				if t.Therapist != nil {
					thKey = f.study.name + "\x1f" + th
					pKey = thKey + "\x1f"
				}
				pKey += lastP
			}
			if therapist {
				ther = append(ther, thKey)
			}
			patient = append(patient, pKey)
		}
	}
	names := []string{"session"}
	for _, c := range fits[0].res.Table.Columns {
		names = append(names, c.Name)
	}
	resp, _, _ := strings.Cut(fixed, " ~ ")
	for _, name := range names {
		v := make([]float64, 0, n)
		for _, f := range fits {
			col := f.res.Table.Column(name)
			if name != within && (name == resp || !strings.HasSuffix(name, "_next")) {
				v = appendCentred(v, col)
			} else {
				v = append(v, col...)
			}
		}
		md.Numeric[name] = v
	}
	md.Text["study"], md.Text["patient"] = study, patient
	for _, f := range fits {
		f.res.Table = nil // copied into md: nothing after this reads the derived columns
	}
	re := "(1 | patient)"
	if therapist {
		md.Text["therapist"] = ther
		re = "(1 | therapist) + (1 | patient)"
	}
	_, rhs, _ := strings.Cut(fixed, " ~ ")
	lhs := resp
	formula := lhs + " ~ " + rhs + " + (0 + " + within + " | study) + " + re
	mo := mixed.Options{ML: r.opt.Sessions.ML, Level: r.opt.Sessions.Level}
	if r.opt.Sessions.AR1 {
		mo.AR1 = "session"
	}
	m, err := mixed.Fit(formula, md, mo)
	if err != nil {
		r.note(Warning, "The one-stage model %s could not be fitted: %v.", formula, err)
		return
	}
	res := m.Result
	r.OneStage = &IPDOneStage{Formula: formula, Fixed: res.Fixed, Random: res.Random, ResidualVariance: res.ResidualVariance,
		LogLik: res.LogLik, REML: res.REML, NObs: res.NObs, Converged: res.Converged, Singular: res.Singular}
	if !res.Converged {
		r.note(Warning, "The one-stage model did not converge (%s); compare it with the two-stage result with caution.", res.Reason)
	}
	r.compare()
}

// compare lines up the two-stage and one-stage estimates of each pooled
// term and adds the caveat of Riley et al. (2023) when they disagree.
func (r *IPDRun) compare() {
	var off []string
	for _, p := range r.Pooled {
		name := ""
		for _, s := range r.Stage1 {
			if s.Term == p.Term && s.Name != "" {
				name = s.Name
				break
			}
		}
		if p.Meta.Model == nil || len(p.Meta.Model.Coefficients) == 0 {
			continue
		}
		c := p.Meta.Model.Coefficients[0]
		if len(r.Mods) > 0 {
			continue // a meta-regression's intercept is not the one-stage mean effect
		}
		for _, f := range r.OneStage.Fixed {
			if f.Name != name {
				continue
			}
			d := IPDComparison{Term: p.Term, Name: name, TwoStage: c.Estimate, TwoStageSE: c.SE, OneStage: f.Estimate, OneStageSE: f.SE, Difference: c.Estimate - f.Estimate}
			d.Disagree = math.Abs(d.Difference) > math.Max(c.SE, f.SE)
			if d.Disagree {
				off = append(off, fmt.Sprintf("%s (two-stage %s, one-stage %s)", p.Term, num(c.Estimate, 3), num(f.Estimate, 3)))
			}
			r.Comparison = append(r.Comparison, d)
		}
	}
	if len(off) > 0 {
		r.note(Warning, "The two-stage and one-stage estimates differ by more than their standard errors for %s. Riley et al. (2023) explain why they may: with few patients or sessions per study the stage-1 estimates and their variances are imprecise and the normal approximation of stage 2 is poor (the one-stage model is then preferable), while across-study (ecological) information in a patient-level term such as the between-patient effect can bias a one-stage model that does not separate it; check the studies' sizes and the stage-1 table.", strings.Join(off, "; "))
		r.cite("riley2023")
	}
}

// appendCentred appends to dst x minus its mean over the observed
// (non-NaN) values of one study: the study's centring of a one-stage
// predictor.
func appendCentred(dst, x []float64) []float64 {
	var n, sum float64
	for _, v := range x {
		if !math.IsNaN(v) {
			n++
			sum += v
		}
	}
	for _, v := range x {
		dst = append(dst, v-sum/n)
	}
	return dst
}
