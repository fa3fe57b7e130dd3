package main

import (
	"io"

	"github.com/alliance-research/alliance/analysis/jsonout"
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
	f.sess.register(cmd)
	fl := cmd.Flags()
	fl.StringVar(&f.study, "study", "study", "study column")
	enumVar(cmd, &f.effect, "effect", "within", "the pooled coefficient: within, between, patient or therapist", "within", "between", "patient", "therapist")
	enumVar(cmd, &f.model, "model", "lagged", "stage-1 session model: lagged, reverse or concurrent", "lagged", "reverse", "concurrent")
	enumVar(cmd, &f.centring, "centring", "", "stage 1: person or therapist (default as 'alliance sessions')", "person", "therapist")
	fl.BoolVar(&f.noTherapist, "no-therapist", false, "stage 1: ignore the therapist column")
	fl.BoolVar(&f.detrend, "detrend", false, "stage 1: detrend the alliance within patients")
	enumVar(cmd, &f.method, "method", "REML", "stage-2 τ² estimator", "FE", "EE", "DL", "HE", "HS", "SJ", "ML", "REML", "EB", "PM")
	enumVar(cmd, &f.test, "test", "z", "stage-2 inference: z, t or knha", "z", "t", "knha")
	fl.Float64Var(&f.level, "level", 95, "confidence level in percent")
	return cmd
}

func runIPD(e *env, f *ipdFlags, args []string) error {
	level, err := parseLevel(f.level)
	if err != nil {
		return err
	}
	if err = e.checkOutputs(e.out); err != nil {
		return err
	}
	src, err := f.read.source(e, args, "")
	if err != nil {
		return err
	}
	cols, _ := f.sess.columns()
	stop := e.busy("fitting every study")
	run, err := workflow.IPD(src, workflow.IPDOptions{Study: f.study, Effect: f.effect, Method: f.method, Test: f.test,
		Sessions: workflow.SessionsOptions{Columns: cols, Model: f.model, Centring: f.centring, IgnoreTherapist: f.noTherapist, Detrend: f.detrend, Level: level}})
	stop()
	if err != nil {
		return withOptionFlag(err, map[string]string{"Effect": "--effect", "Model": "--model", "Centring": "--centring"})
	}
	for _, n := range run.TopNotes() {
		e.infof("alliance: %s", n.Text)
	}
	return e.emit(func(w io.Writer) error {
		switch e.format {
		case "json":
			return jsonout.Write(w, run.Output())
		case "csv":
			return renderTidy(w, []workflow.TidyTable{{Name: "studies", Rows: run.Studies}}, "")
		}
		return renderSection(w, e.format, run.Section())
	})
}
