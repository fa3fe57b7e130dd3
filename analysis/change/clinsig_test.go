package change

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// clausPairs returns the HAM-D scores of claus_2020 at time 1 (pre) and 4 (post).
func clausPairs(t *testing.T) []Pair {
	d := readCSV(t, "claus_2020.csv")
	var id []string
	var sess []int
	var score []float64
	for i := range d.rows {
		id = append(id, d.str(t, i, "id"))
		sess = append(sess, int(d.num(t, i, "time")))
		score = append(score, d.num(t, i, "hamd"))
	}
	pairs, err := PairsAt(id, sess, score, 1, 4)
	if err != nil {
		t.Fatal(err)
	}
	return pairs
}

// snapshot is one printed call of the package's test snapshots.
type snapshot struct {
	call   string
	counts map[string]int     // category → N
	pcts   map[string]float64 // category → printed percent
}

var (
	rowRE   = regexp.MustCompile(`^\s+(\w+)\s+\|\s+(\d+)\s+\|\s+([\d.]+)%`)
	groupRE = regexp.MustCompile(`^\s+(Changed|Functional)\s+\|\s+([\d.]+)%`)
	argRE   = func(name string) *regexp.Regexp { return regexp.MustCompile(name + `\s*=\s*"?([\w.]+)"?`) }
)

func readSnapshots(t *testing.T, name string) []snapshot {
	var out []snapshot
	for _, block := range strings.Split(readFile(t, name), "    Code\n")[1:] {
		parts := strings.SplitN(block, "    Output\n", 2)
		if len(parts) != 2 {
			continue
		}
		s := snapshot{call: strings.Join(strings.Fields(parts[0]), " "), counts: map[string]int{}, pcts: map[string]float64{}}
		for _, line := range strings.Split(parts[1], "\n") {
			if m := rowRE.FindStringSubmatch(line); m != nil {
				n, _ := strconv.Atoi(m[2])
				s.counts[strings.ToLower(m[1])] = n
				s.pcts[strings.ToLower(m[1])], _ = strconv.ParseFloat(m[3], 64)
			} else if m := groupRE.FindStringSubmatch(line); m != nil {
				s.pcts["group_"+strings.ToLower(m[1])], _ = strconv.ParseFloat(m[2], 64)
			}
		}
		out = append(out, s)
	}
	return out
}

func (s snapshot) arg(t *testing.T, name string) (string, bool) {
	m := argRE(name).FindStringSubmatch(s.call)
	if m == nil {
		return "", false
	}
	return m[1], true
}

func (s snapshot) num(t *testing.T, name string) float64 {
	v, ok := s.arg(t, name)
	if !ok {
		return 0
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		t.Fatalf("%s: %s = %q", s.call, name, v)
	}
	return f
}

// checkSummary compares our counts with the snapshot's table (N exactly,
// percent to the printed 2 decimals).
func checkSummary(t *testing.T, s snapshot, r *Result) {
	t.Helper()
	if len(r.Summary) != len(s.counts) {
		t.Errorf("%s: %d categories, snapshot %d", s.call, len(r.Summary), len(s.counts))
	}
	for _, c := range r.Summary {
		want, ok := s.counts[string(c.Category)]
		if !ok || c.N != want {
			t.Errorf("%s: %s = %d, want %d", s.call, c.Category, c.N, want)
		}
		if got := math.Round(float64(c.Percent)*10000) / 100; got != s.pcts[string(c.Category)] {
			t.Errorf("%s: %s percent %.2f, want %.2f", s.call, c.Category, got, s.pcts[string(c.Category)])
		}
	}
	if r.NOriginal != 43 || r.NUsed != 40 {
		t.Errorf("%s: n %d/%d, want 43/40 (cs_get_n snapshot)", s.call, r.NUsed, r.NOriginal)
	}
}

