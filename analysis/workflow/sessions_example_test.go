package workflow_test

import (
	"fmt"

	"github.com/alliance-research/alliance/analysis/workflow"
	"github.com/alliance-research/alliance/datasets"
)

// ExampleChange mirrors clinicalsignificance's documented example,
// cs_combined(claus_2020, id, time, hamd, pre = 1, post = 4,
// reliability = 0.8, m_functional = 8, sd_functional = 8, cutoff_type = "c").
func ExampleChange() {
	info, _ := datasets.Lookup("claus2020")
	t, _ := datasets.ReadEmbedded("claus2020", datasets.ReadOptions{})
	r, m, s := 0.8, 8.0, 8.0
	run, err := workflow.Change(workflow.EmbeddedSource(info, t), workflow.ChangeOptions{
		Score: "hamd", Pre: "1", Post: "4", Reliability: &r, MFunctional: &m, SDFunctional: &s, CutoffType: "c"})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range run.Summary {
		fmt.Println(c.Category, c.N)
	}
	// Output:
	// recovered 26
	// improved 3
	// unchanged 10
	// deteriorated 1
	// harmed 0
}

// ExampleGains mirrors the suddengains vignette: create_bysg(sgdata,
// sg_crit1_cutoff = 7, sg_var_list = paste0("bdi_s", 1:12), ...).
func ExampleGains() {
	info, _ := datasets.Lookup("sgdata")
	t, _ := datasets.ReadEmbedded("sgdata", datasets.ReadOptions{})
	first, last, cut := 1, 12, 7.0
	run, err := workflow.Gains(workflow.EmbeddedSource(info, t), workflow.GainsOptions{
		Wide: datasets.WideSpec{Prefix: "bdi_s"}, First: &first, Last: &last, Cutoff: &cut})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(run.Gains), "sudden gains in", run.WithGain, "of", run.Patients, "patients")
	// Output:
	// 24 sudden gains in 15 of 43 patients
}
