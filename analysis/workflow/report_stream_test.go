package workflow

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/alliance-research/alliance/analysis/jsonout"
	"github.com/alliance-research/alliance/datasets"
	"github.com/alliance-research/alliance/datasets/simulate"
)

// streamReportFile writes a simulated session file of np patients (8–14
// sessions, therapists, missing sessions) and returns its path.
func streamReportFile(t *testing.T, np int) string {
	t.Helper()
	p := simulate.DefaultSessionParams()
	p.Patients, p.Therapists, p.MinSessions, p.MaxSessions = np, max(2, np/40), 8, 14
	var b bytes.Buffer
	if _, err := simulate.WriteSessionsCSV(&b, p, nil); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "sessions.csv")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// streamEverything makes the report stream every file and the session
// model use its sufficient statistics at every size (as both do above
// their thresholds), restoring both at the end of the test.
func streamEverything(t *testing.T) {
	old, oldRows := ReportStreamBytes, maxRowsFit
	ReportStreamBytes, maxRowsFit = -1, 0
	t.Cleanup(func() { ReportStreamBytes, maxRowsFit = old, oldRows })
}

// jsonTree is v as its JSON (jsonout: NaN as null) decoded into maps.
func jsonTree(t *testing.T, v any) map[string]any {
	t.Helper()
	b, err := jsonout.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// sameJSON compares two JSON trees: numbers to rel relative (0: exactly),
// every other value exactly; it returns the paths that differ.
func sameJSON(path string, a, b any, rel float64) []string {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok {
			return []string{path}
		}
		var out []string
		for k := range x {
			if _, ok := y[k]; !ok {
				out = append(out, path+"."+k+" (missing)")
			}
		}
		for k := range y {
			if _, ok := x[k]; !ok {
				out = append(out, path+"."+k+" (extra)")
				continue
			}
			out = append(out, sameJSON(path+"."+k, x[k], y[k], rel)...)
		}
		return out
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return []string{path + " (length)"}
		}
		var out []string
		for i := range x {
			out = append(out, sameJSON(fmt.Sprintf("%s[%d]", path, i), x[i], y[i], rel)...)
		}
		return out
	case float64:
		y, ok := b.(float64)
		if !ok || math.Abs(x-y) > rel*math.Max(math.Abs(x), math.Abs(y)) {
			return []string{fmt.Sprintf("%s: %v vs %v", path, a, b)}
		}
		return nil
	}
	if !reflect.DeepEqual(a, b) {
		return []string{fmt.Sprintf("%s: %v vs %v", path, a, b)}
	}
	return nil
}

func partByName(parts []Part) map[string]Part {
	out := map[string]Part{}
	for _, p := range parts {
		out[strings.TrimPrefix(fmt.Sprintf("%T", p), "*workflow.")] = p
	}
	return out
}

