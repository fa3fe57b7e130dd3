package datasets_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/alliance-research/alliance/datasets"
)

// sessionsCSV is a small long session table as a clinic exports it: a
// therapist column, a missed alliance rating ("NA") and a -99 code for a
// missing outcome.
const sessionsCSV = `patient,therapist,session,alliance,outcome
P1,T1,1,4.5,18
P1,T1,2,NA,16
P1,T1,3,5.25,-99
P2,T2,1,3.75,22
P2,T2,2,4.0,20
`

func readSessions() *datasets.Table {
	t, err := datasets.Read("sessions.csv", strings.NewReader(sessionsCSV), datasets.ReadOptions{NA: []string{"-99"}})
	if err != nil {
		panic(err)
	}
	return t
}

// Read detects the delimiter and decimal separator from the text.
func ExampleRead() {
	t := readSessions()
	fmt.Printf("%s: %d rows × %d columns, delimiter %q, decimal %q\n", t.Name, t.NumRows(), t.NumCols(), t.Delimiter, t.Decimal)
	fmt.Println(t.Header)
	// Output:
	// sessions.csv: 5 rows × 5 columns, delimiter ',', decimal '.'
	// [patient therapist session alliance outcome]
}

// ReadBytes is Read on data already in memory, here a semicolon export
// with decimal commas.
func ExampleReadBytes() {
	t, err := datasets.ReadBytes("studies.csv", []byte("study;ri;ni\nA;0,31;40\nB;0,22;85\n"), datasets.ReadOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	ri, err := t.Col(1).Floats()
	fmt.Println(string(t.Delimiter), string(t.Decimal), ri, err)
	// Output:
	// ; , [0.31 0.22] <nil>
}

// ReadFile reads by path; the format follows the extension (.csv, .tsv,
// .xlsx, ...).
func ExampleReadFile() {
	dir, err := os.MkdirTemp("", "alliance-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "sessions.tsv")
	if err = os.WriteFile(path, []byte(strings.ReplaceAll(sessionsCSV, ",", "\t")), 0o600); err != nil {
		fmt.Println(err)
		return
	}
	t, err := datasets.ReadFile(path, datasets.ReadOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%q %d\n", t.Delimiter, t.NumRows())
	// Output:
	// '\t' 5
}

func ExampleTable_NumRows() {
	fmt.Println(readSessions().NumRows())
	// Output:
	// 5
}

func ExampleTable_NumCols() {
	fmt.Println(readSessions().NumCols())
	// Output:
	// 5
}

// Column names match case-insensitively; an unknown name lists the columns
// found.
func ExampleTable_Column() {
	t := readSessions()
	c, err := t.Column("Alliance")
	fmt.Println(c.Name, c.Index(), err)
	_, err = t.Column("wai")
	fmt.Println(err)
	// Output:
	// alliance 3 <nil>
	// sessions.csv: column "wai" not found; columns are: patient, therapist, session, alliance, outcome
}

func ExampleTable_ColumnIndex() {
	t := readSessions()
	fmt.Println(t.ColumnIndex(" OUTCOME "), t.ColumnIndex("wai"))
	// Output:
	// 4 -1
}

func ExampleTable_Col() {
	fmt.Println(readSessions().Col(0).Strings())
	// Output:
	// [P1 P1 P1 P2 P2]
}

// Data row i comes from physical line i + 2 (after the header).
func ExampleTable_Line() {
	fmt.Println(readSessions().Line(2))
	// Output:
	// 4
}

func ExampleTable_Lines() {
	fmt.Println(readSessions().Lines())
	// Output:
	// [2 3 4 5 6]
}

// The defaults plus the codes given in ReadOptions.NA.
func ExampleTable_NA() {
	fmt.Printf("%q\n", readSessions().NA())
	// Output:
	// ["" "NA" "." "-99"]
}

// Validated session rows: NA and -99 become NaN.
func ExampleTable_Sessions() {
	s, err := readSessions().Sessions(datasets.SessionColumns{}, datasets.SessionOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(s.Len(), s.Alliance, s.Outcome)
	fmt.Println(s.Therapist.Levels, s.Line)
	// Output:
	// 5 [4.5 NaN 5.25 3.75 4] [18 16 NaN 22 20]
	// [T1 T2] [2 3 4 5 6]
}

// Validated study rows, with Fisher z checks (n > 3).
func ExampleTable_Studies() {
	t, err := datasets.ReadBytes("studies.csv", []byte("study,ri,ni,rater\nA,0.31,40,client\nB,0.22,85,observer\n"), datasets.ReadOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	s, err := t.Studies(datasets.StudyColumns{Mods: []string{"rater"}}, datasets.StudyOptions{FisherZ: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(s.K(), s.Label, s.R, s.N, s.Mods[0].Text)
	// Output:
	// 2 [A B] [0.31 0.22] [40 85] [client observer]
}

// The outcome's -99 (row 3) is a declared missing-value code.
func ExampleColumn_Missing() {
	c, _ := readSessions().Column("outcome")
	for i := range c.Len() {
		fmt.Print(c.Missing(i), " ")
	}
	fmt.Println()
	// Output:
	// false false true false false
}

func ExampleColumn_Len() {
	c, _ := readSessions().Column("alliance")
	fmt.Println(c.Len())
	// Output:
	// 5
}

func ExampleColumn_Index() {
	c, _ := readSessions().Column("session")
	fmt.Println(c.Index())
	// Output:
	// 2
}

func ExampleColumn_Float() {
	c, _ := readSessions().Column("alliance")
	v, missing, err := c.Float(2)
	fmt.Println(v, missing, err)
	v, missing, err = c.Float(1)
	fmt.Println(v, missing, err)
	// Output:
	// 5.25 false <nil>
	// NaN true <nil>
}

func ExampleColumn_Floats() {
	c, _ := readSessions().Column("alliance")
	fmt.Println(c.Floats())
	// Output:
	// [4.5 NaN 5.25 3.75 4] <nil>
}

// A column that is mostly numbers with a typo is reported, not read as
// text labels.
func ExampleColumn_Numbers() {
	t, err := datasets.ReadBytes("s.csv", []byte("x\n1\n2\n3\n4\n5\n6\n12..5\n"), datasets.ReadOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	v, numeric, err := t.Col(0).Numbers()
	fmt.Println(v, numeric)
	fmt.Println(err)
	c, _ := readSessions().Column("therapist")
	v, numeric, err = c.Numbers()
	fmt.Println(v, numeric, err)
	// Output:
	// [] false
	// s.csv:8: column "x": "12..5" is not a number; 6 of the column's 7 non-missing cells are numbers, so this looks like a typo: correct it, or declare it a missing-value code (if the column holds labels rather than numbers, start every label with a letter)
	// [] false <nil>
}

func ExampleColumn_IsNumeric() {
	t := readSessions()
	a, _ := t.Column("alliance")
	p, _ := t.Column("patient")
	fmt.Println(a.IsNumeric(), p.IsNumeric())
	// Output:
	// true false
}

func ExampleColumn_String() {
	c, _ := readSessions().Column("patient")
	fmt.Println(c.String(3))
	// Output:
	// P2
}

// Strings gives "" for missing cells.
func ExampleColumn_Strings() {
	c, _ := readSessions().Column("alliance")
	fmt.Printf("%q\n", c.Strings())
	// Output:
	// ["4.5" "" "5.25" "3.75" "4.0"]
}

// Bytes is String without an allocation.
func ExampleColumn_Bytes() {
	c, _ := readSessions().Column("therapist")
	fmt.Println(string(c.Bytes(4)))
	// Output:
	// T2
}
