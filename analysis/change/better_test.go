package change

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/alliance-research/alliance/analysis/errs"
)

// TestParseBetter: the two spellings (any case, surrounding space) and a
// typed error for anything else.
func TestParseBetter(t *testing.T) {
	for in, want := range map[string]Better{"lower": Lower, "Higher": Higher, " HIGHER ": Higher, "LOWER": Lower} {
		got, err := ParseBetter(in)
		if err != nil || got != want {
			t.Errorf("ParseBetter(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "low", "up", "1"} {
		_, err := ParseBetter(in)
		var e *errs.Error
		if !errors.As(err, &e) || e.Kind != errs.InvalidOption {
			t.Errorf("ParseBetter(%q): error %v, want an InvalidOption error", in, err)
		}
	}
}

// TestBetterJSON: the JSON spelling is "lower" / "higher" (as the
// better_is field has always been written), it reads back, and an invalid
// value is an error, not a silent "lower".
func TestBetterJSON(t *testing.T) {
	b, err := json.Marshal(struct {
		A Better `json:"a"`
		B Better `json:"b"`
	}{Lower, Higher})
	if err != nil || string(b) != `{"a":"lower","b":"higher"}` {
		t.Fatalf("marshal: %s, %v", b, err)
	}
	var back struct{ A, B Better }
	if err = json.Unmarshal(b, &back); err != nil || back.A != Lower || back.B != Higher {
		t.Errorf("unmarshal %s: %+v, %v", b, back, err)
	}
	if err = json.Unmarshal([]byte(`{"a":"sideways"}`), &back); err == nil {
		t.Error(`unmarshal "sideways": no error`)
	}
	if _, err = json.Marshal(Better(7)); err == nil {
		t.Error("marshal Better(7): no error")
	}
	if _, err = Percentage([]Pair{{ID: "a", Pre: 10, Post: 5}}, 0.5, 0, Better(7)); err == nil {
		t.Error("Percentage with Better(7): no error")
	}
	r, err := Percentage([]Pair{{ID: "a", Pre: 10, Post: 5}, {ID: "b", Pre: 8, Post: 9}}, 0.5, 0, Higher)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if b, err = json.Marshal(r); err != nil {
		t.Fatal(err)
	}
	if err = json.Unmarshal(b, &m); err != nil || m["better_is"] != "higher" {
		t.Errorf("Result JSON better_is = %v (%v), want \"higher\"", m["better_is"], err)
	}
}
