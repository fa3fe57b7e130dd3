package main

import (
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/alliance-research/alliance/analysis/jsonout"
	"github.com/alliance-research/alliance/analysis/workflow"

	"github.com/alliance-research/alliance/analysis/sessions"
	"github.com/alliance-research/alliance/datasets"
	"github.com/alliance-research/alliance/plots"
	"github.com/spf13/cobra"
)

// sessionsFlags are the flags of 'alliance sessions'.
type sessionsFlags struct {
	read                  readFlags
	sess                  sessionFlags
	model, centring       string
	detrend, slope, ar1   bool
	noTherapist, noTime   bool
	ml                    bool
	maxLagGap             int
	covariates            string
	allianceLabel, outLbl string
	export, plot          string
	level                 float64
}

const sessionsDefaultDataset = "demo-sessions"

func newSessionsCmd(e *env) *cobra.Command {
	sf := &sessionsFlags{}
	cmd := &cobra.Command{
		Use:   "sessions [FILE]",
		Short: "Session-by-session alliance→outcome models: within/between effects, lags, therapists",
		Long: `The workflow researchers run on session-by-session data (Falkenström et al.
2013, 2017; Baldwin, Wampold & Imel 2007), as a linear mixed model (REML,
Satterthwaite df; numbers as lme4/lmerTest/nlme):

  --model lagged      alliance at session t predicts the outcome at t+1,
                      controlling the outcome at t (the default)
  --model reverse     the outcome at t predicts alliance at t+1
  --model concurrent  alliance and outcome of the same session
  --model growth      the outcome's course over sessions

Alliance is split into a within-patient part (deviation from the patient's
mean) and a between-patient part (the patient mean); with therapists, into
therapist mean, patient deviation from it and session deviation
(--centring therapist, the default when the file has therapists). Patients
get random intercepts, nested in therapists when present; --random-slope
adds a random slope of session, --ar1 AR(1) residuals, --detrend removes each
patient's linear trend first. Lags link consecutive sessions only
(--max-lag-gap). Each effect is stated in words; --export writes the derived
columns.

Without FILE the embedded, simulated demo-sessions data are analysed.`,
		Example: `  alliance sessions                                   # embedded demo data
  alliance sessions sessions.csv --alliance wai --outcome phq9 --alliance-label WAI-SR --outcome-label PHQ-9
  alliance sessions sessions.csv --detrend --ar1 --export derived.csv
  alliance sessions sessions.csv --model reverse`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return runSessions(e, sf, args) },
	}
	f := cmd.Flags()
	sf.read.register(cmd, sessionsDefaultDataset)
	sf.sess.register(cmd)
	f.StringVar(&sf.model, "model", "", "lagged (default), reverse, concurrent or growth (default without an alliance column)")
	f.StringVar(&sf.centring, "centring", "", "person (patient mean) or therapist (therapist mean, patient and session deviations; default with therapists)")
	f.BoolVar(&sf.detrend, "detrend", false, "remove each patient's linear trend over sessions before centring (Falkenström et al. 2017)")
	f.BoolVar(&sf.slope, "random-slope", false, "random slope of session for patients")
	f.BoolVar(&sf.ar1, "ar1", false, "AR(1) residuals within patients over sessions (gaps respected)")
	f.BoolVar(&sf.noTherapist, "no-therapist", false, "ignore the therapist column (no therapist level)")
	f.BoolVar(&sf.noTime, "no-time", false, "leave session out of the fixed effects")
	f.BoolVar(&sf.ml, "ml", false, "fit by maximum likelihood instead of REML")
	f.IntVar(&sf.maxLagGap, "max-lag-gap", 1, "largest session gap a lag may bridge")
	f.StringVar(&sf.covariates, "covariates", "", "numeric columns added as fixed covariates, comma-separated")
	f.StringVar(&sf.allianceLabel, "alliance-label", "alliance", "name of the alliance measure in the sentences (e.g. WAI-SR)")
	f.StringVar(&sf.outLbl, "outcome-label", "outcome", "name of the outcome measure in the sentences (e.g. PHQ-9)")
	f.StringVar(&sf.export, "export", "", "write the data with the derived columns (centred, lagged, next) as CSV to `FILE`")
	f.StringVar(&sf.plot, "plot", "", "write trajectories (each patient and the mean with 95% CI by session) to `FILE` (.png, .svg, .pdf)")
	f.Float64Var(&sf.level, "level", 95, "confidence level in percent")
	return cmd
}

type sessionsOutput struct {
	Data string `json:"data"`
	*sessions.Result
}

