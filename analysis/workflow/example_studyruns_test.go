package workflow_test

import (
	"bytes"
	"fmt"
	"math"
	"strings"
	"sync"

	"github.com/alliance-research/alliance/analysis/meta"

	"github.com/alliance-research/alliance/analysis/workflow"
	"github.com/alliance-research/alliance/datasets/simulate"
)

// rrsCSV is reliability's ExampleThreeRS as a segment-code file: two
// coders, two sessions of two segments, withdrawal (w_) and confrontation
// (c_) marker counts.
const rrsCSV = `session,segment,coder,w_denial,w_minimal_response,c_complaints_therapist
s1,1,A,1,0,0
s1,2,A,0,2,0
s2,1,A,0,0,0
s2,2,A,0,0,1
s1,1,B,1,0,0
s1,2,B,0,0,0
s2,1,B,0,0,0
s2,2,B,0,0,1
`

func rrs() *workflow.ThreeRSRun {
	run, err := workflow.ThreeRS(csvSource("3rs.csv", rrsCSV), workflow.ThreeRSOptions{})
	if err != nil {
		panic(err)
	}
	return run
}

// The session summaries equal reliability.ThreeRS on the same segments
// (see its Example): coder A marks withdrawal in both segments of s1 (three
// markers), coder B in one.
func ExampleThreeRS() {
	for _, s := range rrs().Sessions {
		fmt.Printf("%s coder %s: withdrawal in %d of %d segments (%d markers), confrontation in %d\n",
			s.Session, s.Coder, s.WithdrawalSegments, s.Segments, s.WithdrawalCount, s.ConfrontationSegments)
	}
	// Output:
	// s1 coder A: withdrawal in 2 of 2 segments (3 markers), confrontation in 0
	// s1 coder B: withdrawal in 1 of 2 segments (1 markers), confrontation in 0
	// s2 coder A: withdrawal in 0 of 2 segments (0 markers), confrontation in 1
	// s2 coder B: withdrawal in 0 of 2 segments (0 markers), confrontation in 1
}

func ExampleThreeRSRun_Output() {
	_, ok := rrs().Output().(*workflow.ThreeRSRun)
	fmt.Println(ok)
	// Output:
	// true
}

func ExampleThreeRSRun_Section() {
	showSection(rrs().Section())
	// Output:
	// section: 3RS codes — 3rs.csv: 2 coders
	//   table: sessions
	//   table: reliability
}

func ExampleThreeRSRun_Steps() {
	showSteps(rrs().Steps())
	// Output:
	// alliance reliability 3rs.csv --3rs (R code: false)
}

func ExampleThreeRSRun_Data() {
	showData(rrs().Data())
	// Output:
	// 3RS codes  map[coders:2 segments:8]
}

func ExampleThreeRSRun_Cites() {
	knownCites(rrs().Cites())
	// Output:
	// true unknown: []
}

func ExampleThreeRSRun_TopNotes() {
	showNotes(rrs().TopNotes())
	// Output:
	// 0 notes
}

func ExampleThreeRSRun_Methods() {
	fmt.Println(strings.Contains(rrs().Methods(), "3RS"))
	// Output:
	// true
}

// ipdCSV simulates three studies of 40 patients each with the session
// simulator (seeds 1–3), prefixed with a study column: the data of a
// two-stage IPD meta-analysis (Flückiger et al. 2020).
func ipdCSV() string {
	var out strings.Builder
	out.WriteString("study," + simulate.SessionsHeader + "\n")
	for seed := int64(1); seed <= 3; seed++ {
		p := simulate.DefaultSessionParams()
		p.Seed, p.Patients, p.Therapists, p.MinSessions, p.MaxSessions = seed, 40, 4, 8, 10
		var b bytes.Buffer
		if _, err := simulate.WriteSessionsCSV(&b, p, nil); err != nil {
			panic(err)
		}
		lines := strings.Split(strings.TrimSpace(b.String()), "\n")
		for _, l := range lines[1:] {
			fmt.Fprintf(&out, "S%d,%s\n", seed, l)
		}
	}
	return out.String()
}

func ipd() *workflow.IPDRun {
	run, err := workflow.IPD(csvSource("ipd.csv", ipdCSV()), workflow.IPDOptions{Terms: []string{"within"}, Test: "z"})
	if err != nil {
		panic(err)
	}
	return run
}

