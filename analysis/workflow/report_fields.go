package workflow

import (
	"strconv"
	"strings"

	"github.com/alliance-research/alliance/datasets"
)

// FieldKind is the type of a Field's value.
type FieldKind int

// The kinds of field.
const (
	TextField   FieldKind = iota // any text
	SwitchField                  // a switch: "true" when on
	NumberField                  // a number; Default "" means none (not given)
	CountField                   // a count: a whole number of at least 1
	LevelField                   // a confidence level, given in percent (95) or as a proportion (.95)
)

// Field is one option of the report as a user gives it: the flag --Name of
// 'alliance report' and the field Name of the page's form, with one help
// text, one default and one list of choices for both front ends.
type Field struct {
	Name    string
	Usage   string // one line of help; a `WORD` in back quotes names the value
	Default string // the value used when the field is not given, as typed
	Kind    FieldKind
	Choices []string // the values allowed, when they are a fixed list
	Multi   bool     // Choices may be combined, comma-separated
	Group   string   // "read", "meta", "sessions" or "report": what the field is about

	// Option is the field of the analysis's options struct that this
	// field sets ("Method"; a dotted path inside a nested struct), for a
	// front end that binds fields to options by name (BindTarget); ""
	// for the report's fields, which ParseReportFields reads.
	Option string
	// Repeat says a list option is given once per value, each value kept
	// whole (--at arm=a,b --at site=x), not split at commas.
	Repeat bool
	// Bare is the value taken when the field is given without one (a
	// bare --selmodel is "stepfun"); "" when a value is needed.
	Bare string
}

// ReadFields are the reading options of every command that reads a file
// (of both files, for the report): workflow.ReadText's fields.
var ReadFields = []Field{
	{Name: "delimiter", Usage: "field delimiter: , ; tab or any single character (default: detected)", Group: "read"},
	{Name: "decimal", Usage: "decimal separator: . or , (default: , for ;-separated files, else .)", Group: "read"},
	{Name: "sheet", Usage: "worksheet of an .xlsx file (default: the first)", Group: "read"},
	{Name: "na", Usage: "extra missing-value codes, comma-separated (NA, empty and . always are), e.g. -99,999", Group: "read"},
	{Name: "encoding", Choices: append([]string{""}, Encodings...), Group: "read",
		Usage: "text encoding of the file: utf-8, windows-1252 or latin-1 (default: UTF-8, else Windows-1252, said in a note)"},
}

// SessionRoleFields are the role columns of long session data (one row per
// patient and session), as every command and the page name them.
var SessionRoleFields = []Field{
	{Name: "patient", Usage: "patient id column (default: patient or id)", Group: "sessions"},
	{Name: "therapist", Usage: "therapist id column (default: therapist)", Group: "sessions"},
	{Name: "session", Usage: "session number column (default: session)", Group: "sessions"},
	{Name: "alliance", Usage: "alliance score column (default: alliance)", Group: "sessions"},
	{Name: "outcome", Usage: "outcome (symptom) column (default: outcome)", Group: "sessions"},
}

