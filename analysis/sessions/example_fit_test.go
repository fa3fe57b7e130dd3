package sessions_test

import (
	"fmt"

	"github.com/alliance-research/alliance/analysis/sessions"
	"github.com/alliance-research/alliance/datasets"
)

// As lmerTest: lmer(outcome ~ session + (1 | patient), data = sgdata,
// REML = FALSE) on the embedded sgdata (R package suddengains' example
// data, long format); sessions_sgdata.json holds lme4 1.1-31's fit:
// logLik −1551.8313, slope −1.9996 (SE 0.0650), patient variance 17.3946.
func ExampleFit() {
	s, err := datasets.EmbeddedSessions("sgdata")
	if err != nil {
		fmt.Println(err)
		return
	}
	d := sessions.Data{Patient: s.Patient.Strings(), Session: s.Session, Outcome: s.Outcome}
	res, err := sessions.Fit(d, sessions.Options{Model: sessions.Growth, ML: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Formula)
	for _, c := range res.Fixed {
		fmt.Printf("%s %.4f (%.4f)\n", c.Name, c.Estimate, c.SE)
	}
	fmt.Printf("patient variance %.4f, residual %.4f, logLik %.4f\n", res.Random[0].Variance, res.ResidualVariance, res.LogLik)
	// Output:
	// outcome ~ session + (1 | patient)
	// (Intercept) 34.8226 (0.7817)
	// session -1.9996 (0.0650)
	// patient variance 17.3946, residual 29.1017, logLik -1551.8313
}
