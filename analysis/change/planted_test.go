package change

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
)

// plant builds a series of n sessions: level 30 with a deterministic wobble
// of at most ±1, dropping by size (rising for size < 0) from position at+1 on.
func plant(n int, wobble uint32, drops map[int]float64) []float64 {
	x := make([]float64, n)
	level := 30.0
	s := wobble
	for i := range x {
		if d, ok := drops[i-1]; ok {
			level -= d
		}
		s = s*1664525 + 1013904223
		x[i] = level + float64(int(s>>16)%3-1) // −1, 0 or +1
	}
	return x
}

// TestPlantedGains: gains and losses planted by hand are found exactly, at
// the planted sessions, with the planted magnitude ±2 (the wobble), and
// nothing else is found.
func TestPlantedGains(t *testing.T) {
	cases := []struct {
		n     int
		drops map[int]float64 // pregain position → size of the drop
	}{
		{20, map[int]float64{5: 12}},
		{20, map[int]float64{3: 10, 12: 9}},
		{12, map[int]float64{1: 15}},  // first examinable interval
		{12, map[int]float64{8: 12}},  // last examinable interval
		{20, map[int]float64{9: -12}}, // a loss
		{20, nil},
	}
	for k, tc := range cases {
		x := plant(tc.n, uint32(k+1), tc.drops)
		for _, dir := range []Direction{Gains, Losses} {
			cutoff := 7.0
			if dir == Losses {
				cutoff = -7
			}
			c := DefaultCriteria(dir, cutoff)
			c.LossPct = LossPctIntended
			gains, err := ByGain([]Series{NewSeries("p", x)}, c)
			if err != nil {
				t.Fatal(err)
			}
			want := map[int]bool{}
			for p, d := range tc.drops {
				if (d > 0) == (dir == Gains) {
					want[p] = true
				}
			}
			if len(gains) != len(want) {
				t.Errorf("case %d %v: found %d, planted %d (%v)", k, dir, len(gains), len(want), x)
				continue
			}
			for _, g := range gains {
				if !want[g.Position] || g.Session != g.Position+1 {
					t.Errorf("case %d %v: gain at position %d session %d not planted", k, dir, g.Position, g.Session)
				}
				if d := tc.drops[g.Position]; math.Abs(float64(g.Magnitude)-d) > 2 {
					t.Errorf("case %d: magnitude %v, planted %v", k, g.Magnitude, d)
				}
				if g.FreqByPerson != len(want) {
					t.Errorf("case %d: freq %d, want %d", k, g.FreqByPerson, len(want))
				}
			}
		}
	}
}

// TestLossPctRule: identify_sl's relative criterion x[p] − x[p+1] ≤ pct·x[p]
// holds for every rise on a positive scale; the intended rule needs a rise of
// at least pct·x[p]. A rise of 8 from 40 (20 %) is a loss under the package
// rule and not under the intended one.
func TestLossPctRule(t *testing.T) {
	x := []float64{40, 40, 40, 40, 48, 48, 48, 48}
	c := DefaultCriteria(Losses, -7)
	got, err := ByGain([]Series{NewSeries("a", x)}, c)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Session != 4 || got[0].Magnitude != -8 || got[0].ChangeProportion != -1 {
		t.Errorf("package rule: %+v, want one loss at session 4, magnitude -8, proportion |−8|/(40−48) = −1", got)
	}
	c.LossPct = LossPctIntended
	if got, _ := ByGain([]Series{NewSeries("a", x)}, c); len(got) != 0 {
		t.Errorf("intended rule: %+v, want none", got)
	}
}

// TestReversalRule: one gain (30 → 18 at session 3) whose score two sessions
// after the pregain (25) is above the reversal value 24 and no later score
// is. create_bysg looks from x[p+3] without identify_sg_1to2 (no reversal)
// and from x[p+2] with it (reversal); ReversalFromN2 always from x[p+2].
func TestReversalRule(t *testing.T) {
	x := []float64{30, 30, 30, 18, 25, 18, 18}
	for _, tc := range []struct {
		baseline, fromN2 bool
		session          int
		reversal         bool
	}{
		{false, false, 3, false},
		{false, true, 3, true},
		{true, false, 2, true},
	} {
		c := DefaultCriteria(Gains, 7)
		c.BaselineFirst, c.ReversalFromN2 = tc.baseline, tc.fromN2
		g, err := ByGain([]Series{NewSeries("a", x)}, c)
		if err != nil {
			t.Fatal(err)
		}
		if len(g) != 1 || g[0].Session != tc.session || g[0].ReversalValue != 24 || g[0].Reversal != tc.reversal {
			t.Errorf("%+v: %+v", tc, g)
		}
	}
}

