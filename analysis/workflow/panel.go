package workflow

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/alliance-research/alliance/analysis/apa"
	"github.com/alliance-research/alliance/analysis/panel"
	"github.com/alliance-research/alliance/datasets"
)

// PanelOptions are the choices of a dynamic panel model of session data.
type PanelOptions struct {
	// Columns name the session roles (patient, session, alliance,
	// outcome); the alliance is X and the outcome Y.
	Columns datasets.SessionColumns
	// Model is riclpm (default) or clpm.
	Model string
	// Waves are the session numbers used as waves; nil: the sessions
	// observed for at least half the patients (at most 12).
	Waves []int
	// Stationary constrains the four lagged paths to be equal over waves.
	Stationary bool
	// Listwise drops patients with a missing wave (default: FIML).
	Listwise bool
	// Level of the confidence intervals (default 0.95).
	Level float64
}

// PanelRun is a fitted panel model and the part every front end renders.
type PanelRun struct {
	DataName string `json:"data"`
	Model    string `json:"model"`
	Waves    []int  `json:"waves"`
	Patients int    `json:"patients"`
	*panel.Result

	src   Source
	opt   PanelOptions
	sec   *Section
	top   []Note
	roles map[string]string
}

// Panel fits the RI-CLPM (or CLPM) of alliance and outcome over sessions.
func Panel(src Source, opt PanelOptions) (*PanelRun, error) {
	opt.Model = strings.ToLower(opt.Model)
	if opt.Model == "" {
		opt.Model = string(panel.RICLPM)
	}
	if opt.Model != string(panel.RICLPM) && opt.Model != string(panel.CLPM) {
		return nil, invalid("Model", "panel model %q: give riclpm or clpm", opt.Model)
	}
	if err := checkLevel(&opt.Level); err != nil {
		return nil, err
	}
	ss, err := loadSessions(src, opt.Columns, datasets.WideSpec{}, datasets.SessionOptions{RequireOutcome: true, RequireAlliance: true})
	if err != nil {
		return nil, err
	}
	patient := ss.Patient.Strings()
	waves := opt.Waves
	r := &PanelRun{DataName: src.Label(), Model: opt.Model, src: src, opt: opt}
	if waves == nil {
		waves = panel.DefaultWaves(patient, ss.Session, ss.Alliance, ss.Outcome, 12)
		r.top = append(r.top, Note{Level: Info, Text: fmt.Sprintf("Waves: sessions %s, those observed for at least half of the patients (choose others explicitly).", joinInts(waves))})
	}
	min := 3
	if opt.Model == string(panel.CLPM) {
		min = 2
	}
	if len(waves) < min {
		return nil, inputErr(datasets.Problem{File: ss.Name, Msg: fmt.Sprintf("the %s needs at least %d waves; the data give %d (sessions %s); choose the waves, or use the lagged multilevel model", strings.ToUpper(opt.Model), min, len(waves), joinInts(waves))})
	}
	rows, _, err := panel.Wide(patient, ss.Session, ss.Alliance, ss.Outcome, waves)
	if err != nil {
		return nil, err
	}
	spec := panel.Spec{Kind: panel.Kind(opt.Model), Waves: len(waves), X: "x", Y: "y", Stationary: opt.Stationary}
	res, err := panel.Fit(rows, spec, panel.Options{Listwise: opt.Listwise, Level: opt.Level})
	if res == nil {
		return nil, err
	}
	r.Result, r.Waves, r.Patients = res, waves, len(rows)
	r.roles = map[string]string{"patient": ss.Columns.Patient, "session": ss.Columns.Session, "x (alliance)": ss.Columns.Alliance, "y (outcome)": ss.Columns.Outcome}
	// Lagged rows name the columns and the waves the sessions.
	for i := range r.Lagged {
		l := &r.Lagged[i]
		l.From = map[string]string{"x": ss.Columns.Alliance, "y": ss.Columns.Outcome}[l.From]
		l.To = map[string]string{"x": ss.Columns.Alliance, "y": ss.Columns.Outcome}[l.To]
		if l.Wave != nil {
			w := waves[*l.Wave-1]
			l.Wave = &w
		}
	}
	if res.Dropped > 0 {
		r.top = append(r.top, Note{Level: Warning, Text: fmt.Sprintf("%d patients had no observed wave and were left out", res.Dropped)})
	}
	r.compose()
	return r, err
}

