package main

import (
	"fmt"
	"os"
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

// selModelTypeAsFile catches "--selmodel beta": the type must be attached
// (--selmodel=beta), because a bare --selmodel means stepfun and the next
// word is then read as the data file.
func selModelTypeAsFile(mf *metaFlags, args []string) error {
	if len(args) == 0 || !mf.set("selmodel") || mf.selType != "stepfun" {
		return nil
	}
	for _, t := range []string{"beta", "halfnorm", "negexp", "logistic", "power", "negexppow", "stepfun"} {
		if strings.EqualFold(args[0], t) {
			if _, err := os.Stat(args[0]); err == nil {
				return nil // a file of that name
			}
			return fmt.Errorf("--selmodel %s: write --selmodel=%s (a bare --selmodel is the step-function model, and %q was taken as the data file)", args[0], strings.ToLower(args[0]), args[0])
		}
	}
	return nil
}
