package datasets

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/alliance-research/alliance/analysis/errs"
	"github.com/go-gota/gota/dataframe"
	"github.com/go-gota/gota/series"
)

// EffectSizes on the embedded Molloy et al. (2014) table equal metafor's
// escalc(measure, ri = ri, ni = ni, data = dat.molloy2014, vtype) as pinned
// in testdata/golden/effectsize_molloy.json.
func TestEffectSizesMolloy(t *testing.T) {
	raw, err := os.ReadFile("../testdata/golden/effectsize_molloy.json")
	if err != nil {
		t.Fatal(err)
	}
	var gold map[string]json.RawMessage
	if err = json.Unmarshal(raw, &gold); err != nil {
		t.Fatal(err)
	}
	st, err := EmbeddedStudies("molloy2014", StudyOptions{FisherZ: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		key     string
		opt     EffectOptions
		measure string
		vtype   string
	}{
		{"ZCOR", EffectOptions{}, "ZCOR", ""},
		{"COR_LS", EffectOptions{Measure: "cor"}, "COR", "LS"},
		{"COR_AV", EffectOptions{Measure: "COR", VType: "AV"}, "COR", "AV"},
		{"UCOR_UB", EffectOptions{Measure: "UCOR", VType: "UB"}, "UCOR", "UB"},
	} {
		var want struct{ Yi, Vi []float64 }
		if err := json.Unmarshal(gold[c.key], &want); err != nil {
			t.Fatal(c.key, err)
		}
		e, err := st.EffectSizes(c.opt)
		if err != nil {
			t.Fatalf("%s: %v", c.key, err)
		}
		if e.Measure != c.measure || e.VType != c.vtype || strings.Join(e.Roles, ",") != "r,n" || strings.Join(e.Columns, ",") != "ri,ni" {
			t.Errorf("%s: measure %q vtype %q roles %v columns %v", c.key, e.Measure, e.VType, e.Roles, e.Columns)
		}
		if len(e.Yi) != len(want.Yi) || len(e.Vi) != len(want.Vi) {
			t.Fatalf("%s: %d effects, want %d", c.key, len(e.Yi), len(want.Yi))
		}
		for i := range want.Yi {
			if !close(e.Yi[i], want.Yi[i], 1e-12) || !close(e.Vi[i], want.Vi[i], 1e-12) {
				t.Errorf("%s row %d: yi %v vi %v, want %v %v", c.key, i, e.Yi[i], e.Vi[i], want.Yi[i], want.Vi[i])
			}
		}
	}
}

func close(a, b, tol float64) bool { return math.Abs(a-b) <= tol*math.Max(1, math.Abs(b)) }

// Precomputed effect sizes: vi as given, sei² where vi is missing, sei²
// first when only sei was named; the source follows what the table has
// and what was named; naming the sample-size column keeps the yi/vi
// defaults (issue 14: meta FILE --n ni --predictor sqrtninv on yi/vi data).
func TestEffectSizesSources(t *testing.T) {
	sq := func(x float64) float64 { return x * x }
	tab := mustRead(t, "es.csv", "study,yi,vi,sei,ni\nA,0.5,0.04,0.3,40\nB,0.2,NA,0.1,90\nC,0.1,0.02,,60\n", ReadOptions{})
	for _, c := range []struct {
		name    string
		cols    StudyColumns
		vi      []float64
		roles   string
		columns string
	}{
		{"defaults", StudyColumns{}, []float64{0.04, sq(0.1), 0.02}, "yi,vi,sei", "yi,vi,sei"},
		{"n named", StudyColumns{N: "ni"}, []float64{0.04, sq(0.1), 0.02}, "yi,vi,sei", "yi,vi,sei"},
		{"sei named", StudyColumns{Yi: "yi", Sei: "sei"}, []float64{sq(0.3), sq(0.1)}, "yi,sei", "yi,sei"},
	} {
		tb := tab
		if c.name == "sei named" {
			// Only rows with a standard error: the named sei column is required.
			tb = mustRead(t, "es.csv", "study,yi,vi,sei,ni\nA,0.5,0.04,0.3,40\nB,0.2,NA,0.1,90\n", ReadOptions{})
		}
		st, err := tb.Studies(c.cols, StudyOptions{})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		e, err := st.EffectSizes(EffectOptions{})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if e.Measure != "GEN" || strings.Join(e.Roles, ",") != c.roles || strings.Join(e.Columns, ",") != c.columns {
			t.Errorf("%s: measure %q roles %v columns %v", c.name, e.Measure, e.Roles, e.Columns)
		}
		for i, v := range c.vi {
			if e.Vi[i] != v || e.Yi[i] != st.Yi[i] {
				t.Errorf("%s row %d: yi %v vi %v, want vi %v", c.name, i, e.Yi[i], e.Vi[i], v)
			}
		}
		if c.name == "n named" && (st.N == nil || st.N[1] != 90) {
			t.Errorf("n named: sample sizes %v", st.N)
		}
	}

	// Both families present, nothing named: r and n (Fisher z); yi named:
	// the precomputed ones; From overrides.
	both := "study,ri,ni,yi,vi\nA,0.3,50,0.9,0.5\nB,0.1,30,0.8,0.4\n"
	st, err := mustRead(t, "both.csv", both, ReadOptions{}).Studies(StudyColumns{}, StudyOptions{FisherZ: true})
	if err != nil {
		t.Fatal(err)
	}
	e, err := st.EffectSizes(EffectOptions{})
	if err != nil || e.Measure != "ZCOR" || e.Yi[0] != math.Atanh(0.3) || e.Vi[1] != 1.0/27 {
		t.Errorf("both, auto: %v %+v", err, e)
	}
	if e, err = st.EffectSizes(EffectOptions{From: EffectsFromYi, Measure: "SMD"}); err != nil || e.Measure != "SMD" || e.Yi[0] != 0.9 || e.Vi[1] != 0.4 {
		t.Errorf("both, from yi: %v %+v", err, e)
	}
	st, err = mustRead(t, "both.csv", both, ReadOptions{}).Studies(StudyColumns{R: "ri", Yi: "yi"}, StudyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if e, err = st.EffectSizes(EffectOptions{}); err != nil || e.Measure != "GEN" || e.Yi[1] != 0.8 {
		t.Errorf("both named: %v %+v", err, e)
	}

	// r without n but complete yi/vi: the precomputed ones (not an error).
	st, err = mustRead(t, "rno.csv", "study,r,yi,vi\nA,.3,.31,.02\nB,.2,.2,.03\n", ReadOptions{}).Studies(StudyColumns{}, StudyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if e, err = st.EffectSizes(EffectOptions{}); err != nil || e.Yi[0] != 0.31 || e.Vi[1] != 0.03 {
		t.Errorf("r without n: %v %+v", err, e)
	}
}

// The errors of EffectSizes: a value escalc cannot use is located at its
// file line and named by the file's column; a DataFrame's by its row; a
// missing source lists the columns the table has; an unknown measure or
// source is an invalid option.
func TestEffectSizesErrors(t *testing.T) {
	st, err := mustRead(t, "small.csv", "study,ri,ni\nA,.3,50\nB,.2,3\nC,.1,2\n", ReadOptions{}).Studies(StudyColumns{}, StudyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = st.EffectSizes(EffectOptions{})
	want := `small.csv:3: column "ni": "3" is not valid: the variance of Fisher's z, 1/(n-3), needs n > 3`
	var ie *InputError
	if err == nil || err.Error() != want || !errors.As(err, &ie) || ie.Problems[0].Hint != "n" {
		t.Errorf("n = 3 for ZCOR:\n got %v\nwant %s", err, want)
	}
	_, err = st.EffectSizes(EffectOptions{Measure: "COR"})
	if want = `small.csv:3: column "ni": "3" is not valid: the sampling variance of r (as metafor) needs n > 3`; err == nil || err.Error() != want {
		t.Errorf("n = 3 for COR:\n got %v\nwant %s", err, want)
	}

	df := dataframe.New(series.New([]float64{.3, .2}, series.Float, "r"), series.New([]int{50, 3}, series.Int, "n"))
	tab, err := FromDataFrame("frame", df, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if st, err = tab.Studies(StudyColumns{}, StudyOptions{}); err != nil {
		t.Fatal(err)
	}
	_, err = st.EffectSizes(EffectOptions{})
	if want = `frame: n[1] = 3 is not valid: the variance of Fisher's z, 1/(n-3), needs n > 3`; err == nil || err.Error() != want {
		t.Errorf("frame:\n got %v\nwant %s", err, want)
	}

	st, err = mustRead(t, "yi.csv", "study,yi,vi,year\nA,.3,.01,2001\n", ReadOptions{}).Studies(StudyColumns{Mods: []string{"year"}}, StudyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = st.EffectSizes(EffectOptions{From: EffectsFromR})
	want = `yi.csv: effect sizes from correlations need correlations and sample sizes; columns are: study, yi, vi, year (name them in StudyColumns.R and StudyColumns.N)`
	if err == nil || err.Error() != want || !errors.As(err, &ie) || ie.Problems[0].Hint != "effects" {
		t.Errorf("no r:\n got %v\nwant %s", err, want)
	}
	hand := &Studies{Name: "hand", Label: []string{"a"}, N: []float64{40}, Line: []int{2}, Columns: StudyColumns{Label: "study", N: "ni"}}
	_, err = hand.EffectSizes(EffectOptions{})
	if want := `hand: need correlations and sample sizes, or effect sizes with sampling variances or standard errors; columns are: study, ni (name them in StudyColumns.R and StudyColumns.N, or StudyColumns.Yi with StudyColumns.Vi or StudyColumns.Sei)`; err == nil || err.Error() != want {
		t.Errorf("hand-built:\n got %v\nwant %s", err, want)
	}
	hand = &Studies{Name: "hand", Label: []string{"a", "b"}, Yi: []float64{.2, math.NaN()}, Vi: []float64{0, .1}, Line: []int{2, 3}}
	_, err = hand.EffectSizes(EffectOptions{})
	if want := "hand:2: column \"vi\": \"0\" is not a positive finite sampling variance\nhand:3: column \"yi\": \"NaN\" is not a finite effect size"; err == nil || err.Error() != want {
		t.Errorf("hand-built values:\n got %v\nwant %s", err, want)
	}

	st, _ = mustRead(t, "s.csv", "ri,ni\n.3,50\n", ReadOptions{}).Studies(StudyColumns{}, StudyOptions{})
	_, err = st.EffectSizes(EffectOptions{Measure: "SMD"})
	var ee *errs.Error
	if !errors.As(err, &ee) || ee.Kind != errs.InvalidOption || ee.Hint != "Measure" || err.Error() != `effectsize: unknown measure "SMD": use one of ZCOR, COR, UCOR, PCOR, ZPCOR, SPCOR` {
		t.Errorf("unknown measure: %v", err)
	}
	_, err = st.EffectSizes(EffectOptions{From: "z"})
	if !errors.As(err, &ee) || ee.Kind != errs.InvalidOption || ee.Hint != "From" || err.Error() != `datasets: EffectSizes: unknown source "z" of effect sizes: use "" (automatic), "r" or "yi"` {
		t.Errorf("unknown source: %v", err)
	}
}

// Effect sizes of a study table: Fisher's z from r and n, as metafor's
// escalc("ZCOR", ri, ni), ready for a meta-analysis.
func ExampleStudies_EffectSizes() {
	tab, err := Read("studies.csv", strings.NewReader("study,ri,ni\nA,.30,50\nB,.10,103\n"), ReadOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	st, err := tab.Studies(StudyColumns{}, StudyOptions{FisherZ: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	e, err := st.EffectSizes(EffectOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(e.Measure, e.Columns)
	for i := range e.Yi {
		fmt.Printf("%s: yi = %.6f, vi = %.6f\n", st.Label[i], e.Yi[i], e.Vi[i])
	}
	// Output:
	// ZCOR [ri ni]
	// A: yi = 0.309520, vi = 0.021277
	// B: yi = 0.100335, vi = 0.010000
}
