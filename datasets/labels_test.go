package datasets

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestReadHeaderAndLabels: ReadHeader gives the header of a CSV file and
// of its Parquet copy without resolving roles (the file has no patient
// column of the default names), and SessionOptions.Labels keeps a group
// column's labels as written ("01" and "1" stay two labels, NA is "").
func TestReadHeaderAndLabels(t *testing.T) {
	dir := t.TempDir()
	text := "subject,wave,score,arm\nA,1,3,01\nA,2,4,01\nB,1,5,1\nB,2,2,NA\n"
	path := filepath.Join(dir, "h.csv")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	tab, err := ReadFile(path, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ppath := filepath.Join(dir, "h.parquet")
	f, err := os.Create(ppath)
	if err != nil {
		t.Fatal(err)
	}
	if err := WriteParquet(f, tab); err != nil {
		t.Fatal(err)
	}
	f.Close()
	for _, p := range []string{path, ppath} {
		h, err := ReadHeader(p, ReadOptions{})
		if err != nil || strings.Join(h, ",") != "subject,wave,score,arm" {
			t.Fatalf("%s: header %v, %v", p, h, err)
		}
		cols := SessionColumns{Patient: "subject", Session: "wave", Outcome: "score", Extra: []string{"arm"}}
		got, err := streamAll(t, p, StreamOptions{Columns: cols, Session: SessionOptions{Labels: []string{"ARM"}}})
		if err != nil {
			t.Fatal(err)
		}
		want := "A:/1/-/3/01|/2/-/4/01 B:/1/-/5/1|/2/-/2/" // lines left out: Parquet's are row numbers
		if regexp.MustCompile(`/L[0-9]+`).ReplaceAllString(strings.Join(got, " "), "") != want {
			t.Errorf("%s:\n got %s\nwant %s", p, strings.Join(got, " "), want)
		}
		typed, err := streamAll(t, p, StreamOptions{Columns: cols})
		if err != nil || !strings.Contains(strings.Join(typed, " "), "/1|") {
			t.Errorf("%s: without Labels the column is numeric: %v %v", p, typed, err)
		}
	}
}
