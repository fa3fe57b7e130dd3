package main

import (
	"fmt"

	"github.com/alliance-research/alliance/analysis/workflow"
	"github.com/alliance-research/alliance/cmd/internal/flagx"
	"github.com/alliance-research/alliance/datasets"
	"github.com/spf13/cobra"
)

// The flags several commands share, registered and parsed in one place so
// that one concept has one spelling and one meaning everywhere (DESIGN.md).

// readFlags are the file-reading flags of every command that takes a FILE.
type readFlags struct {
	delimiter, decimal, sheet, na, dataset, encoding string
}

func (rf *readFlags) register(cmd *cobra.Command, defaultDataset string) {
	f := cmd.Flags()
	to := map[string]*string{"delimiter": &rf.delimiter, "decimal": &rf.decimal, "sheet": &rf.sheet, "na": &rf.na, "encoding": &rf.encoding}
	for _, fd := range workflow.ReadFields {
		fieldVar(cmd, to[fd.Name], fd)
	}
	help := "use the embedded dataset `NAME` instead of FILE (see 'alliance datasets list')"
	if defaultDataset != "" {
		help += "; default without FILE: " + defaultDataset
	}
	f.StringVar(&rf.dataset, "dataset", "", help)
	_ = cmd.RegisterFlagCompletionFunc("dataset", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		var names []string
		for _, in := range datasets.List() {
			names = append(names, in.Name+"\t"+in.Title)
		}
		return names, cobra.ShellCompDirectiveNoFileComp
	})
}

// options converts the flags into datasets.ReadOptions.
func (rf *readFlags) options() (datasets.ReadOptions, error) {
	o, err := workflow.ReadText{Delimiter: rf.delimiter, Decimal: rf.decimal, NA: rf.na, Sheet: rf.sheet, Encoding: rf.encoding}.Options()
	return o, withOptionFlag(err, map[string]string{"Delimiter": "--delimiter", "Decimal": "--decimal"})
}

// source reads FILE (args[0]; "-" is standard input), or the --dataset,
// or the command's default embedded dataset (announced on stderr), and
// describes it for the workflow.
func (rf *readFlags) source(e *env, args []string, defaultDataset string) (workflow.Source, error) {
	opt, err := rf.options()
	if err != nil {
		return workflow.Source{}, err
	}
	opt.MaxBytes = e.maxBytes
	if len(args) > 0 && rf.dataset != "" { // refused by the workflow
		return e.readInput(args[0], rf.dataset, nil, opt)
	}
	name := rf.dataset
	if len(args) == 0 && name == "" {
		if defaultDataset == "" {
			return workflow.Source{}, usagef("no input: give a FILE (or - for standard input) or --dataset NAME")
		}
		name = defaultDataset
	}
	if name != "" {
		if rf.dataset == "" {
			note, nerr := workflow.ExampleNote(name)
			if nerr != nil {
				return workflow.Source{}, nerr
			}
			e.infof("alliance: %s", note.Text)
		}
		return e.readInput("", name, nil, opt)
	}
	ws, err := e.readInput(args[0], "", nil, opt)
	if err != nil {
		return ws, err
	}
	for _, n := range ws.Notes {
		e.infof("alliance: %s", n.Text)
	}
	return ws, nil
}

// readInput reads one input of a command (workflow.Input): the embedded
// dataset, the bytes of an upload (the page; file is then its name), or
// file ("-" is standard input), which no output may then replace.
func (e *env) readInput(file, dataset string, upload []byte, opt datasets.ReadOptions) (workflow.Source, error) {
	if dataset == "" && upload == nil && file != "-" {
		e.inputs = append(e.inputs, file)
	}
	return workflow.Input{File: file, Dataset: dataset, Upload: upload, Stdin: e.stdin}.Read(opt)
}

// streamable reports whether the input is a file a command may read
// patient by patient (datasets.CanStream: not an embedded dataset,
// standard input or a workbook), and its path.
func (rf *readFlags) streamable(args []string) (bool, string) {
	if len(args) == 0 || rf.dataset != "" || rf.sheet != "" {
		return false, ""
	}
	return datasets.CanStream(args[0]), args[0]
}