// TestReportStreamEqualsCommands: the report on a file read patient by
// patient gives the numbers of the workflows the commands run on the same
// file — 'alliance ruptures' and 'alliance gains' (RupturesFile,
// GainsFile: streamed), 'alliance sessions' (Sessions; with the model's
// sufficient statistics, as on a file over 500,000 rows), 'alliance
// change' and 'alliance panel' (Change, Panel on the table read whole) —
// digit for digit (the report's session means by session, which
// 'alliance sessions' does not print, to 1e-12). 1,200 patients: beyond ListLimit, so the per-patient
// lists are left out of the report's results and written beside its page.
func TestReportStreamEqualsCommands(t *testing.T) {
	streamEverything(t)
	path := streamReportFile(t, 1200)
	read := datasets.ReadOptions{}
	src, err := ReportSessionsSource(Input{File: path}, read)
	if err != nil {
		t.Fatal(err)
	}
	if src.stream == nil || src.Table != nil {
		t.Fatal("the file is not read patient by patient")
	}
	var o ReportOptions
	_, parts, err := Report(ReportInput{Sessions: &src}, o)
	if err != nil {
		t.Fatal(err)
	}
	rep := partByName(parts)
	whole, err := Input{File: path}.Read(read)
	if err != nil {
		t.Fatal(err)
	}
	so := o.Sessions
	cmdRuptures, err := RupturesFile(path, read, ReportRupturesOptions(so))
	if err != nil {
		t.Fatal(err)
	}
	cmdGains, err := GainsFile(path, read, ReportGainsOptions(so))
	if err != nil {
		t.Fatal(err)
	}
	cmdSessions, err := Sessions(whole, ReportSessionsOptions(so))
	if err != nil {
		t.Fatal(err)
	}
	cmdChange, err := Change(whole, ReportChangeOptions(so, cmdSessions.Data().Roles))
	if err != nil {
		t.Fatal(err)
	}
	cmdPanel, err := Panel(whole, ReportPanelOptions(so))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		cmd  Part
		drop []string // the lists a report writes beside its page instead
	}{
		{"RupturesRun", cmdRuptures, []string{"lists_omitted"}},
		{"GainsRun", cmdGains, []string{"lists_omitted"}},
		{"SessionsRun", cmdSessions, nil},
		{"ChangeRun", cmdChange, []string{"persons", "lists_omitted"}},
		{"PanelRun", cmdPanel, nil},
	} {
		r := rep[c.name]
		if r == nil {
			t.Errorf("no %s in the report", c.name)
			continue
		}
		a, b := jsonTree(t, c.cmd), jsonTree(t, r)
		for _, k := range c.drop {
			delete(a, k)
			delete(b, k)
		}
		if len(a) < 4 {
			t.Errorf("%s: only %d fields compared", c.name, len(a))
		}
		// the report's session means (not printed by 'alliance sessions')
		// sum their squares over two reads instead of three
		ta, tb := a["trajectories"], b["trajectories"]
		delete(a, "trajectories")
		delete(b, "trajectories")
		for _, d := range sameJSON(c.name+".trajectories", ta, tb, 1e-12) {
			t.Errorf("command vs report: %s", d)
		}
		for _, d := range sameJSON(c.name, a, b, 0) {
			t.Errorf("command vs report: %s", d)
		}
	}
	// the lists are beside the page, complete
	files := map[string][]byte{}
	for _, p := range parts {
		if tf, ok := p.(interface{ TableFiles() []TableFile }); ok {
			for _, f := range tf.TableFiles() {
				files[f.Path] = f.Data
			}
		}
	}
	lines := func(path string) int { return bytes.Count(files[path], []byte("\n")) - 1 }
	if n := lines("tables/ruptures-patients.csv"); n != 1200 {
		t.Errorf("tables/ruptures-patients.csv has %d rows, want 1200", n)
	}
	if n, want := lines("tables/ruptures-episodes.csv"), cmdRuptures.Summary.Episodes; n != want {
		t.Errorf("tables/ruptures-episodes.csv has %d rows, want %d", n, want)
	}
	if n, want := lines("tables/gains-bysg.csv"), cmdGains.Summary.TotalN; n != want {
		t.Errorf("tables/gains-bysg.csv has %d rows, want %d", n, want)
	}
	if n := lines("tables/change-persons.csv"); n != len(cmdChange.Persons) {
		t.Errorf("tables/change-persons.csv has %d rows, want %d", n, len(cmdChange.Persons))
	}
	if rc := rep["ChangeRun"].(*ChangeRun); rc.Persons != nil || rc.ListsOmitted == nil {
		t.Error("the report's change part lists every patient")
	}
}

// sectionTables are the cells of every table of the parts' sections and
// the figures' names and captions.
func sectionTables(parts []Part) []string {
	var out []string
	for _, p := range parts {
		s := p.Section()
		if s == nil {
			continue
		}
		for _, b := range s.Blocks {
			switch x := b.(type) {
			case *Table:
				for _, r := range x.Rows {
					out = append(out, x.Name+": "+strings.Join(r, " | "))
				}
			case *Figure:
				out = append(out, "figure "+x.Name+": "+x.Caption)
			case *Paragraph:
				out = append(out, x.Text)
			}
		}
	}
	return out
}

