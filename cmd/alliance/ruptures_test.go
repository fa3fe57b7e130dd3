package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// ruptureCSV makes session data with a known truth: patients p1–p4 have a
// flat alliance of 4 with a dip to 2 at session 4 that returns to 4 at
// session 5 (repaired); q1–q4 dip to 2 at session 4 and stay there
// (unrepaired); n1–n4 wobble by ±0.1 (no rupture). Outcomes: repaired
// patients improve by 10 ± 1 points, unrepaired by 2 ± 1, none by 5 ± 1.
func ruptureCSV() string {
	var b strings.Builder
	b.WriteString("patient,therapist,session,alliance,outcome\n")
	for i := 1; i <= 4; i++ {
		e := float64(2*(i%2) - 1) // ±1 around each class's mean change
		for s := 1; s <= 8; s++ {
			a := 4.0
			if s == 4 {
				a = 2
			}
			fmt.Fprintf(&b, "p%d,t1,%d,%g,%g\n", i, s, a+0.05*float64(s%2), 20-(10+e)*float64(s-1)/7)
		}
		for s := 1; s <= 8; s++ {
			a := 4.0
			if s >= 4 {
				a = 2
			}
			fmt.Fprintf(&b, "q%d,t2,%d,%g,%g\n", i, s, a+0.05*float64(s%2), 20-(2+e)*float64(s-1)/7)
		}
		for s := 1; s <= 8; s++ {
			fmt.Fprintf(&b, "n%d,t2,%d,%g,%g\n", i, s, 4+0.1*float64(s%2), 20-(5+e)*float64(s-1)/7)
		}
	}
	return b.String()
}

func TestRupturesKnownEpisodes(t *testing.T) {
	dir := t.TempDir()
	eff := filepath.Join(dir, "effect.csv")
	out, stderr, code := runCLI(t, ruptureCSV(), "ruptures", "-", "--threshold", "1", "--format", "json", "--export-effect", eff, "--study", "Hand-made")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var got struct {
		Patients []struct{ Patient, Class string }
		Episodes []struct {
			Patient  string
			Session  int
			Repaired bool
		}
		Effects []struct {
			Contrast string
			Diff     float64
			N1, N2   int
		}
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	want := map[byte]string{'p': "repaired", 'q': "unrepaired", 'n': "none"}
	for _, p := range got.Patients {
		if p.Class != want[p.Patient[0]] {
			t.Errorf("patient %s: class %s, want %s", p.Patient, p.Class, want[p.Patient[0]])
		}
	}
	if len(got.Episodes) != 8 {
		t.Errorf("%d episodes, want 8", len(got.Episodes))
	}
	for _, e := range got.Episodes {
		if e.Session != 4 {
			t.Errorf("episode of %s at session %d, want 4", e.Patient, e.Session)
		}
	}
	// Change scores: repaired −10, unrepaired −2 (lower = better), so the
	// oriented difference repaired vs unrepaired is +8.
	found := false
	for _, e := range got.Effects {
		if e.Contrast == "repaired vs unrepaired" {
			found = true
			if e.N1 != 4 || e.N2 != 4 || !relClose(e.Diff, 8, 1e-12) {
				t.Errorf("repaired vs unrepaired: %+v, want n 4/4 and difference 8", e)
			}
		}
	}
	if !found {
		t.Error("no repaired vs unrepaired effect")
	}
	// The exported row is a study table that 'alliance meta' reads.
	b, err := os.ReadFile(eff)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(b), "study,ri,ni,yi,vi\nHand-made,") {
		t.Errorf("exported effect: %q", b)
	}
	if _, stderr, code := runCLI(t, "", "meta", eff, "--method", "FE", "--quiet"); code != 0 {
		t.Errorf("meta on the exported effect: exit %d %s", code, stderr)
	}
}

func TestRupturesErrors(t *testing.T) {
	csv := ruptureCSV()
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"ruptures", "-", "--method", "rci"}, "--reliability"},
		{[]string{"ruptures", "-", "--method", "bogus"}, "bogus"},
		{[]string{"ruptures", "-", "--preset", "nosuch"}, "nosuch"},
		{[]string{"ruptures", "-", "--method", "self-report"}, "--rupture-item"},
	} {
		_, stderr, code := runCLI(t, csv, c.args...)
		if code != 2 || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d %q (want 2 and %q)", c.args, code, stderr, c.want)
		}
	}
	noAlliance := "patient,session,outcome\na,1,3\na,2,4\n"
	if _, stderr, code := runCLI(t, noAlliance, "ruptures", "-"); code != 2 || !strings.Contains(stderr, "alliance") {
		t.Errorf("no alliance column: exit %d %q", code, stderr)
	}
}

