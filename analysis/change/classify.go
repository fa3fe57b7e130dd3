package change

import (
	"math"

	"github.com/alliance-research/alliance/analysis/errs"
	"github.com/alliance-research/alliance/analysis/internal/describe"
)

// Spec is an approach and its options: the arguments of Distribution
// (Approach "distribution", RCI), Combined ("combined", RCI, Norms),
// Statistical ("statistical", RCI, Norms) and Percentage ("percentage",
// RCI.Better, PctImprovement, PctDeterioration).
type Spec struct {
	Approach                         string
	RCI                              RCIOptions
	Norms                            Norms
	PctImprovement, PctDeterioration float64
}

// Classifier classifies one patient's change at a time with the constants
// of an approach (the RCI's means, SDs and denominator, the cutoff, the
// critical value) fitted to the pre and post scores of the used patients:
// the per-patient map of Distribution, Combined, Statistical and
// Percentage, which fit one and classify every pair with it. A registry
// read patient by patient keeps only the used scores (16 bytes a patient)
// for NewClassifier, then classifies each patient again as it is read,
// counting the categories in a Tally: the same numbers as the functions on
// the pairs held in memory.
type Classifier struct {
	sp     Spec
	head   Result // the constants; NOriginal, NUsed, Persons, Summary, Groups unset
	p      rciParams
	s, cv  float64
	cut    *cutState
	cats   []Category
	ha     bool
	pi, pd float64
}

// check validates and normalises the options, as the four functions do
// before they look at the pairs.
func (sp *Spec) check() error {
	switch sp.Approach {
	case "percentage":
		b := sp.RCI.Better
		if !b.valid() {
			return errs.New(errs.InvalidOption, "change", "unknown direction %v (use Lower or Higher)", b)
		}
		if !(sp.PctImprovement >= 0 && sp.PctImprovement <= 1) {
			return errs.New(errs.InvalidOption, "change", "pct_improvement must be between 0 and 1 but %v was supplied", sp.PctImprovement)
		}
		if sp.PctDeterioration <= 0 {
			sp.PctDeterioration = sp.PctImprovement
		}
		if sp.PctDeterioration > 1 {
			return errs.New(errs.InvalidOption, "change", "pct_deterioration must be between 0 and 1 but %v was supplied", sp.PctDeterioration)
		}
		return nil
	case "distribution", "combined", "statistical":
	default:
		return errs.New(errs.InvalidOption, "change", "unknown approach %q (use distribution, combined, statistical or percentage)", sp.Approach)
	}
	if err := sp.RCI.normalise(); err != nil {
		return err
	}
	if err := pairsMethod(sp.RCI); err != nil {
		return err
	}
	if sp.Approach != "distribution" {
		return sp.Norms.normalise()
	}
	return nil
}

// NewClassifier fits the approach of sp to the used patients' pre and
// post scores (both present and finite, in patient order; see UsedPair),
// at least two of them.
func NewClassifier(sp Spec, pre, post []float64) (*Classifier, error) {
	if err := sp.check(); err != nil {
		return nil, err
	}
	if len(pre) != len(post) {
		return nil, errs.New(errs.InvalidOption, "change", "%d pre and %d post scores", len(pre), len(post))
	}
	if len(pre) < 2 {
		return nil, tooFew(len(pre))
	}
	return fitClassifier(sp, pre, post)
}

func tooFew(n int) error {
	return errs.New(errs.TooFew, "change", "%d patients with both pre and post scores; need at least 2", n)
}

// fitClassifier is NewClassifier on checked options.
func fitClassifier(sp Spec, pre, post []float64) (*Classifier, error) {
	c := &Classifier{sp: sp}
	r := newResult(sp.Approach, nil, nil)
	o := sp.RCI
	c.s = o.Better.sign()
	switch sp.Approach {
	case "percentage":
		r.Better = o.Better
		r.PctImprovement, r.PctDeterioration = Float(sp.PctImprovement), Float(sp.PctDeterioration)
		c.pi, c.pd = sp.PctImprovement, sp.PctDeterioration
		c.cats = []Category{Improved, Unchanged, Deteriorated}
	case "distribution", "combined":
		p, cv, err := rciPart(r, pre, post, o)
		if err != nil {
			return nil, err
		}
		c.p, c.cv = p, cv
		c.cats = []Category{Improved, Unchanged, Deteriorated}
		if sp.Approach == "combined" {
			cut, st, err := fitCutoff(p, o, sp.Norms, cv)
			if err != nil {
				return nil, err
			}
			r.Cutoff, c.cut = cut, &st
			c.cats = combinedCategories
			if o.Method == HA {
				r.GroupLevel = haGroupLevel(pre, post, p, float64(cut.Value), float64(cut.ReliabilityPost), o.Better)
			}
		}
	case "statistical":
		p := rciParams{Method: o.Method, R: o.Reliability}
		p.MPre, p.SDPre, _ = describe.MeanSD(pre)
		p.MPost, p.SDPost, _ = describe.MeanSD(post)
		cv := o.criticalZ()
		r.Better, r.Reliability, r.CriticalValue = o.Better, Float(o.Reliability), Float(cv)
		r.MPre, r.SDPre, r.MPost, r.SDPost = Float(p.MPre), Float(p.SDPre), Float(p.MPost), Float(p.SDPost)
		if o.Method == HA {
			r.Method = HA
		}
		cut, st, err := fitCutoff(p, o, sp.Norms, cv)
		if err != nil {
			return nil, err
		}
		r.Cutoff, c.cut, c.p, c.cv, c.ha = cut, &st, p, cv, o.Method == HA
		c.cats = []Category{Improved, Unchanged, Deteriorated}
	}
	r.Persons = nil
	c.head = *r
	return c, nil
}

