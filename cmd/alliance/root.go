package main

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"
)

// env carries the process streams and the global flags to every subcommand.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer

	format string // text, json, csv, markdown
	out    string // --out FILE ("" = stdout)
	quiet  bool
}

// infof writes an informational line to stderr unless --quiet is set.
func (e *env) infof(format string, a ...any) {
	if e.quiet {
		return
	}
	fmt.Fprintf(e.stderr, format+"\n", a...)
}

func newRootCmd(e *env) *cobra.Command {
	root := &cobra.Command{
		Use:   "alliance",
		Short: "Alliance–outcome research: meta-analysis, session models, ruptures, change, reliability",
		Long: `alliance is a toolkit for psychotherapy alliance–outcome research.

It pools study-level alliance–outcome correlations with the estimators of
metafor, and works on session-by-session data. Every number is checked
against the R reference implementations.

Output: --format text (default; APA-style), json, csv or markdown; --out FILE
writes atomically. Exit codes: 0 success, 1 analysis failed, 2 bad usage or
bad input.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			switch e.format {
			case "text", "json", "csv", "markdown", "md":
			default:
				return usagef("--format %q is not one of text, json, csv, markdown", e.format)
			}
			if e.format == "md" {
				e.format = "markdown"
			}
			return nil
		},
	}
	pf := root.PersistentFlags()
	pf.StringVar(&e.format, "format", "text", "output format: text, json, csv or markdown")
	pf.StringVar(&e.out, "out", "", "write results to `FILE` (atomically) instead of standard output")
	pf.BoolVarP(&e.quiet, "quiet", "q", false, "print no notes on standard error")
	_ = root.RegisterFlagCompletionFunc("format", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return []string{"text", "json", "csv", "markdown"}, cobra.ShellCompDirectiveNoFileComp
	})
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return usageError{fmt.Errorf("%w (see 'alliance %s --help')", err, c.Name())}
	})

	root.AddCommand(
		newVersionCmd(e),
		newDatasetsCmd(e),
		newSimulateCmd(e),
		newMetaCmd(e),
		newChangeCmd(e),
		newGainsCmd(e),
		newReliabilityCmd(e),
		newScoreCmd(e),
		newRupturesCmd(e),
		newLmmCmd(e),
		newSessionsCmd(e),
		newReportCmd(e),
	)
	return root
}
