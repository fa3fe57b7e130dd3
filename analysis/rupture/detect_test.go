package rupture

import (
	"math"
	"strings"
	"testing"
)

var na = math.NaN()

// ep is the part of an Episode a hand-made case pins down.
type ep struct {
	session   int
	ref, drop float64
	trough    float64
	repairAt  int // 0 = not repaired
	censored  bool
}

func opts(f func(o *Options)) Options {
	o := DefaultOptions()
	f(&o)
	return o
}

// withinOpts is the sd rule with the patient's own SD, which needs no
// sample quantity (the default until the sample SD became the default).
func withinOpts() Options { return opts(func(o *Options) { o.SDSource = SDWithin }) }

func checkEpisodes(t *testing.T, name string, got []Episode, want []ep) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d episodes %+v, want %d", name, len(got), got, len(want))
	}
	for i, w := range want {
		g := got[i]
		if g.Index != i+1 || g.Session != w.session {
			t.Errorf("%s: episode %d at session %d (index %d), want %d", name, i, g.Session, g.Index, w.session)
		}
		for _, c := range []struct {
			what      string
			got, want float64
		}{{"reference", float64(g.Reference), w.ref}, {"drop", float64(g.Drop), w.drop}, {"trough", float64(g.Trough), w.trough},
			{"depth", float64(g.Depth), w.ref - w.trough}} {
			if math.Abs(c.got-c.want) > 1e-12 {
				t.Errorf("%s: episode %d %s = %v, want %v", name, i, c.what, c.got, c.want)
			}
		}
		if g.Repaired != (w.repairAt > 0) || (w.repairAt > 0 && (g.RepairSession != NullInt{w.repairAt, true} || g.SessionsToRepair != NullInt{w.repairAt - w.session, true})) {
			t.Errorf("%s: episode %d repaired %v at %+v, want repair at %d", name, i, g.Repaired, g.RepairSession, w.repairAt)
		}
		if w.repairAt == 0 && (g.RepairSession.Valid || g.SessionsToRepair.Valid) {
			t.Errorf("%s: episode %d unrepaired but has repair session %+v", name, i, g.RepairSession)
		}
		if g.Censored != w.censored {
			t.Errorf("%s: episode %d censored %v, want %v", name, i, g.Censored, w.censored)
		}
	}
}

