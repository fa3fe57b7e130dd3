package change

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

var bdi = varList("bdi_s", 1, 12)

// sgdata loads the suddengains example data as series of bdi_s1..bdi_s12
// with tx_start = bdi_s1 and tx_end = bdi_s12, as in the vignette.
func sgdata(tb testing.TB) (table, []Series) {
	t := readCSV(tb, "sgdata.csv")
	return t, seriesOf(tb, t, "id", bdi, "bdi_s1", "bdi_s12")
}

// checkGainRow compares a Gain with a create_bysg / create_byperson row.
func checkGainRow(t *testing.T, g Gain, ref table, i int, measure string) {
	t.Helper()
	const tol = 1e-13 // the CSV holds 15 significant digits
	if got, want := g.Patient, ref.str(t, i, "id"); got != want {
		t.Errorf("row %d: patient %s, want %s", i+1, got, want)
	}
	if got, want := g.IDSG(), ref.str(t, i, "id_sg"); got != want {
		t.Errorf("row %d: id_sg %s, want %s", i+1, got, want)
	}
	if want := ref.num(t, i, "sg_crit123"); want != 1 {
		t.Errorf("row %d: reference sg_crit123 %v for a gain", i+1, want)
	}
	ints := []struct {
		name string
		got  int
	}{{"sg_session_n", g.Session}, {"sg_freq_byperson", g.FreqByPerson}}
	for _, c := range ints {
		if want := ref.num(t, i, c.name); float64(c.got) != want {
			t.Errorf("row %d (%s): %s = %d, want %v", i+1, g.IDSG(), c.name, c.got, want)
		}
	}
	m := "sg_" + measure + "_"
	nums := []struct {
		name string
		got  Float
	}{
		{m + "2n", g.X2n}, {m + "1n", g.X1n}, {m + "n", g.Xn}, {m + "n1", g.Xn1}, {m + "n2", g.Xn2}, {m + "n3", g.Xn3},
		{"sg_magnitude", g.Magnitude}, {m + "tx_change", g.TxChange}, {"sg_change_proportion", g.ChangeProportion},
		{"sg_reversal_value", g.ReversalValue},
	}
	for _, c := range nums {
		if want := ref.num(t, i, c.name); !sameNum(float64(c.got), want, tol) {
			t.Errorf("row %d (%s): %s = %v, want %v", i+1, g.IDSG(), c.name, c.got, want)
		}
	}
	rev := 0.0
	if g.Reversal {
		rev = 1
	}
	if want := ref.num(t, i, "sg_reversal"); rev != want {
		t.Errorf("row %d (%s): sg_reversal = %v, want %v", i+1, g.IDSG(), rev, want)
	}
}

// TestByGainVignette: create_bysg on sgdata, gains (cutoff 7) and losses
// (cutoff −7), against the vignette's published tables, every cell.
func TestByGainVignette(t *testing.T) {
	_, series := sgdata(t)
	for _, tc := range []struct {
		file   string
		dir    Direction
		cutoff float64
		n      int
	}{
		{"vignette_output_bysg.csv", Gains, 7, 24},
		{"vignette_output_bysl.csv", Losses, -7, 3},
	} {
		ref := readCSV(t, tc.file)
		gains, err := ByGain(series, DefaultCriteria(tc.dir, tc.cutoff))
		if err != nil {
			t.Fatal(err)
		}
		if len(gains) != tc.n || len(ref.rows) != tc.n {
			t.Fatalf("%s: %d rows, reference %d, want %d", tc.file, len(gains), len(ref.rows), tc.n)
		}
		for i, g := range gains {
			checkGainRow(t, g, ref, i, "bdi")
		}
	}
}

