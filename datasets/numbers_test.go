package datasets

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

// column builds a one-column table "x" from the given cells.
func column(t *testing.T, cells ...string) *Column {
	t.Helper()
	tab := mustRead(t, "c.csv", "x\n"+strings.Join(cells, "\n")+"\n", ReadOptions{Delimiter: ','})
	c, err := tab.Column("x")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestColumnNumbers(t *testing.T) {
	hint := func(p, m int) string {
		return fmt.Sprintf("; %d of the column's %d non-missing cells are numbers, so this looks like a typo: "+
			"correct it, or declare it a missing-value code "+
			"(if the column holds labels rather than numbers, start every label with a letter)", p, m)
	}
	for _, tc := range []struct {
		name    string
		cells   []string
		numeric bool
		num     []float64 // when numeric; NaN = missing
		errs    []string  // full problem lines when the column is mostly numbers
	}{
		{"all numbers", []string{"1", "2.5", "NA", "-3"}, true, []float64{1, 2.5, math.NaN(), -3}, nil},
		{"all text", []string{"cbt", "pdt", "NA", "cbt"}, false, nil, nil},
		{"all missing", []string{"NA", "."}, false, nil, nil},
		// 2 numbers of 3: below MostlyNumbersMin, text.
		{"two numbers", []string{"1", "2", "a"}, false, nil, nil},
		// 3 of 4 = 75 % < 80 %: text.
		{"75 percent", []string{"1", "2", "3", "a", "NA"}, false, nil, nil},
		// 4 of 5 = 80 %, 4 >= 3: mostly numbers, the text cell is a typo.
		{"80 percent", []string{"1", "2", "NA", "3", "4", "x"}, false, nil, []string{
			`c.csv:7: column "x": "x" is not a number` + hint(4, 5)}},
		// The reported case: one "199 4" among years.
		{"year typo", []string{"1990", "1991", "199 4", "2001", "2010"}, false, nil, []string{
			`c.csv:4: column "x": "199 4" is not a number` + hint(4, 5)}},
		// The parse hint (decimal comma) is kept before the typo hint.
		{"decimal comma", []string{"1", "2", "3", "4", "5", `"0,5"`}, false, nil, []string{
			`c.csv:7: column "x": "0,5" is not a number (decimal comma? set the decimal separator to ',')` + hint(5, 6)}},
	} {
		c := column(t, tc.cells...)
		v, numeric, err := c.Numbers()
		if tc.errs != nil {
			ie, msg := inputProblems(t, err)
			if want := strings.Join(tc.errs, "\n"); msg != want {
				t.Errorf("%s:\ngot  %s\nwant %s", tc.name, msg, want)
			}
			if ie.Total != len(tc.errs) || numeric || v != nil {
				t.Errorf("%s: total %d numeric %v v %v", tc.name, ie.Total, numeric, v)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if numeric != tc.numeric || len(v) != len(tc.num) {
			t.Errorf("%s: numeric %v v %v, want %v %v", tc.name, numeric, v, tc.numeric, tc.num)
			continue
		}
		for i := range v {
			if v[i] != tc.num[i] && !(math.IsNaN(v[i]) && math.IsNaN(tc.num[i])) {
				t.Errorf("%s: v[%d] = %v, want %v", tc.name, i, v[i], tc.num[i])
			}
		}
		// Numbers agrees with IsNumeric wherever it does not report a typo.
		if numeric != c.IsNumeric() {
			t.Errorf("%s: Numbers says numeric %v, IsNumeric %v", tc.name, numeric, c.IsNumeric())
		}
	}
}

// More typos than MaxProblems: the first MaxProblems are listed and the rest
// counted.
func TestColumnNumbersManyTypos(t *testing.T) {
	cells := make([]string, 0, 130)
	for i := range 100 {
		cells = append(cells, fmt.Sprint(i))
	}
	for range 25 {
		cells = append(cells, "?")
	}
	_, _, err := column(t, cells...).Numbers()
	ie, _ := inputProblems(t, err)
	if ie.Total != 25 || len(ie.Problems) != MaxProblems || ie.Problems[0].Line != 102 {
		t.Errorf("total %d listed %d first line %d", ie.Total, len(ie.Problems), ie.Problems[0].Line)
	}
}

// A typo in a moderator or an extra session column is reported instead of
// turning the column into a factor with one level per value.
func TestVariableTypo(t *testing.T) {
	text := "study,ri,ni,year\nA,.1,20,1990\nB,.2,30,199 4\nC,.3,40,2001\nD,.25,50,2005\nE,.15,60,2010\n"
	tab := mustRead(t, "m.csv", text, ReadOptions{})
	_, err := tab.Studies(StudyColumns{Mods: []string{"year"}}, StudyOptions{})
	ie, msg := inputProblems(t, err)
	if ie.Total != 1 || !strings.HasPrefix(msg, `m.csv:3: column "year": "199 4" is not a number; 4 of the column's 5 non-missing cells are numbers`) {
		t.Errorf("studies: %s", msg)
	}

	text = "patient,session,alliance,outcome,week\n1,1,5,10,1\n1,2,5,9,2\n2,1,4,12,1\n2,2,6,11,two\n2,3,6,10,3\n"
	tab = mustRead(t, "s.csv", text, ReadOptions{})
	_, err = tab.Sessions(SessionColumns{}, SessionOptions{})
	ie, msg = inputProblems(t, err)
	if ie.Total != 1 || !strings.HasPrefix(msg, `s.csv:5: column "week": "two" is not a number; 4 of the column's 5 non-missing cells are numbers`) {
		t.Errorf("sessions: %s", msg)
	}

	// A genuine text moderator still loads as text.
	text = "study,ri,ni,design\nA,.1,20,cross\nB,.2,30,prosp\nC,.3,40,3\n"
	s, err := mustRead(t, "t.csv", text, ReadOptions{}).Studies(StudyColumns{Mods: []string{"design"}}, StudyOptions{})
	if err != nil || s.Mods[0].Numeric || len(s.Mods[0].Levels()) != 3 {
		t.Errorf("text moderator: %v %+v", err, s)
	}
}
