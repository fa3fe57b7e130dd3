package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestChangeMatchesClinicalsignificance checks the command end to end
// (embedded claus2020, long data, pre = 1, post = 4) against the published
// test snapshots of clinicalsignificance (cs_combined, cutoff c, JT and EN;
// analysis/change/testdata/reference_test_snapshot_cs_combined.md).
func TestChangeMatchesClinicalsignificance(t *testing.T) {
	cases := map[string]map[string]int{
		"JT": {"recovered": 26, "improved": 3, "unchanged": 10, "deteriorated": 1, "harmed": 0},
		"EN": {"recovered": 26, "improved": 6, "unchanged": 5, "deteriorated": 3, "harmed": 0},
	}
	for method, want := range cases {
		out, stderr, code := runCLI(t, "", "change", "--method", method, "--format", "json")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		var got struct {
			NUsed     int `json:"n_used"`
			NOriginal int `json:"n_original"`
			Summary   []struct {
				Category string
				N        int
			}
		}
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatal(err)
		}
		if got.NUsed != 40 || got.NOriginal != 43 {
			t.Errorf("%s: n used %d of %d, want 40 of 43", method, got.NUsed, got.NOriginal)
		}
		for _, c := range got.Summary {
			if c.N != want[c.Category] {
				t.Errorf("%s: %s = %d, want %d", method, c.Category, c.N, want[c.Category])
			}
		}
	}
}

// TestChangeHLMMatchesSnapshots runs --method HLM on the embedded claus2020
// and compares with clinicalsignificance's published test snapshots
// (cs_distribution and cs_combined with rci_method = "HLM").
func TestChangeHLMMatchesSnapshots(t *testing.T) {
	for _, c := range []struct {
		args []string
		want map[string]int
	}{
		{[]string{"change", "--method", "HLM", "--approach", "distribution"}, map[string]int{"improved": 11, "unchanged": 20, "deteriorated": 9}},
		{[]string{"change", "--method", "HLM"}, map[string]int{"recovered": 10, "improved": 1, "unchanged": 20, "deteriorated": 9, "harmed": 0}},
	} {
		out, stderr, code := runCLI(t, "", append(c.args, "--format", "json", "--quiet")...)
		if code != 0 {
			t.Fatalf("%v: exit %d %s", c.args, code, stderr)
		}
		var got struct {
			Summary []struct {
				Category string
				N        int
			}
		}
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatal(err)
		}
		if len(got.Summary) != len(c.want) {
			t.Errorf("%v: %d categories, want %d", c.args, len(got.Summary), len(c.want))
		}
		for _, s := range got.Summary {
			if n, ok := c.want[s.Category]; !ok || n != s.N {
				t.Errorf("%v: %s = %d, snapshot %d", c.args, s.Category, s.N, n)
			}
		}
	}
}

func TestChangeWideAndErrors(t *testing.T) {
	// Jacobson & Truax style by hand: SD_pre of (10, 20, 30) is 10, r = .75 →
	// SEM = 5, S_diff = √50 ≈ 7.07; reliable change needs |Δ| > 13.86.
	csv := "id,pre,post\na,10,30\nb,20,15\nc,30,50\n"
	out, stderr, code := runCLI(t, csv, "change", "-", "--wide", "pre,post", "--reliability", ".75", "--better", "higher", "--format", "csv")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 4 || !strings.HasSuffix(lines[1], ",improved") || !strings.HasSuffix(lines[2], ",unchanged") || !strings.HasSuffix(lines[3], ",improved") {
		t.Errorf("categories:\n%s", out)
	}
	if _, stderr, code := runCLI(t, csv, "change", "-", "--wide", "pre,post"); code != 2 || !strings.Contains(stderr, "reliability") {
		t.Errorf("missing reliability: exit %d %q", code, stderr)
	}
	bad := "id,pre,post\na,10,x\n"
	if _, stderr, code := runCLI(t, bad, "change", "-", "--wide", "pre,post", "--reliability", ".8"); code != 2 || !strings.Contains(stderr, "stdin:2") || !strings.Contains(stderr, `"x"`) {
		t.Errorf("bad cell: exit %d %q", code, stderr)
	}
	// --wide takes the columns in every command; the old switch form is
	// refused with the new spelling.
	for _, args := range [][]string{{"--wide", "--pre", "pre", "--post", "post"}, {"--wide", "pre"}} {
		_, stderr, code := runCLI(t, csv, append([]string{"change", "-", "--reliability", ".75"}, args...)...)
		if code != 2 || !strings.Contains(stderr, "--wide PRE,POST") {
			t.Errorf("%v: exit %d %q", args, code, stderr)
		}
	}
	if _, stderr, code := runCLI(t, csv, "change", "-", "--wide", "pre,post", "--pre", "pre"); code != 2 || !strings.Contains(stderr, "are for long data") {
		t.Errorf("--wide with --pre: exit %d %q", code, stderr)
	}
}

// TestChangeHLMCombinedErrorNotLost is the regression test of issue 13's
// crash: the error of change.HLMCombined was shadowed and the nil result
// rendered (a segfault). Cutoff c needs the functional SD, which is not
// given, so the command must fail with exit 2 and say so.
func TestChangeHLMCombinedErrorNotLost(t *testing.T) {
	_, stderr, code := runCLI(t, "", "change", "--dataset", "claus2020", "--method", "HLM", "--score", "hamd",
		"--approach", "combined", "--m-functional", "8", "--cutoff-type", "c", "--quiet")
	if code != 2 || !strings.Contains(stderr, "functional") || strings.Contains(stderr, "panic") {
		t.Errorf("exit %d %q: want exit 2 naming the missing functional SD", code, stderr)
	}
}
