package workflow_test

import (
	"fmt"
	"strings"

	"github.com/alliance-research/alliance/analysis/measures"
	"github.com/alliance-research/alliance/analysis/workflow"
)

// waiCSV holds 40 SIMULATED clients' answers (1–5) to nine WAI-SR-like
// items, three per subscale (the data of reliability's ExampleOmega).
const waiCSV = "goal1,goal2,goal3,task1,task2,task3,bond1,bond2,bond3\n" +
	"4,4,5,3,3,3,3,4,4\n" +
	"3,4,4,5,5,5,3,4,4\n" +
	"2,2,3,2,2,2,3,2,4\n" +
	"2,2,2,3,2,3,2,2,3\n" +
	"3,3,3,3,3,4,3,4,3\n" +
	"3,4,4,4,4,4,4,5,2\n" +
	"3,2,1,5,3,3,3,4,3\n" +
	"3,3,3,5,4,5,4,4,4\n" +
	"4,3,4,4,4,5,4,4,4\n" +
	"4,4,4,3,4,3,2,3,3\n" +
	"4,4,5,3,4,4,5,4,5\n" +
	"3,3,1,2,3,3,2,3,2\n" +
	"2,2,4,2,3,3,4,4,5\n" +
	"3,4,2,3,3,4,3,3,3\n" +
	"3,3,3,4,5,4,3,4,4\n" +
	"2,3,3,3,2,4,4,4,4\n" +
	"3,3,3,3,4,4,3,2,1\n" +
	"4,4,5,3,4,4,5,4,5\n" +
	"3,3,3,2,1,2,2,3,3\n" +
	"4,4,4,5,5,4,5,5,5\n" +
	"3,2,3,3,4,4,4,3,4\n" +
	"2,2,3,3,4,3,3,3,3\n" +
	"5,4,4,5,4,4,4,2,4\n" +
	"3,3,5,3,4,4,3,3,4\n" +
	"3,4,4,4,4,4,3,4,3\n" +
	"1,3,2,5,4,3,2,3,3\n" +
	"5,5,5,5,5,5,3,2,4\n" +
	"3,3,3,5,4,3,5,3,3\n" +
	"1,1,1,2,3,3,2,1,2\n" +
	"5,4,4,3,4,5,3,5,3\n" +
	"4,5,3,4,5,5,4,3,4\n" +
	"1,3,2,4,3,3,2,3,3\n" +
	"2,4,2,3,4,3,3,2,2\n" +
	"2,3,3,1,2,2,3,3,3\n" +
	"4,2,3,4,4,3,3,3,4\n" +
	"4,3,2,3,4,3,2,1,3\n" +
	"3,2,2,3,5,3,5,4,4\n" +
	"3,2,3,2,2,2,4,3,3\n" +
	"5,5,5,4,5,5,5,5,5\n" +
	"5,3,4,4,3,5,5,5,5\n"

// waiReliability is `alliance reliability --items 'goal*,task*,bond*'
// --alpha --omega` on the items.
func waiReliability() *workflow.ReliabilityRun {
	run, err := workflow.Reliability(csvSource("wai.csv", waiCSV), workflow.ReliabilityOptions{
		Items: "goal1,goal2,goal3,task1,task2,task3,bond1,bond2,bond3", Alpha: true, Omega: true})
	if err != nil {
		panic(err)
	}
	return run
}

// Alpha and omega of the nine items. psych 2.2.9: alpha(wai)$total gives
// raw_alpha 0.8662 and std.alpha 0.8673; omega(wai, nfactors = 3) gives
// omega_h 0.6165 and omega.tot 0.9150.
func ExampleReliability() {
	run := waiReliability()
	fmt.Printf("alpha %.4f (standardized %.4f), omega_h %.4f, omega_total %.4f\n",
		run.Alpha.RawAlpha, run.Alpha.StdAlpha, run.Omega.OmegaH, run.Omega.OmegaTotal)
	// Output:
	// alpha 0.8662 (standardized 0.8673), omega_h 0.6165, omega_total 0.9150
}

func ExampleReliabilityRun_Output() {
	out := waiReliability().Output()
	_, ok := out.(*workflow.ReliabilityRun)
	fmt.Println(ok)
	// Output:
	// true
}

func ExampleReliabilityRun_Section() {
	showSection(waiReliability().Section())
	// Output:
	// section: Reliability — wai.csv
	//   table: items
	//   table: omega
}

