package main

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/alliance-research/alliance/analysis/workflow"
	"github.com/alliance-research/alliance/datasets"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
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
	if len(args) > 0 && rf.dataset != "" {
		return workflow.Source{}, usagef("give either FILE or --dataset, not both")
	}
	name := rf.dataset
	if len(args) == 0 && name == "" {
		if defaultDataset == "" {
			return workflow.Source{}, usagef("no input: give a FILE (or - for standard input) or --dataset NAME")
		}
		name = defaultDataset
	}
	if name != "" {
		info, lerr := datasets.Lookup(name)
		if lerr != nil {
			return workflow.Source{}, lerr
		}
		if rf.dataset == "" {
			sim := ""
			if info.Simulated && !strings.Contains(info.Title, "SIMULATED") {
				sim = ", SIMULATED data"
			}
			e.infof("alliance: no FILE given: using the embedded dataset %s (%s%s); see 'alliance datasets describe %s'", info.Name, info.Title, sim, info.Name)
		}
		return e.readInput("", info.Name, nil, opt)
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

// sessionFlags are the role-column flags of the session-data commands.
type sessionFlags struct {
	patient, therapist, session, alliance, outcome string
	wide                                           string
}

func (sf *sessionFlags) register(cmd *cobra.Command) {
	sf.registerLong(cmd)
	cmd.Flags().StringVar(&sf.wide, "wide", "", "wide data, one row per patient: a column prefix (e.g. bdi_s) or a comma-separated list of session columns")
}

// registerLong registers the role flags of a command that reads long data
// only (one row per patient and session): no --wide.
func (sf *sessionFlags) registerLong(cmd *cobra.Command) {
	to := map[string]*string{"patient": &sf.patient, "therapist": &sf.therapist, "session": &sf.session, "alliance": &sf.alliance, "outcome": &sf.outcome}
	for _, f := range workflow.SessionRoleFields {
		cmd.Flags().StringVar(to[f.Name], f.Name, "", f.Usage)
	}
	aliases(cmd)
}

// columns returns the role columns and the wide layout of the flags.
func (sf *sessionFlags) columns() (datasets.SessionColumns, datasets.WideSpec) {
	return datasets.SessionColumns{Patient: sf.patient, Therapist: sf.therapist, Session: sf.session, Alliance: sf.alliance, Outcome: sf.outcome},
		workflow.ParseWide(sf.wide)
}

// sessionModelFlags are the session model's choices: the flags of
// 'alliance sessions' and, with the same meaning, of the first stage of
// 'alliance ipd'.
type sessionModelFlags struct {
	centring              string
	detrend, slope, ar1   bool
	noTherapist, noTime   bool
	ml                    bool
	maxLagGap             int
	covariates            string
	allianceLabel, outLbl string
}

// register registers the flags, their help after prefix (e.g. "stage 1: ").
func (m *sessionModelFlags) register(cmd *cobra.Command, prefix string) {
	f := cmd.Flags()
	f.StringVar(&m.centring, "centring", "", prefix+"person (patient mean) or therapist (therapist mean, patient and session deviations; default with therapists)")
	f.BoolVar(&m.detrend, "detrend", false, prefix+"remove each patient's linear trend over sessions before centring (Falkenström et al. 2017)")
	f.BoolVar(&m.slope, "random-slope", false, prefix+"random slope of session for patients")
	f.BoolVar(&m.ar1, "ar1", false, prefix+"AR(1) residuals within patients over sessions (gaps respected)")
	f.BoolVar(&m.noTherapist, "no-therapist", false, prefix+"ignore the therapist column (no therapist level)")
	f.BoolVar(&m.noTime, "no-time", false, prefix+"leave session out of the fixed effects")
	f.BoolVar(&m.ml, "ml", false, prefix+"fit by maximum likelihood instead of REML")
	countVar(cmd, &m.maxLagGap, "max-lag-gap", 1, 1, prefix+"largest session gap a lag may bridge")
	f.StringVar(&m.covariates, "covariates", "", prefix+"numeric columns added as fixed covariates, comma-separated")
	f.StringVar(&m.allianceLabel, "alliance-label", "alliance", "name of the alliance measure in the sentences (e.g. WAI-SR)")
	f.StringVar(&m.outLbl, "outcome-label", "outcome", "name of the outcome measure in the sentences (e.g. PHQ-9)")
}

// options returns the session model's options of the flags, with the
// model and the level of the command.
func (m *sessionModelFlags) options(model string, level float64) workflow.SessionsOptions {
	return workflow.SessionsOptions{Model: model, Centring: m.centring, Detrend: m.detrend, RandomSlope: m.slope, AR1: m.ar1,
		IgnoreTherapist: m.noTherapist, NoTime: m.noTime, ML: m.ml, MaxLagGap: m.maxLagGap, Covariates: splitList(m.covariates),
		Level: level, AllianceLabel: m.allianceLabel, OutcomeLabel: m.outLbl}
}

// flagAliases are the older spellings of the role flags, accepted by every
// command and listed in no help: one concept, one name (DESIGN.md).
var flagAliases = map[string]string{"id": "patient", "time": "session", "score": "outcome"}

// aliases makes cmd accept the older spellings of its flags, and the
// command's own extra ones (panel's --x and --y, the SEM names).
func aliases(cmd *cobra.Command, extra ...map[string]string) {
	cmd.Flags().SetNormalizeFunc(func(_ *pflag.FlagSet, name string) pflag.NormalizedName {
		if to, ok := flagAliases[name]; ok {
			return pflag.NormalizedName(to)
		}
		for _, m := range extra {
			if to, ok := m[name]; ok {
				return pflag.NormalizedName(to)
			}
		}
		return pflag.NormalizedName(name)
	})
}

// value is a pflag.Value made of a parser: every flag whose text is
// checked when it is parsed, before any work, is one of these.
type value struct {
	set  func(string) error
	show func() string
	typ  string
}

func (v *value) Set(s string) error { return v.set(strings.TrimSpace(s)) }
func (v *value) Type() string       { return v.typ }
func (v *value) String() string {
	if v == nil || v.show == nil {
		return ""
	}
	return v.show()
}

func parseNum(s string) (float64, error) {
	x, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, fmt.Errorf("%q is not a number", s)
	}
	return x, nil
}

