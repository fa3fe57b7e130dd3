package main

import (
	"strings"

	"github.com/alliance-research/alliance/analysis/workflow"
	"github.com/spf13/cobra"
)

// panelFlags are the flags of 'alliance panel'.
type panelFlags struct {
	read       readFlags
	sess       sessionFlags
	model      string
	waves      string
	stationary bool
	constrain  string
	missing    string
	level      float64
	plot       string
	dpmOutcome string
	estimator  string
	info       string
	dpmSet     bool // --dpm-outcome given
}

const panelDefaultDataset = "demo-sessions"

func newPanelCmd(e *env) *cobra.Command {
	pf := &panelFlags{}
	cmd := &cobra.Command{
		Use:   "panel [FILE]",
		Short: "Dynamic panel models of session data: RI-CLPM, CLPM and the ML-SEM dynamic panel model (lavaan's numbers)",
		Long: `Fits the random-intercept cross-lagged panel model (Hamaker, Kuiper &
Grasman 2015; Mulder & Hamaker 2021) of alliance (x) and outcome (y) over
sessions, by full-information maximum likelihood over missing sessions, as
lavaan(model, missing = "ML", meanstructure = TRUE, int.ov.free = TRUE). Its
cross-lagged paths are within-person effects, free of the dynamic-panel bias
of the lagged multilevel model ('alliance sessions --model lagged'). --model
clpm fits the classic cross-lagged panel model for comparison. --model dpm
fits the ML-SEM dynamic panel model with fixed effects of Allison, Williams &
Moral-Benito (2017) as the R package dpm specifies it: the outcome on its
previous session and the previous alliance (constant paths), a person effect
correlated with the alliance, the alliance predetermined; --dpm-outcome x
fits the symmetric model of the alliance (run both for both directions).

Long-run (cumulative) effects with delta-method SEs are reported for the
stationary models (--stationary) and the DPM: (I − Φ)⁻¹ − I of the four
lagged paths Φ, β/(1 − α) for the DPM.

Standard errors come from the observed information (lavaan's default for ML
with missing = "ML"); --information expected uses the expected information
(per missing-data pattern, as lavaan's information = "expected"). --estimator
MLR gives robust (Huber–White) SEs and the Yuan–Bentler scaled χ² with the
scaled CFI, TLI and RMSEA (lavaan's estimator = "MLR").

Long session data (one row per patient and session) become one row per
patient with one column per wave; --waves chooses the sessions (default: the
sessions observed for at least half of the patients, at most 12).

Without FILE the embedded, simulated demo-sessions are analysed.`,
		Example: `  alliance panel                                 # embedded demo data
  alliance panel sessions.csv --waves 1:8 --stationary
  alliance panel sessions.csv --stationary --constrain cov,resid
  alliance panel sessions.csv --model clpm --format json
  alliance panel sessions.csv --model dpm --estimator MLR`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			pf.dpmSet = cmd.Flags().Changed("dpm-outcome")
			return runPanel(e, pf, args)
		},
	}
	pf.read.register(cmd, panelDefaultDataset)
	pf.sess.registerLong(cmd)
	f := cmd.Flags()
	enumVar(cmd, &pf.model, "model", "riclpm", "panel model: riclpm, clpm or dpm", workflow.PanelModels...)
	enumVar(cmd, &pf.dpmOutcome, "dpm-outcome", "y", "the DPM's dependent variable: y (the outcome) or x (the alliance)", "y", "x")
	enumVar(cmd, &pf.estimator, "estimator", "ML", "ML, or MLR (robust SEs, Yuan–Bentler scaled χ²)", workflow.PanelEstimators...)
	enumVar(cmd, &pf.info, "information", "observed", "information matrix of the SEs: observed or expected", "observed", "expected")
	f.StringVar(&pf.waves, "waves", "", "the sessions used as waves: a range 1:8 or a list 1,2,3,5 (default: those observed for at least half of the patients)")
	f.BoolVar(&pf.stationary, "stationary", false, "constrain the autoregressive and cross-lagged paths to be equal over waves")
	f.StringVar(&pf.constrain, "constrain", "", "further equalities over waves, comma-separated: cov (within-wave residual covariances, waves 2..T), resid (residual variances of x and of y, waves 2..T), means (wave means of x and of y); the DPM takes resid only")
	enumVar(cmd, &pf.missing, "missing", "fiml", "missing sessions: fiml (full-information ML) or listwise", "fiml", "listwise")
	levelVar(cmd, &pf.level, "the paths")
	figureVar(cmd, &pf.plot, "plot", "write the lagged effects with their CIs (by session, or one row per path with --stationary) to `FILE` (.png, .svg, .pdf)")
	aliases(cmd, map[string]string{"x": "alliance", "y": "outcome"}) // the SEM names of the two series, as in the issue and the lavaan code
	return cmd
}

func runPanel(e *env, pf *panelFlags, args []string) error {
	waves, err := workflow.ParseWaves(pf.waves)
	if err != nil {
		return withOptionFlag(err, map[string]string{"Waves": "--waves"})
	}
	src, err := pf.read.source(e, args, panelDefaultDataset)
	if err != nil {
		return err
	}
	cols, _ := pf.sess.columns()
	outcome := ""
	if pf.model == "dpm" || pf.dpmSet {
		outcome = pf.dpmOutcome
	}
	var cons []string
	if pf.constrain != "" {
		cons = strings.Split(pf.constrain, ",")
	}
	stop := e.busy("fitting the panel model")
	run, fitErr := workflow.Panel(src, workflow.PanelOptions{Columns: cols, Model: pf.model, Waves: waves, Stationary: pf.stationary, Constrain: cons, Listwise: pf.missing == "listwise", Level: pf.level,
		DPMOutcome: outcome, Estimator: pf.estimator, Information: pf.info})
	stop()
	if run == nil {
		return withOptionFlag(fitErr, map[string]string{"Model": "--model", "Level": "--level", "Waves": "--waves", "Stationary": "--stationary", "Constrain": "--constrain", "DPMOutcome": "--dpm-outcome", "Estimator": "--estimator", "Information": "--information"})
	}
	if err := e.emitRun(run, run.Output(), tidyCSV(run.Tidy(), "")); err != nil {
		return err
	}
	if err := e.saveNamedFigure(run.Section(), "panel-lagged", pf.plot); err != nil {
		return err
	}
	return fitErr
}
