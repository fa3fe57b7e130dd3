package main

import (
	"strings"
	"testing"
)

// TestSilentAcceptancesRefused: options that used to run with another
// value exit 2 naming their flag.
func TestSilentAcceptancesRefused(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"change", "--significance", "0"}, "significance level 0: give a number between 0 and 1 (e.g. 0.05) (--significance)"},
		{[]string{"change", "--significance", "1"}, "significance level 1:"},
		{[]string{"change", "--significance", ".1", "--level", "90"}, "not both (--significance)"},
		{[]string{"change", "--wide", "pre"}, "not \"pre\" (--wide PRE,POST)"},
		{[]string{"change", "--wide", ","}, "name the pre and post columns"},
		{[]string{"change", "--wide", ""}, "name the pre and post columns"},
		{[]string{"change", "--wide", "a,b", "--pre", "1", "--post", "2"}, "(--wide PRE,POST)"},
		{[]string{"change", "--reliability", "0"}, "(--reliability)"},
		{[]string{"gains", "--dataset", "demo-sessions", "--cutoff", "-5"}, "cutoff -5"},
		// --k 0 once meant the default k; --reliability beside --cutoff was ignored
		{[]string{"ruptures", "--k", "0"}, "(--k)"},
		{[]string{"ruptures", "--percent", "200"}, "(--percent)"},
		{[]string{"gains", "--dataset", "demo-sessions", "--cutoff", "5", "--reliability", ".8"}, "give one of a cutoff, a reliability"},
		{[]string{"gains", "--dataset", "demo-sessions", "--cutoff-from-rci"}, "needs the reliability of the measure (e.g. .93) (--reliability)"},
	} {
		_, stderr, code := runCLI(t, "", tc.args...)
		if code != exitUsage || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, %q", tc.args, code, stderr)
		}
	}
}

// TestNoGoNamesInMessages: simulate's parameter errors name flags, not Go
// fields or constructors.
func TestNoGoNamesInMessages(t *testing.T) {
	for _, args := range [][]string{
		{"simulate", "sessions", "--missing-rate", "2"},
		{"simulate", "studies", "--studies", "0"},
		{"simulate", "panel", "--waves", "2"},
		{"simulate", "sessions", "--patients", "10", "--therapists", "20"},
	} {
		_, stderr, code := runCLI(t, "", args...)
		if code != exitUsage || !strings.Contains(stderr, args[2]) || strings.Contains(stderr, "Params()") || strings.Contains(stderr, "MissingRate") || strings.Contains(stderr, "Waves") || strings.Contains(stderr, "Patients") {
			t.Errorf("%v: exit %d, %q", args, code, stderr)
		}
	}
}
