package metamv_test

import (
	"fmt"

	"github.com/alliance-research/alliance/analysis/metamv"
)

// The multilevel Egger test and PET-PEESE on the demo-studies table (83
// Fisher z values in 60 studies). As metafor 3.8-1 and clubSandwich 0.5.8:
//
//	m <- rma.mv(yi, vi, mods = ~ sqrt(vi), random = ~ 1 | study/es, data = dat)
//	coef_test(m, vcov = "CR2", cluster = dat$study)   # sqrt(vi): -0.434, t = -1.04, df 23.4, p = .311
//	conf_int(m, vcov = "CR2", cluster = dat$study)    # intrcpt 0.330 [0.221, 0.439]
//
// and with mods = ~ vi the PEESE intercept 0.305 [0.244, 0.366].
func ExampleBias() {
	yi, vi, _, study := demoStudies()
	b, err := metamv.Bias(yi, vi, study, esIDs(len(yi)), metamv.Options{}, metamv.BiasOptions{PETPEESE: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	e := b.Egger
	fmt.Printf("Egger (%s, %s): slope %.3f, t = %.2f, df = %.1f, p = %.3f\n", e.Model, e.Predictor, e.Slope, e.Statistic, *e.DF, e.P)
	fmt.Printf("limit estimate %.3f [%.3f, %.3f]\n", *e.Estimate, *e.CILB, *e.CIUB)
	p := b.PETPEESE
	fmt.Printf("PET-PEESE uses %s: %.3f [%.3f, %.3f]\n", p.Use, p.Estimate, p.CILB, p.CIUB)
	// Output:
	// Egger (rma.mv, sei): slope -0.434, t = -1.04, df = 23.4, p = 0.311
	// limit estimate 0.330 [0.221, 0.439]
	// PET-PEESE uses PEESE: 0.305 [0.244, 0.366]
}
