package rupture

import (
	"bytes"
	"encoding/gob"
)

// The accumulators of a partitioned analysis travel between workers (an
// Apache Beam runner encodes them between stages: cmd/alliance-beam,
// docs/scale.md), so Tally and SampleStats encode themselves with
// encoding/gob: every count and sum exactly, NaN included.

type tallyWire struct {
	S                            Summary
	Classes                      [5]int
	SumRepair, SumDrop, SumDepth float64
	NDrop, NDepth                int
	Therapists                   map[string]TherapistSummary
}

// GobEncode encodes every count and sum of t.
func (t *Tally) GobEncode() ([]byte, error) {
	w := tallyWire{S: t.s, Classes: t.classes, SumRepair: t.sumRepair, SumDrop: t.sumDrop, SumDepth: t.sumDepth, NDrop: t.nDrop, NDepth: t.nDepth}
	if len(t.therapists) > 0 {
		w.Therapists = make(map[string]TherapistSummary, len(t.therapists))
		for k, v := range t.therapists {
			w.Therapists[k] = *v
		}
	}
	var b bytes.Buffer
	err := gob.NewEncoder(&b).Encode(w)
	return b.Bytes(), err
}

// GobDecode restores a Tally encoded by GobEncode.
func (t *Tally) GobDecode(data []byte) error {
	var w tallyWire
	if err := gob.NewDecoder(bytes.NewReader(data)).Decode(&w); err != nil {
		return err
	}
	*t = Tally{s: w.S, classes: w.Classes, sumRepair: w.SumRepair, sumDrop: w.SumDrop, sumDepth: w.SumDepth, nDrop: w.NDrop, nDepth: w.NDepth}
	if len(w.Therapists) > 0 {
		t.therapists = make(map[string]*TherapistSummary, len(w.Therapists))
		for k, v := range w.Therapists {
			v := v
			t.therapists[k] = &v
		}
	}
	return nil
}

type sampleWire struct {
	SSWithin float64
	DFWithin int
	N        int
	Mean, M2 float64
}

// GobEncode encodes the sums of a.
func (a *SampleStats) GobEncode() ([]byte, error) {
	var b bytes.Buffer
	err := gob.NewEncoder(&b).Encode(sampleWire{a.ssWithin, a.dfWithin, a.n, a.mean, a.m2})
	return b.Bytes(), err
}

// GobDecode restores SampleStats encoded by GobEncode.
func (a *SampleStats) GobDecode(data []byte) error {
	var w sampleWire
	if err := gob.NewDecoder(bytes.NewReader(data)).Decode(&w); err != nil {
		return err
	}
	*a = SampleStats{ssWithin: w.SSWithin, dfWithin: w.DFWithin, n: w.N, mean: w.Mean, m2: w.M2}
	return nil
}
