package reliability

import (
	"math"
	"strings"
	"testing"

	"github.com/alliance-research/alliance/analysis/internal/golden"
)

type rrsGolden struct {
	Cases []struct {
		Name     string `json:"name"`
		Segments []struct {
			Session     string   `json:"session"`
			Segment     int      `json:"segment"`
			Coder       string   `json:"coder"`
			WDenial     int      `json:"w_denial"`
			WMinimal    int      `json:"w_minimal"`
			CComplaints int      `json:"c_complaints"`
			CControl    int      `json:"c_control"`
			RClarify    int      `json:"r_clarify"`
			RInvite     int      `json:"r_invite"`
			WSig        *float64 `json:"wsig"`
			RSig        *float64 `json:"rsig"`
		} `json:"segments"`
		Sessions []struct {
			Session               string   `json:"session"`
			Coder                 string   `json:"coder"`
			Segments              int      `json:"segments"`
			WithdrawalSegments    int      `json:"withdrawal_segments"`
			ConfrontationSegments int      `json:"confrontation_segments"`
			ResolutionSegments    int      `json:"resolution_segments"`
			WithdrawalCount       int      `json:"withdrawal_count"`
			ConfrontationCount    int      `json:"confrontation_count"`
			ResolutionCount       int      `json:"resolution_count"`
			RatingWSig            *float64 `json:"rating_wsig"`
			NWSig                 int      `json:"n_wsig"`
			RatingRSig            *float64 `json:"rating_rsig"`
			NRSig                 int      `json:"n_rsig"`
		} `json:"sessions"`
		ICC []struct {
			Scale string    `json:"scale"`
			N     int       `json:"n"`
			ICC   []float64 `json:"icc"`
			F     []float64 `json:"F"`
			Lower []float64 `json:"lower"`
			Upper []float64 `json:"upper"`
		} `json:"icc"`
		Kappa []struct {
			Scale string   `json:"scale"`
			N     int      `json:"n"`
			Kappa float64  `json:"kappa"`
			Var   *float64 `json:"var"`
		} `json:"kappa"`
	} `json:"cases"`
}