// TestByGainPackageTests: the data frames and expected create_bysg output of
// suddengains' own test-create_bysg.R (covers missing tx_start, gains at the
// first interval, missing scores around gains).
func TestByGainPackageTests(t *testing.T) {
	tr := readTribbles(t, "suddengains_test-create_bysg.R")
	if len(tr) != 2 {
		t.Fatalf("%d tribbles", len(tr))
	}
	series := seriesOf(t, tr[0], "id", bdi, "bdi_s1", "bdi_s12")
	gains, err := ByGain(series, DefaultCriteria(Gains, 7))
	if err != nil {
		t.Fatal(err)
	}
	if len(gains) != len(tr[1].rows) {
		t.Fatalf("%d gains, want %d", len(gains), len(tr[1].rows))
	}
	for i, g := range gains {
		checkGainRow(t, g, tr[1], i, "bdi")
	}
}

func checkByPerson(t *testing.T, persons []Person, ref table) {
	t.Helper()
	if len(persons) != len(ref.rows) {
		t.Fatalf("%d persons, want %d", len(persons), len(ref.rows))
	}
	for i, p := range persons {
		if p.Patient != ref.str(t, i, "id") {
			t.Fatalf("row %d: patient %s, want %s", i+1, p.Patient, ref.str(t, i, "id"))
		}
		if want := ref.num(t, i, "sg_freq_byperson"); float64(p.FreqByPerson) != want {
			t.Errorf("row %d: freq %d, want %v", i+1, p.FreqByPerson, want)
		}
		sg := ref.num(t, i, "sg_crit123") == 1
		if p.SG != sg || (p.Gain != nil) != sg {
			t.Errorf("row %d: sg %v (gain %v), want %v", i+1, p.SG, p.Gain != nil, sg)
			continue
		}
		if sg {
			checkGainRow(t, *p.Gain, ref, i, "bdi")
		}
	}
}

// TestByPersonVignette: create_byperson first and largest against the vignette.
func TestByPersonVignette(t *testing.T) {
	_, series := sgdata(t)
	gains, err := ByGain(series, DefaultCriteria(Gains, 7))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		file string
		sel  Select
	}{{"vignette_output_byperson_first.csv", First}, {"vignette_output_byperson_largest.csv", Largest}} {
		persons, err := ByPerson(series, gains, tc.sel)
		if err != nil {
			t.Fatal(err)
		}
		checkByPerson(t, persons, readCSV(t, tc.file))
	}
}

// TestByPersonPackageTests: test-create_byperson.R (first and largest).
func TestByPersonPackageTests(t *testing.T) {
	tr := readTribbles(t, "suddengains_test-create_byperson.R")
	if len(tr) != 3 {
		t.Fatalf("%d tribbles", len(tr))
	}
	series := seriesOf(t, tr[0], "id", bdi, "bdi_s1", "bdi_s12")
	gains, err := ByGain(series, DefaultCriteria(Gains, 7))
	if err != nil {
		t.Fatal(err)
	}
	for k, sel := range []Select{First, Largest} {
		persons, err := ByPerson(series, gains, sel)
		if err != nil {
			t.Fatal(err)
		}
		checkByPerson(t, persons, tr[k+1])
	}
}

// TestExtractValuesVignette: extract_values of rq_s1..rq_s12 around each gain.
func TestExtractValuesVignette(t *testing.T) {
	data, series := sgdata(t)
	gains, err := ByGain(series, DefaultCriteria(Gains, 7))
	if err != nil {
		t.Fatal(err)
	}
	ref := readCSV(t, "vignette_output_bysg_rq.csv")
	if len(ref.rows) != len(gains) {
		t.Fatalf("%d gains, reference %d", len(gains), len(ref.rows))
	}
	rq := seriesOf(t, data, "id", varList("rq_s", 1, 12), "rq_s1", "rq_s12")
	byID := map[string][]float64{}
	for _, s := range rq {
		byID[s.ID] = s.Values
	}
	names := []string{"sg_rq_2n", "sg_rq_1n", "sg_rq_n", "sg_rq_n1", "sg_rq_n2", "sg_rq_n3"}
	for i, g := range gains {
		if g.IDSG() != ref.str(t, i, "id_sg") {
			t.Fatalf("row %d: %s, want %s", i+1, g.IDSG(), ref.str(t, i, "id_sg"))
		}
		v := ExtractValues(byID[g.Patient], g.Position)
		for j, name := range names {
			if want := ref.num(t, i, name); !sameNum(v[j], want, 0) {
				t.Errorf("%s: %s = %v, want %v", g.IDSG(), name, v[j], want)
			}
		}
	}
}