// TestDetectHandMade checks every method and parameter on small series whose
// ruptures and repairs are worked out by hand in the comments.
func TestDetectHandMade(t *testing.T) {
	flat := []float64{5, 5, 5, 5, 2, 5, 5, 5} // mean 4.625, SD √1.125 = 1.0607
	down := []float64{5, 5, 5, 5, 2, 2, 2, 2} // SD √(18/7) = 1.6036
	cases := []struct {
		name    string
		s       Series
		o       Options
		want    []ep
		class   Class
		wantDSD float64 // DropSD of the first episode, if not NaN
	}{
		// drop 3 ≥ 2·1.0607; back to 5 at session 6. DropSD = 3/SD = 2√2.
		{"sd within k2 repaired", Series{Score: flat}, withinOpts(),
			[]ep{{5, 5, 3, 2, 6, false}}, ClassRepaired, 2 * math.Sqrt2},
		// drop 3 < 2·1.6036: nothing; with k = 1 a rupture never repaired
		// (sessions 6–8 observed, so not censored).
		{"sd within k2 none", Series{Score: down}, withinOpts(), nil, ClassNone, na},
		{"sd within k1 unrepaired", Series{Score: down}, opts(func(o *Options) { o.SDSource, o.K = SDWithin, 1 }),
			[]ep{{5, 5, 3, 2, 0, false}}, ClassUnrepaired, 3 / math.Sqrt(18.0/7)},
		// threshold 2 at session 7; window 8..10 only sees session 8: censored.
		{"threshold censored", Series{Score: []float64{5, 5, 5, 5, 5, 5, 2, 2}},
			opts(func(o *Options) { o.Method, o.Threshold = MethodThreshold, 2 }),
			[]ep{{7, 5, 3, 2, 0, true}}, ClassCensored, na},
		// repair fraction .5: target 3 + 1.5 = 4.5, met at session 4.
		{"threshold fraction .5", Series{Score: []float64{6, 6, 3, 4.5, 6}},
			opts(func(o *Options) { o.Method, o.Threshold, o.RepairFraction = MethodThreshold, 3, 0.5 }),
			[]ep{{3, 6, 3, 3, 4, false}}, ClassRepaired, na},
		// fraction 1: target 6 at session 5; trough stays 3.
		{"threshold fraction 1", Series{Score: []float64{6, 6, 3, 4.5, 6}},
			opts(func(o *Options) { o.Method, o.Threshold = MethodThreshold, 3 }),
			[]ep{{3, 6, 3, 3, 5, false}}, ClassRepaired, na},
		// threshold just above the drop: nothing.
		{"threshold 3.5 none", Series{Score: []float64{6, 6, 3, 4.5, 6}},
			opts(func(o *Options) { o.Method, o.Threshold = MethodThreshold, 3.5 }), nil, ClassNone, na},
		// 25 % of 4 = 1 = the drop; 30 % = 1.2 > 1.
		{"percent 25", Series{Score: []float64{4, 4, 3, 4}},
			opts(func(o *Options) { o.Method, o.Percent = MethodPercent, 25 }),
			[]ep{{3, 4, 1, 3, 4, false}}, ClassRepaired, na},
		{"percent 30", Series{Score: []float64{4, 4, 3, 4}},
			opts(func(o *Options) { o.Method, o.Percent = MethodPercent, 30 }), nil, ClassNone, na},
		// RCI with s = 1, r = .5: 1.96·√2·√.5 = 1.96; drop 2 passes, 1.9 does not.
		{"rci 2", Series{Score: []float64{5, 5, 3, 5}},
			opts(func(o *Options) { o.Method, o.RCISD, o.Reliability = MethodRCI, 1, 0.5 }),
			[]ep{{3, 5, 2, 3, 4, false}}, ClassRepaired, na},
		{"rci 1.9", Series{Score: []float64{5, 5, 3.1, 5}},
			opts(func(o *Options) { o.Method, o.RCISD, o.Reliability = MethodRCI, 1, 0.5 }), nil, ClassNone, na},
		// reference = mean of up to 2 preceding: s2 ref 6 drop 2, s3 ref 5
		// drop 0, s4 ref (4+5)/2 = 4.5 drop 2.5 ≥ 2.5; back to ≥ 4.5 at s5.
		{"mean w2", Series{Score: []float64{6, 4, 5, 2, 5}},
			opts(func(o *Options) {
				o.Method, o.Threshold, o.Reference, o.Window = MethodThreshold, 2.5, ReferenceMean, 2
			}),
			[]ep{{4, 4.5, 2.5, 2, 5, false}}, ClassRepaired, na},
		// threshold 2.75: previous-session reference (drop 3 at s4) flags it,
		// the mean of two (drop 2.5) does not.
		{"mean w2 2.75", Series{Score: []float64{6, 4, 5, 2, 5}},
			opts(func(o *Options) {
				o.Method, o.Threshold, o.Reference, o.Window = MethodThreshold, 2.75, ReferenceMean, 2
			}), nil, ClassNone, na},
		{"previous 2.75", Series{Score: []float64{6, 4, 5, 2, 5}},
			opts(func(o *Options) { o.Method, o.Threshold = MethodThreshold, 2.75 }),
			[]ep{{4, 5, 3, 2, 5, false}}, ClassRepaired, na},
		// Window 0 = all preceding: s4 ref (6+4+5)/3 = 5, drop 3; target 5 at s5.
		{"mean all", Series{Score: []float64{6, 4, 5, 2, 5}},
			opts(func(o *Options) {
				o.Method, o.Threshold, o.Reference, o.Window = MethodThreshold, 2.75, ReferenceMean, 0
			}),
			[]ep{{4, 5, 3, 2, 5, false}}, ClassRepaired, na},
		// a missing session is skipped: s3 compared with s1.
		{"missing skipped", Series{Score: []float64{5, na, 2, 5}},
			opts(func(o *Options) { o.Method, o.Threshold = MethodThreshold, 2 }),
			[]ep{{3, 5, 3, 2, 4, false}}, ClassRepaired, na},
		// MaxGap 1 breaks s1 | s3 s4: no reference for s3.
		{"missing gap", Series{Score: []float64{5, na, 2, 5}},
			opts(func(o *Options) { o.Method, o.Threshold, o.MaxGap = MethodThreshold, 2, 1 }), nil, ClassNone, na},
		// explicit session numbers 1 2 6 7: gap 4 breaks with MaxGap 3, not 4.
		{"sessions gap 3", Series{Session: []int{1, 2, 6, 7}, Score: []float64{5, 5, 2, 5}},
			opts(func(o *Options) { o.Method, o.Threshold, o.MaxGap = MethodThreshold, 2, 3 }), nil, ClassNone, na},
		{"sessions gap 4", Series{Session: []int{1, 2, 6, 7}, Score: []float64{5, 5, 2, 5}},
			opts(func(o *Options) { o.Method, o.Threshold, o.MaxGap = MethodThreshold, 2, 4 }),
			[]ep{{6, 5, 3, 2, 7, false}}, ClassRepaired, na},
		// repair window 5 would reach s7, but the gap 3→7 > MaxGap 2 ends
		// the search: unrepaired, censored.
		{"repair across gap", Series{Session: []int{1, 2, 3, 7}, Score: []float64{5, 5, 2, 5}},
			opts(func(o *Options) { o.Method, o.Threshold, o.MaxGap, o.RepairWindow = MethodThreshold, 2, 2, 5 }),
			[]ep{{3, 5, 3, 2, 0, true}}, ClassCensored, na},
		// repair window counts session numbers: s3 rupture, window 3 ends at
		// s6; the recovery at s7 is too late (s6 missing, s7 observed: the
		// window was passed, so not censored).
		{"repair window sessions", Series{Session: []int{1, 2, 3, 4, 7}, Score: []float64{5, 5, 2, 2, 5}},
			opts(func(o *Options) { o.Method, o.Threshold = MethodThreshold, 2 }),
			[]ep{{3, 5, 3, 2, 0, false}}, ClassUnrepaired, na},
		// episodes do not overlap: the further fall at s3 belongs to the
		// episode of s2 (trough 2, depth 4), repaired at s4.
		{"no overlap", Series{Score: []float64{6, 4, 2, 6}},
			opts(func(o *Options) { o.Method, o.Threshold = MethodThreshold, 2 }),
			[]ep{{2, 6, 2, 2, 4, false}}, ClassRepaired, na},
		// two episodes, both repaired: class repaired.
		{"two repaired", Series{Score: []float64{6, 3, 6, 6, 3, 6}},
			opts(func(o *Options) { o.Method, o.Threshold = MethodThreshold, 3 }),
			[]ep{{2, 6, 3, 3, 3, false}, {5, 6, 3, 3, 6, false}}, ClassRepaired, na},
		// one repaired and one not: class unrepaired.
		{"one of two unrepaired", Series{Score: []float64{6, 3, 6, 6, 3, 3, 3, 3}},
			opts(func(o *Options) { o.Method, o.Threshold = MethodThreshold, 3 }),
			[]ep{{2, 6, 3, 3, 3, false}, {5, 6, 3, 3, 0, false}}, ClassUnrepaired, na},
		// sudden loss: interval s4→s5 has drop 3 ≥ 25 % of 6 and mean(6,6,6) −
		// mean(3,3,3) = 3 > t·0; not repaired in s6–s8.
		{"sudden-loss unrepaired", Series{Score: []float64{6, 6, 6, 6, 3, 3, 3, 3}},
			opts(func(o *Options) { o.Method = MethodSuddenLoss }),
			[]ep{{5, 6, 3, 3, 0, false}}, ClassUnrepaired, na},
		{"sudden-loss repaired", Series{Score: []float64{6, 6, 6, 6, 3, 3, 3, 6}},
			opts(func(o *Options) { o.Method = MethodSuddenLoss }),
			[]ep{{5, 6, 3, 3, 8, false}}, ClassRepaired, na},
		// stability fails: post = 3, 3, 6 (mean 4, SD √3), pre SD 0, pooled
		// √1.5; 6 − 4 = 2 < 2.776·1.2247. A plain 3-point threshold flags it.
		{"sudden-loss unstable", Series{Score: []float64{6, 6, 6, 6, 3, 3, 6, 6}},
			opts(func(o *Options) { o.Method = MethodSuddenLoss }), nil, ClassNone, na},
		{"threshold on unstable", Series{Score: []float64{6, 6, 6, 6, 3, 3, 6, 6}},
			opts(func(o *Options) { o.Method, o.Threshold = MethodThreshold, 3 }),
			[]ep{{5, 6, 3, 3, 7, false}}, ClassRepaired, na},
		// with the absolute criterion at 4 the 3-point drop is not enough.
		{"sudden-loss cutoff 4", Series{Score: []float64{6, 6, 6, 6, 3, 3, 3, 3}},
			opts(func(o *Options) { o.Method, o.SuddenLoss.NoCutoff, o.SuddenLoss.Cutoff = MethodSuddenLoss, false, 4 }), nil, ClassNone, na},
		{"sudden-loss cutoff 3", Series{Score: []float64{6, 6, 6, 6, 3, 3, 3, 3}},
			opts(func(o *Options) { o.Method, o.SuddenLoss.NoCutoff, o.SuddenLoss.Cutoff = MethodSuddenLoss, false, 3 }),
			[]ep{{5, 6, 3, 3, 0, false}}, ClassUnrepaired, na},
		// a missing session is skipped: observed 6 6 6 6 3 3 3 3 again.
		{"sudden-loss missing", Series{Score: []float64{6, 6, na, 6, 6, 3, 3, 3, 3}},
			opts(func(o *Options) { o.Method = MethodSuddenLoss }),
			[]ep{{6, 6, 3, 3, 0, false}}, ClassUnrepaired, na},
		// MaxGap 1 splits it into 6 6 | 6 6 3 3 3 3: the interval 6→3 is
		// then the second of the stretch, examined as well.
		{"sudden-loss gap", Series{Score: []float64{6, 6, na, 6, 6, 3, 3, 3, 3}},
			opts(func(o *Options) { o.Method, o.MaxGap = MethodSuddenLoss, 1 }),
			[]ep{{6, 6, 3, 3, 0, false}}, ClassUnrepaired, na},
		{"sudden-loss three sessions", Series{Score: []float64{6, 6, 3}},
			opts(func(o *Options) { o.Method = MethodSuddenLoss }), nil, ClassInsufficient, na},
		// self-report: items ≥ 2 at s3 and s5. s3: alliance 5→4, back to 5 at
		// s4. s5: no alliance drop, window s6–s8 unobserved: censored.
		{"self-report alliance repair", Series{Score: []float64{5, 5, 4, 5, 5}, Rupture: []float64{1, 1, 3, 1, 2}},
			opts(func(o *Options) { o.Method = MethodSelfReport }),
			[]ep{{3, 5, 1, 4, 4, false}, {5, 5, 0, 5, 0, true}}, ClassCensored, na},
		// one rupture observed unrepaired (window 3 seen in full), one
		// censored at the end: the patient is unrepaired.
		{"unrepaired beats censored", Series{Score: []float64{5, 5, 2, 2, 2, 2, 2, 5, 5, 2}},
			opts(func(o *Options) { o.Method, o.Threshold = MethodThreshold, 2 }),
			[]ep{{3, 5, 3, 2, 0, false}, {10, 5, 3, 2, 0, true}}, ClassUnrepaired, na},
		// with a resolution item (≥ 3 resolves in the same session).
		{"self-report resolution", Series{Score: []float64{5, 5, 4, 5, 5}, Rupture: []float64{1, 1, 3, 1, 2}, Resolution: []float64{na, na, 4, na, 2}},
			opts(func(o *Options) { o.Method = MethodSelfReport }),
			[]ep{{3, 5, 1, 4, 3, false}, {5, 5, 0, 5, 0, false}}, ClassUnrepaired, na},
		{"self-report min 3", Series{Score: []float64{5, 5, 4, 5, 5}, Rupture: []float64{1, 1, 3, 1, 2}, Resolution: []float64{na, na, 4, na, 2}},
			opts(func(o *Options) { o.Method, o.RuptureMin = MethodSelfReport, 3 }),
			[]ep{{3, 5, 1, 4, 3, false}}, ClassRepaired, na},
		{"self-report no items", Series{Score: []float64{5, 5, 4}, Rupture: []float64{na, na, na}},
			opts(func(o *Options) { o.Method = MethodSelfReport }), nil, ClassInsufficient, na},
	}
	for _, c := range cases {
		d, err := NewDetector(c.o)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		c.s.Patient = "p"
		p, eps, err := d.Patient(c.s, nil)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		checkEpisodes(t, c.name, eps, c.want)
		if p.Class != c.class || p.NRuptures != len(c.want) {
			t.Errorf("%s: class %s with %d ruptures, want %s with %d", c.name, p.Class, p.NRuptures, c.class, len(c.want))
		}
		if !math.IsNaN(c.wantDSD) && math.Abs(float64(eps[0].DropSD)-c.wantDSD) > 1e-12 {
			t.Errorf("%s: drop_sd %v, want %v", c.name, eps[0].DropSD, c.wantDSD)
		}
	}
}

