package rupture_test

import (
	"encoding/json"
	"fmt"

	"github.com/alliance-research/alliance/analysis/rupture"
)

// The defaults: a drop of K = 2 SDs from the previous session, repaired
// within 3 sessions back to the reference.
func ExampleDefaultOptions() {
	o := rupture.DefaultOptions()
	fmt.Println(o.Method, o.K, o.SDSource, o.Reference, o.RepairWindow, o.RepairFraction)
	// Output:
	// sd 2 sample previous 3 1
}

// Validate says what to change in a rule that cannot be applied.
func ExampleOptions_Validate() {
	o := rupture.DefaultOptions()
	o.Method = rupture.MethodThreshold // but no Threshold set
	fmt.Println(o.Validate())
	o.Threshold = 1.5
	fmt.Println(o.Validate())
	// Output:
	// rupture: threshold 0 must be a positive number of scale points
	// <nil>
}

// Rule names as the command line spells them; the names are lower case and
// matched exactly, and an unknown name lists the valid ones.
func ExampleParseMethod() {
	m, err := rupture.ParseMethod("threshold")
	fmt.Println(m, err)
	_, err = rupture.ParseMethod("cusum")
	fmt.Println(err)
	// Output:
	// threshold <nil>
	// rupture: unknown method "cusum" (use sd, threshold, percent, rci, sudden-loss or self-report)
}

func ExampleParseReference() {
	r, err := rupture.ParseReference("mean")
	fmt.Println(r, err)
	// Output:
	// mean <nil>
}

func ExampleParseSDSource() {
	s, err := rupture.ParseSDSource("within")
	fmt.Println(s, err)
	// Output:
	// within <nil>
}

// A named preset (Stiles et al. 2004: a drop of 2 SDs); SampleSD 0 means
// Analyze or Prepare takes it from the data.
func ExamplePreset() {
	o, err := rupture.Preset("stiles2004")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(o.Method, o.K, o.SDSource, o.SampleSD)
	// Output:
	// sd 2 within 0
}

// Every documented preset and its rule.
func ExamplePresets() {
	for _, p := range rupture.Presets() {
		fmt.Printf("%s: %s\n", p.Name, p.Options.Method)
	}
	// Output:
	// stiles2004: sd
	// strauss2006: sd
	// stevens2007: sd
	// mclaughlin2014: sd
	// larsson2018: sd
	// gumz2012-2sd: sd
	// gumz2012-1sd: sd
	// sudden-loss: sudden-loss
}

// Prepare fills the pooled within-patient SD that an SD rule needs. For
// the series below, by hand: patient A's scores 5, 6, 7 have squared
// deviations 2 about their mean, B's 4, 4, 5, 5 have 1, so
// s_w = √(3/(2 + 3)) = 0.7746.
func ExamplePrepare() {
	series := []rupture.Series{
		{Patient: "A", Score: []float64{5, 6, 7}},
		{Patient: "B", Score: []float64{4, 4, 5, 5}},
	}
	o, err := rupture.Prepare(series, rupture.DefaultOptions())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("sample SD = %.4f\n", o.SampleSD)
	// Output:
	// sample SD = 0.7746
}

// A Detector streams patients one at a time, reusing one episode buffer.
// The episodes equal those of ExampleAnalyze on the same rule.
func ExampleNewDetector() {
	d, err := rupture.NewDetector(thresholdRule())
	if err != nil {
		fmt.Println(err)
		return
	}
	series, _ := rupture.SeriesFromRows(sessionRows())
	var buf []rupture.Episode
	for _, s := range series {
		var p rupture.Patient
		p, buf, err = d.Patient(s, buf[:0])
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(p.Patient, p.Class, len(buf))
	}
	// Output:
	// P1 repaired 1
	// P2 unrepaired 1
	// P3 none 0
	// P4 repaired 1
	// P5 unrepaired 1
	// P6 none 0
}

