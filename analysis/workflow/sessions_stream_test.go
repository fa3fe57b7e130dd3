package workflow

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/alliance-research/alliance/datasets"
)

// TestSessionsFileEqualsSessions: 'alliance sessions' on a file read
// patient by patient gives the numbers, tables and text of Sessions on the
// same file read whole (with the model's sufficient statistics, as both
// fit above maxRowsFit rows), for the lagged model with the concurrent one
// and the trajectories, the growth model, and person-mean centring without
// the therapist level; JSON digit for digit (the session means to 1e-12).
func TestSessionsFileEqualsSessions(t *testing.T) {
	streamEverything(t)
	path := streamReportFile(t, 300)
	read := datasets.ReadOptions{}
	for _, o := range []SessionsOptions{
		{Concurrent: true, Trajectories: true},
		{Model: "growth"},
		{Centring: "person", IgnoreTherapist: true, RandomSlope: true},
	} {
		if !sessionsStreamable(path, o) {
			t.Fatalf("%+v: not streamed", o)
		}
		got, err := SessionsFile(path, read, o)
		if err != nil {
			t.Fatalf("%+v: %v", o, err)
		}
		whole, err := Input{File: path}.Read(read)
		if err != nil {
			t.Fatal(err)
		}
		want, err := Sessions(whole, o)
		if err != nil {
			t.Fatal(err)
		}
		// The session means are summed over two reads instead of one: 1e-12.
		jw, jg := jsonTree(t, want), jsonTree(t, got)
		d := sameJSON(".trajectories", jw["trajectories"], jg["trajectories"], 1e-12)
		delete(jw, "trajectories")
		delete(jg, "trajectories")
		if d = append(d, sameJSON("", jw, jg, 0)...); len(d) > 0 {
			t.Errorf("%+v: JSON differs at %d places, e.g. %s", o, len(d), strings.Join(d[:min(len(d), 5)], "; "))
		}
		if a, b := sectionText(want.Section()), sectionText(got.Section()); a != b {
			t.Errorf("%+v: the text differs:\n%s\n---\n%s", o, a, b)
		}
	}
}

// TestSessionsFileReadsWholeWhenNeeded: options that need the rows (AR(1),
// the derived table, covariates) read the file whole and still run.
func TestSessionsFileReadsWholeWhenNeeded(t *testing.T) {
	streamEverything(t)
	path := streamReportFile(t, 60)
	for _, o := range []SessionsOptions{{AR1: true}, {KeepTable: true}, {Covariates: []string{"session"}}} {
		if sessionsStreamable(path, o) {
			t.Errorf("%+v would be streamed", o)
		}
	}
	for _, o := range []SessionsOptions{{AR1: true}, {KeepTable: true}} {
		run, err := SessionsFile(path, datasets.ReadOptions{}, o)
		if err != nil {
			t.Fatalf("%+v: %v", o, err)
		}
		// With AR(1) the df are nlme's containment df: the therapist-level
		// term of 2 therapists has none (it crashed in the t quantile).
		untested := 0
		for _, c := range run.Result.Result.Fixed {
			if !(c.DF > 0) {
				untested++
				if !math.IsNaN(c.P) || !math.IsNaN(c.CILB) {
					t.Errorf("%s: df %v but p %v, CI %v", c.Name, c.DF, c.P, c.CILB)
				}
			}
		}
		said := false
		for _, e := range run.Result.Effects {
			said = said || strings.Contains(e.Text, "cannot be tested")
		}
		if o.AR1 && (untested == 0 || !said) {
			t.Errorf("AR(1) with 2 therapists: %d untested terms; the text does not say so", untested)
		}
	}
}

// TestSessionsFileUnsorted: a large file whose rows are not grouped by
// patient is refused with how to sort it, never fitted wrongly.
func TestSessionsFileUnsorted(t *testing.T) {
	streamEverything(t)
	b, err := os.ReadFile(streamReportFile(t, 40))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	lines[1], lines[len(lines)-1] = lines[len(lines)-1], lines[1]
	path := filepath.Join(t.TempDir(), "shuffled.csv")
	if err = os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = SessionsFile(path, datasets.ReadOptions{}, SessionsOptions{})
	if err == nil || !strings.Contains(err.Error(), "sort") {
		t.Errorf("want a message saying how to sort, got %v", err)
	}
}
