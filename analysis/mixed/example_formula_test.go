package mixed_test

import (
	"fmt"

	"github.com/alliance-research/alliance/analysis/mixed"
)

// R: lme4's formula for the sleepstudy model, Reaction ~ Days + (Days |
// Subject): one fixed term, a random intercept and a random Days slope per
// Subject.
func ExampleParseFormula() {
	f, err := mixed.ParseFormula("Reaction ~ Days + (Days | Subject)")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("response %s, intercept %v, fixed %v\n", f.Response, f.Intercept, f.Fixed)
	for _, r := range f.Random {
		fmt.Printf("random (%s): intercept %v, slopes %v\n", r.Name, r.Intercept, r.Slopes)
	}
	// Output:
	// response Reaction, intercept true, fixed [[Days]]
	// random (Subject): intercept true, slopes [[Days]]
}