func joinInts(v []int) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = fmt.Sprint(x)
	}
	return strings.Join(s, ", ")
}

func (r *PanelRun) compose() {
	f := r.Fit
	name := map[string]string{"riclpm": "Random-intercept cross-lagged panel model", "clpm": "Cross-lagged panel model"}[r.Model]
	if r.opt.Stationary {
		name += " (stationary lagged paths)"
	}
	s := &Section{ID: "panel", Title: name}
	r.sec = s
	miss := "full-information maximum likelihood over the missing sessions"
	if r.opt.Listwise {
		miss = "complete cases (listwise)"
	}
	s.P(Plain, fmt.Sprintf("%s (x) and %s (y) over sessions %s — %s: %d patients, %d missing-data patterns, %s.",
		capitalise(r.roles["x (alliance)"]), r.roles["y (outcome)"], joinInts(r.Waves), r.src.Label(), r.Patients, r.Patterns, miss))
	s.P(Result, fmt.Sprintf("χ²(%d) = %s, %s; CFI = %s, TLI = %s, RMSEA = %s, 90%% CI [%s, %s], SRMR = %s; logLik = %s, AIC = %s, BIC = %s.",
		f.DF, num(f.Chisq, 2), apa.P(f.PValue), num(f.CFI, 3), num(f.TLI, 3), num(f.RMSEA, 3), num(f.RMSEALB, 3), num(f.RMSEAUB, 3), num(f.SRMR, 3), num(f.LogLik, 2), num(f.AIC, 2), num(f.BIC, 2)))
	t := &Table{Name: "lagged", Title: "Lagged effects", Columns: []string{"From", "To", "Session", "b", "SE", "p", apa.Level(r.opt.Level) + " CI", "β"},
		Right: []bool{false, false, true, true, true, true, false, true}}
	for _, l := range r.Lagged {
		w := "all"
		if l.Wave != nil {
			w = fmt.Sprint(*l.Wave)
		}
		t.Rows = append(t.Rows, []string{l.From, l.To, w, num(l.Estimate, 3), num(l.SE, 3), pcell(l.P), interval(l.CILB, l.CIUB, 3, false), num(l.StdAll, 3)})
	}
	if r.Model == "riclpm" {
		t.Notes = append(t.Notes, "Within-person effects: paths between the deviations of each session's scores from the patient's own stable level (the random intercepts). β is the completely standardized estimate (lavaan's std.all).")
	} else {
		t.Notes = append(t.Notes, "The CLPM mixes within- and between-patient variation (no random intercepts); compare the RI-CLPM. β is the completely standardized estimate.")
	}
	s.Add(t)
	s.Add(r.laggedFigure())
	if cross := r.crossLag(); cross != nil {
		s.P(Reading, fmt.Sprintf("A patient whose %s is 1 point above their own usual level at a session reports %s %s points %s at the next (b = %s, %s).",
			r.roles["x (alliance)"], r.roles["y (outcome)"], num(math.Abs(cross.Estimate), 2), map[bool]string{true: "higher", false: "lower"}[cross.Estimate >= 0], num(cross.Estimate, 3), apa.P(cross.P)))
	}
	pt := &Table{Name: "parameters", Title: "All parameters", Columns: []string{"lhs", "op", "rhs", "Estimate", "SE", "z", "p", "β"}, Right: []bool{false, false, false, true, true, true, true, true}}
	for _, p := range r.Parameters {
		if !p.Free {
			continue
		}
		se, z, pv := "", "", ""
		if p.SE != nil {
			se, z, pv = num(*p.SE, 4), num(*p.Z, 2), pcell(*p.P)
		}
		pt.Rows = append(pt.Rows, []string{p.LHS, p.Op, p.RHS, num(p.Estimate, 4), se, z, pv, num(p.StdAll, 3)})
	}
	s.Add(pt)
	if !r.Converged {
		r.top = append(r.top, Note{Level: Warning, Text: "the optimiser did not converge: the estimates are where it stopped"})
	}
}

