package workflow

import (
	"strings"
	"testing"

	"github.com/alliance-research/alliance/analysis/errs"
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

// TestInputFileAndDataset: an input naming both a file and an embedded
// dataset is refused as an invalid option, never read as one of them.
func TestInputFileAndDataset(t *testing.T) {
	for _, in := range []Input{{File: "d.csv", Dataset: MetaExampleData}, {File: "up.csv", Upload: []byte("r,n\n.3,40\n"), Dataset: MetaExampleData}} {
		_, err := in.Read(datasets.ReadOptions{})
		if errs.KindOf(err) != errs.InvalidOption || !strings.Contains(err.Error(), "not both") {
			t.Errorf("%+v: %v", in.File, err)
		}
	}
	if _, err := (Input{Dataset: MetaExampleData}).Read(datasets.ReadOptions{}); err != nil {
		t.Errorf("the dataset alone: %v", err)
	}
}
