package main

import (
	"io"
	"strings"

	"github.com/alliance-research/alliance/analysis/workflow"
	"github.com/alliance-research/alliance/datasets"
	"github.com/spf13/cobra"
)

// changeFlags are the flags of 'alliance change', bound to the workflow's
// options but for --plot and --patients.
type changeFlags struct {
	read     readFlags
	opt      workflow.ChangeOptions
	plot     string
	patients string
	hints    map[string]string // option → flag (optionFlags)
}

const changeDefaultDataset = workflow.ChangeExampleData

func newChangeCmd(e *env) *cobra.Command {
	cf := &changeFlags{}
	cmd := &cobra.Command{
		Use:     "change [FILE]",
		Short:   "Reliable change and clinically significant change (Jacobson & Truax; clinicalsignificance)",
		Long:    helpText("change", "long"),
		Example: helpText("change", "example"),
		Args:    changeArgs(cf),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runChange(e, cf, args)
		},
	}
	f := cmd.Flags()
	o := &cf.opt
	cf.read.register(cmd, changeDefaultDataset)
	bindOptions(cmd, o, workflow.ChangeFields())
	_ = f.MarkHidden("significance")
	aliases(cmd)
	betterVar(cmd, &o.HigherBetter, "which scores are improvement")
	figureVar(cmd, &cf.plot, "plot", "write the Jacobson–Truax plot (pre vs post, reliable-change band, cut-off) to `FILE` (.png, .svg, .pdf)")
	outputVar(cmd, &cf.patients, "patients", "write every patient's row (id, group, pre, post, change, rci, category) to `FILE` (.csv, .tsv or .parquet); JSON and text list the patients only up to 1,000")
	cf.hints = optionFlags(cmd, map[string]string{"MClinical": "--m-clinical and --sd-clinical", "Pre": "--pre and --post (or --wide PRE,POST)",
		"SDFunctional": "--m-functional and --sd-functional", "Wide": "--wide PRE,POST", "WideColumns": "--wide PRE,POST"}, &cf.opt)
	return cmd
}

// changeArgs accepts at most one FILE and points the switch form of --wide
// (before it took the two columns), which swallows the next flag, and an
// empty --wide to its spelling.
func changeArgs(cf *changeFlags) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if w := cf.opt.WideColumns; cmd.Flags().Changed("wide") && (len(w) == 0 || strings.HasPrefix(w[0], "-")) {
			return usagef("--wide %q: name the pre and post columns, --wide PRE,POST (e.g. --wide bdi_pre,bdi_post)", strings.Join(w, ","))
		}
		return cobra.MaximumNArgs(1)(cmd, args)
	}
}

func runChange(e *env, cf *changeFlags, args []string) error {
	opt := cf.opt
	if cf.read.isExample(args) {
		var note workflow.Note
		opt, note = workflow.ChangeExample(opt)
		e.infof("alliance: %s", note.Text)
	}
	opt.KeepPersons = cf.plot != "" || e.format == "csv" // the figure and the CSV table need every patient
	var run *workflow.ChangeRun
	err := withTables("", cf.patients, func(_, patW io.Writer) error {
		update, done := e.counter("reliable change")
		opt.Progress = update
		defer done()
		var err error
		run, err = readAndRun(e, &cf.read, args, changeDefaultDataset, []string{cf.patients},
			func(path string, ro datasets.ReadOptions) (*workflow.ChangeRun, error) {
				o := opt
				o.PatientsTo = patW // written as the patients are read
				return workflow.ChangeFile(path, ro, o)
			},
			func(src workflow.Source) (*workflow.ChangeRun, error) {
				r, werr := workflow.Change(src, opt)
				if werr == nil && patW != nil {
					werr = tableCSV(r.Tidy())(patW)
				}
				return r, werr
			})
		return err
	})
	if err != nil {
		return withOptionFlag(err, cf.hints)
	}
	if cf.patients != "" {
		e.infof("wrote %s", cf.patients)
	}
	if err := e.saveNamedFigure(run.Section(), "jacobson-truax", cf.plot); err != nil {
		return err
	}
	return e.emitRun(run, run, tableCSV(run.Tidy()))
}