// laggedFigure draws the lagged effects with their intervals.
func (r *PanelRun) laggedFigure() *Figure {
	x, y := r.roles["x (alliance)"], r.roles["y (outcome)"]
	f := &Figure{Name: "panel-lagged", Spec: PanelLaggedSpec{Lagged: r.Lagged, XName: x, YName: y, Level: r.opt.Level}}
	if r.opt.Stationary {
		f.Title = "Lagged effects of the panel model"
		f.Caption = fmt.Sprintf("Each lagged path with its %s confidence interval; the paths are constrained equal over sessions. The dashed line is 0.", apa.Level(r.opt.Level))
	} else {
		f.Title = "Lagged effects of the panel model by session"
		f.Caption = fmt.Sprintf("Top: the autoregressive paths (%s → %s, %s → %s); bottom: the cross-lagged paths (%s → %s, %s → %s), each at the later session of its lag with its %s confidence interval. The dashed line is 0.",
			x, x, y, y, x, y, y, x, apa.Level(r.opt.Level))
	}
	return f
}

// crossLag is the alliance → outcome path of a stationary model, or of the
// last wave.
func (r *PanelRun) crossLag() *panel.LaggedEffect {
	var out *panel.LaggedEffect
	for i := range r.Lagged {
		l := &r.Lagged[i]
		if l.From == r.roles["x (alliance)"] && l.To == r.roles["y (outcome)"] {
			out = l
		}
	}
	if out != nil && out.Wave != nil && !r.opt.Stationary {
		return nil
	}
	return out
}

// Output is the JSON result document.
func (r *PanelRun) Output() any { return r }

// Section is the rendered body.
func (r *PanelRun) Section() *Section { return r.sec }

// Methods is the methods text.
func (r *PanelRun) Methods() string {
	if r.Model == "riclpm" {
		return "Within-person lagged effects of the alliance on the outcome (and back) were estimated with a random-intercept cross-lagged panel model (Hamaker, Kuiper & Grasman, 2015; Mulder & Hamaker, 2021) by full-information maximum likelihood, which avoids the dynamic panel bias of lagged multilevel models with person-mean centring (Falkenström et al., 2017)."
	}
	return "A cross-lagged panel model was fitted by full-information maximum likelihood for comparison with the random-intercept model (Hamaker, Kuiper & Grasman, 2015)."
}

// Cites lists the citation keys used.
func (r *PanelRun) Cites() []string {
	if r.Model == "riclpm" {
		return []string{"hamaker2015", "mulder2021", "falkenstrom2017", "rosseel2012"}
	}
	return []string{"hamaker2015", "rosseel2012"}
}

// Packages names the R package whose results this part reproduces.
func (r *PanelRun) Packages() []string { return []string{"lavaan"} }

// TopNotes are the notes to show first.
func (r *PanelRun) TopNotes() []Note { return r.top }