var expectRE = regexp.MustCompile(`df_test\[(\d+), [^\]]*\], use.names = FALSE\), c\(([\d, ]+)\)\)`)

// TestIntervalsPackageTests: identify_sg / identify_sl flags of the
// package's test-identify_sg.R and test-identify_sl.R.
func TestIntervalsPackageTests(t *testing.T) {
	cols := []string{"x_2n", "x_1n", "x_n", "x_n1", "x_n2", "x_n3"}
	flag := func(s string) Flag {
		switch strings.TrimSpace(s) {
		case "NA":
			return NA
		case "1":
			return Yes
		}
		return No
	}
	// Full expected table for df1 (gains).
	tr := readTribbles(t, "suddengains_test-identify_sg.R")
	d, err := NewDetector(DefaultCriteria(Gains, 7))
	if err != nil {
		t.Fatal(err)
	}
	df1 := seriesOf(t, tr[0], "id", cols, "x_2n", "x_n3")
	for i, s := range df1 {
		ivs := d.Intervals(s.Values, nil)
		for j, name := range []string{"sg_2to3", "sg_3to4", "sg_4to5"} {
			if want := flag(tr[2].rows[i][tr[2].col(name)]); ivs[j].Met != want {
				t.Errorf("df1 id %s %s: %d, want %d", s.ID, name, ivs[j].Met, want)
			}
		}
	}
	// df2 expectations (gains and losses) are written as expect_equal lines.
	for _, tc := range []struct {
		file   string
		dir    Direction
		cutoff float64
	}{{"suddengains_test-identify_sg.R", Gains, 7}, {"suddengains_test-identify_sl.R", Losses, -7}} {
		tr := readTribbles(t, tc.file)
		d, err := NewDetector(DefaultCriteria(tc.dir, tc.cutoff))
		if err != nil {
			t.Fatal(err)
		}
		df2 := seriesOf(t, tr[1], "id", cols, "x_2n", "x_n3")
		src := readFile(t, tc.file)
		ms := expectRE.FindAllStringSubmatch(src, -1)
		if len(ms) != len(df2) {
			t.Fatalf("%s: %d expectations for %d rows", tc.file, len(ms), len(df2))
		}
		for _, m := range ms {
			row, _ := strconv.Atoi(m[1])
			ivs := d.Intervals(df2[row-1].Values, nil)
			for j, w := range strings.Split(m[2], ",") {
				if want := flag(w); ivs[j].Met != want {
					t.Errorf("%s row %d interval %d: %d, want %d", tc.file, row, j, ivs[j].Met, want)
				}
			}
		}
	}
}

// TestSelectCases: test-select_cases.R (pattern and min_sess = 5).
func TestSelectCases(t *testing.T) {
	tr := readTribbles(t, "suddengains_test-select_cases.R")
	series := seriesOf(t, tr[0], "id", varList("bdi_s", 1, 6), "bdi_s1", "bdi_s6")
	for k, min := range []int{0, 5} {
		got, err := SelectCases(series, min)
		if err != nil {
			t.Fatal(err)
		}
		ref := tr[k+1]
		for i := range series {
			if want := ref.str(t, i, "sg_select") == "TRUE"; got[i] != want {
				t.Errorf("min %d id %s: %v, want %v", min, series[i].ID, got[i], want)
			}
		}
	}
	if _, err := SelectCases(series, 7); err == nil {
		t.Error("min_sess 7 > 6 sessions: no error")
	}
}