// TestSDSources works the sd rule on two patients by hand. A = flat (SS
// 7.875, df 7, SD 1.0607, drop 3 at s5); B = 1 7 1 7 (SS 36, df 3, SD 3.4641,
// drop 6 at s3). Pooled within SD = √(43.875/10) = 2.0946.
func TestSDSources(t *testing.T) {
	a := Series{Patient: "A", Score: []float64{5, 5, 5, 5, 2, 5, 5, 5}}
	b := Series{Patient: "B", Score: []float64{1, 7, 1, 7}}
	var st SampleStats
	st.Add(a.Score)
	st.Add(b.Score)
	st.Add([]float64{na, 3, na}) // one score: in the total, not the pooled SD
	st.Add(nil)
	if got, want := st.PooledWithinSD(), math.Sqrt(43.875/10); math.Abs(got-want) > 1e-14 {
		t.Errorf("pooled within SD %v, want %v", got, want)
	}
	// all 13 scores: sum 56, sum of squares 288 → SS = 288 − 56²/13
	if got, want := st.TotalSD(), math.Sqrt((288-56.0*56/13)/12); math.Abs(got-want) > 1e-14 {
		t.Errorf("total SD %v, want %v", got, want)
	}
	if st.N() != 13 {
		t.Errorf("N = %d, want 13", st.N())
	}
	cases := []struct {
		src    SDSource
		k      float64
		na, nb int
	}{
		{SDWithin, 2, 1, 0}, // 2.12 | 6.93
		{SDWithin, 1, 1, 1}, // 1.06 | 3.46
		{SDSample, 2, 0, 1}, // 4.19 | 4.19
		{SDSample, 1, 1, 1}, // 2.09
		{SDMax, 2, 0, 0},    // 4.19 | 6.93
		{SDMax, 1, 1, 1},    // 2.09 | 3.46
	}
	for _, c := range cases {
		o := opts(func(o *Options) { o.SDSource, o.K = c.src, c.k })
		res, err := Analyze([]Series{a, b}, o)
		if err != nil {
			t.Fatal(err)
		}
		if res.Patients[0].NRuptures != c.na || res.Patients[1].NRuptures != c.nb {
			t.Errorf("%s k=%v: ruptures A %d B %d, want %d %d", c.src, c.k, res.Patients[0].NRuptures, res.Patients[1].NRuptures, c.na, c.nb)
		}
		if c.src != SDWithin && math.Abs(res.Options.SampleSD-math.Sqrt(4.3875)) > 1e-14 {
			t.Errorf("%s: sample SD %v not filled in", c.src, res.Options.SampleSD)
		}
		if c.src == SDSample && c.k == 2 {
			e := res.Episodes[0]
			if e.Patient != "B" || e.Session != 3 || !e.Repaired || e.RepairSession.V != 4 ||
				math.Abs(float64(e.DropSD)-6/math.Sqrt(4.3875)) > 1e-12 || math.Abs(float64(e.Threshold)-2*math.Sqrt(4.3875)) > 1e-12 {
				t.Errorf("sample k2: episode %+v", e)
			}
		}
	}
}

