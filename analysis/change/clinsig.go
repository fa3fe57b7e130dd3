package change

import (
	"math"

	"github.com/alliance-research/alliance/analysis/errs"
	"github.com/alliance-research/alliance/analysis/internal/describe"
	"gonum.org/v1/gonum/stat/distuv"
)

// Category is a clinical-significance category.
type Category string

const (
	Recovered    Category = "recovered"
	Improved     Category = "improved"
	Unchanged    Category = "unchanged"
	Deteriorated Category = "deteriorated"
	Harmed       Category = "harmed"
)

// PersonChange is one patient's classification.
type PersonChange struct {
	ID     string `json:"id"`
	Group  string `json:"group,omitempty"`
	Pre    Float  `json:"pre"`
	Post   Float  `json:"post"`
	Change Float  `json:"change"` // post − pre
	// RCI is the reliable change index (NaN for the percentage approach).
	RCI Float `json:"rci"`
	// PctChange is (post − pre)/pre (percentage approach only, else NaN).
	PctChange Float `json:"pct_change"`
	// CSIndiv is Hageman & Arrindell's individual cutoff statistic (HA
	// combined / statistical only, else NaN).
	CSIndiv Float `json:"cs_indiv"`
	// ClinicalPre and FunctionalPost are the cutoff criteria (combined and
	// statistical approaches; false otherwise).
	ClinicalPre    bool `json:"clinical_pre"`
	FunctionalPost bool `json:"functional_post"`
	// Category is the patient's category. In the percentage approach the
	// package can mark a patient with pre = 0 both improved and deteriorated
	// (see Percentage); Category is then "improved" and Both is true.
	Category Category `json:"category"`
	Both     bool     `json:"both,omitempty"`
}

// CategoryCount is a row of the package's summary table.
type CategoryCount struct {
	Category Category `json:"category"`
	Group    string   `json:"group,omitempty"`
	N        int      `json:"n"`
	// Percent is N over all used patients (a fraction, as the package's
	// percent column, which it rounds to 4 decimals).
	Percent Float `json:"percent"`
	// PercentByGroup is N over the patients of the group (grouped data only).
	PercentByGroup Float `json:"percent_by_group,omitempty"`
}

// Cutoff describes the cutoff used by the combined and statistical approaches.
type Cutoff struct {
	Type         string `json:"type"` // "a", "b", "c" (JT) or "a_true" … (HA)
	Value        Float  `json:"value"`
	MClinical    Float  `json:"m_clinical"`
	SDClinical   Float  `json:"sd_clinical"`
	MFunctional  Float  `json:"m_functional"`
	SDFunctional Float  `json:"sd_functional"`
	// ReliabilityClinical, ReliabilityFunctional, ReliabilityPost are the HA
	// reliabilities (SD² − SEM²)/SD² (NaN for JT cutoffs).
	ReliabilityClinical   Float `json:"reliability_clinical"`
	ReliabilityFunctional Float `json:"reliability_functional"`
	ReliabilityPost       Float `json:"reliability_post"`
}

// GroupLevel is the HA method's group-level summary: the estimated
// proportions of patients whose true scores changed and whose true post
// scores are functional.
type GroupLevel struct {
	Changed    Float `json:"changed"`
	Functional Float `json:"functional"`
}