// TestThreeRSGolden compares ThreeRS with an independent aggregation of the
// same segment codes in R (base aggregate), psych::ICC on the session ×
// coder tables, and psych::cohen.kappa (two coders) or Fleiss' formula
// written out in R (three coders, two segments missing) on segment
// presence (golden reliability_3rs.json).
func TestThreeRSGolden(t *testing.T) {
	var g rrsGolden
	if err := golden.Load("reliability_3rs.json", &g); err != nil {
		t.Fatal(err)
	}
	for _, c := range g.Cases {
		t.Run(c.Name, func(t *testing.T) {
			segs := make([]RRSSegment, len(c.Segments))
			for i, s := range c.Segments {
				segs[i] = RRSSegment{
					Session: s.Session, Segment: s.Segment, Coder: s.Coder,
					Withdrawal:    map[string]int{"denial": s.WDenial, "minimal_response": s.WMinimal},
					Confrontation: map[string]int{"complaints_therapist": s.CComplaints, "control_pressure": s.CControl},
					Resolution:    map[string]int{"clarify_misunderstanding": s.RClarify, "invite_discussion": s.RInvite},
					Ratings:       map[string]float64{},
				}
				if s.WSig != nil {
					segs[i].Ratings["wsig"] = *s.WSig
				}
				if s.RSig != nil {
					segs[i].Ratings["rsig"] = *s.RSig
				} else {
					segs[i].Ratings["rsig"] = math.NaN()
				}
			}
			res, err := ThreeRS(segs, RRSOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Sessions) != len(c.Sessions) {
				t.Fatalf("%d session summaries, want %d", len(res.Sessions), len(c.Sessions))
			}
			got := map[string]RRSSession{}
			for _, s := range res.Sessions {
				got[s.Session+"/"+s.Coder] = s
			}
			for _, w := range c.Sessions {
				s, ok := got[w.Session+"/"+w.Coder]
				if !ok {
					t.Fatalf("no summary for session %s coder %s", w.Session, w.Coder)
				}
				gi := []int{s.Segments, s.WithdrawalSegments, s.ConfrontationSegments, s.ResolutionSegments, s.WithdrawalCount, s.ConfrontationCount, s.ResolutionCount, s.RatingN["wsig"], s.RatingN["rsig"]}
				wi := []int{w.Segments, w.WithdrawalSegments, w.ConfrontationSegments, w.ResolutionSegments, w.WithdrawalCount, w.ConfrontationCount, w.ResolutionCount, w.NWSig, w.NRSig}
				for k := range gi {
					if gi[k] != wi[k] {
						t.Errorf("session %s coder %s: counts %v, want %v", w.Session, w.Coder, gi, wi)
						break
					}
				}
				for name, want := range map[string]*float64{"wsig": w.RatingWSig, "rsig": w.RatingRSig} {
					v, has := s.Ratings[name]
					if want == nil {
						if has {
							t.Errorf("session %s coder %s: rating %s = %v, want none", w.Session, w.Coder, name, v)
						}
						continue
					}
					check(t, "rating "+name, v, *want, 1e-12)
				}
			}
			rel := map[string]RRSReliability{}
			for _, r := range res.Reliability {
				rel[r.Scale] = r
			}
			scaleName := map[string]string{
				"withdrawal_segments": "withdrawal_segments", "confrontation_segments": "confrontation_segments",
				"resolution_segments": "resolution_segments", "rating_rsig": "rating:rsig", "rating_wsig": "rating:wsig",
				"w_any": "withdrawal_present", "c_any": "confrontation_present", "r_any": "resolution_present",
			}
			for _, w := range c.ICC {
				r := rel[scaleName[w.Scale]]
				if r.ICC == nil {
					t.Fatalf("%s: no ICC (%s)", w.Scale, r.Note)
				}
				if r.NTargets != w.N {
					t.Errorf("%s: %d sessions, want %d", w.Scale, r.NTargets, w.N)
				}
				for k, row := range r.ICC.Rows {
					check(t, w.Scale+" "+row.Type, row.ICC, w.ICC[k], 1e-9)
					check(t, w.Scale+" F", row.F, w.F[k], 1e-9)
					check(t, w.Scale+" lower", row.Lower, w.Lower[k], 1e-7)
					check(t, w.Scale+" upper", row.Upper, w.Upper[k], 1e-7)
				}
			}
			for _, w := range c.Kappa {
				r := rel[scaleName[w.Scale]]
				if r.NTargets != w.N {
					t.Errorf("%s: %d segments, want %d", w.Scale, r.NTargets, w.N)
				}
				switch {
				case r.Kappa != nil:
					check(t, w.Scale+" kappa", r.Kappa.Unweighted.Kappa, w.Kappa, 1e-12)
					check(t, w.Scale+" var", r.Kappa.Unweighted.Var, *w.Var, 1e-12)
				case r.Fleiss != nil:
					check(t, w.Scale+" Fleiss kappa", r.Fleiss.Kappa, w.Kappa, 1e-12)
				default:
					t.Errorf("%s: no kappa (%s)", w.Scale, r.Note)
				}
			}
		})
	}
}

