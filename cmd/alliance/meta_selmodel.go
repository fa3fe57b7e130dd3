package main

import (
	"os"
	"strings"

	"github.com/alliance-research/alliance/analysis/workflow"
)

// selModelTypeAsFile catches "--selmodel beta": the type must be attached
// (--selmodel=beta), because a bare --selmodel means stepfun and the next
// word is then read as the data file.
func selModelTypeAsFile(mf *metaFlags, args []string) error {
	if len(args) == 0 || !mf.set("selmodel") || mf.opt.SelType != "stepfun" {
		return nil
	}
	for _, t := range workflow.SelModelTypes {
		if strings.EqualFold(args[0], t) {
			if _, err := os.Stat(args[0]); err == nil {
				return nil // a file of that name
			}
			return usagef("--selmodel %s: write --selmodel=%s (a bare --selmodel is the step-function model, and %q was taken as the data file)", args[0], strings.ToLower(args[0]), args[0])
		}
	}
	return nil
}
