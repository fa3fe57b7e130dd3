package main

import (
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/alliance-research/alliance/analysis/workflow"
)

// closeTree compares two decoded JSON values, numbers to rel relative
// (or 1e-9 absolute, for values that are zero but for rounding).
func closeTree(a, b any, rel float64) bool {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k := range x {
			if !closeTree(x[k], y[k], rel) {
				return false
			}
		}
		return true
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !closeTree(x[i], y[i], rel) {
				return false
			}
		}
		return true
	case float64:
		y, ok := b.(float64)
		return ok && math.Abs(x-y) <= max(1e-9, rel*math.Max(math.Abs(x), math.Abs(y)))
	}
	return reflect.DeepEqual(a, b)
}

// TestReportStreamedNumbersEqualTheCommands is TestReportNumbersEqualTheCommands
// on a session file the report reads patient by patient (as it reads a
// file over workflow.ReportStreamBytes; lowered here): every command line
// of its reproducibility section prints the report's numbers — exactly
// for ruptures, gains, change and panel; for the session model to 1e-4
// relative (the project's tolerance for optimiser-dependent numbers: the
// Satterthwaite df differ by 2e-6 relative, the estimates by 1e-11), because 'alliance sessions' fits the rows of a file of up to
// 500,000 rows and the streamed report the model's sufficient statistics
// (the same fit to rounding; above 500,000 rows the command fits the
// statistics too, and the workflow test TestReportStreamEqualsCommands
// finds them equal digit for digit). The per-patient lists, which the
// report writes beside its page (tables/), are not compared.
func TestReportStreamedNumbersEqualTheCommands(t *testing.T) {
	old := workflow.ReportStreamBytes
	workflow.ReportStreamBytes = -1
	t.Cleanup(func() { workflow.ReportStreamBytes = old })
	t.Chdir(t.TempDir())
	if _, stderr, code := runCLI(t, "", "simulate", "sessions", "--patients", "1200", "--therapists", "30", "--min-sessions", "8", "--max-sessions", "14", "--out", "s.csv", "-q"); code != 0 {
		t.Fatalf("simulate: exit %d: %s", code, stderr)
	}
	_, stderr, code := runCLI(t, "", "report", "--sessions", "s.csv", "--out", "rep", "--dpi", "72", "--no-pdf")
	if code != 0 {
		t.Fatalf("report: exit %d: %s", code, stderr)
	}
	tree := readTree(t, "rep")
	for _, p := range []string{"tables/ruptures-patients.csv", "tables/ruptures-episodes.csv", "tables/gains-bysg.csv", "tables/change-persons.csv"} {
		if len(tree[p]) == 0 {
			t.Errorf("%s missing", p)
		} else if !strings.Contains(string(tree["index.html"]), p) {
			t.Errorf("index.html does not say where %s is", p)
		}
	}
	same := func(part, key string, cli, rep any) bool {
		switch {
		case key == "lists_omitted", part == "change" && key == "persons":
			return true // beside the page
		case part == "sessions":
			return closeTree(cli, rep, 1e-4)
		}
		return reflect.DeepEqual(cli, rep)
	}
	compareStepsWith(t, readResults(t, "rep"), same, []string{"sessions", "ruptures", "gains", "change", "panel"})
}
