package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
)

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
