package main

import (
	"fmt"
	"strings"

	"github.com/alliance-research/alliance/analysis/workflow"
	"github.com/spf13/cobra"
)

// sessionsFlags are the flags of 'alliance sessions'.
type sessionsFlags struct {
	read         readFlags
	sess         sessionFlags
	m            sessionModelFlags
	model        string
	export, plot string
	level        float64
	concurrent   bool
	trajectories bool
	patients     string
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
columns. A file without an alliance column is an error (name it with
--alliance) unless --model growth is asked for.

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
	f.StringVar(&sf.model, "model", "", "lagged (default), reverse, concurrent or growth (the only one without an alliance column)")
	sf.m.register(cmd, "")
	f.StringVar(&sf.export, "export", "", "write the data with the derived columns (centred, lagged, next) as CSV to `FILE`")
	figureVar(cmd, &sf.plot, "plot", "write trajectories (each patient and the mean with 95% CI by session) to `FILE` (.png, .svg, .pdf)")
	levelVar(cmd, &sf.level, "the fixed effects")
	f.BoolVar(&sf.concurrent, "concurrent", false, "with the lagged model, also fit the same-session (concurrent) model, as the report does")
	f.BoolVar(&sf.trajectories, "trajectories", false, "add the table of mean scores by session")
	f.StringVar(&sf.patients, "patients", "", "write every conditional mode (BLUP) of the patients and therapists to `FILE` (CSV, TSV or .parquet); the JSON lists them only up to 1000 and summarises them beyond")
	return cmd
}

var sessionsOptionFlags = map[string]string{"Model": "--model", "Centring": "--centring", "Level": "--level", "MaxLagGap": "--max-lag-gap", "Covariates": "--covariates"}

func runSessions(e *env, sf *sessionsFlags, args []string) error {
	src, err := sf.read.source(e, args, sessionsDefaultDataset)
	if err != nil {
		return err
	}
	opt := sf.m.options(sf.model, sf.level)
	opt.Concurrent, opt.Trajectories = sf.concurrent, sf.trajectories
	opt.Columns, opt.Wide = sf.sess.columns()
	opt.KeepTable = sf.export != ""
	stop := e.busy("fitting the session model")
	run, err := workflow.Sessions(src, opt)
	stop()
	if err != nil {
		return withOptionFlag(err, sessionsOptionFlags)
	}
	if sf.export != "" {
		if err := writeTable(sf.export, run.Table.WriteCSV); err != nil {
			return err
		}
		e.infof("wrote the derived columns (%s) to %s", strings.Join(run.Columns, ", "), sf.export)
	}
	if sf.patients != "" {
		if err := writeTable(sf.patients, run.WriteRanef); err != nil {
			return err
		}
		e.infof("wrote the conditional modes (BLUPs) to %s", sf.patients)
	}
	if err := e.saveNamedFigure(run.Section(), "trajectory-outcome", sf.plot); err != nil {
		return err
	}
	if err := e.emitRun(run, run, tableCSV(run.Tidy())); err != nil {
		return err
	}
	if !run.Converged {
		return fmt.Errorf("the optimiser did not converge: %s", run.Reason)
	}
	return nil
}
