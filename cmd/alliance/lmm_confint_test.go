package main

import (
	"encoding/json"
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"testing"
)

// 'alliance lmm --confint profile' on sleepstudy gives lme4 1.1-31's
// confint(m, method = "profile") limits (mixed_confint.json; ours are the
// exact profile roots, lme4's a spline's: 5e-4), named as lme4; --confint
// boot is reproducible for a seed; a flag in the wrong place is refused
// naming the flag.
func TestLmmConfintProfile(t *testing.T) {
	var g struct {
		Cases []struct {
			Name    string
			Formula string
			Data    struct {
				Reaction, Days []float64
				Subject        []string
			}
			Parm    []string
			Profile struct{ Lower, Upper []float64 }
		}
	}
	if err := loadGolden("mixed_confint.json", &g); err != nil {
		t.Fatal(err)
	}
	for _, c := range g.Cases {
		if c.Name != "sleepstudy" {
			continue
		}
		var b strings.Builder
		b.WriteString("Reaction,Days,Subject\n")
		for i := range c.Data.Reaction {
			fmt.Fprintf(&b, "%v,%v,%v\n", c.Data.Reaction[i], c.Data.Days[i], c.Data.Subject[i])
		}
		for k, ci := range profileCLI(t, b.String(), "-", c.Formula, c.Parm) {
			for _, x := range [][2]float64{{ci.Lower, c.Profile.Lower[k]}, {ci.Upper, c.Profile.Upper[k]}} {
				if math.Abs(x[0]-x[1]) > 5e-4*math.Max(1, math.Abs(x[1])) {
					t.Errorf("%s: %.7g, lme4 %.7g", ci.Parm, x[0], x[1])
				}
			}
		}
		boot := func() string {
			out, errOut, status := runCLI(t, b.String(), "lmm", "-", "--formula", c.Formula, "--confint", "boot", "--nsim", "30", "--seed", "4", "--format", "json")
			if status != 0 {
				t.Fatalf("boot: exit %d %s", status, errOut)
			}
			return out
		}
		if a, bb := boot(), boot(); a != bb || !strings.Contains(a, `"confint_seed": 4`) {
			t.Errorf("two bootstrap runs with seed 4 differ or lack the seed")
		}
		_, stderr, code := runCLI(t, b.String(), "lmm", "-", "--formula", c.Formula, "--nsim", "30")
		if code != 2 || !strings.Contains(stderr, "--confint boot") || !strings.Contains(stderr, "--nsim") {
			t.Errorf("--nsim without --confint boot: exit %d %q", code, stderr)
		}
	}
}

// 'alliance lmm --confint profile' on a crossed model (lme4's Penicillin,
// plates crossed with samples: the general path) gives the exact roots of
// lme4 1.1-31's ML profile (mixed_confint_crossed.json, R's uniroot) to
// 1e-6 and its confint(m) spline limits to 5e-4, named as lme4.
func TestLmmConfintCrossed(t *testing.T) {
	var g struct {
		Cases []struct {
			Name, Formula string
			Parm          []string
			Profile       struct{ Lower, Upper []float64 }
			Exact         struct{ Lower, Upper []float64 }
		}
	}
	if err := loadGolden("mixed_confint_crossed.json", &g); err != nil {
		t.Fatal(err)
	}
	c := g.Cases[0]
	if c.Name != "Penicillin" {
		t.Fatalf("first case %s", c.Name)
	}
	file := filepath.Join("..", "..", "testdata", "golden", "mixed_kr_crossed_penicillin.csv")
	for k, ci := range profileCLI(t, "", file, c.Formula, c.Parm) {
		for s, x := range [][3]float64{{ci.Lower, c.Exact.Lower[k], c.Profile.Lower[k]}, {ci.Upper, c.Exact.Upper[k], c.Profile.Upper[k]}} {
			if math.Abs(x[0]-x[1]) > 1e-6*math.Abs(x[1]) {
				t.Errorf("%s %d: %.10g, exact profile root %.10g", ci.Parm, s, x[0], x[1])
			}
			if math.Abs(x[0]-x[2]) > 5e-4*math.Abs(x[2]) {
				t.Errorf("%s %d: %.7g, lme4's spline %.7g", ci.Parm, s, x[0], x[2])
			}
		}
	}
}

// cliCI is one interval of 'alliance lmm --confint … --format json'.
type cliCI struct {
	Parm, Group, Name, Method string
	Lower, Upper              float64
}

// profileCLI runs 'alliance lmm FILE --formula formula --confint profile'
// (stdin is standard input) and returns its intervals, required to be
// profile intervals of lme4's parameters parm, in lme4's order.
func profileCLI(t *testing.T, stdin, file, formula string, parm []string) []cliCI {
	t.Helper()
	out, stderr, code := runCLI(t, stdin, "lmm", file, "--formula", formula, "--confint", "profile", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d %s", code, stderr)
	}
	var got struct{ Confint []cliCI }
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Confint) != len(parm) {
		t.Fatalf("%d intervals, lme4 %d", len(got.Confint), len(parm))
	}
	for k, ci := range got.Confint {
		if ci.Parm != parm[k] || ci.Method != "profile" {
			t.Errorf("interval %d: %s (%s), lme4 %s", k, ci.Parm, ci.Method, parm[k])
		}
	}
	return got.Confint
}
