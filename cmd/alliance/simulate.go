package main

import (
	"io"

	"github.com/alliance-research/alliance/cmd/internal/flagx"
	"github.com/alliance-research/alliance/datasets/simulate"
	"github.com/spf13/cobra"
)

func newSimulateCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "simulate",
		Short: "Simulate session-by-session or study-level data with known parameters",
		Long:  helpText("simulate", "long"),
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(newSimulateSessionsCmd(e), newSimulateStudiesCmd(e), newSimulatePanelCmd(e))
	return cmd
}

func newSimulateSessionsCmd(e *env) *cobra.Command {
	p := simulate.DefaultSessionParams()
	var truth string
	var studies int
	var studySD float64
	cmd := &cobra.Command{
		Use:     "sessions",
		Short:   "Patients nested in therapists, alliance and symptoms every session, ruptures and repairs",
		Example: helpText("simulate-sessions", "example"),
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := p.Check(flagx.ParamFlags(p.Describe())); err != nil {
				return usageError{err}
			}
			if studies > 0 || cmd.Flags().Changed("study-sd") {
				return writeMultiStudy(e, p, studies, studySD, truth)
			}
			var sum simulate.SessionSummary
			write := func(tw io.Writer) error {
				return e.emitTable(func(w io.Writer) (err error) {
					sum, err = simulate.WriteSessionsCSV(w, p, tw)
					return err
				})
			}
			if err := e.writeWithTruth(truth, write); err != nil {
				return err
			}
			e.infof("simulated %d patients of %d therapists: %d sessions (%d missing), %d repaired and %d unrepaired ruptures (seed %d)",
				sum.Patients, sum.Therapists, sum.Rows, sum.Missing, sum.Repaired, sum.Unrepaired, p.Seed)
			return nil
		},
	}
	flagx.Params(cmd, &p, p.Describe())
	outputVar(cmd, &truth, "truth", "also write the planted truth per patient (class, rupture session) to `FILE`; with --studies, each study's within effect")
	cmd.Flags().IntVar(&studies, "studies", 0, "simulate `K` studies of --patients patients each, with a study column (for 'alliance ipd')")
	cmd.Flags().Float64Var(&studySD, "study-sd", simulate.DefaultStudySD, "with --studies: between-study SD of the within-patient effect (symptom points per alliance point)")
	return cmd
}

// writeMultiStudy writes --studies K studies (simulate.WriteMultiStudyCSV).
func writeMultiStudy(e *env, p simulate.SessionParams, k int, sd float64, truth string) error {
	if err := simulate.CheckMultiStudy(k, sd); err != nil {
		return err
	}
	var sum simulate.MultiStudySummary
	write := func(tw io.Writer) error {
		return e.emitTable(func(w io.Writer) (err error) {
			sum, err = simulate.WriteMultiStudyCSV(w, p, k, sd, tw)
			return err
		})
	}
	if err := e.writeWithTruth(truth, write); err != nil {
		return err
	}
	e.infof("simulated %d studies of %d patients (%d sessions, %d missing; within effect %v, between-study SD %v; seed %d)",
		k, p.Patients, sum.Total.Rows, sum.Total.Missing, p.WithinEffect, sd, p.Seed)
	return nil
}

// writeWithTruth runs write, which writes the data, with the writer of
// the truth file when truth is given: the truth file is renamed into place
// only when the data are written.
func (e *env) writeWithTruth(truth string, write func(tw io.Writer) error) error {
	if truth == "" {
		return write(nil)
	}
	if err := e.checkOutputs(truth); err != nil {
		return err
	}
	return writeTable(truth, write)
}

func newSimulateStudiesCmd(e *env) *cobra.Command {
	p := simulate.DefaultStudyParams()
	cmd := &cobra.Command{
		Use:     "studies",
		Short:   "Study-level alliance–outcome correlations with moderators and several effects per study",
		Example: helpText("simulate-studies", "example"),
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := p.Check(flagx.ParamFlags(p.Describe())); err != nil {
				return usageError{err}
			}
			var sum simulate.StudySummary
			err := e.emitTable(func(w io.Writer) error {
				var err error
				sum, err = simulate.WriteStudiesCSV(w, p)
				return err
			})
			if err != nil {
				return err
			}
			e.infof("simulated %d effects from %d studies (seed %d)", sum.Effects, sum.Studies, p.Seed)
			return nil
		},
	}
	flagx.Params(cmd, &p, p.Describe())
	return cmd
}
