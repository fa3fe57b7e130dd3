package workflow_test

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/alliance-research/alliance/analysis/jsonout"
	"github.com/alliance-research/alliance/analysis/workflow"
)

// demoLMM is `alliance lmm --dataset demo-sessions` with the example
// formula.
func demoLMM() *workflow.LMMRun {
	run, err := workflow.LMM(embedded("demo-sessions"), workflow.LMMOptions{Formula: workflow.LMMExampleFormula})
	if err != nil {
		panic(err)
	}
	return run
}

// As lmerTest 3.1-3: lmer(outcome ~ session + alliance + (1 | therapist/
// patient), data = read.csv("demo-sessions.csv")) (REML, Satterthwaite df)
// gives 19.37390 (SE 0.68767, df 330.05), −0.33689 (0.010256, 3115.8),
// −1.08804 (0.16193, 3271.8), σ² = 6.88417 and logLik −8318.3764.
func ExampleLMM() {
	run := demoLMM()
	for _, c := range run.Fixed {
		fmt.Printf("%s %.4f (SE %.4f, df %.1f)\n", c.Name, c.Estimate, c.SE, c.DF)
	}
	fmt.Printf("residual %.4f, logLik %.4f, n = %d\n", run.ResidualVariance, run.LogLik, run.NObs)
	// Output:
	// (Intercept) 19.3739 (SE 0.6877, df 330.0)
	// session -0.3369 (SE 0.0103, df 3115.8)
	// alliance -1.0880 (SE 0.1619, df 3271.8)
	// residual 6.8842, logLik -8318.3764, n = 3316
}

func ExampleLMMRun_Output() {
	b, err := jsonout.Marshal(demoLMM().Output())
	if err != nil {
		fmt.Println(err)
		return
	}
	var v struct {
		Nobs  int            `json:"nobs"`
		NGrps map[string]int `json:"ngroups"`
		REML  bool           `json:"REML"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(v.Nobs, v.NGrps, v.REML)
	// Output:
	// 3316 map[patient:therapist:240 therapist:24] true
}

func ExampleLMMRun_Section() {
	showSection(demoLMM().Section())
	// Output:
	// section: Linear mixed model
	//   table: fixed
	//   table: random
}

func ExampleLMMRun_Steps() {
	showSteps(demoLMM().Steps())
	// Output:
	// alliance lmm --dataset demo-sessions --formula 'outcome ~ session + alliance + (1 | therapist/patient)' (R code: true)
}

func ExampleLMMRun_Data() {
	showData(demoLMM().Data())
	// Output:
	// session formula=outcome ~ session + alliance + (1 | therapist/patient) map[observations:3316 rows:3316]
}

func ExampleLMMRun_Tidy() {
	showTidy(demoLMM().Tidy())
	// Output:
	// fixed: 3 rows, [name estimate se df statistic p ci_lb ci_ub]
	// random: 2 rows, [group name variance sd]
}

func ExampleLMMRun_Cites() {
	knownCites(demoLMM().Cites())
	// Output:
	// true unknown: []
}

func ExampleLMMRun_TopNotes() {
	showNotes(demoLMM().TopNotes())
	// Output:
	// 0 notes
}

// The methods paragraph names the df method (Satterthwaite, as lmerTest).
func ExampleLMMRun_Methods() {
	fmt.Println(strings.Contains(demoLMM().Methods(), "Satterthwaite"))
	// Output:
	// true
}