// Patient classifies one series: P1's drop 6.0 → 4.2 at session 4 is
// regained (≥ 4.2 + 1.8) at session 6.
func ExampleDetector_Patient() {
	d, err := rupture.NewDetector(thresholdRule())
	if err != nil {
		fmt.Println(err)
		return
	}
	p, eps, err := d.Patient(rupture.Series{Patient: "P1", Score: []float64{5.5, 5.8, 6.0, 4.2, 5.1, 6.1, 6.2, 6.3}}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	e := eps[0]
	fmt.Printf("%s %s: rupture at %d, drop %.1f, repaired at %d\n", p.Patient, p.Class, e.Session, float64(e.Drop), e.RepairSession.V)
	// Output:
	// P1 repaired: rupture at 4, drop 1.8, repaired at 6
}

// Options returns the validated rule a Detector applies.
func ExampleDetector_Options() {
	d, err := rupture.NewDetector(thresholdRule())
	if err != nil {
		fmt.Println(err)
		return
	}
	o := d.Options()
	fmt.Println(o.Method, o.Threshold)
	// Output:
	// threshold 1.5
}

// NullInt is JSON null when absent (the repair session of an unrepaired
// rupture), and round-trips.
func ExampleNullInt_MarshalJSON() {
	b, _ := json.Marshal([]rupture.NullInt{{V: 6, Valid: true}, {}})
	fmt.Println(string(b))
	// Output:
	// [6,null]
}

func ExampleNullInt_UnmarshalJSON() {
	var v []rupture.NullInt
	if err := json.Unmarshal([]byte(`[6,null]`), &v); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%+v\n", v)
	// Output:
	// [{V:6 Valid:true} {V:0 Valid:false}]
}

// SampleStats accumulates the two SDs in one pass. By hand for A = 5, 6, 7
// and B = 4, 4, 5, 5: pooled within √(3/5) = 0.7746; for all seven scores,
// R: sd(c(5, 6, 7, 4, 4, 5, 5)) = 1.069045.
func ExampleSampleStats() {
	var st rupture.SampleStats
	st.Add([]float64{5, 6, 7})
	st.Add([]float64{4, 4, 5, 5})
	fmt.Printf("n = %d, within = %.4f, total = %.4f\n", st.N(), st.PooledWithinSD(), st.TotalSD())
	// Output:
	// n = 7, within = 0.7746, total = 1.0690
}

func ExampleSampleStats_Add() {
	var st rupture.SampleStats
	st.Add([]float64{5, 6, 7})
	fmt.Printf("%d %.4f\n", st.N(), st.PooledWithinSD()) // one patient: its own SD, 1
	// Output:
	// 3 1.0000
}

func ExampleSampleStats_N() {
	var st rupture.SampleStats
	st.Add([]float64{5, 6, 7})
	st.Add([]float64{4, 4, 5, 5})
	fmt.Println(st.N())
	// Output:
	// 7
}

func ExampleSampleStats_PooledWithinSD() {
	var st rupture.SampleStats
	st.Add([]float64{5, 6, 7})
	st.Add([]float64{4, 4, 5, 5})
	fmt.Printf("%.4f\n", st.PooledWithinSD())
	// Output:
	// 0.7746
}

func ExampleSampleStats_TotalSD() {
	var st rupture.SampleStats
	st.Add([]float64{5, 6, 7})
	st.Add([]float64{4, 4, 5, 5})
	fmt.Printf("%.4f\n", st.TotalSD())
	// Output:
	// 1.0690
}

// A Tally summarises patients streamed through a Detector; its rates equal
// Analyze's Summary on the same data (ExampleAnalyze: 4 of 6 patients with
// a rupture, 2 of 4 episodes repaired).
func ExampleTally_Summary() {
	d, err := rupture.NewDetector(thresholdRule())
	if err != nil {
		fmt.Println(err)
		return
	}
	series, _ := rupture.SeriesFromRows(sessionRows())
	var t rupture.Tally
	for _, s := range series {
		p, eps, err := d.Patient(s, nil)
		if err != nil {
			fmt.Println(err)
			return
		}
		t.Add(p, eps)
	}
	sum := t.Summary()
	fmt.Printf("%d patients, %d episodes, rupture rate %.4f, repair rate %.4f\n", sum.Patients, sum.Episodes, float64(sum.RuptureRate), float64(sum.RepairRate))
	for _, th := range sum.Therapists {
		fmt.Printf("%s: %+v\n", th.Therapist, th)
	}
	// Output:
	// 6 patients, 4 episodes, rupture rate 0.6667, repair rate 0.5000
	// T1: {Therapist:T1 Patients:2 WithRupture:2 Episodes:2 Repaired:1 RuptureRate:1 RepairRate:0.5}
	// T2: {Therapist:T2 Patients:2 WithRupture:1 Episodes:1 Repaired:1 RuptureRate:0.5 RepairRate:1}
	// T3: {Therapist:T3 Patients:2 WithRupture:1 Episodes:1 Repaired:0 RuptureRate:0.5 RepairRate:0}
}

// Add counts one classified patient with its episodes.
func ExampleTally_Add() {
	d, err := rupture.NewDetector(thresholdRule())
	if err != nil {
		fmt.Println(err)
		return
	}
	p, eps, err := d.Patient(rupture.Series{Patient: "P2", Score: []float64{5.0, 5.2, 3.4, 3.6, 3.9, 4.0, 4.1, 4.2}}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	var t rupture.Tally
	t.Add(p, eps)
	sum := t.Summary()
	fmt.Println(sum.Patients, sum.Episodes, sum.Repaired, sum.Sessions)
	// Output:
	// 1 1 0 8
}
