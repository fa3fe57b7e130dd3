package datasets

import (
	"math"
	"testing"
)

// testdata/european.csv: UTF-8 BOM, CRLF, semicolons, decimal commas, a
// quoted label with an embedded CRLF, a user missing code (-99) and the
// built-in ones (NA, .).
func TestFixtureEuropean(t *testing.T) {
	tab, err := ReadFile("testdata/european.csv", ReadOptions{NA: []string{"-99"}})
	if err != nil {
		t.Fatal(err)
	}
	if tab.Delimiter != ';' || tab.Decimal != ',' || tab.Header[0] != "Studie" || !equalInts(tab.Lines(), []int{2, 3, 5}) {
		t.Fatalf("delimiter %q decimal %q header %q lines %v", tab.Delimiter, tab.Decimal, tab.Header, tab.Lines())
	}
	_, err = tab.Studies(StudyColumns{Label: "studie", Mods: []string{"jahr"}}, StudyOptions{})
	if err == nil {
		t.Fatal("missing r and n accepted")
	}
	_, msg := inputProblems(t, err)
	want := `testdata/european.csv:3: column "N": "-99" is a missing-value code; every study needs a sample size (fill it in or remove the row)` + "\n" +
		`testdata/european.csv:5: column "r": "NA" is a missing-value code; every study needs a correlation (fill it in or remove the row)`
	if msg != want {
		t.Errorf("got\n%s\nwant\n%s", msg, want)
	}
	c, _ := tab.Column("studie")
	r, _ := tab.Column("R")
	if c.String(0) != "Müller, A." || c.String(1) != "Schmidt\r\n(2005)" {
		t.Errorf("labels %q %q", c.String(0), c.String(1))
	}
	if v, _, err := r.Float(1); err != nil || v != -0.05 {
		t.Errorf("r[1] = %v %v", v, err)
	}
}

func TestFixtureTSV(t *testing.T) {
	tab, err := ReadFile("testdata/sessions.tsv", ReadOptions{NA: []string{"-99"}})
	if err != nil {
		t.Fatal(err)
	}
	s, err := tab.Sessions(SessionColumns{}, SessionOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if tab.Delimiter != '\t' || s.Len() != 3 || !math.IsNaN(s.Alliance[1]) || !math.IsNaN(s.Outcome[2]) || s.Alliance[2] != 3.75 {
		t.Errorf("alliance %v outcome %v", s.Alliance, s.Outcome)
	}
}
