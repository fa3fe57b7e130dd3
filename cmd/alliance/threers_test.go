package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// TestThreeRSMatchesGolden writes the golden 3RS segment codes as a CSV,
// runs 'alliance reliability --3rs' on it and compares the session
// frequencies, ICCs (psych::ICC) and kappas (psych::cohen.kappa) computed
// independently in R (testdata/golden/R/reliability_omega.R).
func TestThreeRSMatchesGolden(t *testing.T) {
	var g struct {
		Cases []struct {
			Name     string
			Segments []map[string]any
			Sessions []struct {
				Session, Coder string
				Withdrawal     int `json:"withdrawal_segments"`
				Confrontation  int `json:"confrontation_segments"`
			}
			ICC []struct {
				Scale string
				ICC   []float64
			}
			Kappa []struct {
				Scale string
				Kappa float64
			}
		}
	}
	if err := loadGolden("reliability_3rs.json", &g); err != nil {
		t.Fatal(err)
	}
	for _, c := range g.Cases {
		if c.Name != "two_coders" {
			continue
		}
		cols := []string{"session", "segment", "coder", "w_denial", "w_minimal", "c_complaints", "c_control", "r_clarify", "r_invite", "wsig", "rsig"}
		var b strings.Builder
		b.WriteString("session,segment,coder,w_denial,w_minimal,c_complaints,c_control,r_clarify,r_invite,rating_wsig,rating_rsig\n")
		for _, s := range c.Segments {
			for j, k := range cols {
				if j > 0 {
					b.WriteByte(',')
				}
				if s[k] == nil {
					b.WriteString("NA")
				} else {
					fmt.Fprint(&b, s[k])
				}
			}
			b.WriteByte('\n')
		}
		out, stderr, code := runCLI(t, b.String(), "reliability", "-", "--3rs", "--format", "json")
		if code != 0 {
			t.Fatalf("exit %d %s", code, stderr)
		}
		var got struct {
			Sessions []struct {
				Session, Coder string
				Withdrawal     int `json:"withdrawal_segments"`
				Confrontation  int `json:"confrontation_segments"`
			}
			Reliability []struct {
				Scale string
				ICC   *struct {
					Rows []struct{ ICC float64 } `json:"icc"`
				}
				Kappa *struct {
					Unweighted struct{ Kappa float64 }
				}
			}
		}
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatal(err)
		}
		if len(got.Sessions) != len(c.Sessions) {
			t.Fatalf("%d session rows, R %d", len(got.Sessions), len(c.Sessions))
		}
		type key struct{ s, c string }
		want := map[key][2]int{}
		for _, w := range c.Sessions {
			want[key{w.Session, w.Coder}] = [2]int{w.Withdrawal, w.Confrontation}
		}
		for _, s := range got.Sessions {
			if w, ok := want[key{s.Session, s.Coder}]; !ok || w != [2]int{s.Withdrawal, s.Confrontation} {
				t.Errorf("session %s coder %s: withdrawal %d confrontation %d, R %v", s.Session, s.Coder, s.Withdrawal, s.Confrontation, w)
			}
		}
		checked := 0
		for _, r := range got.Reliability {
			for _, w := range c.ICC {
				if r.Scale == w.Scale && r.ICC != nil {
					for j, row := range r.ICC.Rows {
						if !relClose(row.ICC, w.ICC[j], 1e-9) {
							t.Errorf("%s ICC %d: %v, psych %v", r.Scale, j, row.ICC, w.ICC[j])
						}
					}
					checked++
				}
			}
			for _, w := range c.Kappa {
				names := map[string]string{"w_any": "withdrawal_present", "c_any": "confrontation_present", "r_any": "resolution_present"}
				if r.Scale == names[w.Scale] && r.Kappa != nil {
					if !relClose(r.Kappa.Unweighted.Kappa, w.Kappa, 1e-9) {
						t.Errorf("%s kappa %v, psych %v", r.Scale, r.Kappa.Unweighted.Kappa, w.Kappa)
					}
					checked++
				}
			}
		}
		if checked < 3 {
			t.Errorf("only %d reliability coefficients compared", checked)
		}
	}
}

// TestThreeRSRefusesOtherCoefficients: with --3rs, a flag of the other
// coefficients (which 3RS codes do not use) is refused, not ignored.
func TestThreeRSRefusesOtherCoefficients(t *testing.T) {
	for _, args := range [][]string{{"--items", "a,b"}, {"--omega"}, {"--nfactors", "2"}} {
		_, stderr, code := runCLI(t, "session,segment,coder\n1,1,a\n", append([]string{"reliability", "-", "--3rs"}, args...)...)
		if code != exitUsage || !strings.Contains(stderr, args[0]+" does not apply to --3rs") {
			t.Errorf("%v: exit %d %q", args, code, stderr)
		}
	}
}