// Person classifies one used patient (pre and post present).
func (c *Classifier) Person(id, group string, pre, post float64) PersonChange {
	x := PersonChange{ID: id, Group: group, Pre: Float(pre), Post: Float(post), Change: Float(post - pre),
		RCI: Float(nan), PctChange: Float(nan), CSIndiv: Float(nan)}
	switch c.sp.Approach {
	case "percentage":
		pctCategory(&x, c.s, c.pi, c.pd)
	case "distribution":
		rciCategory(&x, &c.p, c.s, c.cv)
	case "combined":
		rciCategory(&x, &c.p, c.s, c.cv)
		c.cut.flags(&x)
		combineOne(&x)
	case "statistical":
		cp := c.cut.flags(&x)
		statisticalCategory(&x, c.ha, cp)
	}
	return x
}

// Categories are the approach's categories, in the order of its summary.
func (c *Classifier) Categories() []Category { return append([]Category(nil), c.cats...) }

// Result returns the analysis' result without patients: the constants,
// NOriginal and NUsed; a Tally fills Summary and Groups.
func (c *Classifier) Result(nOriginal, nUsed int) *Result {
	r := c.head
	if c.head.Cutoff != nil {
		cut := *c.head.Cutoff
		r.Cutoff = &cut
	}
	r.NOriginal, r.NUsed = nOriginal, nUsed
	return &r
}

// UsedPair says whether the i-th pair (0-based, in patient order) is used
// (both scores present), and is the error of an infinite score, as the
// four functions check their pairs.
func UsedPair(i int, p Pair) (bool, error) {
	if math.IsInf(p.Pre, 0) || math.IsInf(p.Post, 0) {
		return false, errs.Inputf("change", 0, "pair %d (patient %q): scores must be finite", i+1, p.ID)
	}
	return !math.IsNaN(p.Pre) && !math.IsNaN(p.Post), nil
}

// classifyPairs is Distribution, Combined, Statistical or Percentage.
func classifyPairs(sp Spec, pairs []Pair) (*Result, error) {
	if err := sp.check(); err != nil {
		return nil, err
	}
	used, pre, post, err := usedPairs(pairs)
	if err != nil {
		return nil, err
	}
	c, err := fitClassifier(sp, pre, post)
	if err != nil {
		return nil, err
	}
	r := c.Result(len(pairs), len(used))
	r.Persons = make([]PersonChange, len(used))
	for i, p := range used {
		r.Persons[i] = c.Person(p.ID, p.Group, p.Pre, p.Post)
	}
	r.summarise(c.cats)
	return r, nil
}

// Tally counts classified patients by category, overall and by group (in
// the order the groups first appear), as Result.Summary and Groups: a
// patient marked Both (percentage approach) counts as improved and as
// deteriorated, and percentages are over these counts.
type Tally struct {
	cats    []Category
	groups  []string
	gi      map[string]int
	counts  [][]int // per group, per category
	grouped bool
}

// NewTally counts the categories cats (Classifier.Categories).
func NewTally(cats []Category) *Tally {
	return &Tally{cats: append([]Category(nil), cats...), gi: map[string]int{}}
}

// Add counts one patient.
func (t *Tally) Add(x PersonChange) {
	g, ok := t.gi[x.Group]
	if !ok {
		g = len(t.groups)
		t.gi[x.Group] = g
		t.groups = append(t.groups, x.Group)
		t.counts = append(t.counts, make([]int, len(t.cats)))
	}
	if x.Group != "" {
		t.grouped = true
	}
	for j, c := range t.cats {
		if x.Category == c || (x.Both && c == Deteriorated) {
			t.counts[g][j]++
		}
	}
}

// Fill sets r.Summary and, when a patient has a group label, r.Groups.
func (t *Tally) Fill(r *Result) {
	counts := make([]int, len(t.cats))
	total := 0
	for _, gc := range t.counts {
		for j, n := range gc {
			counts[j] += n
			total += n
		}
	}
	r.Summary = make([]CategoryCount, len(t.cats))
	for j, c := range t.cats {
		r.Summary[j] = CategoryCount{Category: c, N: counts[j], Percent: Float(float64(counts[j]) / float64(total))}
	}
	r.Groups = nil
	if !t.grouped {
		return
	}
	for g, name := range t.groups {
		gt := 0
		for _, n := range t.counts[g] {
			gt += n
		}
		for j, c := range t.cats {
			n := t.counts[g][j]
			r.Groups = append(r.Groups, CategoryCount{Category: c, Group: name, N: n,
				Percent: Float(float64(n) / float64(total)), PercentByGroup: Float(float64(n) / float64(gt))})
		}
	}
}
