package workflow

import (
	"strings"
	"testing"

	"github.com/alliance-research/alliance/datasets"
)

// TestExampleData: every example dataset is embedded and of the kind its
// analysis reads, and its note names it and says when it is simulated.
func TestExampleData(t *testing.T) {
	for name, kind := range map[string]string{MetaExampleData: datasets.KindStudies, SessionsExampleData: datasets.KindSessions,
		GainsExampleData: "", ChangeExampleData: ""} {
		info, err := datasets.Lookup(name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if kind != "" && info.Kind != kind {
			t.Errorf("%s is of kind %s, want %s", name, info.Kind, kind)
		}
		note, err := ExampleNote(name)
		if err != nil || !strings.Contains(note.Text, "embedded dataset "+name) || info.Simulated != strings.Contains(note.Text, "SIMULATED") {
			t.Errorf("%s: note %q, simulated %v, err %v", name, note.Text, info.Simulated, err)
		}
	}
	if _, err := ExampleNote("no-such-data"); err == nil {
		t.Error("an unknown dataset has a note")
	}
}