func runSessions(e *env, sf *sessionsFlags, args []string) error {
	if err := checkFigurePath("--plot", sf.plot); err != nil {
		return err
	}
	level, err := parseLevel(sf.level)
	if err != nil {
		return err
	}
	src, err := sf.read.load(e, args, sessionsDefaultDataset)
	if err != nil {
		return err
	}
	st, err := sf.sess.load(src.table, "outcome", datasets.SessionOptions{RequireOutcome: true})
	if err != nil {
		return err
	}
	d := sessions.Data{Session: st.Session, Alliance: st.Alliance, Outcome: st.Outcome, Patient: st.Patient.Strings()}
	if st.Therapist.Codes != nil {
		d.Therapist = st.Therapist.Strings()
	}
	if cs := splitList(sf.covariates); len(cs) > 0 {
		d.Covariates = map[string][]float64{}
		for _, c := range cs {
			v, err := sessionScore(st, c)
			if err != nil {
				return err
			}
			d.Covariates[c] = v
		}
	}
	opt := sessions.Options{Model: sessions.Model(strings.ToLower(sf.model)), Centring: sessions.Centring(strings.ToLower(sf.centring)),
		Detrend: sf.detrend, MaxLagGap: sf.maxLagGap, IgnoreTherapist: sf.noTherapist, RandomSlope: sf.slope, NoTime: sf.noTime,
		AR1: sf.ar1, ML: sf.ml, Level: level, AllianceLabel: sf.allianceLabel, OutcomeLabel: sf.outLbl}
	res, err := sessions.Fit(d, opt)
	if err != nil {
		return analysisOrInput(err)
	}
	name := st.Name
	if src.embedded != nil {
		name = src.embedded.Name
	}
	if sf.export != "" {
		var b strings.Builder
		if err := res.Table.WriteCSV(&b); err != nil {
			return err
		}
		if err := writeFileAtomic(sf.export, []byte(b.String())); err != nil {
			return err
		}
		e.infof("wrote the derived columns (%s) to %s", strings.Join(res.Columns, ", "), sf.export)
	}
	if sf.plot != "" {
		fig, err := trajectoriesFigure(st, sf.outLbl)
		if err := e.saveFigure(fig, err, sf.plot); err != nil {
			return err
		}
	}
	out := sessionsOutput{Data: name, Result: res}
	if err := e.emit(func(w io.Writer) error {
		switch e.format {
		case "json":
			return jsonout.Write(w, out)
		case "csv":
			return tableOf(workflow.FixedTable(&res.Result)).csv(w)
		}
		return renderSessions(w, e.format, &out)
	}); err != nil {
		return err
	}
	if !res.Converged {
		return fmt.Errorf("the optimiser did not converge: %s", res.Reason)
	}
	return nil
}

// trajectoriesFigure draws each patient's outcome by session with the mean
// and its 95% CI.
func trajectoriesFigure(st *datasets.Sessions, label string) (*plots.Figure, error) {
	sess := make([]float64, st.Len())
	for i, s := range st.Session {
		sess[i] = float64(s)
	}
	y := st.Outcome
	if y == nil {
		return nil, fmt.Errorf("no outcome column to plot")
	}
	clean := make([]float64, len(y))
	copy(clean, y)
	for i := range clean {
		if math.IsInf(clean[i], 0) {
			clean[i] = math.NaN()
		}
	}
	return plots.Trajectories(st.Patient.Strings(), sess, clean, plots.TrajectoryOptions{YLabel: label})
}

func renderSessions(w io.Writer, format string, o *sessionsOutput) error {
	r := o.Result
	head := fmt.Sprintf("Session-by-session %s model — %s", r.Model, o.Data)
	if format == "markdown" {
		fmt.Fprintf(w, "## %s\n\n", head)
	} else {
		fmt.Fprintf(w, "%s\n\n", head)
	}
	s := r.Summary
	fmt.Fprintf(w, "%d sessions of %d patients", s.Rows, s.Patients)
	if s.Therapists > 0 {
		fmt.Fprintf(w, " treated by %d therapists", s.Therapists)
	}
	fmt.Fprintf(w, "; %d rows enter the model.", r.NObs)
	if r.Centring != "" {
		fmt.Fprintf(w, " Centring: %s", r.Centring)
		if r.Detrended {
			fmt.Fprint(w, ", detrended")
		}
		fmt.Fprint(w, ".")
	}
	fmt.Fprintf(w, "\n%s\n\n", r.Formula)
	for _, eff := range r.Effects {
		if eff.Role == "within" || eff.Role == "between" || eff.Role == "patient" || eff.Role == "therapist" {
			fmt.Fprintf(w, "• %s: %s.\n", titleRole(eff.Role), eff.Text)
		}
	}
	fmt.Fprintln(w)
	for _, t := range workflow.MixedTables(&r.Result) {
		if err := tableOf(t).render(w, format); err != nil {
			return err
		}
		fmt.Fprintln(w)
	}
	for _, n := range r.Notes {
		if !strings.HasSuffix(n, ".") {
			n += "."
		}
		fmt.Fprintf(w, "Note. %s\n", n)
	}
	return nil
}

func titleRole(role string) string {
	switch role {
	case "within":
		return "Within patients"
	case "between":
		return "Between patients"
	case "patient":
		return "Between patients of a therapist"
	case "therapist":
		return "Between therapists"
	}
	return role
}