// TestCountIntervals: the vignette's count_intervals on the pattern-selected
// sgdata (429, 351, 298, 53), and test-count_intervals.R (6 available, 4
// not; its variable list names bdi_s7 twice, which dplyr::select collapses,
// so the package's totals there count a column that is not analysed and
// are not compared).
func TestCountIntervals(t *testing.T) {
	_, series := sgdata(t)
	sel, err := SelectCases(series, 0)
	if err != nil {
		t.Fatal(err)
	}
	var kept []Series
	for i, s := range series {
		if sel[i] {
			kept = append(kept, s)
		}
	}
	got := CountIntervals(kept, false)
	want := IntervalCount{Total: 429, TotalSG: 351, Available: 298, NotAvailable: 53}
	if got != want {
		t.Errorf("sgdata: %+v, want %+v", got, want)
	}
	tr := readTribbles(t, "suddengains_test-count_intervals.R")
	cols := []string{"bdi_s0", "bdi_s1", "bdi_s2", "bdi_s3", "bdi_s4", "bdi_s5", "bdi_s7", "bdi_s8"}
	small := seriesOf(t, tr[0], "id", cols, "bdi_s0", "bdi_s8")
	for _, bf := range []bool{true, false} {
		got := CountIntervals(small, bf)
		if got.Available != 6 || got.NotAvailable != 4 {
			t.Errorf("baseline-first %v: %+v, want 6 available, 4 not", bf, got)
		}
	}
}

func round2(x float64) float64 { return math.Round(x*100) / 100 }

// TestDescribe: describe_sg on the vignette's bysg and byperson (first)
// tables; the package prints values rounded to 2 decimals.
func TestDescribe(t *testing.T) {
	_, series := sgdata(t)
	gains, err := ByGain(series, DefaultCriteria(Gains, 7))
	if err != nil {
		t.Fatal(err)
	}
	s := DescribeGains(gains)
	check := func(name string, got, want float64) {
		t.Helper()
		if round2(got) != want {
			t.Errorf("%s = %v (rounded %v), want %v", name, got, round2(got), want)
		}
	}
	check("total_n", float64(s.TotalN), 24)
	check("sg_total_n", float64(s.SGTotalN), 24)
	check("sg_pct", float64(s.SGPct), 100)
	check("sg_multiple_pct", float64(s.SGMultiplePct), 70.83)
	check("sg_reversal_n", float64(s.SGReversalN), 4)
	check("sg_reversal_pct", float64(s.SGReversalPct), 16.67)
	check("sg_magnitude_m", float64(s.SGMagnitudeM), 11)
	check("sg_magnitude_sd", float64(s.SGMagnitudeSD), 3.43)
	persons, err := ByPerson(series, gains, First)
	if err != nil {
		t.Fatal(err)
	}
	p := DescribePersons(persons)
	check("p total_n", float64(p.TotalN), 43)
	check("p sg_total_n", float64(p.SGTotalN), 24)
	check("p sg_n", float64(p.SGN), 15)
	check("p sg_pct", float64(p.SGPct), 34.88)
	check("p sg_multiple_n", float64(p.SGMultipleN), 8)
	check("p sg_multiple_pct", float64(p.SGMultiplePct), 18.6)
	check("p sg_reversal_n", float64(p.SGReversalN), 3)
	check("p sg_reversal_pct", float64(p.SGReversalPct), 20)
	check("p sg_magnitude_m", float64(p.SGMagnitudeM), 11.4)
	check("p sg_magnitude_sd", float64(p.SGMagnitudeSD), 3.98)
}

