package workflow

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/alliance-research/alliance/analysis/panel"
	"github.com/alliance-research/alliance/datasets"
)

// The stage-1 models of an IPD meta-analysis (IPDOptions.Stage1).
const (
	// Stage1Sessions is the session model of 'alliance sessions'.
	Stage1Sessions = "sessions"
	// Stage1Panel is the dynamic panel model of 'alliance panel' (the
	// stationary RI-CLPM by default), whose lagged paths are pooled.
	Stage1Panel = "panel"
)

// ipdPanelTerms are the lagged paths of a stage-1 panel model that can be
// pooled, in display order: the cross-lagged effect of the alliance on the
// next session's outcome, the reverse cross-lagged effect, and the two
// autoregressive paths.
var ipdPanelTerms = []string{"crosslag", "reverse", "ar_alliance", "ar_outcome"}

// ipdPanelTitle names a panel term in headings and sentences.
func ipdPanelTitle(term string) string {
	switch term {
	case "crosslag":
		return "cross-lagged (alliance → next session's outcome)"
	case "reverse":
		return "reverse cross-lagged (outcome → next session's alliance)"
	case "ar_alliance":
		return "autoregressive alliance"
	case "ar_outcome":
		return "autoregressive outcome"
	}
	return term
}

// given names the first of the options an IPD analysis passes to its
// panel stage 1 that is set (Model, Estimator, Waves, Constrain), or "":
// with the session-model stage 1 they would be ignored, so they are
// refused.
func (p PanelOptions) given() string {
	switch {
	case p.Model != "":
		return "Model"
	case p.Estimator != "":
		return "Estimator"
	case p.Waves != nil:
		return "Waves"
	case len(p.Constrain) > 0:
		return "Constrain"
	}
	return ""
}

// ipdPanelOptions completes the stage-1 panel options: the session
// columns and confidence level of the IPD options, the RI-CLPM by
// default, and, for the RI-CLPM and the CLPM, stationary lagged paths (the
// DPM's are constant over waves by construction), so that each study gives
// one estimate of each path to pool.
func ipdPanelOptions(o IPDOptions) (PanelOptions, error) {
	p := o.Panel
	p.Columns = o.Sessions.Columns
	p.Level = o.Sessions.Level
	p.Model = strings.ToLower(p.Model)
	switch p.Model {
	case "":
		p.Model = string(panel.RICLPM)
	case string(panel.RICLPM), string(panel.CLPM), string(panel.DPM):
	default:
		return p, invalid("Panel.Model", "panel model %q: give riclpm, clpm or dpm", o.Panel.Model)
	}
	p.Stationary = p.Model != string(panel.DPM)
	if _, err := panelConstraints(p.Constrain); err != nil {
		return p, err
	}
	if o.Multivariate {
		return p, invalid("Multivariate", "the multivariate pooling is of the session model's within and between terms; with the panel stage 1 the lagged paths are pooled one at a time")
	}
	if o.Standardize {
		return p, invalid("Standardize", "standardising within study applies to the session model; the panel model's standardized paths are its std.all column")
	}
	return p, nil
}

// ipdPanelWaves are the waves of every study's panel model when none are
// given: the sessions observed for at least half of all patients of all
// studies (at most 12), so that the studies' models are the same model.
// A study's rows that are not valid session data are an input error.
func ipdPanelWaves(studies []ipdStudy, po PanelOptions) ([]int, error) {
	var patient []string
	var session []int
	var alliance, outcome []float64
	for _, st := range studies {
		ss, err := loadSessions(st.src, po.Columns, datasets.WideSpec{}, datasets.SessionOptions{RequireOutcome: true, RequireAlliance: true})
		if err != nil {
			return nil, err
		}
		for _, p := range ss.Patient.Strings() {
			patient = append(patient, st.name+"/"+p)
		}
		session = append(session, ss.Session...)
		alliance, outcome = append(alliance, ss.Alliance...), append(outcome, ss.Outcome...)
	}
	return panel.DefaultWaves(patient, session, alliance, outcome, 12), nil
}

// fitStudyPanel fits the stage-1 panel model in one study. Bad session
// data are an input error (a problem of the file); a model that cannot be
// fitted in the study (too few waves observed, no convergence) is the
// study's failure, reported in its stage-1 rows.
func fitStudyPanel(st ipdStudy, po PanelOptions) (ipdFit, error) {
	f := ipdFit{study: st, rows: st.src.Rows}
	ss, err := loadSessions(st.src, po.Columns, datasets.WideSpec{}, datasets.SessionOptions{RequireOutcome: true, RequireAlliance: true})
	if err != nil {
		return f, err
	}
	pr, err := Panel(st.src, po)
	var in *datasets.InputError
	if pr != nil && err != nil {
		f.reason = err.Error()
	}
	if pr == nil {
		if errors.As(err, &in) && len(in.Problems) > 0 {
			err = errors.New(strings.TrimPrefix(in.Problems[0].Msg, "the "))
		}
		f.err = err
		return f, nil
	}
	f.panel = pr
	f.patients, f.converged = pr.Patients, pr.Converged
	if !pr.Converged && f.reason == "" {
		f.reason = "the SEM optimiser stopped early"
	}
	for i := range ss.Session {
		if slices.Contains(pr.Waves, ss.Session[i]) {
			f.nobs++
		}
	}
	a, y := ss.Columns.Alliance, ss.Columns.Outcome
	for _, l := range pr.Lagged {
		if l.Wave != nil {
			continue
		}
		term := ""
		switch {
		case l.From == a && l.To == y:
			term = "crosslag"
		case l.From == y && l.To == a:
			term = "reverse"
		case l.From == a && l.To == a:
			term = "ar_alliance"
		case l.From == y && l.To == y:
			term = "ar_outcome"
		}
		f.effects = append(f.effects, ipdEffect{Role: term, Name: fmt.Sprintf("%s(t−1) → %s(t)", l.From, l.To), Estimate: l.Estimate, SE: l.SE, DF: math.NaN()})
	}
	return f, nil
}