// ReportFields returns the report's options as fields: how the files are
// read, the study columns and the meta-analysis, the session columns and
// analyses, and the title page (ParseReportFields reads them). The input
// files and how the report is drawn and saved are the front end's.
func ReportFields() []Field {
	meta := func(name, usage string) Field { return Field{Name: name, Usage: usage, Group: "meta"} }
	sess := func(name, usage string) Field { return Field{Name: name, Usage: usage, Group: "sessions"} }
	fields := append([]Field(nil), ReadFields...)
	fields = append(fields,
		meta("r", "study data: correlation column (default: ri or r)"),
		meta("n", "study data: sample-size column (default: ni or n)"),
		meta("yi", "study data: precomputed effect-size column, instead of --r/--n"),
		meta("vi", "study data: sampling-variance column"),
		meta("sei", "study data: standard-error column, instead of --vi"),
		meta("study", "study data: study-label column (default: label, study, author or authors)"),
		meta("cluster", "study data: column nesting effect sizes (the three-level model's outer level; default: the study label when it repeats)"),
		meta("es-id", "study data: effect-size id column (the inner level; default es_id when present)"),
		meta("mods", "study data: the moderator columns to test, comma-separated (default: none; candidates are suggested in a note)"),
		Field{Name: "no-three-level", Kind: SwitchField, Group: "meta", Usage: "study data: do not fit the three-level model even when effect sizes are nested in studies"},
		Field{Name: "method", Default: "REML", Choices: PoolTau2Methods, Group: "meta", Usage: "tau² estimator of the meta-analysis: " + strings.Join(PoolTau2Methods, ", ")},
		Field{Name: "test", Default: "z", Choices: PoolTests, Group: "meta", Usage: "test of the meta-analysis coefficients: z, t or knha (Knapp–Hartung)"},
		Field{Name: "no-bias", Kind: SwitchField, Group: "meta", Usage: "study data: leave out the publication-bias analyses (Egger, rank correlation, trim-and-fill, fail-safe N)"},
		Field{Name: "level", Kind: NumberField, Default: "95", Group: "report", Usage: "confidence level of every interval of the report, in percent"},
	)
	fields = append(fields, SessionRoleFields...)
	return append(fields,
		Field{Name: "centring", Choices: append([]string{""}, Centrings...), Group: "sessions",
			Usage: "session model: person (patient mean) or therapist (therapist mean, patient and session deviations; default with therapists)"},
		Field{Name: "ar1", Kind: SwitchField, Group: "sessions", Usage: "session model: AR(1) residuals within patients over sessions (gaps respected)"},
		Field{Name: "max-lag-gap", Kind: CountField, Default: "1", Group: "sessions", Usage: "session model: largest session gap a lag may bridge"},
		sess("ipd-study", "study column of multi-study session data (default study): when the session file has it, the report adds an IPD meta-analysis across the studies"),
		Field{Name: "model", Choices: append([]string{""}, ReportModels...), Group: "sessions",
			Usage: "session model: lagged (default; with the concurrent model beside it), reverse or concurrent"},
		Field{Name: "rupture-k", Kind: NumberField, Default: "0", Group: "sessions", Usage: "rupture rule (the default sd rule): number of SDs a drop must reach (default: the rule's, or the preset's)"},
		Field{Name: "gains-cutoff", Kind: NumberField, Group: "sessions", Usage: "sudden gains: criterion 1 as a minimum drop in points (default: the reliable change value from --reliability)"},
		Field{Name: "reliability", Kind: NumberField, Default: strconv.FormatFloat(DefaultReliability, 'g', -1, 64), Group: "sessions",
			Usage: "reliability of the outcome measure for sudden gains and reliable change (default .84, the PHQ-9's test–retest reliability; an assumption: give yours)"},
		Field{Name: "outcome-label", Default: "outcome", Group: "sessions", Usage: "name of the outcome measure in the text (e.g. PHQ-9)"},
		Field{Name: "alliance-label", Default: "alliance", Group: "sessions", Usage: "name of the alliance measure in the text (e.g. WAI-SR)"},
		Field{Name: "higher-better", Kind: SwitchField, Group: "sessions", Usage: "higher outcome scores are better (default: lower, as symptom measures)"},
		sess("rupture-preset", "rupture criterion preset (see 'alliance ruptures --help'; default: the default rule)"),
		Field{Name: "title", Group: "report", Usage: "title of the report (default \"" + DefaultTitle + "\")"},
		Field{Name: "author", Group: "report", Usage: "author printed under the title"},
		Field{Name: "omit", Choices: ReportSections, Multi: true, Group: "report",
			Usage: "sections to leave out, comma-separated: " + strings.Join(ReportSections, ", ") + " (the report says so at the top)"},
		Field{Name: "date", Group: "report", Usage: "a date to print in the report (default: none, so that runs are byte-identical)"},
	)
}

