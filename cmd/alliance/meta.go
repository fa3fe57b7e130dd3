package main

import (
	"io"

	"github.com/alliance-research/alliance/analysis/workflow"
	"github.com/alliance-research/alliance/plots/textout"
	"github.com/spf13/cobra"
)

// metaFlags are the flags of 'alliance meta', bound to the workflow's
// options (every analysis decision is workflow.Meta's); the rest are the
// command line's own: the table to print, the files to write.
type metaFlags struct {
	read              readFlags
	opt               workflow.MetaOptions
	bayes             workflow.BayesOptions
	bayesOn           bool
	predict, newscale string
	table, aggOut     string
	goshTable         string
	figures           map[string]*string // figure name → --flag value (path)
	set               func(string) bool
	hints             map[string]string // option → flag (optionFlags)
}

const metaDefaultDataset = workflow.MetaExampleData

func newMetaCmd(e *env) *cobra.Command {
	mf := &metaFlags{figures: map[string]*string{}}
	cmd := &cobra.Command{
		Use:     "meta [FILE]",
		Short:   "Meta-analysis of correlations or precomputed effect sizes (metafor's rma)",
		Long:    helpText("meta", "long"),
		Example: helpText("meta", "example"),
		Args:    cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			mf.set = cmd.Flags().Changed
			return runMeta(e, mf, args)
		},
	}
	f, o := cmd.Flags(), &mf.opt
	mf.read.register(cmd, metaDefaultDataset)
	bindOptions(cmd, o, workflow.MetaFields())
	bindOptions(cmd, &mf.bayes, workflow.BayesFields())
	f.StringVar(&mf.predict, "predict", "", "meta-regression predictions at moderator values: points separated by ';', each `year=2010,rater=patient` (factors by level name), as metafor predict(res, newmods)")
	f.StringVar(&mf.newscale, "newscale", "", "with --scale: τ² predicted at scale values, points separated by ';', each `rater=patient,year=2010`, as predict(res, newscale, transf = exp)")
	f.StringVar(&mf.table, "table", "", "with --format csv: which table (coefficients, heterogeneity, subgroups, influence, influence-effects, leave1out, cumulative, robust, aggregated, studies, compare; default the first)")
	outputVar(cmd, &mf.aggOut, "aggregate-out", "also write the aggregated table as CSV to `FILE`")
	f.BoolVar(&mf.bayesOn, "bayes", false, "Bayesian random-effects meta-analysis: posterior of μ, τ and a new study's effect, Bayes factors for μ = 0 and τ = 0, model averaging (bayesmeta/metaBMA)")
	for _, ff := range workflow.MetaFigureFields() {
		p := new(string)
		mf.figures[ff.Name] = p
		figureVar(cmd, p, ff.Name, ff.Usage)
	}
	outputVar(cmd, &mf.goshTable, "gosh-table", "with --gosh: also write every subset's k, QE, I2, H2, tau2, estimate and 0/1 inclusion columns as CSV to `FILE` (gosh()$res and $incl)")
	mf.hints = optionFlags(cmd, map[string]string{"Figures": "--cumulative-forest/--bubble", "Bayes": "--bayes", "BMAPrior": "--bayes",
		"Predict": "--predict", "NewScale": "--newscale", "Tau2Profile": "--profile-plot", "Gosh": "--gosh"}, &mf.opt, &mf.bayes)
	return cmd
}

// options returns the workflow's options of the flags: the figures asked
// for, the points parsed, and the Bayesian analysis when any of its flags
// is given (and --bayes is not false).
func (mf *metaFlags) options() (workflow.MetaOptions, error) {
	o := mf.opt
	o.RhoSet = mf.set("rho")
	for _, ff := range workflow.MetaFigureFields() {
		if *mf.figures[ff.Name] != "" {
			o.Figures = append(o.Figures, ff.Figure)
		}
	}
	given := mf.set("posterior-plot")
	for _, fd := range workflow.BayesFields() {
		given = given || mf.set(fd.Name)
	}
	o.Bayes = workflow.AskBayes(mf.bayes, mf.bayesOn, mf.set("bayes"), given)
	var err error
	if o.Predict, err = workflow.ParsePredict(mf.predict); err == nil {
		o.NewScale, err = workflow.ParsePoints("NewScale", mf.newscale)
	}
	return o, withOptionFlag(err, mf.hints)
}

func runMeta(e *env, mf *metaFlags, args []string) error {
	if err := selModelTypeAsFile(mf, args); err != nil {
		return err
	}
	src, err := mf.read.source(e, args, metaDefaultDataset)
	if err != nil {
		return err
	}
	outs := []string{e.out, mf.aggOut, mf.goshTable}
	for _, ff := range workflow.MetaFigureFields() {
		outs = append(outs, *mf.figures[ff.Name])
	}
	if err = e.checkOutputs(outs...); err != nil {
		return err
	}
	opt, err := mf.options()
	if err != nil {
		return err
	}
	if mf.goshTable != "" && !opt.RunsGosh() {
		return usagef("--gosh-table needs --gosh FILE (the GOSH analysis and its plot)")
	}
	var done func()
	if opt.Permutations > 0 || opt.Exact {
		opt.Progress, done = e.progress(max(opt.Permutations, 1), "permutations")
	}
	var goshDone func()
	if opt.RunsGosh() {
		opt.GoshProgress, goshDone = e.lazyProgress("GOSH subset fits")
	}
	run, err := workflow.Meta(src, opt)
	if done != nil {
		done()
	}
	if goshDone != nil {
		goshDone()
	}
	if err != nil {
		return withOptionFlag(err, mf.hints)
	}
	if mf.aggOut != "" && run.Aggregated != nil {
		if err := writeTable(mf.aggOut, run.Aggregated.WriteCSV); err != nil {
			return err
		}
		e.infof("wrote the aggregated table (%d clusters) to %s", len(run.Aggregated.Rows), mf.aggOut)
	}
	if mf.goshTable != "" && run.Gosh != nil {
		if err := writeTable(mf.goshTable, run.Gosh.WriteCSV); err != nil {
			return err
		}
		e.infof("wrote the GOSH table (%d subsets) to %s", run.Gosh.Subsets, mf.goshTable)
	}
	if err := e.saveSectionFigures(run.Section(), func(name string) string {
		if ff, ok := workflow.MetaFigureFieldOf(name); ok {
			return *mf.figures[ff.Name]
		}
		return ""
	}); err != nil {
		return err
	}
	rcode := func(w io.Writer) {
		if opt.RCode {
			textout.RCode(w, textout.Format(e.format), run.Steps())
		}
	}
	return e.emitRun(run, run.Output(), tidyCSV(run.Tidy(), mf.table), rcode)
}