func parseInt(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a whole number", s)
	}
	return n, nil
}

// numVar registers a number flag without a default: *p stays nil until the
// flag is given, and help shows no "(default NaN)".
func numVar(cmd *cobra.Command, p **float64, name, usage string) {
	show := func() string {
		if *p == nil {
			return ""
		}
		return strconv.FormatFloat(**p, 'g', -1, 64)
	}
	cmd.Flags().Var(&value{typ: "float", show: show, set: func(s string) error {
		x, err := parseNum(s)
		*p = &x
		return err
	}}, name, usage)
}

// intVar is numVar for a whole number.
func intVar(cmd *cobra.Command, p **int, name, usage string) {
	cmd.Flags().Var(&value{typ: "int", set: func(s string) error {
		n, err := parseInt(s)
		*p = &n
		return err
	}}, name, usage)
}

// countVar registers a count flag with its default and least value (a
// count is refused, never replaced by another value).
func countVar(cmd *cobra.Command, p *int, name string, def, min int, usage string) {
	*p = def
	cmd.Flags().Var(&value{typ: "int", show: func() string { return strconv.Itoa(*p) }, set: func(s string) error {
		n, err := parseInt(s)
		if err == nil && n < min {
			err = fmt.Errorf("%d: give at least %d", n, min)
		}
		*p = n
		return err
	}}, name, usage)
}

// floatsVar defines a flag holding a comma-separated list of numbers
// (e.g. --steps .025,.05,.5,1), checked when it is parsed.
func floatsVar(cmd *cobra.Command, p *[]float64, name, usage string) {
	cmd.Flags().Var(&value{typ: "numbers", show: func() string {
		s := make([]string, len(*p))
		for i, x := range *p {
			s[i] = strconv.FormatFloat(x, 'g', -1, 64)
		}
		return strings.Join(s, ",")
	}, set: func(s string) error {
		var xs []float64
		for _, f := range strings.Split(s, ",") {
			x, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
			if err != nil {
				return fmt.Errorf("%q is not a comma-separated list of numbers", s)
			}
			xs = append(xs, x)
		}
		*p = xs
		return nil
	}}, name, usage)
}