// Steps reproduce the model: the command line and lavaan code.
func (r *PanelRun) Steps() []Step {
	cmd := []string{"alliance", "panel"}
	if r.src.Embedded {
		cmd = append(cmd, "--dataset", r.src.Name)
	} else {
		cmd = append(cmd, shellQuote(r.src.Name))
	}
	cmd = append(cmd, "--model", r.Model, "--waves", strings.ReplaceAll(joinInts(r.Waves), " ", ""))
	if r.opt.Stationary {
		cmd = append(cmd, "--stationary")
	}
	if r.opt.Level != 0.95 {
		cmd = append(cmd, "--level", strconv.FormatFloat(100*r.opt.Level, 'g', -1, 64))
	}
	T := len(r.Waves)
	var b strings.Builder
	fmt.Fprintf(&b, "library(lavaan)\nlong <- %s\nlong <- long[long$%s %%in%% c(%s), ]\n", r.src.RRead(), rName(r.roles["session"]), joinInts(r.Waves))
	fmt.Fprintf(&b, "w <- reshape(long[, c(%q, %q, %q, %q)], idvar = %q, timevar = %q, direction = \"wide\")\n",
		r.roles["patient"], r.roles["session"], r.roles["x (alliance)"], r.roles["y (outcome)"], r.roles["patient"], r.roles["session"])
	b.WriteString("dat <- data.frame(")
	for t, w := range r.Waves {
		fmt.Fprintf(&b, "x%d = w[[\"%s.%d\"]], ", t+1, r.roles["x (alliance)"], w)
	}
	for t, w := range r.Waves {
		sep := ", "
		if t == T-1 {
			sep = ")\n"
		}
		fmt.Fprintf(&b, "y%d = w[[\"%s.%d\"]]%s", t+1, r.roles["y (outcome)"], w, sep)
	}
	fmt.Fprintf(&b, "model <- '\n%s'\nfit <- lavaan(model, data = dat, missing = %q, meanstructure = TRUE, int.ov.free = TRUE)\nsummary(fit, fit.measures = TRUE, standardized = TRUE)\n",
		lavaanSyntax(r.Model, T, r.opt.Stationary), map[bool]string{true: "listwise", false: "ML"}[r.opt.Listwise])
	return []Step{{Purpose: "the panel model", Command: strings.Join(cmd, " "), RCode: b.String()}}
}

// lavaanSyntax is the model in Mulder & Hamaker's (2021) lavaan syntax.
func lavaanSyntax(model string, T int, stationary bool) string {
	var b strings.Builder
	lab := func(l string) string {
		if stationary {
			return l + "*"
		}
		return ""
	}
	w := "w"
	if model == "clpm" {
		w = ""
	}
	if model == "riclpm" {
		var xs, ys []string
		for t := 1; t <= T; t++ {
			xs, ys = append(xs, fmt.Sprintf("1*x%d", t)), append(ys, fmt.Sprintf("1*y%d", t))
		}
		fmt.Fprintf(&b, "RIx =~ %s\nRIy =~ %s\n", strings.Join(xs, " + "), strings.Join(ys, " + "))
		for t := 1; t <= T; t++ {
			fmt.Fprintf(&b, "wx%d =~ 1*x%d\nwy%d =~ 1*y%d\n", t, t, t, t)
		}
	}
	for t := 2; t <= T; t++ {
		fmt.Fprintf(&b, "%sx%d ~ %s%sx%d + %s%sy%d\n", w, t, lab("ax"), w, t-1, lab("bxy"), w, t-1)
		fmt.Fprintf(&b, "%sy%d ~ %s%sy%d + %s%sx%d\n", w, t, lab("ay"), w, t-1, lab("byx"), w, t-1)
	}
	for t := 1; t <= T; t++ {
		fmt.Fprintf(&b, "%sx%d ~~ %sy%d\n%sx%d ~~ %sx%d\n%sy%d ~~ %sy%d\n", w, t, w, t, w, t, w, t, w, t, w, t)
	}
	if model == "riclpm" {
		b.WriteString("RIx ~~ RIx\nRIy ~~ RIy\nRIx ~~ RIy\n")
		for t := 1; t <= T; t++ {
			fmt.Fprintf(&b, "x%d ~~ 0*x%d\ny%d ~~ 0*y%d\n", t, t, t, t)
		}
	}
	return b.String()
}

// Data accounts for the table.
func (r *PanelRun) Data() *DataPart {
	return &DataPart{Kind: "session", Source: r.src, Roles: r.roles, Counts: map[string]int{"patients": r.Patients, "waves": len(r.Waves)}}
}

var _ Part = (*PanelRun)(nil)
