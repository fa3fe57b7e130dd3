package datasets

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/go-gota/gota/dataframe"
	"github.com/go-gota/gota/series"
)

// A DataFrame is validated as strictly as a file: a bad cell is an input
// error naming the column and the row; gota's missing values are missing;
// numbers round-trip exactly; the table comes back as a DataFrame.
func TestFromDataFrame(t *testing.T) {
	df := dataframe.New(
		series.New([]string{"a", "b", "c"}, series.String, "study"),
		series.New([]string{"0.3", "0,35", "0.2"}, series.String, "ri"),
		series.New([]int{50, 80, 40}, series.Int, "ni"),
	)
	tab, err := FromDataFrame("frame", df, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = tab.Studies(StudyColumns{}, StudyOptions{FisherZ: true})
	if err == nil || err.Error() != `frame: ri[1] = 0,35 is not a number (decimal comma? set the decimal separator to ',')` {
		t.Errorf("bad cell: %v", err)
	}
	var ie *InputError
	if !errors.As(err, &ie) || ie.Problems[0].Row != 2 || ie.Problems[0].File != "" || ie.Problems[0].Column != "ri" || ie.Problems[0].Hint != "decimal=," {
		t.Errorf("bad cell problem: %#v", err)
	}
	x := 0.1 + 0.2
	df2 := dataframe.New(
		series.New([]string{"a", "b", "c"}, series.String, "study"),
		series.New([]float64{x, 0.25, math.NaN()}, series.Float, "yi"),
		series.New([]float64{0.01, 0.02, 0.03}, series.Float, "vi"),
	)
	tab2, err := FromDataFrame("frame", df2, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tab2.Studies(StudyColumns{}, StudyOptions{}); err == nil ||
		err.Error() != `frame: yi[2]: missing value; every study needs an effect size (fill it in or remove the row)` {
		t.Errorf("missing effect size: %v", err)
	}
	back := tab2.DataFrame()
	if got := back.Col("yi").Float()[0]; got != x || !math.IsNaN(back.Col("yi").Float()[2]) || back.Col("study").Type() != series.String {
		t.Errorf("round trip: %v", back)
	}
	if _, err := FromDataFrame("frame", dataframe.New(series.New([]int{1}, series.Int, "a"), series.New([]int{1}, series.Int, "A")), ReadOptions{}); err == nil ||
		err.Error() != `frame: column name "A" appears twice; rename one` {
		t.Errorf("duplicate column names: %v", err)
	}
}

// The loaders' rules hold for a DataFrame as for a file: the NA vocabulary
// ("NA", ".", ReadOptions.NA with numeric codes matched as numbers), gota's
// own missing values, the detection of a mostly numeric column with a typo,
// and the session checks (duplicates, order), each located by row.
func TestFromDataFrameRules(t *testing.T) {
	df := dataframe.New(
		series.New([]string{"a", "b", "c", "d", "e", "f", "g"}, series.String, "study"),
		series.New([]float64{0.3, 0.2, 0.1, 0.25, 0.15, 0.2, 0.3}, series.Float, "ri"),
		series.New([]int{50, 60, 70, 80, 90, 100, 110}, series.Int, "ni"),
		series.New([]string{"2001", "NA", "199 4", "-99.0", "2003", "2004", "2005"}, series.String, "year"),
		series.New([]string{"x", ".", "y", "", "x", "y", "x"}, series.String, "rater"),
	)
	tab, err := FromDataFrame("frame", df, ReadOptions{NA: []string{"-99"}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = tab.Studies(StudyColumns{Mods: []string{"year", "rater"}}, StudyOptions{FisherZ: true})
	want := `frame: year[2] = 199 4 is not a number; 4 of the column's 5 non-missing cells are numbers, so this looks like a typo: ` +
		`correct it, or declare it a missing-value code (if the column holds labels rather than numbers, start every label with a letter)`
	if err == nil || err.Error() != want {
		t.Errorf("typo in a numeric moderator:\n got %v\nwant %s", err, want)
	}
	df = df.Set([]int{2}, dataframe.New(
		series.New([]string{"c"}, series.String, "study"), series.New([]float64{0.1}, series.Float, "ri"),
		series.New([]int{70}, series.Int, "ni"), series.New([]string{"1994"}, series.String, "year"),
		series.New([]string{"y"}, series.String, "rater")))
	tab, err = FromDataFrame("frame", df, ReadOptions{NA: []string{"-99"}})
	if err != nil {
		t.Fatal(err)
	}
	st, err := tab.Studies(StudyColumns{Mods: []string{"year", "rater"}}, StudyOptions{FisherZ: true})
	if err != nil {
		t.Fatal(err)
	}
	year, rater := st.Mods[0], st.Mods[1]
	if !year.Numeric || year.Num[2] != 1994 || !math.IsNaN(year.Num[1]) || !math.IsNaN(year.Num[3]) {
		t.Errorf("year %v: NA and -99.0 (code -99) must be missing", year.Num)
	}
	if rater.Numeric || rater.Text[1] != "" || rater.Text[3] != "" || rater.Text[4] != "x" {
		t.Errorf("rater %q", rater.Text)
	}
	if !equalInts(st.Line, []int{1, 2, 3, 4, 5, 6, 7}) {
		t.Errorf("lines %v, want the 1-based rows", st.Line)
	}

	// gota's own NA elements (an int column with a missing value) are
	// missing cells, required here.
	ni := series.New([]any{50, nil, 70}, series.Int, "ni")
	df = dataframe.New(series.New([]float64{.3, .2, .1}, series.Float, "ri"), ni)
	tab, err = FromDataFrame("frame", df, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err = tab.Studies(StudyColumns{}, StudyOptions{}); err == nil ||
		err.Error() != `frame: ni[1]: missing value; every study needs a sample size (fill it in or remove the row)` {
		t.Errorf("gota NA: %v", err)
	}

	// Sessions: a duplicate (patient, session) names both rows by index.
	df = dataframe.New(
		series.New([]string{"p1", "p1", "p1", "p2"}, series.String, "patient"),
		series.New([]int{1, 2, 2, 1}, series.Int, "session"),
		series.New([]float64{5, 5.5, 6, 4}, series.Float, "alliance"),
		series.New([]float64{20, 18, 17, 25}, series.Float, "outcome"),
	)
	tab, err = FromDataFrame("frame", df, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = tab.Sessions(SessionColumns{}, SessionOptions{})
	if err == nil || err.Error() != `frame: session[2]: patient "p1" has session 2 twice (indices 1 and 2); each (patient, session) must be unique` {
		t.Errorf("duplicate session: %v", err)
	}
	if _, err := FromDataFrame("frame", dataframe.New(series.New([]int{}, series.Int, "a")), ReadOptions{}); err == nil ||
		err.Error() != `frame: header only, no data rows (columns: a)` {
		t.Errorf("empty frame: %v", err)
	}
}

// FromDataFrame gives gota users the loaders' validation; Table.DataFrame
// gives them the parsed table back.
func ExampleFromDataFrame() {
	df := dataframe.New(
		series.New([]string{"Horvath 1991", "Martin 2000", "Flückiger 2018"}, series.String, "study"),
		series.New([]float64{0.26, 0.22, 0.278}, series.Float, "r"),
		series.New([]int{2000, 3000, 30000}, series.Int, "n"),
	)
	tab, err := FromDataFrame("frame", df, ReadOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	st, err := tab.Studies(StudyColumns{}, StudyOptions{FisherZ: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(st.K(), st.Columns.R, st.Columns.N, st.Label[2], st.R[2])
	// Output: 3 r n Flückiger 2018 0.278
}

// FuzzFromDataFrame: any one-row DataFrame becomes a Table; what Studies
// accepts is a valid study (r in (-1, 1), n > 3 for Fisher z); a float
// element comes back as the same float64, NaN as missing, ±Inf as an
// error naming the column and row.
func FuzzFromDataFrame(f *testing.F) {
	f.Add("0.3", "50", "a", 0.1)
	f.Add("NA", "", ".", math.NaN())
	f.Add("1e309", "-3", "\x00", math.Inf(1))
	f.Add("0,3", "4", "Falkenström", math.Copysign(0, -1))
	f.Add(" .5 ", "-99", "NA", 5e-324)
	f.Fuzz(func(t *testing.T, r, n, label string, x float64) {
		df := dataframe.New(series.New([]string{label}, series.String, "study"), series.New([]string{r}, series.String, "ri"),
			series.New([]string{n}, series.String, "ni"), series.New([]float64{x}, series.Float, "x"))
		tab, err := FromDataFrame("frame", df, ReadOptions{NA: []string{"-99"}})
		if err != nil {
			t.Fatalf("a one-row frame was refused: %v", err)
		}
		st, err := tab.Studies(StudyColumns{Mods: []string{"x"}}, StudyOptions{FisherZ: true})
		if err == nil && (math.IsNaN(st.R[0]) || st.R[0] <= -1 || st.R[0] >= 1 || !(st.N[0] > 3)) {
			t.Errorf("accepted r=%q n=%q", r, n)
		}
		v, miss, ferr := tab.Col(3).Float(0)
		switch {
		case math.IsNaN(x):
			if !miss {
				t.Errorf("NaN is not missing: %v %v", v, ferr)
			}
		case math.IsInf(x, 0):
			var ie *InputError
			if _, err := tab.Col(3).Floats(); !errors.As(err, &ie) || ie.Problems[0].Row != 1 || ie.Problems[0].Column != "x" {
				t.Errorf("Inf: %v", err)
			}
		case x == -99:
			if !miss {
				t.Errorf("the NA code -99 is not missing")
			}
		default:
			if ferr != nil || v != x || math.Signbit(v) != math.Signbit(x) && x != 0 {
				t.Errorf("float %v came back as %v (%v)", x, v, ferr)
			}
		}
	})
}

// A parsed file as a gota DataFrame: numeric columns as floats (NaN for
// missing), the others as strings.
func ExampleTable_DataFrame() {
	tab, err := Read("s.csv", strings.NewReader("study,ri,ni,rater\na,.3,50,self\nb,NA,80,observer\n"), ReadOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	df := tab.DataFrame()
	fmt.Println(df.Names(), df.Col("ri").Type(), df.Col("rater").Type(), math.IsNaN(df.Col("ri").Float()[1]))
	// Output: [study ri ni rater] float string true
}

// A validated study table as a gota DataFrame: typed columns named as in
// the file, moderators as floats or strings.
func ExampleStudies_DataFrame() {
	st, err := EmbeddedStudies("molloy2014", StudyOptions{FisherZ: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	df := st.DataFrame()
	fmt.Println(df.Nrow(), df.Names())
	fmt.Println(df.Col("ri").Type(), df.Col("ni").Float()[0])
	// Output:
	// 16 [authors ri ni]
	// float 109
}

// A validated session table as a gota DataFrame in long format.
func ExampleSessions_DataFrame() {
	tab, err := Read("s.csv", strings.NewReader("patient,session,alliance,outcome\np1,1,5,20\np1,2,5.5,18\np2,1,4,NA\n"), ReadOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	s, err := tab.Sessions(SessionColumns{}, SessionOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	df := s.DataFrame()
	fmt.Println(df.Names(), df.Col("session").Type(), df.Col("outcome").Float())
	// Output: [patient session alliance outcome] int [20 18 NaN]
}
