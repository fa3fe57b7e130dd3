package workflow_test

import (
	"fmt"

	"github.com/alliance-research/alliance/analysis/workflow"
	"github.com/alliance-research/alliance/datasets"
)

// demoSessions is `alliance sessions --dataset demo-sessions`: the lagged
// model, alliance centred on therapist means.
func demoSessions() *workflow.SessionsRun {
	run, err := workflow.Sessions(embedded("demo-sessions"), workflow.SessionsOptions{})
	if err != nil {
		panic(err)
	}
	return run
}

// The session workflow. Its R code (Steps: the centring written out in base
// R, then lmer), run in R 4.2.2 with lmerTest 3.1-3 on the exported
// demo-sessions.csv, gives 26.84948 (SE 3.98013), −1.92258 (0.17612),
// −2.39692 (0.53073), −3.62308 (1.05819), 0.10154 (0.01774) and −0.29638
// (0.01261).
func ExampleSessions() {
	run := demoSessions()
	fmt.Println(run.Formula)
	for _, c := range run.Fixed {
		fmt.Printf("%s %.4f (SE %.4f)\n", c.Name, c.Estimate, c.SE)
	}
	// Output:
	// outcome_next ~ alliance_within + alliance_patient + alliance_therapist + outcome + session + (1 | therapist/patient)
	// (Intercept) 26.8495 (SE 3.9801)
	// alliance_within -1.9226 (SE 0.1761)
	// alliance_patient -2.3969 (SE 0.5307)
	// alliance_therapist -3.6231 (SE 1.0582)
	// outcome 0.1015 (SE 0.0177)
	// session -0.2964 (SE 0.0126)
}

func ExampleSessionsRun_Packages() {
	fmt.Println(demoSessions().Packages())
	// Output:
	// [lme4 lmerTest]
}

func ExampleSessionsRun_Tidy() {
	showTable(demoSessions().Tidy())
	// Output:
	// fixed: 6 rows, [term estimate se df statistic p ci_lb ci_ub]
}

// demoRuptures is `alliance ruptures --dataset demo-sessions`: the default
// rule (a drop of 2 pooled within-patient SDs).
func demoRuptures() *workflow.RupturesRun {
	run, err := workflow.Ruptures(embedded("demo-sessions"), workflow.RupturesOptions{})
	if err != nil {
		panic(err)
	}
	return run
}

// The rupture workflow on the simulated sessions (15% repaired and 10%
// unrepaired ruptures planted, DefaultSessionParams).
func ExampleRuptures() {
	run := demoRuptures()
	s := run.Summary
	fmt.Printf("%d patients, %d with a rupture, %d episodes, %d repaired\n", s.Patients, s.WithRupture, s.Episodes, s.Repaired)
	// Output:
	// 240 patients, 65 with a rupture, 65 episodes, 35 repaired
}

// The repaired-vs-unrepaired contrast of the outcome change (equal to
// rupture.Effects on the same classes; Student t as R's t.test with
// var.equal = TRUE).
func ExampleRupturesRun_RepairEffect() {
	e := demoRuptures().RepairEffect()
	fmt.Printf("%s: n = %d + %d, g = %.4f, r = %.4f\n", e.Contrast, e.N1, e.N2, float64(e.G), float64(e.R))
	// Output:
	// repaired vs unrepaired: n = 35 + 29, g = 0.5443, r = 0.2684
}

// The contrast as a row of a study table for a meta-analysis of repair,
// appended to nothing here (a new file: header first). The row carries r
// of ExampleRupturesRun_RepairEffect, atanh(r) = 0.27518 and 1/(64 − 3) =
// 0.016393 (by hand).
func ExampleRupturesRun_ExportEffect() {
	out, row, appended, err := demoRuptures().ExportEffect(nil, "Demo clinic")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(string(out))
	fmt.Printf("r = %.4f, n = %d, appended %v\n", row.R, row.N, appended)
	// Output:
	// study,ri,ni,yi,vi
	// Demo clinic,0.26844080221594663,64,0.27518278332481605,0.01639344262295082
	// r = 0.2684, n = 64, appended false
}

func ExampleRupturesRun_Packages() {
	fmt.Println(demoRuptures().Packages())
	// Output:
	// [lme4 lmerTest]
}

func ExampleRupturesRun_Tidy() {
	showTable(demoRuptures().Tidy())
	// Output:
	// episodes: 65 rows, [patient therapist episode session reference score drop drop_sd depth threshold repaired repair_session censored]
}

// sgGains is ExampleGains: the suddengains vignette on sgdata.
func sgGains() *workflow.GainsRun {
	first, last, cut := 1, 12, 7.0
	run, err := workflow.Gains(embedded("sgdata"), workflow.GainsOptions{
		Wide: datasets.WideSpec{Prefix: "bdi_s"}, First: &first, Last: &last, Cutoff: &cut})
	if err != nil {
		panic(err)
	}
	return run
}

func ExampleGainsRun_Packages() {
	fmt.Println(sgGains().Packages())
	// Output:
	// [suddengains]
}

func ExampleGainsRun_Tidy() {
	showTable(sgGains().Tidy())
	// Output:
	// bysg: 24 rows, [patient id_sg session freq_byperson x_2n x_1n x_n x_n1 x_n2 x_n3 magnitude tx_change change_proportion reversal_value reversal]
}

// clausChange is ExampleChange: clinicalsignificance's cs_combined example
// on claus_2020.
func clausChange() *workflow.ChangeRun {
	r, m, s := 0.8, 8.0, 8.0
	run, err := workflow.Change(embedded("claus2020"), workflow.ChangeOptions{
		Score: "hamd", Pre: "1", Post: "4", Reliability: &r, MFunctional: &m, SDFunctional: &s, CutoffType: "c"})
	if err != nil {
		panic(err)
	}
	return run
}

func ExampleChangeRun_Label() {
	fmt.Println(clausChange().Label())
	// Output:
	// hamd
}

func ExampleChangeRun_Packages() {
	fmt.Println(clausChange().Packages())
	// Output:
	// [clinicalsignificance]
}

// The patient-level table: one row per patient with both scores, 40, the
// sum of ExampleChange's category counts (26 + 3 + 10 + 1 + 0).
func ExampleChangeRun_Tidy() {
	showTable(clausChange().Tidy())
	// Output:
	// persons: 40 rows, [id group pre post change rci category]
}

// showTable prints a table's name, size and columns.
func showTable(t *workflow.Table) {
	fmt.Printf("%s: %d rows, %v\n", t.Name, len(t.Rows), t.Columns)
}