// TestEdgeCases: defined answers for flat series, one session, all missing,
// no scores, for every method.
func TestEdgeCases(t *testing.T) {
	methods := []Options{
		withinOpts(),
		opts(func(o *Options) { o.SampleSD = 1 }), // the default, SDSample
		opts(func(o *Options) { o.SDSource, o.SampleSD = SDMax, 1 }),
		opts(func(o *Options) { o.Method, o.Threshold = MethodThreshold, 1 }),
		opts(func(o *Options) { o.Method, o.Percent = MethodPercent, 10 }),
		opts(func(o *Options) { o.Method, o.RCISD, o.Reliability = MethodRCI, 1, 0.8 }),
		opts(func(o *Options) { o.Method = MethodSuddenLoss }),
		opts(func(o *Options) { o.Method, o.Reference, o.Window = MethodThreshold, ReferenceMean, 0 }),
	}
	cases := []struct {
		name  string
		score []float64
		class Class
		n     int
	}{
		{"flat", []float64{4, 4, 4, 4, 4, 4}, ClassNone, 6},
		{"one session", []float64{4}, ClassInsufficient, 1},
		{"all missing", []float64{na, na, na}, ClassInsufficient, 0},
		{"empty", nil, ClassInsufficient, 0},
	}
	for _, o := range methods {
		if o.Method == MethodThreshold && o.Threshold == 0 {
			o.Threshold = 1
		}
		d, err := NewDetector(o)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cases {
			p, eps, err := d.Patient(Series{Patient: c.name, Score: c.score}, nil)
			if err != nil {
				t.Fatalf("%s %s: %v", o.Method, c.name, err)
			}
			if len(eps) != 0 || p.Class != c.class || p.NSessions != c.n {
				t.Errorf("%s %s: %d episodes, class %s, n %d; want none, %s, %d", o.Method, c.name, len(eps), p.Class, p.NSessions, c.class, c.n)
			}
		}
	}
	// two observed sessions are enough for the score rules, not for sudden loss
	d, _ := NewDetector(withinOpts())
	if p, _, _ := d.Patient(Series{Score: []float64{na, 5, 5}}, nil); p.Class != ClassNone {
		t.Errorf("two sessions: class %s, want none", p.Class)
	}
	// Prepare reports a sample without within-patient variability
	_, err := Analyze([]Series{{Patient: "a", Score: []float64{3, 3, 3}}}, opts(func(o *Options) { o.SDSource = SDSample }))
	if err == nil || !strings.Contains(err.Error(), "pooled within-patient SD") {
		t.Errorf("flat sample with sd source sample: err %v", err)
	}
}

