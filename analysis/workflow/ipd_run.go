package workflow

import (
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/alliance-research/alliance/analysis/errs"
	"github.com/alliance-research/alliance/analysis/ipd"
)

// IPDRun is an IPD meta-analysis and its document part. Its JSON is the
// output of 'alliance ipd': stage1 (one row per study and term), pooled
// (one 'alliance meta' object per term, with its term), multivariate (the
// joint pooling, with Multivariate) and one_stage (the one mixed model
// over all studies) with comparison (two-stage minus one-stage per term).
type IPDRun struct {
	DataName string `json:"data"`
	// Stage1Model is "sessions" or "panel"; Model the session model
	// (lagged, …) or the panel model (riclpm, clpm, dpm); Waves the panel
	// model's sessions.
	Stage1Model  string            `json:"stage1_model"`
	Model        string            `json:"model"`
	Waves        []int             `json:"waves,omitempty"`
	Standardized bool              `json:"standardized"`
	Studies      int               `json:"studies"`
	Terms        []string          `json:"terms"`
	Stage1       []IPDStage1       `json:"stage1"`
	Pooled       []IPDPooled       `json:"pooled"`
	Multivariate *ipd.Bivariate    `json:"multivariate,omitempty"`
	OneStage     *IPDOneStage      `json:"one_stage,omitempty"`
	Comparison   []IPDComparison   `json:"comparison,omitempty"`
	Mods         []string          `json:"mods,omitempty"`
	ModValues    map[string]string `json:"-"`

	src      Source
	opt      IPDOptions
	panelOpt PanelOptions
	// panelCons says the panel model's equality constraints in words.
	panelCons string
	studyCol  string
	fits      []ipdFit
	modNames  []string
	// robustCol is the robust cluster column as the data spell it.
	robustCol string
	// formula is the first study's stage-1 formula; studyOrder the studies.
	formula    string
	studyOrder []string
	sec        *Section
	top        []Note
	methods    []string
	cites      []string
	data       *DataPart
}

// runIPD is stage 1, stage 2 and the one-stage model over the studies.
func runIPD(src Source, studies []ipdStudy, studyCol string, opt IPDOptions) (*IPDRun, error) {
	opt, po, err := ipdRunOptions(opt)
	if err != nil {
		return nil, err
	}
	if len(studies) < 2 {
		return nil, errs.New(errs.TooFew, "ipd", "%d study: an IPD meta-analysis needs at least 2", len(studies))
	}
	so := opt.Sessions
	r := &IPDRun{DataName: src.Label(), Stage1Model: opt.Stage1, Model: so.Model, Standardized: opt.Standardize, Studies: len(studies), src: src, opt: opt, studyCol: studyCol}
	r.studyColumns(studies)
	if opt.Stage1 == Stage1Panel {
		if po.Waves == nil {
			if po.Waves, err = ipdPanelWaves(studies, po); err != nil {
				return nil, err
			}
			r.note(Info, "Waves: sessions %s, those observed for at least half of the patients of all studies, in every study's panel model (choose others explicitly).", joinInts(po.Waves))
		}
		r.Model, r.Waves, r.panelOpt = po.Model, po.Waves, po
	}
	if r.fits, err = fitStudies(studies, so, po, opt); err != nil {
		return nil, err
	}
	for _, f := range r.fits {
		if f.panel != nil {
			r.panelCons = f.panel.constraintText()
			break
		}
	}
	r.chooseTerms()
	r.Stage1 = stage1Rows(r.fits, r.Terms)
	if err := r.poolTerms(); err != nil {
		return nil, err
	}
	if opt.Multivariate {
		if err := r.multivariate(); err != nil {
			return nil, err
		}
	}
	if !opt.NoOneStage && opt.Stage1 == Stage1Panel {
		r.note(Info, "No one-stage cross-check: it is a mixed model of the session model's terms; with the panel stage 1 only the two-stage analysis is run.")
	} else if !opt.NoOneStage {
		r.oneStage()
	}
	for _, f := range r.fits {
		r.studyOrder = append(r.studyOrder, f.study.name)
		if f.res != nil && r.formula == "" {
			r.formula = f.res.Formula
		}
	}
	r.compose()
	r.fits = nil // the stage-1 models are summarised in Stage1
	return r, nil
}

