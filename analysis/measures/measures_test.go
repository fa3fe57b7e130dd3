package measures

import (
	"errors"
	"math"
	"reflect"
	"sort"
	"strings"
	"testing"
)

func TestBuiltinKeys(t *testing.T) {
	entries, err := keyFiles.ReadDir("keys")
	if err != nil {
		t.Fatal(err)
	}
	if len(builtin()) != len(entries) || len(entries) != 11 {
		t.Fatalf("%d keys loaded from %d files, want 11", len(builtin()), len(entries))
	}
	for _, e := range entries {
		f, _ := keyFiles.Open("keys/" + e.Name())
		if _, err := LoadKey(f); err != nil {
			t.Errorf("%s: %v", e.Name(), err)
		}
		f.Close()
	}
	for _, name := range []string{"WAI-SR", "WAI-S", "SRS", "HAq-II", "PHQ-9", "GAD-7", "CORE-10", "CORE-OM", "OQ-45", "BDI-II", "SAI"} {
		k, err := Get(name)
		if err != nil {
			t.Error(err)
			continue
		}
		if k.Description == "" || k.Reference == "" {
			t.Errorf("%s: no description or reference", name)
		}
	}
}

// The WAI-SR subscales as specified in the issue (Hatcher & Gillaspy 2006).
func TestWAISRKey(t *testing.T) {
	k, err := Get("wai_sr")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]int{"task": {1, 2, 10, 12}, "bond": {3, 5, 7, 9}, "goal": {4, 6, 8, 11}}
	for _, s := range k.Subscales {
		if !reflect.DeepEqual(s.Items, want[s.Name]) {
			t.Errorf("%s items %v, want %v", s.Name, s.Items, want[s.Name])
		}
	}
	if k.Items != 12 || k.Min != 1 || k.Max != 5 || len(k.Subscales) != 3 {
		t.Errorf("WAI-SR key: %+v", k)
	}
}

// Subscales that are a partition of the items must cover each item once.
func TestPartitions(t *testing.T) {
	for name, subs := range map[string][]string{
		"WAI-SR":  {"task", "bond", "goal"},
		"WAI-S":   {"task", "bond", "goal"},
		"OQ-45":   {"symptom_distress", "interpersonal_relations", "social_role"},
		"CORE-OM": {"wellbeing", "problems", "functioning", "risk"},
	} {
		k, _ := Get(name)
		var all []int
		for _, s := range k.Subscales {
			for _, want := range subs {
				if s.Name == want {
					all = append(all, s.Items...)
				}
			}
		}
		sort.Ints(all)
		if len(all) != k.Items {
			t.Errorf("%s: subscales hold %d items, want %d", name, len(all), k.Items)
			continue
		}
		for i, it := range all {
			if it != i+1 {
				t.Errorf("%s: subscales do not partition 1..%d (at %d got %d)", name, k.Items, i+1, it)
				break
			}
		}
	}
	// CORE-OM non-risk = all items but the six risk items.
	k, _ := Get("CORE-OM")
	if n := len(k.Subscales[4].Items); n != 28 {
		t.Errorf("CORE-OM non-risk has %d items, want 28", n)
	}
}

// PHQ-9 bands 5/10/15/20 (Kroenke et al. 2001).
func TestPHQ9Bands(t *testing.T) {
	k, _ := Get("PHQ9")
	for _, tt := range []struct {
		s    float64
		want string
	}{{0, "minimal"}, {4, "minimal"}, {4.5, "minimal"}, {5, "mild"}, {9.9, "mild"}, {10, "moderate"},
		{15, "moderately severe"}, {19, "moderately severe"}, {20, "severe"}, {27, "severe"}, {28, ""}, {-1, ""}} {
		if got := k.Band(tt.s); got != tt.want {
			t.Errorf("band(%v) = %q, want %q", tt.s, got, tt.want)
		}
	}
}

