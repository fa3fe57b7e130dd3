package workflow

// GainsFields are the options of the sudden-gains analysis (GainsOptions)
// as a user gives them: each the flag --Name of 'alliance gains', with its
// one help text, default and choices (BindTarget finds the option each
// sets). The outcome control names the scores (Score); the other role
// columns (SessionRoleFields), the layout of wide data,
// the figure and the files written are the front end's.
func GainsFields() []Field {
	return []Field{
		{Name: "outcome", Option: "Score", Usage: "column of the scores (default: outcome; alliance or any numeric column)"},
		{Name: "first", Option: "First", Usage: "first session to examine (default: the smallest session number)"},
		{Name: "last", Option: "Last", Usage: "last session to examine (default: the largest)"},
		{Name: "cutoff", Option: "Cutoff", Usage: "criterion 1: minimum drop (for losses, minimum rise; given as a positive number)"},
		{Name: "sd", Option: "SD", Usage: "with --cutoff-from-rci: the SD (default: the SD of the first session's scores)"},
		{Name: "reliability", Option: "Reliability", Usage: "the reliability of the measure: criterion 1 is then the reliable change value (--cutoff-from-rci)"},
		{Name: "cutoff-from-rci", Option: "CutoffFromRCI", Usage: "criterion 1 from the reliable change index: 1.96·√2·SD·√(1 − reliability) (suddengains define_crit1_cutoff); needs --reliability"},
		{Name: "pct", Default: "0.25", Option: "Pct", Usage: "criterion 2: the drop as a proportion of the pregain score"},
		{Name: "no-cutoff", Option: "NoCutoff", Usage: "switch criterion 1 off"},
		{Name: "no-pct", Option: "NoPct", Usage: "switch criterion 2 off"},
		{Name: "no-stability", Option: "NoStability", Usage: "switch criterion 3 off"},
		{Name: "alpha", Default: "0.05", Option: "Alpha", Usage: "criterion 3: significance level of the critical t"},
		{Name: "critical-value", Option: "CriticalValue", Usage: "criterion 3: a fixed critical value (e.g. 2.776) instead of one adjusted for missing sessions"},
		{Name: "baseline-first", Option: "BaselineFirst", Usage: "the first session is a baseline: examine from session 1→2 (identify_sg_1to2)"},
		{Name: "direction", Choices: []string{"gains", "losses"}, Option: "Losses", Usage: "gains (scores fall) or losses (scores rise)"},
		{Name: "loss-pct", Choices: []string{"package", "intended"}, Option: "LossPctIntended", Usage: "losses, criterion 2: package (suddengains 0.7.2, which does not restrict) or intended (rise ≥ pct of the pregain score)"},
		{Name: "reversal-from-n2", Option: "ReversalFromN2", Usage: "look for reversals from the second session after the gain (the package starts at the third)"},
		{Name: "select", Default: "first", Option: "Select", Usage: "with --byperson: which gain of a patient with several: first, last, smallest or largest"},
		{Name: "byperson", Option: "ByPerson", Usage: "one row per patient (create_byperson) instead of one per gain (create_bysg)"},
		{Name: "level", Kind: LevelField, Option: "Level", Usage: "confidence level of the intervals of --plot, in percent (or as a proportion)"},
	}
}
