package change_test

import (
	"fmt"

	"github.com/alliance-research/alliance/analysis/change"
)

// R: clinicalsignificance's .calc_cutoff_jt for Jacobson & Truax's (1991)
// worked example: clinical mean 40, functional mean 60, both SDs 7.5,
// higher is better. By hand: a = 40 + 2·7.5 = 55, b = 60 − 2·7.5 = 45,
// c = (7.5·60 + 7.5·40)/15 = 50 (JT 1991 print c = 50).
func ExampleCutoffJT() {
	for _, t := range []change.CutoffType{change.CutoffA, change.CutoffB, change.CutoffC} {
		c, err := change.CutoffJT(40, 7.5, 60, 7.5, t, change.Higher, false)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%s: %.2f\n", t, c)
	}
	// Output:
	// a: 55.00
	// b: 45.00
	// c: 50.00
}

// R: suddengains::define_crit1_cutoff(data_sd = 7.5, data_reliability = 0.8).
// By hand: SEM = 7.5·√0.2 = 3.3541, S_diff = √2·SEM = 4.7434,
// RC = 1.96·S_diff = 9.2971.
func ExampleDefineCrit1Cutoff() {
	c, err := change.DefineCrit1Cutoff(7.5, 0.8)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("SEM %.4f, S_diff %.4f, reliable change %.4f\n", c.SEM, c.SDiff, c.ReliableChange)
	// Output:
	// SEM 3.3541, S_diff 4.7434, reliable change 9.2971
}

// R: abs(qt(0.025, df = c(2, 3, 4))) = 4.303, 3.182, 2.776, the critical
// values of suddengains' third (stability) criterion.
func ExampleCriticalT() {
	for _, df := range []int{2, 3, 4} {
		fmt.Printf("df %d: %.3f\n", df, change.CriticalT(0.05, df))
	}
	// Output:
	// df 2: 4.303
	// df 3: 3.182
	// df 4: 2.776
}
