package workflow

import (
	"strconv"
	"strings"
	"testing"

	"github.com/alliance-research/alliance/datasets"
)

func ip(i int) *int { return &i }

// TestGainsVignette runs the suddengains vignette (sgdata, bdi_s1..12,
// cutoff 7): 24 sudden gains in create_bysg (vignette_output_bysg.csv), and
// create_byperson(multiple_sg_select = "largest") keeps one row per patient.
func TestGainsVignette(t *testing.T) {
	src := sessEmbedded(t, "sgdata")
	opt := GainsOptions{Wide: datasets.WideSpec{Prefix: "bdi_s"}, First: ip(1), Last: ip(12), Cutoff: fp(7)}
	run, err := Gains(src, opt)
	if err != nil {
		t.Fatal(err)
	}
	if len(run.Gains) != 24 || run.Summary.SGTotalN != 24 || run.Patients != 43 {
		t.Fatalf("%d gains (summary %d) of %d patients; vignette 24 of 43", len(run.Gains), run.Summary.SGTotalN, run.Patients)
	}
	tab := run.Section().Tables()[0]
	if len(tab.Rows) != 24 || len(run.Tidy().Rows) != 24 {
		t.Errorf("table rows %d, tidy %d", len(tab.Rows), len(run.Tidy().Rows))
	}
	if r := run.Steps()[0].RCode; !strings.Contains(r, "create_bysg(") || !strings.Contains(r, "sg_crit1_cutoff = 7") || !strings.Contains(r, `paste0("bdi_s", 1:12)`) {
		t.Errorf("R code:\n%s", r)
	}
	opt.ByPerson, opt.Select = true, "largest"
	run, err = Gains(src, opt)
	if err != nil {
		t.Fatal(err)
	}
	if len(run.ByPerson) != 43 || run.Persons.SGN != run.WithGain {
		t.Errorf("byperson %d rows, %d with gain vs %d", len(run.ByPerson), run.Persons.SGN, run.WithGain)
	}
}

// TestCrit1FromReliability: SD of the first session's scores (2, 4, 6 → 2)
// and r = .75: SEM = 1, S_diff = √2, cutoff 1.96·√2 (define_crit1_cutoff).
func TestCrit1FromReliability(t *testing.T) {
	csv := "patient,session,outcome\n"
	for i, first := range []int{2, 4, 6} {
		for s := 1; s <= 5; s++ {
			csv += string(rune('a'+i)) + "," + strconv.Itoa(s) + "," + strconv.Itoa(first+10-s) + "\n"
		}
	}
	tab, err := datasets.Read("g.csv", strings.NewReader(csv), datasets.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	run, err := Gains(FileSource("g.csv", tab), GainsOptions{Reliability: fp(.75)})
	if err != nil {
		t.Fatal(err)
	}
	want := 1.96 * 1.4142135623730951
	if run.RCI == nil || abs(run.RCI.SD-2) > 1e-12 || abs(run.RCI.ReliableChange-want) > 1e-12 || abs(*run.Criteria.Cutoff-want) > 1e-12 {
		t.Errorf("rci %+v cutoff %v, want SD 2 and %v", run.RCI, run.Criteria.Cutoff, want)
	}
	if _, err := Gains(FileSource("g.csv", tab), GainsOptions{}); err == nil {
		t.Error("no criterion 1: no error")
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}
