package main

import (
	"embed"
	"strings"

	"github.com/alliance-research/alliance/analysis/workflow"
)

// The long help and the examples of each command are text files in help/
// (help/NAME.txt: the long text, then a line "=== examples ===" and the
// examples), so that the commands' code holds flags and calls only.
//
//go:embed help/*.txt
var helpFiles embed.FS

// helpValues are the placeholders a help file may use, filled from the
// workflow so that the help never disagrees with what runs.
var helpValues = strings.NewReplacer("$LMMExampleFormula", workflow.LMMExampleFormula)

// helpText returns part ("long" or "example") of help/NAME.txt; a missing
// file or part is empty (TestHelpFiles requires each to exist and be used).
func helpText(name, part string) string {
	b, err := helpFiles.ReadFile("help/" + name + ".txt")
	if err != nil {
		return ""
	}
	long, example, _ := strings.Cut(string(b), "\n=== examples ===\n")
	if part == "example" {
		return strings.TrimRight(example, "\n")
	}
	return helpValues.Replace(strings.TrimRight(long, "\n"))
}
