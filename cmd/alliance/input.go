package main

import (
	"strings"
	"unicode/utf8"

	"github.com/alliance-research/alliance/analysis/workflow"
	"github.com/alliance-research/alliance/datasets"
	"github.com/spf13/cobra"
)

// readFlags are the file-reading flags shared by every command that takes a
// data FILE.
type readFlags struct {
	delimiter string
	decimal   string
	sheet     string
	na        string
	dataset   string
	encoding  string
}

func (rf *readFlags) register(cmd *cobra.Command, defaultDataset string) {
	f := cmd.Flags()
	f.StringVar(&rf.delimiter, "delimiter", "", "field delimiter: , ; tab or any single character (default: detected)")
	f.StringVar(&rf.decimal, "decimal", "", "decimal separator: . or , (default: , for ;-separated files, else .)")
	f.StringVar(&rf.sheet, "sheet", "", "worksheet of an .xlsx file (default: the first)")
	f.StringVar(&rf.na, "na", "", "extra missing-value codes, comma-separated (NA, empty and . always are), e.g. -99,999")
	enumVar(cmd, &rf.encoding, "encoding", "", "text encoding of the file: utf-8, windows-1252 or latin-1 (default: UTF-8, else Windows-1252, said in a note)", "utf-8", "windows-1252", "latin-1")
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
	var o datasets.ReadOptions
	switch d := rf.delimiter; strings.ToLower(d) {
	case "":
	case "tab", `\t`:
		o.Delimiter = '\t'
	case "comma":
		o.Delimiter = ','
	case "semicolon":
		o.Delimiter = ';'
	default:
		if utf8.RuneCountInString(d) != 1 {
			return o, usagef("--delimiter %q: give one character, or tab", d)
		}
		r, _ := utf8.DecodeRuneInString(d)
		o.Delimiter = r
	}
	switch rf.decimal {
	case "":
	case ".", ",":
		o.Decimal = rune(rf.decimal[0])
	default:
		return o, usagef("--decimal %q: give . or ,", rf.decimal)
	}
	o.Sheet = rf.sheet
	o.Encoding = rf.encoding
	if rf.na != "" {
		for _, s := range strings.Split(rf.na, ",") {
			o.NA = append(o.NA, strings.TrimSpace(s))
		}
	}
	return o, nil
}

// source says where a command's data come from.
type source struct {
	table    *datasets.Table
	embedded *datasets.Info // non-nil for an embedded dataset
}

// load reads FILE (args[0]), or the --dataset, or the command's default
// embedded dataset (announced on stderr).
func (rf *readFlags) load(e *env, args []string, defaultDataset string) (source, error) {
	opt, err := rf.options()
	if err != nil {
		return source{}, err
	}
	if len(args) > 0 && rf.dataset != "" {
		return source{}, usagef("give either FILE or --dataset, not both")
	}
	name := rf.dataset
	if len(args) == 0 && name == "" {
		if defaultDataset == "" {
			return source{}, usagef("no input: give a FILE (or - for standard input) or --dataset NAME")
		}
		name = defaultDataset
		info, lerr := datasets.Lookup(name)
		if lerr != nil {
			return source{}, lerr
		}
		sim := ""
		if info.Simulated && !strings.Contains(info.Title, "SIMULATED") {
			sim = ", SIMULATED data"
		}
		e.infof("alliance: no FILE given: using the embedded dataset %s (%s%s); see 'alliance datasets describe %s'", info.Name, info.Title, sim, info.Name)
	}
	if name != "" {
		info, lerr := datasets.Lookup(name)
		if lerr != nil {
			return source{}, lerr
		}
		t, rerr := datasets.ReadEmbedded(info.Name, opt)
		if rerr != nil {
			return source{}, rerr
		}
		return source{table: t, embedded: &info}, nil
	}
	var t *datasets.Table
	if args[0] != "-" {
		e.inputs = append(e.inputs, args[0])
	}
	if args[0] == "-" {
		t, err = datasets.Read("stdin", e.stdin, opt)
	} else {
		t, err = datasets.ReadFile(args[0], opt)
	}
	if err != nil {
		return source{}, err
	}
	return source{table: t}, nil
}

// splitList splits a comma-separated flag value, dropping empty items.
func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// parseLevel reads a --level flag given in percent (95) or as a proportion
// (.95) and returns the proportion.
func parseLevel(flag float64) (float64, error) {
	level := flag
	if level > 1 {
		level /= 100
	}
	if !(level > 0 && level < 1) {
		return 0, usagef("--level %v: give a confidence level between 0 and 100 (e.g. 95)", flag)
	}
	return level, nil
}

// source loads the data like load and describes them for the workflow.
func (rf *readFlags) source(e *env, args []string, defaultDataset string) (workflow.Source, error) {
	src, err := rf.load(e, args, defaultDataset)
	if err != nil {
		return workflow.Source{}, err
	}
	return e.describe(src), nil
}

// describe turns a loaded table into the workflow's Source and says on
// standard error how it was read when that matters (a decoded encoding).
func (e *env) describe(src source) workflow.Source {
	if src.embedded != nil {
		return workflow.EmbeddedSource(*src.embedded, src.table)
	}
	ws := workflow.FileSource(src.table.Name, src.table)
	for _, n := range ws.Notes {
		e.infof("alliance: %s", n.Text)
	}
	return ws
}
