package change_test

import (
	"encoding/json"
	"fmt"
	"math"

	"github.com/alliance-research/alliance/analysis/change"
)

// bdi returns the BDI series of ExampleByGain (sessions 1–12, NaN = missed).
func bdi() []change.Series {
	na := math.NaN()
	return []change.Series{
		change.NewSeries("1", []float64{35, 37, 34, 23, 24, 21, 29, 17, 11, 11, 10, 7}),
		change.NewSeries("2", []float64{26, na, 26, na, 27, 17, 19, 11, 10, 3, na, 7}),
		change.NewSeries("3", []float64{35, 38, 35, 37, 36, 37, na, 35, 26, 24, na, 19}),
	}
}

// NewSeries takes treatment start and end from the first and last scores.
func ExampleNewSeries() {
	s := change.NewSeries("1", []float64{35, 37, 34, 23, 24, 21, 29, 17, 11, 11, 10, 7})
	fmt.Println(s.ID, s.Start, s.End, len(s.Values))
	// Output:
	// 1 35 7 12
}

// Long rows (patient, session, score) become one series per patient; a
// missed session is NaN at its position, and B's treatment end (session 5)
// is missing.
func ExampleSeriesFromLong() {
	patient := []string{"A", "A", "A", "A", "B", "B", "B"}
	session := []int{1, 2, 3, 5, 1, 2, 3}
	score := []float64{30, 28, 19, 18, 25, 24, 23}
	series, err := change.SeriesFromLong(patient, session, score, 1, 5)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range series {
		vals := make([]float64, s.Len())
		for i := range vals {
			vals[i] = s.At(i)
		}
		fmt.Println(s.ID, vals, s.Start, s.End)
	}
	// Output:
	// A [30 28 19 NaN 18] 30 18
	// B [25 24 23 NaN NaN] 25 NaN
}

// suddengains 0.7.2's defaults (Tang & DeRubeis 1999).
func ExampleDefaultCriteria() {
	c := change.DefaultCriteria(change.Gains, 7)
	fmt.Println(c.Direction, c.Cutoff, c.Pct, c.Alpha, c.NoStability, c.FixedCritical)
	// Output:
	// gains 7 0.25 0.05 false false
}

// A gain needs a non-negative cutoff; a loss a non-positive one.
func ExampleCriteria_Validate() {
	fmt.Println(change.DefaultCriteria(change.Gains, 7).Validate())
	fmt.Println(change.DefaultCriteria(change.Gains, -7).Validate())
	// Output:
	// <nil>
	// change: cutoff -7 must be positive to identify sudden gains
}

func ExampleDirection_String() {
	fmt.Println(change.Gains, change.Losses)
	// Output:
	// gains losses
}

// The three criteria for patient 1's interval 3→4 (34 → 23), by hand:
// 1. 34 − 23 = 11 ≥ 7; 2. 11/34 = .32 ≥ .25; 3. the pre scores 35, 37, 34
// (mean 35.33, SD 1.528) and post 23, 24, 21 (mean 22.67, SD 1.528):
// 35.33 − 22.67 = 12.67 > qt(.975, 4) · √((2·1.528² + 2·1.528²)/4) = 2.776 ·
// 1.528 = 4.241.
func ExampleCheckInterval() {
	ic, err := change.CheckInterval([3]float64{35, 37, 34}, [3]float64{23, 24, 21}, change.DefaultCriteria(change.Gains, 7))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(ic.Crit1, ic.Crit2, ic.Crit3, ic.Met)
	fmt.Printf("critical t = %.4f, means %.4f, %.4f, SDs %.4f, %.4f\n",
		float64(ic.CriticalValue), float64(ic.MeanPre), float64(ic.MeanPost), float64(ic.SDPre), float64(ic.SDPost))
	// Output:
	// 1 1 1 1
	// critical t = 2.7764, means 35.3333, 22.6667, SDs 1.5275, 1.5275
}