// Result is the outcome of Distribution, Combined, Statistical or Percentage.
type Result struct {
	// Approach is "distribution", "combined", "statistical" or "percentage".
	Approach string `json:"approach"`
	// Method is the RCI method (empty for the percentage and JT statistical approaches).
	Method RCIMethod `json:"method,omitempty"`
	// Better is the beneficial direction ("lower" or "higher" in JSON).
	Better Better `json:"better_is"`
	// NOriginal counts the input pairs, NUsed those with both scores.
	NOriginal int `json:"n_original"`
	NUsed     int `json:"n_used"`
	// Reliability, ReliabilityPost and CriticalValue of the RCI.
	Reliability     Float `json:"reliability"`
	ReliabilityPost Float `json:"reliability_post"`
	CriticalValue   Float `json:"critical_value"`
	// Sample statistics of the used pairs and the RCI constants (NaN where the
	// method does not use them).
	MPre          Float `json:"m_pre"`
	SDPre         Float `json:"sd_pre"`
	MPost         Float `json:"m_post"`
	SDPost        Float `json:"sd_post"`
	SEMeasurement Float `json:"se_measurement"`
	SDiff         Float `json:"s_diff"`
	SEPrediction  Float `json:"se_prediction"`
	RDD           Float `json:"r_dd"`
	// PctImprovement and PctDeterioration (percentage approach).
	PctImprovement   Float `json:"pct_improvement"`
	PctDeterioration Float `json:"pct_deterioration"`
	// Cutoff (combined and statistical approaches).
	Cutoff *Cutoff `json:"cutoff,omitempty"`
	// Persons lists the used patients in input order.
	Persons []PersonChange `json:"persons"`
	// Summary counts every category of the approach, overall.
	Summary []CategoryCount `json:"summary"`
	// Groups repeats the counts per group when pairs carry group labels.
	Groups []CategoryCount `json:"groups,omitempty"`
	// GroupLevel is the HA method's group-level summary (combined approach).
	GroupLevel *GroupLevel `json:"group_level,omitempty"`
	// HLM is the growth model and the patients' empirical Bayes slopes of
	// the HLM method (HLMDistribution, HLMCombined).
	HLM *HLMFit `json:"hlm,omitempty"`
}

// pairsMethod rejects the HLM method for the pre–post (pair) functions.
func pairsMethod(o RCIOptions) error {
	if o.Method == HLM {
		return errs.New(errs.InvalidOption, "change", "rci method HLM fits a growth model to every measurement: call HLMDistribution or HLMCombined with long data (patient, time, score) instead of pre–post pairs")
	}
	return nil
}

// usedPairs drops pairs with a missing score (na.omit) and checks IDs.
func usedPairs(pairs []Pair) (used []Pair, pre, post []float64, err error) {
	seen := make(map[string]int, len(pairs)) // ID → index + 1
	for i, p := range pairs {
		if j := seen[p.ID]; j > 0 {
			return nil, nil, nil, &DuplicateError{Patient: p.ID, Time: math.NaN(), Pairs: true, Rows: [2]int{j - 1, i}}
		}
		seen[p.ID] = i + 1
		if math.IsInf(p.Pre, 0) || math.IsInf(p.Post, 0) {
			return nil, nil, nil, errs.Inputf("change", 0, "pair %d (patient %q): scores must be finite", i+1, p.ID)
		}
		if math.IsNaN(p.Pre) || math.IsNaN(p.Post) {
			continue
		}
		used = append(used, p)
		pre = append(pre, p.Pre)
		post = append(post, p.Post)
	}
	if len(used) < 2 {
		return nil, nil, nil, errs.New(errs.TooFew, "change", "%d patients with both pre and post scores; need at least 2", len(used))
	}
	return used, pre, post, nil
}

func newResult(approach string, pairs, used []Pair) *Result {
	r := &Result{Approach: approach, NOriginal: len(pairs), NUsed: len(used)}
	for _, f := range []*Float{&r.Reliability, &r.ReliabilityPost, &r.CriticalValue, &r.MPre, &r.SDPre, &r.MPost, &r.SDPost,
		&r.SEMeasurement, &r.SDiff, &r.SEPrediction, &r.RDD, &r.PctImprovement, &r.PctDeterioration} {
		*f = Float(nan)
	}
	r.Persons = make([]PersonChange, len(used))
	for i, p := range used {
		r.Persons[i] = PersonChange{ID: p.ID, Group: p.Group, Pre: Float(p.Pre), Post: Float(p.Post), Change: Float(p.Post - p.Pre),
			RCI: Float(nan), PctChange: Float(nan), CSIndiv: Float(nan)}
	}
	return r
}

// rciPart fits the RCI and fills the RCI fields of r; the categories
// (improved, unchanged, deteriorated) are rciCategory's.
func rciPart(r *Result, pre, post []float64, o RCIOptions) (rciParams, float64, error) {
	p, err := fitRCI(pre, post, o)
	if err != nil {
		return p, 0, err
	}
	cv := o.criticalZ()
	r.Method, r.Better = o.Method, o.Better
	r.Reliability, r.CriticalValue = Float(o.Reliability), Float(cv)
	if o.Method == NK {
		r.ReliabilityPost = Float(o.ReliabilityPost)
	}
	r.MPre, r.SDPre, r.MPost, r.SDPost = Float(p.MPre), Float(p.SDPre), Float(p.MPost), Float(p.SDPost)
	switch o.Method {
	case JT, HA:
		r.SEMeasurement, r.SDiff = Float(p.SEM), Float(p.SDiff)
		r.RDD = Float(p.RDD)
	case EN:
		r.SEMeasurement = Float(p.SEM)
	case GLN, HLL:
		r.SEPrediction = Float(p.SEPred)
	}
	return p, cv, nil
}