// TestReportStreamEqualsInMemory: the report on a file read patient by
// patient equals the report on the same file read whole — every part's
// results (the session means by session to 1e-12: their sums of squares
// are accumulated over two reads, not three), every table cell, paragraph
// and figure caption — with and without therapists and ruptures' outcome
// effects.
func TestReportStreamEqualsInMemory(t *testing.T) {
	streamEverything(t)
	for _, np := range []int{300, 1200} {
		path := streamReportFile(t, np)
		read := datasets.ReadOptions{}
		streamed, err := ReportSessionsSource(Input{File: path}, read)
		if err != nil {
			t.Fatal(err)
		}
		whole, err := Input{File: path}.Read(read)
		if err != nil {
			t.Fatal(err)
		}
		_, sp, err := Report(ReportInput{Sessions: &streamed}, ReportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		_, wp, err := Report(ReportInput{Sessions: &whole}, ReportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(sp) != len(wp) {
			t.Fatalf("%d patients: %d parts streamed, %d in memory", np, len(sp), len(wp))
		}
		for i := range sp {
			name := fmt.Sprintf("%d patients, %T", np, sp[i])
			if fmt.Sprintf("%T", sp[i]) != fmt.Sprintf("%T", wp[i]) {
				t.Fatalf("%s: part %d is %T in memory", name, i, wp[i])
			}
			a, b := jsonTree(t, sp[i]), jsonTree(t, wp[i])
			ta, tb := a["trajectories"], b["trajectories"]
			delete(a, "trajectories")
			delete(b, "trajectories")
			for _, d := range sameJSON(name, a, b, 0) {
				t.Errorf("streamed vs in memory: %s", d)
			}
			for _, d := range sameJSON(name+".trajectories", ta, tb, 1e-12) {
				t.Errorf("streamed vs in memory: %s", d)
			}
		}
		ts, tw := sectionTables(sp), sectionTables(wp)
		if !reflect.DeepEqual(ts, tw) {
			for i := range min(len(ts), len(tw)) {
				if ts[i] != tw[i] {
					t.Errorf("%d patients: section text differs:\nstreamed  %.300s\nin memory %.300s", np, ts[i], tw[i])
					break
				}
			}
			if len(ts) != len(tw) {
				t.Errorf("%d patients: %d section blocks streamed, %d in memory", np, len(ts), len(tw))
			}
		}
	}
}

// TestReportStreamUnsorted: a file read patient by patient whose rows are
// not grouped by patient is an error that says how to sort it, never a
// wrong answer.
func TestReportStreamUnsorted(t *testing.T) {
	streamEverything(t)
	path := filepath.Join(t.TempDir(), "unsorted.csv")
	var b strings.Builder
	b.WriteString("patient,therapist,session,alliance,outcome\n")
	for s := 1; s <= 6; s++ {
		for p := 1; p <= 3; p++ {
			fmt.Fprintf(&b, "%d,1,%d,%.1f,%d\n", p, s, 3+0.1*float64(p+s%3), 20-s)
		}
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	src, err := ReportSessionsSource(Input{File: path}, datasets.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = Report(ReportInput{Sessions: &src}, ReportOptions{})
	if err == nil || !strings.Contains(err.Error(), "sort") {
		t.Fatalf("unsorted file: %v, want an error saying how to sort it", err)
	}
}

// TestReportStreamStudyColumnReadsWhole: a file with a study column is
// read whole (the IPD meta-analysis and the patients named within
// studies need the table), with the same parts as the in-memory report.
func TestReportStreamStudyColumnReadsWhole(t *testing.T) {
	streamEverything(t)
	p := simulate.DefaultSessionParams()
	p.Patients, p.Therapists, p.MinSessions, p.MaxSessions = 60, 6, 8, 10
	var b bytes.Buffer
	if _, err := simulate.WriteMultiStudyCSV(&b, p, 3, 0.3, nil); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "studies.csv")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	src, err := ReportSessionsSource(Input{File: path}, datasets.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	_, parts, err := Report(ReportInput{Sessions: &src}, ReportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if partByName(parts)["IPDRun"] == nil {
		t.Error("no IPD meta-analysis: the file with a study column was not read whole")
	}
}