// A Detector applies one set of criteria to many series, reusing a buffer;
// the gains are those of ExampleByGain.
func ExampleNewDetector() {
	d, err := change.NewDetector(change.DefaultCriteria(change.Gains, 7))
	if err != nil {
		fmt.Println(err)
		return
	}
	var buf []change.Gain
	for _, s := range bdi() {
		buf = d.Find(s, buf[:0])
		fmt.Println(s.ID, len(buf))
	}
	// Output:
	// 1 2
	// 2 0
	// 3 1
}

func ExampleDetector_Find() {
	d, err := change.NewDetector(change.DefaultCriteria(change.Gains, 7))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, g := range d.Find(bdi()[0], nil) {
		fmt.Println(g.IDSG(), g.Magnitude, g.Xn, g.Xn1)
	}
	// Output:
	// 1_sg_3 11 34 23
	// 1_sg_7 12 29 17
}

// Every interval of patient 1 examined (2→3 … 10→11: n − 3 = 9 of them),
// with its verdict (1 = met, 0 = not); met at 3→4 and 7→8 as ExampleByGain
// finds.
func ExampleDetector_Intervals() {
	d, err := change.NewDetector(change.DefaultCriteria(change.Gains, 7))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, iv := range d.Intervals(bdi()[0].Values, nil) {
		fmt.Printf("%d→%d: %v\n", iv.Session, iv.Session+1, iv.Met)
	}
	// Output:
	// 2→3: 0
	// 3→4: 1
	// 4→5: 0
	// 5→6: 0
	// 6→7: 0
	// 7→8: 1
	// 8→9: 0
	// 9→10: 0
	// 10→11: 0
}

func ExampleDetector_Criteria() {
	d, err := change.NewDetector(change.DefaultCriteria(change.Losses, -7))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(d.Criteria().Direction, d.Criteria().Cutoff)
	// Output:
	// losses -7
}

// The package's id_sg label.
func ExampleGain_IDSG() {
	gains, err := change.ByGain(bdi(), change.DefaultCriteria(change.Gains, 7))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(gains[0].IDSG())
	// Output:
	// 1_sg_3
}

// A gain in JSON, as a create_bysg row: the six scores around patient 1's
// gain at 3→4 (35, 37, 34 | 23, 24, 21), magnitude 34 − 23 = 11 and
// proportion 11/(35 − 7) = .3929 (by hand); missing values would be null.
func ExampleGain_MarshalJSON() {
	gains, err := change.ByGain(bdi(), change.DefaultCriteria(change.Gains, 7))
	if err != nil {
		fmt.Println(err)
		return
	}
	b, err := json.Marshal(gains[0])
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(string(b))
	// Output:
	// {"id_sg":"1_sg_3","patient":"1","session":3,"position":2,"freq_byperson":2,"x_2n":35,"x_1n":37,"x_n":34,"x_n1":23,"x_n2":24,"x_n3":21,"magnitude":11,"tx_start":35,"tx_end":7,"tx_change":28,"change_proportion":0.39285714285714285,"reversal_value":28.5,"reversal":true}
}

// describe_sg(..., "bysg"): three gains with magnitudes 11, 12, 9 (mean
// 10.6667, SD 1.5275 by hand), one of them reversed, two from a patient
// with more than one gain.
func ExampleDescribeGains() {
	gains, err := change.ByGain(bdi(), change.DefaultCriteria(change.Gains, 7))
	if err != nil {
		fmt.Println(err)
		return
	}
	s := change.DescribeGains(gains)
	fmt.Printf("%d gains, multiple %.4f%%, reversal %d (%.4f%%), magnitude %.4f (SD %.4f)\n",
		s.SGTotalN, float64(s.SGMultiplePct), s.SGReversalN, float64(s.SGReversalPct), float64(s.SGMagnitudeM), float64(s.SGMagnitudeSD))
	// Output:
	// 3 gains, multiple 66.6667%, reversal 1 (33.3333%), magnitude 10.6667 (SD 1.5275)
}

