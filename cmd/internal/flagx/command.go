package flagx

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/alliance-research/alliance/analysis/workflow"
	"github.com/alliance-research/alliance/datasets/simulate"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// Checks and registrations over a command's whole flag set.

// Finite refuses NaN and ±Inf in every numeric flag given to cmd (lists
// included): no setting has a meaning for them, and a NaN must never be
// taken as "not given".
func Finite(cmd *cobra.Command) error {
	var bad error
	cmd.Flags().Visit(func(f *pflag.Flag) {
		if bad != nil || !strings.Contains(f.Value.Type(), "float") {
			return
		}
		for _, tok := range strings.FieldsFunc(f.Value.String(), func(r rune) bool { return r == ',' || r == '[' || r == ']' || r == ' ' }) {
			if x, err := strconv.ParseFloat(tok, 64); err == nil && (math.IsNaN(x) || math.IsInf(x, 0)) {
				bad = fmt.Errorf("--%s %s: give a finite number", f.Name, tok)
				return
			}
		}
	})
	return bad
}

// HideUnsetDefaults blanks the printed default of the flags of c and its
// subcommands whose zero value means "not given" (NaN for numbers, the
// extreme integers for bounds): help then shows the documented default in
// words, not "(default NaN)".
func HideUnsetDefaults(c *cobra.Command) {
	c.Flags().VisitAll(func(f *pflag.Flag) {
		switch f.DefValue {
		case "NaN", "-9223372036854775808", "9223372036854775807":
			f.DefValue = "0" // pflag prints no default for a zero value
		}
	})
	for _, sub := range c.Commands() {
		HideUnsetDefaults(sub)
	}
}

// IsUsage recognises cobra's own flag and argument errors. cobra (and
// pflag) return them as untyped fmt.Errorf values, so matching their text is
// the only way to tell; every error of alliance and its libraries is
// classified by its type instead.
func IsUsage(err error) bool {
	s := err.Error()
	for _, p := range []string{"unknown flag", "unknown shorthand flag", "unknown command", "flag needs an argument", "invalid argument", "accepts ", "requires at least", "requires at most", "bad flag syntax", "if any flags in the group"} {
		if strings.Contains(s, p) {
			return true
		}
	}
	return false
}

// Aliases makes cmd accept other spellings of its flags: each map names a
// spelling's flag (older names, a command's own shorthands), listed in no
// help.
func Aliases(cmd *cobra.Command, spellings ...map[string]string) {
	cmd.Flags().SetNormalizeFunc(func(_ *pflag.FlagSet, name string) pflag.NormalizedName {
		for _, m := range spellings {
			if to, ok := m[name]; ok {
				return pflag.NormalizedName(to)
			}
		}
		return pflag.NormalizedName(name)
	})
}

// Fields registers one unbound flag for each field, with its name, help,
// default and type; the command reads them back by name (the report's
// options, parsed by workflow.ParseReportFields from their text).
func Fields(cmd *cobra.Command, fields []workflow.Field) {
	f := cmd.Flags()
	for _, fd := range fields {
		switch fd.Kind {
		case workflow.SwitchField:
			f.Bool(fd.Name, false, fd.Usage)
		case workflow.CountField:
			n, _ := strconv.Atoi(fd.Default)
			f.Int(fd.Name, n, fd.Usage)
		case workflow.NumberField:
			if fd.Default == "" {
				Num(cmd, new(*float64), fd.Name, fd.Usage)
				continue
			}
			x, _ := strconv.ParseFloat(fd.Default, 64)
			f.Float64(fd.Name, x, fd.Usage)
		default:
			Field(cmd, new(string), fd)
		}
	}
}

// Params registers one flag per simulator parameter, named and described
// by the simulator's Describe, setting the parameter of params (a pointer
// to the simulator's parameters) from its text (simulate.SetParam).
func Params(cmd *cobra.Command, params any, infos []simulate.ParamInfo) {
	for _, in := range infos {
		if simulate.ParamKind(params, in) == "" {
			continue
		}
		usage := in.Meaning
		if in.Unit != "" {
			usage += " (" + in.Unit + ")"
		}
		cmd.Flags().Var(&paramValue{params, in}, in.Flag, usage)
	}
}

// ParamFlags names a simulator's parameters (Go field names) by their
// flags, for the simulator's Check: users never see Go names.
func ParamFlags(infos []simulate.ParamInfo) func(field string) string {
	flags := map[string]string{}
	for _, in := range infos {
		flags[in.Name] = "--" + in.Flag
	}
	return func(field string) string {
		if f, ok := flags[field]; ok {
			return f
		}
		return field
	}
}

// paramValue is a simulator parameter as a flag value.
type paramValue struct {
	params any
	info   simulate.ParamInfo
}

func (v *paramValue) String() string     { return simulate.ParamText(v.params, v.info) }
func (v *paramValue) Set(s string) error { return simulate.SetParam(v.params, v.info, s) }
func (v *paramValue) Type() string {
	if k := simulate.ParamKind(v.params, v.info); k != "" {
		return k
	}
	return "float"
}

// outputAnnotation marks a flag that names a file the command writes.
const outputAnnotation = "alliance_output"

// Output defines a string flag naming a file the command writes, marked so
// that the front end checks every output of a run before any work
// (IsOutput): a run that cannot write one of its outputs writes none.
func Output(cmd *cobra.Command, p *string, name, usage string) {
	cmd.Flags().StringVar(p, name, "", usage)
	MarkOutput(cmd.Flags(), name)
}

// MarkOutput marks the flag name of fs as naming an output file.
func MarkOutput(fs *pflag.FlagSet, name string) {
	_ = fs.SetAnnotation(name, outputAnnotation, []string{"true"})
}

// IsOutput reports whether f names a file the command writes (Output,
// MarkOutput, Figure).
func IsOutput(f *pflag.Flag) bool { return f.Annotations[outputAnnotation] != nil }
