package meta_test

import (
	"fmt"
	"math"

	"github.com/alliance-research/alliance/analysis/meta"
)

// Seven studies with a rater factor (reference level "observer") and a
// numeric moderator x. The printed values were checked against metafor
// 3.8-1:
//
//	yi <- c(0.29,0.18,0.35,0.22,0.31,0.40,0.12)
//	vi <- c(0.010,0.020,0.012,0.030,0.015,0.018,0.025)
//	rater <- c("patient","therapist","patient","observer","observer","patient","therapist")
//	x <- 1:7
//	res <- rma(yi, vi, mods = ~ rater + x, method = "FE")
var (
	exYi    = []float64{0.29, 0.18, 0.35, 0.22, 0.31, 0.40, 0.12}
	exVi    = []float64{0.010, 0.020, 0.012, 0.030, 0.015, 0.018, 0.025}
	exMods  = []meta.Moderator{{Name: "rater", Text: []string{"patient", "therapist", "patient", "observer", "observer", "patient", "therapist"}}, {Name: "x", Numeric: []float64{1, 2, 3, 4, 5, 6, 7}}}
	exNewAt = []map[string]string{{"rater": "therapist", "x": "3.5"}, {"rater": "observer", "x": "2"}}
)

// CodeRow codes moderator values as the model matrix does: the therapist
// level sets its column, the reference level "observer" sets none (R:
// colnames(model.matrix(res)) and newmods = rbind(c(0,1,3.5), c(0,0,2))).
func ExampleDesign_CodeRow() {
	d, err := meta.BuildDesign(exYi, exVi, exMods)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(d.Names)
	for _, at := range exNewAt {
		row, err := d.CodeRow(at)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(row)
	}
	// Output:
	// [intrcpt raterpatient ratertherapist x]
	// [1 0 1 3.5]
	// [1 0 0 2]
}

// PredictRows turns coded rows, coefficients and their covariance into
// predictions; R: predict(res, newmods = rbind(c(0,1,3.5), c(0,0,2)))
// gives pred 0.1459, 0.2525, se 0.1071, 0.1218, ci.lb -0.0640, 0.0138,
// ci.ub 0.3557, 0.4911.
func ExamplePredictRows() {
	res, err := meta.Fit(exYi, exVi, meta.Options{Method: meta.FE, Mods: exMods})
	if err != nil {
		fmt.Println(err)
		return
	}
	d, err := meta.BuildDesign(exYi, exVi, exMods)
	if err != nil {
		fmt.Println(err)
		return
	}
	b := make([]float64, len(res.Coefficients))
	for i, c := range res.Coefficients {
		b[i] = c.Estimate
	}
	rows := make([][]float64, len(exNewAt))
	for i, at := range exNewAt {
		if rows[i], err = d.CodeRow(at); err != nil {
			fmt.Println(err)
			return
		}
	}
	for _, p := range meta.PredictRows(rows, exNewAt, b, res.Vcov, 0, false, math.Inf(1), 0.95, false) {
		fmt.Printf("pred %.4f se %.4f [%.4f, %.4f]\n", p.Pred, p.SE, p.CILB, p.CIUB)
	}
	// Output:
	// pred 0.1459 se 0.1071 [-0.0640, 0.3557]
	// pred 0.2525 se 0.1218 [0.0138, 0.4911]
}

// TestColumns tests all columns of the rater factor: R anova(res, btt = 2:3)
// gives QM 2.3520, p 0.3085 (χ²₂); with test = "t" it gives F 1.1760 on 2
// and 3 df, p 0.4197.
func ExampleTestColumns() {
	res, err := meta.Fit(exYi, exVi, meta.Options{Method: meta.FE, Mods: exMods})
	if err != nil {
		fmt.Println(err)
		return
	}
	d, err := meta.BuildDesign(exYi, exVi, exMods)
	if err != nil {
		fmt.Println(err)
		return
	}
	b := make([]float64, len(res.Coefficients))
	for i, c := range res.Coefficients {
		b[i] = c.Estimate
	}
	for _, df := range []float64{math.Inf(1), float64(d.K - d.P)} {
		t, err := meta.TestColumns(d.Mods, d.Names, []string{"rater"}, b, res.Vcov, df)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%v QM %.4f df %d p %.4f\n", t.Coefs, t.QM, t.DF, t.P)
	}
	// Output:
	// [raterpatient ratertherapist] QM 2.3520 df 2 p 0.3085
	// [raterpatient ratertherapist] QM 1.1760 df 2 p 0.4197
}
