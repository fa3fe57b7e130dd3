package meta_test

import (
	"fmt"

	"github.com/alliance-research/alliance/analysis/meta"
)

// bcgFit is the REML meta-regression of dat.bcg's log risk ratios on
// absolute latitude and treatment allocation (metadat; escalc(measure =
// "RR")), as rma(yi, vi, mods = ~ ablat + alloc, data = dat).
func bcgFit() (*meta.Result, error) {
	yi := []float64{-0.88931133392020545, -1.5853886572014306, -1.3480731482996933, -1.4415511900213054, -0.21754732221129558, -0.78611558581886398, -1.6208982235983918, 0.011952333523840508, -0.4694176487381494, -1.3713448034727844, -0.33935882833839059, 0.44591340057137874, -0.017313948216879815}
	vi := []float64{0.32558476500396133, 0.19458112139814385, 0.41536796536796539, 0.020010031902247573, 0.051210172169630863, 0.0069056184559087574, 0.22301724757231517, 0.0039615792978177295, 0.056434210463248966, 0.07302479361302891, 0.01241221397155972, 0.53250584520015276, 0.071404659683986293}
	ablat := []float64{44, 55, 42, 52, 13, 44, 19, 13, 27, 42, 18, 33, 33}
	alloc := []string{"random", "random", "random", "random", "alternate", "alternate", "random", "random", "random", "systematic", "systematic", "systematic", "systematic"}
	return meta.Fit(yi, vi, meta.Options{Mods: []meta.Moderator{{Name: "ablat", Numeric: ablat}, {Name: "alloc", Text: alloc}}})
}

// The covariance matrix of the coefficients, as metafor 3.8-1's
// round(diag(vcov(res)), 6) on dat.bcg with control = list(threshold =
// 1e-10) (metafor's default stopping rule, 1e-5, gives 0.164022, 0.000085,
// 0.122801, 0.144029: the τ² optimum is reached less closely).
func ExampleResult_VcovMatrix() {
	res, err := bcgFit()
	if err != nil {
		fmt.Println(err)
		return
	}
	v := res.VcovMatrix()
	for i, n := range v.Names {
		fmt.Printf("%-16s %.6f\n", n, v.Matrix[i][i])
	}
	// Output:
	// intrcpt          0.164021
	// ablat            0.000085
	// allocrandom      0.122800
	// allocsystematic  0.144028
}

// The test of the allocation factor (two coefficients), as metafor 3.8-1's
// anova(res, btt = 3:4) on dat.bcg: QM(df = 2) = 1.2850, p = 0.5260.
func ExampleResult_TestTerms() {
	res, err := bcgFit()
	if err != nil {
		fmt.Println(err)
		return
	}
	tt, err := res.TestTerms([]string{"alloc"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%v: QM(df = %d) = %.4f, p = %.4f\n", tt.Coefs, tt.DF, tt.QM, tt.P)
	// Output:
	// [allocrandom allocsystematic]: QM(df = 2) = 1.2850, p = 0.5260
}