func TestScoreByHand(t *testing.T) {
	nan := math.NaN()
	phq, _ := Get("PHQ-9")
	res, err := Score(phq, [][]float64{
		{1, 2, 0, 3, 1, 1, 2, 0, 1},     // 11: moderate, clinical
		{1, 2, 0, 3, 1, 1, 2, 0, nan},   // 10 of 8 answered → 10·9/8 = 11.25
		{nan, 2, 0, 3, 1, nan, 2, 0, 1}, // 2 missing of 9 > 0.15
		{0, 0, 0, 1, 0, 0, 1, 0, 0},     // 2: minimal
	}, ScoreOptions{MaxMissing: 0.15})
	if err != nil {
		t.Fatal(err)
	}
	total := func(r int) *float64 { return res.Rows[r].Scales[0].Score }
	if *total(0) != 11 || res.Rows[0].Band != "moderate" || !*res.Rows[0].Clinical {
		t.Errorf("row 1: %+v", res.Rows[0])
	}
	if *total(1) != 11.25 || !res.Rows[1].Scales[0].Prorated || res.Rows[1].Scales[0].Missing != 1 {
		t.Errorf("row 2: %+v", res.Rows[1].Scales[0])
	}
	if total(2) != nil || res.Rows[2].Scales[0].Missing != 2 || res.Rows[2].Clinical != nil {
		t.Errorf("row 3 should be unscored: %+v", res.Rows[2])
	}
	if *total(3) != 2 || res.Rows[3].Band != "minimal" || *res.Rows[3].Clinical {
		t.Errorf("row 4: %+v", res.Rows[3])
	}
	want := ScaleSummary{Scale: "total", Scored: 3, Prorated: 1, Missing: 1}
	if res.Summary[0] != want {
		t.Errorf("summary %+v, want %+v", res.Summary[0], want)
	}
}

