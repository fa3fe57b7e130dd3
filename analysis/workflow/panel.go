package workflow

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/alliance-research/alliance/analysis/apa"
	"github.com/alliance-research/alliance/analysis/panel"
	"github.com/alliance-research/alliance/analysis/sem"
	"github.com/alliance-research/alliance/datasets"
)

// PanelOptions are the choices of a dynamic panel model of session data.
type PanelOptions struct {
	// Columns name the session roles (patient, session, alliance,
	// outcome); the alliance is X and the outcome Y.
	Columns datasets.SessionColumns
	// Model is riclpm (default), clpm or dpm (the ML-SEM dynamic panel
	// model of Allison, Williams & Moral-Benito 2017).
	Model string
	// DPMOutcome is the dependent variable of the DPM: "y" (default: the
	// outcome on its previous session and the previous alliance) or "x"
	// (the alliance on its previous session and the previous outcome).
	// Fit the model twice for both directions.
	DPMOutcome string
	// Waves are the session numbers used as waves; nil: the sessions
	// observed for at least half the patients (at most 12).
	Waves []int
	// Stationary constrains the four lagged paths to be equal over waves.
	Stationary bool
	// Constrain lists further equalities over waves (Mulder & Hamaker's
	// lavaan labels): "cov", the within-wave residual covariances of x and
	// y at waves 2..T (cov); "resid", the residual variances of x and of y
	// at waves 2..T (vx, vy); "means", the wave means of x and of y (mx,
	// my, all waves). The wave-1 (co)variances are of the exogenous
	// components and stay free. The DPM takes only "resid" (the outcome's
	// error variances). See panel.Constraints.
	Constrain []string
	// Listwise drops patients with a missing wave (default: FIML).
	Listwise bool
	// Level of the confidence intervals (default 0.95).
	Level float64
	// Information is observed (default: lavaan's default for ML with
	// missing = "ML") or expected: the information matrix of the SEs.
	Information string
	// Estimator is ML (default) or MLR (robust Huber–White SEs and the
	// Yuan–Bentler scaled χ², lavaan's estimator = "MLR").
	Estimator string
}

// PanelRun is a fitted panel model and the part every front end renders.
type PanelRun struct {
	DataName string `json:"data"`
	Model    string `json:"model"`
	Waves    []int  `json:"waves"`
	Patients int    `json:"patients"`
	// DPMOutcome is the DPM's dependent variable (its column name).
	DPMOutcome string `json:"dpm_outcome,omitempty"`
	// Constraints are the equalities imposed over waves: "stationary"
	// (the four lagged paths) and those of PanelOptions.Constrain.
	Constraints []string `json:"constraints"`
	*panel.Result

	src   Source
	opt   PanelOptions
	sec   *Section
	top   []Note
	roles map[string]string
}

// panelMaxWaves is the most waves taken when none are given.
const panelMaxWaves = 12

// withDefaults checks the options, fills in the defaults and parses the
// constraints.
func (opt PanelOptions) withDefaults() (PanelOptions, panel.Constraints, error) {
	opt.Model = strings.ToLower(opt.Model)
	if opt.Model == "" {
		opt.Model = string(panel.RICLPM)
	}
	if opt.Model != string(panel.RICLPM) && opt.Model != string(panel.CLPM) && opt.Model != string(panel.DPM) {
		return opt, panel.Constraints{}, invalid("Model", "panel model %q: give riclpm, clpm or dpm", opt.Model)
	}
	switch opt.DPMOutcome = strings.ToLower(opt.DPMOutcome); opt.DPMOutcome {
	case "", "y", "x":
	default:
		return opt, panel.Constraints{}, invalid("DPMOutcome", "DPM outcome %q: give y (the outcome) or x (the alliance)", opt.DPMOutcome)
	}
	if opt.DPMOutcome != "" && opt.Model != string(panel.DPM) {
		return opt, panel.Constraints{}, invalid("DPMOutcome", "the DPM outcome applies to the dpm model only, not %s", opt.Model)
	}
	if opt.Model == string(panel.DPM) && opt.Stationary {
		return opt, panel.Constraints{}, invalid("Stationary", "the DPM's lagged paths are constant over waves already; stationary applies to riclpm and clpm")
	}
	cons, err := panelConstraints(opt.Constrain)
	if err != nil {
		return opt, cons, err
	}
	if opt.Model == string(panel.DPM) && (cons.Cov || cons.Means) {
		return opt, cons, invalid("Constrain", "the DPM takes only the resid constraint (equal error variances of the outcome); cov and means apply to riclpm and clpm")
	}
	opt.Constrain = cons.Names()
	switch opt.Information = strings.ToLower(opt.Information); opt.Information {
	case "":
		opt.Information = sem.Observed
	case sem.Observed, sem.Expected:
	default:
		return opt, panel.Constraints{}, invalid("Information", "information %q: give observed or expected", opt.Information)
	}
	switch opt.Estimator = strings.ToUpper(opt.Estimator); opt.Estimator {
	case "":
		opt.Estimator = sem.ML
	case sem.ML, sem.MLR:
	default:
		return opt, panel.Constraints{}, invalid("Estimator", "estimator %q: give ML or MLR", opt.Estimator)
	}
	if err = checkLevel(&opt.Level); err != nil {
		return opt, cons, err
	}
	return opt, cons, nil
}

