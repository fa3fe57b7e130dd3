package workflow

import (
	"fmt"
	"strings"

	"github.com/alliance-research/alliance/analysis/rupture"
)

// RupturesFields are the options of the rupture analysis
// (RupturesOptions) as a user gives them: each the flag --Name of
// 'alliance ruptures', with its one help text, default and choices
// (BindTarget finds the option each sets); the defaults said in the help
// are rupture.DefaultOptions'. The role columns (SessionRoleFields), which
// scores are better, the session model and the files written are the
// front end's.
func RupturesFields() []Field {
	def := rupture.DefaultOptions()
	var presets []string
	for _, p := range rupture.Presets() {
		presets = append(presets, p.Name)
	}
	return []Field{
		{Name: "preset", Choices: presets, Option: "Preset", Usage: "a published criterion: " + strings.Join(presets, ", ") + " (each says what is verified and what is our reading)"},
		{Name: "session-model", Default: "auto", Choices: []string{"auto", "true", "false"}, Bare: "true", Option: "SessionModel",
			Usage: "also fit the session-level mixed model of outcome after repaired and unrepaired ruptures: auto (up to 200,000 rows), true (whatever the size: it holds every row in memory; the bare flag) or false"},
		{Name: "sensitivity", Option: "Sensitivity", Usage: "apply every preset and tabulate episodes and classes side by side (Gumz et al. 2012)"},
		{Name: "method", Option: "Method", Usage: "rupture rule: sd, threshold, percent, rci, sudden-loss, self-report (default " + string(def.Method) + ")"},
		{Name: "k", Option: "K", Usage: fmt.Sprintf("sd method: number of SDs a drop must reach (default %g)", def.K)},
		{Name: "sd-source", Option: "SDSource", Usage: "sd method: sample (pooled within-patient SD of the sample; the default), within (the patient's own SD), max (the larger)"},
		{Name: "reference", Option: "Reference", Usage: "the level a session is compared with: previous (the default) or mean"},
		{Name: "window", Option: "Window", Usage: fmt.Sprintf("reference mean: number of preceding sessions (0 = all; default %d)", def.Window)},
		{Name: "threshold", Option: "Threshold", Usage: "a drop of at least X scale points (sets --method threshold)"},
		{Name: "percent", Option: "Percent", Usage: "percent method: drop in percent of the reference"},
		{Name: "reliability", Option: "Reliability", Usage: "rci method: reliability of the alliance measure"},
		{Name: "sd", Option: "RCISD", Usage: "rci method: the SD s (default: the SD of all observed scores)"},
		{Name: "pre", Option: "PreColumn", Usage: "outcome effects: column with each patient's pre-treatment score (default: the first session's outcome)"},
		{Name: "post", Option: "PostColumn", Usage: "outcome effects: column with each patient's post-treatment score (default: the last session's outcome)"},
		{Name: "loss-cutoff", Option: "LossCutoff", Usage: "sudden-loss method: absolute criterion in scale points (default: off)"},
		{Name: "max-gap", Option: "MaxGap", Usage: "break a series where consecutive sessions are more than N apart (0 = never)"},
		{Name: "repair-window", Option: "RepairWindow", Usage: fmt.Sprintf("sessions after the rupture within which a repair must occur (default %d)", def.RepairWindow)},
		{Name: "repair-fraction", Option: "RepairFraction", Usage: fmt.Sprintf("part of the drop the score must regain to count as repaired (default %g)", def.RepairFraction)},
		{Name: "rupture-item", Option: "RuptureItem", Usage: "self-report method: post-session rupture item column"},
		{Name: "rupture-min", Option: "RuptureMin", Usage: fmt.Sprintf("self-report: least rupture-item value marking a rupture (default %g)", def.RuptureMin)},
		{Name: "resolution-item", Option: "ResolutionItem", Usage: "self-report: resolution item column (optional)"},
		{Name: "resolution-min", Option: "ResolutionMin", Usage: fmt.Sprintf("self-report: least resolution-item value marking a repair (default %g)", def.ResolutionMin)},
		{Name: "outcome-measure", Default: "change", Option: "Measure", Usage: "effects on outcome: change (last − first session) or post (last session)"},
		{Name: "plot-patient", Option: "PlotPatients", Usage: "the patient(s) of --plot, comma-separated (default: the first with a repaired rupture)"},
		{Name: "level", Kind: LevelField, Option: "Level", Usage: "confidence level of the effects' intervals, in percent (or as a proportion)"},
	}
}
