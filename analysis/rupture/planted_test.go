package rupture

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

// planted is a locally generated series with known V-episodes: a level
// of 5 with uniform noise in ±0.2, drops of 3 points at known sessions,
// held low for hold sessions, then back to 5 (repaired) or kept low for the
// rest of the window (unrepaired), and random missing sessions away from the
// episodes.
type plantedEp struct{ session, repair int }

func plant(rng *rand.Rand, n int) ([]float64, []plantedEp) {
	x := make([]float64, n)
	for i := range x {
		x[i] = 5 + 0.4*(rng.Float64()-0.5)
	}
	var eps []plantedEp
	s := 2 + rng.IntN(3) // session (1-based) of the first possible drop
	for s+4 <= n {
		if rng.IntN(2) == 0 {
			s += 1 + rng.IntN(3)
			continue
		}
		hold := rng.IntN(3) // extra low sessions after the drop
		repaired := rng.IntN(3) > 0
		if !repaired {
			hold = 3 // low for the whole repair window
		}
		if s+hold > n {
			break
		}
		for k := 0; k <= hold && s-1+k < n; k++ {
			x[s-1+k] = 2 + 0.4*(rng.Float64()-0.5)
		}
		e := plantedEp{session: s}
		if repaired {
			if s+hold+1 > n {
				break
			}
			e.repair = s + hold + 1
		}
		eps = append(eps, e)
		s += hold + 2 + rng.IntN(3)
	}
	return x, eps
}

// TestPlanted: 2,000 generated patients; a 2-point threshold with repair to
// 80 % of the drop finds exactly the planted episodes, at the planted
// sessions, repaired when and only when planted, and nothing else.
func TestPlanted(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	o := opts(func(o *Options) { o.Method, o.Threshold, o.RepairFraction = MethodThreshold, 2, 0.8 })
	d, err := NewDetector(o)
	if err != nil {
		t.Fatal(err)
	}
	var buf []Episode
	var tally Tally
	total := 0
	for i := 0; i < 2000; i++ {
		n := 6 + rng.IntN(20)
		x, want := plant(rng, n)
		s := Series{Patient: strconv.Itoa(i), Therapist: "T" + strconv.Itoa(i%7), Score: x}
		var p Patient
		p, buf, err = d.Patient(s, buf[:0])
		if err != nil {
			t.Fatal(err)
		}
		tally.Add(p, buf)
		if len(buf) != len(want) {
			t.Fatalf("patient %d %v: found %d episodes, planted %d", i, x, len(buf), len(want))
		}
		for k, w := range want {
			g := buf[k]
			if g.Session != w.session || g.Repaired != (w.repair > 0) || (w.repair > 0 && g.RepairSession.V != w.repair) {
				t.Fatalf("patient %d: episode %+v, planted %+v", i, g, w)
			}
		}
		total += len(want)
	}
	s := tally.Summary()
	if s.Episodes != total || s.Patients != 2000 || len(s.Therapists) != 7 {
		t.Errorf("summary: %d episodes (want %d), %d patients, %d therapists", s.Episodes, total, s.Patients, len(s.Therapists))
	}
	sumT := 0
	for _, th := range s.Therapists {
		sumT += th.Episodes
	}
	if sumT != total {
		t.Errorf("therapist episodes sum to %d, want %d", sumT, total)
	}
}

// TestSummary counts a small sample by hand.
func TestSummary(t *testing.T) {
	series := []Series{
		{Patient: "a", Therapist: "T1", Score: []float64{6, 3, 6, 6, 3, 6}},       // 2 repaired (s2→3, s5→6)
		{Patient: "b", Therapist: "T1", Score: []float64{6, 3, 3, 3, 3}},          // 1 unrepaired
		{Patient: "c", Therapist: "T2", Score: []float64{6, 6, 6}},                // none
		{Patient: "d", Therapist: "T2", Score: []float64{6}},                      // insufficient
		{Patient: "e", Therapist: "T2", Score: []float64{6, 6, 6, 3, 5, 6, 6, 6}}, // repaired at s6 (2 sessions)
	}
	res, err := Analyze(series, opts(func(o *Options) { o.Method, o.Threshold = MethodThreshold, 3 }))
	if err != nil {
		t.Fatal(err)
	}
	s := res.Summary
	if s.Patients != 5 || s.Assessable != 4 || s.Sessions != 6+5+3+8 || s.Episodes != 4 || s.Repaired != 3 || s.WithRupture != 3 || s.Censored != 0 {
		t.Fatalf("summary %+v", s)
	}
	want := []struct {
		c Class
		n int
	}{{ClassNone, 1}, {ClassRepaired, 2}, {ClassUnrepaired, 1}, {ClassCensored, 0}, {ClassInsufficient, 1}}
	for i, w := range want {
		if s.Classes[i].Class != w.c || s.Classes[i].N != w.n {
			t.Errorf("class %d: %+v, want %v %d", i, s.Classes[i], w.c, w.n)
		}
	}
	if float64(s.Classes[1].Percent) != 50 || float64(s.RuptureRate) != 0.75 || float64(s.RepairRate) != 0.75 {
		t.Errorf("percent %v, rupture rate %v, repair rate %v; want 50, .75, .75", s.Classes[1].Percent, s.RuptureRate, s.RepairRate)
	}
	if math.Abs(float64(s.EpisodesPer100)-400.0/22) > 1e-12 || math.Abs(float64(s.MeanSessionsToRepair)-4.0/3) > 1e-12 {
		t.Errorf("episodes per 100 %v, mean sessions to repair %v", s.EpisodesPer100, s.MeanSessionsToRepair)
	}
	if len(s.Therapists) != 2 {
		t.Fatalf("therapists %+v", s.Therapists)
	}
	t1, t2 := s.Therapists[0], s.Therapists[1]
	if t1.Therapist != "T1" || t1.Patients != 2 || t1.WithRupture != 2 || t1.Episodes != 3 || t1.Repaired != 2 ||
		float64(t1.RuptureRate) != 1 || math.Abs(float64(t1.RepairRate)-2.0/3) > 1e-15 {
		t.Errorf("T1 %+v", t1)
	}
	if t2.Therapist != "T2" || t2.Patients != 2 || t2.WithRupture != 1 || t2.Episodes != 1 || float64(t2.RuptureRate) != 0.5 || float64(t2.RepairRate) != 1 {
		t.Errorf("T2 %+v", t2)
	}
	// JSON: NaN → null, unrepaired episode has null repair session
	b, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	js := string(b)
	for _, w := range []string{`"repair_session":null`, `"sessions_to_repair":2`, `"class":"insufficient"`, `"sd":null`, `"episodes":[`, `"summary":{`} {
		if !strings.Contains(js, w) {
			t.Errorf("JSON lacks %s", w)
		}
	}
}