// TestThreeRSHand: two coders, two sessions of two segments, counted by
// hand. Coder A: s1 seg 1 has denial ×2 and a clarification, seg 2 nothing
// but a withdrawal rating 3; s2 seg 1 a complaint, seg 2 minimal response.
// Coder B agrees except that s2 seg 2 has no marker.
func TestThreeRSHand(t *testing.T) {
	segs := []RRSSegment{
		{Session: "s1", Segment: 1, Coder: "A", Withdrawal: map[string]int{"denial": 2}, Resolution: map[string]int{"clarify_misunderstanding": 1}, Ratings: map[string]float64{"withdrawal_significance": 4}},
		{Session: "s1", Segment: 2, Coder: "A", Ratings: map[string]float64{"withdrawal_significance": 3}},
		{Session: "s2", Segment: 1, Coder: "A", Confrontation: map[string]int{"complaints_therapist": 1}},
		{Session: "s2", Segment: 2, Coder: "A", Withdrawal: map[string]int{"minimal_response": 1}},
		{Session: "s1", Segment: 1, Coder: "B", Withdrawal: map[string]int{"denial": 1}, Resolution: map[string]int{"clarify_misunderstanding": 1}},
		{Session: "s1", Segment: 2, Coder: "B"},
		{Session: "s2", Segment: 1, Coder: "B", Confrontation: map[string]int{"complaints_therapist": 1}},
		{Session: "s2", Segment: 2, Coder: "B", Withdrawal: map[string]int{"minimal_response": 0}},
	}
	res, err := ThreeRS(segs, RRSOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		session, coder   string
		wseg, cseg, rseg int
		wcount           int
		rating           float64
	}{
		{"s1", "A", 1, 0, 1, 2, 3.5},
		{"s2", "A", 1, 1, 0, 1, math.NaN()},
		{"s1", "B", 1, 0, 1, 1, math.NaN()},
		{"s2", "B", 0, 1, 0, 0, math.NaN()},
	}
	// Sessions are sorted by session, then coder.
	order := []int{0, 2, 1, 3}
	for k, i := range order {
		s, w := res.Sessions[k], want[i]
		if s.Session != w.session || s.Coder != w.coder || s.WithdrawalSegments != w.wseg || s.ConfrontationSegments != w.cseg || s.ResolutionSegments != w.rseg || s.WithdrawalCount != w.wcount {
			t.Errorf("summary %d = %+v, want %+v", k, s, w)
		}
		if r, ok := s.Ratings["withdrawal_significance"]; ok != !math.IsNaN(w.rating) || (ok && r != w.rating) {
			t.Errorf("summary %d rating = %v (%v), want %v", k, r, ok, w.rating)
		}
	}
	if s := res.Sessions[0]; s.Markers["denial"] != 1 || s.Markers["clarify_misunderstanding"] != 1 {
		t.Errorf("marker segment counts %v, want denial 1, clarify 1", s.Markers)
	}
	// Withdrawal presence per segment: A = 1,0,0,1; B = 1,0,0,0. p_o = 3/4,
	// p_A(1) = 1/2, p_B(1) = 1/4, p_c = 1/2·1/4 + 1/2·3/4 = 1/2, κ = 1/2.
	for _, r := range res.Reliability {
		if r.Scale == "withdrawal_present" {
			if r.Kappa == nil {
				t.Fatalf("no kappa: %s", r.Note)
			}
			check(t, "withdrawal kappa", r.Kappa.Unweighted.Kappa, 0.5, 1e-15)
		}
		// Only coder A rated withdrawal significance: no session has both.
		if r.Scale == "rating:withdrawal_significance" && (r.ICC != nil || r.Dropped != 2) {
			t.Errorf("rating ICC with one coder: %+v", r)
		}
	}
}

// TestThreeRSErrors: bad records give errors naming the record.
func TestThreeRSErrors(t *testing.T) {
	ok := RRSSegment{Session: "s1", Segment: 1, Coder: "A"}
	cases := []struct {
		name string
		segs []RRSSegment
		want string
	}{
		{"empty", nil, "no segments"},
		{"no session", []RRSSegment{{Segment: 1, Coder: "A"}}, "no session"},
		{"no coder", []RRSSegment{{Session: "s", Segment: 1}}, "no coder"},
		{"segment 0", []RRSSegment{{Session: "s", Coder: "A"}}, "segment number"},
		{"duplicate", []RRSSegment{ok, ok}, "coded twice"},
		{"negative", []RRSSegment{{Session: "s", Segment: 1, Coder: "A", Withdrawal: map[string]int{"denial": -1}}}, "negative"},
		{"rating range", []RRSSegment{{Session: "s", Segment: 1, Coder: "A", Ratings: map[string]float64{"x": 6}}}, "outside 1–5"},
	}
	for _, c := range cases {
		_, err := ThreeRS(c.segs, RRSOptions{})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
}
