package workflow_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"

	"github.com/alliance-research/alliance/analysis/change"
	"github.com/alliance-research/alliance/analysis/errs"
	"github.com/alliance-research/alliance/analysis/mixed"
	"github.com/alliance-research/alliance/analysis/workflow"
)

// Each figure specification names its kind, the key plots.FromSpec
// dispatches on and the file stem of a report's figure.
func ExampleForestSpec_Kind() {
	fmt.Println(workflow.ForestSpec{}.Kind(), workflow.SummaryForestSpec{}.Kind(), workflow.ThreeLevelForestSpec{}.Kind())
	// Output:
	// forest summary-forest three-level-forest
}

func ExampleFunnelSpec_Kind() {
	fmt.Println(workflow.FunnelSpec{}.Kind())
	// Output:
	// funnel
}

func ExampleSummaryForestSpec_Kind() {
	fmt.Println(workflow.SummaryForestSpec{}.Kind())
	// Output:
	// summary-forest
}

func ExampleThreeLevelForestSpec_Kind() {
	fmt.Println(workflow.ThreeLevelForestSpec{}.Kind())
	// Output:
	// three-level-forest
}

func ExampleBaujatSpec_Kind() {
	fmt.Println(workflow.BaujatSpec{}.Kind())
	// Output:
	// baujat
}

func ExampleInfluenceSpec_Kind() {
	fmt.Println(workflow.InfluenceSpec{}.Kind())
	// Output:
	// influence
}

func ExampleRadialSpec_Kind() {
	fmt.Println(workflow.RadialSpec{}.Kind())
	// Output:
	// radial
}

func ExampleBubbleSpec_Kind() {
	fmt.Println(workflow.BubbleSpec{}.Kind())
	// Output:
	// bubble
}

func ExampleJacobsonTruaxSpec_Kind() {
	fmt.Println(workflow.JacobsonTruaxSpec{}.Kind())
	// Output:
	// jacobson-truax
}

func ExampleSuddenGainSpec_Kind() {
	fmt.Println(workflow.SuddenGainSpec{}.Kind())
	// Output:
	// sudden-gains
}

func ExampleRuptureSpec_Kind() {
	fmt.Println(workflow.RuptureSpec{}.Kind())
	// Output:
	// rupture
}

func ExampleTrajectorySpec_Kind() {
	fmt.Println(workflow.TrajectorySpec{}.Kind())
	// Output:
	// trajectories
}

func ExampleWithinBetweenSpec_Kind() {
	fmt.Println(workflow.WithinBetweenSpec{}.Kind())
	// Output:
	// within-between
}

func ExampleCaterpillarSpec_Kind() {
	fmt.Println(workflow.CaterpillarSpec{}.Kind())
	// Output:
	// caterpillar
}

// One reference-list entry, in APA style.
func ExampleCite() {
	c, ok := workflow.Cite("viechtbauer2010")
	fmt.Println(ok, c.Text())
	_, ok = workflow.Cite("nobody2099")
	fmt.Println(ok)
	// Output:
	// true Viechtbauer, W. (2010). Conducting meta-analyses in R with the metafor package. Journal of Statistical Software, 36(3), 1–48.
	// false
}

// Each key once, in reference-list order, and the unknown keys.
func ExampleCitations() {
	cites, unknown := workflow.Citations("viechtbauer2010", "higgins2002", "viechtbauer2010", "nobody2099")
	for _, c := range cites {
		fmt.Println(c.Key)
	}
	fmt.Println(unknown)
	// Output:
	// higgins2002
	// viechtbauer2010
	// [nobody2099]
}

func ExampleCitation_Text() {
	c, _ := workflow.Cite("higgins2002")
	fmt.Println(c.Text())
	// Output:
	// Higgins, J. P. T., & Thompson, S. G. (2002). Quantifying heterogeneity in a meta-analysis. Statistics in Medicine, 21(11), 1539–1558.
}

// In JSON a citation is its key and plain text.
func ExampleCitation_MarshalJSON() {
	c, _ := workflow.Cite("higgins2002")
	b, err := json.Marshal(c)
	fmt.Println(string(b), err)
	// Output:
	// {"key":"higgins2002","text":"Higgins, J. P. T., \u0026 Thompson, S. G. (2002). Quantifying heterogeneity in a meta-analysis. Statistics in Medicine, 21(11), 1539–1558."} <nil>
}

