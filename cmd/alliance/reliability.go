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
		Use:   "reliability FILE --items a,b,c",
		Short: "Alpha, omega, ICC, Cohen/Fleiss kappa, Krippendorff's alpha and 3RS codes (psych's numbers)",
		Long: `Reliability of questionnaire items and of raters, as the R package psych
2.2.9 computes it:

  --alpha          Cronbach's alpha (raw and standardized), Guttman's lambda 6,
                   average inter-item r, item–total correlations, alpha if item
                   deleted, Feldt CI (psych::alpha); the default
  --omega          omega total and hierarchical via minres factoring, oblimin
                   rotation and the Schmid–Leiman transformation (psych::omega;
                   --nfactors 3)
  --icc            the six Shrout & Fleiss (1979) ICCs with F tests and CIs
                   (psych::ICC); columns = raters, rows = targets
  --kappa          Cohen's kappa (unweighted, linear, quadratic) for two rater
                   columns (psych::cohen.kappa); Fleiss' kappa for more
  --3rs            3RS rupture-resolution codes (Eubanks, Muran & Safran):
                   segment rows (session, segment, coder, marker counts
                   w_*, c_*, r_*, ratings rating_*) → session frequencies and
                   ratings per coder, ICCs and kappas across coders
  --krippendorff M Krippendorff's alpha, metric nominal, ordinal, interval or
                   ratio; missing ratings allowed

--items names the columns: a comma-separated list, or a prefix ending in *
(e.g. "wai*").`,
		Example: `  alliance reliability wai.csv --items "wai*" --reverse wai3,wai7
  alliance reliability ratings.csv --items r1,r2,r3,r4 --icc
  alliance reliability codes.csv --items coderA,coderB --kappa --krippendorff nominal`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return runReliability(e, rf, args) },
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