// ipdRunOptions completes and checks the IPD options: the stage-1 session
// options, the stage-2 test (knha), the stage 1 and its panel options,
// the terms to pool, the moderators and the robust column.
func ipdRunOptions(opt IPDOptions) (IPDOptions, PanelOptions, error) {
	var po PanelOptions
	so, err := ipdSessionOptions(opt.Sessions)
	if err != nil {
		return opt, po, err
	}
	opt.Sessions = so
	if opt.Test == "" {
		opt.Test = "knha"
	}
	allowed := ipdTerms
	switch opt.Stage1 = strings.ToLower(opt.Stage1); opt.Stage1 {
	case "", Stage1Sessions:
		opt.Stage1 = Stage1Sessions
		if name := opt.Panel.given(); name != "" {
			return opt, po, invalid("Panel."+name, "the panel model's %s applies to the panel stage 1: choose stage 1 panel, or leave it out", strings.ToLower(name))
		}
	case Stage1Panel:
		if po, err = ipdPanelOptions(opt); err != nil {
			return opt, po, err
		}
		allowed = ipdPanelTerms
		if len(opt.Terms) == 0 {
			opt.Terms = []string{"crosslag", "reverse"}
		}
	default:
		return opt, po, invalid("Stage1", "stage 1 %q: give sessions (the session model) or panel (the dynamic panel model)", opt.Stage1)
	}
	for i, t := range opt.Terms {
		opt.Terms[i] = strings.ToLower(strings.TrimSpace(t))
		if !slices.Contains(allowed, opt.Terms[i]) {
			return opt, po, invalid("Terms", "term %q: give %s", t, strings.Join(allowed, ", "))
		}
	}
	if err = checkModNames(opt.Mods); err != nil {
		return opt, po, err
	}
	if opt.Robust != "" && opt.Multivariate {
		return opt, po, invalid("Robust", "cluster-robust inference applies to the univariate stage-2 models, not to the multivariate one: drop one of the two")
	}
	return opt, po, nil
}

// studyColumns finds the robust-cluster and moderator columns among the
// study-level columns, as the data spell them.
func (r *IPDRun) studyColumns(studies []ipdStudy) {
	if studies[0].mods == nil {
		return
	}
	for k := range studies[0].mods {
		if r.opt.Robust != "" && strings.EqualFold(k, r.opt.Robust) {
			r.robustCol = k
		}
	}
	for _, m := range r.opt.Mods {
		for k := range studies[0].mods {
			if strings.EqualFold(k, m) {
				r.modNames = append(r.modNames, k)
			}
		}
	}
	r.Mods = r.modNames
}

// chooseTerms are the terms asked for, or every term some study's model
// has.
func (r *IPDRun) chooseTerms() {
	r.Terms = r.opt.Terms
	if len(r.Terms) > 0 {
		return
	}
	for _, t := range ipdTerms {
		for _, f := range r.fits {
			if !f.failed() && hasRole(f, t) {
				r.Terms = append(r.Terms, t)
				break
			}
		}
	}
}