// TestClausSnapshots: every cs_distribution, cs_combined and cs_percentage
// snapshot of clinicalsignificance on claus_2020 (HAM-D, pre 1, post 4),
// except the HLM method, which needs every wave and is checked in hlm_test.go.
func TestClausSnapshots(t *testing.T) {
	pairs := clausPairs(t)
	ran := 0
	for _, file := range []string{"reference_test_snapshot_cs_distribution.md", "reference_test_snapshot_cs_combined.md", "reference_test_snapshot_cs_percentage.md"} {
		for _, s := range readSnapshots(t, file) {
			method, _ := s.arg(t, "rci_method")
			if method == "HLM" {
				continue
			}
			if v, _ := s.arg(t, "pre"); v != "1" {
				t.Fatalf("%s: unexpected pre %q", s.call, v)
			}
			if v, _ := s.arg(t, "post"); v != "4" {
				t.Fatalf("%s: unexpected post %q", s.call, v)
			}
			o := RCIOptions{Method: RCIMethod(method), Reliability: s.num(t, "reliability"), ReliabilityPost: s.num(t, "reliability_post")}
			var r *Result
			var err error
			switch {
			case strings.HasPrefix(s.call, "cs_distribution("):
				r, err = Distribution(pairs, o)
			case strings.HasPrefix(s.call, "cs_combined("):
				ct, _ := s.arg(t, "cutoff_type")
				r, err = Combined(pairs, o, Norms{Type: CutoffType(ct[0]), MFunctional: s.num(t, "m_functional"), SDFunctional: s.num(t, "sd_functional")})
			case strings.HasPrefix(s.call, "cs_percentage("):
				r, err = Percentage(pairs, s.num(t, "pct_improvement"), s.num(t, "pct_deterioration"), Lower)
			default:
				t.Fatalf("unknown call %s", s.call)
			}
			if err != nil {
				t.Fatalf("%s: %v", s.call, err)
			}
			checkSummary(t, s, r)
			if method == "HA" && strings.HasPrefix(s.call, "cs_combined(") {
				if r.GroupLevel == nil {
					t.Fatalf("%s: no group level", s.call)
				}
				for _, g := range []struct {
					name string
					got  Float
				}{{"group_changed", r.GroupLevel.Changed}, {"group_functional", r.GroupLevel.Functional}} {
					if got := math.Round(float64(g.got)*10000) / 100; got != s.pcts[g.name] {
						t.Errorf("%s: %s %.4f, want %.2f%%", s.call, g.name, g.got, s.pcts[g.name])
					}
				}
			}
			ran++
		}
	}
	if ran != 14 {
		t.Errorf("%d snapshots compared, want 14 (6 distribution, 6 combined, 2 percentage)", ran)
	}
}

// TestCutoffs: test-calc_cutoff.R — the Jacobson & Truax example (M_clin 40,
// M_func 60, SD 7.5: c = 50; a = 55 / 25, b = 45 / 75 for higher / lower
// is better) and the Bauer et al. (2004) HA example, values worked by hand.
func TestCutoffs(t *testing.T) {
	for _, tc := range []struct {
		t      CutoffType
		better Better
		want   float64
	}{
		{CutoffC, Higher, 50}, {CutoffC, Lower, 50},
		{CutoffA, Higher, 55}, {CutoffA, Lower, 25},
		{CutoffB, Higher, 45}, {CutoffB, Lower, 75},
	} {
		got, err := CutoffJT(40, 7.5, 60, 7.5, tc.t, tc.better, false)
		if err != nil || math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("JT %s %s: %v (%v), want %v", tc.t, tc.better, got, err, tc.want)
		}
	}
	// b with the functional SD (JT 1991) differs from the package's when SDs differ.
	if got, _ := CutoffJT(40, 7.5, 60, 5, CutoffB, Higher, true); got != 50 {
		t.Errorf("b with SD_func: %v, want 60 − 2·5 = 50", got)
	}
	// Bauer: √.93 cancels in c when both reliabilities are .93:
	// c = (22·68.35 + 22.33·50)/(22 + 22.33) = 2620.2/44.33.
	r := 0.93
	w := 22.33 * math.Sqrt(r)
	for _, tc := range []struct {
		t      CutoffType
		better Better
		want   float64
	}{
		{CutoffC, Higher, 2620.2 / 44.33}, {CutoffC, Lower, 2620.2 / 44.33},
		{CutoffA, Higher, 68.35 + 2*w}, {CutoffA, Lower, 68.35 - 2*w},
		{CutoffB, Higher, 50 - 2*w}, {CutoffB, Lower, 50 + 2*w},
	} {
		got, err := CutoffHA(68.35, 22.33, r, 50, 22, r, tc.t, tc.better, false)
		if err != nil || math.Abs(got-tc.want) > 1e-10 {
			t.Errorf("HA %s %s: %v (%v), want %v", tc.t, tc.better, got, err, tc.want)
		}
	}
}

