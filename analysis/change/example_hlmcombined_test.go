package change_test

import (
	"fmt"

	"github.com/alliance-research/alliance/analysis/change"
)

// R: clinicalsignificance::cs_combined(data, id, time, score, method = "HLM",
// m_clinical = 29, sd_clinical = 2, better_is = "lower") on the five
// patients of ExampleHLMDistribution. The cutoff is a = 29 − 2·2 = 25; all
// five start above it (clinical), patients 1, 3 and 4 end below it, and of
// those only 1 and 3 changed reliably (ExampleHLMDistribution), so exactly
// 1 and 3 recover; 2 and 5 deteriorate but started clinical, so no one is
// harmed.
func ExampleHLMCombined() {
	d := change.Long{
		Patient: []string{"1", "1", "1", "1", "2", "2", "2", "2", "3", "3", "3", "3", "4", "4", "4", "4", "5", "5", "5", "5"},
		Time:    []float64{0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3},
		Score:   []float64{30, 24, 17, 10, 28, 27, 25, 26, 31, 27, 24, 20, 26, 25, 21, 19, 29, 30, 31, 33},
	}
	r, err := change.HLMCombined(d, change.RCIOptions{Better: change.Lower},
		change.Norms{Type: change.CutoffA, ClinicalNorms: true, MClinical: 29, SDClinical: 2})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("cutoff %s = %.2f\n", r.Cutoff.Type, float64(r.Cutoff.Value))
	for _, x := range r.Persons {
		fmt.Printf("patient %s: %s\n", x.ID, x.Category)
	}
	// Output:
	// cutoff a = 25.00
	// patient 1: recovered
	// patient 2: deteriorated
	// patient 3: recovered
	// patient 4: unchanged
	// patient 5: deteriorated
}
