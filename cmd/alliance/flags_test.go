package main

import (
	"encoding/json"
	"strings"
	"testing"
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
// --session, and the old column form gets the new spelling.
func TestAR1Switch(t *testing.T) {
	_, stderr, code := runCLI(t, "", "lmm", "--formula", "outcome ~ session + (1 | patient)", "--ar1", "session")
	if code != 2 || !strings.Contains(stderr, "--ar1 --session session") {
		t.Errorf("old form: exit %d %q", code, stderr)
	}
	out, stderr, code := runCLI(t, "", "lmm", "--formula", "outcome ~ session + (1 | patient)", "--ar1", "--format", "json", "--quiet")
	if code != 0 || !strings.Contains(out, `"ar1_phi"`) {
		t.Errorf("--ar1: exit %d %s", code, stderr)
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
// also the library's field (issue 13/14).
func TestSessionRoleErrorOnce(t *testing.T) {
	csv := "client,therapist,session,wai,outcome\n1,1,1,2.75,25\n1,1,2,2.58,22\n"
	_, stderr, code := runCLI(t, csv, "sessions", "-", "--patient", "client")
	if code != 2 || !strings.Contains(stderr, "columns are: client, therapist, session, wai, outcome (name it with --alliance)") {
		t.Errorf("exit %d %q", code, stderr)
	}
	if strings.Contains(stderr, "SessionColumns") || strings.Count(stderr, "--alliance") != 1 {
		t.Errorf("the hint is given twice: %q", stderr)
	}
}