// TestRCIFormulas: the fixtures of test-calc_rci.R with values worked by
// hand. JT: sd 5, r .8 → SEM = √5, S_diff = √10, RCI(−8) = −8/√10.
// EN (m_pre 10, sd 5): pre 30, post 2 → true pre .8·20 + 10 = 26, RCI = −24/√5.
// GLN (m_pre 5, sd 7): pre 30, post 2 → (−3 − 20)/(7·√.36) = −23/4.2.
func TestRCIFormulas(t *testing.T) {
	p := rciParams{Method: JT, R: .8, SDPre: 5}
	p.Denominator = math.Sqrt(2 * 5 * 5 * .2)
	if got := p.rci(10, 2); math.Abs(got+8/math.Sqrt(10)) > 1e-14 {
		t.Errorf("JT %v", got)
	}
	en := rciParams{Method: EN, R: .8, MPre: 10, Denominator: 5 * math.Sqrt(.2)}
	if got := en.rci(30, 2); math.Abs(got+24/math.Sqrt(5)) > 1e-13 {
		t.Errorf("EN %v", got)
	}
	gln := rciParams{Method: GLN, R: .8, MPre: 5, Denominator: 7 * math.Sqrt(1-.64)}
	if got := gln.rci(30, 2); math.Abs(got+23/4.2) > 1e-13 {
		t.Errorf("GLN %v", got)
	}
	// fitRCI reproduces the constants from data: pre 1, 3 (M 2, SD √2), r .5.
	f, err := fitRCI([]float64{1, 3}, []float64{0, 0}, RCIOptions{Method: JT, Reliability: .5})
	if err != nil || math.Abs(f.SDiff-math.Sqrt(2)) > 1e-15 || f.MPre != 2 {
		t.Errorf("fitRCI: %+v %v", f, err)
	}
}

// TestCategoriesDirection: with higher-is-better the same data give the
// mirror-image categories of lower-is-better (JT), and every used patient
// falls in exactly one category.
func TestCategoriesDirection(t *testing.T) {
	pairs := clausPairs(t)
	lo, err := Distribution(pairs, RCIOptions{Reliability: .8})
	if err != nil {
		t.Fatal(err)
	}
	hi, err := Distribution(pairs, RCIOptions{Reliability: .8, Better: Higher})
	if err != nil {
		t.Fatal(err)
	}
	if lo.Summary[0].N != hi.Summary[2].N || lo.Summary[2].N != hi.Summary[0].N || lo.Summary[1].N != hi.Summary[1].N {
		t.Errorf("lower %+v vs higher %+v", lo.Summary, hi.Summary)
	}
	for i, x := range lo.Persons {
		if math.Abs(float64(x.RCI)-float64(x.Change)/float64(lo.SDiff)) > 1e-12 || x.RCI != hi.Persons[i].RCI {
			t.Errorf("%s: RCI %v", x.ID, x.RCI)
		}
	}
	if _, err := Distribution(pairs, RCIOptions{Reliability: 1.1}); err == nil {
		t.Error("reliability 1.1: no error")
	}
	if _, err := Distribution(pairs, RCIOptions{Method: "HLM", Reliability: .8}); err == nil {
		t.Error("HLM: no error")
	}
}

