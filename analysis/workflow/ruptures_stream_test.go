package workflow

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/alliance-research/alliance/analysis/change"
	"github.com/alliance-research/alliance/analysis/jsonout"
	"github.com/alliance-research/alliance/analysis/rupture"
	"github.com/alliance-research/alliance/datasets"
)

// randomSessionFile writes a random session table with alliance dips and
// recoveries, missing values and an outcome; shuffled interleaves the
// patients' rows (sessions still increasing within each patient).
func randomSessionFile(t *testing.T, rng *rand.Rand, dir string, np int, shuffled bool) string {
	t.Helper()
	type row struct {
		p    int
		text string
	}
	var rows []row
	for p := range np {
		th := rng.IntN(1 + np/8)
		n := 2 + rng.IntN(14)
		for s := 1; s <= n; s++ {
			a := fmt.Sprintf("%.2f", 4+0.6*rng.NormFloat64())
			if rng.IntN(12) == 0 {
				a = "NA"
			}
			y := fmt.Sprintf("%d", 10+rng.IntN(15)-s/2)
			if rng.IntN(10) == 0 {
				y = ""
			}
			rows = append(rows, row{p, fmt.Sprintf("id%d,t%d,%d,%s,%s\n", p, th, s, a, y)})
		}
	}
	if shuffled {
		// a random interleaving that keeps each patient's order
		var next []int
		byP := map[int][]string{}
		for _, r := range rows {
			byP[r.p] = append(byP[r.p], r.text)
			next = append(next, r.p)
		}
		rng.Shuffle(len(next), func(i, j int) { next[i], next[j] = next[j], next[i] })
		rows = rows[:0]
		for _, p := range next {
			rows = append(rows, row{p, byP[p][0]})
			byP[p] = byP[p][1:]
		}
	}
	var b strings.Builder
	b.WriteString("patient,therapist,session,alliance,outcome\n")
	for _, r := range rows {
		b.WriteString(r.text)
	}
	path := filepath.Join(dir, fmt.Sprintf("r%d.csv", rng.IntN(1<<30)))
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func runJSON(t *testing.T, run *RupturesRun) string {
	t.Helper()
	b, err := jsonout.Marshal(run)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestRupturesStreamMatchesMemory: on random sorted files, the streaming
// run (RupturesFile) gives the in-memory run's JSON byte for byte, under
// several rules and with the sensitivity table; both agree with the
// kernels applied to every series at once (rupture.Analyze, Estimate,
// Sensitivity). A shuffled file is read whole with a note (small) and
// gives the in-memory answer, never another.
func TestRupturesStreamMatchesMemory(t *testing.T) {
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(3, 9))
	rules := []RupturesOptions{
		{Sensitivity: true},
		{Method: "rci", Reliability: fp(0.8)},
		{Threshold: fp(0.8), Measure: "post", HigherBetter: true},
		{Preset: "larsson2018"},
	}
	for it := range 24 {
		shuffled := it%3 == 2
		path := randomSessionFile(t, rng, dir, 5+rng.IntN(60), shuffled)
		opt := rules[it%len(rules)]
		src, err := Input{File: path}.Read(datasets.ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		mem, err := Ruptures(src, opt)
		if err != nil {
			t.Fatalf("%d: %v", it, err)
		}
		str, err := RupturesFile(path, datasets.ReadOptions{}, opt)
		if err != nil {
			t.Fatalf("%d: %v", it, err)
		}
		if a, b := runJSON(t, mem), runJSON(t, str); a != b {
			t.Fatalf("%d: streaming and in-memory JSON differ\n%s\n%s", it, a, b)
		}
		if shuffled != (len(str.TopNotes()) > 0 && strings.Contains(str.TopNotes()[0].Text, "not grouped by patient")) {
			t.Errorf("%d: shuffled %v, notes %v", it, shuffled, str.TopNotes())
		}
		// the kernels on every series at once
		ss, err := src.Table.Sessions(datasets.SessionColumns{}, datasets.SessionOptions{})
		if err != nil {
			t.Fatal(err)
		}
		series, outcomes := rupture.SeriesFromRows(ss.Patient.Strings(), ss.Therapist.Strings(), ss.Session, ss.Alliance, ss.Outcome)
		var res *rupture.Result
		if opt.Preset != "" {
			res, err = rupture.AnalyzePreset(series, opt.Preset)
		} else {
			ro, _ := opt.rule()
			res, err = rupture.Analyze(series, ro)
		}
		if err != nil {
			t.Fatal(err)
		}
		eo := rupture.DefaultEffectOptions()
		if opt.Measure != "" {
			eo.Measure = rupture.OutcomeMeasure(opt.Measure)
		}
		if opt.HigherBetter {
			eo.Better = change.Higher
		}
		if _, err := res.Estimate(outcomes, eo); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(jsonOf(t, res.Summary), jsonOf(t, str.Summary)) || !reflect.DeepEqual(jsonOf(t, res.Episodes), jsonOf(t, str.Episodes)) ||
			!reflect.DeepEqual(jsonOf(t, res.Effects), jsonOf(t, str.Effects)) || !reflect.DeepEqual(jsonOf(t, res.ANCOVA), jsonOf(t, str.ANCOVA)) ||
			!reflect.DeepEqual(jsonOf(t, res.Patients), jsonOf(t, str.Patients)) {
			t.Fatalf("%d: the stage differs from the kernels", it)
		}
		if opt.Sensitivity {
			sens, err := rupture.Sensitivity(series, nil)
			if err != nil {
				t.Fatal(err)
			}
			if jsonOf(t, sens) != jsonOf(t, str.Sensitivity) {
				t.Fatalf("%d: sensitivity differs\n%s\n%s", it, jsonOf(t, sens), jsonOf(t, str.Sensitivity))
			}
		}
	}
}

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := jsonout.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestRupturesStreamLarge: above ListLimit patients the lists are left
// out with a note, the summary and effects are still the kernels', the
// episode and patient tables written on the way hold every episode and
// patient, and a Parquet copy of the file gives the same JSON.
func TestRupturesStreamLarge(t *testing.T) {
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(5, 5))
	path := randomSessionFile(t, rng, dir, ListLimit+300, false)
	var ep, pat bytes.Buffer
	run, err := RupturesFile(path, datasets.ReadOptions{}, RupturesOptions{EpisodesTo: &ep, PatientsTo: &pat})
	if err != nil {
		t.Fatal(err)
	}
	if run.ListsOmitted == nil || run.Episodes != nil || run.Patients != nil {
		t.Fatalf("lists kept above the limit: %+v", run.ListsOmitted)
	}
	if !strings.Contains(run.TopNotes()[len(run.TopNotes())-1].Text, "--episodes FILE") {
		t.Errorf("notes %v", run.TopNotes())
	}
	src, _ := Input{File: path}.Read(datasets.ReadOptions{})
	ss, _ := src.Table.Sessions(datasets.SessionColumns{}, datasets.SessionOptions{})
	series, outcomes := rupture.SeriesFromRows(ss.Patient.Strings(), ss.Therapist.Strings(), ss.Session, ss.Alliance, ss.Outcome)
	res, err := rupture.Analyze(series, rupture.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := res.Estimate(outcomes, rupture.DefaultEffectOptions()); err != nil {
		t.Fatal(err)
	}
	if jsonOf(t, res.Summary) != jsonOf(t, run.Summary) || jsonOf(t, res.Effects) != jsonOf(t, run.Effects) {
		t.Fatal("summary or effects differ from the kernels")
	}
	want := (&RupturesRun{Result: res}).Tidy()
	var wb strings.Builder
	wb.WriteString(strings.Join(want.Columns, ",") + "\n")
	for _, r := range want.Rows {
		wb.WriteString(strings.Join(r, ",") + "\n")
	}
	if ep.String() != wb.String() {
		t.Error("the episode table differs from the kernels' episodes")
	}
	if n := strings.Count(pat.String(), "\n"); n != len(res.Patients)+1 {
		t.Errorf("patient table: %d lines for %d patients", n, len(res.Patients))
	}
	// Parquet copy
	var pq bytes.Buffer
	if err := datasets.WriteParquet(&pq, src.Table); err != nil {
		t.Fatal(err)
	}
	ppath := strings.TrimSuffix(path, ".csv") + ".parquet"
	if err := os.WriteFile(ppath, pq.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	prun, err := RupturesFile(ppath, datasets.ReadOptions{}, RupturesOptions{})
	if err != nil {
		t.Fatal(err)
	}
	a := strings.ReplaceAll(runJSON(t, run), path, "F")
	b := strings.ReplaceAll(runJSON(t, prun), ppath, "F")
	if a != b {
		t.Errorf("Parquet and CSV JSON differ")
	}
	// an interleaved file too large to read whole: the sort message
	defer func(v int64) { streamFallbackBytes = v }(streamFallbackBytes)
	streamFallbackBytes = 10
	spath := randomSessionFile(t, rng, dir, 30, true)
	_, err = RupturesFile(spath, datasets.ReadOptions{}, RupturesOptions{})
	var in *datasets.InputError
	if !errors.As(err, &in) || in.Problems[0].Hint != datasets.HintSort || !strings.Contains(err.Error(), "sort -t ',' -k1,1 -k3,3n") {
		t.Errorf("interleaved large file: %v", err)
	}
}
