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
		{[]string{"change", "--significance", "0"}, "--significance 0"},
		{[]string{"change", "--significance", "1"}, "--significance 1"},
		{[]string{"change", "--reliability", "0"}, "(--reliability)"},
		{[]string{"gains", "--dataset", "demo-sessions", "--cutoff", "-5"}, "cutoff -5"},
		// --k 0 once meant the default k; --reliability beside --cutoff was ignored
		{[]string{"ruptures", "--k", "0"}, "(--k)"},
		{[]string{"ruptures", "--percent", "200"}, "(--percent)"},
		{[]string{"gains", "--dataset", "demo-sessions", "--cutoff", "5", "--reliability", ".8"}, "give one of a cutoff, a reliability"},
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
	} {
		_, stderr, code := runCLI(t, "", args...)
		if code != exitUsage || !strings.Contains(stderr, args[2]) || strings.Contains(stderr, "Params()") || strings.Contains(stderr, "MissingRate") {
			t.Errorf("%v: exit %d, %q", args, code, stderr)
		}
	}
}
