package workflow

import (
	"math"
	"testing"
)

// TestSessionsByPatientMatchesRows: the workflow's fit from per-patient
// sufficient statistics (tables larger than maxRowsFit) gives the fit on
// the derived rows: on demo-sessions, with the concurrent model too, every
// effect to 1e-6 and the log-likelihood to 1e-10.
func TestSessionsByPatientMatchesRows(t *testing.T) {
	for _, opt := range []SessionsOptions{{Concurrent: true}, {Centring: "person", RandomSlope: true}, {Model: "growth"}} {
		rows, err := Sessions(embedded(t, "demo-sessions"), opt)
		if err != nil {
			t.Fatal(err)
		}
		saved := maxRowsFit
		maxRowsFit = 0
		stats, err := Sessions(embedded(t, "demo-sessions"), opt)
		maxRowsFit = saved
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(rows.LogLik-stats.LogLik) > 1e-10*math.Abs(rows.LogLik) || rows.Formula != stats.Formula || rows.NObs != stats.NObs {
			t.Errorf("%+v: logLik %v / %v, formula %q / %q", opt, rows.LogLik, stats.LogLik, rows.Formula, stats.Formula)
		}
		if len(rows.Effects) != len(stats.Effects) {
			t.Fatalf("%+v: %d / %d effects", opt, len(rows.Effects), len(stats.Effects))
		}
		for i, e := range rows.Effects {
			f := stats.Effects[i]
			if e.Name != f.Name || math.Abs(e.Estimate-f.Estimate) > 1e-6*math.Max(1, math.Abs(e.Estimate)) || math.Abs(e.SE-f.SE) > 1e-6*e.SE {
				t.Errorf("%+v: %s %v (%v) / %s %v (%v)", opt, e.Name, e.Estimate, e.SE, f.Name, f.Estimate, f.SE)
			}
		}
		if (rows.ConcurrentModel == nil) != (stats.ConcurrentModel == nil) {
			t.Errorf("%+v: concurrent model in one path only", opt)
		}
	}
}