// poolTerms is stage 2 of every term, with a note on the studies that
// could not contribute and on each term too few studies estimate; no term
// pooled at all is an error saying why.
func (r *IPDRun) poolTerms() error {
	failed := 0
	var reasons []string
	for _, f := range r.fits {
		if f.failed() {
			failed++
			reasons = append(reasons, f.study.name+": "+f.err.Error())
		}
	}
	if failed > 0 {
		r.note(Warning, "%d of %d studies could not contribute: %s.", failed, len(r.fits), strings.Join(reasons, "; "))
	}
	for _, term := range r.Terms {
		run, k, perr := r.pool(term, r.Stage1)
		if perr != nil {
			return fmt.Errorf("pooling the %s term: %w", term, perr)
		}
		if run == nil {
			r.note(Warning, "The %s term was not pooled: %d of %d studies gave an estimate and stage 2 needs at least 2.", term, k, len(r.fits))
			continue
		}
		r.Pooled = append(r.Pooled, IPDPooled{Term: term, Meta: run})
	}
	if len(r.Pooled) > 0 {
		return nil
	}
	// A term no study's model has is a choice of design, not a lack of
	// studies: say why and what to pool instead.
	var absent []string
	for _, term := range r.Terms {
		has := false
		for _, f := range r.fits {
			has = has || (!f.failed() && hasRole(f, term))
		}
		if !has && r.opt.Stage1 != Stage1Panel {
			absent = append(absent, "the "+term+" term"+termWhy(term))
		}
	}
	if len(absent) == len(r.Terms) && len(absent) > 0 {
		return invalid("Terms", "no alliance term could be pooled: no study's model has %s; choose terms the models have", strings.Join(absent, ", nor "))
	}
	return errs.New(errs.TooFew, "ipd", "no alliance term could be pooled: fewer than 2 studies gave an estimate of any of %s", strings.Join(r.Terms, ", "))
}

// fitStudies fits stage 1 in every study, two or more at a time: the
// panel model po with a panel stage 1, else the session model o.
func fitStudies(studies []ipdStudy, o SessionsOptions, po PanelOptions, opt IPDOptions) ([]ipdFit, error) {
	fits := make([]ipdFit, len(studies))
	errsOut := make([]error, len(studies))
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < min(runtime.GOMAXPROCS(0), len(studies)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if opt.Stage1 == Stage1Panel {
					fits[i], errsOut[i] = fitStudyPanel(studies[i], po)
				} else {
					fits[i], errsOut[i] = fitStudy(studies[i], o, opt.Standardize)
				}
				// Stage 2 and the one-stage model need the study's
				// estimates and derived columns only: its input table and
				// its fitted mixed model (design, engine) are let go, so
				// that 50 studies do not hold them all at once.
				studies[i].src.Table, fits[i].study.src.Table = nil, nil
				if fits[i].res != nil {
					fits[i].res.Mixed = nil
				}
			}
		}()
	}
	for i := range studies {
		next <- i
	}
	close(next)
	wg.Wait()
	for _, err := range errsOut {
		if err != nil {
			return nil, err
		}
	}
	return fits, nil
}

func hasRole(f ipdFit, role string) bool {
	for _, e := range f.effects {
		if e.Role == role {
			return true
		}
	}
	return false
}

func (r *IPDRun) note(level NoteLevel, format string, a ...any) {
	r.top = append(r.top, Note{Level: level, Text: fmt.Sprintf(format, a...)})
}

func (r *IPDRun) cite(keys ...string) {
	for _, k := range keys {
		if !slices.Contains(r.cites, k) {
			r.cites = append(r.cites, k)
		}
	}
}

// pooledTerm returns the stage-2 run of a term (nil if not pooled).
func (r *IPDRun) pooledTerm(term string) *MetaRun {
	for _, p := range r.Pooled {
		if p.Term == term {
			return p.Meta
		}
	}
	return nil
}

// Output is the JSON result document.
func (r *IPDRun) Output() any { return r }

// Section is the rendered body.
func (r *IPDRun) Section() *Section { return r.sec }

// Methods is the methods text of what ran.
func (r *IPDRun) Methods() string { return strings.Join(r.methods, " ") }

// Cites lists the citation keys the section and methods use.
func (r *IPDRun) Cites() []string { return r.cites }

// TopNotes are the notes to show first.
func (r *IPDRun) TopNotes() []Note { return r.top }

// Data accounts for the input.
func (r *IPDRun) Data() *DataPart { return r.data }

var _ Part = (*IPDRun)(nil)
