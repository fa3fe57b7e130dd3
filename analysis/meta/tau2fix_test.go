package meta

import (
	"encoding/json"
	"testing"

	"github.com/alliance-research/alliance/analysis/jsonout"
)

// A user-specified τ² is not an estimate: the JSON "method" must say so
// (issue #14), while the likelihood of the fit statistics stays named.
func TestTau2FixMethodShown(t *testing.T) {
	yi := []float64{0.1, 0.3, 0.25, 0.4, 0.05}
	vi := []float64{0.01, 0.02, 0.015, 0.03, 0.01}
	tau2 := 0.01
	for _, c := range []struct {
		opt        Options
		method     string
		fitMethod  any
		wantTau2Fx bool
	}{
		{Options{}, REML, nil, false},
		{Options{Method: ML}, ML, nil, false},
		{Options{Tau2: &tau2}, MethodUserTau2, REML, true},
		{Options{Method: ML, Tau2: &tau2}, MethodUserTau2, ML, true},
	} {
		r, err := Fit(yi, vi, c.opt)
		if err != nil {
			t.Fatal(err)
		}
		b, err := jsonout.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		if m["method"] != c.method || m["fit_method"] != c.fitMethod || m["tau2_fix"] != c.wantTau2Fx {
			t.Errorf("%+v: method %v fit_method %v tau2_fix %v; want %v %v %v", c.opt, m["method"], m["fit_method"], m["tau2_fix"], c.method, c.fitMethod, c.wantTau2Fx)
		}
		if c.wantTau2Fx && r.Tau2 != tau2 {
			t.Errorf("tau2 %v, want the given %v", r.Tau2, tau2)
		}
	}
}
