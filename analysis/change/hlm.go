package change

import (
	"fmt"
	"math"

	"github.com/alliance-research/alliance/analysis/errs"
	"github.com/alliance-research/alliance/analysis/internal/describe"
	"github.com/alliance-research/alliance/analysis/mixed"
)

// Long is long-format data for the HLM method: one row per patient and
// measurement. Rows whose time or score is NaN are dropped (the package's
// na.omit); Group, when given, labels each row's patient and must be
// constant within a patient.
type Long struct {
	Patient []string
	Time    []float64
	Score   []float64
	Group   []string // optional
}

// HLMFit describes the growth model of the HLM method,
// score ~ time + (time | patient), fitted by REML.
type HLMFit struct {
	Formula string `json:"formula"`
	// Intercept and Slope are the fixed effects with their standard errors.
	Intercept   Float `json:"intercept"`
	InterceptSE Float `json:"intercept_se"`
	Slope       Float `json:"slope"`
	SlopeSE     Float `json:"slope_se"`
	// Variance components: patient intercept and slope variances, their
	// correlation, and the residual variance.
	InterceptVariance Float `json:"intercept_variance"`
	SlopeVariance     Float `json:"slope_variance"`
	Correlation       Float `json:"correlation"`
	ResidualVariance  Float `json:"residual_variance"`
	// Theta is lme4's relative covariance factor (lower triangle by column).
	Theta     []float64 `json:"theta"`
	LogLik    Float     `json:"logLik"` // REML log-likelihood
	NObs      int       `json:"nobs"`
	Singular  bool      `json:"singular"`
	Converged bool      `json:"converged"`
	// Slopes lists, parallel to Result.Persons, each patient's number of
	// measurements, empirical Bayes slope deviation and its conditional SD.
	Slopes []HLMSlope `json:"slopes"`
}

// HLMSlope is one patient's empirical Bayes estimate: EB is the
// conditional mode of the patient's random slope (the deviation from the
// fixed slope, lme4's ranef), SD its conditional standard deviation, and
// Result.Persons[i].RCI = EB/SD.
type HLMSlope struct {
	ID string `json:"id"`
	N  int    `json:"n"`
	EB Float  `json:"eb_estimate"`
	SD Float  `json:"sd"`
	// Slope is the patient's own slope, the fixed slope plus EB (reported
	// only; the classification uses EB/SD as the package does).
	Slope Float `json:"slope"`
}

// hlmMinWaves is the package's minimum number of measurements per patient.
const hlmMinWaves = 3

// hlmPrep reduces long data as clinicalsignificance's .prep_data(method =
// "HLM"): patients in order of first appearance; per patient n complete rows
// and pre/post the first and last complete score in row order; patients with
// n ≥ 3 are used. It returns the used pairs, their counts, the number of
// patients with at least one complete row (n_original) and the model rows.
func hlmPrep(d Long) (used []Pair, nobs []int, nOriginal int, rows []int, err error) {
	n := len(d.Patient)
	if len(d.Time) != n || len(d.Score) != n || (d.Group != nil && len(d.Group) != n) {
		return nil, nil, 0, nil, errs.New(errs.InvalidOption, "change", "long data columns differ in length (patient %d, time %d, score %d, group %d)", n, len(d.Time), len(d.Score), len(d.Group))
	}
	type acc struct {
		pair  Pair
		n     int
		times map[float64]int // time → row + 1
	}
	index := map[string]int{}
	var ps []acc
	for i, id := range d.Patient {
		t, y := d.Time[i], d.Score[i]
		if math.IsInf(t, 0) || math.IsInf(y, 0) {
			return nil, nil, 0, nil, errs.Inputf("change", 0, "row %d (patient %q): time and score must be finite (got %v, %v)", i+1, id, t, y)
		}
		g := ""
		if d.Group != nil {
			g = d.Group[i]
		}
		k, ok := index[id]
		if !ok {
			k = len(ps)
			index[id] = k
			ps = append(ps, acc{pair: Pair{ID: id, Group: g, Pre: nan, Post: nan}, times: map[float64]int{}})
		} else if ps[k].pair.Group != g {
			return nil, nil, 0, nil, errs.Inputf("change", 0, "row %d: patient %q is in group %q here but %q before (a patient must belong to one group)", i+1, id, g, ps[k].pair.Group)
		}
		if math.IsNaN(t) || math.IsNaN(y) {
			continue
		}
		a := &ps[k]
		if j := a.times[t]; j > 0 {
			return nil, nil, 0, nil, &DuplicateError{Patient: id, Time: t, Rows: [2]int{j - 1, i}}
		}
		a.times[t] = i + 1
		if a.n == 0 {
			a.pair.Pre = y
		}
		a.pair.Post = y
		a.n++
	}
	keep := make([]bool, len(ps))
	for k, a := range ps {
		if a.n > 0 {
			nOriginal++
		}
		if a.n >= hlmMinWaves {
			keep[k] = true
			used = append(used, a.pair)
			nobs = append(nobs, a.n)
		}
	}
	if len(used) < 2 {
		return nil, nil, 0, nil, errs.New(errs.TooFew, "change", "HLM needs at least 2 patients with %d or more measurements; %d have", hlmMinWaves, len(used))
	}
	for i, id := range d.Patient {
		if keep[index[id]] && !math.IsNaN(d.Time[i]) && !math.IsNaN(d.Score[i]) {
			rows = append(rows, i)
		}
	}
	return used, nobs, nOriginal, rows, nil
}

