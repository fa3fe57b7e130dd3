package jsonout

import (
	"bytes"
	"encoding/json"
	"math"
	"testing"
)

type inner struct {
	A float64 `json:"a"`
}

type sample struct {
	K     int               `json:"k"`
	P     float64           `json:"p"`
	Skip  string            `json:"-"`
	Empty []float64         `json:"empty,omitempty"`
	CI    [2]float64        `json:"ci"`
	In    *inner            `json:"in"`
	Nil   *inner            `json:"nil"`
	M     map[string]int    `json:"m"`
	L     []inner           `json:"l"`
	Named map[string]string `json:"named,omitempty"`
	inner
}

func TestMatchesEncodingJSONAndNullsNaN(t *testing.T) {
	s := sample{K: 3, P: 0.0123, Skip: "x", CI: [2]float64{-1e-7, 2e21}, In: &inner{1.5}, M: map[string]int{"b": 2, "a": 1}, L: []inner{{2}}, inner: inner{A: 7}}
	var got bytes.Buffer
	if err := Write(&got, s); err != nil {
		t.Fatal(err)
	}
	want, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if got.String() != string(want)+"\n" {
		t.Fatalf("Write differs from encoding/json:\n%s\nwant\n%s", got.String(), want)
	}

	s.P = math.NaN()
	s.CI[1] = math.Inf(1)
	got.Reset()
	if err := Write(&got, s); err != nil {
		t.Fatal(err)
	}
	var back map[string]any
	if err := json.Unmarshal(got.Bytes(), &back); err != nil {
		t.Fatalf("output is not valid JSON: %v\n%s", err, got.String())
	}
	if back["p"] != nil {
		t.Errorf("NaN should be null, got %v", back["p"])
	}
	if ci := back["ci"].([]any); ci[1] != nil {
		t.Errorf("+Inf should be null, got %v", ci[1])
	}
}