// Sections are built from blocks; renderers walk them in order.
func ExampleSection_Add() {
	s := &workflow.Section{ID: "demo", Title: "Demo"}
	s.Add(&workflow.Paragraph{Kind: workflow.Result, Text: "r = .28, 95% CI [.25, .31]"},
		&workflow.Table{Name: "coefficients", Columns: []string{"term", "estimate"}})
	fmt.Println(len(s.Blocks), len(s.Tables()))
	// Output:
	// 2 1
}

func ExampleSection_H() {
	s := &workflow.Section{ID: "meta", Title: "Meta-analysis"}
	s.H("meta-bias", "Publication bias")
	h := s.Blocks[0].(*workflow.Heading)
	fmt.Println(h.ID, h.Text)
	// Output:
	// meta-bias Publication bias
}

func ExampleSection_P() {
	s := &workflow.Section{}
	s.P(workflow.Reading, "The average correlation is positive.")
	p := s.Blocks[0].(*workflow.Paragraph)
	fmt.Println(p.Kind == workflow.Reading, p.Text)
	// Output:
	// true The average correlation is positive.
}

// The tables of the demo meta-analysis section.
func ExampleSection_Tables() {
	for _, t := range demoMeta().Section().Tables() {
		fmt.Println(t.Name, t.Columns)
	}
	// Output:
	// coefficients [Term Estimate SE z df p 95% CI]
	// heterogeneity [Statistic Value 95% CI]
}

