package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Regression tests for the review of the command wiring: combinations that
// were silently ignored must be refused, and named columns must be used.
func TestRefusedCombinations(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"meta", "--aggregate", "study", "--cumulative", "year"}, "cannot be combined with aggregation (--aggregate)"},
		{[]string{"meta", "--cluster", "study", "--subgroup", "treatment"}, "univariate"},
		{[]string{"meta", "--cluster", "study", "--permutations", "100"}, "univariate"},
		{[]string{"ruptures", "--preset", "larsson2018", "--k", "5"}, "--k"},
		{[]string{"ruptures", "--method", "rci", "--percent", "20", "--reliability", ".9"}, "--percent"},
		{[]string{"gains", "--pct", "250"}, "--pct"},
	} {
		_, stderr, code := runCLI(t, "", c.args...)
		if code != 2 || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d %q (want 2 and %q)", c.args, code, stderr, c.want)
		}
	}
}

func TestNamedSEIsUsed(t *testing.T) {
	// vi says .5, sei says .1: with --sei the variance is .01 (FE SE = .1/√2).
	csv := "study,yi,vi,se\nA,0.2,0.5,0.1\nB,0.4,0.5,0.1\n"
	out, stderr, code := runCLI(t, csv, "meta", "-", "--yi", "yi", "--sei", "se", "--method", "FE", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d %s", code, stderr)
	}
	var v struct{ Coefficients []struct{ SE float64 } }
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatal(err)
	}
	if !relClose(v.Coefficients[0].SE, 0.1/1.4142135623730951, 1e-12) {
		t.Errorf("SE %v, want %v", v.Coefficients[0].SE, 0.1/1.4142135623730951)
	}
	if _, stderr, code := runCLI(t, "study,yi,vi\nA,0.2,0\nB,0.3,0.1\n", "meta", "-", "--method", "FE"); code != 2 || !strings.Contains(stderr, "stdin:2") {
		t.Errorf("vi = 0: exit %d %q", code, stderr)
	}
}

func TestPctAsPercentAndLevelLabels(t *testing.T) {
	a, _, c1 := runCLI(t, "", "gains", "--pct", "25", "--format", "csv", "--quiet")
	b, _, c2 := runCLI(t, "", "gains", "--pct", ".25", "--format", "csv", "--quiet")
	if c1 != 0 || c2 != 0 || a != b {
		t.Errorf("--pct 25 and --pct .25 differ (exit %d, %d)", c1, c2)
	}
	out, _, code := runCLI(t, "", "meta", "--dataset", "molloy2014", "--subgroup", "design", "--leave1out", "--level", "90", "--quiet")
	if code != 0 || strings.Contains(out, "95%") || !strings.Contains(out, "90% CI") {
		t.Errorf("--level 90 output still mentions 95%% (exit %d):\n%s", code, out)
	}
}

func TestAggregateOutNotWrittenOnBadUsage(t *testing.T) {
	agg := filepath.Join(t.TempDir(), "agg.csv")
	if _, _, code := runCLI(t, "", "meta", "--aggregate", "study", "--aggregate-out", agg, "--mods", "year"); code != 2 {
		t.Errorf("exit %d, want 2", code)
	}
	if _, err := os.Stat(agg); err == nil {
		t.Errorf("%s was written by a failed run", agg)
	}
}

func TestMissingGroupIDIsAnError(t *testing.T) {
	csv := "y,x,g\n1,2,a\n2,3,a\n3,1,\n4,5,b\n5,4,b\n"
	if _, stderr, code := runCLI(t, csv, "lmm", "-", "--formula", "y ~ x + (1 | g)"); code != 2 || !strings.Contains(stderr, "line 4") {
		t.Errorf("missing group id: exit %d %q", code, stderr)
	}
}

func TestChangeUsesTimeOrder(t *testing.T) {
	// Patient 1's rows are out of order (time 3 before time 1) and patient 2
	// starts with a missing score: pre/post must be the first and last
	// observed scores in time order.
	csv := "id,time,score\n1,3,10\n1,1,30\n1,2,NA\n2,1,NA\n2,2,20\n2,3,15\n3,1,25\n3,2,24\n"
	out, stderr, code := runCLI(t, csv, "change", "-", "--reliability", ".8", "--format", "csv")
	if code != 0 {
		t.Fatalf("exit %d %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if !strings.HasPrefix(lines[1], "1,,30,10,") || !strings.HasPrefix(lines[2], "2,,20,15,") {
		t.Errorf("pre/post:\n%s", out)
	}
}

func TestLmmTypoInNumericColumn(t *testing.T) {
	var b strings.Builder
	b.WriteString("y,x,g\n")
	for i := 0; i < 20; i++ {
		x := fmt.Sprint(i % 7)
		if i == 9 {
			x = "4..5"
		}
		fmt.Fprintf(&b, "%d,%s,g%d\n", i, x, i%4)
	}
	_, stderr, code := runCLI(t, b.String(), "lmm", "-", "--formula", "y ~ x + (1 | g)")
	if code != 2 || !strings.Contains(stderr, "stdin:11") || !strings.Contains(stderr, `"4..5"`) {
		t.Errorf("typo in a numeric predictor: exit %d %q", code, stderr)
	}
}

func TestExactPermutationFlag(t *testing.T) {
	// k = 6 with one numeric moderator: 6! = 720 unique permutations; the
	// p-value of x counts permutations with |z| ≥ the observed one, so it is
	// a multiple of 1/720.
	csv := "study,yi,vi,x\nA,.1,.01,1\nB,.3,.02,2\nC,.2,.01,3\nD,.5,.03,4\nE,.4,.02,5\nF,.6,.01,6\n"
	out, stderr, code := runCLI(t, csv, "meta", "-", "--mods", "x", "--exact", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d %s", code, stderr)
	}
	var v struct {
		Permutation struct {
			Iterations int
			Exact      bool
			P          []float64
		}
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatal(err)
	}
	p := v.Permutation
	if !p.Exact || p.Iterations != 720 {
		t.Fatalf("exact %v, %d iterations; want exact over 720", p.Exact, p.Iterations)
	}
	if c := p.P[1] * 720; math.Abs(c-math.Round(c)) > 1e-9 {
		t.Errorf("p = %v is not a multiple of 1/720", p.P[1])
	}
}