// fitHLM fits score ~ time + (time | patient) by REML to the model rows and
// returns the fit summary with each used patient's EB slope and SD.
func fitHLM(d Long, used []Pair, nobs []int, rows []int) (*HLMFit, error) {
	pat := make([]string, len(rows))
	tm := make([]float64, len(rows))
	y := make([]float64, len(rows))
	for k, i := range rows {
		pat[k], tm[k], y[k] = d.Patient[i], d.Time[i], d.Score[i]
	}
	const formula = "score ~ time + (time | patient)"
	m, err := mixed.Fit(formula, mixed.Data{
		Numeric: map[string][]float64{"score": y, "time": tm},
		Text:    map[string][]string{"patient": pat},
	}, mixed.Options{})
	if err != nil {
		return nil, fmt.Errorf("change: HLM growth model: %w", err)
	}
	r := &m.Result
	if !r.Converged {
		return nil, errs.New(errs.NoConvergence, "change", "HLM growth model %s did not converge (%s)", formula, r.Reason)
	}
	f := &HLMFit{Formula: formula, Theta: r.Theta, LogLik: Float(r.LogLik), NObs: r.NObs,
		Singular: r.Singular, Converged: r.Converged, ResidualVariance: Float(r.ResidualVariance),
		Correlation: Float(nan)}
	for _, c := range r.Fixed {
		switch c.Name {
		case "(Intercept)":
			f.Intercept, f.InterceptSE = Float(c.Estimate), Float(c.SE)
		case "time":
			f.Slope, f.SlopeSE = Float(c.Estimate), Float(c.SE)
		}
	}
	for _, v := range r.Random {
		switch v.Name {
		case "(Intercept)":
			f.InterceptVariance = Float(v.Variance)
		case "time":
			f.SlopeVariance = Float(v.Variance)
		}
	}
	for _, c := range r.Correlations {
		f.Correlation = Float(c.Corr)
	}
	eb := make(map[string]mixed.BLUP, len(used))
	for _, b := range r.Ranef {
		if b.Name == "time" {
			eb[b.Level] = b
		}
	}
	f.Slopes = make([]HLMSlope, len(used))
	for i, p := range used {
		b, ok := eb[p.ID]
		if !ok {
			return nil, errs.New(errs.Singular, "change", "HLM growth model has no random slope for patient %q", p.ID)
		}
		if !(b.CondSD > 0) {
			return nil, errs.New(errs.Singular, "change: HLM", "the conditional SD of patient %q's slope is %v (the fitted slope variance is zero), so EB/SD is undefined", p.ID, b.CondSD)
		}
		f.Slopes[i] = HLMSlope{ID: p.ID, N: nobs[i], EB: Float(b.Value), SD: Float(b.CondSD), Slope: f.Slope + Float(b.Value)}
	}
	return f, nil
}

