package main

import (
	"bytes"
	"encoding/gob"
	"reflect"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"

	"github.com/alliance-research/alliance/analysis/rupture"
	"github.com/alliance-research/alliance/analysis/sessions"
)

// The accumulators of packages rupture and sessions keep their state
// unexported (rupture) or hold pointers and NaN (sessions), so Beam's
// schema coder cannot carry them: they travel gob-encoded, which keeps
// every float bit for bit.

func gobEncode[T any](v T) ([]byte, error) {
	var b bytes.Buffer
	err := gob.NewEncoder(&b).Encode(&v)
	return b.Bytes(), err
}

func gobDecode[T any](data []byte) (T, error) {
	var v T
	err := gob.NewDecoder(bytes.NewReader(data)).Decode(&v)
	return v, err
}

// LMMPart is a gob-encoded *sessions.Stats: the session model's
// sufficient statistics of some patients.
type LMMPart struct {
	Gob []byte
}

func lmmPart(s *sessions.Stats) (LMMPart, error) {
	b, err := gobEncode(s)
	return LMMPart{Gob: b}, err
}

func (p LMMPart) stats() (*sessions.Stats, error) {
	return gobDecode[*sessions.Stats](p.Gob)
}

// mergeLMM adds the statistics of two parts (sessions.Stats.Merge).
func mergeLMM(a, b LMMPart) (LMMPart, error) {
	if len(a.Gob) == 0 {
		return b, nil
	}
	if len(b.Gob) == 0 {
		return a, nil
	}
	sa, err := a.stats()
	if err != nil {
		return a, err
	}
	sb, err := b.stats()
	if err != nil {
		return a, err
	}
	if err := sa.Merge(sb); err != nil {
		return a, err
	}
	return lmmPart(sa)
}

// The coders are named functions, not instances of gobEncode: a portable
// runner finds a coder's functions by symbol name, and every instance of
// a generic function has the same one.
func encTally(t rupture.Tally) ([]byte, error)        { return gobEncode(t) }
func decTally(b []byte) (rupture.Tally, error)        { return gobDecode[rupture.Tally](b) }
func encSample(s rupture.SampleStats) ([]byte, error) { return gobEncode(s) }
func decSample(b []byte) (rupture.SampleStats, error) { return gobDecode[rupture.SampleStats](b) }

func init() {
	beam.RegisterCoder(reflect.TypeOf(rupture.Tally{}), encTally, decTally)
	beam.RegisterCoder(reflect.TypeOf(rupture.SampleStats{}), encSample, decSample)
}
