package workflow

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/alliance-research/alliance/datasets"
)

// allText is every plain text of a document, for searching claims.
func allText(d *Document) string {
	var b strings.Builder
	b.WriteString(d.Title + "\n" + strings.Join(d.Subtitle, "\n") + "\n" + d.Warning + "\n")
	for _, n := range d.Notes {
		b.WriteString(n.Text + "\n")
	}
	for _, s := range d.Sections {
		b.WriteString(s.Title + "\n")
		for _, bl := range s.Blocks {
			switch x := bl.(type) {
			case *Paragraph:
				b.WriteString(x.Text + "\n")
			case *Heading:
				b.WriteString(x.Text + "\n")
			case *Table:
				b.WriteString(x.Title + "\n" + strings.Join(x.Notes, "\n") + "\n")
			case *Figure:
				b.WriteString(x.Title + "\n" + x.Caption + "\n")
			case *List:
				b.WriteString(strings.Join(x.Items, "\n") + "\n")
			}
		}
	}
	return b.String()
}

func section(d *Document, id string) *Section {
	for _, s := range d.Sections {
		if s.ID == id {
			return s
		}
	}
	return nil
}

// TestComposeStudiesOnly: a studies-only report cites and claims nothing
// of the session packages, lists only cited references, and its methods
// name only what ran.
func TestComposeStudiesOnly(t *testing.T) {
	src := embedded(t, "demo-studies")
	doc, parts, err := Report(ReportInput{Studies: &src}, ReportOptions{Compose: ComposeOptions{Version: "1.2.3", Author: "A. Student"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(parts) != 1 {
		t.Fatalf("%d parts, want 1 (meta)", len(parts))
	}
	text := allText(doc)
	for _, w := range []string{"lme4", "lmerTest", "suddengains", "clinicalsignificance", "Sudden gains", "Jacobson", "Tang"} {
		if strings.Contains(text, w) {
			t.Errorf("studies-only document mentions %q", w)
		}
	}
	for _, c := range doc.Citations {
		switch c.Key {
		case "bates2015", "kuznetsova2017", "wiedemann2020", "claus2023", "tang1999", "jacobson1991":
			t.Errorf("studies-only document lists %s", c.Key)
		}
	}
	// Every reference is cited by a part, and every cited key is listed.
	cited := map[string]bool{}
	for _, p := range parts {
		for _, k := range p.Cites() {
			cited[k] = true
		}
	}
	if len(doc.Citations) != len(cited) {
		t.Errorf("%d references for %d cited keys", len(doc.Citations), len(cited))
	}
	for _, c := range doc.Citations {
		if !cited[c.Key] {
			t.Errorf("reference %s is cited by no part", c.Key)
		}
	}
	m := section(doc, "methods")
	if m == nil {
		t.Fatal("no methods section")
	}
	last := m.Blocks[len(m.Blocks)-1].(*Paragraph).Text
	if !strings.Contains(last, "alliance 1.2.3") || !strings.Contains(last, "metafor") || strings.Contains(last, "lme4") {
		t.Errorf("closing methods sentence %q", last)
	}
	if doc.Subtitle[0] != "A. Student" || doc.Title != DefaultTitle {
		t.Errorf("title %q subtitle %q", doc.Title, doc.Subtitle)
	}
	if doc.Warning == "" || !strings.Contains(doc.Warning, "demo-studies") {
		t.Errorf("simulated data without warning: %q", doc.Warning)
	}
}

// fakePart is a Part with fixed content, to test Compose's assembly.
type fakePart struct {
	name  string
	notes []Note
	cites []string
	data  *DataPart
	pkgs  []string
}

func (f *fakePart) Section() *Section {
	s := &Section{ID: f.name, Title: f.name}
	s.P(Result, "result of "+f.name)
	return s
}
func (f *fakePart) Methods() string  { return "Method of " + f.name + "." }
func (f *fakePart) Cites() []string  { return f.cites }
func (f *fakePart) TopNotes() []Note { return f.notes }
func (f *fakePart) Steps() []Step {
	return []Step{{Purpose: f.name, Command: "alliance " + f.name, RCode: "x <- 1"}}
}
func (f *fakePart) Data() *DataPart    { return f.data }
func (f *fakePart) Packages() []string { return f.pkgs }

// TestComposeOrder: notes come before results, parts sharing a source share
// one data subsection, the methods are the parts' own sentences and the
// packages named are the parts' packages only.
func TestComposeOrder(t *testing.T) {
	src := Source{Name: "s.csv", Rows: 4, Columns: []string{"a", "b"}}
	a := &fakePart{name: "one", notes: []Note{{Text: "note one"}}, cites: []string{"tang1999"}, pkgs: []string{"suddengains"},
		data: &DataPart{Kind: "session", Source: src, Roles: map[string]string{"patient": "a"}, Counts: map[string]int{"rows": 4}, Dropped: []Dropped{{Analysis: "one", N: 1, Unit: "rows", Reason: "r1"}}}}
	b := &fakePart{name: "two", notes: []Note{{Text: "note two"}}, cites: []string{"tang1999", "jacobson1991"},
		data: &DataPart{Kind: "session", Source: src, Roles: map[string]string{"outcome": "b"}, Counts: map[string]int{"rows": 4}}}
	d := Compose(ComposeOptions{Title: "T", Notes: []Note{{Text: "front"}}}, a, b)
	if d.Title != "T" || len(d.Notes) != 3 || d.Notes[0].Text != "front" || d.Notes[1].Text != "note one" || d.Notes[2].Text != "note two" {
		t.Errorf("notes %+v", d.Notes)
	}
	if d.Warning != "" {
		t.Errorf("warning %q for real data", d.Warning)
	}
	var ids []string
	for _, s := range d.Sections {
		ids = append(ids, s.ID)
	}
	if got := strings.Join(ids, ","); got != "data,one,two,methods,references,reproduce" {
		t.Errorf("sections %s", got)
	}
	data := d.Sections[0]
	roles := data.Tables()[0]
	if len(roles.Rows) != 2 || len(data.Tables()) != 2 {
		t.Errorf("merged data section: %d role rows, %d tables", len(roles.Rows), len(data.Tables()))
	}
	m := section(d, "methods")
	var mt []string
	for _, bl := range m.Blocks {
		if p := bl.(*Paragraph); p.Kind == Methods {
			mt = append(mt, p.Text)
		}
	}
	want := []string{"Method of one.", "Method of two.", "The analyses were run with alliance dev, whose estimates reproduce those of the R package suddengains."}
	if strings.Join(mt, "|") != strings.Join(want, "|") {
		t.Errorf("methods %q", mt)
	}
	if len(d.Citations) != 2 || d.Citations[0].Key != "jacobson1991" {
		t.Errorf("citations %+v", d.Citations)
	}
	rep := section(d, "reproduce")
	code := rep.Blocks[2].(*Code)
	if code.Lang != "shell" || code.Text != "# one\nalliance one\n# two\nalliance two\n" {
		t.Errorf("shell block %+v", code)
	}
}

// TestReportMissingAlliance: a session file without the alliance column is
// an input error, not a report without the alliance sections; asked to
// leave the alliance analyses out, the report says so first.
func TestReportMissingAlliance(t *testing.T) {
	tab := readCSV(t, "client,therapist,session,phq9\na,t0,1,21\na,t0,2,17\na,t0,3,18\na,t0,4,14\na,t0,5,10\na,t0,6,11\nb,t1,1,18\nb,t1,2,19\nb,t1,3,15\nb,t1,4,16\nb,t1,5,12\nb,t1,6,8\nc,t0,1,20\nc,t0,2,16\nc,t0,3,17\nc,t0,4,13\nc,t0,5,14\nc,t0,6,10\nd,t1,1,22\nd,t1,2,18\nd,t1,3,14\nd,t1,4,15\nd,t1,5,11\nd,t1,6,12\ne,t0,1,19\ne,t0,2,20\ne,t0,3,16\ne,t0,4,12\ne,t0,5,13\ne,t0,6,9\nf,t1,1,21\nf,t1,2,17\nf,t1,3,18\nf,t1,4,14\nf,t1,5,10\nf,t1,6,11\n")
	src := FileSource("s.csv", tab)
	opt := ReportOptions{Sessions: ReportSessionOptions{Columns: datasets.SessionColumns{Patient: "client", Outcome: "phq9"}, Reliability: .84}}
	_, _, err := Report(ReportInput{Sessions: &src}, opt)
	var ie *datasets.InputError
	if err == nil || !errors.As(err, &ie) || !strings.Contains(err.Error(), "alliance") {
		t.Fatalf("err %v (%T), want an input error naming the alliance column", err, err)
	}
	opt.Omit = []string{"sessions", "panel", "ruptures"}
	doc, parts, err := Report(ReportInput{Sessions: &src}, opt)
	if err != nil {
		t.Fatal(err)
	}
	if len(parts) != 2 || !strings.Contains(doc.Notes[0].Text, "Left out on request") || !strings.Contains(doc.Notes[0].Text, "ruptures") {
		t.Errorf("%d parts, first note %+v", len(parts), doc.Notes)
	}
}

// Session data too short for the RI-CLPM (two waves: the third session
// is observed for a third of the patients only) give a
// report without the panel section and a warning first that says why;
// the other session sections are there.
func TestReportPanelTooShortIsSaidFirst(t *testing.T) {
	var b strings.Builder
	b.WriteString("patient,session,alliance,outcome\n")
	for i := 0; i < 30; i++ {
		fmt.Fprintf(&b, "p%d,1,%.1f,%d\np%d,2,%.1f,%d\n", i, 3+float64(i%5)/4, 20-i%7, i, 3.2+float64(i%3)/4, 18-i%5)
		if i%3 == 0 { // a third session for a third of the patients: not a wave
			fmt.Fprintf(&b, "p%d,3,%.1f,%d\n", i, 3.1+float64(i%4)/4, 17-i%6)
		}
	}
	src := FileSource("short.csv", readCSV(t, b.String()))
	doc, parts, err := Report(ReportInput{Sessions: &src}, ReportOptions{Omit: []string{"ruptures", "gains", "change"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range parts {
		if _, ok := p.(*PanelRun); ok {
			t.Error("a panel part from two waves")
		}
	}
	found := false
	for _, n := range doc.Notes {
		if n.Level == Warning && strings.Contains(n.Text, "cross-lagged panel model was left out") && strings.Contains(n.Text, "at least 3 waves") {
			found = true
		}
	}
	if !found || len(parts) != 1 {
		t.Errorf("%d parts; notes %+v", len(parts), doc.Notes)
	}
}

// TestEveryReferenceIsCitedInTheText: a reference list entry whose work the
// text never cites is padding a student would have to remove (the audit of
// #14 found Viechtbauer 2010 and Rosseel 2012 listed while the text only
// named metafor and lavaan). Each entry's first author's surname and year
// must appear in the document's text, as "Surname … year".
func TestEveryReferenceIsCitedInTheText(t *testing.T) {
	studies, sessions := embedded(t, "demo-studies"), embedded(t, "demo-sessions")
	doc, _, err := Report(ReportInput{Studies: &studies, Sessions: &sessions}, ReportOptions{Compose: ComposeOptions{Version: "1.2.3"}, Sessions: ReportSessionOptions{Reliability: .84}})
	if err != nil {
		t.Fatal(err)
	}
	text := allText(doc)
	for _, c := range doc.Citations {
		surname, _, _ := strings.Cut(c.Before, ",")
		if c.Key == "rcoreteam2022" {
			surname = "R Core Team"
		}
		year := c.Key[len(c.Key)-4:]
		found := false
		for i := 0; ; {
			j := strings.Index(text[i:], surname)
			if j < 0 {
				break
			}
			i += j + len(surname)
			if end := min(len(text), i+60); strings.Contains(text[i:end], year) {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("reference %s (%s %s) is listed but never cited in the text", c.Key, surname, year)
		}
	}
}

// The report's prose names no command-line flag (a student hands it in; the
// command lines are in the reproduce section), and the default reliability
// is said to be an assumption, in words (it read "give your measure's with
// --reliability").
func TestReportProseHasNoFlags(t *testing.T) {
	studies, sessions := embedded(t, "demo-studies"), embedded(t, "demo-sessions")
	doc, _, err := Report(ReportInput{Studies: &studies, Sessions: &sessions}, ReportOptions{Compose: ComposeOptions{Version: "1.2.3"}})
	if err != nil {
		t.Fatal(err)
	}
	text := allText(doc)
	if m := regexp.MustCompile(`(^|[\s(])--[a-z][a-z-]*`).FindAllString(text, -1); len(m) > 0 {
		t.Errorf("flag names in the report's prose: %v", m)
	}
	if !strings.Contains(text, "r = .84 (an assumed value: the test–retest reliability of the PHQ-9 (Kroenke, Spitzer & Williams, 2001); replace it with the reliability of the measure used)") {
		t.Error("the default reliability is not said to be an assumption")
	}
	top := ""
	for _, n := range doc.Notes {
		top += n.Text + "\n"
	}
	if !strings.Contains(top, "reliability .84 (an assumed value") {
		t.Errorf("the notes at the top do not say the reliability is assumed:\n%s", top)
	}
}
