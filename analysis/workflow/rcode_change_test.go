package workflow

import (
	"fmt"
	"testing"
)

// The change R code (base R for the Jacobson–Truax method and the
// percentage approach, the clinicalsignificance call commented)
// reproduces every number, flag and category of the change output;
// skipped without R and jsonlite.
func TestChangeRCodeRunsInR(t *testing.T) {
	rs := rscript(t, "jsonlite")
	f := func(x float64) *float64 { return &x }
	ex := func(o ChangeOptions) ChangeOptions { o, _ = ChangeExample(o); return o }
	for _, c := range []struct {
		name string
		opt  ChangeOptions
	}{
		{"combined-c", ex(ChangeOptions{})},
		{"distribution-90", ex(ChangeOptions{Approach: "distribution", Level: 0.9})},
		{"statistical-a", ex(ChangeOptions{Approach: "statistical", CutoffType: "a"})},
		{"combined-b-clinical-norms", ex(ChangeOptions{CutoffType: "b", MClinical: f(25), SDClinical: f(4)})},
		{"combined-b-functional-sd", ex(ChangeOptions{CutoffType: "b", BFunctionalSD: true})},
		{"first-last", ChangeOptions{Score: "hamd", Reliability: f(0.8), Approach: "distribution"}},
		{"percentage", ex(ChangeOptions{Approach: "percentage", PctImprovement: f(0.5), PctDeterioration: f(0.3)})},
		{"higher-better", ex(ChangeOptions{Score: "who", HigherBetter: true, CutoffType: "a"})},
	} {
		t.Run(c.name, func(t *testing.T) {
			run, err := Change(embedded(t, "claus2020"), c.opt)
			if err != nil {
				t.Fatal(err)
			}
			objs := runRCode(t, rs, run.Steps()[0].RCode, "claus2020")
			lists := map[string]string{"persons": "id", "summary": "category"}
			ours, r := decoded(t, run), objs[len(objs)-1]
			keyed(ours, lists)
			keyed(r, lists)
			o, rr := map[string]float64{}, map[string]float64{}
			flattenB(ours, "", o, true)
			flattenB(r, "", rr, true)
			compareJSON(t, c.name, o, rr, tolEst)
			// the category of every patient
			op, _ := ours["persons"].(map[string]any)
			rp, _ := r["persons"].(map[string]any)
			for id, p := range op {
				q, _ := rp[id].(map[string]any)
				if got, want := fmt.Sprint(q["category"]), fmt.Sprint(p.(map[string]any)["category"]); got != want {
					t.Errorf("%s: patient %s: category %s in R, %s here", c.name, id, got, want)
				}
			}
		})
	}
}