// Panel fits the RI-CLPM (or CLPM) of alliance and outcome over sessions.
func Panel(src Source, opt PanelOptions) (*PanelRun, error) {
	opt, cons, err := opt.withDefaults()
	if err != nil {
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
		waves = panel.DefaultWaves(patient, ss.Session, ss.Alliance, ss.Outcome, panelMaxWaves)
		r.top = append(r.top, Note{Level: Info, Text: fmt.Sprintf("Waves: sessions %s, those observed for at least half of the patients (choose others explicitly).", joinInts(waves))})
	}
	if err = r.checkWaves(ss.Name, waves); err != nil {
		return nil, err
	}
	rows, _, err := panel.Wide(patient, ss.Session, ss.Alliance, ss.Outcome, waves)
	if err != nil {
		return nil, err
	}
	return r.fit(rows, waves, cons, ss.Columns)
}

// checkWaves refuses too few waves for the model (name: the file).
func (r *PanelRun) checkWaves(name string, waves []int) error {
	min := 3
	if r.opt.Model == string(panel.CLPM) {
		min = 2
	}
	if len(waves) < min {
		return inputErr(datasets.Problem{File: name, Msg: fmt.Sprintf("the %s needs at least %d waves; the data give %d (sessions %s); choose the waves, or use the lagged multilevel model", strings.ToUpper(r.opt.Model), min, len(waves), joinInts(waves))})
	}
	return nil
}

// fit fits the model to the wide rows (panel.Wide) of the waves; cols are
// the session columns found.
func (r *PanelRun) fit(rows [][]float64, waves []int, cons panel.Constraints, cols datasets.SessionColumns) (*PanelRun, error) {
	opt := r.opt
	spec := panel.Spec{Kind: panel.Kind(opt.Model), Waves: len(waves), X: "x", Y: "y", Stationary: opt.Stationary, Outcome: opt.DPMOutcome, Constrain: cons}
	res, err := panel.Fit(rows, spec, panel.Options{Listwise: opt.Listwise, Level: opt.Level, Information: opt.Information, Estimator: opt.Estimator})
	if res == nil {
		return nil, err
	}
	r.Result, r.Waves, r.Patients = res, waves, len(rows)
	r.Constraints = []string{}
	if opt.Stationary {
		r.Constraints = append(r.Constraints, "stationary")
	}
	r.Constraints = append(r.Constraints, opt.Constrain...)
	r.roles = map[string]string{"patient": cols.Patient, "session": cols.Session, "x (alliance)": cols.Alliance, "y (outcome)": cols.Outcome}
	// Lagged and long-run rows name the columns and the waves the sessions.
	col := map[string]string{"x": cols.Alliance, "y": cols.Outcome}
	for i := range r.Lagged {
		l := &r.Lagged[i]
		l.From, l.To = col[l.From], col[l.To]
		if l.Wave != nil {
			w := waves[*l.Wave-1]
			l.Wave = &w
		}
	}
	for i := range r.LongRun {
		l := &r.LongRun[i]
		l.From, l.To = col[l.From], col[l.To]
	}
	if opt.Model == string(panel.DPM) {
		o := opt.DPMOutcome
		if o == "" {
			o = "y"
		}
		r.DPMOutcome = col[o]
	}
	if res.Dropped > 0 && opt.Listwise {
		r.top = append(r.top, Note{Level: Warning, Text: fmt.Sprintf("%d patients with a missing wave were left out (complete cases only).", res.Dropped)})
	} else if res.Dropped > 0 {
		r.top = append(r.top, Note{Level: Warning, Text: fmt.Sprintf("%d patients had no observed wave and were left out.", res.Dropped)})
	}
	if res.LongRunErr != nil {
		r.top = append(r.top, Note{Level: Warning, Text: "No long-run effects: " + strings.TrimPrefix(res.LongRunErr.Error(), "panel: ") + "."})
	}
	r.compose()
	return r, err
}

