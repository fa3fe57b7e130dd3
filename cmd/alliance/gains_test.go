package main

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestGainsReproducesVignette runs 'alliance gains' on the embedded sgdata
// with the vignette's settings and compares every cell with the published
// create_bysg output of suddengains 0.7.2 (24 gains; losses: 3), copied in
// analysis/change/testdata with its SOURCE.md.
func TestGainsReproducesVignette(t *testing.T) {
	for _, c := range []struct {
		file string
		args []string
	}{
		{"vignette_output_bysg.csv", []string{"gains", "--format", "csv", "--quiet"}},
		{"vignette_output_bysl.csv", []string{"gains", "--format", "csv", "--quiet", "--direction", "losses"}},
	} {
		f, err := os.Open("../../analysis/change/testdata/" + c.file)
		if err != nil {
			t.Fatal(err)
		}
		want, err := csv.NewReader(f).ReadAll()
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		out, stderr, code := runCLI(t, "", c.args...)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		got, err := csv.NewReader(strings.NewReader(out)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Fatalf("%s: %d rows, want %d", c.file, len(got)-1, len(want)-1)
		}
		col := func(h []string, name string) int {
			for i, x := range h {
				if x == name {
					return i
				}
			}
			t.Fatalf("no column %s", name)
			return -1
		}
		pairs := map[string]string{"id": "patient", "id_sg": "id_sg", "sg_session_n": "session", "sg_freq_byperson": "freq_byperson",
			"sg_bdi_2n": "x_2n", "sg_bdi_1n": "x_1n", "sg_bdi_n": "x_n", "sg_bdi_n1": "x_n1", "sg_bdi_n2": "x_n2", "sg_bdi_n3": "x_n3",
			"sg_magnitude": "magnitude", "sg_bdi_tx_change": "tx_change", "sg_change_proportion": "change_proportion", "sg_reversal_value": "reversal_value", "sg_reversal": "reversal"}
		for i := 1; i < len(want); i++ {
			for wn, gn := range pairs {
				w, g := want[i][col(want[0], wn)], got[i][col(got[0], gn)]
				switch {
				case w == "NA" && g == "":
				case w == "1" && g == "true", w == "0" && g == "false":
				case w == g:
				default:
					wf, e1 := strconv.ParseFloat(w, 64)
					gf, e2 := strconv.ParseFloat(g, 64)
					if e1 != nil || e2 != nil || !relClose(gf, wf, 1e-12) {
						t.Errorf("%s row %d %s: %q, vignette %q", c.file, i, wn, g, w)
					}
				}
			}
		}
	}
}

// TestGainsLossesOneKey: the JSON list of sudden losses is under the one
// documented key "gains" with "direction": "losses" (issue 14: it was
// "losses" here and "gains" in the report); the vignette has 3 losses.
func TestGainsLossesOneKey(t *testing.T) {
	out, stderr, code := runCLI(t, "", "gains", "--direction", "losses", "--format", "json", "--quiet")
	if code != 0 {
		t.Fatalf("exit %d %s", code, stderr)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	if _, ok := got["losses"]; ok {
		t.Error(`JSON still has a "losses" key`)
	}
	if l, ok := got["gains"].([]any); !ok || len(l) != 3 || got["direction"] != "losses" {
		t.Errorf("gains %v direction %v: want 3 losses under \"gains\"", got["gains"], got["direction"])
	}
}

// TestGainsReliabilityAlone: --reliability without --cutoff-from-rci gives
// the reliable-change cutoff 1.96·√2·SD·√(1 − r) (it used to be ignored),
// the same criteria as with the switch.
func TestGainsReliabilityAlone(t *testing.T) {
	a, _, code := runCLI(t, "", "gains", "--dataset", "demo-sessions", "--reliability", ".8", "--format", "json")
	b, _, code2 := runCLI(t, "", "gains", "--dataset", "demo-sessions", "--cutoff-from-rci", "--reliability", ".8", "--format", "json")
	if code != 0 || code2 != 0 || a != b || !strings.Contains(a, "reliab") {
		t.Errorf("exit %d / %d; outputs equal: %v", code, code2, a == b)
	}
}