// TestDefineCrit1Cutoff: test-define_crit1_cutoff.R (values printed to 7
// digits there), with sd(sgdata$bdi_s0) = 6.396073490631653 from R 4.2.2.
func TestDefineCrit1Cutoff(t *testing.T) {
	data, _ := sgdata(t)
	var s0 []float64
	for i := range data.rows {
		s0 = append(s0, data.num(t, i, "bdi_s0"))
	}
	sd := SampleSD(s0)
	if !sameNum(sd, 6.396073490631653, 1e-14) {
		t.Errorf("sd(bdi_s0) = %.16g", sd)
	}
	for _, tc := range []struct {
		sd, rel, sem, sdiff, rc float64
	}{
		{sd, 0.931, 1.680111, 2.376036, 4.65703},
		{10.5, 0.961, 2.073584, 2.93249, 5.747681},
	} {
		c, err := DefineCrit1Cutoff(tc.sd, tc.rel)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range [][2]float64{{c.SEM, tc.sem}, {c.SDiff, tc.sdiff}, {c.ReliableChange, tc.rc}} {
			if math.Abs(v[0]-v[1]) > 5e-6 {
				t.Errorf("sd %v rel %v: %v, want %v", tc.sd, tc.rel, v[0], v[1])
			}
		}
	}
	if _, err := DefineCrit1Cutoff(10, 2); err == nil {
		t.Error("reliability 2: no error")
	}
}

// TestCriticalT: qt values from R 4.2.2 (options(digits = 17)).
func TestCriticalT(t *testing.T) {
	for _, tc := range []struct {
		alpha float64
		df    int
		want  float64
	}{
		{0.05, 4, 2.7764451051977934},
		{0.05, 3, 3.1824463052837078},
		{0.05, 2, 4.3026527297494619},
		{0.01, 4, 4.6040948713499921},
		{0.01, 2, 9.9248432009182892},
		{0.01, 3, 5.8409093097333544},
	} {
		if got := CriticalT(tc.alpha, tc.df); !sameNum(got, tc.want, 1e-12) {
			t.Errorf("qt(1-%v/2, %d) = %.17g, want %.17g", tc.alpha, tc.df, got, tc.want)
		}
	}
}

// TestCheckInterval: the four check_interval examples of the vignette.
func TestCheckInterval(t *testing.T) {
	cAll := DefaultCriteria(Gains, 7)
	c01 := cAll
	c01.Alpha = 0.01
	c3 := c01
	c3.NoCutoff, c3.NoPct = true, true
	cLoss := DefaultCriteria(Losses, -7)
	for _, tc := range []struct {
		pre, post                  [3]float64
		c                          Criteria
		c1, c2, c3, met            Flag
		cv                         float64
		npre, npost                int
		mpre, mpost, sdpre, sdpost float64
	}{
		{[3]float64{32, 31, 33}, [3]float64{5, 6, 7}, cAll, Yes, Yes, Yes, Yes, 2.776, 3, 3, 32, 6, 1, 1},
		{[3]float64{32, 31, 33}, [3]float64{5, 6, 7}, c01, Yes, Yes, Yes, Yes, 4.604, 3, 3, 32, 6, 1, 1},
		{[3]float64{nan, 31, 33}, [3]float64{5, nan, 7}, c3, NA, NA, Yes, Yes, 9.925, 2, 2, 32, 6, 1.414, 1.414},
		{[3]float64{5, nan, 7}, [3]float64{16, 12, 14}, cLoss, Yes, Yes, Yes, Yes, 3.182, 2, 3, 6, 14, 1.414, 2},
	} {
		r, err := CheckInterval(tc.pre, tc.post, tc.c)
		if err != nil {
			t.Fatal(err)
		}
		if r.Crit1 != tc.c1 || r.Crit2 != tc.c2 || r.Crit3 != tc.c3 || r.Met != tc.met {
			t.Errorf("%v %v: flags %d %d %d %d, want %d %d %d %d", tc.pre, tc.post, r.Crit1, r.Crit2, r.Crit3, r.Met, tc.c1, tc.c2, tc.c3, tc.met)
		}
		r3 := func(x Float) float64 { return math.Round(float64(x)*1000) / 1000 }
		if r3(r.CriticalValue) != tc.cv || r.NPre != tc.npre || r.NPost != tc.npost ||
			r3(r.MeanPre) != tc.mpre || r3(r.MeanPost) != tc.mpost || r3(r.SDPre) != tc.sdpre || r3(r.SDPost) != tc.sdpost {
			t.Errorf("%v %v: %+v", tc.pre, tc.post, r)
		}
	}
}
