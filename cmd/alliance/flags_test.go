package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/alliance-research/alliance/cmd/internal/flagx"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// One spelling per concept in every help text; the older spellings still
// work as hidden aliases (issue 14).
func TestOneSpellingAndAliases(t *testing.T) {
	for _, c := range []string{"sessions", "ruptures", "gains", "change", "panel", "ipd", "score", "lmm"} {
		out, _, code := runCLI(t, "", c, "--help")
		if code != 0 {
			t.Fatalf("%s --help: exit %d", c, code)
		}
		for _, old := range []string{"--id ", "--time ", "--score "} {
			if strings.Contains(out, old) {
				t.Errorf("%s --help lists %s", c, old)
			}
		}
	}
	csv := "id,time,hamd\na,1,20\na,2,10\nb,1,22\nb,2,21\nc,1,18\nc,2,8\n"
	a, stderr, code := runCLI(t, csv, "change", "-", "--id", "id", "--time", "time", "--score", "hamd", "--reliability", ".8", "--format", "csv")
	if code != 0 {
		t.Fatalf("aliases: exit %d %s", code, stderr)
	}
	b, _, _ := runCLI(t, csv, "change", "-", "--patient", "id", "--session", "time", "--outcome", "hamd", "--reliability", ".8", "--format", "csv")
	if a != b || a == "" {
		t.Errorf("alias and new spelling differ:\n%s\n%s", a, b)
	}
	// gains: --score is the old spelling of --outcome
	g1, _, c1 := runCLI(t, "", "gains", "--dataset", "demo-sessions", "--score", "alliance", "--direction", "losses", "--cutoff", "1", "--format", "csv", "--quiet")
	g2, _, c2 := runCLI(t, "", "gains", "--dataset", "demo-sessions", "--outcome", "alliance", "--direction", "losses", "--cutoff", "1", "--format", "csv", "--quiet")
	if c1 != 0 || c2 != 0 || g1 != g2 {
		t.Errorf("gains --score vs --outcome: exit %d %d", c1, c2)
	}
}

// --ar1 is a switch in every command; lmm names the time column with
// --session, and its older spellings --ar1 COL and --ar1=COL (before or
// after the FILE) are hidden aliases of --ar1 --session COL: the same
// output. Two different time columns are refused, and so is a value given
// to another switch.
func TestAR1Switch(t *testing.T) {
	csv := "patient,session,outcome\n1,1,3\n1,2,4\n1,3,6\n2,1,5\n2,2,7\n2,3,6\n3,1,2\n3,2,2\n3,3,4\n"
	form := []string{"--formula", "outcome ~ session + (1 | patient)", "--format", "json", "--quiet"}
	want, werr, wcode := runCLI(t, csv, append([]string{"lmm", "-", "--ar1", "--session", "session"}, form...)...)
	if wcode != 0 || !strings.Contains(want, `"ar1_phi"`) {
		t.Fatalf("--ar1 --session: exit %d %s", wcode, werr)
	}
	for _, old := range [][]string{{"lmm", "-", "--ar1", "session"}, {"lmm", "--ar1", "session", "-"}, {"lmm", "-", "--ar1=session"}} {
		got, stderr, code := runCLI(t, csv, append(old, form...)...)
		if code != 0 || got != want {
			t.Errorf("%v: exit %d, same output %v: %s", old, code, got == want, stderr)
		}
	}
	if _, stderr, code := runCLI(t, csv, append([]string{"lmm", "-", "--ar1", "week", "--session", "session"}, form...)...); code != 2 || !strings.Contains(stderr, "two time columns") {
		t.Errorf("two time columns: exit %d %q", code, stderr)
	}
	if _, stderr, code := runCLI(t, csv, append([]string{"lmm", "-", "--ml=often"}, form...)...); code != 2 || !strings.Contains(stderr, "--ml is a switch and takes no value") {
		t.Errorf("--ml=often: exit %d %q", code, stderr)
	}
	if out, stderr, code := runCLI(t, "", "lmm", "--formula", "outcome ~ session + (1 | patient)", "--ar1", "--format", "json", "--quiet"); code != 0 || !strings.Contains(out, `"ar1_phi"`) {
		t.Errorf("--ar1 on the embedded data: exit %d %s", code, stderr)
	}
}