// TestPresetsAndSensitivity: every preset validates and runs; the stricter
// 2-SD rule never finds more episodes than the 1-SD rule with the same SD.
func TestPresetsAndSensitivity(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	var series []Series
	for i := 0; i < 300; i++ {
		x, _ := plant(rng, 12)
		series = append(series, Series{Patient: strconv.Itoa(i), Score: x})
	}
	for _, p := range Presets() {
		if p.Verified == "" || p.Reading == "" || p.Citation == "" {
			t.Errorf("preset %s lacks documentation", p.Name)
		}
		if _, err := AnalyzePreset(series, p.Name); err != nil {
			t.Errorf("preset %s: %v", p.Name, err)
		}
	}
	rows, err := Sensitivity(series, nil)
	if err != nil {
		t.Fatal(err)
	}
	by := map[string]SensitivityRow{}
	for _, r := range rows {
		if r.Error != "" {
			t.Errorf("%s: %s", r.Preset, r.Error)
		}
		if r.None+r.RepairedClass+r.Unrepaired+r.Censored+r.Insufficient != len(series) {
			t.Errorf("%s: classes do not add up: %+v", r.Preset, r)
		}
		by[r.Preset] = r
	}
	if len(rows) != len(Presets()) {
		t.Errorf("%d rows for %d presets", len(rows), len(Presets()))
	}
	if by["gumz2012-2sd"].Episodes > by["gumz2012-1sd"].Episodes || by["gumz2012-1sd"].Episodes == 0 {
		t.Errorf("2-SD rule found %d episodes, 1-SD %d", by["gumz2012-2sd"].Episodes, by["gumz2012-1sd"].Episodes)
	}
}

// TestTwoGroupProperties: r equals t/√(t² + df) (point-biserial identity),
// orientation flips signs, and small groups give NaN with a note.
func TestTwoGroupProperties(t *testing.T) {
	y1 := []float64{3, 5, 4, 8, 6}
	y2 := []float64{1, 2, 4, 3, 2, 0}
	e := TwoGroup(y1, y2, 1, 0.95)
	tt, df := float64(e.T), float64(e.DF)
	if math.Abs(float64(e.R)-tt/math.Sqrt(tt*tt+df)) > 1e-14 {
		t.Errorf("r %v, t/√(t²+df) %v", e.R, tt/math.Sqrt(tt*tt+df))
	}
	// by hand: means 5.2 and 2; diff 3.2
	if math.Abs(float64(e.Diff)-3.2) > 1e-14 || math.Abs(float64(e.VI)-1.0/8) > 1e-15 {
		t.Errorf("diff %v vi %v", e.Diff, e.VI)
	}
	f := TwoGroup(y1, y2, -1, 0.95)
	if float64(f.G) != -float64(e.G) || float64(f.R) != -float64(e.R) || float64(f.P) != float64(e.P) {
		t.Errorf("orientation: g %v/%v r %v/%v", e.G, f.G, e.R, f.R)
	}
	s := TwoGroup([]float64{1}, y2, 1, 0.95)
	if s.Note == "" || !math.IsNaN(float64(s.G)) || !math.IsNaN(float64(s.YI)) {
		t.Errorf("one patient in group 1: %+v", s)
	}
	c := TwoGroup([]float64{1, 1}, []float64{1, 1}, 1, 0.95)
	if c.Note == "" || !math.IsNaN(float64(c.T)) {
		t.Errorf("constant outcome: %+v", c)
	}
	// one class only: no ANCOVA, a note instead
	pats := []Patient{{Patient: "a", Class: ClassNone}, {Patient: "b", Class: ClassNone}, {Patient: "c", Class: ClassNone}}
	outs := []Outcome{{"a", 1, 2}, {"b", 2, 2}, {"c", 3, 1}}
	r, err := Effects(pats, outs, DefaultEffectOptions())
	if err != nil || r.ANCOVA != nil || len(r.Notes) == 0 {
		t.Errorf("single class: %v %+v", err, r)
	}
	if _, err := Effects(pats, append(outs, Outcome{"a", 1, 1}), DefaultEffectOptions()); err == nil {
		t.Error("duplicate outcome accepted")
	}
}
