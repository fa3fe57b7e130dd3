package panel_test

import (
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"strconv"

	"github.com/alliance-research/alliance/analysis/panel"
)

// A stationary RI-CLPM (Hamaker, Kuiper & Grasman 2015) by FIML on a
// simulated panel of 5 waves with 12% missing waves (testdata/panel_sim.csv:
// x1..x5 then y1..y5 per person). lavaan 0.6-14's lavaan(model, missing =
// "ML", meanstructure = TRUE, int.ov.free = TRUE) on the same rows gives
// logLik −4943.0864, χ²(33) = 34.128 and the four lagged paths 0.2900
// (SE 0.0477), 0.1031 (0.0396), 0.3929 (0.0471) and −0.2565 (0.0413)
// (testdata/golden/panel_lavaan.json).
func ExampleFit() {
	f, err := os.Open("testdata/panel_sim.csv")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		fmt.Println(err)
		return
	}
	var rows [][]float64
	for _, r := range recs[1:] {
		row := make([]float64, len(r))
		for j, c := range r {
			row[j] = math.NaN()
			if v, perr := strconv.ParseFloat(c, 64); perr == nil {
				row[j] = v
			}
		}
		rows = append(rows, row)
	}
	res, err := panel.Fit(rows, panel.Spec{Kind: panel.RICLPM, Waves: 5, Stationary: true}, panel.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("logLik %.4f, chisq(%d) = %.3f\n", res.Fit.LogLik, res.Fit.DF, res.Fit.Chisq)
	for _, l := range res.Lagged {
		fmt.Printf("%s -> %s: %.4f (SE %.4f)\n", l.From, l.To, l.Estimate, l.SE)
	}
	// Output:
	// logLik -4943.0864, chisq(33) = 34.128
	// x -> x: 0.2900 (SE 0.0477)
	// y -> x: 0.1031 (SE 0.0396)
	// y -> y: 0.3929 (SE 0.0471)
	// x -> y: -0.2565 (SE 0.0413)
}
