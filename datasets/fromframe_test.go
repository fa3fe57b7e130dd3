package datasets

import (
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
	if err == nil || !strings.Contains(err.Error(), `frame:3: column "ri": "0,35" is not a number`) {
		t.Errorf("bad cell: %v", err)
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
	if _, err := tab2.Studies(StudyColumns{}, StudyOptions{}); err == nil || !strings.Contains(err.Error(), `frame:4: column "yi"`) {
		t.Errorf("missing effect size: %v", err)
	}
	back := tab2.DataFrame()
	if got := back.Col("yi").Float()[0]; got != x || !math.IsNaN(back.Col("yi").Float()[2]) || back.Col("study").Type() != series.String {
		t.Errorf("round trip: %v", back)
	}
	if _, err := FromDataFrame("frame", dataframe.New(series.New([]int{1}, series.Int, "a"), series.New([]int{1}, series.Int, "A")), ReadOptions{}); err == nil {
		t.Error("duplicate column names accepted")
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

func FuzzFromDataFrame(f *testing.F) {
	f.Add("0.3", "50", "a")
	f.Add("NA", "", ".")
	f.Add("1e309", "-3", "\x00")
	f.Fuzz(func(t *testing.T, r, n, label string) {
		df := dataframe.New(series.New([]string{label}, series.String, "study"), series.New([]string{r}, series.String, "ri"), series.New([]string{n}, series.String, "ni"))
		tab, err := FromDataFrame("frame", df, ReadOptions{})
		if err != nil {
			return
		}
		st, err := tab.Studies(StudyColumns{}, StudyOptions{FisherZ: true})
		if err == nil && (math.IsNaN(st.R[0]) || st.R[0] <= -1 || st.R[0] >= 1 || !(st.N[0] > 3)) {
			t.Errorf("accepted r=%q n=%q", r, n)
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