// rciCategory sets a patient's RCI and its category: improved when
// s·RCI > cv, deteriorated when s·RCI < −cv, else unchanged.
func rciCategory(x *PersonChange, p *rciParams, s, cv float64) {
	setRCI(x, p.rci(float64(x.Pre), float64(x.Post)), s, cv)
}

// setRCI sets a patient's reliable change index v and its category:
// improved when s·v > cv, deteriorated when s·v < −cv, else unchanged (s
// is +1 when higher scores are better, −1 otherwise).
func setRCI(x *PersonChange, v, s, cv float64) {
	x.RCI = Float(v)
	switch {
	case s*v > cv:
		x.Category = Improved
	case s*v < -cv:
		x.Category = Deteriorated
	default:
		x.Category = Unchanged
	}
}

// Distribution classifies each patient's change by the reliable change
// index alone: improved when s·RCI > z, deteriorated when s·RCI < −z, else
// unchanged (s = +1 if higher is better, −1 if lower), z = qnorm(1 − α/2)
// (qnorm(1 − α) for HA). Sample means and SDs are those of the patients with
// both scores. clinicalsignificance::cs_distribution.
func Distribution(pairs []Pair, o RCIOptions) (*Result, error) {
	return classifyPairs(Spec{Approach: "distribution", RCI: o}, pairs)
}

// Norms are the functional-population norms and cutoff choice of the
// combined and statistical approaches.
type Norms struct {
	// Type is the cutoff (a, b or c; default a as the package).
	Type CutoffType
	// MFunctional and SDFunctional describe the functional population
	// (required for b and c).
	MFunctional, SDFunctional float64
	// ClinicalNorms uses MClinical and SDClinical for the dysfunctional
	// population; by default, as the package, the mean and SD of the used
	// pre scores are taken.
	ClinicalNorms         bool
	MClinical, SDClinical float64
	// BFunctionalSD computes cutoff b with the functional SD as Jacobson &
	// Truax (1991) define it; by default, as the package, with the clinical SD.
	BFunctionalSD bool
}

func (n *Norms) normalise() error {
	if n.Type == 0 {
		n.Type = CutoffA
	}
	switch n.Type {
	case CutoffA:
	case CutoffB, CutoffC:
		if !(n.SDFunctional > 0) || math.IsNaN(n.MFunctional) || math.IsInf(n.MFunctional, 0) {
			return errs.New(errs.InvalidOption, "change", "cutoff %s needs the functional mean and a positive functional SD (got %v, %v)", n.Type, n.MFunctional, n.SDFunctional)
		}
	default:
		return errs.New(errs.InvalidOption, "change", "unknown cutoff type %q (use a, b or c)", n.Type)
	}
	if n.ClinicalNorms && !(n.SDClinical > 0) {
		return errs.New(errs.InvalidOption, "change", "clinical SD %v must be positive", n.SDClinical)
	}
	return nil
}

// cutState is a fitted cutoff: what each patient's clinical_pre,
// functional_post (and HA's cs_indiv, clinical_post) need.
type cutState struct {
	ha                   bool
	s, cut, cv           float64
	mPost, rPost, semSqr float64 // HA: M_post, r_post and √r_post·SEM
}

