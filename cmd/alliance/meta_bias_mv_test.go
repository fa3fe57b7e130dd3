package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// 'alliance meta FILE --cluster district/school --bias --pet-peese' on
// dat.konstantopoulos2011 prints the multilevel Egger test and PET-PEESE
// of metafor 3.8-1 rma.mv + clubSandwich 0.5.8 coef_test(vcov = "CR2")
// (golden metamv_bias.json, testdata/golden/R/metamv_bias.R), in JSON
// under bias.egger / bias.pet_peese and in text with a note first that the
// methods for independent effects are not run.
func TestMetaClusterBiasCLI(t *testing.T) {
	type reg struct {
		Beta, SE, T, DF, P []float64
		CILB               []float64 `json:"ci_lb"`
		CIUB               []float64 `json:"ci_ub"`
	}
	var g struct {
		Konstantopoulos struct {
			Data struct {
				Yi, Vi       []float64
				Outer, Inner []string
			}
			Fits []struct {
				Rho        float64
				PET, PEESE reg
			}
		}
	}
	if err := loadGolden("metamv_bias.json", &g); err != nil {
		t.Fatal(err)
	}
	d := g.Konstantopoulos.Data
	var b strings.Builder
	b.WriteString("yi,vi,district,school\n")
	for i := range d.Yi {
		fmt.Fprintf(&b, "%v,%v,%s,%s\n", d.Yi[i], d.Vi[i], d.Outer[i], d.Inner[i])
	}
	file := filepath.Join(t.TempDir(), "k2011.csv")
	if err := os.WriteFile(file, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, f := range g.Konstantopoulos.Fits {
		args := []string{"meta", file, "--cluster", "district/school", "--bias", "--pet-peese", "--no-profile"}
		if f.Rho != 0 {
			args = append(args, "--rho", fmt.Sprint(f.Rho))
		}
		out, stderr, code := runCLI(t, "", append(args, "--format", "json", "--quiet")...)
		if code != 0 {
			t.Fatalf("rho %g: exit %d: %s", f.Rho, code, stderr)
		}
		var got struct {
			Bias struct {
				Egger struct {
					Statistic, DF, P, Slope, Estimate, SE float64
					CILB                                  float64 `json:"ci_lb"`
					CIUB                                  float64 `json:"ci_ub"`
				}
				Rank     any
				TrimFill any `json:"trimfill"`
				PETPEESE struct {
					Use   string
					PEESE struct{ Estimate float64 }
				} `json:"pet_peese"`
			}
		}
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatalf("invalid JSON: %v\n%s", err, out)
		}
		e := got.Bias.Egger
		for _, c := range []struct {
			name      string
			got, want float64
		}{
			{"t", e.Statistic, f.PET.T[1]}, {"df", e.DF, f.PET.DF[1]}, {"p", e.P, f.PET.P[1]}, {"slope", e.Slope, f.PET.Beta[1]},
			{"PET intercept", e.Estimate, f.PET.Beta[0]}, {"PET se", e.SE, f.PET.SE[0]}, {"ci_lb", e.CILB, f.PET.CILB[0]}, {"ci_ub", e.CIUB, f.PET.CIUB[0]},
			{"PEESE intercept", got.Bias.PETPEESE.PEESE.Estimate, f.PEESE.Beta[0]},
		} {
			if !relClose(c.got, c.want, 2e-5) {
				t.Errorf("rho %g %s = %.10g, metafor+clubSandwich %.10g", f.Rho, c.name, c.got, c.want)
			}
		}
		if got.Bias.Rank != nil || got.Bias.TrimFill != nil {
			t.Errorf("rho %g: rank test or trim and fill ran on dependent effects", f.Rho)
		}
		text, stderr, code := runCLI(t, "", args...)
		if code != 0 {
			t.Fatalf("text: exit %d %s", code, stderr)
		}
		all := stderr + text
		if !strings.Contains(all, "assume independent effects") || !strings.Contains(text, "Multilevel Egger test") || !strings.Contains(text, "The regression test finds") {
			t.Errorf("rho %g: text lacks the note, the test or its reading:\n%s\n%s", f.Rho, stderr, text)
		}
	}
}