// Stage 1 fits the session model in each study; stage 2 pools the
// within-patient alliance effect. The pooled estimate is meta.Fit of the
// three study estimates (metafor's rma(yi = estimate, sei = se) on the
// printed values gives −2.5285, SE 0.3294, τ² = 0); the simulator's true
// within effect is −2 at lag 1.
func ExampleIPD() {
	run := ipd()
	for _, s := range run.Stage1 {
		fmt.Printf("%s: %d patients, %s %.4f (SE %.4f)\n", s.Study, s.NPatients, s.Name, s.Estimate, s.SE)
	}
	pooled := run.Pooled[0].Meta.Model
	c := pooled.Coefficients[0]
	fmt.Printf("pooled %.4f (SE %.4f), tau2 %.4f\n", c.Estimate, c.SE, pooled.Tau2)
	// Stage 2 by hand: meta.Fit of the stage-1 estimates and variances.
	yi := make([]float64, len(run.Stage1))
	vi := make([]float64, len(run.Stage1))
	for i, s := range run.Stage1 {
		yi[i], vi[i] = s.Estimate, s.SE*s.SE
	}
	m, err := meta.Fit(yi, vi, meta.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(math.Abs(m.Coefficients[0].Estimate-c.Estimate) < 1e-12)
	// Output:
	// S1: 40 patients, alliance_within -2.4653 (SE 0.5569)
	// S2: 40 patients, alliance_within -2.6466 (SE 0.6033)
	// S3: 40 patients, alliance_within -2.4912 (SE 0.5551)
	// pooled -2.5285 (SE 0.3294), tau2 0.0000
	// true
}

func ExampleIPDRun_Output() {
	_, ok := ipd().Output().(*workflow.IPDRun)
	fmt.Println(ok)
	// Output:
	// true
}

func ExampleIPDRun_Section() {
	showSection(ipd().Section())
	// Output:
	// section: IPD meta-analysis of session-level alliance effects
	//   table: stage1
	//   table: coefficients-within
	//   table: heterogeneity-within
	//   table: studies-within
	//   table: comparison
}

func ExampleIPDRun_Steps() {
	showSteps(ipd().Steps())
	// Output:
	// alliance ipd ipd.csv --model lagged --terms within --test z (R code: true)
}

func ExampleIPDRun_Data() {
	showData(ipd().Data())
	// Output:
	// session study=study map[rows:1060 studies:3 studies pooled (within):3]
}

func ExampleIPDRun_Tidy() {
	showTidy(ipd().Tidy())
	// Output:
	// stage1: 3 rows, [study term name estimate se df n_patients n_sessions converged note]
}

func ExampleIPDRun_Cites() {
	knownCites(ipd().Cites())
	// Output:
	// true unknown: []
}

func ExampleIPDRun_TopNotes() {
	showNotes(ipd().TopNotes())
	// Output:
	// 0 notes
}

func ExampleIPDRun_Methods() {
	fmt.Println(strings.Contains(ipd().Methods(), "in two stages"))
	// Output:
	// true
}

// demoPanel is `alliance panel --dataset demo-sessions --stationary`: the
// RI-CLPM of alliance (X) and symptoms (Y) over the sessions observed for
// at least half of the patients.
// The fit takes a few seconds, so the examples share one.
func demoPanel() *workflow.PanelRun {
	panelOnce.Do(func() {
		var err error
		panelRun, err = workflow.Panel(embedded("demo-sessions"), workflow.PanelOptions{Stationary: true})
		if err != nil {
			panic(err)
		}
	})
	return panelRun
}

var (
	panelOnce sync.Once
	panelRun  *workflow.PanelRun
)

// The panel model. Its R code (Steps), run with lavaan 0.6 on the exported
// demo-sessions.csv, gives the within-person autoregressive path of the
// alliance 0.605079 (SE 0.024000) and the cross-lagged path from symptoms
// to the next session's alliance −0.005099 (SE 0.002060).
func ExamplePanel() {
	run := demoPanel()
	fmt.Println(run.Model, run.Waves, run.Patients)
	for _, l := range run.Lagged[:2] {
		fmt.Printf("%s → %s: %.4f (SE %.4f)\n", l.From, l.To, l.Estimate, l.SE)
	}
	// Output:
	// riclpm [1 2 3 4 5 6 7 8 9 10 11 12] 240
	// alliance → alliance: 0.6051 (SE 0.0240)
	// outcome → alliance: -0.0051 (SE 0.0021)
}

func ExamplePanelRun_Output() {
	_, ok := demoPanel().Output().(*workflow.PanelRun)
	fmt.Println(ok)
	// Output:
	// true
}

func ExamplePanelRun_Packages() {
	fmt.Println(demoPanel().Packages())
	// Output:
	// [lavaan]
}

func ExamplePanelRun_Section() {
	showSection(demoPanel().Section())
	// Output:
	// section: Random-intercept cross-lagged panel model (stationary lagged paths)
	//   table: lagged
	//   table: long_run
	//   table: parameters
	//   figure: panel-lagged panel-lagged
}

func ExamplePanelRun_Steps() {
	showSteps(demoPanel().Steps())
	// Output:
	// alliance panel --dataset demo-sessions --model riclpm --waves 1,2,3,4,5,6,7,8,9,10,11,12 --stationary (R code: true)
}

func ExamplePanelRun_Data() {
	showData(demoPanel().Data())
	// Output:
	// session patient=patient session=session x (alliance)=alliance y (outcome)=outcome map[patients:240 waves:12]
}

func ExamplePanelRun_Tidy() {
	showTidy(demoPanel().Tidy())
	// Output:
	// lagged: 4 rows, [from to wave estimate se p ci_lb ci_ub std_all]
	// long_run: 4 rows, [from to estimate se z p ci_lb ci_ub]
	// parameters: 179 rows, [lhs op rhs label free estimate se z p ci_lb ci_ub std_all]
}

func ExamplePanelRun_Cites() {
	knownCites(demoPanel().Cites())
	// Output:
	// true unknown: []
}

func ExamplePanelRun_TopNotes() {
	showNotes(demoPanel().TopNotes())
	// Output:
	// 1 notes
	// - Waves: sessions 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, those observed for at least half of the patients (choose others explicitly).
}

func ExamplePanelRun_Methods() {
	fmt.Println(strings.Contains(demoPanel().Methods(), "random-intercept"))
	// Output:
	// true
}