// create_byperson with the largest gain per patient: patient 1's 7→8 gain
// (12 > 11) is selected.
func ExampleByPerson() {
	series := bdi()
	gains, err := change.ByGain(series, change.DefaultCriteria(change.Gains, 7))
	if err != nil {
		fmt.Println(err)
		return
	}
	persons, err := change.ByPerson(series, gains, change.Largest)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range persons {
		if p.Gain != nil {
			fmt.Println(p.Patient, p.FreqByPerson, p.Gain.IDSG())
		} else {
			fmt.Println(p.Patient, p.FreqByPerson, "no gain")
		}
	}
	// Output:
	// 1 2 1_sg_7
	// 2 0 no gain
	// 3 1 3_sg_8
}

// describe_sg(..., "byperson") with the first gain per patient: 2 of 3
// patients, magnitudes 11 and 9 (mean 10, SD √2 = 1.4142), one reversal.
func ExampleDescribePersons() {
	series := bdi()
	gains, err := change.ByGain(series, change.DefaultCriteria(change.Gains, 7))
	if err != nil {
		fmt.Println(err)
		return
	}
	persons, err := change.ByPerson(series, gains, change.First)
	if err != nil {
		fmt.Println(err)
		return
	}
	s := change.DescribePersons(persons)
	fmt.Printf("%d of %d, multiple %d, reversal %d, magnitude %.4f (SD %.4f)\n",
		s.SGN, s.TotalN, s.SGMultipleN, s.SGReversalN, float64(s.SGMagnitudeM), float64(s.SGMagnitudeSD))
	// Output:
	// 2 of 3, multiple 1, reversal 1, magnitude 10.0000 (SD 1.4142)
}

func ExampleParseSelect() {
	s, err := change.ParseSelect("largest")
	fmt.Println(s == change.Largest, err)
	// Output:
	// true <nil>
}

// The six scores around patient 1's gain at 7→8 (pregain position 6),
// applied here to the BDI itself; NaN past the end of the series.
func ExampleExtractValues() {
	fmt.Println(change.ExtractValues(bdi()[0].Values, 6))
	fmt.Println(change.ExtractValues(bdi()[0].Values, 9))
	// Output:
	// [24 21 29 17 11 11]
	// [17 11 11 10 7 NaN]
}

// A series of n scores has n − 3 testable intervals.
func ExampleNumIntervals() {
	fmt.Println(change.NumIntervals(12), change.NumIntervals(3))
	// Output:
	// 9 0
}

// count_intervals: 11 + 11 + 11 = 33 between-session intervals; 33 − 2·3 =
// 27 could hold a gain, and every one of these is either available or not
// (Available + NotAvailable = 27); patient 1, with no missed session,
// contributes all its 9 examined intervals to Available.
func ExampleCountIntervals() {
	c := change.CountIntervals(bdi(), false)
	fmt.Printf("%+v\n", c)
	// Output:
	// {Total:33 TotalSG:27 Available:20 NotAvailable:7}
}

// select_cases(method = "pattern"): a series needs four consecutive scores
// or one of the patterns with a single gap.
func ExampleSelectPattern() {
	na := math.NaN()
	fmt.Println(change.SelectPattern([]float64{20, 18, 17, 15}))
	fmt.Println(change.SelectPattern([]float64{20, na, 18, na, 17, na}))
	// Output:
	// true
	// false
}

// select_cases(method = "min_sess", min_sess_num = 10): patient 2 has 9
// scores.
func ExampleSelectMinSessions() {
	for _, s := range bdi() {
		ok, err := change.SelectMinSessions(s.Values, 10)
		fmt.Println(s.ID, ok, err)
	}
	// Output:
	// 1 true <nil>
	// 2 false <nil>
	// 3 true <nil>
}

func ExampleSelectCases() {
	sel, err := change.SelectCases(bdi(), 10)
	fmt.Println(sel, err)
	// Output:
	// [true false true] <nil>
}

// A Flag encodes as JSON true, false or null.
func ExampleFlag_MarshalJSON() {
	b, _ := json.Marshal([]change.Flag{change.Yes, change.No, change.NA})
	fmt.Println(string(b))
	// Output:
	// [true,false,null]
}
