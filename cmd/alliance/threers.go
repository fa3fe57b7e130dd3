package main

import (
	"io"

	"github.com/alliance-research/alliance/analysis/workflow"
	"github.com/alliance-research/alliance/plots/textout"
	"github.com/spf13/cobra"
)

// threeRSFlags are the --3rs switch of 'alliance reliability' and the
// columns of a 3RS segment-code file (workflow.ThreeRSFields).
type threeRSFlags struct {
	on  bool
	opt workflow.ThreeRSOptions
}

func (x *threeRSFlags) register(cmd *cobra.Command) {
	cmd.Flags().BoolVar(&x.on, "3rs", false, "3RS coding: segment-level codes → session-level frequencies and ratings per coder, and inter-rater reliability per scale")
	bindOptions(cmd, &x.opt, workflow.ThreeRSFields())
}

// notWith3RS refuses, with --3rs, the flags of the other coefficients
// (workflow.ReliabilityFields but the level), which 3RS codes do not use.
func notWith3RS(cmd *cobra.Command) error {
	for _, f := range workflow.ReliabilityFields() {
		if f.Name != "level" && cmd.Flags().Changed(f.Name) {
			return usagef("--%s does not apply to --3rs (3RS codes are summarised by the --3rs-… flags and the marker and rating columns)", f.Name)
		}
	}
	return nil
}

// runThreeRS summarises 3RS segment codes.
func runThreeRS(e *env, x *threeRSFlags, src workflow.Source, level float64) error {
	opt := x.opt
	opt.Level = level
	run, err := workflow.ThreeRS(src, opt)
	if err != nil {
		return withOptionFlag(err, map[string]string{"Withdrawal": "--withdrawal, --confrontation, --resolution, --ratings"})
	}
	return e.emitRun(run, run.Output(), func(w io.Writer) error { return textout.SectionCSV(w, run.Section(), "sessions") })
}
