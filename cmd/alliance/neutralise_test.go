package main

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// neutraliseInput is wide change data whose patient ids start like
// formulas (=, +, -, @, and -Infinity / -inf / a hex float, which Go parses
// as numbers but a spreadsheet does not), and one id that is a plain
// negative number; the pre scores include negative numbers.
const neutraliseInput = "id,pre,post\n=1+2,20,10\n-Infinity,22,12\n@SUM(A1),25,26\n+cmd,21,11\n-inf,30,20\n-0x1p2,30,21\n-5,-0.25,-10\n"

// checkNeutralised parses a CSV/TSV output and checks every id cell is
// neutralised with a leading ' (the plain number -5 left as it is), and
// every numeric cell still parses as a number (-0.25 is not text).
func checkNeutralised(t *testing.T, what, out string, delim rune) {
	t.Helper()
	r := csv.NewReader(strings.NewReader(out))
	r.Comma = delim
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatalf("%s: not %q-separated: %v\n%s", what, delim, err, out)
	}
	want := map[string]bool{"'=1+2": true, "'-Infinity": true, "'@SUM(A1)": true, "'+cmd": true, "'-inf": true, "'-0x1p2": true, "-5": true}
	if len(recs) != 8 || len(recs[0]) != 7 {
		t.Fatalf("%s: %d records of %d cells:\n%s", what, len(recs), len(recs[0]), out)
	}
	for _, rec := range recs[1:] {
		if !want[rec[0]] {
			t.Errorf("%s: id cell %q not neutralised as expected", what, rec[0])
		}
		for _, c := range rec[2:6] {
			if strings.HasPrefix(c, "'") {
				t.Errorf("%s: numeric cell %q turned into text", what, c)
			}
		}
	}
	if recs[7][2] != "-0.25" {
		t.Errorf("%s: pre of -5 is %q, want -0.25", what, recs[7][2])
	}
}

// TestCSVStdoutNeutralised: --format csv to standard output neutralises
// formula-like cells, including labels Go would parse as numbers.
func TestCSVStdoutNeutralised(t *testing.T) {
	in := filepath.Join(t.TempDir(), "w.csv")
	if err := os.WriteFile(in, []byte(neutraliseInput), 0o644); err != nil {
		t.Fatal(err)
	}
	out, stderr, code := runCLI(t, "", "change", in, "--wide", "pre,post", "--reliability", ".8", "--format", "csv")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	checkNeutralised(t, "stdout", out, ',')
}

// TestTSVCellNeutralised: --out x.tsv neutralises cell by cell (a line
// whose first cell is the number -5 is not made text as a whole), and
// so does --out x.csv.
func TestTSVCellNeutralised(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "w.csv")
	if err := os.WriteFile(in, []byte(neutraliseInput), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"o.tsv", "o.csv"} {
		outPath := filepath.Join(dir, name)
		_, stderr, code := runCLI(t, "", "change", in, "--wide", "pre,post", "--reliability", ".8", "--format", "csv", "--out", outPath)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		b, err := os.ReadFile(outPath)
		if err != nil {
			t.Fatal(err)
		}
		delim := ','
		if strings.HasSuffix(name, ".tsv") { // a .tsv output is tab-separated
			delim = '\t'
		}
		checkNeutralised(t, name, string(b), delim)
	}
}

// TestTSVOutputsAreTabSeparated: every table written to a .tsv path is
// tab-separated (--export x.tsv used to write commas), and reads back as
// the same table as its .csv twin.
func TestTSVOutputsAreTabSeparated(t *testing.T) {
	dir := t.TempDir()
	in := dir + "/d.csv"
	if _, stderr, code := runCLI(t, "", "datasets", "export", "demo-sessions", "--out", in); code != 0 {
		t.Fatal(stderr)
	}
	for _, c := range []struct {
		args []string
		out  string
	}{
		{[]string{"sessions", in, "--export", "OUT"}, "exp"},
		{[]string{"datasets", "export", "demo-studies", "--out", "OUT"}, "ds"},
		{[]string{"meta", "--format", "csv", "--out", "OUT"}, "meta"},
		{[]string{"meta", "--aggregate", "study", "--aggregate-out", "OUT"}, "agg"},
	} {
		var tables [2]string
		for i, ext := range []string{".tsv", ".csv"} {
			path := dir + "/" + c.out + ext
			args := make([]string, len(c.args))
			for j, a := range c.args {
				args[j] = strings.ReplaceAll(a, "OUT", path)
			}
			if _, stderr, code := runCLI(t, "", args...); code != 0 {
				t.Fatalf("%v: %s", args, stderr)
			}
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			tables[i] = string(b)
		}
		tsvHead, _, _ := strings.Cut(tables[0], "\n")
		csvHead, _, _ := strings.Cut(tables[1], "\n")
		if strings.Contains(tsvHead, ",") || strings.ReplaceAll(tsvHead, "\t", ",") != csvHead {
			t.Errorf("%s: .tsv header %q, .csv header %q", c.out, tsvHead, csvHead)
		}
		if strings.Count(tables[0], "\n") != strings.Count(tables[1], "\n") {
			t.Errorf("%s: .tsv has %d lines, .csv %d", c.out, strings.Count(tables[0], "\n"), strings.Count(tables[1], "\n"))
		}
	}
}

// TestCSVTablesToDirectory: --format csv --out DIR writes each tidy table
// as DIR/NAME.csv, each equal to what --table NAME prints; a command of one
// table refuses a directory before any work.
func TestCSVTablesToDirectory(t *testing.T) {
	dir := t.TempDir()
	_, stderr, code := runCLI(t, "", "meta", "--influence", "--format", "csv", "--out", dir)
	if code != 0 {
		t.Fatal(stderr)
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) < 3 {
		t.Fatalf("%d files in the directory", len(ents))
	}
	for _, e := range ents {
		name := strings.TrimSuffix(e.Name(), ".csv")
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		one, stderr, code := runCLI(t, "", "meta", "--influence", "--format", "csv", "--table", name)
		if code != 0 || one != string(b) {
			t.Errorf("%s: differs from --table %s (exit %d, %s)", e.Name(), name, code, stderr)
		}
	}
	if _, stderr, code := runCLI(t, "", "sessions", "--format", "csv", "--out", dir); code != exitUsage || !strings.Contains(stderr, "directory") {
		t.Errorf("sessions --out DIR: exit %d, %s", code, stderr)
	}
}
