package main

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"
)

// csvOf writes rows as CSV with columns named prefix1..prefixK; NaN (JSON
// null) becomes NA.
func csvOf(prefix string, rows [][]*float64) string {
	var b strings.Builder
	for j := range rows[0] {
		if j > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "%s%d", prefix, j+1)
	}
	b.WriteByte('\n')
	for _, r := range rows {
		for j, v := range r {
			if j > 0 {
				b.WriteByte(',')
			}
			if v == nil {
				b.WriteString("NA")
			} else {
				fmt.Fprint(&b, *v)
			}
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// TestReliabilityMatchesPsych feeds the psych 2.2.9 golden data through the
// command (CSV on stdin → --items → reliability) and compares with psych.
func TestReliabilityMatchesPsych(t *testing.T) {
	var icc struct {
		Cases []struct {
			Name                              string
			Data                              [][]*float64
			Type                              []string
			ICC, F, DF1, DF2, P, Lower, Upper []float64
		}
	}
	if err := loadGolden("reliability_icc.json", &icc); err != nil {
		t.Fatal(err)
	}
	for _, c := range icc.Cases {
		out, stderr, code := runCLI(t, csvOf("r", c.Data), "reliability", "-", "--items", "r*", "--icc", "--drop-incomplete", "--format", "json")
		if code != 0 {
			t.Fatalf("%s: exit %d %s", c.Name, code, stderr)
		}
		var got struct {
			ICC []struct {
				Type                              string
				ICC, F, DF1, DF2, P, Lower, Upper float64
			} `json:"icc"`
		}
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatal(err)
		}
		for i, r := range got.ICC {
			if r.Type != c.Type[i] || !relClose(r.ICC, c.ICC[i], 1e-9) || !relClose(r.F, c.F[i], 1e-9) || !relClose(r.P, c.P[i], 1e-8) ||
				!relClose(r.Lower, c.Lower[i], 1e-8) || !relClose(r.Upper, c.Upper[i], 1e-8) || r.DF1 != c.DF1[i] || !relClose(r.DF2, c.DF2[i], 1e-9) {
				t.Errorf("%s %s: got %+v, psych icc %v F %v p %v [%v, %v]", c.Name, r.Type, r, c.ICC[i], c.F[i], c.P[i], c.Lower[i], c.Upper[i])
			}
		}
	}

	var alpha struct {
		Cases []struct {
			Name         string
			Data         [][]*float64
			Keys         []float64
			Cumulative   bool
			RawAlpha     float64   `json:"raw_alpha"`
			StdAlpha     float64   `json:"std_alpha"`
			FeldtLower   float64   `json:"feldt_lower"`
			FeldtUpper   float64   `json:"feldt_upper"`
			RawR         []float64 `json:"raw_r"`
			RDrop        []float64 `json:"r_drop"`
			DropRawAlpha []float64 `json:"drop_raw_alpha"`
		}
	}
	if err := loadGolden("reliability_alpha.json", &alpha); err != nil {
		t.Fatal(err)
	}
	tested := 0
	for _, c := range alpha.Cases {
		if c.Name == "sim_constant_item" {
			continue // dropped items shift the per-item arrays; covered by the package tests
		}
		args := []string{"reliability", "-", "--items", "i*", "--format", "json"}
		var rev []string
		for j, k := range c.Keys {
			if k < 0 {
				rev = append(rev, fmt.Sprintf("i%d", j+1))
			}
		}
		if rev != nil {
			args = append(args, "--reverse", strings.Join(rev, ","))
		}
		if c.Cumulative {
			args = append(args, "--cumulative")
		}
		out, stderr, code := runCLI(t, csvOf("i", c.Data), args...)
		if code != 0 {
			t.Fatalf("%s: exit %d %s", c.Name, code, stderr)
		}
		var got struct {
			Alpha struct {
				RawAlpha       float64    `json:"raw_alpha"`
				StdAlpha       float64    `json:"std_alpha"`
				FeldtLower     float64    `json:"feldt_lower"`
				FeldtUpper     float64    `json:"feldt_upper"`
				ItemTotalR     []float64  `json:"item_total_r"`
				ItemTotalRDrop []float64  `json:"item_total_r_drop"`
				AlphaIfDeleted []*float64 `json:"alpha_if_deleted"`
			}
		}
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatal(err)
		}
		a := got.Alpha
		if !relClose(a.RawAlpha, c.RawAlpha, 1e-9) || !relClose(a.StdAlpha, c.StdAlpha, 1e-9) {
			t.Errorf("%s: alpha %v / %v, psych %v / %v", c.Name, a.RawAlpha, a.StdAlpha, c.RawAlpha, c.StdAlpha)
		}
		if !relClose(a.FeldtLower, c.FeldtLower, 1e-8) || !relClose(a.FeldtUpper, c.FeldtUpper, 1e-8) {
			t.Errorf("%s: Feldt CI [%v, %v], psych [%v, %v]", c.Name, a.FeldtLower, a.FeldtUpper, c.FeldtLower, c.FeldtUpper)
		}
		for j := range c.RawR {
			if !relClose(a.ItemTotalR[j], c.RawR[j], 1e-9) || !relClose(a.ItemTotalRDrop[j], c.RDrop[j], 1e-9) {
				t.Errorf("%s item %d: r %v drop %v, psych %v %v", c.Name, j+1, a.ItemTotalR[j], a.ItemTotalRDrop[j], c.RawR[j], c.RDrop[j])
			}
			if a.AlphaIfDeleted[j] != nil && !math.IsNaN(c.DropRawAlpha[j]) && !relClose(*a.AlphaIfDeleted[j], c.DropRawAlpha[j], 1e-9) {
				t.Errorf("%s item %d: alpha if deleted %v, psych %v", c.Name, j+1, *a.AlphaIfDeleted[j], c.DropRawAlpha[j])
			}
		}
		tested++
	}
	if tested < 4 {
		t.Errorf("only %d alpha cases compared", tested)
	}
}