// --pairwise (emmeans' word) is --pairs.
func TestPairwiseAlias(t *testing.T) {
	args := []string{"lmm", "--formula", "outcome ~ factor(therapist) + session + (1 | patient)", "--emmeans", "therapist", "--format", "json", "--quiet"}
	a, stderr, code := runCLI(t, "", append(args, "--pairs")...)
	b, _, code2 := runCLI(t, "", append(args, "--pairwise")...)
	if code != 0 || code2 != 0 || a != b || !strings.Contains(a, `"contrasts"`) {
		t.Errorf("--pairs exit %d, --pairwise exit %d, same output %v: %s", code, code2, a == b, stderr)
	}
}

// --level sets the interval of change (the reliable-change criterion) and
// is refused out of range in every command that prints an interval.
func TestLevelInChangeAndGains(t *testing.T) {
	crit := map[string]float64{}
	for _, lv := range []string{"95", "90"} {
		out, stderr, code := runCLI(t, "", "change", "--level", lv, "--format", "json", "--quiet")
		if code != 0 {
			t.Fatalf("exit %d %s", code, stderr)
		}
		var v struct {
			CriticalValue float64 `json:"critical_value"`
		}
		if err := json.Unmarshal([]byte(out), &v); err != nil {
			t.Fatal(err)
		}
		crit[lv] = v.CriticalValue
	}
	if !(relClose(crit["95"], 1.959963984540054, 1e-9) && relClose(crit["90"], 1.6448536269514722, 1e-9)) {
		t.Errorf("critical values %v, want z(.975) and z(.95)", crit)
	}
	for _, c := range []string{"ruptures", "gains", "change", "sessions", "meta"} {
		if _, stderr, code := runCLI(t, "", c, "--level", "150"); code != 2 || !strings.Contains(stderr, "between 0 and 100") {
			t.Errorf("%s --level 150: exit %d %q", c, code, stderr)
		}
	}
}