// fitCutoff computes the cutoff of the combined and statistical
// approaches from the RCI parameters p (means and SDs of the used pairs).
func fitCutoff(p rciParams, o RCIOptions, n Norms, cv float64) (*Cutoff, cutState, error) {
	mC, sdC := p.MPre, p.SDPre
	if n.ClinicalNorms {
		mC, sdC = n.MClinical, n.SDClinical
	}
	c := &Cutoff{Type: n.Type.String(), MClinical: Float(mC), SDClinical: Float(sdC),
		MFunctional: Float(nan), SDFunctional: Float(nan),
		ReliabilityClinical: Float(nan), ReliabilityFunctional: Float(nan), ReliabilityPost: Float(nan)}
	if n.Type != CutoffA {
		c.MFunctional, c.SDFunctional = Float(n.MFunctional), Float(n.SDFunctional)
	}
	st := cutState{s: o.Better.sign(), cv: cv}
	var err error
	if o.Method != HA {
		st.cut, err = CutoffJT(mC, sdC, n.MFunctional, n.SDFunctional, n.Type, o.Better, n.BFunctionalSD)
		if err != nil {
			return nil, st, err
		}
	} else {
		sem := sdC * math.Sqrt(1-o.Reliability)
		rC := haReliability(sdC, sem)
		rPost := haReliability(p.SDPost, sem)
		rF := haReliability(n.SDFunctional, sem)
		st.cut, err = CutoffHA(mC, sdC, rC, n.MFunctional, n.SDFunctional, rF, n.Type, o.Better, n.BFunctionalSD)
		if err != nil {
			return nil, st, err
		}
		c.Type += "_true"
		c.ReliabilityClinical, c.ReliabilityPost = Float(rC), Float(rPost)
		if n.Type != CutoffA {
			c.ReliabilityFunctional = Float(rF)
		}
		st.ha, st.mPost, st.rPost, st.semSqr = true, p.MPost, rPost, math.Sqrt(rPost)*sem
	}
	c.Value = Float(st.cut)
	return c, st, nil
}

// flags sets a patient's clinical_pre and functional_post (and HA's
// cs_indiv) and returns HA's clinical_post.
func (st *cutState) flags(x *PersonChange) bool {
	pre, post, s := float64(x.Pre), float64(x.Post), st.s
	if !st.ha {
		x.ClinicalPre = s*pre < s*st.cut
		x.FunctionalPost = s*post > s*st.cut
		return false
	}
	ci := (st.mPost + (post-st.mPost)*st.rPost - st.cut) / st.semSqr
	x.CSIndiv = Float(ci)
	x.ClinicalPre = s*pre < s*st.cut
	x.FunctionalPost = x.ClinicalPre && s*ci > st.cv
	return !x.ClinicalPre && s*ci < -st.cv
}

// cutoffPart computes the cutoff and each patient's clinical_pre,
// functional_post (and HA's cs_indiv, clinical_post), returning clinical_post.
func cutoffPart(r *Result, pre, post []float64, p rciParams, o RCIOptions, n Norms, cv float64) ([]bool, error) {
	c, st, err := fitCutoff(p, o, n, cv)
	if err != nil {
		return nil, err
	}
	clinicalPost := make([]bool, len(pre))
	for i := range r.Persons {
		clinicalPost[i] = st.flags(&r.Persons[i])
	}
	r.Cutoff = c
	return clinicalPost, nil
}

// Combined classifies patients by the reliable change index and a cutoff
// (Jacobson & Truax 1991; clinicalsignificance::cs_combined):
//
//	recovered    = clinical_pre ∧ functional_post ∧ reliably improved
//	improved     = reliably improved, not recovered
//	harmed       = ¬clinical_pre ∧ ¬functional_post ∧ reliably deteriorated
//	deteriorated = reliably deteriorated, not harmed
//	unchanged    = neither
//
// clinical_pre = s·pre < s·cutoff and functional_post = s·post > s·cutoff
// (s = +1 if higher is better). With HA the cutoff is Hageman & Arrindell's
// true-score cutoff and functional_post = clinical_pre ∧ s·cs_indiv > z, and
// the group-level proportions changed and functional are reported.
func Combined(pairs []Pair, o RCIOptions, n Norms) (*Result, error) {
	return classifyPairs(Spec{Approach: "combined", RCI: o, Norms: n}, pairs)
}

// combine refines the reliable-change categories with the cutoff, as
// cs_combined (combineOne), then counts the categories.
func (r *Result) combine() {
	for i := range r.Persons {
		combineOne(&r.Persons[i])
	}
	r.summarise(combinedCategories)
}

var combinedCategories = []Category{Recovered, Improved, Unchanged, Deteriorated, Harmed}

// combineOne makes an improved patient who moved from clinical to
// functional recovered, a deteriorated one who moved the other way harmed.
func combineOne(x *PersonChange) {
	switch {
	case x.Category == Improved && x.ClinicalPre && x.FunctionalPost:
		x.Category = Recovered
	case x.Category == Deteriorated && !x.ClinicalPre && !x.FunctionalPost:
		x.Category = Harmed
	}
}