// The step's command line reads the file and names the items.
func ExampleReliabilityRun_Steps() {
	for _, s := range waiReliability().Steps() {
		fmt.Println(s.Purpose, "|", strings.Join(strings.Fields(s.Command)[:4], " "))
	}
	// Output:
	// the reliability coefficients | alliance reliability wai.csv --items
}

func ExampleReliabilityRun_Data() {
	showData(waiReliability().Data())
	// Output:
	// items items=goal1, goal2, goal3, task1, task2, task3, bond1, bond2, bond3 map[rows:40]
}

func ExampleReliabilityRun_Tidy() {
	showTidy(waiReliability().Tidy())
	// Output:
	// items: 9 rows, [item reversed n raw_r std_r r_cor r_drop mean sd]
	// omega: 4 rows, [name total general group]
}

func ExampleReliabilityRun_Cites() {
	knownCites(waiReliability().Cites())
	// Output:
	// true unknown: []
}

func ExampleReliabilityRun_TopNotes() {
	showNotes(waiReliability().TopNotes())
	// Output:
	// 0 notes
}

// The methods name both coefficients.
func ExampleReliabilityRun_Methods() {
	m := waiReliability().Methods()
	fmt.Println(strings.Contains(m, "Cronbach's (1951) α"), strings.Contains(m, "McDonald's ω"))
	// Output:
	// true true
}

// phqScore scores two clients' PHQ-9 items (the data of measures'
// ExampleScore: totals 11 and, prorated from 8 items, 16.88).
func phqScore() *workflow.ScoreRun {
	key, err := measures.Get("PHQ-9")
	if err != nil {
		panic(err)
	}
	src := csvSource("phq.csv", "id,q1,q2,q3,q4,q5,q6,q7,q8,q9\nC1,1,2,0,3,1,1,2,0,1\nC2,2,2,1,3,2,2,2,NA,1\n")
	run, err := workflow.Score(src, key, workflow.ScoreOptions{Items: "q*", MaxMissing: 0.2})
	if err != nil {
		panic(err)
	}
	return run
}

// By hand: 1+2+0+3+1+1+2+0+1 = 11 (moderate); 15 over 8 items prorated to
// 9 · 15/8 = 16.875 (moderately severe).
func ExampleScore() {
	run := phqScore()
	for i, r := range run.Rows {
		fmt.Printf("%s: %.3f %s\n", run.IDs[i], *r.Scales[0].Score, r.Band)
	}
	// Output:
	// C1: 11.000 moderate
	// C2: 16.875 moderately severe
}

func ExampleScoreRun_Output() {
	_, ok := phqScore().Output().(*workflow.ScoreRun)
	fmt.Println(ok)
	// Output:
	// true
}

func ExampleScoreRun_Section() {
	showSection(phqScore().Section())
	// Output:
	// section: PHQ-9 scores — phq.csv, 2 respondents
	//   table: summary
	//   table: scores
}

func ExampleScoreRun_Steps() {
	showSteps(phqScore().Steps())
	// Output:
	// alliance score phq.csv --measure PHQ-9 --items 'q*' (R code: false)
}

func ExampleScoreRun_Data() {
	showData(phqScore().Data())
	// Output:
	// items items=q* map[respondents:2]
}

// Scoring a questionnaire cites nothing: the list is empty.
func ExampleScoreRun_Cites() {
	knownCites(phqScore().Cites())
	// Output:
	// false unknown: []
}

// One respondent's score was prorated; the notes say so first.
func ExampleScoreRun_TopNotes() {
	showNotes(phqScore().TopNotes())
	// Output:
	// 1 notes
	// - 1 scale scores were prorated from incomplete items (at most 0.2 of a scale's items missing)
}

func ExampleScoreRun_Methods() {
	fmt.Println(strings.Contains(phqScore().Methods(), "PHQ-9"))
	// Output:
	// true
}

// The scoring keys shipped, as a table.
func ExampleScoringKeys() {
	keys, t := workflow.ScoringKeys()
	fmt.Println(len(keys) == len(t.Rows), t.Columns)
	// Output:
	// true [measure items range rule subscales name]
}

// Item columns from a prefix or a list.
func ExampleItemColumns() {
	src := csvSource("wai.csv", waiCSV)
	cols, err := workflow.ItemColumns(src.Table, "task*")
	fmt.Println(cols, err)
	cols, err = workflow.ItemColumns(src.Table, "Bond1, bond3")
	fmt.Println(cols, err)
	// Output:
	// [task1 task2 task3] <nil>
	// [bond1 bond3] <nil>
}