// A missing role column names the columns found and the flag once, not
// also the library's field (issue 13/14): every role of the study and the
// session commands, the flag taken from the problem's hint, the library's
// advice (errs.Problem.Advice) replaced, not matched by its words.
func TestSessionRoleErrorOnce(t *testing.T) {
	sess := "client,therapist,session,wai,phq\n1,1,1,2.75,25\n1,1,2,2.58,22\n"
	const sessCols = "columns are: client, therapist, session, wai, phq ("
	studies := "label,year,rr,nn\na,2000,.3,50\nb,2001,.2,40\nc,2002,.25,60\n"
	const studyCols = "columns are: label, year, rr, nn ("
	for _, c := range []struct {
		csv, cols, flag string
		args            []string
	}{
		{sess, sessCols, "--alliance", []string{"sessions", "-", "--patient", "client", "--outcome", "phq"}},
		{sess, sessCols, "--patient", []string{"sessions", "-", "--alliance", "wai", "--outcome", "phq"}},
		{sess, sessCols, "--outcome", []string{"sessions", "-", "--patient", "client", "--alliance", "wai"}},
		{sess, sessCols, "--session", []string{"sessions", "-", "--patient", "client", "--alliance", "wai", "--outcome", "phq", "--session", "week"}},
		{sess, sessCols, "--therapist", []string{"sessions", "-", "--patient", "client", "--alliance", "wai", "--outcome", "phq", "--therapist", "doc"}},
		{sess, sessCols, "--alliance", []string{"ruptures", "-", "--patient", "client", "--outcome", "phq"}},
		{sess, sessCols, "--outcome", []string{"gains", "-", "--patient", "client", "--cutoff", "7"}},
		{sess, sessCols, "--outcome", []string{"gains", "-", "--patient", "client", "--cutoff", "7", "--outcome", "bdi"}},
		{sess, sessCols, "--patient", []string{"change", "-", "--reliability", ".8"}},
		{sess, sessCols, "--outcome", []string{"change", "-", "--reliability", ".8", "--patient", "client"}},
		{sess, sessCols, "--session", []string{"change", "-", "--reliability", ".8", "--patient", "client", "--outcome", "phq", "--session", "week"}},
		{studies, studyCols, "--r", []string{"meta", "-"}},
		{studies, studyCols, "--n", []string{"meta", "-", "--r", "rr"}},
		{studies, studyCols, "--vi", []string{"meta", "-", "--yi", "rr"}},
		{studies, studyCols, "--study", []string{"meta", "-", "--r", "rr", "--n", "nn", "--study", "name"}},
		{studies, studyCols, "--mods", []string{"meta", "-", "--r", "rr", "--n", "nn", "--mods", "rater"}},
		{studies, studyCols, "--cluster", []string{"meta", "-", "--r", "rr", "--n", "nn", "--cluster", "lab"}},
		{studies, studyCols, "--yi", []string{"meta", "-", "--yi", "es", "--vi", "nn"}},
	} {
		_, stderr, code := runCLI(t, c.csv, c.args...)
		what := strings.Join(c.args, " ")
		if code != 2 || !strings.Contains(stderr, c.cols) {
			t.Errorf("%s: exit %d, want 2 and the columns found: %q", what, code, stderr)
		}
		if n := strings.Count(stderr, c.flag+" ") + strings.Count(stderr, c.flag+")") + strings.Count(stderr, c.flag+","); n != 1 {
			t.Errorf("%s: %s said %d times, want once: %q", what, c.flag, n, stderr)
		}
		for _, lib := range []string{"Columns.", "Options.", "name it in", "name them in", "named in"} {
			if strings.Contains(stderr, lib) {
				t.Errorf("%s: the library's advice %q is left in: %q", what, lib, stderr)
			}
		}
		if strings.Count(stderr, "(") != strings.Count(stderr, ")") || strings.Count(stderr, "(name") > 1 || strings.Count(stderr, "(see") > 1 {
			t.Errorf("%s: more than one piece of advice: %q", what, stderr)
		}
	}
}

// A decimal comma is pointed out once, with the flag (DESIGN.md's example
// message), not also with the library's words for the reading option.
func TestDecimalHintOnce(t *testing.T) {
	_, stderr, code := runCLI(t, "study,ri,ni\na,\"0,35\",50\nb,.2,40\nc,.25,60\n", "meta", "-")
	want := `stdin:2: column "ri": "0,35" is not a number (decimal comma? try --decimal ,)`
	if code != 2 || !strings.Contains(stderr, want) || strings.Count(stderr, "decimal comma") != 1 || strings.Contains(stderr, "separator") {
		t.Errorf("exit %d %q, want %q once", code, stderr, want)
	}
}

// An analysis error's advice (errs.Error.Advice) is replaced by the flag,
// not followed by it: omega's factor count is named once.
func TestAnalysisAdviceOnce(t *testing.T) {
	_, stderr, code := runCLI(t, "a,b,c\n1,2,3\n2,3,3\n3,3,4\n4,5,5\n2,2,1\n", "reliability", "-", "--items", "a,b,c", "--omega", "--nfactors", "5")
	if code != 2 || !strings.Contains(stderr, "(try --nfactors 2)") || strings.Contains(stderr, "OmegaOptions") || strings.Count(stderr, "try ") != 1 {
		t.Errorf("exit %d %q", code, stderr)
	}
}

// TestNumericFlagsFinite: no numeric flag takes NaN or ±Inf (--fsn-target
// NaN used to run with the default target, exit 0).
func TestNumericFlagsFinite(t *testing.T) {
	for _, args := range [][]string{
		{"meta", "--bias", "--fsn-target", "NaN"},
		{"meta", "--tau2", "-Inf"},
		{"meta", "--bayes", "--mu-mean", "inf"},
		{"gains", "--pct", "NaN"},
		{"change", "--significance", "+Inf"},
		{"score", "--list", "--max-missing", "nan"},
	} {
		_, stderr, code := runCLI(t, "", args...)
		if code != exitUsage || !strings.Contains(stderr, "give a finite number") {
			t.Errorf("%v: exit %d, %q", args, code, stderr)
		}
	}
}