// TestCriteriaSwitches: each criterion can be switched off; a fixed critical
// value replaces the adjusted one; validation errors name the problem.
func TestCriteriaSwitches(t *testing.T) {
	// 30,30,30 → 24,24,24: drop 6 (< 7, ≥ 25 %? no: 6 < 7.5), perfectly stable.
	x := []float64{30, 30, 30, 24, 24, 24}
	count := func(c Criteria) int {
		g, err := ByGain([]Series{NewSeries("a", x)}, c)
		if err != nil {
			t.Fatal(err)
		}
		return len(g)
	}
	c := DefaultCriteria(Gains, 7)
	if count(c) != 0 {
		t.Error("all criteria: gain of 6 accepted")
	}
	c.NoCutoff = true
	if count(c) != 0 {
		t.Error("no cutoff: 6 < 25 % of 30 accepted")
	}
	c.NoPct = true
	if count(c) != 1 {
		t.Error("stability only: stable drop rejected")
	}
	c = DefaultCriteria(Gains, 5)
	c.NoStability = true
	if count(c) != 0 {
		t.Error("cutoff 5 + pct: 6 < 7.5 accepted")
	}
	c.Pct = 0.2
	if count(c) != 1 {
		t.Error("cutoff 5 + pct .2: rejected")
	}
	// Fixed critical value: with pooled SD 1 and a mean drop of 3, 2.776 accepts and 3.5 rejects.
	c = DefaultCriteria(Gains, 0)
	c.NoCutoff, c.NoPct, c.FixedCritical, c.CriticalValue = true, true, true, 3.5
	d, _ := NewDetector(c)
	iv := d.Intervals([]float64{31, 30, 29, 28, 27, 26}, nil)
	if iv[1].Met != No || float64(iv[1].CriticalValue) != 3.5 {
		t.Errorf("fixed 3.5: %+v", iv[1])
	}
	c.CriticalValue = 2.776
	d, _ = NewDetector(c)
	if iv := d.Intervals([]float64{31, 30, 29, 28, 27, 26}, nil); iv[1].Met != Yes {
		t.Errorf("fixed 2.776: %+v", iv[1])
	}
	for _, bad := range []Criteria{
		{Direction: Gains, NoCutoff: true, NoPct: true, NoStability: true},
		DefaultCriteria(Gains, -7),
		DefaultCriteria(Losses, 7),
		{Direction: Gains, Cutoff: 7, Pct: .25, Alpha: 1.5},
		{Direction: Gains, Cutoff: math.NaN(), Pct: .25, Alpha: .05},
	} {
		if _, err := NewDetector(bad); err == nil {
			t.Errorf("%+v: no error", bad)
		}
	}
}

// TestFindNoAlloc: streaming one patient into a reused buffer allocates nothing.
func TestFindNoAlloc(t *testing.T) {
	d, _ := NewDetector(DefaultCriteria(Gains, 7))
	s := NewSeries("p", plant(20, 7, map[int]float64{4: 12, 11: 10}))
	buf := d.Find(s, nil)
	if len(buf) != 2 {
		t.Fatalf("%d gains", len(buf))
	}
	if a := testing.AllocsPerRun(100, func() { buf = d.Find(s, buf[:0]) }); a != 0 {
		t.Errorf("%v allocations per patient", a)
	}
}

// TestSeriesFromLong: positions follow session labels, gaps are NaN,
// duplicates and out-of-range sessions are errors.
func TestSeriesFromLong(t *testing.T) {
	s, err := SeriesFromLong([]string{"b", "a", "b", "a"}, []int{1, 3, 3, 1}, []float64{5, 6, 7, 8}, 1, 4)
	if err != nil {
		t.Fatal(err)
	}
	if len(s) != 2 || s[0].ID != "b" || s[1].ID != "a" || s[0].At(0) != 5 || !math.IsNaN(s[0].At(1)) || s[0].At(2) != 7 || s[0].Start != 5 || !math.IsNaN(s[0].End) {
		t.Errorf("%+v", s)
	}
	if _, err := SeriesFromLong([]string{"a", "a"}, []int{1, 1}, []float64{1, 2}, 1, 4); err == nil || !strings.Contains(err.Error(), "twice") {
		t.Errorf("duplicate: %v", err)
	}
	if _, err := SeriesFromLong([]string{"a"}, []int{9}, []float64{1}, 1, 4); err == nil {
		t.Error("out of range: no error")
	}
}

// TestGainJSON: field names and null for missing values.
func TestGainJSON(t *testing.T) {
	g := Gain{Patient: "7", Session: 3, Magnitude: 11, X2n: Float(math.NaN()), ChangeProportion: Float(math.Inf(1)), Reversal: true}
	b, err := json.Marshal(g)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"id_sg":"7_sg_3"`, `"patient":"7"`, `"session":3`, `"magnitude":11`, `"x_2n":null`, `"change_proportion":null`, `"reversal":true`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("%s lacks %s", b, want)
		}
	}
}

// TestResultJSON: results with missing values encode (NaN → null).
func TestResultJSON(t *testing.T) {
	r, err := Distribution([]Pair{{ID: "a", Pre: 30, Post: 10}, {ID: "b", Pre: 20, Post: 18}, {ID: "c", Pre: math.NaN(), Post: 1}}, RCIOptions{Reliability: .8, Method: HLL})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"approach":"distribution"`, `"method":"HLL"`, `"n_original":3`, `"n_used":2`, `"s_diff":null`, `"category":"improved"`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("%s lacks %s", b, want)
		}
	}
	d, _ := NewDetector(DefaultCriteria(Gains, 7))
	if _, err := json.Marshal(d.Intervals([]float64{1, math.NaN(), 3, 4, 5}, nil)); err != nil {
		t.Error(err)
	}
	if _, err := ByGain([]Series{NewSeries("a", []float64{1, math.Inf(1), 2, 3})}, DefaultCriteria(Gains, 7)); err == nil {
		t.Error("Inf score: no error")
	}
}
