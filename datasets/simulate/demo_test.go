package simulate

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the committed demo datasets in ../data from the default parameters")

// demoFiles regenerates the two simulated demo datasets and their SOURCE
// notes from the default parameters.
func demoFiles(t *testing.T) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	var b bytes.Buffer
	ssum, err := WriteSessionsCSV(&b, DefaultSessionParams(), nil)
	if err != nil {
		t.Fatal(err)
	}
	files["demo-sessions.csv"] = bytes.Clone(b.Bytes())
	files["demo-sessions.md"] = []byte(SessionsNote("demo-sessions", DefaultSessionParams(), ssum))
	b.Reset()
	stsum, err := WriteStudiesCSV(&b, DefaultStudyParams())
	if err != nil {
		t.Fatal(err)
	}
	files["demo-studies.csv"] = bytes.Clone(b.Bytes())
	files["demo-studies.md"] = []byte(StudiesNote("demo-studies", DefaultStudyParams(), stsum))
	return files
}

// TestDemoFiles checks that the committed demo datasets and notes are exactly
// what the default parameters generate. Run with -update to rewrite them:
//
//	go test ./datasets/simulate -run TestDemoFiles -update
func TestDemoFiles(t *testing.T) {
	for name, want := range demoFiles(t) {
		path := filepath.Join("..", "data", name)
		if *update {
			if err := os.WriteFile(path, want, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (regenerate with -update)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from what DefaultParams generate (%d vs %d bytes); regenerate with -update if the change is intended", path, len(got), len(want))
		}
	}
}
