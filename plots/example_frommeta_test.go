package plots_test

import (
	"fmt"

	"github.com/alliance-research/alliance/analysis/meta"
	"github.com/alliance-research/alliance/plots"
)

// R: forest(rma(yi, vi, data = escalc("ZCOR", ri, ni, data = dat.molloy2014))).
// One row per study (k = 16), percent weights summing to 100, and the
// summary row at metafor's REML estimate 0.1499 [0.0881, 0.2118] with the
// prediction interval [-0.0371, 0.3369] (testdata/golden/meta_molloy.json,
// "REML z").
func ExampleForestFromMeta() {
	yi, vi := molloyZ()
	res, err := meta.Fit(yi, vi, meta.Options{Measure: "ZCOR"})
	if err != nil {
		fmt.Println(err)
		return
	}
	rows, sum, err := plots.ForestFromMeta(res, nil, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	w := 0.0
	for _, r := range rows {
		w += r.Weight
	}
	fmt.Printf("rows %d, weights sum %.1f\n", len(rows), w)
	fmt.Printf("summary %.4f [%.4f, %.4f], PI [%.4f, %.4f]\n", sum.Estimate, sum.Lower, sum.Upper, sum.PILower, sum.PIUpper)
	// Output:
	// rows 16, weights sum 100.0
	// summary 0.1499 [0.0881, 0.2118], PI [-0.0371, 0.3369]
}

// R: baujat(rma(yi, vi, data = dat.molloy2014)) drawn from meta.Influence:
// one labelled point per study.
func ExampleBaujatFromInfluence() {
	yi, vi := molloyZ()
	res, err := meta.Fit(yi, vi, meta.Options{Measure: "ZCOR"})
	if err != nil {
		fmt.Println(err)
		return
	}
	inf, err := meta.Influence(res)
	if err != nil {
		fmt.Println(err)
		return
	}
	fig, err := plots.BaujatFromInfluence(inf)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("points:", len(inf.Baujat))
	axes(fig)
	encodes(fig)
	// Output:
	// points: 16
	// x "Contribution to overall heterogeneity" [0.000, 3.000]; y "Influence on overall result" [0.000, 0.300]
	// svg: true
}

// R: plot(influence(rma(yi, vi, data = dat.molloy2014))) — metafor's eight
// panels (rstudent, DFFITS, Cook's D, COVRATIO, τ² and Q_E left out, hat,
// weight), here in two columns.
func ExampleInfluenceFromMeta() {
	yi, vi := molloyZ()
	res, err := meta.Fit(yi, vi, meta.Options{Measure: "ZCOR"})
	if err != nil {
		fmt.Println(err)
		return
	}
	inf, err := meta.Influence(res)
	if err != nil {
		fmt.Println(err)
		return
	}
	fig, err := plots.InfluenceFromMeta(inf)
	if err != nil {
		fmt.Println(err)
		return
	}
	n := 0
	for _, row := range fig.Panels {
		n += len(row)
	}
	fmt.Printf("panel rows %d, panels %d\n", len(fig.Panels), n)
	encodes(fig)
	// Output:
	// panel rows 4, panels 8
	// svg: true
}

// R: radial(rma(yi, vi, data = dat.molloy2014)).
func ExampleRadialFromMeta() {
	yi, vi := molloyZ()
	res, err := meta.Fit(yi, vi, meta.Options{Measure: "ZCOR"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fig, err := plots.RadialFromMeta(res)
	if err != nil {
		fmt.Println(err)
		return
	}
	axes(fig)
	encodes(fig)
	// Output:
	// x "Precision (1/SE)" [0.000, 12.500]; y "Standardised effect (y/SE)" [-2.000, 4.000]
	// svg: true
}
