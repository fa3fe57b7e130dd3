package workflow

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/alliance-research/alliance/analysis/jsonout"
)

// The ruptures R code reproduces the outcomes by class, every two-group
// effect and the ANCOVA from the classes alliance wrote (ruptures.json);
// the episodes (no R reference) and the session model are not compared.
// Skipped without R, metafor and jsonlite.
func TestRupturesRCodeRunsInR(t *testing.T) {
	rs := rscript(t, "metafor", "jsonlite")
	run, err := Ruptures(embedded(t, "demo-sessions"), RupturesOptions{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := jsonout.Marshal(run)
	if err != nil {
		t.Fatal(err)
	}
	f := filepath.Join(t.TempDir(), "ruptures.json")
	if err := os.WriteFile(f, b, 0o644); err != nil {
		t.Fatal(err)
	}
	code := "file.copy(" + rStr(f) + ", \"ruptures.json\", overwrite = TRUE)\n" + run.Steps()[0].RCode
	objs := runRCode(t, rs, code, "demo-sessions")
	lists := map[string]string{"class_outcomes": "class", "effects": "contrast"}
	ours, r := decoded(t, run), objs[len(objs)-1]
	keyed(ours, lists)
	keyed(r, lists)
	o, rr := map[string]float64{}, map[string]float64{}
	for _, k := range []string{"class_outcomes", "effects", "ancova"} {
		flatten(map[string]any{k: ours[k]}, "", o)
		flatten(map[string]any{k: r[k]}, "", rr)
	}
	compareJSON(t, "ruptures", o, rr, tolEst)
}
