package main

import (
	"strings"

	"github.com/alliance-research/alliance/analysis/workflow"
	"github.com/spf13/cobra"
)

// changeFlags are the flags of 'alliance change'.
type changeFlags struct {
	read                       readFlags
	pre, post                  string // wide: column names; long: time values
	id, time, score, group     string
	approach, method           string
	higher                     bool
	reliability, reliabilityPo *float64
	significance, level        float64
	cutoffType                 string
	mFunc, sdFunc              *float64
	mClin, sdClin              *float64
	bFunctionalSD              bool
	pctImprove, pctDeteriorate *float64
	persons                    bool
	wide                       string
	plot                       string
}

const changeDefaultDataset = "claus2020"

func newChangeCmd(e *env) *cobra.Command {
	cf := &changeFlags{}
	cmd := &cobra.Command{
		Use:     "change [FILE]",
		Short:   "Reliable change and clinically significant change (Jacobson & Truax; clinicalsignificance)",
		Long:    helpText("change", "long"),
		Example: helpText("change", "example"),
		Args:    changeArgs(cf),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runChange(e, cmd, cf, args)
		},
	}
	f := cmd.Flags()
	cf.read.register(cmd, changeDefaultDataset)
	f.StringVar(&cf.id, "patient", "", "patient id column (default: id, patient or subject)")
	f.StringVar(&cf.time, "session", "", "long data: time (session) column (default: time, session or wave)")
	f.StringVar(&cf.score, "outcome", "", "outcome column (default: outcome or score)")
	aliases(cmd)
	f.StringVar(&cf.pre, "pre", "", "long data: the time value of the pre measurement (default: each patient's first)")
	f.StringVar(&cf.post, "post", "", "long data: the time value of the post measurement (default: each patient's last)")
	f.StringVar(&cf.wide, "wide", "", "wide data, one row per patient: the pre and post columns, `PRE,POST`")
	f.StringVar(&cf.group, "group", "", "column with a group label (e.g. treatment) for group summaries")
	f.StringVar(&cf.approach, "approach", "", "distribution, combined, statistical or percentage (default: combined when functional norms are given, else distribution)")
	f.StringVar(&cf.method, "method", "JT", "reliable change index: JT, GLN, HLL, EN, NK, HA or HLM")
	betterVar(cmd, &cf.higher, "which scores are improvement")
	numVar(cmd, &cf.reliability, "reliability", "reliability of the measure (test–retest or alpha), between 0 and 1")
	numVar(cmd, &cf.reliabilityPo, "reliability-post", "NK: reliability of the post measurement (default: --reliability)")
	levelVar(cmd, &cf.level, "the reliable change criterion (95: |RCI| > 1.96)")
	f.Float64Var(&cf.significance, "significance", 0.05, "significance level of the reliable change criterion (1 − level)")
	_ = f.MarkHidden("significance")
	f.StringVar(&cf.cutoffType, "cutoff-type", "", "clinical cutoff (default a): a (2 SD beyond the clinical mean), b (2 SD within the functional mean), c (between the two)")
	numVar(cmd, &cf.mFunc, "m-functional", "mean of the functional (non-clinical) population")
	numVar(cmd, &cf.sdFunc, "sd-functional", "SD of the functional population")
	numVar(cmd, &cf.mClin, "m-clinical", "mean of the clinical population (default: the mean of the pre scores)")
	numVar(cmd, &cf.sdClin, "sd-clinical", "SD of the clinical population (default: the SD of the pre scores)")
	f.BoolVar(&cf.bFunctionalSD, "b-functional-sd", false, "cutoff b with the functional SD, as Jacobson & Truax (1991) define it (clinicalsignificance uses the clinical SD)")
	numVar(cmd, &cf.pctImprove, "pct-improvement", "percentage approach: proportion of change that counts as improvement (e.g. .5)")
	numVar(cmd, &cf.pctDeteriorate, "pct-deterioration", "percentage approach: proportion that counts as deterioration (default: --pct-improvement)")
	figureVar(cmd, &cf.plot, "plot", "write the Jacobson–Truax plot (pre vs post, reliable-change band, cut-off) to `FILE` (.png, .svg, .pdf)")
	f.BoolVar(&cf.persons, "persons", false, "list every patient (text and Markdown; JSON and CSV always do)")
	return cmd
}

// changeOptionFlags names the flag of each ChangeOptions field, for hints.
var changeOptionFlags = map[string]string{"Method": "--method", "Approach": "--approach", "CutoffType": "--cutoff-type",
	"MClinical": "--m-clinical and --sd-clinical", "PctImprovement": "--pct-improvement", "Reliability": "--reliability",
	"Pre": "--pre and --post (or --wide PRE,POST)", "SDFunctional": "--m-functional and --sd-functional", "Level": "--level"}

// changeArgs accepts at most one FILE and points the switch form of --wide
// (before it took the two columns) to its new spelling.
func changeArgs(cf *changeFlags) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if w := cf.wide; w != "" && (strings.HasPrefix(w, "-") || len(splitList(w)) != 2) {
			return usagef("--wide %s: name the pre and post columns, --wide PRE,POST (e.g. --wide bdi_pre,bdi_post)", w)
		}
		return cobra.MaximumNArgs(1)(cmd, args)
	}
}

func runChange(e *env, cmd *cobra.Command, cf *changeFlags, args []string) error {
	opt := workflow.ChangeOptions{Patient: cf.id, Time: cf.time, Score: cf.score, Group: cf.group, Pre: cf.pre, Post: cf.post,
		Approach: cf.approach, Method: cf.method, CutoffType: cf.cutoffType, BFunctionalSD: cf.bFunctionalSD, Persons: cf.persons,
		Reliability: cf.reliability, ReliabilityPost: cf.reliabilityPo, MFunctional: cf.mFunc, SDFunctional: cf.sdFunc,
		MClinical: cf.mClin, SDClinical: cf.sdClin, PctImprovement: cf.pctImprove, PctDeterioration: cf.pctDeteriorate,
		HigherBetter: cf.higher, Level: cf.level}
	if cols := splitList(cf.wide); len(cols) == 2 {
		if cf.pre != "" || cf.post != "" {
			return usagef("--wide names the pre and post columns; give --pre and --post only with long data")
		}
		opt.Wide, opt.Pre, opt.Post = true, cols[0], cols[1]
	}
	if cmd.Flags().Changed("significance") {
		if cmd.Flags().Changed("level") {
			return usagef("give --level or --significance, not both")
		}
		if !(cf.significance > 0 && cf.significance < 1) {
			return usagef("--significance %v: give a significance level between 0 and 1 (e.g. 0.05)", cf.significance)
		}
		opt.Level = 1 - cf.significance
	}
	if cf.read.isExample(args) {
		var note workflow.Note
		opt, note = workflow.ChangeExample(opt)
		e.infof("alliance: %s", note.Text)
	}
	src, err := cf.read.source(e, args, changeDefaultDataset)
	if err != nil {
		return err
	}
	stop := e.busy("reliable change")
	run, err := workflow.Change(src, opt)
	stop()
	if err != nil {
		return withOptionFlag(err, changeOptionFlags)
	}
	if err := e.saveNamedFigure(run.Section(), "jacobson-truax", cf.plot); err != nil {
		return err
	}
	return e.emitRun(run, run, tableCSV(run.Tidy()))
}
