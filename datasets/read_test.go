package datasets

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

func mustRead(t *testing.T, name, text string, opt ReadOptions) *Table {
	t.Helper()
	tab, err := Read(name, strings.NewReader(text), opt)
	if err != nil {
		t.Fatalf("Read(%s): %v", name, err)
	}
	return tab
}

// cells returns the table as a slice of rows of strings.
func cells(tab *Table) [][]string {
	out := make([][]string, tab.NumRows())
	for i := range out {
		for j := range tab.Header {
			out[i] = append(out[i], tab.Col(j).String(i))
		}
	}
	return out
}

func equalRows(a, b [][]string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if strings.Join(a[i], "\x00") != strings.Join(b[i], "\x00") || len(a[i]) != len(b[i]) {
			return false
		}
	}
	return true
}

// inputProblems asserts err is an *InputError and returns its message.
func inputProblems(t *testing.T, err error) (*InputError, string) {
	t.Helper()
	if err == nil {
		t.Fatal("no error, want an *InputError")
	}
	var ie *InputError
	if !errors.As(err, &ie) {
		t.Fatalf("error %T %q is not an *InputError", err, err)
	}
	return ie, err.Error()
}

func TestReadFormats(t *testing.T) {
	want := [][]string{{"Smith 2001", "0.35", "120"}, {"Lee, Kim", "-0.1", "45"}}
	for _, tc := range []struct {
		name, text string
		opt        ReadOptions
		delim, dec rune
		want       [][]string
		ri         []float64
	}{
		{"comma.csv", "study,ri,ni\nSmith 2001,0.35,120\n\"Lee, Kim\",-0.1,45\n", ReadOptions{}, ',', '.', want, []float64{0.35, -0.1}},
		{"tab.tsv", "study\tri\tni\nSmith 2001\t0.35\t120\nLee, Kim\t-0.1\t45\n", ReadOptions{}, '\t', '.', want, []float64{0.35, -0.1}},
		{"semi.csv", "study;ri;ni\nSmith 2001;0,35;120\n\"Lee, Kim\";-0,1;45\n", ReadOptions{}, ';', ',',
			[][]string{{"Smith 2001", "0,35", "120"}, {"Lee, Kim", "-0,1", "45"}}, []float64{0.35, -0.1}},
		{"semi-point.csv", "study;ri;ni\nSmith 2001;0.35;120\nLee, Kim;-0.1;45\n", ReadOptions{Decimal: '.'}, ';', '.', want, []float64{0.35, -0.1}},
		{"forced.txt", "study|ri|ni\nSmith 2001|0.35|120\nLee, Kim|-0.1|45\n", ReadOptions{Delimiter: '|'}, '|', '.', want, []float64{0.35, -0.1}},
		{"bom-crlf.csv", "\xEF\xBB\xBFstudy,ri,ni\r\nSmith 2001,0.35,120\r\n\"Lee, Kim\",-0.1,45\r\n", ReadOptions{}, ',', '.', want, []float64{0.35, -0.1}},
		{"cr.csv", "study,ri,ni\rSmith 2001,0.35,120\r\"Lee, Kim\",-0.1,45", ReadOptions{}, ',', '.', want, []float64{0.35, -0.1}},
		{"blanks.csv", "\n study , ri ,ni\n\nSmith 2001 , 0.35,120 \n\n\"Lee, Kim\" ,-0.1,45\n\n", ReadOptions{}, ',', '.', want, []float64{0.35, -0.1}},
	} {
		tab := mustRead(t, tc.name, tc.text, tc.opt)
		if got := strings.Join(tab.Header, "|"); got != "study|ri|ni" {
			t.Errorf("%s: header %q", tc.name, got)
		}
		if tab.Delimiter != tc.delim || tab.Decimal != tc.dec {
			t.Errorf("%s: delimiter %q decimal %q, want %q %q", tc.name, tab.Delimiter, tab.Decimal, tc.delim, tc.dec)
		}
		if got := cells(tab); !equalRows(got, tc.want) {
			t.Errorf("%s: cells %q, want %q", tc.name, got, tc.want)
		}
		c, err := tab.Column("RI")
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		got, err := c.Floats()
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		for i := range got {
			if got[i] != tc.ri[i] {
				t.Errorf("%s: ri[%d] = %v, want %v", tc.name, i, got[i], tc.ri[i])
			}
		}
	}
}

