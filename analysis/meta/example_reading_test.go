package meta_test

import (
	"fmt"

	"github.com/alliance-research/alliance/analysis/meta"
)

// The Reading sentences below word the numbers of the estimator Examples
// (ExampleRegTest, ExampleRankTest, ExampleTrimFill, ExampleFailSafeN,
// ExampleSelModel, ExamplePETPEESE, ExampleInfluence), which equal metafor
// 3.8-1's for dat.molloy2014; the sentence must carry those same numbers.

func ExampleBiasResult_Reading() {
	b, err := meta.Bias(molloy(), meta.BiasOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(b.Reading())
	// Output:
	// The regression test finds no clear funnel-plot asymmetry (z = 1.02, p = .307); the test has little power, so this does not rule out small-study effects; the effect expected in a perfectly precise study is 0.079, 95% CI [−0.069, 0.227]. Effect sizes are not clearly correlated with their variances (Kendall's τ = 0.159, normal approximation p = .392); the rank test has low power, so this does not rule out small-study effects. Trim and fill (L0) estimates 2 missing studies on the left side; with them filled in, the estimate moves from 0.150 to 0.129, 95% CI [0.063, 0.194] — a sensitivity check, not a corrected effect. It would take 316 unpublished null studies to make the combined result non-significant (Rosenthal; Rosenberg: 210), and 16 to halve the mean effect to 0.063 (Orwin; the target is arbitrary).
}

func ExampleRegTestResult_Reading() {
	t, err := meta.RegTest(molloy(), meta.RegTestOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(t.Reading())
	// Output:
	// The regression test finds no clear funnel-plot asymmetry (z = 1.02, p = .307); the test has little power, so this does not rule out small-study effects; the effect expected in a perfectly precise study is 0.079, 95% CI [−0.069, 0.227].
}

func ExampleRankTestResult_Reading() {
	t, err := meta.RankTest(molloy())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(t.Reading())
	// Output:
	// Effect sizes are not clearly correlated with their variances (Kendall's τ = 0.159, normal approximation p = .392); the rank test has low power, so this does not rule out small-study effects.
}

func ExampleTrimFillResult_Reading() {
	tf, err := meta.TrimFill(molloy(), meta.TrimFillOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(tf.Reading())
	// Output:
	// Trim and fill (L0) estimates 2 missing studies on the left side; with them filled in, the estimate moves from 0.150 to 0.129, 95% CI [0.063, 0.194] — a sensitivity check, not a corrected effect.
}

func ExampleFSNResult_Reading() {
	_, yi, vi := studies("molloy2014", nil, nil)
	f, err := meta.FailSafeN(yi, vi, meta.FSNOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(f.Reading())
	// Output:
	// It would take 316 unpublished null studies to make the combined result non-significant (Rosenthal; Rosenberg: 210), and 16 to halve the mean effect to 0.063 (Orwin; the target is arbitrary).
}

func ExampleSelModelResult_Reading() {
	_, yi, vi := studies("molloy2014", nil, nil)
	res, err := meta.Fit(yi, vi, meta.Options{Method: "ML", Measure: "ZCOR"})
	if err != nil {
		fmt.Println(err)
		return
	}
	s, err := meta.SelModel(res, meta.SelModelOptions{Step: 0.025})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(s.Reading())
	// Output:
	// Allowing non-significant studies (p > .025) to be published at 0.24 times the rate of significant ones, the adjusted estimate is 0.092, 95% CI [0.004, 0.179]; the likelihood-ratio test gives no significant evidence of selection (χ²(1) = 2.99, p = .084).
}

func ExamplePETPEESEResult_Reading() {
	p, err := meta.PETPEESE(molloy(), meta.PETPEESEOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(p.Reading())
	// Output:
	// The PET-PEESE estimate is 0.058, 95% CI [−0.063, 0.179] (PET's intercept does not differ from zero, so PET is used at α = 0.05).
}

func ExampleInfluenceResult_Reading() {
	inf, err := meta.Influence(molloy())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(inf.Reading())
	// Output:
	// None of the 16 studies is influential by metafor's criteria (DFFITS, Cook's distance, leverage, DFBETAS).
}

// On Fisher's z scale (correlations pooled as ZCOR) the sentence gives each
// estimate with its r, as the tables beside it do.
func ExampleTrimFillResult_ReadingIn() {
	tf, err := meta.TrimFill(molloy(), meta.TrimFillOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(tf.ReadingIn(meta.FisherZ))
	// Output:
	// Trim and fill (L0) estimates 2 missing studies on the left side; with them filled in, the estimate moves from Fisher z = 0.150 (r = .149) to Fisher z = 0.129 (r = .128), 95% CI [0.063, 0.194] (r [.063, .192]) — a sensitivity check, not a corrected effect.
}
