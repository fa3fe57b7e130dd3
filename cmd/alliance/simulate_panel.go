package main

import (
	"io"

	"github.com/alliance-research/alliance/cmd/internal/flagx"
	"github.com/alliance-research/alliance/datasets/simulate"
	"github.com/spf13/cobra"
)

// newSimulatePanelCmd is the panel mode of the session simulator: the
// RI-CLPM's data-generating process with planted within-person cross-lagged
// effects, in the long format `alliance panel` and `alliance sessions` read.
func newSimulatePanelCmd(e *env) *cobra.Command {
	p := simulate.DefaultPanelParams()
	cmd := &cobra.Command{
		Use:     "panel",
		Short:   "Session data from the RI-CLPM: stable levels plus a within-person VAR(1) with planted cross-lagged effects",
		Long:    helpText("simulate-panel", "long"),
		Example: helpText("simulate-panel", "example"),
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := p.Check(flagx.ParamFlags(p.Describe())); err != nil {
				return usageError{err}
			}
			var sum simulate.PanelSummary
			err := e.emitTable(func(w io.Writer) (err error) {
				sum, err = simulate.WritePanelCSV(w, p)
				return err
			})
			if err != nil {
				return err
			}
			e.infof("simulated %d patients × %d sessions: %d rows (%d missing); planted within-person effects alliance→outcome %g, outcome→alliance %g (seed %d)",
				sum.Patients, p.Waves, sum.Rows, sum.Missing, p.AllianceToOutcome, p.OutcomeToAlliance, p.Seed)
			return nil
		},
	}
	flagx.Params(cmd, &p, p.Describe())
	return cmd
}
