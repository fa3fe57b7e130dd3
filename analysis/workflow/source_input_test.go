package workflow

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/alliance-research/alliance/datasets"
)

// TestInputRead: an embedded dataset, an upload, standard input and a file
// with the same content are read alike; an upload is left as it was sent.
func TestInputRead(t *testing.T) {
	const csv = "study,ri,ni\n\"A, B\",0.3,40\nC,0.2,50\n"
	path := filepath.Join(t.TempDir(), "s.csv")
	if err := os.WriteFile(path, []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	upload := []byte(csv)
	for _, in := range []Input{{File: "s.csv", Upload: upload}, {File: "-", Stdin: strings.NewReader(csv)}, {File: path}} {
		s, err := in.Read(datasets.ReadOptions{})
		if err != nil || s.Rows != 2 || s.Embedded || s.Table.Col(0).String(0) != "A, B" {
			t.Errorf("%+v: %+v, %v", in, s, err)
		}
	}
	if string(upload) != csv {
		t.Errorf("upload changed: %q", upload)
	}
	s, err := Input{Dataset: "demo-studies"}.Read(datasets.ReadOptions{})
	if err != nil || !s.Embedded || !s.Simulated || s.Name != "demo-studies" {
		t.Errorf("dataset: %+v, %v", s, err)
	}
	if _, err := (Input{Dataset: "nope"}).Read(datasets.ReadOptions{}); err == nil {
		t.Error("unknown dataset read")
	}
}

// TestDatasets: one row per embedded dataset, with its name and row count.
func TestDatasets(t *testing.T) {
	list, tab := Datasets()
	if len(list) == 0 || len(tab.Rows) != len(list) {
		t.Fatalf("%d datasets, %d rows", len(list), len(tab.Rows))
	}
	for i, in := range list {
		if r := tab.Rows[i]; r[0] != in.Name || r[2] != strconv.Itoa(in.Rows) || len(r) != len(tab.Columns) {
			t.Errorf("row %d: %v for %+v", i, r, in)
		}
	}
}
