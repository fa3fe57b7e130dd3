package main

import (
	"io"

	"github.com/alliance-research/alliance/analysis/change"
	"github.com/alliance-research/alliance/analysis/jsonout"
	"github.com/alliance-research/alliance/analysis/workflow"
	"github.com/spf13/cobra"
)

// changeFlags are the flags of 'alliance change'.
type changeFlags struct {
	read                       readFlags
	pre, post                  string // wide: column names; long: time values
	id, time, score, group     string
	approach, method, better   string
	reliability, reliabilityPo optFloat
	significance, level        float64
	cutoffType                 string
	mFunc, sdFunc              optFloat
	mClin, sdClin              optFloat
	bFunctionalSD              bool
	pctImprove, pctDeteriorate optFloat
	persons, wide              bool
	plot                       string
}

const changeDefaultDataset = "claus2020"

func newChangeCmd(e *env) *cobra.Command {
	cf := &changeFlags{}
	cmd := &cobra.Command{
		Use:   "change [FILE]",
		Short: "Reliable change and clinically significant change (Jacobson & Truax; clinicalsignificance)",
		Long: `Classifies each patient's pre–post change as recovered, improved, unchanged,
deteriorated or harmed, as the R package clinicalsignificance does:

  --approach distribution   reliable change only (RCI methods JT, GLN, HLL, EN, NK, HA, HLM)
  --approach combined       reliable change and a clinical cutoff (a, b or c)
  --approach statistical    the cutoff only
  --approach percentage     a percentage change criterion

Data: long (one row per patient and time point: --patient, --session,
--outcome, with --pre and --post naming the two time values; default the
first and last observed score of each patient) or wide (one row per patient:
--pre and --post name two columns, give --wide).

Without FILE the embedded claus2020 data are analysed as clinicalsignificance's
documented example: cs_combined(claus_2020, id, time, hamd, pre = 1, post = 4,
reliability = 0.8, m_functional = 8, sd_functional = 8, cutoff_type = "c").`,
		Example: `  alliance change                                  # embedded example
  alliance change outcomes.csv --patient patient --session session --outcome phq9 --pre 1 --post 12 --reliability .84 --approach combined --cutoff-type a
  alliance change prepost.csv --wide --pre bdi_pre --post bdi_post --reliability .9 --better lower`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runChange(e, cmd, cf, args)
		},
	}
	f := cmd.Flags()
	cf.read.register(cmd, changeDefaultDataset)
	f.StringVar(&cf.id, "patient", "", "patient id column (default: id, patient or subject)")
	f.StringVar(&cf.time, "session", "", "long data: time (session) column (default: time, session or wave)")
	f.StringVar(&cf.score, "outcome", "", "long data: outcome column (default: outcome or score)")
	// the older spellings, kept as hidden aliases
	f.StringVar(&cf.id, "id", "", "alias of --patient")
	f.StringVar(&cf.time, "time", "", "alias of --session")
	f.StringVar(&cf.score, "score", "", "alias of --outcome")
	for _, a := range []string{"id", "time", "score"} {
		_ = f.MarkHidden(a)
	}
	f.StringVar(&cf.pre, "pre", "", "long: the time value of the pre measurement; wide: the pre column")
	f.StringVar(&cf.post, "post", "", "long: the time value of the post measurement; wide: the post column")
	f.BoolVar(&cf.wide, "wide", false, "one row per patient with --pre and --post columns")
	f.StringVar(&cf.group, "group", "", "column with a group label (e.g. treatment) for group summaries")
	f.StringVar(&cf.approach, "approach", "", "distribution, combined, statistical or percentage (default: combined when functional norms are given, else distribution)")
	f.StringVar(&cf.method, "method", "JT", "reliable change index: JT, GLN, HLL, EN, NK, HA or HLM")
	f.StringVar(&cf.better, "better", "lower", "which direction is improvement: lower or higher scores")
	f.Var(&cf.reliability, "reliability", "reliability of the measure (test–retest or alpha), between 0 and 1")
	f.Var(&cf.reliabilityPo, "reliability-post", "NK: reliability of the post measurement (default: --reliability)")
	f.Float64Var(&cf.level, "level", 95, "confidence level of the reliable change criterion in percent (95: |RCI| > 1.96)")
	f.Float64Var(&cf.significance, "significance", 0.05, "significance level of the reliable change criterion (1 − level)")
	_ = f.MarkHidden("significance")
	f.StringVar(&cf.cutoffType, "cutoff-type", "a", "clinical cutoff: a (2 SD beyond the clinical mean), b (2 SD within the functional mean), c (between the two)")
	f.Var(&cf.mFunc, "m-functional", "mean of the functional (non-clinical) population")
	f.Var(&cf.sdFunc, "sd-functional", "SD of the functional population")
	f.Var(&cf.mClin, "m-clinical", "mean of the clinical population (default: the mean of the pre scores)")
	f.Var(&cf.sdClin, "sd-clinical", "SD of the clinical population (default: the SD of the pre scores)")
	f.BoolVar(&cf.bFunctionalSD, "b-functional-sd", false, "cutoff b with the functional SD, as Jacobson & Truax (1991) define it (clinicalsignificance uses the clinical SD)")
	f.Var(&cf.pctImprove, "pct-improvement", "percentage approach: proportion of change that counts as improvement (e.g. .5)")
	f.Var(&cf.pctDeteriorate, "pct-deterioration", "percentage approach: proportion that counts as deterioration (default: --pct-improvement)")
	f.StringVar(&cf.plot, "plot", "", "write the Jacobson–Truax plot (pre vs post, reliable-change band, cut-off) to `FILE` (.png, .svg, .pdf)")
	f.BoolVar(&cf.persons, "persons", false, "list every patient (text and Markdown; JSON and CSV always do)")
	return cmd
}

