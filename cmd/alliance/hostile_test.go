package main

import (
	"crypto/sha256"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// TestHostileCorpus replays testdata/hostile through the CLI: each input
// gives the expected exit class, a message that names the file, no panic,
// no file left in its directory, and the input unchanged.
func TestHostileCorpus(t *testing.T) {
	cases := []struct {
		file string
		args []string
		code int
	}{
		{"far-session.csv", []string{"gains", "--cutoff", "5"}, exitOK},
		{"text-constant-mod.csv", []string{"meta", "--mods", "arm"}, exitUsage},
		{"ctrl-label.csv", []string{"meta", "--leave1out"}, exitOK},
		{"bad-number.csv", []string{"meta"}, exitUsage},
		{"r-out-of-range.csv", []string{"meta"}, exitUsage},
		{"header-only.csv", []string{"meta"}, exitUsage},
		{"empty.csv", []string{"meta"}, exitUsage},
		{"nul-bytes.csv", []string{"meta"}, exitUsage}, // a label of NUL bytes only shows nothing: refused at file:line, column
		{"ragged.csv", []string{"meta"}, exitUsage},
		{"utf16.csv", []string{"meta"}, exitUsage},
		{"garbage.xlsx", []string{"meta"}, exitUsage},
		{"all-missing-outcome.csv", []string{"gains", "--cutoff", "5"}, exitUsage},
		{"dup-session.csv", []string{"gains", "--cutoff", "5"}, exitUsage},
		{"last-2e9.csv", []string{"gains", "--cutoff", "5", "--last", "2000000000"}, exitOK}, // sparse: no 8 GB per patient
		{"ctrl-header.csv", []string{"meta"}, exitUsage},                                     // column names printed escaped
		{"european-semicolon.csv", []string{"meta"}, exitOK},                                 // BOM, CRLF, ';' and decimal commas
		{"huge-number.csv", []string{"meta"}, exitUsage},                                     // 1e400 is not finite
		{"inf-cell.csv", []string{"meta"}, exitUsage},
		{"long-label.csv", []string{"meta", "--leave1out"}, exitOK}, // a 100 KB study label
		{"n-three.csv", []string{"meta"}, exitUsage},
		{"negative-variance.csv", []string{"meta"}, exitUsage},
		{"phq9-items.csv", []string{"score", "--measure", "PHQ-9", "--items", "phq9_*"}, exitUsage}, // 2.5 and 7, both listed
		{"wide-header.csv", []string{"sessions", "--alliance", "nope"}, exitUsage},                  // 20,004 columns: the list is cut
		{"xlsx-bad-crc.xlsx", []string{"meta"}, exitUsage},                                          // deflate data damaged
		{"xlsx-crc-mismatch.xlsx", []string{"meta"}, exitUsage},                                     // stored data changed under its checksum
		{"xlsx-short-sheet.xlsx", []string{"meta"}, exitUsage},                                      // fewer rows than its dimension
		{"xlsx-string-index.xlsx", []string{"meta"}, exitUsage},                                     // a shared-string index out of range
		{"zeros.bin", []string{"meta"}, exitUsage},                                                  // 64 KiB of NUL bytes
	}
	files, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "hostile", "*"))
	n := 0
	for _, f := range files {
		if !strings.HasSuffix(f, ".md") {
			n++
		}
	}
	if n != len(cases) {
		t.Fatalf("%d corpus files, %d cases: every file needs a case", n, len(cases))
	}
	for _, tc := range cases {
		data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "hostile", tc.file))
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		in := filepath.Join(dir, tc.file)
		if err := os.WriteFile(in, data, 0o644); err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(data)
		out := filepath.Join(dir, "out.txt")
		args := append(append([]string{}, tc.args[0], in, "--out", out), tc.args[1:]...)
		_, stderr, code := runCLI(t, "", args...)
		if code != tc.code {
			t.Errorf("%s: exit %d, want %d: %s", tc.file, code, tc.code, stderr)
		}
		if strings.Contains(stderr, "panic") || strings.Contains(stderr, "goroutine") {
			t.Errorf("%s: panic: %s", tc.file, stderr)
		}
		if code == exitUsage && !strings.Contains(stderr, tc.file) {
			t.Errorf("%s: message does not name the file: %s", tc.file, stderr)
		}
		if len(stderr) > 2000 {
			t.Errorf("%s: a message of %d bytes", tc.file, len(stderr))
		}
		if strings.ContainsAny(stderr, "\x1b\x07") {
			t.Errorf("%s: raw control characters in the message", tc.file)
		}
		after, _ := os.ReadFile(in)
		if sha256.Sum256(after) != sum {
			t.Errorf("%s: the input changed", tc.file)
		}
		var names []string
		ents, _ := os.ReadDir(dir)
		for _, e := range ents {
			names = append(names, e.Name())
		}
		sort.Strings(names)
		want := tc.file
		if code == exitOK {
			want = "out.txt " + tc.file
			if tc.file < "out.txt" {
				want = tc.file + " out.txt"
			}
		}
		if got := strings.Join(names, " "); got != want {
			t.Errorf("%s: directory holds %s, want %s", tc.file, got, want)
		}
	}
}
