package rupture_test

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/alliance-research/alliance/analysis/change"
	"github.com/alliance-research/alliance/analysis/rupture"
)

// TestDescribeAgreesWithChange: change (clinicalsignificance's pre/post
// means and SDs) and rupture (the outcome of each patient class) describe
// the same eight patients' scores with the same numbers, bit for bit. Until
// both used analysis/internal/describe they did not: change took R's
// two-pass mean and rupture a one-pass mean, which here gives
// 19.325000000000003 for the pre scores (checked below).
//
// By hand: pre Σx = 154.6, mean 773/40 = 19.325, Σ(x − x̄)² = 1103.155, SD
// √(1103.155/7) = 12.553627819422218; post Σx = 129.5, mean 16.1875,
// Σ(x − x̄)² = 793.98875, SD √(793.98875/7) = 10.650209588816283.
func TestDescribeAgreesWithChange(t *testing.T) {
	pre := []float64{1.1, 24.5, 3.7, 30.6, 9.5, 26.6, 32.8, 25.8}
	post := []float64{0.9, 20.1, 3.0, 25.2, 8.8, 20.0, 30.1, 21.4}
	var sum float64
	for _, v := range pre {
		sum += v
	}
	if onePass := sum / float64(len(pre)); onePass == 19.325 {
		t.Fatalf("the one-pass mean is exact here (%v): the data no longer tell the two definitions apart", onePass)
	}

	pairs := make([]change.Pair, len(pre))
	patients := make([]rupture.Patient, len(pre))
	outcomes := make([]rupture.Outcome, len(pre))
	for i := range pre {
		id := fmt.Sprintf("p%d", i+1)
		pairs[i] = change.Pair{ID: id, Pre: pre[i], Post: post[i]}
		patients[i] = rupture.Patient{Patient: id, Class: rupture.ClassNone}
		outcomes[i] = rupture.Outcome{Patient: id, Pre: pre[i], Post: post[i]}
	}
	ch, err := change.Distribution(pairs, change.RCIOptions{Reliability: 0.8})
	if err != nil {
		t.Fatal(err)
	}
	ru, err := rupture.Effects(patients, outcomes, rupture.DefaultEffectOptions())
	if err != nil {
		t.Fatal(err)
	}
	var none *rupture.ClassOutcome
	for i := range ru.Classes {
		if ru.Classes[i].Class == rupture.ClassNone {
			none = &ru.Classes[i]
		}
	}
	if none == nil || none.N != len(pre) {
		t.Fatalf("rupture classes %+v: want all %d patients in class none", ru.Classes, len(pre))
	}
	for _, c := range []struct {
		name           string
		chg, rup, want float64
	}{
		{"mean pre", float64(ch.MPre), float64(none.MeanPre), 19.325},
		{"sd pre", float64(ch.SDPre), float64(none.SDPre), 12.553627819422218},
		{"mean post", float64(ch.MPost), float64(none.MeanPost), 16.1875},
		{"sd post", float64(ch.SDPost), float64(none.SDPost), 10.650209588816283},
	} {
		if c.chg != c.rup {
			t.Errorf("%s: change %v, rupture %v: the packages disagree", c.name, c.chg, c.rup)
		}
		if math.Abs(c.chg-c.want) > 1e-14*c.want {
			t.Errorf("%s = %v, want %v (by hand)", c.name, c.chg, c.want)
		}
	}
}

// TestEffectOptionsJSON: the outcome direction keeps its JSON spelling
// "better": "lower" / "higher" now that it is change.Better.
func TestEffectOptionsJSON(t *testing.T) {
	eo := rupture.DefaultEffectOptions()
	for _, c := range []struct {
		b    change.Better
		want string
	}{{change.Lower, `"better":"lower"`}, {change.Higher, `"better":"higher"`}} {
		eo.Better = c.b
		b, err := json.Marshal(eo)
		if err != nil || !strings.Contains(string(b), c.want) {
			t.Errorf("EffectOptions JSON %s (%v), want it to contain %s", b, err, c.want)
		}
	}
}
