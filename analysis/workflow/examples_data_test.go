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

// TestMetaFigureFieldOf: a section's figure, or its three-level variant,
// is asked for by its field; other names by none.
func TestMetaFigureFieldOf(t *testing.T) {
	for name, want := range map[string]string{"funnel": "funnel", "funnel-three-level": "funnel", "influence": "influence-plot", "profile-three-level": "profile-plot"} {
		if ff, ok := MetaFigureFieldOf(name); !ok || ff.Name != want {
			t.Errorf("%s: field %q %v, want %q", name, ff.Name, ok, want)
		}
	}
	if _, ok := MetaFigureFieldOf("trajectory-outcome"); ok {
		t.Error("a session figure has a meta field")
	}
	if !(MetaOptions{Figures: []string{"gosh"}}).RunsGosh() || (MetaOptions{Figures: []string{"forest"}}).RunsGosh() {
		t.Error("RunsGosh")
	}
}

// TestScoringKey: one of a built-in measure and a key file, each fault an
// invalid option naming what to set.
func TestScoringKey(t *testing.T) {
	if k, err := ScoringKey("PHQ-9", ""); err != nil || k.Items != 9 {
		t.Errorf("PHQ-9: %d items, %v", k.Items, err)
	}
	dir := t.TempDir()
	for _, c := range []struct{ measure, file, hint string }{
		{"PHQ-9", dir + "/k.json", "Key"}, {"", dir + "/missing.json", "Key"}, {"nope", "", "Measure"}, {"", "", "Measure"},
	} {
		_, err := ScoringKey(c.measure, c.file)
		if errs.KindOf(err) != errs.InvalidOption || OptionOf(err) != c.hint {
			t.Errorf("%q %q: %v (option %q)", c.measure, c.file, err, OptionOf(err))
		}
	}
}

// TestGainsPatientsNeedByPerson: a writer for the byperson table without
// the byperson analysis is refused, not left empty.
func TestGainsPatientsNeedByPerson(t *testing.T) {
	opt, _ := GainsExample(GainsOptions{})
	src, err := Input{Dataset: GainsExampleData}.Read(datasets.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	opt.PatientsTo = &strings.Builder{}
	if _, err := Gains(src, opt); OptionOf(err) != "PatientsTo" {
		t.Errorf("without ByPerson: %v", err)
	}
	opt.ByPerson = true
	if _, err := Gains(src, opt); err != nil {
		t.Errorf("with ByPerson: %v", err)
	}
}
