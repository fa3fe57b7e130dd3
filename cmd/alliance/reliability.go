package main

import (
	"github.com/alliance-research/alliance/analysis/workflow"

	"github.com/spf13/cobra"
)

// reliabilityFlags are the flags of 'alliance reliability'.
type reliabilityFlags struct {
	read           readFlags
	items, reverse string
	alpha, icc     bool
	omega          bool
	nfactors       int
	kappa          bool
	kripp          string
	cumulative     bool
	dropIncomplete bool
	level          float64
	levels         string
	rrs            threeRSFlags
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
	f := cmd.Flags()
	rf.read.register(cmd, "")
	f.StringVar(&rf.items, "items", "", "item or rater columns: a comma-separated list, or a prefix ending in * (required)")
	f.StringVar(&rf.reverse, "reverse", "", "alpha: items to reverse-score (max + min − x, from the observed range)")
	f.BoolVar(&rf.alpha, "alpha", false, "Cronbach's alpha and item statistics (default when nothing else is asked)")
	f.BoolVar(&rf.icc, "icc", false, "intraclass correlations (Shrout & Fleiss)")
	f.BoolVar(&rf.omega, "omega", false, "McDonald's omega total and hierarchical (minres, oblimin, Schmid–Leiman; psych::omega)")
	countVar(cmd, &rf.nfactors, "nfactors", 3, 1, "omega: number of group factors (1: omega total of a one-factor model)")
	f.BoolVar(&rf.kappa, "kappa", false, "Cohen's kappa (2 raters) or Fleiss' kappa (more)")
	enumVar(cmd, &rf.kripp, "krippendorff", "", "Krippendorff's alpha with metric nominal, ordinal, interval or ratio", "nominal", "ordinal", "interval", "ratio")
	f.BoolVar(&rf.cumulative, "cumulative", false, "alpha: total score as the sum of the items (default: the mean)")
	f.BoolVar(&rf.dropIncomplete, "drop-incomplete", false, "ICC: drop targets with a missing rating (psych::ICC(na.omit(x))); default: error")
	f.StringVar(&rf.levels, "levels", "", "kappa and Krippendorff: the categories in order, comma-separated (text labels allowed; default: the labels found, sorted)")
	levelVar(cmd, &rf.level, "the coefficients")
	rf.rrs.register(cmd)
	return cmd
}

func runReliability(e *env, rf *reliabilityFlags, args []string) error {
	if !rf.rrs.on && rf.items == "" {
		return usagef("name the item or rater columns with --items (a list, or a prefix ending in *)")
	}
	src, err := rf.read.source(e, args, "")
	if err != nil {
		return err
	}
	if rf.rrs.on {
		return runThreeRS(e, &rf.rrs, src, rf.level)
	}
	run, err := workflow.Reliability(src, workflow.ReliabilityOptions{Items: rf.items, Alpha: rf.alpha, Reverse: splitList(rf.reverse),
		Cumulative: rf.cumulative, Omega: rf.omega, NFactors: rf.nfactors, ICC: rf.icc, DropIncomplete: rf.dropIncomplete,
		Kappa: rf.kappa, Krippendorff: rf.kripp, Levels: splitList(rf.levels), Level: rf.level})
	if err != nil {
		return withOptionFlag(err, map[string]string{"Items": "--items", "Reverse": "--reverse", "Krippendorff": "--krippendorff", "NFactors": "--nfactors", "DropIncomplete": "--drop-incomplete", "Level": "--level"})
	}
	return e.emitRun(run, run.Output(), tidyCSV(run.Tidy(), ""))
}
