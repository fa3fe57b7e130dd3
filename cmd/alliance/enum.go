package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

// enumValue is a flag that takes one of a fixed set of words, matched
// case-insensitively and stored in the listed spelling. Every enumerated
// flag of every command is parsed here, so a wrong value is refused at
// parse time with the list of choices, and shell completion offers them.
type enumValue struct {
	p       *string
	allowed []string
}

func (v *enumValue) Set(s string) error {
	for _, a := range v.allowed {
		if strings.EqualFold(a, s) {
			*v.p = a
			return nil
		}
	}
	return fmt.Errorf("%q is not one of %s", s, strings.Join(v.allowed, ", "))
}

func (v *enumValue) String() string { return *v.p }

func (v *enumValue) Type() string { return "string" }

// enumVar defines an enumerated flag with its default, help text and
// choices (appended to the help).
func enumVar(cmd *cobra.Command, p *string, name, def, usage string, allowed ...string) {
	*p = def
	cmd.Flags().Var(&enumValue{p: p, allowed: allowed}, name, usage)
	_ = cmd.RegisterFlagCompletionFunc(name, func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return allowed, cobra.ShellCompDirectiveNoFileComp
	})
}
