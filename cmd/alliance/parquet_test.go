package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestParquetMatchesCSV simulates the same data as CSV and as Parquet
// (simulate --out x.csv / x.parquet) and checks that ruptures, gains,
// sessions, change and meta give byte-identical JSON from both files, once the file
// name (echoed in the "data" field) is replaced. Missing cells (nulls ↔ NA)
// are compared in datasets' TestParquetNullsAreNA.
func TestParquetMatchesCSV(t *testing.T) {
	dir := t.TempDir()
	sim := func(kind, out string, extra ...string) {
		t.Helper()
		args := append([]string{"simulate", kind, "--out", out, "-q"}, extra...)
		if _, stderr, code := runCLI(t, "", args...); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
	}
	for _, ext := range []string{".csv", ".parquet"} {
		sim("sessions", filepath.Join(dir, "s"+ext), "--patients", "300")
		sim("studies", filepath.Join(dir, "m"+ext))
	}
	if b, err := os.ReadFile(filepath.Join(dir, "s.parquet")); err != nil || !strings.HasPrefix(string(b), "PAR1") {
		t.Fatalf("s.parquet is not a Parquet file (%v)", err)
	}
	cases := []struct {
		file string
		args []string
	}{
		{"s", []string{"ruptures"}},
		{"s", []string{"gains", "--cutoff", "5"}},
		{"s", []string{"sessions"}},
		{"s", []string{"change", "--reliability", ".8"}},
		{"s", []string{"change", "--reliability", ".8", "--approach", "combined", "--pre", "1", "--post", "6"}},
		{"m", []string{"meta"}},
	}
	for _, c := range cases {
		var got [2]string
		for k, ext := range []string{".csv", ".parquet"} {
			path := filepath.Join(dir, c.file+ext)
			args := append(append([]string{}, c.args...), path, "--format", "json")
			stdout, stderr, code := runCLI(t, "", args...)
			if code != 0 {
				t.Fatalf("%v: exit %d: %s", args, code, stderr)
			}
			got[k] = strings.ReplaceAll(stdout, path, "FILE")
		}
		if got[0] != got[1] {
			t.Errorf("%s: CSV and Parquet JSON differ:\nCSV:     %.400s\nParquet: %.400s", c.args[0], got[0], got[1])
		}
	}
}

// TestParquetOutRefusesNonTable: --out x.parquet with a text result is a
// usage error naming --format csv, and writes nothing.
func TestParquetOutRefusesNonTable(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "x.parquet")
	_, stderr, code := runCLI(t, "", "meta", "--out", out)
	if code != 2 || !strings.Contains(stderr, "--format csv") {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	if _, err := os.Stat(out); err == nil {
		t.Fatal("a file was written")
	}
}