// CORE-OM clinical score by hand: every item answered 1 except the eight
// positively worded items answered 4 (reversed to 0). Sum = 26·1 + 8·0 = 26;
// clinical score = 10 · 26/34. Well-being (4, 14, 17, 31): items 4 and 31
// reversed to 0, 14 and 17 are 1 → 10 · 2/4 = 5. Risk (no reversed item)
// = 10.
func TestScoreCOREOM(t *testing.T) {
	k, _ := Get("CORE-OM")
	row := make([]float64, 34)
	for i := range row {
		row[i] = 1
	}
	for _, it := range []int{3, 4, 7, 12, 19, 21, 31, 32} {
		row[it-1] = 4
	}
	res, err := Score(k, [][]float64{row}, ScoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, s := range res.Rows[0].Scales {
		got[s.Scale] = *s.Score
	}
	if math.Abs(got["total"]-260.0/34) > 1e-12 || got["wellbeing"] != 5 || got["risk"] != 10 {
		t.Errorf("CORE-OM scores %v", got)
	}
	if *res.Rows[0].Clinical != false { // 7.65 < 10
		t.Error("CORE-OM 7.65 flagged clinical")
	}
}

func TestScoreErrors(t *testing.T) {
	phq, _ := Get("PHQ-9")
	_, err := Score(phq, [][]float64{{0, 0, 0, 0, 0, 0, 0, 0, 0}, {0, 1, 2, 4, 0, 0, 0, 0, 0}}, ScoreOptions{})
	var ve *ValueError
	if !errors.As(err, &ve) || ve.Row != 2 || ve.Item != 4 || ve.Value != 4 {
		t.Errorf("out of range: %v", err)
	}
	if _, err := Score(phq, [][]float64{{0, 0}}, ScoreOptions{}); err == nil {
		t.Error("short row: no error")
	}
	if _, err := Score(phq, nil, ScoreOptions{MaxMissing: 1}); err == nil {
		t.Error("max missing 1: no error")
	}
	haq, _ := Get("HAq-II")
	row := make([]float64, 19)
	for i := range row {
		row[i] = 3
	}
	if _, err := Score(haq, [][]float64{row}, ScoreOptions{}); err == nil {
		t.Error("incomplete key accepted")
	}
	if res, err := Score(haq, [][]float64{row}, ScoreOptions{AllowIncomplete: true}); err != nil || *res.Rows[0].Scales[0].Score != 57 {
		t.Errorf("incomplete key allowed: %v", err)
	}
	if _, err := Get("nope"); err == nil {
		t.Error("unknown measure: no error")
	}
}

func TestLoadKeyErrors(t *testing.T) {
	bad := map[string]string{
		"unknown field": `{"name":"x","items":2,"min":0,"max":1,"rule":"sum","colour":1}`,
		"no name":       `{"items":2,"min":0,"max":1,"rule":"sum"}`,
		"range":         `{"name":"x","items":2,"min":1,"max":1,"rule":"sum"}`,
		"rule":          `{"name":"x","items":2,"min":0,"max":1,"rule":"median"}`,
		"reversed":      `{"name":"x","items":2,"min":0,"max":1,"rule":"sum","reversed":[3]}`,
		"dup item":      `{"name":"x","items":2,"min":0,"max":1,"rule":"sum","subscales":[{"name":"a","items":[1,1]}]}`,
		"total name":    `{"name":"x","items":2,"min":0,"max":1,"rule":"sum","subscales":[{"name":"total","items":[1]}]}`,
		"bands overlap": `{"name":"x","items":2,"min":0,"max":1,"rule":"sum","bands":[{"label":"a","min":0,"max":1},{"label":"b","min":1,"max":2}]}`,
		"cutoff dir":    `{"name":"x","items":2,"min":0,"max":1,"rule":"sum","cutoff":1}`,
		"not json":      `name: x`,
	}
	for name, s := range bad {
		if _, err := LoadKey(strings.NewReader(s)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	k, err := LoadKey(strings.NewReader(`{"name":"mine","items":3,"min":1,"max":4,"rule":"mean","reversed":[2]}`))
	if err != nil {
		t.Fatal(err)
	}
	res, err := Score(k, [][]float64{{1, 1, 4}}, ScoreOptions{}) // (1 + 4 + 4)/3
	if err != nil || *res.Rows[0].Scales[0].Score != 3 {
		t.Errorf("user key: %v %+v", err, res)
	}
}

// TestLoadKeyYAML reads a YAML key and checks it equals the same key in
// JSON, and that a misspelt field is an error.
func TestLoadKeyYAML(t *testing.T) {
	yml := `
name: MINI-3
full_name: Three-item example scale
items: 3
min: 0
max: 4
reversed: [2]
rule: sum
subscales:
  - name: first_two
    items: [1, 2]
`
	js := `{"name": "MINI-3", "full_name": "Three-item example scale", "items": 3, "min": 0, "max": 4,
	"reversed": [2], "rule": "sum", "subscales": [{"name": "first_two", "items": [1, 2]}]}`
	ky, err := LoadKey(strings.NewReader(yml))
	if err != nil {
		t.Fatal(err)
	}
	kj, err := LoadKey(strings.NewReader(js))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(ky, kj) {
		t.Errorf("YAML key %+v differs from JSON key %+v", ky, kj)
	}
	res, err := Score(ky, [][]float64{{4, 1, 2}}, ScoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// Item 2 reversed: 0 + 4 − 1 = 3; total 4 + 3 + 2 = 9; first_two 4 + 3 = 7.
	if got := *res.Rows[0].Scales[0].Score; got != 9 {
		t.Errorf("total %v, want 9", got)
	}
	if got := *res.Rows[0].Scales[1].Score; got != 7 {
		t.Errorf("first_two %v, want 7", got)
	}
	if _, err := LoadKey(strings.NewReader("name: X\nitemz: 3\n")); err == nil || !strings.Contains(err.Error(), "itemz") {
		t.Errorf("misspelt field: %v", err)
	}
}

// The SAI composite is the mean of its 6 items (Falkenström et al. 2015):
// (6 + 5 + 5 + 4 + 6 + 4) / 6 = 5; a 7 is outside the (unverified) 0–6
// range and refused, naming row and item.
func TestSAIKey(t *testing.T) {
	k, err := Get("sai")
	if err != nil {
		t.Fatal(err)
	}
	if k.Items != 6 || k.Rule != "mean" || len(k.Subscales) != 0 || !strings.Contains(k.Description, "NOT verified") {
		t.Fatalf("SAI key: %+v", k)
	}
	res, err := Score(k, [][]float64{{6, 5, 5, 4, 6, 4}}, ScoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := *res.Rows[0].Scales[0].Score; got != 5 {
		t.Errorf("SAI mean = %v, want 5", got)
	}
	_, err = Score(k, [][]float64{{6, 5, 5, 7, 6, 4}}, ScoreOptions{})
	var ve *ValueError
	if !errors.As(err, &ve) || ve.Row != 1 || ve.Item != 4 {
		t.Errorf("7 on item 4: %v", err)
	}
}
