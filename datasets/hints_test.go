package datasets

import (
	"errors"
	"strings"
	"testing"
)

// Every problem that a setting would fix names the setting in Problem.Hint
// (machine-readable, for a front end's own flag hint), and no message names
// a command-line flag.
func TestProblemHints(t *testing.T) {
	for _, c := range []struct {
		name, text string
		cols       StudyColumns
		ropt       ReadOptions
		hint       string
	}{
		{"dec.csv", "study,ri,ni\nA,\"0,35\",20\n", StudyColumns{}, ReadOptions{}, "decimal=,"},
		{"eu.csv", "study;ri;ni\nA;0.35;20\n", StudyColumns{}, ReadOptions{}, "decimal=."},
		{"short.csv", "study,ri,ni\nA,0.3\n", StudyColumns{}, ReadOptions{}, "delimiter"},
		{"named.csv", "study,ri,ni\nA,.3,20\n", StudyColumns{R: "rr"}, ReadOptions{}, "r"},
		{"rOnly.csv", "study,r\nA,.3\n", StudyColumns{}, ReadOptions{}, "n"},
		{"yiOnly.csv", "study,yi\nA,.3\n", StudyColumns{}, ReadOptions{}, "vi"},
		{"ambig.csv", "study,ri,RI,ni\nA,.1,.2,20\n", StudyColumns{}, ReadOptions{}, "r"},
		{"neither.csv", "study,x\nA,.3\n", StudyColumns{}, ReadOptions{}, "effects"},
		{"mods.csv", "study,ri,ni\nA,.3,20\n", StudyColumns{Mods: []string{"year"}}, ReadOptions{}, "mods"},
	} {
		tab, err := Read(c.name, strings.NewReader(c.text), c.ropt)
		if err == nil {
			_, err = tab.Studies(c.cols, StudyOptions{})
		}
		var ie *InputError
		if !errors.As(err, &ie) || len(ie.Problems) == 0 {
			t.Errorf("%s: %v is not an *InputError", c.name, err)
			continue
		}
		if got := ie.Problems[0].Hint; got != c.hint {
			t.Errorf("%s: hint %q, want %q (%v)", c.name, got, c.hint, err)
		}
		if strings.Contains(err.Error(), "--") {
			t.Errorf("%s: message names a flag: %v", c.name, err)
		}
	}
	tab := mustRead(t, "s.csv", "client,week\na,1\n", ReadOptions{})
	_, err := tab.Sessions(SessionColumns{}, SessionOptions{RequireAlliance: true})
	var ie *InputError
	if !errors.As(err, &ie) {
		t.Fatalf("sessions: %v", err)
	}
	var hints []string
	for _, p := range ie.Problems {
		hints = append(hints, p.Hint)
	}
	if got := strings.Join(hints, ","); got != "patient,session,alliance" {
		t.Errorf("session hints %q: %v", got, err)
	}
}
