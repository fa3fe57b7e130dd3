package main

import (
	"fmt"
	"io"
	"os"
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
	var key measures.Key
	var err error
	switch {
	case sf.key != "" && sf.measure != "":
		return usagef("give --measure or --key, not both")
	case sf.key != "":
		f, oerr := os.Open(sf.key)
		if oerr != nil {
			return usagef("cannot read the key: %v", oerr)
		}
		key, err = measures.LoadKey(f)
		f.Close()
		if err != nil {
			return usageError{fmt.Errorf("%s: %w", sf.key, err)}
		}
	case sf.measure != "":
		if key, err = measures.Get(sf.measure); err != nil {
			return usageError{err}
		}
	default:
		return usagef("give the scoring key: --measure NAME (see --list) or --key FILE")
	}
	if sf.items == "" {
		return usagef("name the %d item columns of %s in order with --items (a list, or a prefix ending in *)", key.Items, key.Name)
	}
	src, err := sf.read.source(e, args, "")
	if err != nil {
		return err
	}
	run, err := workflow.Score(src, key, workflow.ScoreOptions{Items: sf.items, ID: sf.id, MaxMissing: sf.maxMissing, AllowIncomplete: sf.allowIncomplete})
	if err != nil {
		return withOptionFlag(err, map[string]string{"Items": "--items", "ID": "--patient"})
	}
	return e.emitRun(run, run.Output(), func(w io.Writer) error { return textout.SectionCSV(w, run.Section(), "scores") })
}
