package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestChangeDuplicateLines: a patient with the same session twice (long
// data), or with two rows (wide data), is a bad-input error (exit 2) that
// names the file and the lines of both rows.
func TestChangeDuplicateLines(t *testing.T) {
	dir := t.TempDir()
	long := filepath.Join(dir, "long.csv")
	// line 1 header; p2 session 1 on lines 4 and 7.
	if err := os.WriteFile(long, []byte("id,time,score\np1,1,20\np1,4,10\np2,1,22\np2,4,12\np3,1,25\np2,1,21\np3,4,9\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	wide := filepath.Join(dir, "wide.csv")
	// p2 on lines 3 and 5.
	if err := os.WriteFile(wide, []byte("id,pre,post\np1,20,10\np2,22,12\np3,25,9\np2,21,11\np4,24,14\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name  string
		args  []string
		lines []string
	}{
		{"long pre/post", []string{"change", long, "--pre", "1", "--post", "4", "--reliability", ".8"}, []string{"4", "7"}},
		{"long first/last", []string{"change", long, "--reliability", ".8"}, []string{"4", "7"}},
		{"long HLM", []string{"change", long, "--method", "HLM", "--approach", "distribution"}, []string{"4", "7"}},
		{"wide", []string{"change", wide, "--wide", "pre,post", "--reliability", ".8"}, []string{"3", "5"}},
	} {
		_, stderr, code := runCLI(t, "", c.args...)
		if code != 2 {
			t.Errorf("%s: exit %d, want 2: %s", c.name, code, stderr)
			continue
		}
		file := filepath.Base(c.args[1])
		if !strings.Contains(stderr, file+":"+c.lines[1]) {
			t.Errorf("%s: message lacks %s:%s: %s", c.name, file, c.lines[1], stderr)
		}
		if !strings.Contains(stderr, "lines "+c.lines[0]+" and "+c.lines[1]) {
			t.Errorf("%s: message lacks both lines %v: %s", c.name, c.lines, stderr)
		}
		if !strings.Contains(stderr, `"p2"`) {
			t.Errorf("%s: message lacks the patient: %s", c.name, stderr)
		}
	}
}
