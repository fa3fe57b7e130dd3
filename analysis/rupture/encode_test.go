package rupture

import (
	"bytes"
	"encoding/gob"
	"encoding/json"
	"math"
	"testing"
)

// TestGobRoundTrip: a Tally and SampleStats sent through gob (as between
// the workers of a partitioned run) and merged give the Summary and SDs
// of the whole sample.
func TestGobRoundTrip(t *testing.T) {
	series := []Series{
		{Patient: "a", Therapist: "T1", Score: []float64{5, 5, 3, 5, 5, 5}},
		{Patient: "b", Therapist: "T1", Score: []float64{4, 4.5, 4, 2, 2.5, 2}},
		{Patient: "c", Therapist: "T2", Score: []float64{3, math.NaN(), 3.5, 3, 3.2, 3.1}},
		{Patient: "d", Score: []float64{4}},
	}
	var whole SampleStats
	for _, s := range series {
		whole.Add(s.Score)
	}
	o, err := PrepareFrom(&whole, DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	d, err := NewDetector(o)
	if err != nil {
		t.Fatal(err)
	}
	var all Tally
	parts := make([]Tally, 2)
	samples := make([]SampleStats, 2)
	for i, s := range series {
		p, eps, err := d.Patient(s, nil)
		if err != nil {
			t.Fatal(err)
		}
		all.Add(p, eps)
		parts[i%2].Add(p, eps)
		samples[i%2].Add(s.Score)
	}
	send := func(v, out any) {
		var b bytes.Buffer
		if err := gob.NewEncoder(&b).Encode(v); err != nil {
			t.Fatal(err)
		}
		if err := gob.NewDecoder(&b).Decode(out); err != nil {
			t.Fatal(err)
		}
	}
	var merged Tally
	var sample SampleStats
	for k := range parts {
		var tk Tally
		var sk SampleStats
		send(&parts[k], &tk)
		send(&samples[k], &sk)
		merged.Merge(&tk)
		sample.Merge(&sk)
	}
	if all.Summary().Episodes == 0 {
		t.Fatal("the series should have ruptures")
	}
	a, _ := json.Marshal(all.Summary())
	b, _ := json.Marshal(merged.Summary())
	if !bytes.Equal(a, b) {
		t.Errorf("merged summary\n%s\nwant\n%s", b, a)
	}
	if math.Abs(sample.PooledWithinSD()-whole.PooledWithinSD()) > 1e-14 || math.Abs(sample.TotalSD()-whole.TotalSD()) > 1e-14 || sample.N() != whole.N() {
		t.Errorf("merged SDs %v %v (n %d), want %v %v (n %d)", sample.PooledWithinSD(), sample.TotalSD(), sample.N(), whole.PooledWithinSD(), whole.TotalSD(), whole.N())
	}
}