func TestReliabilityErrors(t *testing.T) {
	csv := "a,b\n1,2\n3,x\n"
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"reliability", "-"}, "--items"},
		{[]string{"reliability", "-", "--items", "a,zz"}, "zz"},
		{[]string{"reliability", "-", "--items", "a,b"}, "stdin:3"},
		{[]string{"reliability", "-", "--items", "q*"}, "no column starts"},
	} {
		_, stderr, code := runCLI(t, csv, c.args...)
		if code != 2 || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d %q (want 2 and %q)", c.args, code, stderr, c.want)
		}
	}
}

// TestOmegaMatchesPsych runs 'alliance reliability --omega' on the raw
// golden data sets (bfi 25 items with missing values; simulated bifactor)
// and compares with psych::omega 2.2.9 (testdata/golden/R/reliability_omega.R).
func TestOmegaMatchesPsych(t *testing.T) {
	var g struct {
		Datasets map[string][][]*float64
		Cases    []struct {
			Name     string
			NFactors int
			Dataset  string
			OmegaTot float64 `json:"omega_tot"`
			OmegaH   float64 `json:"omega_h"`
			OmegaLim float64 `json:"omega_lim"`
		}
	}
	if err := loadGolden("reliability_omega.json", &g); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, c := range g.Cases {
		data, ok := g.Datasets[c.Dataset]
		if !ok {
			continue // correlation-matrix input (Thurstone)
		}
		out, stderr, code := runCLI(t, csvOf("i", data), "reliability", "-", "--items", "i*", "--omega", "--nfactors", fmt.Sprint(c.NFactors), "--format", "json")
		if code != 0 {
			t.Fatalf("%s: exit %d %s", c.Name, code, stderr)
		}
		var got struct {
			Omega struct {
				OmegaTotal float64 `json:"omega_total"`
				OmegaH     float64 `json:"omega_h"`
				OmegaLim   float64 `json:"omega_lim"`
			}
		}
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatal(err)
		}
		o := got.Omega
		if !relClose(o.OmegaTotal, c.OmegaTot, 1e-5) || !relClose(o.OmegaH, c.OmegaH, 1e-5) || !relClose(o.OmegaLim, c.OmegaLim, 1e-5) {
			t.Errorf("%s: omega total %v h %v lim %v, psych %v %v %v", c.Name, o.OmegaTotal, o.OmegaH, o.OmegaLim, c.OmegaTot, c.OmegaH, c.OmegaLim)
		}
		n++
	}
	if n < 4 {
		t.Errorf("only %d omega cases compared", n)
	}
}
