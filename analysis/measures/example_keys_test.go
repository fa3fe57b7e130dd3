package measures_test

import (
	"fmt"
	"strings"

	"github.com/alliance-research/alliance/analysis/measures"
)

// The built-in scoring keys.
func ExampleMeasures() {
	fmt.Println(strings.Join(measures.Measures(), ", "))
	// Output:
	// BDI-II, CORE-10, CORE-OM, GAD-7, HAq-II, OQ-45, PHQ-9, SAI, SRS, WAI-S, WAI-SR
}

// The PHQ-9 key as published by Kroenke, Spitzer & Williams (2001): nine
// items scored 0–3, a sum, the cut-off 10 and the severity bands 0–4, 5–9,
// 10–14, 15–19, 20–27.
func ExampleGet() {
	k, err := measures.Get("phq9")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s: %d items %g–%g, %s, cut-off %g (%s)\n", k.Name, k.Items, k.Min, k.Max, k.Rule, k.Cutoff, k.CutoffDirection)
	for _, b := range k.Bands {
		fmt.Printf("  %g–%g %s\n", b.Min, b.Max, b.Label)
	}
	// Output:
	// PHQ-9: 9 items 0–3, sum, cut-off 10 (at_or_above)
	//   0–4 minimal
	//   5–9 mild
	//   10–14 moderate
	//   15–19 moderately severe
	//   20–27 severe
}

// A user's own key, here in YAML: four items 1–5, item 2 reversed.
func ExampleLoadKey() {
	doc := `
name: MINI4
full_name: A four-item example scale
items: 4
min: 1
max: 5
reversed: [2]
rule: mean
`
	k, err := measures.LoadKey(strings.NewReader(doc))
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := measures.Score(k, [][]float64{{5, 1, 4, 3}}, measures.ScoreOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	// (5 + (1 + 5 − 1) + 4 + 3) / 4 = 4.25
	fmt.Printf("%s mean = %.2f\n", k.Name, *res.Rows[0].Scales[0].Score)
	// Output:
	// MINI4 mean = 4.25
}