// levelVar registers --level (default 95) for the intervals of what: a
// confidence level given in percent (95) or as a proportion (.95), stored
// as the proportion.
func levelVar(cmd *cobra.Command, p *float64, what string) {
	*p = 0.95
	cmd.Flags().Var(&value{typ: "float", show: func() string { return strconv.FormatFloat(100**p, 'g', 6, 64) }, set: func(s string) error {
		x, err := parseNum(s)
		if err == nil {
			if *p, err = workflow.ParseLevel(x); err != nil {
				err = fmt.Errorf("give a confidence level between 0 and 100 (e.g. 95)")
			}
		}
		return err
	}}, "level", "confidence level of "+what+", in percent (or as a proportion)")
}

// figureVar registers a figure file flag: the name must end in .png, .svg
// or .pdf.
func figureVar(cmd *cobra.Command, p *string, name, usage string) {
	cmd.Flags().Var(&value{typ: "string", show: func() string { return *p }, set: func(s string) error {
		switch strings.ToLower(filepath.Ext(s)) {
		case ".png", ".svg", ".pdf":
			*p = s
			return nil
		}
		return fmt.Errorf("give a file name ending in .png, .svg or .pdf")
	}}, name, usage)
}

// enumVar defines a flag that takes one of a fixed set of words, matched
// case-insensitively and stored in the listed spelling, with its default;
// a wrong word is refused with the list of choices, and shell completion
// offers them. Every enumerated flag of every command is parsed here.
func enumVar(cmd *cobra.Command, p *string, name, def, usage string, allowed ...string) {
	*p = def
	cmd.Flags().Var(&value{typ: "string", show: func() string { return *p }, set: func(s string) error {
		for _, a := range allowed {
			if strings.EqualFold(a, s) {
				*p = a
				return nil
			}
		}
		return fmt.Errorf("%q is not one of %s", s, strings.Join(allowed, ", "))
	}}, name, usage)
	_ = cmd.RegisterFlagCompletionFunc(name, func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return allowed, cobra.ShellCompDirectiveNoFileComp
	})
}

// fieldVar registers a text flag of a workflow field: one of its
// choices (enumVar) when it has a fixed list, any text otherwise.
func fieldVar(cmd *cobra.Command, p *string, fd workflow.Field) {
	if len(fd.Choices) > 0 && !fd.Multi {
		enumVar(cmd, p, fd.Name, fd.Default, fd.Usage, fd.Choices...)
		return
	}
	cmd.Flags().StringVar(p, fd.Name, fd.Default, fd.Usage)
}

// betterVar registers --better lower|higher (default lower); *higher is
// set for higher.
func betterVar(cmd *cobra.Command, higher *bool, usage string) {
	word := map[bool]string{false: "lower", true: "higher"}
	cmd.Flags().Var(&value{typ: "string", show: func() string { return word[*higher] }, set: func(s string) error {
		if !strings.EqualFold(s, "lower") && !strings.EqualFold(s, "higher") {
			return fmt.Errorf("%q is not one of lower, higher", s)
		}
		*higher = strings.EqualFold(s, "higher")
		return nil
	}}, "better", usage+": lower or higher")
}

// splitList splits a comma-separated flag value, dropping empty items.
var splitList = workflow.SplitList

// byteSizeValue is the --max-bytes flag: a byte count with an optional unit.
type byteSizeValue struct{ v *int64 }

func (b byteSizeValue) String() string {
	if b.v == nil || *b.v == 0 {
		return "2GiB"
	}
	return strconv.FormatInt(*b.v, 10)
}

func (b byteSizeValue) Set(s string) error {
	v, err := workflow.ParseByteSize(s)
	if err != nil {
		return err
	}
	*b.v = v
	return nil
}

func (byteSizeValue) Type() string { return "size" }
