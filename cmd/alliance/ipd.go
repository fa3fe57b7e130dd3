package main

import (
	"github.com/alliance-research/alliance/analysis/workflow"
	"github.com/spf13/cobra"
)

// ipdFlags are the flags of 'alliance ipd'.
type ipdFlags struct {
	read                 readFlags
	sess                 sessionFlags
	study, effect        string
	model, centring      string
	method, test         string
	level                float64
	noTherapist, detrend bool
}

func newIPDCmd(e *env) *cobra.Command {
	f := &ipdFlags{}
	cmd := &cobra.Command{
		Use:   "ipd FILE --study COLUMN",
		Short: "Two-stage IPD meta-analysis of session-level alliance effects",
		Long: `Fits the session model of 'alliance sessions' in every study of a long session
file (a study column), then pools one alliance coefficient across studies in a
random-effects meta-analysis (Flückiger et al. 2020's design). Studies whose
model cannot be fitted are listed with the reason.

Not yet: several files, one-stage models, --standardize, the panel model as
stage 1.`,
		Example: `  alliance ipd sessions.csv --study site
  alliance ipd sessions.csv --study site --effect between --method DL --test knha`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return runIPD(e, f, args) },
	}
	f.read.register(cmd, "")
	f.sess.registerLong(cmd)
	fl := cmd.Flags()
	fl.StringVar(&f.study, "study", "study", "study column")
	enumVar(cmd, &f.effect, "effect", "within", "the pooled coefficient: within, between, patient or therapist", "within", "between", "patient", "therapist")
	enumVar(cmd, &f.model, "model", "lagged", "stage-1 session model: lagged, reverse or concurrent", "lagged", "reverse", "concurrent")
	enumVar(cmd, &f.centring, "centring", "", "stage 1: person or therapist (default as 'alliance sessions')", "person", "therapist")
	fl.BoolVar(&f.noTherapist, "no-therapist", false, "stage 1: ignore the therapist column")
	fl.BoolVar(&f.detrend, "detrend", false, "stage 1: detrend the alliance within patients")
	enumVar(cmd, &f.method, "method", "REML", "stage-2 τ² estimator", "FE", "EE", "DL", "HE", "HS", "SJ", "ML", "REML", "EB", "PM")
	enumVar(cmd, &f.test, "test", "z", "stage-2 inference: z, t or knha", "z", "t", "knha")
	levelVar(cmd, &f.level, "the pooled coefficient")
	return cmd
}

func runIPD(e *env, f *ipdFlags, args []string) error {
	src, err := f.read.source(e, args, "")
	if err != nil {
		return err
	}
	cols, _ := f.sess.columns()
	stop := e.busy("fitting every study")
	run, err := workflow.IPD(src, workflow.IPDOptions{Study: f.study, Effect: f.effect, Method: f.method, Test: f.test,
		Sessions: workflow.SessionsOptions{Columns: cols, Model: f.model, Centring: f.centring, IgnoreTherapist: f.noTherapist, Detrend: f.detrend, Level: f.level}})
	stop()
	if err != nil {
		return withOptionFlag(err, map[string]string{"Effect": "--effect", "Model": "--model", "Centring": "--centring", "Study": "--study"})
	}
	return e.emitRun(run, run.Output(), tidyCSV(run.Tidy(), ""))
}