// PanelConstraintNames are the valid tokens of PanelOptions.Constrain.
var PanelConstraintNames = []string{"cov", "resid", "means"}

// panelConstraints parses the constraint tokens (case-insensitive,
// repeats allowed); an unknown one is an error listing the valid ones.
func panelConstraints(tokens []string) (panel.Constraints, error) {
	var c panel.Constraints
	for _, tok := range tokens {
		switch strings.ToLower(strings.TrimSpace(tok)) {
		case "cov":
			c.Cov = true
		case "resid":
			c.Resid = true
		case "means":
			c.Means = true
		case "":
		default:
			return c, invalid("Constrain", "constraint %q: give any of %s (comma-separated)", tok, strings.Join(PanelConstraintNames, ", "))
		}
	}
	return c, nil
}

// constraintText says in words which equalities were imposed, "" for
// none.
func (r *PanelRun) constraintText() string {
	var parts []string
	w := "within-person residual"
	if r.Model == "clpm" {
		w = "residual"
	}
	for _, c := range r.Constraints {
		switch c {
		case "stationary":
			parts = append(parts, "the four lagged paths over waves")
		case "cov":
			parts = append(parts, fmt.Sprintf("the within-wave %s covariances of x and y over waves 2–%d (label cov)", w, len(r.Waves)))
		case "resid":
			if r.Model == "dpm" {
				parts = append(parts, fmt.Sprintf("the outcome's error variances over waves 2–%d", len(r.Waves)))
			} else {
				parts = append(parts, fmt.Sprintf("the %s variances of x and of y, each over waves 2–%d (labels vx, vy)", w, len(r.Waves)))
			}
		case "means":
			parts = append(parts, fmt.Sprintf("the means of x and of y, each over waves 1–%d (labels mx, my)", len(r.Waves)))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return "Constrained equal: " + strings.Join(parts, "; ") + "."
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
	name := map[string]string{"riclpm": "Random-intercept cross-lagged panel model", "clpm": "Cross-lagged panel model", "dpm": "Dynamic panel model with fixed effects (ML-SEM)"}[r.Model]
	if r.opt.Stationary {
		name += " (stationary lagged paths)"
	}
	s := &Section{ID: "panel", Title: name}
	r.sec = s
	miss := "full-information maximum likelihood over the missing sessions"
	if r.opt.Listwise {
		miss = "complete cases (listwise)"
	}
	patterns := fmt.Sprintf("%d missing-data patterns", r.Patterns)
	if r.Patterns == 1 {
		patterns = "1 missing-data pattern"
	}
	s.P(Plain, fmt.Sprintf("%s (x) and %s (y) over sessions %s — %s: %d patients, %s, %s; %s.",
		capitalise(r.roles["x (alliance)"]), r.roles["y (outcome)"], joinInts(r.Waves), r.src.Label(), r.Fit.N, patterns, miss, r.seText()))
	if ct := r.constraintText(); ct != "" {
		s.P(Plain, ct)
	}
	s.P(Result, fmt.Sprintf("χ²(%d) = %s, %s; CFI = %s, TLI = %s, RMSEA = %s, 90%% CI [%s, %s], SRMR = %s; logLik = %s, AIC = %s, BIC = %s.",
		f.DF, num(f.Chisq, 2), apa.P(f.PValue), num(f.CFI, 3), num(f.TLI, 3), num(f.RMSEA, 3), num(f.RMSEALB, 3), num(f.RMSEAUB, 3), num(f.SRMR, 3), num(f.LogLik, 2), num(f.AIC, 2), num(f.BIC, 2)))
	if sc := f.Scaled; sc != nil {
		s.P(Result, fmt.Sprintf("Yuan–Bentler scaled χ²(%d) = %s, %s (scaling factor %s); scaled CFI = %s, TLI = %s, RMSEA = %s, 90%% CI [%s, %s].",
			f.DF, num(sc.ChisqScaled, 2), apa.P(sc.PValueScaled), num(sc.ScalingFactor, 3), num(sc.CFIScaled, 3), num(sc.TLIScaled, 3), num(sc.RMSEAScaled, 3), num(sc.RMSEALBScaled, 3), num(sc.RMSEAUBScaled, 3)))
		if !math.IsNaN(sc.CFIRobust) {
			kind := "Robust (FIML-corrected)"
			if r.opt.Listwise {
				kind = "Robust"
			}
			s.P(Result, fmt.Sprintf("%s CFI = %s, TLI = %s, RMSEA = %s, 90%% CI [%s, %s].", kind,
				num(sc.CFIRobust, 3), num(sc.TLIRobust, 3), num(sc.RMSEARobust, 3), num(sc.RMSEALBRobust, 3), num(sc.RMSEAUBRobust, 3)))
		}
	}
	t := &Table{Name: "lagged", Title: "Lagged effects", Columns: []string{"From", "To", "Session", "b", "SE", "p", apa.Level(r.opt.Level) + " CI", "β"},
		Right: []bool{false, false, true, true, true, true, false, true}}
	for _, l := range r.Lagged {
		w := "all"
		if l.Wave != nil {
			w = fmt.Sprint(*l.Wave)
		}
		t.Rows = append(t.Rows, []string{l.From, l.To, w, num(l.Estimate, 3), num(l.SE, 3), pcell(l.P), interval(l.CILB, l.CIUB, 3, false), num(l.StdAll, 3)})
	}
	switch r.Model {
	case "riclpm":
		t.Notes = append(t.Notes, "Within-person effects: paths between the deviations of each session's scores from the patient's own stable level (the random intercepts). β is the completely standardized estimate (lavaan's std.all).")
	case "dpm":
		t.Notes = append(t.Notes, fmt.Sprintf("%s at each session regressed on itself and on the other variable at the previous session, with a person effect (fixed effect, loadings 1) free to correlate with the predictors, which may depend on earlier errors (predetermined); the two paths are constant over sessions. β is the completely standardized estimate of the first wave's path.", capitalise(r.DPMOutcome)))
	default:
		t.Notes = append(t.Notes, "The CLPM mixes within- and between-patient variation (no random intercepts); compare the RI-CLPM. β is the completely standardized estimate.")
	}
	s.Add(t)
	s.Add(r.laggedFigure())
	if cross := r.crossLag(); cross != nil {
		s.P(Reading, fmt.Sprintf("%s (b = %s, %s).", crossLagReading(r.roles["x (alliance)"], r.roles["y (outcome)"], cross.Estimate, r.Model == "dpm"), num(cross.Estimate, 3), apa.P(cross.P)))
	}
	r.longRunTable(s)
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
		r.top = append(r.top, Note{Level: Warning, Text: "The optimiser did not converge: the estimates are where it stopped."})
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

// seText says how the standard errors were computed.
func (r *PanelRun) seText() string {
	if r.Estimator == sem.MLR {
		return fmt.Sprintf("robust (Huber–White) standard errors with the %s information and the Yuan–Bentler scaled χ² (MLR)", r.Information)
	}
	if r.Information == sem.Expected {
		return "standard errors from the expected information (per missing-data pattern)"
	}
	return "standard errors from the observed information (lavaan's default with missing data)"
}

// longRunTable adds the long-run effects, or says why there are none.
func (r *PanelRun) longRunTable(s *Section) {
	if len(r.LongRun) == 0 {
		if r.LongRunErr == nil {
			s.P(Plain, "Long-run effects need lagged paths that are constant over sessions: fit the stationary model for them.")
		}
		return
	}
	t := &Table{Name: "long_run", Title: "Long-run (cumulative) effects", Columns: []string{"From", "To", "Estimate", "SE", "z", "p", apa.Level(r.opt.Level) + " CI"},
		Right: []bool{false, false, true, true, true, true, false}}
	for _, l := range r.LongRun {
		t.Rows = append(t.Rows, []string{l.From, l.To, num(l.Estimate, 3), num(l.SE, 3), num(l.Z, 2), pcell(l.P), interval(l.CILB, l.CIUB, 3, false)})
	}
	if r.Model == "dpm" {
		t.Notes = append(t.Notes, "The effect of a lasting 1-point change of the predictor on the outcome once the outcome's own carry-over has run its course, β/(1 − α) (Allison, Williams & Moral-Benito, 2017); SE by the delta method.")
	} else {
		t.Notes = append(t.Notes, "The sum over all later sessions of the responses to a 1-point deviation at one session: the entries of (I − Φ)⁻¹ − I, Φ the matrix of the four lagged paths (a stationary process: the largest eigenvalue modulus of Φ is below 1); SEs by the delta method.")
	}
	s.Add(t)
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
	var m string
	switch r.Model {
	case "riclpm":
		m = "Within-person lagged effects of the alliance on the outcome (and back) were estimated with a random-intercept cross-lagged panel model (Hamaker, Kuiper & Grasman, 2015; Mulder & Hamaker, 2021) by full-information maximum likelihood, which avoids the dynamic panel bias of lagged multilevel models with person-mean centring (Falkenström et al., 2017)."
	case "dpm":
		m = "Lagged effects were estimated with the maximum-likelihood dynamic panel model with fixed effects (Allison, Williams & Moral-Benito, 2017) by full-information maximum likelihood, which avoids the dynamic panel bias of lagged multilevel models with person-mean centring (Falkenström et al., 2017)."
	default:
		m = "A cross-lagged panel model was fitted by full-information maximum likelihood for comparison with the random-intercept model (Hamaker, Kuiper & Grasman, 2015)."
	}
	if ct := r.constraintText(); ct != "" {
		m += " " + ct
	}
	if r.Estimator == sem.MLR {
		m += " Standard errors are robust (Huber–White) and the χ² test is the Yuan–Bentler scaled statistic (Yuan & Bentler, 2000)."
	}
	return m
}

// Cites lists the citation keys used.
func (r *PanelRun) Cites() []string {
	var c []string
	switch r.Model {
	case "riclpm":
		c = []string{"hamaker2015", "mulder2021", "falkenstrom2017", "rosseel2012"}
	case "dpm":
		c = []string{"allison2017", "falkenstrom2017", "rosseel2012"}
	default:
		c = []string{"hamaker2015", "rosseel2012"}
	}
	if r.Estimator == sem.MLR {
		c = append(c, "yuan2000")
	}
	return c
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
	if len(r.opt.Constrain) > 0 {
		cmd = append(cmd, "--constrain", strings.Join(r.opt.Constrain, ","))
	}
	if r.opt.Level != 0.95 {
		cmd = append(cmd, "--level", strconv.FormatFloat(100*r.opt.Level, 'g', -1, 64))
	}
	if r.opt.DPMOutcome != "" {
		cmd = append(cmd, "--dpm-outcome", r.opt.DPMOutcome)
	}
	if r.opt.Listwise {
		cmd = append(cmd, "--missing", "listwise")
	}
	extra := ""
	if r.Estimator == sem.MLR {
		cmd = append(cmd, "--estimator", "MLR")
		extra += `, estimator = "MLR"`
	}
	if r.Information == sem.Expected {
		cmd = append(cmd, "--information", "expected")
		extra += `, information = "expected"`
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
	fmt.Fprintf(&b, "model <- '\n%s'\nfit <- lavaan(model, data = dat, missing = %q, meanstructure = TRUE, int.ov.free = TRUE%s)\nsummary(fit, fit.measures = TRUE, standardized = TRUE)\n",
		lavaanSyntax(r.Model, T, r.opt.Stationary, r.opt.DPMOutcome, r.opt.Constrain), map[bool]string{true: "listwise", false: "ML"}[r.opt.Listwise], extra)
	return []Step{{Purpose: "the panel model", Command: strings.Join(cmd, " "), RCode: b.String()}}
}

// crossLagReading says a cross-lagged effect b of x on the next session's
// y in words: for the RI-CLPM and CLPM a within-person deviation ("1 point
// above their own usual level"), for the DPM a within-patient (fixed
// effect) contrast given the previous y.
func crossLagReading(x, y string, b float64, dpm bool) string {
	dir := map[bool]string{true: "higher", false: "lower"}[b >= 0]
	if dpm {
		return fmt.Sprintf("A 1-point higher %s at a session predicts %s %s points %s at the next, for the same patient (fixed effect) and the same previous %s", x, y, num(math.Abs(b), 2), dir, y)
	}
	return fmt.Sprintf("A patient whose %s is 1 point above their own usual level at a session reports %s %s points %s at the next", x, y, num(math.Abs(b), 2), dir)
}

// lavaanSyntax is the model in Mulder & Hamaker's (2021) lavaan syntax
// (the DPM as the R package dpm writes it), with the long-run effects as
// defined parameters.
//
// The constraints (PanelOptions.Constrain) carry Mulder & Hamaker's
// labels: cov on the wave-2..T within-wave covariances, vx and vy on the
// wave-2..T residual variances, mx and my on the means.
func lavaanSyntax(model string, T int, stationary bool, dpmOutcome string, constrain []string) string {
	cons, _ := panelConstraints(constrain)
	if model == "dpm" {
		return dpmSyntax(T, dpmOutcome, cons.Resid)
	}
	on := func(l string, yes bool, t int) string {
		if yes && t >= 2 {
			return l + "*"
		}
		return ""
	}
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
		fmt.Fprintf(&b, "%sx%d ~~ %s%sy%d\n%sx%d ~~ %s%sx%d\n%sy%d ~~ %s%sy%d\n", w, t, on("cov", cons.Cov, t), w, t,
			w, t, on("vx", cons.Resid, t), w, t, w, t, on("vy", cons.Resid, t), w, t)
	}
	if cons.Means {
		for t := 1; t <= T; t++ {
			fmt.Fprintf(&b, "x%d ~ mx*1\ny%d ~ my*1\n", t, t)
		}
	}
	if model == "riclpm" {
		b.WriteString("RIx ~~ RIx\nRIy ~~ RIy\nRIx ~~ RIy\n")
		for t := 1; t <= T; t++ {
			fmt.Fprintf(&b, "x%d ~~ 0*x%d\ny%d ~~ 0*y%d\n", t, t, t, t)
		}
	}
	if stationary {
		b.WriteString("# long-run effects: (I - Phi)^-1 - I\nD := (1 - ax)*(1 - ay) - bxy*byx\nlr_x_x := (1 - ay)/D - 1\nlr_y_x := bxy/D\nlr_x_y := byx/D\nlr_y_y := (1 - ax)/D - 1\n")
	}
	return b.String()
}

// dpmSyntax is the dynamic panel model in the lavaan syntax of the R
// package dpm (y ~ pre(lag(x)), its defaults), written out for lavaan().
func dpmSyntax(T int, outcome string, resid bool) string {
	o, r := "y", "x"
	if outcome == "x" {
		o, r = "x", "y"
	}
	var b strings.Builder
	for t := 2; t <= T; t++ {
		fmt.Fprintf(&b, "%s%d ~ en1*%s%d + p1*%s%d\n", o, t, r, t-1, o, t-1)
	}
	var load []string
	for t := 2; t <= T; t++ {
		load = append(load, fmt.Sprintf("1*%s%d", o, t))
	}
	fmt.Fprintf(&b, "alpha =~ %s\nalpha ~~ alpha\n", strings.Join(load, " + "))
	ex := []string{r + "1", o + "1"}
	for t := 2; t < T; t++ {
		ex = append(ex, fmt.Sprintf("%s%d", r, t))
	}
	fmt.Fprintf(&b, "alpha ~~ %s\n", strings.Join(ex, " + "))
	for w := 2; w <= T-2; w++ {
		var later []string
		for w2 := w + 1; w2 <= T-1; w2++ {
			later = append(later, fmt.Sprintf("%s%d", r, w2))
		}
		fmt.Fprintf(&b, "%s%d ~~ %s\n", o, w, strings.Join(later, " + "))
	}
	for i, a := range ex {
		for _, c := range ex[i:] {
			fmt.Fprintf(&b, "%s ~~ %s\n", a, c)
		}
	}
	lv := ""
	if resid {
		lv = "v" + o + "*"
	}
	for t := 2; t <= T; t++ {
		fmt.Fprintf(&b, "%s%d ~~ %s%s%d\n", o, t, lv, o, t)
	}
	b.WriteString("# long-run effect\nlr := en1/(1 - p1)\n")
	return b.String()
}

// Data accounts for the table.
func (r *PanelRun) Data() *DataPart {
	return &DataPart{Kind: "session", Source: r.src, Roles: r.roles, Counts: map[string]int{"patients": r.Patients, "waves": len(r.Waves)}}
}

var _ Part = (*PanelRun)(nil)