// The figures a meta-analysis section asks for, with the kinds
// plots.FromSpec draws.
func ExampleSection_Figures() {
	run, err := workflow.Meta(embedded("molloy2014"), workflow.MetaOptions{Figures: []string{"forest", "funnel"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range run.Section().Figures() {
		fmt.Println(f.Name, f.Spec.Kind())
	}
	// Output:
	// forest forest
	// funnel funnel
}

// Records writes a tidy table as CSV records: header first, up to 15
// significant digits.
func ExampleTidyTable_Records() {
	type row struct {
		Term     string  `json:"term"`
		Estimate float64 `json:"estimate"`
		P        float64 `json:"p"`
	}
	t := workflow.TidyTable{Name: "fixed", Rows: []row{{"alliance", 0.1 + 0.2, 0.0012}, {"session", -0.3369, math.NaN()}}}
	rec, err := t.Records()
	fmt.Println(rec, err)
	// Output:
	// [[term estimate p] [alliance 0.3 0.0012] [session -0.3369 ]] <nil>
}

// Compose assembles parts into one document: simulated data are flagged
// in a warning, and only the references cited appear.
func ExampleCompose() {
	doc := workflow.Compose(workflow.ComposeOptions{Title: "Alliance and outcome", Author: "A. Student"}, demoMeta())
	fmt.Println(doc.Title, doc.Warning != "")
	for _, s := range doc.Sections {
		fmt.Println(s.ID)
	}
	fmt.Println(len(doc.Citations) > 0)
	// Output:
	// Alliance and outcome true
	// data
	// meta
	// methods
	// references
	// reproduce
	// true
}

// The whole report on the demo tables, with a reliability of .85 for the
// outcome measure (the sudden-gains cutoff and reliable change need one):
// the parts in order.
func ExampleReport() {
	studies, sess := embedded("demo-studies"), embedded("demo-sessions")
	opt := workflow.ReportOptions{Sessions: workflow.ReportSessionOptions{Reliability: 0.85}}
	doc, parts, err := workflow.Report(workflow.ReportInput{Studies: &studies, Sessions: &sess}, opt)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range parts {
		fmt.Println(p.Section().Title)
	}
	fmt.Println(doc.Title)
	// Output:
	// Meta-analysis
	// Session-by-session lagged model — demo-sessions (SIMULATED)
	// Random-intercept cross-lagged panel model (stationary lagged paths)
	// Rupture–repair episodes — demo-sessions (SIMULATED) (sd)
	// Sudden gains — demo-sessions (SIMULATED), 240 patients, sessions 1–20
	// Clinically significant change — distribution approach, RCI JT — demo-sessions (SIMULATED)
	// Alliance–outcome report
}

// ReportContext reports each stage as it starts, and stops when the
// context is cancelled. Without a reliability the report assumes the
// PHQ-9's (.84, DefaultReliability) and says so in its methods.
func ExampleReportContext() {
	sess := embedded("demo-sessions")
	in := workflow.ReportInput{Sessions: &sess}
	_, _, err := workflow.ReportContext(context.Background(), in, workflow.ReportOptions{}, func(stage string) { fmt.Println(stage) })
	fmt.Println(err)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	opt := workflow.ReportOptions{Sessions: workflow.ReportSessionOptions{Reliability: 0.85}}
	_, _, err = workflow.ReportContext(ctx, in, opt, nil)
	fmt.Println(errors.Is(err, context.Canceled))
	// Output:
	// session model
	// panel model
	// ruptures
	// sudden gains
	// reliable change
	// <nil>
	// true
}

// The report's additions to the user's meta-analysis choices.
func ExampleReportMetaOptions() {
	o := workflow.ReportMetaOptions(workflow.MetaOptions{Method: "DL"}, false)
	fmt.Println(o.Method, o.Bias, o.Influence, o.LeaveOneOut, o.ThreeLevelAuto, o.ContinueOnFailure)
	// Output:
	// DL true true true true true
}

// The report's session model: lagged, with the concurrent model and the
// trajectories.
func ExampleReportSessionsOptions() {
	o := workflow.ReportSessionsOptions(workflow.ReportSessionOptions{})
	fmt.Println(o.Concurrent, o.Trajectories)
	// Output:
	// true true
}

func ExampleReportRupturesOptions() {
	o := workflow.ReportRupturesOptions(workflow.ReportSessionOptions{RupturePreset: "stiles2004"})
	fmt.Println(o.Preset, o.Sensitivity)
	// Output:
	// stiles2004 true
}

// The report's gains: the cutoff from a reliability of .85.
func ExampleReportGainsOptions() {
	o := workflow.ReportGainsOptions(workflow.ReportSessionOptions{Reliability: 0.85})
	fmt.Println(*o.Reliability, o.Losses)
	// Output:
	// 0.85 false
}

func ExampleReportChangeOptions() {
	o := workflow.ReportChangeOptions(workflow.ReportSessionOptions{Reliability: 0.85}, map[string]string{"session": "session", "outcome": "phq"})
	fmt.Println(*o.Reliability, o.Score)
	// Output:
	// 0.85 phq
}

// The documented example of clinicalsignificance, filled in.
func ExampleChangeExample() {
	o, note := workflow.ChangeExample(workflow.ChangeOptions{})
	fmt.Println(o.Score, o.Pre, o.Post, *o.Reliability, *o.MFunctional, *o.SDFunctional, o.CutoffType)
	fmt.Println(note.Text != "")
	// Output:
	// hamd 1 4 0.8 8 8 c
	// true
}

// The suddengains vignette's settings, filled in.
func ExampleGainsExample() {
	o, note := workflow.GainsExample(workflow.GainsOptions{})
	fmt.Println(o.Wide.Prefix, *o.First, *o.Last, *o.Cutoff)
	fmt.Println(note.Text != "")
	// Output:
	// bdi_s 1 12 7
	// true
}

// Criterion 1 from a reliability: 1.96·√2·SD·√(1 − r); with SD 7.5 and
// r = .8, by hand 1.96 · 1.4142 · 7.5 · 0.4472 = 9.2971 (suddengains'
// define_crit1_cutoff; change's ExampleDefineCrit1Cutoff).
func ExampleCrit1FromReliability() {
	c, err := workflow.Crit1FromReliability(nil, 7.5, 0.8)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%.4f\n", c.ReliableChange)
	// With sd NaN, the SD of the first session's scores: sd(c(20, 26, 29)) =
	// 4.5826, so 1.96 · √2 · 4.5826 · √.2 = 5.6806.
	series := []change.Series{change.NewSeries("1", []float64{20, 15}), change.NewSeries("2", []float64{26, 20}), change.NewSeries("3", []float64{29, 25})}
	c, err = workflow.Crit1FromReliability(series, math.NaN(), 0.8)
	fmt.Printf("%.4f %v\n", c.ReliableChange, err)
	// Output:
	// 9.2971
	// 5.6806 <nil>
}

// mixedResult fits the balanced layout of mixed's ExampleFit.
func mixedResult() *mixed.Result {
	data := mixed.Data{
		Numeric: map[string][]float64{"y": {1, 2, 3, 4, 5, 6, 7, 8, 12}},
		Text:    map[string][]string{"g": {"a", "a", "a", "b", "b", "b", "c", "c", "c"}},
	}
	m, err := mixed.Fit("y ~ 1 + (1 | g)", data, mixed.Options{})
	if err != nil {
		panic(err)
	}
	return &m.Result
}

// The fixed-effects table; its intercept is the grand mean 48/9 = 5.333
// with SE √(37/9) = 2.028 (mixed's ExampleFit).
func ExampleFixedTable() {
	t := workflow.FixedTable(mixedResult())
	fmt.Println(t.Columns)
	fmt.Println(t.Rows[0][:3])
	// Output:
	// [Term Estimate SE df t p 95% CI]
	// [(Intercept) 5.3333 2.0276]
}

func ExampleMixedTables() {
	for _, t := range workflow.MixedTables(mixedResult()) {
		fmt.Println(t.Name, len(t.Rows))
	}
	// Output:
	// fixed 1
	// random 2
}

func ExampleMixedTidy() {
	showTidy(workflow.MixedTidy(mixedResult()))
	// Output:
	// fixed: 1 rows, [name estimate se df statistic p ci_lb ci_ub]
	// random: 1 rows, [group name variance sd]
}

// The columns a formula uses, typed: grouping factors coded (each distinct
// id once, with a code per row), the rest as numbers.
func ExampleMixedData() {
	src := csvSource("s.csv", "patient,session,outcome,alliance\n1,1,20,4\n1,2,18,5\n2,1,25,3\n2,2,22,4\n")
	d, err := workflow.MixedData(src.Table, []string{"outcome ~ alliance + (1 | patient)"}, "")
	if err != nil {
		fmt.Println(err)
		return
	}
	p := d.Factors["patient"]
	fmt.Println(d.Numeric["outcome"], d.Numeric["alliance"], p.Labels, p.Codes)
	// Output:
	// [20 18 25 22] [4 5 3 4] [1 2] [0 0 1 1]
}

// OptionOf names the option an invalid-option error is about, for the
// front end's hint.
func ExampleOptionOf() {
	err := errs.New(errs.InvalidOption, "reliability", "too many factors").WithHint("nfactors=3")
	fmt.Printf("%q\n", workflow.OptionOf(err))
	fmt.Printf("%q\n", workflow.OptionOf(errors.New("plain")))
	// Output:
	// "nfactors=3"
	// ""
}

func ExampleParseMetric() {
	m, err := workflow.ParseMetric("interval")
	fmt.Println(m, err)
	// Output:
	// interval <nil>
}

func ExampleParseWaves() {
	w, err := workflow.ParseWaves("1:5")
	fmt.Println(w, err)
	w, err = workflow.ParseWaves("1,2,4")
	fmt.Println(w, err)
	// Output:
	// [1 2 3 4 5] <nil>
	// [1 2 4] <nil>
}

func ExampleParseWide() {
	fmt.Printf("%+v\n", workflow.ParseWide("bdi_s"))
	fmt.Printf("%+v\n", workflow.ParseWide("pre,mid,post"))
	// Output:
	// {Prefix:bdi_s Columns:[] Into:}
	// {Prefix: Columns:[pre mid post] Into:}
}

func ExampleSplitList() {
	fmt.Printf("%q\n", workflow.SplitList(" goal1, task1,,bond1 "))
	// Output:
	// ["goal1" "task1" "bond1"]
}

// Reading options as typed on the command line or the web page.
func ExampleReadText_Options() {
	o, err := workflow.ReadText{Delimiter: "semicolon", Decimal: ",", NA: "-99,999"}.Options()
	fmt.Printf("%q %q %q %v\n", o.Delimiter, o.Decimal, o.NA, err)
	// Output:
	// ';' ',' ["-99" "999"] <nil>
}