// isExample reports whether a command runs on its default embedded
// dataset because neither FILE nor --dataset was given.
func (rf *readFlags) isExample(args []string) bool { return len(args) == 0 && rf.dataset == "" }

// rolesVar registers the role flags of session data (--patient,
// --therapist, --session, --alliance, --outcome; workflow.SessionRoleFields),
// bound to cols, but for those the command's option table already binds
// (gains' --outcome names its scores).
func rolesVar(cmd *cobra.Command, cols *datasets.SessionColumns) {
	to := map[string]*string{"patient": &cols.Patient, "therapist": &cols.Therapist, "session": &cols.Session, "alliance": &cols.Alliance, "outcome": &cols.Outcome}
	for _, f := range workflow.SessionRoleFields {
		if cmd.Flags().Lookup(f.Name) == nil {
			cmd.Flags().StringVar(to[f.Name], f.Name, "", f.Usage)
		}
	}
	aliases(cmd)
}

// wideVar registers --wide, the layout of wide data.
func wideVar(cmd *cobra.Command, w *datasets.WideSpec) {
	flagx.Wide(cmd, w, "wide", "wide data, one row per patient: a column prefix (e.g. bdi_s) or a comma-separated list of session columns")
}

// flagAliases are the older spellings of the role flags, accepted by every
// command and listed in no help: one concept, one name (DESIGN.md).
var flagAliases = map[string]string{"id": "patient", "time": "session", "score": "outcome"}

// aliases makes cmd accept the older spellings of its flags, and the
// command's own extra ones (panel's --x and --y, the SEM names).
func aliases(cmd *cobra.Command, extra ...map[string]string) {
	flagx.Aliases(cmd, append([]map[string]string{flagAliases}, extra...)...)
}

// The typed flags (cmd/internal/flagx), by the names the commands use.
var (
	numVar      = flagx.Num
	figureVar   = flagx.Figure
	outputVar   = flagx.Output
	enumVar     = flagx.Enum
	fieldVar    = flagx.Field
	betterVar   = flagx.Better
	listVar     = flagx.List
	wavesVar    = flagx.Waves
	optionFlags = flagx.OptionFlags
)

// readAndRun runs a session-data analysis on its input: a file that can be
// read patient by patient (streamable) through file, anything else read
// whole (source) through whole. The outputs outs ("" ignored) are checked
// once the input is known, so that none of them can replace it.
func readAndRun[R any](e *env, rf *readFlags, args []string, defaultDataset string, outs []string,
	file func(path string, o datasets.ReadOptions) (R, error), whole func(workflow.Source) (R, error)) (R, error) {
	var zero R
	var paths []string
	for _, p := range outs {
		if p != "" {
			paths = append(paths, p)
		}
	}
	if stream, path := rf.streamable(args); stream {
		ropt, err := rf.options()
		if err != nil {
			return zero, err
		}
		ropt.MaxBytes = e.maxBytes
		e.inputs = append(e.inputs, path)
		if err := e.checkOutputs(paths...); err != nil {
			return zero, err
		}
		return file(path, ropt)
	}
	src, err := rf.source(e, args, defaultDataset)
	if err != nil {
		return zero, err
	}
	if err := e.checkOutputs(paths...); err != nil {
		return zero, err
	}
	return whole(src)
}

// bindOptions registers the flags of an option table (workflow.MetaFields
// and the like) bound to opts (flagx.Bind). A fault of the table, which
// TestOptionTables guards against, makes the command refuse to run with
// that error rather than run without the flag.
func bindOptions(cmd *cobra.Command, opts any, fields []workflow.Field) {
	if err := flagx.Bind(cmd, opts, fields); err != nil {
		prev := cmd.PreRunE
		cmd.PreRunE = func(c *cobra.Command, args []string) error {
			if prev != nil {
				if perr := prev(c, args); perr != nil {
					return perr
				}
			}
			return fmt.Errorf("internal error in alliance's option tables (please report it): %w", err)
		}
	}
}