// ParseReportFields reads the report's fields (field name → value as
// typed; a field not given is absent and takes its Default) into the
// report's options and the reading options. A value that cannot be read
// is an invalid-option error naming its field.
func ParseReportFields(values map[string]string) (ReportOptions, datasets.ReadOptions, error) {
	var o ReportOptions
	var none datasets.ReadOptions
	defaults := map[string]string{}
	for _, f := range ReportFields() {
		defaults[f.Name] = f.Default
	}
	get := func(name string) string {
		if v, ok := values[name]; ok {
			return v
		}
		return defaults[name]
	}
	_, given := values["reliability"]
	on := func(name string) bool { v, err := strconv.ParseBool(get(name)); return err == nil && v }
	var bad error
	num := func(name string) float64 {
		x, err := strconv.ParseFloat(strings.TrimSpace(get(name)), 64)
		if err != nil && bad == nil {
			bad = invalid(name, "--%s %q: give a number", name, get(name))
		}
		return x
	}
	reliability, pct, ruptureK := num("reliability"), num("level"), num("rupture-k")
	maxLagGap, err := strconv.Atoi(strings.TrimSpace(get("max-lag-gap")))
	if err != nil && bad == nil {
		bad = invalid("max-lag-gap", "--max-lag-gap %q: give a whole number", get("max-lag-gap"))
	}
	var gainsCutoff *float64
	if get("gains-cutoff") != "" {
		c := num("gains-cutoff")
		gainsCutoff = &c
	}
	if bad != nil {
		return o, none, bad
	}
	if !(reliability > 0 && reliability < 1) {
		return o, none, invalid("reliability", "reliability %v: give the outcome measure's reliability between 0 and 1 (e.g. .84)", reliability)
	}
	level, err := ParseLevel(pct)
	if err != nil {
		return o, none, invalid("level", "level %v: give a confidence level between 0 and 100 (e.g. 95)", pct)
	}
	mods := SplitList(get("mods"))
	if len(mods) == 1 && strings.EqualFold(mods[0], "none") {
		mods = nil
	}
	o.Meta = MetaOptions{R: get("r"), N: get("n"), Yi: get("yi"), Vi: get("vi"), Sei: get("sei"), Study: get("study"),
		Method: strings.ToUpper(get("method")), Test: get("test"), Level: level, Mods: mods}
	switch cluster, esID := get("cluster"), get("es-id"); {
	case cluster != "" && esID != "":
		o.Meta.Cluster = cluster + "/" + esID
	case cluster != "":
		o.Meta.Cluster = cluster
	case esID != "":
		return o, none, invalid("es-id", "es-id %s: give the column it is nested in as the cluster", esID)
	}
	o.NoThreeLevel, o.NoBias = on("no-three-level"), on("no-bias")
	o.Sessions = ReportSessionOptions{Columns: datasets.SessionColumns{Patient: get("patient"), Therapist: get("therapist"), Session: get("session"),
		Alliance: get("alliance"), Outcome: get("outcome")}, AllianceLabel: get("alliance-label"), OutcomeLabel: get("outcome-label"),
		HigherBetter: on("higher-better"), RupturePreset: get("rupture-preset"),
		Level: level, Centring: get("centring"), AR1: on("ar1"), MaxLagGap: maxLagGap, Model: get("model"), RuptureK: ruptureK,
		GainsCutoff: gainsCutoff, Study: get("ipd-study")}
	if given { // otherwise DefaultReliability, said to be an assumption (ReportSessionOptions.reliability)
		o.Sessions.Reliability, o.Sessions.ReliabilitySource = reliability, "as given"
	}
	o.Compose = ComposeOptions{Title: get("title"), Author: get("author"), Date: get("date")}
	o.Omit = SplitList(get("omit"))
	read, err := ReadText{Delimiter: get("delimiter"), Decimal: get("decimal"), NA: get("na"), Sheet: get("sheet"), Encoding: get("encoding")}.Options()
	return o, read, err
}