// TestRecoveredHarmed: four patients worked by hand (lower is better;
// clinical norms M 30 SD 5, functional M 10 SD 5 → cutoff c = 20; sample SD
// of pre = √(400/3), reliability .9 → S_diff = √(400/3)·√.2 ≈ 5.16, so a
// change of 20 is reliable):
//
//	30→10 clinical, functional, improved      → recovered (statistical: improved)
//	30→30 clinical, not functional            → unchanged
//	10→10 not clinical, functional            → unchanged
//	10→30 not clinical, not functional, worse → harmed (statistical: deteriorated)
func TestRecoveredHarmed(t *testing.T) {
	pairs := []Pair{{ID: "a", Pre: 30, Post: 10}, {ID: "b", Pre: 30, Post: 30}, {ID: "c", Pre: 10, Post: 10}, {ID: "d", Pre: 10, Post: 30}, {ID: "e", Pre: 12, Post: math.NaN()}}
	o := RCIOptions{Reliability: .9}
	n := Norms{Type: CutoffC, MFunctional: 10, SDFunctional: 5, ClinicalNorms: true, MClinical: 30, SDClinical: 5}
	r, err := Combined(pairs, o, n)
	if err != nil {
		t.Fatal(err)
	}
	if r.Cutoff.Value != 20 || r.NOriginal != 5 || r.NUsed != 4 {
		t.Errorf("cutoff %v, n %d/%d", r.Cutoff.Value, r.NUsed, r.NOriginal)
	}
	want := []Category{Recovered, Unchanged, Unchanged, Harmed}
	for i, x := range r.Persons {
		if x.Category != want[i] {
			t.Errorf("combined %s: %s, want %s", x.ID, x.Category, want[i])
		}
	}
	if math.Abs(float64(r.SDiff)-math.Sqrt(400.0/3*.2)) > 1e-12 {
		t.Errorf("S_diff %v", r.SDiff)
	}
	s, err := Statistical(pairs, o, n)
	if err != nil {
		t.Fatal(err)
	}
	want = []Category{Improved, Unchanged, Unchanged, Deteriorated}
	for i, x := range s.Persons {
		if x.Category != want[i] {
			t.Errorf("statistical %s: %s, want %s", x.ID, x.Category, want[i])
		}
	}
	// Grouped: per-group counts add up to the overall counts.
	pairs[0].Group, pairs[1].Group, pairs[2].Group, pairs[3].Group = "x", "y", "x", "y"
	g, _ := Combined(pairs, o, n)
	for j, c := range g.Summary {
		sum := 0
		for _, gc := range g.Groups {
			if gc.Category == c.Category {
				sum += gc.N
			}
		}
		if sum != c.N {
			t.Errorf("category %d: groups sum to %d, overall %d", j, sum, c.N)
		}
	}
	if len(g.Groups) != 10 || g.Groups[0].Group != "x" || g.Groups[0].N != 1 || g.Groups[0].PercentByGroup != 0.5 || g.Groups[0].Percent != 0.25 {
		t.Errorf("groups %+v", g.Groups)
	}
}

// TestPercentageZeroPre: cs_percentage's pre = 0 clauses ignore the
// direction, so with lower-is-better 0 → 5 is both improved and
// deteriorated (counted in both rows); 0 → 0 is unchanged.
func TestPercentageZeroPre(t *testing.T) {
	r, err := Percentage([]Pair{{ID: "a", Pre: 0, Post: 5}, {ID: "b", Pre: 0, Post: 0}, {ID: "c", Pre: 10, Post: 4}}, .5, 0, Lower)
	if err != nil {
		t.Fatal(err)
	}
	if !r.Persons[0].Both || r.Persons[1].Category != Unchanged || r.Persons[2].Category != Improved {
		t.Errorf("%+v", r.Persons)
	}
	if r.Summary[0].N != 2 || r.Summary[1].N != 1 || r.Summary[2].N != 1 || r.Summary[0].Percent != 0.5 {
		t.Errorf("%+v", r.Summary)
	}
}

// TestPairsFirstLast: first and last non-missing session per patient.
func TestPairsFirstLast(t *testing.T) {
	p, err := PairsFirstLast([]string{"a", "a", "a", "b", "b", "c"}, []int{3, 1, 2, 1, 2, 1}, []float64{5, math.NaN(), 7, 9, 4, 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(p) != 3 || p[0].Pre != 7 || p[0].Post != 5 || p[1].Pre != 9 || p[1].Post != 4 || !math.IsNaN(p[2].Post) {
		t.Errorf("%+v", p)
	}
	if _, err := PairsAt([]string{"a", "a"}, []int{1, 1}, []float64{1, 2}, 1, 4); err == nil {
		t.Error("duplicate: no error")
	}
}