// changeOptionFlags names the flag of each ChangeOptions field, for hints.
var changeOptionFlags = map[string]string{"Method": "--method", "Approach": "--approach", "CutoffType": "--cutoff-type",
	"MClinical": "--m-clinical and --sd-clinical", "PctImprovement": "--pct-improvement", "Reliability": "--reliability",
	"Pre": "--pre and --post", "SDFunctional": "--m-functional and --sd-functional", "Level": "--level"}

func runChange(e *env, cmd *cobra.Command, cf *changeFlags, args []string) error {
	if err := checkFigurePath("--plot", cf.plot); err != nil {
		return err
	}
	if len(args) == 0 && cf.read.dataset == "" {
		// The documented example of clinicalsignificance on claus2020.
		set := func(name, val string) {
			if !cmd.Flags().Changed(name) {
				_ = cmd.Flags().Set(name, val)
			}
		}
		if !cmd.Flags().Changed("score") {
			set("outcome", "hamd")
		}
		set("pre", "1")
		set("post", "4")
		set("reliability", "0.8")
		set("m-functional", "8")
		set("sd-functional", "8")
		set("cutoff-type", "c")
		e.infof("alliance: example settings: --outcome hamd --pre 1 --post 4 --reliability 0.8 --m-functional 8 --sd-functional 8 --cutoff-type c")
	}
	opt := workflow.ChangeOptions{Patient: cf.id, Time: cf.time, Score: cf.score, Group: cf.group, Wide: cf.wide, Pre: cf.pre, Post: cf.post,
		Approach: cf.approach, Method: cf.method, CutoffType: cf.cutoffType, BFunctionalSD: cf.bFunctionalSD, Persons: cf.persons,
		Reliability: cf.reliability.value(), ReliabilityPost: cf.reliabilityPo.value(), MFunctional: cf.mFunc.value(), SDFunctional: cf.sdFunc.value(),
		MClinical: cf.mClin.value(), SDClinical: cf.sdClin.value(), PctImprovement: cf.pctImprove.value(), PctDeterioration: cf.pctDeteriorate.value()}
	better, err := change.ParseBetter(cf.better)
	if err != nil {
		return usagef("--better %q: give lower or higher", cf.better)
	}
	opt.HigherBetter = better == change.Higher
	level, err := parseLevel(cf.level)
	if err != nil {
		return err
	}
	opt.Level = level
	if cmd.Flags().Changed("significance") {
		if cmd.Flags().Changed("level") {
			return usagef("give --level or --significance, not both")
		}
		opt.Level = 1 - cf.significance
	}
	src, err := cf.read.load(e, args, changeDefaultDataset)
	if err != nil {
		return err
	}
	stop := e.busy("reliable change")
	run, err := workflow.Change(e.describe(src), opt)
	stop()
	if err != nil {
		return withOptionFlag(err, changeOptionFlags)
	}
	if cf.plot != "" {
		if err := e.saveNamedFigure(run.Section(), "jacobson-truax", cf.plot); err != nil {
			return err
		}
	}
	return e.emit(func(w io.Writer) error {
		switch e.format {
		case "json":
			return jsonout.Write(w, run)
		case "csv":
			return renderCSV(w, &workflow.Section{Blocks: []workflow.Block{run.Tidy()}}, "")
		}
		renderNotes(w, run.TopNotes())
		return renderSection(w, e.format, run.Section())
	})
}
