package sessions_test

import (
	"fmt"

	"github.com/alliance-research/alliance/analysis/sessions"
	"github.com/alliance-research/alliance/datasets"
)

// ExampleFit's growth model on sgdata fitted from sufficient statistics:
// the patients are accumulated in two partitions (as two workers of a
// distributed runner would), merged and fitted once. The numbers are
// lme4 1.1-31's (sessions_sgdata.json): logLik −1551.8313, slope −1.9996
// (SE 0.0650), patient variance 17.3946.
func ExampleFitStats() {
	s, err := datasets.EmbeddedSessions("sgdata")
	if err != nil {
		fmt.Println(err)
		return
	}
	opt := sessions.Options{Model: sessions.Growth, ML: true}
	cols := sessions.Columns{Outcome: true}
	var parts [2]*sessions.Stats
	for k := range parts {
		if parts[k], err = sessions.NewStats(cols, opt); err != nil {
			fmt.Println(err)
			return
		}
	}
	// One Patient per id, its sessions in order.
	byID := map[string]*sessions.Patient{}
	var ids []string
	for i, id := range s.Patient.Strings() {
		p := byID[id]
		if p == nil {
			p = &sessions.Patient{ID: id}
			byID[id] = p
			ids = append(ids, id)
		}
		p.Session = append(p.Session, s.Session[i])
		p.Outcome = append(p.Outcome, s.Outcome[i])
	}
	for k, id := range ids {
		if aerr := parts[k%2].AddPatient(*byID[id]); aerr != nil {
			fmt.Println(aerr)
			return
		}
	}
	if merr := parts[0].Merge(parts[1]); merr != nil {
		fmt.Println(merr)
		return
	}
	res, err := sessions.FitStats(parts[0])
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
