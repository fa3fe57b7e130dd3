package workflow

// ChangeFields are the options of reliable and clinically significant
// change (ChangeOptions) as a user gives them: each the flag --Name of
// 'alliance change', with its one help text, default and choices
// (BindTarget finds the option each sets). Which
// scores are better, the figure and the files written are the front end's.
func ChangeFields() []Field {
	return []Field{
		{Name: "patient", Option: "Patient", Usage: "patient id column (default: id, patient or subject)"},
		{Name: "session", Option: "Time", Usage: "long data: time (session) column (default: time, session or wave)"},
		{Name: "outcome", Option: "Score", Usage: "outcome column (default: outcome or score)"},
		{Name: "pre", Option: "Pre", Usage: "long data: the time value of the pre measurement (default: each patient's first)"},
		{Name: "post", Option: "Post", Usage: "long data: the time value of the post measurement (default: each patient's last)"},
		{Name: "group", Option: "Group", Usage: "column with a group label (e.g. treatment) for group summaries"},
		{Name: "approach", Option: "Approach", Usage: "distribution, combined, statistical or percentage (default: combined when functional norms are given, else distribution)"},
		{Name: "method", Default: "JT", Option: "Method", Usage: "reliable change index: JT, GLN, HLL, EN, NK, HA or HLM"},
		{Name: "reliability", Option: "Reliability", Usage: "reliability of the measure (test–retest or alpha), between 0 and 1"},
		{Name: "reliability-post", Option: "ReliabilityPost", Usage: "NK: reliability of the post measurement (default: --reliability)"},
		{Name: "wide", Option: "WideColumns", Usage: "wide data, one row per patient: the pre and post columns, `PRE,POST`"},
		{Name: "significance", Option: "Significance", Usage: "significance level of the reliable change criterion (1 − level)"},
		{Name: "level", Kind: LevelField, Option: "Level", Usage: "confidence level of the reliable change criterion (95: |RCI| > 1.96), in percent (or as a proportion)"},
		{Name: "cutoff-type", Option: "CutoffType", Usage: "clinical cutoff (default a): a (2 SD beyond the clinical mean), b (2 SD within the functional mean), c (between the two)"},
		{Name: "m-functional", Option: "MFunctional", Usage: "mean of the functional (non-clinical) population"},
		{Name: "sd-functional", Option: "SDFunctional", Usage: "SD of the functional population"},
		{Name: "m-clinical", Option: "MClinical", Usage: "mean of the clinical population (default: the mean of the pre scores)"},
		{Name: "sd-clinical", Option: "SDClinical", Usage: "SD of the clinical population (default: the SD of the pre scores)"},
		{Name: "b-functional-sd", Option: "BFunctionalSD", Usage: "cutoff b with the functional SD, as Jacobson & Truax (1991) define it (clinicalsignificance uses the clinical SD)"},
		{Name: "pct-improvement", Option: "PctImprovement", Usage: "percentage approach: proportion of change that counts as improvement (e.g. .5)"},
		{Name: "pct-deterioration", Option: "PctDeterioration", Usage: "percentage approach: proportion that counts as deterioration (default: --pct-improvement)"},
		{Name: "persons", Option: "Persons", Usage: "list every patient (text and Markdown; JSON and CSV always do, up to 1,000 patients)"},
	}
}
