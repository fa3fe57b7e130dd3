package change_test

import (
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"strconv"

	"github.com/alliance-research/alliance/analysis/change"
)

// Sudden gains in three patients' BDI scores (sessions 1–12; NaN = missed
// session), with suddengains' default criteria and a cutoff of 7.
func ExampleByGain() {
	na := math.NaN()
	series := []change.Series{
		change.NewSeries("1", []float64{35, 37, 34, 23, 24, 21, 29, 17, 11, 11, 10, 7}),
		change.NewSeries("2", []float64{26, na, 26, na, 27, 17, 19, 11, 10, 3, na, 7}),
		change.NewSeries("3", []float64{35, 38, 35, 37, 36, 37, na, 35, 26, 24, na, 19}),
	}
	gains, err := change.ByGain(series, change.DefaultCriteria(change.Gains, 7))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, g := range gains {
		fmt.Printf("%s: session %d→%d, magnitude %v, %.0f%% of total change, reversal %v\n",
			g.IDSG(), g.Session, g.Session+1, g.Magnitude, 100*g.ChangeProportion, g.Reversal)
	}
	persons, _ := change.ByPerson(series, gains, change.First)
	s := change.DescribePersons(persons)
	fmt.Printf("%d of %d patients had a sudden gain (%.2f%%)\n", s.SGN, s.TotalN, s.SGPct)
	// Output:
	// 1_sg_3: session 3→4, magnitude 11, 39% of total change, reversal true
	// 1_sg_7: session 7→8, magnitude 12, 43% of total change, reversal false
	// 3_sg_8: session 8→9, magnitude 9, 56% of total change, reversal false
	// 2 of 3 patients had a sudden gain (66.67%)
}

// Reliable and clinically significant change on the Global Distress Scale
// (lower is better) of Jacobson et al.'s (1989) marital therapy data, with an
// illustrative reliability of .9 and functional norms M 50, SD 8 (cutoff c).
func ExampleCombined() {
	f, err := os.Open("testdata/jacobson_1989.csv")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer f.Close()
	rows, _ := csv.NewReader(f).ReadAll()
	var id []string
	var sess []int
	var gds []float64
	for _, r := range rows[1:] {
		t := 1
		if r[1] == "post" {
			t = 2
		}
		v, _ := strconv.ParseFloat(r[3], 64)
		id, sess, gds = append(id, r[0]), append(sess, t), append(gds, v)
	}
	pairs, _ := change.PairsAt(id, sess, gds, 1, 2)
	res, err := change.Combined(pairs,
		change.RCIOptions{Method: change.JT, Reliability: 0.9, Better: change.Lower},
		change.Norms{Type: change.CutoffC, MFunctional: 50, SDFunctional: 8})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("n = %d, S_diff = %.3f, cutoff c = %.2f\n", res.NUsed, res.SDiff, res.Cutoff.Value)
	for _, c := range res.Summary {
		fmt.Printf("%-12s %2d  %5.1f%%\n", c.Category, c.N, 100*c.Percent)
	}
	// Output:
	// n = 30, S_diff = 2.646, cutoff c = 61.21
	// recovered    18   60.0%
	// improved      3   10.0%
	// unchanged     9   30.0%
	// deteriorated  0    0.0%
	// harmed        0    0.0%
}