// TestIPDStage1FlagsAreSessionFlags: the session model's flags of 'alliance
// ipd' (its first stage) are those of 'alliance sessions', with the same
// defaults and help, said to be about stage 1 (a deliberate change: the
// copies' help texts had drifted apart).
func TestIPDStage1FlagsAreSessionFlags(t *testing.T) {
	ipd, sess := newIPDCmd(&env{}).Flags(), newSessionsCmd(&env{}).Flags()
	for _, name := range []string{"centring", "detrend", "random-slope", "ar1", "no-therapist", "no-time", "ml", "max-lag-gap", "covariates", "alliance-label", "outcome-label"} {
		a, b := ipd.Lookup(name), sess.Lookup(name)
		if a == nil || b == nil {
			t.Fatalf("--%s: ipd %v, sessions %v", name, a != nil, b != nil)
		}
		if a.DefValue != b.DefValue || a.Value.Type() != b.Value.Type() || strings.TrimPrefix(a.Usage, "stage 1: ") != b.Usage {
			t.Errorf("--%s: ipd %q (default %q), sessions %q (default %q)", name, a.Usage, a.DefValue, b.Usage, b.DefValue)
		}
	}
}

// TestReportReadsAsEveryCommand: the report's reading flags are those of
// every command that reads a file (a deliberate change: the report had its
// own copies, without --encoding, which the README promised it), and they
// reach the reader; its enumerated fields are checked when parsed.
func TestReportReadsAsEveryCommand(t *testing.T) {
	rep, _ := reportCommand(&env{})
	meta := newMetaCmd(&env{})
	for _, name := range []string{"delimiter", "decimal", "sheet", "na", "encoding"} {
		a, b := rep.Flags().Lookup(name), meta.Flags().Lookup(name)
		if a == nil || b == nil || a.Usage != b.Usage || a.DefValue != b.DefValue {
			t.Fatalf("--%s: report %v, meta %v", name, a, b)
		}
	}
	if err := rep.ParseFlags([]string{"--encoding", "Latin-1", "--delimiter", ";", "--method", "dl"}); err != nil {
		t.Fatal(err)
	}
	o, read, err := parsed(rep)
	if err != nil || read.Encoding != "latin-1" || read.Delimiter != ';' || o.Meta.Method != "DL" {
		t.Errorf("parsed: %v, %+v, method %q", err, read, o.Meta.Method)
	}
	rep, _ = reportCommand(&env{})
	if err := rep.ParseFlags([]string{"--method", "foo"}); err == nil || !strings.Contains(err.Error(), `"foo" is not one of FE, EE, DL`) {
		t.Errorf("--method foo: %v", err)
	}
}

// TestEveryOutputFlagIsChecked: a flag whose help says it writes a FILE is
// marked as an output (flagx.IsOutput), so that it is checked with every
// other output before any work, and no other flag is.
func TestEveryOutputFlagIsChecked(t *testing.T) {
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		c.Flags().VisitAll(func(f *pflag.Flag) {
			writes := strings.Contains(f.Usage, "write") && strings.Contains(f.Usage, "`FILE`")
			if c.Name() == "report" && f.Name == "out" || c.Name() == "serve" {
				return // a directory, or no file
			}
			if writes != flagx.IsOutput(f) {
				t.Errorf("%s --%s: writes a file %v, marked as an output %v", c.CommandPath(), f.Name, writes, flagx.IsOutput(f))
			}
		})
		for _, s := range c.Commands() {
			walk(s)
		}
	}
	root := newRootCmd(&env{})
	root.InitDefaultHelpFlag()
	walk(root)
}