func TestReadLinesWithQuotedNewlines(t *testing.T) {
	text := "id,note,score\r\n" +
		"1,\"first line\r\nsecond line\",10\r\n" +
		"2,\"say \"\"hi\"\"\",11\r\n" +
		"\r\n" +
		"3,\"a\n\nb\",12\r\n" +
		"4,plain,1x\r\n"
	tab := mustRead(t, "notes.csv", text, ReadOptions{})
	want := [][]string{{"1", "first line\r\nsecond line", "10"}, {"2", `say "hi"`, "11"}, {"3", "a\n\nb", "12"}, {"4", "plain", "1x"}}
	if got := cells(tab); !equalRows(got, want) {
		t.Errorf("cells %q, want %q", got, want)
	}
	// Physical lines: header 1; record 1 spans 2-3; record 2 is 4; 5 is blank;
	// record 3 spans 6-8; record 4 is 9.
	if got, want := tab.Lines(), []int{2, 4, 6, 9}; !equalInts(got, want) {
		t.Errorf("lines %v, want %v", got, want)
	}
	for i, line := range []int{2, 4, 6, 9} {
		if got := tab.LineFunc()(i); got != line {
			t.Errorf("LineFunc()(%d) = %d, want %d", i, got, line)
		}
	}
	c, _ := tab.Column("score")
	_, err := c.Floats()
	_, msg := inputProblems(t, err)
	if want := `notes.csv:9: column "score": "1x" is not a number`; msg != want {
		t.Errorf("error %q, want %q", msg, want)
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestMissingVocabulary(t *testing.T) {
	text := "x,y\n1,NA\n2,\n3,.\n4,-99\n5,-99.0\n6,999\n7,\"\"\n8,-9\n"
	tab := mustRead(t, "na.csv", text, ReadOptions{NA: []string{"-99", "999"}})
	c, _ := tab.Column("y")
	v, err := c.Floats()
	if err != nil {
		t.Fatal(err)
	}
	for i, x := range v {
		wantMissing := i < 7
		if math.IsNaN(x) != wantMissing {
			t.Errorf("row %d (%q): %v, missing want %v", i, c.String(i), x, wantMissing)
		}
	}
	if v[7] != -9 {
		t.Errorf("row 8 = %v, want -9", v[7])
	}
	// Without the user codes -99 is a number and "NaN" is an error, never a silent NaN.
	tab = mustRead(t, "na.csv", "y\n-99\nNaN\nInf\n", ReadOptions{})
	c, _ = tab.Column("y")
	_, err = c.Floats()
	ie, _ := inputProblems(t, err)
	if ie.Total != 2 || ie.Problems[0].Line != 3 || ie.Problems[1].Line != 4 ||
		!strings.Contains(ie.Problems[0].Msg, "not a finite number") {
		t.Errorf("problems %+v", ie.Problems)
	}
}

func TestDecimalHints(t *testing.T) {
	var b strings.Builder
	b.WriteString("study,ri,ni\n")
	for i := 2; i <= 16; i++ {
		b.WriteString("s,0.3,50\n")
	}
	b.WriteString("\"Miller\",\"0,35\",80\n") // line 17
	tab := mustRead(t, "studies.csv", b.String(), ReadOptions{})
	_, err := tab.Studies(StudyColumns{}, StudyOptions{})
	_, msg := inputProblems(t, err)
	if want := `studies.csv:17: column "ri": "0,35" is not a number (decimal comma? set the decimal separator to ',')`; msg != want {
		t.Errorf("got  %q\nwant %q", msg, want)
	}
	tab = mustRead(t, "eu.csv", "study;ri;ni\nA;0.35;80\n", ReadOptions{})
	_, err = tab.Studies(StudyColumns{}, StudyOptions{})
	_, msg = inputProblems(t, err)
	if want := `eu.csv:2: column "ri": "0.35" is not a number (decimal point? set the decimal separator to '.')`; msg != want {
		t.Errorf("got  %q\nwant %q", msg, want)
	}
}

func TestReadErrors(t *testing.T) {
	for _, tc := range []struct{ name, text, want string }{
		{"empty.csv", "", "empty.csv: empty file: no header and no data"},
		{"blank.csv", " \r\n\n", "blank.csv: empty file: no header and no data"},
		{"header.csv", "study,ri,ni\r\n", "header.csv: header only, no data rows (columns: study, ri, ni)"},
		{"short.csv", "a,b,c\n1,2,3\n4,5\n6,7,8,9\n", "short.csv:3: 2 fields, but the header has 3 columns (is the delimiter ',' right? set the delimiter if not)\n" +
			"short.csv:4: 4 fields, but the header has 3 columns (is the delimiter ',' right? set the delimiter if not)"},
		{"quote.csv", "a,b\n1,\"open\n2,3\n", "quote.csv:2: quoted field is not closed (a \" is missing)"},
		{"after.csv", "a,b\n1,\"x\"y\n", "after.csv:2: text after the closing quote of a quoted field (a quote inside a quoted field is written \"\")"},
		{"utf16.csv", "\xFF\xFEa\x00", "utf16.csv: the file is UTF-16 text; save it as UTF-8 (\"CSV UTF-8\" in Excel)"},
		{"old.xls", "\xD0\xCF\x11\xE0rest", "old.xls: old Excel .xls files are not supported; save the sheet as .xlsx or .csv"},
		{"bad.xlsx", "PK\x03\x04garbage", "bad.xlsx: not a readable .xlsx workbook"},
	} {
		_, err := Read(tc.name, strings.NewReader(tc.text), ReadOptions{})
		_, msg := inputProblems(t, err)
		if !strings.HasPrefix(msg, tc.want) {
			t.Errorf("%s:\ngot  %q\nwant %q", tc.name, msg, tc.want)
		}
	}
	// Trailing empty fields (a delimiter at the end of each line) are tolerated.
	tab := mustRead(t, "trail.csv", "a,b\n1,2,\n3,4,,\n", ReadOptions{})
	if got := cells(tab); !equalRows(got, [][]string{{"1", "2"}, {"3", "4"}}) {
		t.Errorf("trailing delimiters: %q", got)
	}
	_, err := ReadFile(filepath.Join(t.TempDir(), "nope.csv"), ReadOptions{})
	if _, msg := inputProblems(t, err); !strings.Contains(msg, "nope.csv: cannot read: no such file") {
		t.Errorf("missing file: %q", msg)
	}
}

func TestProblemLimit(t *testing.T) {
	var b strings.Builder
	b.WriteString("ri,ni\n")
	for range 25 {
		b.WriteString("x,10\n")
	}
	tab := mustRead(t, "many.csv", b.String(), ReadOptions{})
	_, err := tab.Studies(StudyColumns{}, StudyOptions{})
	ie, msg := inputProblems(t, err)
	if len(ie.Problems) != MaxProblems || ie.Total != 25 {
		t.Errorf("stored %d of %d problems, want %d of 25", len(ie.Problems), ie.Total, MaxProblems)
	}
	lines := strings.Split(msg, "\n")
	if len(lines) != 21 || lines[20] != "and 5 more problems" || lines[0] != `many.csv:2: column "ri": "x" is not a number` {
		t.Errorf("message has %d lines, first %q, last %q", len(lines), lines[0], lines[len(lines)-1])
	}
}

func TestReadFileAndStdin(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "s.csv")
	text := "study;ri;ni\r\nA;0,5;10\r\n"
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	tab, err := ReadFile(path, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	s, err := tab.Studies(StudyColumns{}, StudyOptions{})
	if err != nil || s.R[0] != 0.5 || s.N[0] != 10 || s.Label[0] != "A" {
		t.Fatalf("file: %v %+v", err, s)
	}

	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	old := os.Stdin
	os.Stdin = f
	defer func() { os.Stdin = old }()
	tab, err = ReadFile("-", ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if tab.Name != "stdin" || tab.NumRows() != 1 || tab.Col(1).String(0) != "0,5" {
		t.Errorf("stdin: name %q rows %d", tab.Name, tab.NumRows())
	}
}

// writeXLSX builds a workbook in memory.
func writeXLSX(t testing.TB, sheets map[string][][]any, order []string) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for k, name := range order {
		if k == 0 {
			if err := f.SetSheetName("Sheet1", name); err != nil {
				t.Fatal(err)
			}
		} else if _, err := f.NewSheet(name); err != nil {
			t.Fatal(err)
		}
		for r, row := range sheets[name] {
			cell, _ := excelize.CoordinatesToCellName(1, r+1)
			if row == nil {
				continue
			}
			if err := f.SetSheetRow(name, cell, &row); err != nil {
				t.Fatal(err)
			}
		}
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestXLSXRoundTrip(t *testing.T) {
	data := writeXLSX(t, map[string][][]any{
		"Notes":   {{"note"}, {"not data"}},
		"Studies": {{"Study", "RI", "NI", "type"}, {"Axelsson", 0.187, 109, "self"}, nil, {"Bruce", 0.34, 55, nil}, {"Christensen", "NA", 107, "other"}},
	}, []string{"Notes", "Studies"})

	// First sheet by default.
	tab, err := Read("book.xlsx", strings.NewReader(string(data)), ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if tab.Name != "book.xlsx[Notes]" || tab.NumRows() != 1 || tab.Header[0] != "note" || tab.Col(0).String(0) != "not data" {
		t.Errorf("first sheet: %q %q", tab.Name, tab.Header)
	}

	// Named sheet, detected by content even without the extension.
	tab, err = Read("upload", strings.NewReader(string(data)), ReadOptions{Sheet: "studies"})
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"Axelsson", "0.187", "109", "self"}, {"Bruce", "0.34", "55", ""}, {"Christensen", "NA", "107", "other"}}
	if got := cells(tab); !equalRows(got, want) {
		t.Errorf("cells %q, want %q", got, want)
	}
	if got := tab.Lines(); !equalInts(got, []int{2, 4, 5}) {
		t.Errorf("row numbers %v, want [2 4 5]", got)
	}
	_, err = tab.Studies(StudyColumns{}, StudyOptions{})
	if _, msg := inputProblems(t, err); msg != `upload[Studies]:5: column "RI": "NA" is a missing-value code; every study needs a correlation (fill it in or remove the row)` {
		t.Errorf("xlsx problem: %q", msg)
	}

	_, err = Read("book.xlsx", strings.NewReader(string(data)), ReadOptions{Sheet: "Data"})
	if _, msg := inputProblems(t, err); msg != `book.xlsx: sheet "Data" not found; sheets are: Notes, Studies` {
		t.Errorf("unknown sheet: %q", msg)
	}
}