// panelStage1Text is the stage-1 sentence of a panel stage 1.
func (r *IPDRun) panelStage1Text() string {
	what := "stationary random-intercept cross-lagged panel model (RI-CLPM; lagged paths equal over waves)"
	switch r.panelOpt.Model {
	case string(panel.CLPM):
		what = "stationary cross-lagged panel model (CLPM; lagged paths equal over waves)"
	case string(panel.DPM):
		what = "ML-SEM dynamic panel model"
	}
	return fmt.Sprintf("the %s of 'alliance panel', by FIML, over sessions %s", what, joinInts(r.Waves))
}

// panelFlags are the command-line flags of a panel stage 1 and stage 2.
func (r *IPDRun) panelFlags(c *command) {
	o := r.opt
	c.flag("stage1", Stage1Panel)
	c.flag("panel-model", r.Model)
	c.flag("waves", strings.ReplaceAll(joinInts(r.Waves), " ", ""))
	if r.panelOpt.Estimator == "MLR" {
		c.flag("estimator", "MLR")
	}
	if len(r.panelOpt.Constrain) > 0 {
		c.flag("constrain", strings.Join(r.panelOpt.Constrain, ","))
	}
	terms := o.Terms
	if slices.Equal(terms, []string{"crosslag", "reverse"}) {
		terms = nil // the default
	}
	r.stage2Flags(c, terms)
	if o.NoOneStage {
		c.flag("no-one-stage", "")
	}
}

// panelLabels are the lavaan labels of the pooled paths in the stationary
// syntax (lavaanSyntax: y on lagged x is byx) and in the DPM's (en1 the
// cross-lagged, p1 the autoregressive path of its dependent variable).
func (r *IPDRun) panelLabels() map[string]string {
	if r.Model == string(panel.DPM) {
		if r.panelOpt.DPMOutcome == "x" {
			return map[string]string{"reverse": "en1", "ar_alliance": "p1"}
		}
		return map[string]string{"crosslag": "en1", "ar_outcome": "p1"}
	}
	return map[string]string{"crosslag": "byx", "reverse": "bxy", "ar_alliance": "ax", "ar_outcome": "ay"}
}

// panelRCode is R code (lavaan, metafor) for a panel stage 1: the same
// wide reshaping and lavaan model as 'alliance panel' prints, in every
// study, then rma on the labelled paths.
func (r *IPDRun) panelRCode() string {
	o := r.opt
	c := o.Sessions.Columns
	role := func(name, def string) string {
		if name != "" {
			return name
		}
		return def
	}
	pc, sc := role(c.Patient, "patient"), role(c.Session, "session")
	ac, oc := role(c.Alliance, "alliance"), role(c.Outcome, "outcome")
	var b strings.Builder
	b.WriteString("library(lavaan); library(metafor)\n")
	r.rReadStudies(&b)
	T := len(r.Waves)
	fmt.Fprintf(&b, "waves <- c(%s)\nmodel <- '\n%s'\n", joinInts(r.Waves), lavaanSyntax(r.Model, T, r.panelOpt.Stationary, r.panelOpt.DPMOutcome, r.panelOpt.Constrain))
	labels := r.panelLabels()
	var lab []string
	for _, t := range r.Terms {
		lab = append(lab, fmt.Sprintf("%s = %q", t, labels[t]))
	}
	fmt.Fprintf(&b, "labels <- c(%s)\n", strings.Join(lab, ", "))
	fmt.Fprintf(&b, "stage1 <- do.call(rbind, lapply(split(d, d$study), function(ds) {\n  long <- ds[ds[[%q]] %%in%% waves, ]\n", sc)
	fmt.Fprintf(&b, "  w <- reshape(long[, c(%q, %q, %q, %q)], idvar = %q, timevar = %q, direction = \"wide\")\n", pc, sc, ac, oc, pc, sc)
	fmt.Fprintf(&b, "  dat <- data.frame(setNames(lapply(waves, function(s) w[[paste0(%q, \".\", s)]]), paste0(\"x\", seq_along(waves))),\n", ac)
	fmt.Fprintf(&b, "                    setNames(lapply(waves, function(s) w[[paste0(%q, \".\", s)]]), paste0(\"y\", seq_along(waves))))\n", oc)
	extra := ""
	if r.panelOpt.Estimator == "MLR" {
		extra = `, estimator = "MLR"`
	}
	fmt.Fprintf(&b, "  fit <- lavaan(model, data = dat, missing = \"ML\", meanstructure = TRUE, int.ov.free = TRUE%s)\n", extra)
	b.WriteString("  pe <- parameterEstimates(fit); pe <- pe[match(labels, pe$label), ]\n")
	b.WriteString("  data.frame(study = ds$study[1], term = names(labels), yi = pe$est, sei = pe$se)\n}))\nstage1\n")
	r.rStage2(&b, "labels")
	return b.String()
}
