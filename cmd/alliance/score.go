package main

import (
	"io"
	"strings"

	"github.com/alliance-research/alliance/analysis/workflow"
	"github.com/alliance-research/alliance/plots/textout"

	"github.com/alliance-research/alliance/analysis/measures"
	"github.com/spf13/cobra"
)

// scoreFlags are the flags of 'alliance score'.
type scoreFlags struct {
	read            readFlags
	measure, key    string
	items, id       string
	maxMissing      float64
	allowIncomplete bool
	list            bool
}

func newScoreCmd(e *env) *cobra.Command {
	sf := &scoreFlags{}
	cmd := &cobra.Command{
		Use:     "score FILE --measure NAME --items COLUMNS",
		Short:   "Score questionnaire items into scale and subscale totals (WAI-SR, PHQ-9, ...)",
		Long:    helpText("score", "long"),
		Example: helpText("score", "example"),
		Args:    cobra.MaximumNArgs(1),
		RunE:    func(cmd *cobra.Command, args []string) error { return runScore(e, sf, args) },
	}
	f := cmd.Flags()
	sf.read.register(cmd, "")
	f.StringVar(&sf.measure, "measure", "", "built-in key: "+strings.Join(measures.Measures(), ", "))
	f.StringVar(&sf.key, "key", "", "your own scoring key (JSON or YAML `FILE`) instead of --measure")
	f.StringVar(&sf.items, "items", "", "item columns in key order: a list, or a prefix ending in *")
	f.StringVar(&sf.id, "patient", "", "patient id column to carry into the output (default: id or patient if present)")
	aliases(cmd)
	f.Float64Var(&sf.maxMissing, "max-missing", 0, "largest share of a scale's items that may be missing (prorated), e.g. .2")
	f.BoolVar(&sf.allowIncomplete, "allow-incomplete", false, "score with a key marked incomplete (unverified reversed items etc.)")
	f.BoolVar(&sf.list, "list", false, "list the built-in keys and exit")
	_ = cmd.RegisterFlagCompletionFunc("measure", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return measures.Measures(), cobra.ShellCompDirectiveNoFileComp
	})
	return cmd
}

func runScore(e *env, sf *scoreFlags, args []string) error {
	if sf.list {
		keys, t := workflow.ScoringKeys()
		return e.emitRun(noNotes{t}, keys, tableCSV(t))
	}
	hints := map[string]string{"Items": "--items", "ID": "--patient", "Measure": "--measure NAME (see --list) or --key FILE", "Key": "--key FILE"}
	key, err := workflow.ScoringKey(sf.measure, sf.key)
	if err != nil {
		return withOptionFlag(err, hints)
	}
	src, err := sf.read.source(e, args, "")
	if err != nil {
		return err
	}
	run, err := workflow.Score(src, key, workflow.ScoreOptions{Items: sf.items, ID: sf.id, MaxMissing: sf.maxMissing, AllowIncomplete: sf.allowIncomplete})
	if err != nil {
		return withOptionFlag(err, hints)
	}
	return e.emitRun(run, run.Output(), func(w io.Writer) error { return textout.SectionCSV(w, run.Section(), "scores") })
}
