package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/alliance-research/alliance/cmd/internal/flagx"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// env carries the process streams and the global flags to every subcommand.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer

	format string // text, json, csv, markdown
	out    string // --out FILE ("" = stdout)
	quiet  bool
	// maxBytes bounds the bytes read from one input (--max-bytes; 0 =
	// datasets.DefaultMaxBytes).
	maxBytes int64

	// tablesDir: --format csv with --out naming a directory, into which a
	// command of several tidy tables writes one file each (tablesTo).
	tablesDir bool
	// inputs are the files read by the command: no output may replace one.
	inputs []string
}

// infof writes an informational line to stderr unless --quiet is set.
func (e *env) infof(format string, a ...any) {
	if e.quiet {
		return
	}
	fmt.Fprintf(e.stderr, format+"\n", a...)
}

// subcommands are alliance's commands, in the order help lists them.
var subcommands = []struct {
	name  string
	build func(*env) *cobra.Command
}{
	{"version", newVersionCmd}, {"datasets", newDatasetsCmd}, {"simulate", newSimulateCmd},
	{"meta", newMetaCmd}, {"change", newChangeCmd}, {"gains", newGainsCmd},
	{"reliability", newReliabilityCmd}, {"score", newScoreCmd}, {"ruptures", newRupturesCmd},
	{"lmm", newLmmCmd}, {"sessions", newSessionsCmd}, {"panel", newPanelCmd},
	{"ipd", newIPDCmd}, {"report", newReportCmd}, {"serve", newServeCmd},
}

// newRootCmd builds the command tree with every subcommand.
func newRootCmd(e *env) *cobra.Command { return newRootCmdFor(e, nil) }

// newRootCmdFor builds the command tree for the command line args: with
// only the subcommand args[0] when it names one, else with all of them.
func newRootCmdFor(e *env, args []string) *cobra.Command {
	only := ""
	if len(args) > 0 {
		for _, c := range subcommands {
			if c.name == args[0] {
				only = c.name
			}
		}
	}
	root := &cobra.Command{
		Use:           "alliance",
		Short:         "Alliance–outcome research: meta-analysis, session models, ruptures, change, reliability",
		Long:          helpText("alliance", "long"),
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
			e.noteInputs(cmd, args)
			e.tablesDir = e.csvDir(cmd)
			if err := flagx.Finite(cmd); err != nil {
				return usageError{err}
			}
			return e.checkOutputFlags(cmd)
		},
	}
	pf := root.PersistentFlags()
	pf.StringVar(&e.format, "format", "text", "output format: text, json, csv or markdown (CSV cells starting with =, +, - or @ that are not numbers get a leading ', so a spreadsheet shows them as text)")
	pf.StringVar(&e.out, "out", "", "write results to `FILE` (atomically) instead of standard output; with --format csv, an existing directory gets one NAME.csv per table (meta, lmm, panel, reliability, ipd)")
	flagx.MarkOutput(pf, "out")
	pf.BoolVarP(&e.quiet, "quiet", "q", false, "print no notes on standard error")
	pf.Var(flagx.ByteSize{V: &e.maxBytes}, "max-bytes", "read at most this many bytes from one input, e.g. 500MB or 4GiB")
	_ = root.RegisterFlagCompletionFunc("format", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return []string{"text", "json", "csv", "markdown"}, cobra.ShellCompDirectiveNoFileComp
	})
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		var iv *pflag.InvalidValueError
		if errors.As(err, &iv) && iv.GetFlag().Value.Type() == "bool" {
			return usageError{fmt.Errorf("--%s is a switch and takes no value (given %q): write --%s alone (see '%s --help')", iv.GetFlag().Name, iv.GetValue(), iv.GetFlag().Name, c.CommandPath())}
		}
		return usageError{fmt.Errorf("%w (see '%s --help')", err, c.CommandPath())}
	})

	// Only the subcommand named first is built when it is one (building
	// all fifteen, with their flags and help, is a millisecond of start-up);
	// anything else (help, completion, a typo to suggest for) gets them all.
	for _, c := range subcommands {
		if only == "" || c.name == only {
			root.AddCommand(c.build(e))
		}
	}
	root.Version = version
	root.SetVersionTemplate("alliance {{.Version}}\n")
	flagx.HideUnsetDefaults(root)
	return root
}

// inputFlags are the flags that name a file the command reads.
var inputFlags = map[string]bool{"studies": true, "sessions": true, "key": true}

// noteInputs records the files the command will read (its FILE argument and
// input flags) before any output path is checked, so that no output can be
// one of them (sessions d.csv --export d.csv used to replace its input).
func (e *env) noteInputs(cmd *cobra.Command, args []string) {
	for _, a := range args {
		if a != "-" && a != "" && !(cmd.HasParent() && cmd.Parent().Name() == "datasets") { // datasets' arguments are names
			e.inputs = append(e.inputs, a)
		}
	}
	cmd.Flags().Visit(func(f *pflag.Flag) {
		if v := f.Value.String(); inputFlags[f.Name] && v != "" && v != "-" {
			e.inputs = append(e.inputs, v)
		}
	})
}

// checkOutputFlags applies checkOutputs to every output flag cmd was given
// (flagx.IsOutput; report's --out is a directory, checked by the report
// itself).
func (e *env) checkOutputFlags(cmd *cobra.Command) error {
	var paths []string
	cmd.Flags().Visit(func(f *pflag.Flag) {
		if flagx.IsOutput(f) && !(f.Name == "out" && (cmd.Name() == "report" || cmd.Name() == "serve")) {
			paths = append(paths, f.Value.String())
		}
	})
	return e.checkOutputs(paths...)
}
