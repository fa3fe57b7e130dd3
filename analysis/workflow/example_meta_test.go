package workflow_test

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/alliance-research/alliance/analysis/jsonout"
	"github.com/alliance-research/alliance/analysis/workflow"
	"github.com/alliance-research/alliance/datasets"
)

// embedded returns the workflow source of an embedded dataset, as the
// command line builds it for --dataset NAME.
func embedded(name string) workflow.Source {
	info, err := datasets.Lookup(name)
	if err != nil {
		panic(err)
	}
	t, err := datasets.ReadEmbedded(name, datasets.ReadOptions{})
	if err != nil {
		panic(err)
	}
	return workflow.EmbeddedSource(info, t)
}

// demoMeta is `alliance meta --dataset demo-studies`: the REML model of
// the 83 simulated alliance–outcome correlations.
func demoMeta() *workflow.MetaRun {
	run, err := workflow.Meta(embedded("demo-studies"), workflow.MetaOptions{})
	if err != nil {
		panic(err)
	}
	return run
}

// The study-level workflow on the demo studies. metafor 3.8-1:
// rma(yi, vi, data = escalc("ZCOR", ri = ri, ni = ni, data = demo)) gives
// 0.2854 (SE 0.0160), τ² = 0.0085, I² = 46.16% and r = .2779.
func ExampleMeta() {
	run := demoMeta()
	m := run.Model
	fmt.Printf("k = %d, estimate = %.4f (SE %.4f), tau2 = %.4f, I2 = %.2f%%, r = %.4f\n",
		m.K, m.Coefficients[0].Estimate, m.Coefficients[0].SE, m.Tau2, m.I2, m.R.Estimate)
	// Output:
	// k = 83, estimate = 0.2854 (SE 0.0160), tau2 = 0.0085, I2 = 46.16%, r = 0.2779
}

// The typed output is what `alliance meta --format json` writes, in
// metafor's field names.
func ExampleMetaRun_Output() {
	b, err := jsonout.Marshal(demoMeta().Output())
	if err != nil {
		fmt.Println(err)
		return
	}
	var v struct {
		K      int     `json:"k"`
		Method string  `json:"method"`
		Tau2   float64 `json:"tau2"`
		QE     float64 `json:"QE"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("k %d, %s, tau2 %.4f, QE %.4f\n", v.K, v.Method, v.Tau2, v.QE)
	// Output:
	// k 83, REML, tau2 0.0085, QE 155.1571
}

// The steps that reproduce the analysis: the command line, and R code
// whose rma() call gives the numbers of ExampleMeta.
func ExampleMetaRun_Steps() {
	for _, s := range demoMeta().Steps() {
		fmt.Println(s.Command)
		fmt.Println(strings.Contains(s.RCode, "rma("))
	}
	// Output:
	// alliance meta --dataset demo-studies
	// true
}

// The R packages whose results the part reproduces.
func ExampleMetaRun_Packages() {
	fmt.Println(demoMeta().Packages())
	// Output:
	// [metafor]
}

// The data accounting: which column played which role, and how many rows.
func ExampleMetaRun_Data() {
	d := demoMeta().Data()
	fmt.Println(d.Kind, d.Roles["r"], d.Roles["n"], d.Counts, len(d.Dropped))
	// Output:
	// study-level ri ni map[effects analysed:83 rows:83] 0
}

// The rendered section: its title and the names of its tables.
func ExampleMetaRun_Section() {
	s := demoMeta().Section()
	fmt.Println(s.Title)
	for _, t := range s.Tables() {
		fmt.Println(t.Name)
	}
	// Output:
	// Meta-analysis
	// coefficients
	// heterogeneity
}

// The methods paragraph says what ran: k, the transformation and the τ²
// estimator of ExampleMeta.
func ExampleMetaRun_Methods() {
	m := demoMeta().Methods()
	fmt.Println(strings.Contains(m, "(k = 83)"), strings.Contains(m, "Fisher's r-to-z"), strings.Contains(m, "restricted maximum likelihood"))
	// Output:
	// true true true
}

// The citation keys the section and methods use; every one is in the
// reference list.
func ExampleMetaRun_Cites() {
	keys := demoMeta().Cites()
	_, unknown := workflow.Citations(keys...)
	fmt.Println(len(keys) > 0, unknown)
	// Output:
	// true []
}

// Notes shown before any result. With ThreeLevelAuto the workflow detects
// that demo-studies nests 83 effects in 60 studies and says that it fits the
// three-level model beside the univariate one.
func ExampleMetaRun_TopNotes() {
	run, err := workflow.Meta(embedded("demo-studies"), workflow.MetaOptions{ThreeLevelAuto: true, NoProfile: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(run.TopNotes()) > 0, run.ThreeLevel != nil)
	fmt.Printf("three-level estimate %.4f\n", run.ThreeLevel.Coefficients[0].Estimate)
	// Output:
	// true true
	// three-level estimate 0.2839
}

// The machine-readable tables of `--format csv`, the coefficients first.
func ExampleMetaRun_Tidy() {
	for _, t := range demoMeta().Tidy() {
		rec, err := t.Records()
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(t.Name, rec[0])
	}
	// Output:
	// coefficients [name estimate se statistic df p ci_lb ci_ub]
	// heterogeneity [k tau2 se_tau2 I2 H2 QE QE_df QE_p pi_lb pi_ub]
}