// haGroupLevel is the HA group-level summary of cs_combined:
// changed = Φ(−M_change/(SD_change·√r_dd)) and functional =
// Φ((cutoff − M_post)/(SD_post·√r_post)) for lower-is-better (1 − Φ(·) for
// higher-is-better).
func haGroupLevel(pre, post []float64, p rciParams, cut, rPost float64, b Better) *GroupLevel {
	ch := make([]float64, len(pre))
	for i := range pre {
		ch[i] = post[i] - pre[i]
	}
	mCh, sdCh, _ := describe.MeanSD(ch)
	zc := (0 - mCh) / (sdCh * math.Sqrt(p.RDD))
	zf := (cut - p.MPost) / (p.SDPost * math.Sqrt(rPost))
	pc, pf := distuv.UnitNormal.CDF(zc), distuv.UnitNormal.CDF(zf)
	if b == Higher {
		pc, pf = 1-pc, 1-pf
	}
	return &GroupLevel{Changed: Float(pc), Functional: Float(pf)}
}

// Statistical classifies patients by the cutoff alone
// (clinicalsignificance::cs_statistical): improved = clinical_pre ∧
// functional_post, deteriorated = ¬clinical_pre ∧ ¬functional_post, else
// unchanged; with HA, improved = functional_post and deteriorated =
// clinical_post (s·cs_indiv < −z for patients not clinical before).
// The RCI options give the method (JT cutoffs unless HA), reliability and
// direction; no RCI is computed for the categories.
func Statistical(pairs []Pair, o RCIOptions, n Norms) (*Result, error) {
	return classifyPairs(Spec{Approach: "statistical", RCI: o, Norms: n}, pairs)
}

// statisticalCategory is a patient's category in the statistical
// approach, from the cutoff flags (clinicalPost: HA's).
func statisticalCategory(x *PersonChange, ha, clinicalPost bool) {
	var imp, det bool
	if ha {
		imp, det = x.FunctionalPost, clinicalPost
	} else {
		imp, det = x.ClinicalPre && x.FunctionalPost, !x.ClinicalPre && !x.FunctionalPost
	}
	switch {
	case imp:
		x.Category = Improved
	case det:
		x.Category = Deteriorated
	default:
		x.Category = Unchanged
	}
}

// Percentage classifies patients by their percentage change
// (clinicalsignificance::cs_percentage), pct = (post − pre)/pre:
//
//	improved     = s·pct ≥ pctImprovement   ∨ (pre = 0 ∧ post > 0)
//	deteriorated = s·pct ≤ −pctDeterioration ∨ (pre = 0 ∧ post < 0)
//
// both false when pre = post; unchanged otherwise. pctDeterioration ≤ 0
// means pctImprovement. As in the package, the pre = 0 clauses ignore the
// direction, so with lower-is-better a patient rising from 0 counts as both
// improved and deteriorated (Both is set, and the patient is counted in both
// rows of the summary, as the package does).
func Percentage(pairs []Pair, pctImprovement, pctDeterioration float64, better Better) (*Result, error) {
	return classifyPairs(Spec{Approach: "percentage", RCI: RCIOptions{Better: better}, PctImprovement: pctImprovement, PctDeterioration: pctDeterioration}, pairs)
}

// pctCategory is a patient's percentage change and category.
func pctCategory(x *PersonChange, s, pctImprovement, pctDeterioration float64) {
	pre, post := float64(x.Pre), float64(x.Post)
	pct := (post - pre) / pre
	x.PctChange = Float(pct)
	imp := s*pct >= pctImprovement || (pre == 0 && post > 0)
	det := s*pct <= -pctDeterioration || (pre == 0 && post < 0)
	if pre == post {
		imp, det = false, false
	}
	switch {
	case imp && det:
		x.Category, x.Both = Improved, true
	case imp:
		x.Category = Improved
	case det:
		x.Category = Deteriorated
	default:
		x.Category = Unchanged
	}
}

// summarise fills Summary (and Groups when groups are labelled) with the
// counts of cats, in that order (Tally).
func (r *Result) summarise(cats []Category) {
	t := NewTally(cats)
	for _, x := range r.Persons {
		t.Add(x)
	}
	t.Fill(r)
}
