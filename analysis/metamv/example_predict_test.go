package metamv_test

import (
	"fmt"

	"github.com/alliance-research/alliance/analysis/meta"
	"github.com/alliance-research/alliance/analysis/metamv"
)

// konstantopoulosYear is the three-level model of dat.konstantopoulos2011
// (metadat: 56 standardized mean differences of schools within 11
// districts) with the study year as moderator, as metafor 3.8-1's
// rma.mv(yi, vi, mods = ~ year, random = ~ 1 | district/school, data = dat,
// control = list(rel.tol = 1e-10)).
func konstantopoulosYear() (*metamv.Result, error) {
	yi := []float64{-0.18, -0.22, 0.23, -0.3, 0.13, -0.26, 0.19, 0.32, 0.45, 0.38, 0.29, 0.16, 0.65, 0.36, 0.6, 0.08, 0.04, 0.19, -0.06, -0.18, 0, 0, -0.28, -0.04, -0.3, 0.07, 0, 0.05, -0.08, -0.09, 0.3, 0.98, 1.19, -0.07, -0.05, -0.01, 0.02, -0.03, 0, 0.01, -0.1, 0.5, 0.66, 0.2, 0, 0.05, 0.07, -0.52, 0.7, -0.03, 0.27, -0.34, 0.12, 0.61, 0.04, -0.05}
	vi := []float64{0.118, 0.118, 0.144, 0.144, 0.014, 0.014, 0.015, 0.024, 0.023, 0.043, 0.012, 0.02, 0.004, 0.004, 0.007, 0.019, 0.007, 0.005, 0.004, 0.02, 0.018, 0.019, 0.022, 0.02, 0.021, 0.006, 0.007, 0.007, 0.007, 0.007, 0.015, 0.011, 0.01, 0.001, 0.001, 0.001, 0.001, 0.001, 0.001, 0.001, 0.001, 0.01, 0.011, 0.01, 0.009, 0.013, 0.013, 0.031, 0.031, 0.03, 0.03, 0.03, 0.087, 0.082, 0.067, 0.067}
	year := []float64{1976, 1976, 1976, 1976, 1989, 1989, 1989, 1989, 1994, 1994, 1994, 1976, 1976, 1976, 1976, 1997, 1997, 1997, 1997, 1976, 1976, 1976, 1976, 1976, 1976, 1976, 1976, 1976, 1976, 1976, 1997, 1997, 1997, 1997, 1997, 1997, 1997, 1997, 1997, 1997, 1997, 2000, 2000, 2000, 2000, 2000, 2000, 2000, 2000, 2000, 2000, 2000, 1995, 1995, 1994, 1994}
	district := []string{"11", "11", "11", "11", "12", "12", "12", "12", "18", "18", "18", "27", "27", "27", "27", "56", "56", "56", "56", "58", "58", "58", "58", "58", "58", "58", "58", "58", "58", "58", "71", "71", "71", "86", "86", "86", "86", "86", "86", "86", "86", "91", "91", "91", "91", "91", "91", "108", "108", "108", "108", "108", "644", "644", "644", "644"}
	school := []string{"1", "2", "3", "4", "1", "2", "3", "4", "1", "2", "3", "1", "2", "3", "4", "1", "2", "3", "4", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "1", "2", "3", "1", "2", "3", "4", "5", "6", "7", "8", "1", "2", "3", "4", "5", "6", "1", "2", "3", "4", "5", "1", "2", "3", "4"}
	return metamv.Fit(yi, vi, district, school, metamv.Options{Mods: []meta.Moderator{{Name: "year", Numeric: year}}, NoProfile: true})
}

// As predict(res, newmods = 1990): pred 0.1807 [0.0069, 0.3545].
func ExampleResult_Predict() {
	res, err := konstantopoulosYear()
	if err != nil {
		fmt.Println(err)
		return
	}
	p, err := res.Predict([]map[string]string{{"year": "1990"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("pred %.4f [%.4f, %.4f]\n", p[0].Pred, p[0].CILB, p[0].CIUB)
	// Output:
	// pred 0.1807 [0.0069, 0.3545]
}

// As signif(diag(vcov(res)), 6): intrcpt 352.870, year 8.90342e-05 (the
// intercept variance agrees to 1.4e-7 relative, where nlminb stopped).
func ExampleResult_VcovMatrix() {
	res, err := konstantopoulosYear()
	if err != nil {
		fmt.Println(err)
		return
	}
	v := res.VcovMatrix()
	for i, n := range v.Names {
		fmt.Printf("%s %.6g\n", n, v.Matrix[i][i])
	}
	// Output:
	// intrcpt 352.87
	// year 8.90342e-05
}

// As anova(res, btt = 2): QM(df = 1) = 0.3169, p = 0.5735.
func ExampleResult_TestTerms() {
	res, err := konstantopoulosYear()
	if err != nil {
		fmt.Println(err)
		return
	}
	tt, err := res.TestTerms([]string{"year"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%v: QM(df = %d) = %.4f, p = %.4f\n", tt.Coefs, tt.DF, tt.QM, tt.P)
	// Output:
	// [year]: QM(df = 1) = 0.3169, p = 0.5735
}
