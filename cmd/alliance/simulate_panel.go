package main

import (
	"io"

	"github.com/alliance-research/alliance/datasets/simulate"
	"github.com/spf13/cobra"
)

// newSimulatePanelCmd is the panel mode of the session simulator: the
// RI-CLPM's data-generating process with planted within-person cross-lagged
// effects, in the long format `alliance panel` and `alliance sessions` read.
func newSimulatePanelCmd(e *env) *cobra.Command {
	p := simulate.DefaultPanelParams()
	cmd := &cobra.Command{
		Use:   "panel",
		Short: "Session data from the RI-CLPM: stable levels plus a within-person VAR(1) with planted cross-lagged effects",
		Long: `Writes long session data (patient, session, alliance, outcome) from the
random-intercept cross-lagged panel model: each patient's scores are a stable
level plus within-person deviations in which alliance above the patient's own
usual level at one session changes the next session's symptoms by
--alliance-to-outcome. The within-person process starts from its stationary
distribution. Use it to check 'alliance panel' (which should recover the
planted effect) against the lagged multilevel model of 'alliance sessions'
(which has dynamic-panel bias).`,
		Example: `  alliance simulate panel --patients 1000 --waves 8 --alliance-to-outcome -1.27 --out panel.csv
  alliance panel panel.csv --stationary`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := p.Validate(); err != nil {
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
	bindParams(cmd.Flags(), &p, p.Describe())
	return cmd
}
