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
	so, err := ipdSessionOptions(opt.Sessions)
	if err != nil {
		return nil, err
	}
	opt.Sessions = so
	if opt.Test == "" {
		opt.Test = "knha"
	}
	var po PanelOptions
	allowed := ipdTerms
	switch opt.Stage1 = strings.ToLower(opt.Stage1); opt.Stage1 {
	case "", Stage1Sessions:
		opt.Stage1 = Stage1Sessions
		if name := opt.Panel.given(); name != "" {
			return nil, invalid("Panel."+name, "the panel model's %s applies to the panel stage 1: choose stage 1 panel, or leave it out", strings.ToLower(name))
		}
	case Stage1Panel:
		if po, err = ipdPanelOptions(opt); err != nil {
			return nil, err
		}
		allowed = ipdPanelTerms
		if len(opt.Terms) == 0 {
			opt.Terms = []string{"crosslag", "reverse"}
		}
	default:
		return nil, invalid("Stage1", "stage 1 %q: give sessions (the session model) or panel (the dynamic panel model)", opt.Stage1)
	}
	for i, t := range opt.Terms {
		opt.Terms[i] = strings.ToLower(strings.TrimSpace(t))
		if !slices.Contains(allowed, opt.Terms[i]) {
			return nil, invalid("Terms", "term %q: give %s", t, strings.Join(allowed, ", "))
		}
	}
	if err = checkModNames(opt.Mods); err != nil {
		return nil, err
	}
	if opt.Robust != "" && opt.Multivariate {
		return nil, invalid("Robust", "cluster-robust inference applies to the univariate stage-2 models, not to the multivariate one: drop one of the two")
	}
	if len(studies) < 2 {
		return nil, errs.New(errs.TooFew, "ipd", "%d study: an IPD meta-analysis needs at least 2", len(studies))
	}
	r := &IPDRun{DataName: src.Label(), Stage1Model: opt.Stage1, Model: so.Model, Standardized: opt.Standardize, Studies: len(studies), src: src, opt: opt, studyCol: studyCol}
	if len(studies) > 0 && studies[0].mods != nil {
		for k := range studies[0].mods {
			if opt.Robust != "" && strings.EqualFold(k, opt.Robust) {
				r.robustCol = k
			}
		}
		for _, m := range opt.Mods {
			for k := range studies[0].mods {
				if strings.EqualFold(k, m) {
					r.modNames = append(r.modNames, k)
				}
			}
		}
		r.Mods = r.modNames
	}
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
	r.Terms = opt.Terms
	if len(r.Terms) == 0 {
		for _, t := range ipdTerms {
			for _, f := range r.fits {
				if !f.failed() && hasRole(f, t) {
					r.Terms = append(r.Terms, t)
					break
				}
			}
		}
	}
	r.Stage1 = stage1Rows(r.fits, r.Terms)
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
			return nil, fmt.Errorf("pooling the %s term: %w", term, perr)
		}
		if run == nil {
			r.note(Warning, "The %s term was not pooled: %d of %d studies gave an estimate and stage 2 needs at least 2.", term, k, len(r.fits))
			continue
		}
		r.Pooled = append(r.Pooled, IPDPooled{Term: term, Meta: run})
	}
	if len(r.Pooled) == 0 {
		// A term no study's model has is a choice of design, not a lack
		// of studies: say why and what to pool instead.
		var absent []string
		for _, term := range r.Terms {
			has := false
			for _, f := range r.fits {
				has = has || (!f.failed() && hasRole(f, term))
			}
			if !has && opt.Stage1 != Stage1Panel {
				absent = append(absent, "the "+term+" term"+termWhy(term))
			}
		}
		if len(absent) == len(r.Terms) && len(absent) > 0 {
			return nil, invalid("Terms", "no alliance term could be pooled: no study's model has %s; choose terms the models have", strings.Join(absent, ", nor "))
		}
		return nil, errs.New(errs.TooFew, "ipd", "no alliance term could be pooled: fewer than 2 studies gave an estimate of any of %s", strings.Join(r.Terms, ", "))
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
