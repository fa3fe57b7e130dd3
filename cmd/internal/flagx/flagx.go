// Package flagx holds the typed command-line flags of alliance: each flag
// whose text is checked when it is parsed, before any work (numbers
// without a default, counts with a least value, lists, confidence levels,
// figure file names, one-of-a-list words, byte sizes). A wrong value is
// refused with what to give instead; none is replaced by another value.
package flagx

import (
	"fmt"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"

	"github.com/alliance-research/alliance/analysis/workflow"
	"github.com/alliance-research/alliance/datasets"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// value is a pflag.Value made of a parser: every flag whose text is
// checked when it is parsed, before any work, is one of these.
type value struct {
	set    func(string) error
	show   func() string
	typ    string
	target any // the variable set (a pointer), for Target
}

func (v *value) Set(s string) error { return v.set(strings.TrimSpace(s)) }
func (v *value) Type() string       { return v.typ }
func (v *value) String() string {
	if v == nil || v.show == nil {
		return ""
	}
	return v.show()
}

// Target returns the address and kind of the variable a flag's value
// sets: the pointer a flag of this package was given, or the variable of
// one of pflag's own values (*stringValue and the like point at it); 0
// when unknown (pflag's slice values hold the pointer as their first
// field). A front end uses it to find the flag bound to an option.
func Target(v pflag.Value) (uintptr, reflect.Kind) {
	rv := reflect.ValueOf(v)
	if fv, ok := v.(*value); ok {
		rv = reflect.ValueOf(fv.target)
	}
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return 0, reflect.Invalid
	}
	if e := rv.Elem(); e.Kind() == reflect.Struct && e.NumField() > 0 && e.Field(0).Kind() == reflect.Pointer && !e.Field(0).IsNil() {
		return e.Field(0).Pointer(), e.Field(0).Elem().Kind() // pflag's slice values: {value *[]T; changed bool}
	}
	return rv.Pointer(), rv.Elem().Kind()
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

// Num registers a number flag without a default: *p stays nil until the
// flag is given, and help shows no "(default NaN)".
func Num(cmd *cobra.Command, p **float64, name, usage string) {
	show := func() string {
		if *p == nil {
			return ""
		}
		return strconv.FormatFloat(**p, 'g', -1, 64)
	}
	cmd.Flags().Var(&value{target: p, typ: "float", show: show, set: func(s string) error {
		x, err := parseNum(s)
		*p = &x
		return err
	}}, name, usage)
}

// Int is Num for a whole number.
func Int(cmd *cobra.Command, p **int, name, usage string) {
	cmd.Flags().Var(&value{target: p, typ: "int", set: func(s string) error {
		n, err := parseInt(s)
		*p = &n
		return err
	}}, name, usage)
}

// Count registers a count flag with its default and least value (a
// count is refused, never replaced by another value).
func Count(cmd *cobra.Command, p *int, name string, def, min int, usage string) {
	*p = def
	cmd.Flags().Var(&value{target: p, typ: "int", show: func() string { return strconv.Itoa(*p) }, set: func(s string) error {
		n, err := parseInt(s)
		if err == nil && n < min {
			err = fmt.Errorf("%d: give at least %d", n, min)
		}
		*p = n
		return err
	}}, name, usage)
}

// Floats defines a flag holding a comma-separated list of numbers
// (e.g. --steps .025,.05,.5,1), checked when it is parsed.
func Floats(cmd *cobra.Command, p *[]float64, name, usage string) {
	cmd.Flags().Var(&value{target: p, typ: "numbers", show: func() string {
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

// Level registers --level (default 95) for the intervals of what: a
// confidence level given in percent (95) or as a proportion (.95), stored
// as the proportion. Not given, it leaves *p at 0, which every analysis
// reads as its default, 95 % (so that an analysis can tell "not given").
func Level(cmd *cobra.Command, p *float64, what string) {
	show := func() string {
		if *p == 0 { // not given: the analysis's default, 95 %
			return "95"
		}
		return strconv.FormatFloat(100**p, 'g', 6, 64)
	}
	cmd.Flags().Var(&value{target: p, typ: "float", show: show, set: func(s string) error {
		x, err := parseNum(s)
		if err == nil {
			if *p, err = workflow.ParseLevel(x); err != nil {
				err = fmt.Errorf("give a confidence level between 0 and 100 (e.g. 95)")
			}
		}
		return err
	}}, "level", "confidence level of "+what+", in percent (or as a proportion)")
}

// Figure registers a figure file flag: the name must end in .png, .svg
// or .pdf.
func Figure(cmd *cobra.Command, p *string, name, usage string) {
	cmd.Flags().Var(&value{target: p, typ: "string", show: func() string { return *p }, set: func(s string) error {
		switch strings.ToLower(filepath.Ext(s)) {
		case ".png", ".svg", ".pdf":
			*p = s
			return nil
		}
		return fmt.Errorf("give a file name ending in .png, .svg or .pdf")
	}}, name, usage)
	MarkOutput(cmd.Flags(), name)
}

// Enum defines a flag that takes one of a fixed set of words, matched
// case-insensitively and stored in the listed spelling, with its default;
// a wrong word is refused with the list of choices, and shell completion
// offers them. Every enumerated flag of every command is parsed here.
func Enum(cmd *cobra.Command, p *string, name, def, usage string, allowed ...string) {
	*p = def
	cmd.Flags().Var(&value{target: p, typ: "string", show: func() string { return *p }, set: func(s string) error {
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

// Field registers a text flag of a workflow field: one of its
// choices (Enum) when it has a fixed list, any text otherwise.
func Field(cmd *cobra.Command, p *string, fd workflow.Field) {
	if len(fd.Choices) > 0 && !fd.Multi {
		Enum(cmd, p, fd.Name, fd.Default, fd.Usage, fd.Choices...)
		return
	}
	cmd.Flags().StringVar(p, fd.Name, fd.Default, fd.Usage)
}

// Better registers --better lower|higher (default lower); *higher is
// set for higher.
func Better(cmd *cobra.Command, higher *bool, usage string) {
	Choice(cmd, higher, "better", "lower", "higher", usage+": lower or higher")
}

// ByteSize is the --max-bytes flag: a byte count with an optional unit.
type ByteSize struct{ V *int64 }

func (b ByteSize) String() string {
	if b.V == nil || *b.V == 0 {
		return "2GiB"
	}
	return strconv.FormatInt(*b.V, 10)
}

func (b ByteSize) Set(s string) error {
	v, err := workflow.ParseByteSize(s)
	if err != nil {
		return err
	}
	*b.V = v
	return nil
}

func (ByteSize) Type() string { return "size" }

// List registers a comma-separated list flag (workflow.SplitList: empty
// items dropped).
func List(cmd *cobra.Command, p *[]string, name, usage string) {
	cmd.Flags().Var(&value{target: p, typ: "string", show: func() string { return strings.Join(*p, ",") }, set: func(s string) error {
		*p = workflow.SplitList(s)
		return nil
	}}, name, usage)
}

// Wide registers the wide-layout flag: a column prefix (bdi_s) or a
// comma-separated list of session columns (workflow.ParseWide).
func Wide(cmd *cobra.Command, p *datasets.WideSpec, name, usage string) {
	cmd.Flags().Var(&value{target: p, typ: "string", show: func() string {
		if len(p.Columns) > 0 {
			return strings.Join(p.Columns, ",")
		}
		return p.Prefix
	}, set: func(s string) error {
		*p = workflow.ParseWide(s)
		return nil
	}}, name, usage)
}

// Waves registers a flag of sessions used as panel waves: a range 1:8 or
// a list 1,2,3,5 (workflow.ParseWaves); a wrong one is refused when parsed.
func Waves(cmd *cobra.Command, p *[]int, name, usage string) {
	cmd.Flags().Var(&value{target: p, typ: "string", show: func() string {
		s := make([]string, len(*p))
		for i, w := range *p {
			s[i] = strconv.Itoa(w)
		}
		return strings.Join(s, ",")
	}, set: func(s string) error {
		w, err := workflow.ParseWaves(s)
		if err != nil {
			return err
		}
		*p = w
		return nil
	}}, name, usage)
}

// Choice registers a two-word flag (e.g. --direction gains|losses) whose
// second word sets *on; off is the default.
func Choice(cmd *cobra.Command, on *bool, name, off, onWord, usage string) {
	word := map[bool]string{false: off, true: onWord}
	cmd.Flags().Var(&value{target: on, typ: "string", show: func() string { return word[*on] }, set: func(s string) error {
		if !strings.EqualFold(s, off) && !strings.EqualFold(s, onWord) {
			return fmt.Errorf("%q is not one of %s, %s", s, off, onWord)
		}
		*on = strings.EqualFold(s, onWord)
		return nil
	}}, name, usage)
	_ = cmd.RegisterFlagCompletionFunc(name, func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return []string{off, onWord}, cobra.ShellCompDirectiveNoFileComp
	})
}

// OptionFlags names the flag bound to each field of the option structs
// opts point to, found by the field's address (Target), so that a
// hint can never name a flag the command does not have: by field name
// ("Centring") and, inside a nested struct, by path ("Panel.Model").
// extra names the flags of options no single flag sets.
func OptionFlags(cmd *cobra.Command, extra map[string]string, opts ...any) map[string]string {
	type slot struct {
		addr uintptr
		kind reflect.Kind
	}
	bound := map[slot]string{}
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		if a, k := Target(f.Value); a != 0 {
			bound[slot{a, k}] = "--" + f.Name
		}
	})
	out := map[string]string{}
	var walk func(v reflect.Value, path string)
	walk = func(v reflect.Value, path string) {
		for i := 0; i < v.NumField(); i++ {
			sf, fv := v.Type().Field(i), v.Field(i)
			if !sf.IsExported() {
				continue
			}
			name := path + sf.Name
			if fl, ok := bound[slot{fv.Addr().Pointer(), fv.Kind()}]; ok {
				out[name] = fl
				if _, taken := out[sf.Name]; !taken {
					out[sf.Name] = fl
				}
			}
			if fv.Kind() == reflect.Struct {
				walk(fv, name+".")
			}
		}
	}
	for _, o := range opts {
		walk(reflect.ValueOf(o).Elem(), "")
	}
	for k, v := range extra {
		out[k] = v
	}
	return out
}

// Bind registers one flag for each field (workflow.MetaFields and the
// like), set straight into the options struct opts points to
// (workflow.BindTarget), with the field's name, help, default, choices
// and bare value; the flag's type follows the option's: a text option
// with choices is an Enum, a *float64 a Num (nil until given), a list
// a List or Floats, a list of ints Waves, a LevelField a Level. A field the options cannot
// take is a fault of the tables, returned (TestOptionTables finds none).
func Bind(cmd *cobra.Command, opts any, fields []workflow.Field) error {
	f := cmd.Flags()
	for _, fd := range fields {
		target, err := workflow.BindTarget(opts, fd)
		if err != nil {
			return err
		}
		switch p := target.(type) {
		case *string:
			Field(cmd, p, fd)
		case *bool:
			if len(fd.Choices) == 2 { // two words, the second sets the option
				Choice(cmd, p, fd.Name, fd.Choices[0], fd.Choices[1], fd.Usage)
				continue
			}
			f.BoolVar(p, fd.Name, fd.Default == "true", fd.Usage)
		case *int:
			n, _ := strconv.Atoi(fd.Default)
			if fd.Kind == workflow.CountField {
				Count(cmd, p, fd.Name, n, 1, fd.Usage)
				continue
			}
			f.IntVar(p, fd.Name, n, fd.Usage)
		case *uint64:
			n, _ := strconv.ParseUint(fd.Default, 10, 64)
			f.Uint64Var(p, fd.Name, n, fd.Usage)
		case *float64:
			if fd.Kind == workflow.LevelField && fd.Name == "level" {
				Level(cmd, p, "")
				f.Lookup(fd.Name).Usage = fd.Usage
				continue
			}
			x, _ := strconv.ParseFloat(fd.Default, 64)
			f.Float64Var(p, fd.Name, x, fd.Usage)
		case **float64:
			Num(cmd, p, fd.Name, fd.Usage)
		case **int:
			Int(cmd, p, fd.Name, fd.Usage)
		case *[]string:
			if fd.Repeat {
				f.StringArrayVar(p, fd.Name, nil, fd.Usage)
				continue
			}
			List(cmd, p, fd.Name, fd.Usage)
		case *[]float64:
			Floats(cmd, p, fd.Name, fd.Usage)
		case *[]int:
			Waves(cmd, p, fd.Name, fd.Usage)
		}
		if fd.Bare != "" {
			f.Lookup(fd.Name).NoOptDefVal = fd.Bare
		}
	}
	return nil
}
