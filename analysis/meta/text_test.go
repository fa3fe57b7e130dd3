package meta

import (
	"strings"
	"testing"
)

// sizeWord bands |r| at Cohen's (1988) .10, .30 and .50 after rounding to
// the printed two decimals.
func TestSizeWord(t *testing.T) {
	for _, c := range []struct {
		r    float64
		want string
	}{
		{0, "very small"},
		{-0.094, "very small"},
		{0.0996, "small-to-medium"}, // printed as .10
		{0.15, "small-to-medium"},
		{0.278, "small-to-medium"},   // Flückiger et al. (2018)
		{-0.2951, "medium-to-large"}, // printed as −.30
		{0.30, "medium-to-large"},
		{0.49, "medium-to-large"},
		{0.50, "large"},
		{-0.8, "large"},
	} {
		if got := sizeWord(c.r); got != c.want {
			t.Errorf("sizeWord(%g) = %q, want %q", c.r, got, c.want)
		}
	}
}

// The alliance–outcome correlation of Flückiger et al. (2018), r = .278
// over 295 effect sizes, written out by hand: named with the convention,
// never "small" alone, k counted as effect sizes.
func TestInterpretationAlliance(t *testing.T) {
	pl, pu := -0.01, 0.52
	r := &Result{K: 295, P: 1, Measure: "ZCOR", Method: REML, Test: TestZ, Level: 0.95,
		Coefficients: []Coef{{Estimate: 0.2855, P: 1e-20}},
		R:            &RBlock{Estimate: 0.278, CILB: 0.256, CIUB: 0.299, PILB: &pl, PIUB: &pu},
		Tau2:         0.02, I2: 64}
	want := "Across 295 effect sizes the average correlation is positive (r = .28), small-to-medium by Cohen's (1988) benchmarks, " +
		"and is statistically significant, with the true mean plausibly between .26 and .30; heterogeneity is substantial (I² = 64.0%), " +
		"so the effect in a new study could lie anywhere from −.01 to .52."
	if got := r.Interpretation(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}

	// Few effect sizes under z tests, and a meta-regression: k is counted
	// as effect sizes throughout.
	r.K = 6
	if got := r.Interpretation(); !strings.Contains(got, "With fewer than 10 effect sizes, z-based intervals") {
		t.Errorf("k = 6: %s", got)
	}
	qe := 0.2
	mr := &Result{K: 12, P: 2, Measure: "ZCOR", Method: REML, Test: TestZ, Level: 0.95, QMP: 0.3, QEP: &qe, I2: 10}
	want = "Across 12 effect sizes the moderators do not explain a statistically significant part of the differences between effect sizes (p = .300); " +
		"the remaining heterogeneity is low (I² = 10.0%)."
	if got := mr.Interpretation(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	for _, got := range []string{r.Interpretation(), mr.Interpretation()} {
		if strings.Contains(got, "studies") || strings.Contains(got, " small ") {
			t.Errorf("wording: %s", got)
		}
	}
}
