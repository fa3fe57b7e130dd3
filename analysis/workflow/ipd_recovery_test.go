package workflow

import (
	"bytes"
	"math"
	"testing"

	"github.com/alliance-research/alliance/datasets"
	"github.com/alliance-research/alliance/datasets/simulate"
)

func simulatedIPD(t *testing.T, k, patients int, sd float64, seed int64) (Source, simulate.MultiStudySummary) {
	t.Helper()
	p := simulate.DefaultSessionParams()
	p.Seed, p.Patients, p.Therapists = seed, patients, patients/10
	var b bytes.Buffer
	sum, err := simulate.WriteMultiStudyCSV(&b, p, k, sd, nil)
	if err != nil {
		t.Fatal(err)
	}
	tab, err := datasets.ReadBytes("sim.csv", b.Bytes(), datasets.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return FileSource("sim.csv", tab), sum
}

// Recovery of the planted between-study heterogeneity of the within
// effect (simulate sessions --studies): the lagged model with the
// outcome at t controlled may estimate an attenuated within effect a·β
// (rounding, clipping, Nickell bias), so a is measured on
// homogeneous studies (study SD 0, where stage 2 must find no
// heterogeneity: Q p > .01), and with study SD 0.6 stage 2 must find it
// (Q p < .001), τ̂ must lie within a factor 2 of a·0.6, and the stage-1
// estimates must follow the planted effects (correlation > .7). With
// large studies the one-stage estimate agrees with the two-stage one
// within their SEs (Riley et al. 2023).
func TestIPDRecoversHeterogeneity(t *testing.T) {
	src0, _ := simulatedIPD(t, 12, 100, 0, 11)
	run0, err := IPD(src0, IPDOptions{Terms: []string{"within"}, Test: "z"})
	if err != nil {
		t.Fatal(err)
	}
	m0 := run0.pooledTerm("within").Model
	a := m0.Coefficients[0].Estimate / simulate.DefaultSessionParams().WithinEffect
	if !(a > 0.4 && a < 1.1) || !(*m0.QEP > 0.01) {
		t.Fatalf("homogeneous studies: attenuation %v, Q p %v", a, *m0.QEP)
	}
	const sd = 0.6
	src, sum := simulatedIPD(t, 12, 100, sd, 12)
	run, err := IPD(src, IPDOptions{Terms: []string{"within"}, Test: "z"})
	if err != nil {
		t.Fatal(err)
	}
	m := run.pooledTerm("within").Model
	if !(*m.QEP < 0.001) || !(m.Tau > a*sd/2 && m.Tau < 2*a*sd) {
		t.Errorf("heterogeneous studies: Q p %v, τ %v (planted %v, attenuated %v)", *m.QEP, m.Tau, sd, a*sd)
	}
	var x, y []float64
	for i, s := range run.Stage1 {
		if s.Study != sum.Studies[i].Study {
			t.Fatalf("study order %s vs %s", s.Study, sum.Studies[i].Study)
		}
		x, y = append(x, sum.Studies[i].WithinEffect), append(y, s.Estimate)
	}
	t.Logf("attenuation %.3f, Q p (SD 0) %.3g, Q p (SD %v) %.3g, τ %.3f, r %.3f, comparisons %+v %+v", a, *m0.QEP, sd, *m.QEP, m.Tau, corr(x, y), run0.Comparison, run.Comparison)
	if r := corr(x, y); !(r > 0.7) {
		t.Errorf("stage-1 estimates vs planted effects: r = %v", r)
	}
	for _, rr := range []*IPDRun{run0, run} {
		if len(rr.Comparison) != 1 || rr.Comparison[0].Disagree {
			t.Errorf("one-stage vs two-stage: %+v", rr.Comparison)
		}
	}
}

func corr(x, y []float64) float64 {
	var mx, my float64
	for i := range x {
		mx += x[i]
		my += y[i]
	}
	mx /= float64(len(x))
	my /= float64(len(y))
	var sxy, sxx, syy float64
	for i := range x {
		sxy += (x[i] - mx) * (y[i] - my)
		sxx += (x[i] - mx) * (x[i] - mx)
		syy += (y[i] - my) * (y[i] - my)
	}
	return sxy / math.Sqrt(sxx*syy)
}
