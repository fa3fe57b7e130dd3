package workflow

import (
	"fmt"
	"strings"
	"testing"

	"github.com/alliance-research/alliance/analysis/internal/golden"
	"github.com/alliance-research/alliance/datasets"
)

// konstantopoulosSource is dat.konstantopoulos2011 as the metamv_bias
// golden recorded it (metadat; district/school), as a CSV table.
func konstantopoulosSource(t *testing.T) (Source, goldenMVBias) {
	t.Helper()
	var g struct{ Konstantopoulos goldenMVBias }
	if err := golden.Load("metamv_bias.json", &g); err != nil {
		t.Fatal(err)
	}
	d := g.Konstantopoulos.Data
	var b strings.Builder
	b.WriteString("yi,vi,district,school\n")
	for i := range d.Yi {
		fmt.Fprintf(&b, "%v,%v,%s,%s\n", d.Yi[i], d.Vi[i], d.Outer[i], d.Inner[i])
	}
	tab, err := datasets.ReadBytes("konstantopoulos2011.csv", []byte(b.String()), datasets.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return FileSource("konstantopoulos2011.csv", tab), g.Konstantopoulos
}

type goldenMVReg struct {
	Beta, SE, T, DF, P []float64
	CILB               []float64 `json:"ci_lb"`
	CIUB               []float64 `json:"ci_ub"`
}

type goldenMVBias struct {
	Data struct {
		Yi, Vi       []float64
		Outer, Inner []string
	}
	Fits []struct {
		Rho        float64
		PET, PEESE goldenMVReg
	}
}

// meta --cluster district/school --bias --pet-peese gives metamv.Bias's
// numbers, which equal metafor 3.8-1 rma.mv + clubSandwich 0.5.8 CR2
// (golden metamv_bias.json) on dat.konstantopoulos2011, with ρ = 0 and .6;
// the methods for independent effects are not run, and a note says so.
func TestMetaClusterBiasGolden(t *testing.T) {
	src, g := konstantopoulosSource(t)
	for _, f := range g.Fits {
		o := MetaOptions{Yi: "yi", Vi: "vi", Cluster: "district/school", Bias: true, PETPEESE: true, NoProfile: true, Rho: f.Rho, RhoSet: f.Rho != 0}
		run, err := Meta(src, o)
		if err != nil {
			t.Fatal(err)
		}
		b := run.ThreeLevelBias
		if b == nil || b.Egger == nil || b.PETPEESE == nil {
			t.Fatalf("rho %g: no multilevel bias result", f.Rho)
		}
		if b.Rank != nil || b.TrimFill != nil || b.FSN != nil {
			t.Errorf("rho %g: a method for independent effects ran", f.Rho)
		}
		e, pet, peese := b.Egger, f.PET, f.PEESE
		// σ² are where nlminb stopped (rel.tol 1e-11): 2e-5 as metamv's own golden test
		for _, c := range []struct {
			name      string
			got, want float64
		}{
			{"slope", e.Slope, pet.Beta[1]}, {"t", e.Statistic, pet.T[1]}, {"df", *e.DF, pet.DF[1]}, {"p", e.P, pet.P[1]},
			{"PET intercept", *e.Estimate, pet.Beta[0]}, {"PET se", *e.SE, pet.SE[0]}, {"PET ci_lb", *e.CILB, pet.CILB[0]}, {"PET ci_ub", *e.CIUB, pet.CIUB[0]},
			{"PEESE intercept", *b.PETPEESE.PEESE.Estimate, peese.Beta[0]}, {"PEESE ci_lb", *b.PETPEESE.PEESE.CILB, peese.CILB[0]},
		} {
			if !relClose(c.got, c.want, 2e-5) {
				t.Errorf("rho %g %s = %.10g, metafor+clubSandwich %.10g", f.Rho, c.name, c.got, c.want)
			}
		}
		if len(run.top) == 0 || !strings.Contains(run.top[len(run.top)-1].Text, "assume independent effects") {
			t.Errorf("rho %g: no note on the methods not run: %+v", f.Rho, run.top)
		}
		out := oursJSON(t, run.Output())
		if v, ok := out["bias.egger.statistic"]; !ok || v != e.Statistic {
			t.Errorf("JSON bias.egger.statistic %v %v", v, ok)
		}
		if _, ok := out["bias.pet_peese.peese.estimate"]; !ok {
			t.Errorf("JSON has no bias.pet_peese.peese.estimate: %v", out)
		}
		steps := run.Steps()
		if len(steps) != 1 || !strings.Contains(steps[0].Command, "--bias") || !strings.Contains(steps[0].Command, "--pet-peese") ||
			!strings.Contains(steps[0].RCode, `mods = ~ sqrt(vi)`) || !strings.Contains(steps[0].RCode, `vcov = "CR2"`) {
			t.Errorf("reproduction: %+v", steps)
		}
	}
}

// The printed R code, run in R, gives the JSON alliance gives (every
// number, bias.egger and bias.pet_peese included).
func TestMetaClusterBiasRCodeRunsInR(t *testing.T) {
	rs := rscript(t, "metafor", "jsonlite", "clubSandwich")
	src, _ := konstantopoulosSource(t)
	for _, rho := range []float64{0, 0.6} {
		run, err := Meta(src, MetaOptions{Yi: "yi", Vi: "vi", Cluster: "district/school", Bias: true, PETPEESE: true, NoProfile: true, Test: "t", Rho: rho, RhoSet: rho != 0})
		if err != nil {
			t.Fatal(err)
		}
		objs := runRCode(t, rs, run.Steps()[0].RCode)
		r := map[string]float64{}
		flatten(objs[len(objs)-1], "", r)
		compareJSON(t, fmt.Sprintf("rho %g", rho), oursJSON(t, run.Output()), r, 2e-5)
	}
}

// Beside a univariate model (as the report asks, ReportMetaOptions), the
// three-level section carries the same multilevel Egger test as the
// three-level model alone, in JSON under three_level.bias, and the
// three-level command line asks for it.
func TestMetaClusterBiasBesideUnivariate(t *testing.T) {
	src, _ := konstantopoulosSource(t)
	alone, err := Meta(src, MetaOptions{Yi: "yi", Vi: "vi", Cluster: "district/school", Bias: true, NoProfile: true})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Meta(src, ReportMetaOptions(MetaOptions{Yi: "yi", Vi: "vi", Cluster: "district/school", NoProfile: true}, false))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Bias == nil || rep.ThreeLevelBias == nil {
		t.Fatalf("report run: univariate bias %v, three-level bias %v", rep.Bias != nil, rep.ThreeLevelBias != nil)
	}
	if a, b := alone.ThreeLevelBias.Egger, rep.ThreeLevelBias.Egger; a.Statistic != b.Statistic || *a.DF != *b.DF || a.P != b.P {
		t.Errorf("report's multilevel Egger %+v differs from the three-level run's %+v", b, a)
	}
	out := oursJSON(t, rep.Output())
	if out["three_level.bias.egger.statistic"] != alone.ThreeLevelBias.Egger.Statistic {
		t.Errorf("three_level.bias.egger.statistic = %v", out["three_level.bias.egger.statistic"])
	}
	found := false
	for _, b := range rep.Section().Blocks {
		if tb, ok := b.(*Table); ok && len(tb.Rows) > 0 && strings.HasPrefix(tb.Rows[0][0], "Multilevel Egger test") {
			found = true
		}
	}
	if !found {
		t.Error("the report's section has no multilevel Egger table")
	}
	if steps := rep.Steps(); len(steps) < 2 || !strings.Contains(steps[1].Command, "--bias") {
		t.Errorf("three-level step: %+v", steps)
	}
}