func TestRupturesExportAppendsAndPrePost(t *testing.T) {
	dir := t.TempDir()
	eff := filepath.Join(dir, "effects.csv")
	for _, s := range []string{"Site A", "Site B"} {
		if _, stderr, code := runCLI(t, ruptureCSV(), "ruptures", "-", "--threshold", "1", "--export-effect", eff, "--study", s, "--quiet"); code != 0 {
			t.Fatalf("exit %d %s", code, stderr)
		}
	}
	b, _ := os.ReadFile(eff)
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != 3 || lines[0] != "study,ri,ni,yi,vi" || !strings.HasPrefix(lines[1], "Site A,") || !strings.HasPrefix(lines[2], "Site B,") {
		t.Errorf("appended study table:\n%s", b)
	}
	// --pre/--post columns: patient-level scores repeated on each row. Here
	// post − pre is 10 for repaired (p), 2 for unrepaired (q) patients, so the
	// oriented difference (lower = better) repaired vs unrepaired is −8.
	var csv strings.Builder
	csv.WriteString("patient,session,alliance,pre,post\n")
	for i := 1; i <= 3; i++ {
		for s := 1; s <= 6; s++ {
			a := 4.0
			if s == 3 {
				a = 2
			}
			fmt.Fprintf(&csv, "p%d,%d,%g,%d,%d\n", i, s, a, 10+i, 20+i)
		}
		for s := 1; s <= 6; s++ {
			a := 4.0
			if s >= 3 {
				a = 2
			}
			fmt.Fprintf(&csv, "q%d,%d,%g,%d,%d\n", i, s, a, 10+2*i, 12+2*i)
		}
	}
	out, stderr, code := runCLI(t, csv.String(), "ruptures", "-", "--threshold", "1", "--outcome", "pre", "--pre", "pre", "--post", "post", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d %s", code, stderr)
	}
	var got struct {
		Effects []struct {
			Contrast string
			Diff     float64
		}
		SessionModel *struct{ Formula string } `json:"session_model"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range got.Effects {
		if e.Contrast == "repaired vs unrepaired" {
			found = true
			if !relClose(e.Diff, -8, 1e-12) {
				t.Errorf("difference %v, want −8", e.Diff)
			}
		}
	}
	if !found {
		t.Errorf("no repaired vs unrepaired contrast: %s", out)
	}
	if got.SessionModel == nil || !strings.Contains(got.SessionModel.Formula, "after_repaired") {
		t.Errorf("session model missing: %+v", got.SessionModel)
	}
}

// TestRupturesCensoredClass (issue 14): patients c1–c4 drop at session 7
// of 8, so the repair window (3 sessions) runs past their last session:
// they are neither repaired nor unrepaired but censored, in the classes,
// the effects and the sensitivity table; the other classes are unchanged.
func TestRupturesCensoredClass(t *testing.T) {
	var b strings.Builder
	b.WriteString(ruptureCSV())
	for i := 1; i <= 4; i++ {
		for s := 1; s <= 8; s++ {
			a := 4.0
			if s >= 7 {
				a = 2
			}
			fmt.Fprintf(&b, "c%d,t1,%d,%g,%g\n", i, s, a+0.05*float64(s%2), 20-float64(4+i)*float64(s-1)/7)
		}
	}
	out, stderr, code := runCLI(t, b.String(), "ruptures", "-", "--threshold", "1", "--sensitivity", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var got struct {
		Patients []struct{ Patient, Class string }
		Summary  struct {
			Classes []struct {
				Class string
				N     int
			}
		}
		Effects     []struct{ Contrast string }
		Sensitivity []map[string]any
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	want := map[byte]string{'p': "repaired", 'q': "unrepaired", 'n': "none", 'c': "censored"}
	for _, p := range got.Patients {
		if p.Class != want[p.Patient[0]] {
			t.Errorf("patient %s: class %s, want %s", p.Patient, p.Class, want[p.Patient[0]])
		}
	}
	n := map[string]int{}
	for _, c := range got.Summary.Classes {
		n[c.Class] = c.N
	}
	if n["censored"] != 4 || n["unrepaired"] != 4 || n["repaired"] != 4 {
		t.Errorf("class counts %v", n)
	}
	found := false
	for _, e := range got.Effects {
		found = found || e.Contrast == "censored vs none"
	}
	if !found {
		t.Errorf("no censored contrast: %+v", got.Effects)
	}
	if len(got.Sensitivity) == 0 || got.Sensitivity[0]["n_censored"] == nil {
		t.Errorf("sensitivity rows lack n_censored: %v", got.Sensitivity)
	}
	text, _, _ := runCLI(t, b.String(), "ruptures", "-", "--threshold", "1", "--quiet")
	if !strings.Contains(text, "every rupture repaired") || !strings.Contains(text, "censored") {
		t.Errorf("text does not state the class rule:\n%s", text)
	}
}

// TestRupturesLevel: --level sets the level of the effects' intervals
// (a 90% interval of g lies inside the 95% one).
func TestRupturesLevel(t *testing.T) {
	lb := map[string]float64{}
	for _, lv := range []string{"95", "90"} {
		out, stderr, code := runCLI(t, ruptureCSV(), "ruptures", "-", "--threshold", "1", "--level", lv, "--format", "json")
		if code != 0 {
			t.Fatalf("exit %d %s", code, stderr)
		}
		var got struct {
			Effects []struct {
				Contrast string
				CILB     float64 `json:"ci_lb"`
			}
		}
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatal(err)
		}
		lb[lv] = got.Effects[0].CILB
	}
	if !(lb["90"] > lb["95"]) {
		t.Errorf("lower limits %v: the 90%% one must be higher", lb)
	}
}