func TestErrors(t *testing.T) {
	d, _ := NewDetector(withinOpts())
	bad := []struct {
		s    Series
		want string
	}{
		{Series{Patient: "a", Session: []int{1, 3, 3}, Score: []float64{1, 2, 3}}, "session 3 follows session 3"},
		{Series{Patient: "a", Session: []int{1, 2}, Score: []float64{1, 2, 3}}, "2 session numbers for 3 scores"},
		{Series{Patient: "a", Score: []float64{1, math.Inf(1)}}, "not finite"},
		{Series{Patient: "a", Score: []float64{1, 2}, Rupture: []float64{1}}, "rupture-item"},
	}
	for _, b := range bad {
		if _, _, err := d.Patient(b.s, nil); err == nil || !strings.Contains(err.Error(), b.want) {
			t.Errorf("%+v: err %v, want %q", b.s, err, b.want)
		}
	}
	sr, _ := NewDetector(opts(func(o *Options) { o.Method = MethodSelfReport }))
	if _, _, err := sr.Patient(Series{Patient: "a", Score: []float64{1}}, nil); err == nil || !strings.Contains(err.Error(), "needs the rupture item") {
		t.Errorf("self-report without item: %v", err)
	}
	badOpts := []struct {
		o    Options
		want string
	}{
		{opts(func(o *Options) { o.Method = "x" }), "unknown method"},
		{opts(func(o *Options) { o.K = 0 }), "k 0"},
		{opts(func(o *Options) { o.SDSource = SDSample }), "SampleStats"},
		{opts(func(o *Options) { o.Method = MethodThreshold }), "threshold 0"},
		{opts(func(o *Options) { o.Method, o.Percent = MethodPercent, 120 }), "percent"},
		{opts(func(o *Options) { o.Method, o.RCISD, o.Reliability = MethodRCI, 1, 1 }), "reliability"},
		{opts(func(o *Options) { o.Method, o.Reliability = MethodRCI, 0.8 }), "reliable-change SD"},
		{opts(func(o *Options) { o.RepairWindow = 0 }), "repair window"},
		{opts(func(o *Options) { o.RepairFraction = 0 }), "repair fraction"},
		{opts(func(o *Options) { o.Reference = "x" }), "unknown reference"},
		{opts(func(o *Options) { o.Window = -1 }), "window -1"},
		{opts(func(o *Options) { o.Method, o.SuddenLoss.Direction = MethodSuddenLoss, 1 }), "Direction"},
	}
	for _, b := range badOpts {
		if _, err := NewDetector(b.o); err == nil || !strings.Contains(err.Error(), b.want) {
			t.Errorf("options %s: err %v, want %q", b.want, err, b.want)
		}
	}
	if _, err := Analyze([]Series{{Patient: "a"}, {Patient: "a"}}, withinOpts()); err == nil {
		t.Error("duplicate patient accepted")
	}
	if _, err := Preset("nope"); err == nil || !strings.Contains(err.Error(), "stiles2004") {
		t.Errorf("unknown preset: %v", err)
	}
}
