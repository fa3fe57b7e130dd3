package meta_test

import (
	"fmt"

	"github.com/alliance-research/alliance/analysis/meta"
)

// dat.bcg (metadat): log risk ratios of the BCG vaccine trials and the
// absolute latitude of each trial, escalc("RR", ...) rounded to 6 digits.
var (
	bcgYi    = []float64{-0.889311, -1.585389, -1.348073, -1.441551, -0.217547, -0.786116, -1.620898, 0.011952, -0.469418, -1.371345, -0.339359, 0.445913, -0.017314}
	bcgVi    = []float64{0.325585, 0.194581, 0.415368, 0.020010, 0.051210, 0.006906, 0.223017, 0.003962, 0.056434, 0.073025, 0.012412, 0.532506, 0.071405}
	bcgAblat = []float64{44, 55, 42, 52, 13, 44, 19, 13, 27, 42, 18, 33, 33}
)

// Fitted values, BLUPs and residuals of a meta-regression, as metafor's
// fitted(res), blup(res), rstandard(res) and rstudent(res) of
// rma(yi, vi, mods = ~ ablat, data = dat.bcg) (same numbers to 4 digits).
func ExampleStudies() {
	res, err := meta.Fit(bcgYi, bcgVi, meta.Options{Mods: []meta.Moderator{{Name: "ablat", Numeric: bcgAblat}}})
	if err != nil {
		fmt.Println(err)
		return
	}
	rows, err := meta.Studies(res)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range rows[:3] {
		fmt.Printf("%s fitted %.4f blup %.4f (se %.4f) rstandard %.4f rstudent %.4f\n", r.Study, r.Fitted, r.Blup, r.SEBlup, r.RStandard, r.RStudent)
	}
	// Output:
	// 1 fitted -1.0290 blup -1.0025 (se 0.2734) rstandard 0.2260 rstudent 0.2259
	// 2 fitted -1.3491 blup -1.4157 (se 0.2751) rstandard -0.4921 rstudent -0.4819
	// 3 fitted -0.9708 blup -1.0294 (se 0.2772) rstandard -0.5477 rstudent -0.5442
}

// The profile-likelihood CI of τ² beside the Q-profile one, and the
// restricted log-likelihood profiled over τ², as metafor's
// confint(res, type = "PL") and profile(res, xlim = c(0, 0.6), steps = 4)
// of rma(yi, vi, data = dat.bcg): PL [0.115266, 0.964695].
func ExampleProfileCI() {
	res, err := meta.Fit(bcgYi, bcgVi, meta.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	ci, err := meta.ProfileCI(res)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("tau2 %.6f, PL CI [%.6f, %.6f], Q-profile CI [%.6f, %.6f]\n", res.Tau2, ci.LB, ci.UB, res.Tau2CI[0], res.Tau2CI[1])
	pts, err := meta.ProfileLogLik(res, []float64{0, 0.2, 0.4, 0.6})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range pts {
		fmt.Printf("ll(%.1f) = %.6f\n", p.Tau2, p.LogLik)
	}
	// Output:
	// tau2 0.313243, PL CI [0.115266, 0.964695], Q-profile CI [0.119718, 1.111479]
	// ll(0.0) = -71.225564
	// ll(0.2) = -12.569860
	// ll(0.4) = -12.303652
	// ll(0.6) = -12.884163
}

// The likelihood-ratio test of latitude as a moderator, both models
// refitted by ML, as metafor's anova(m1, m0, refit = TRUE):
// LRT = 9.958838, p = 0.001601, R² = 87.733022%.
func ExampleCompare() {
	m0, err := meta.Fit(bcgYi, bcgVi, meta.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	m1, err := meta.Fit(bcgYi, bcgVi, meta.Options{Mods: []meta.Moderator{{Name: "ablat", Numeric: bcgAblat}}})
	if err != nil {
		fmt.Println(err)
		return
	}
	c, err := meta.Compare(m1, m0)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, m := range c.Models {
		fmt.Printf("%-7s df %d AIC %.4f BIC %.4f AICc %.4f logLik %.4f QE %.4f tau2 %.4f\n", m.Model, m.Parms, m.AIC, m.BIC, m.AICc, m.LogLik, m.QE, m.Tau2)
	}
	fmt.Printf("%s refit: LRT(%d) = %.6f, p = %.6f, R2 = %.4f%%\n", c.Method, c.DF, c.LRT, c.P, *c.R2)
	// Output:
	// full    df 3 AIC 21.3713 BIC 23.0662 AICc 24.0380 logLik -7.6857 QE 30.7328 tau2 0.0344
	// reduced df 2 AIC 29.3301 BIC 30.4600 AICc 30.5301 logLik -12.6651 QE 152.2268 tau2 0.2800
	// ML refit: LRT(1) = 9.958838, p = 0.001601, R2 = 87.7330%
}
