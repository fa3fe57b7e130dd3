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
		RunE:    func(cmd *cobra.Command, args []string) error { return runReliability(e, rf, args) },
	}
	f, o := cmd.Flags(), &rf.opt
	rf.read.register(cmd, "")
	f.StringVar(&o.Items, "items", "", "item or rater columns: a comma-separated list, or a prefix ending in * (required)")
	listVar(cmd, &o.Reverse, "reverse", "alpha: items to reverse-score (max + min − x, from the observed range)")
	f.BoolVar(&o.Alpha, "alpha", false, "Cronbach's alpha and item statistics (default when nothing else is asked)")
	f.BoolVar(&o.ICC, "icc", false, "intraclass correlations (Shrout & Fleiss)")
	f.BoolVar(&o.Omega, "omega", false, "McDonald's omega total and hierarchical (minres, oblimin, Schmid–Leiman; psych::omega)")
	countVar(cmd, &o.NFactors, "nfactors", 3, 1, "omega: number of group factors (1: omega total of a one-factor model)")
	f.BoolVar(&o.Kappa, "kappa", false, "Cohen's kappa (2 raters) or Fleiss' kappa (more)")
	enumVar(cmd, &o.Krippendorff, "krippendorff", "", "Krippendorff's alpha with metric nominal, ordinal, interval or ratio", "nominal", "ordinal", "interval", "ratio")
	f.BoolVar(&o.Cumulative, "cumulative", false, "alpha: total score as the sum of the items (default: the mean)")
	f.BoolVar(&o.DropIncomplete, "drop-incomplete", false, "ICC: drop targets with a missing rating (psych::ICC(na.omit(x))); default: error")
	listVar(cmd, &o.Levels, "levels", "kappa and Krippendorff: the categories in order, comma-separated (text labels allowed; default: the labels found, sorted)")
	levelVar(cmd, &o.Level, "the coefficients")
	rf.rrs.register(cmd)
	rf.hints = optionFlags(cmd, nil, &rf.opt)
	return cmd
}

func runReliability(e *env, rf *reliabilityFlags, args []string) error {
	if !rf.rrs.on && rf.opt.Items == "" {
		return usagef("name the item or rater columns with --items (a list, or a prefix ending in *)")
	}
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