// hlmPart prepares the data, fits the model and fills the RCI fields and
// categories (improved, unchanged, deteriorated) of a new Result.
func hlmPart(approach string, d Long, o RCIOptions) (*Result, []float64, []float64, error) {
	if err := o.normalise(); err != nil {
		return nil, nil, nil, err
	}
	if o.Method != HLM {
		return nil, nil, nil, errs.New(errs.InvalidOption, "change", "the long-data functions need rci method HLM (got %s); use Distribution or Combined with pairs", o.Method)
	}
	used, nobs, nOriginal, rows, err := hlmPrep(d)
	if err != nil {
		return nil, nil, nil, err
	}
	f, err := fitHLM(d, used, nobs, rows)
	if err != nil {
		return nil, nil, nil, err
	}
	pre := make([]float64, len(used))
	post := make([]float64, len(used))
	for i, p := range used {
		pre[i], post[i] = p.Pre, p.Post
	}
	r := newResult(approach, nil, used)
	r.NOriginal = nOriginal
	r.Method, r.Better = HLM, o.Better
	cv := o.criticalZ()
	r.CriticalValue = Float(cv)
	mPre, sdPre, _ := describe.MeanSD(pre)
	mPost, sdPost, _ := describe.MeanSD(post)
	r.MPre, r.SDPre, r.MPost, r.SDPost = Float(mPre), Float(sdPre), Float(mPost), Float(sdPost)
	r.HLM = f
	s := o.Better.sign()
	for i := range r.Persons {
		x := &r.Persons[i]
		setRCI(x, float64(f.Slopes[i].EB/f.Slopes[i].SD), s, cv)
	}
	return r, pre, post, nil
}

// HLMDistribution classifies change with the multilevel (HLM) reliable
// change index of clinicalsignificance::cs_distribution(rci_method = "HLM")
// (after Raudenbush & Bryk 2002): the growth model
//
//	score_ij = β₀ + β₁·time_ij + b₀ᵢ + b₁ᵢ·time_ij + ε_ij,
//	(b₀ᵢ, b₁ᵢ) ~ N(0, Σ), ε_ij ~ N(0, σ²),
//
// is fitted by REML (lme4's lmer(outcome ~ time + (time | id))) to all
// measurements of the patients with at least three; each patient's
// z = b̂₁ᵢ / SD(b̂₁ᵢ), the conditional mode of the random slope — the
// deviation from the fixed slope β₁, not the slope itself — over its
// conditional SD (ranef(condVar = TRUE)), is the RCI: improved when
// s·z > z_crit, deteriorated when s·z < −z_crit (s = +1 if higher is better,
// −1 if lower; z_crit = qnorm(1 − α/2)). Reliability is not used. Time is
// used as given (no centring; the slope's z does not depend on the origin).
//
// As the package, Pre and Post of each patient are the first and the last
// complete score in row order (sort rows by time within patient to get the
// first and last measurement), and n_original counts patients with at least
// one complete row. The fitted model is in Result.HLM.
func HLMDistribution(d Long, o RCIOptions) (*Result, error) {
	if o.Method == "" {
		o.Method = HLM
	}
	r, _, _, err := hlmPart("distribution", d, o)
	if err != nil {
		return nil, err
	}
	r.summarise([]Category{Improved, Unchanged, Deteriorated})
	return r, nil
}

// HLMCombined adds Jacobson & Truax's cutoff to HLMDistribution, as
// clinicalsignificance::cs_combined(rci_method = "HLM"): the cutoff (a, b
// or c) uses the mean and SD of the used patients' pre scores (or
// Norms.MClinical, SDClinical), and clinical_pre = s·pre < s·cutoff,
// functional_post = s·post > s·cutoff on the observed first and last scores
// (not model predictions); recovered = clinical_pre ∧ functional_post ∧
// improved, harmed = ¬clinical_pre ∧ ¬functional_post ∧ deteriorated.
func HLMCombined(d Long, o RCIOptions, n Norms) (*Result, error) {
	if o.Method == "" {
		o.Method = HLM
	}
	if err := n.normalise(); err != nil {
		return nil, err
	}
	r, pre, post, err := hlmPart("combined", d, o)
	if err != nil {
		return nil, err
	}
	p := rciParams{Method: HLM, MPre: float64(r.MPre), SDPre: float64(r.SDPre), MPost: float64(r.MPost), SDPost: float64(r.SDPost)}
	if _, err := cutoffPart(r, pre, post, p, o, n, float64(r.CriticalValue)); err != nil {
		return nil, err
	}
	r.combine()
	return r, nil
}
