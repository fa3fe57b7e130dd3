package main

import (
	"github.com/alliance-research/alliance/analysis/workflow"

	"github.com/spf13/cobra"
)

// reliabilityFlags are the flags of 'alliance reliability', bound to the
// workflow's options, and those of --3rs.
type reliabilityFlags struct {
	read  readFlags
	opt   workflow.ReliabilityOptions
	rrs   threeRSFlags
	hints map[string]string // option → flag (optionFlags)
}

func newReliabilityCmd(e *env) *cobra.Command {
	rf := &reliabilityFlags{}
	cmd := &cobra.Command{
		Use:     "reliability FILE --items a,b,c",
		Short:   "Alpha, omega, ICC, Cohen/Fleiss kappa, Krippendorff's alpha and 3RS codes (psych's numbers)",
		Long:    helpText("reliability", "long"),
		Example: helpText("reliability", "example"),
		Args:    cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if rf.rrs.on {
				if err := notWith3RS(cmd); err != nil {
					return err
				}
			}
			return runReliability(e, rf, args)
		},
	}
	rf.read.register(cmd, "")
	bindOptions(cmd, &rf.opt, workflow.ReliabilityFields())
	rf.rrs.register(cmd)
	rf.hints = optionFlags(cmd, nil, &rf.opt)
	return cmd
}

func runReliability(e *env, rf *reliabilityFlags, args []string) error {
	src, err := rf.read.source(e, args, "")
	if err != nil {
		return err
	}
	if rf.rrs.on {
		return runThreeRS(e, &rf.rrs, src, rf.opt.Level)
	}
	run, err := workflow.Reliability(src, rf.opt)
	if err != nil {
		return withOptionFlag(err, rf.hints)
	}
	return e.emitRun(run, run.Output(), tidyCSV(run.Tidy(), ""))
}
