package workflow

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/alliance-research/alliance/analysis/jsonout"
	"github.com/alliance-research/alliance/datasets"
)

// randomChangeFile writes a random long file for the change analysis:
// columns id, time, score and arm (group labels "1", "01", "b", or NA),
// patients with one to ten sessions, missing scores, a session 0 now and
// then; shuffled interleaves the patients' rows (sessions still increase
// within each patient).
func randomChangeFile(t *testing.T, rng *rand.Rand, dir string, np int, shuffled bool) string {
	t.Helper()
	type row struct {
		p    int
		text string
	}
	var rows []row
	arms := []string{"1", "01", "b", "NA"}
	for p := range np {
		arm := arms[rng.IntN(len(arms))]
		level := 20 + 6*rng.NormFloat64()
		n := 1 + rng.IntN(10)
		s := rng.IntN(2)
		for range n {
			y := fmt.Sprintf("%.1f", level-float64(s)*rng.Float64()*1.5+2*rng.NormFloat64())
			if rng.IntN(7) == 0 {
				y = "NA"
			}
			rows = append(rows, row{p, fmt.Sprintf("P%03d,%d,%s,%s\n", p, s, y, arm)})
			s += 1 + rng.IntN(2)
		}
	}
	if shuffled {
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
	b.WriteString("id,time,score,arm\n")
	for _, r := range rows {
		b.WriteString(r.text)
	}
	path := filepath.Join(dir, fmt.Sprintf("c%d.csv", rng.IntN(1<<30)))
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func tidyCSV(t *Table) string {
	var b strings.Builder
	b.WriteString(strings.Join(t.Columns, ",") + "\n")
	for _, r := range t.Rows {
		b.WriteString(strings.Join(r, ",") + "\n")
	}
	return b.String()
}

// TestChangeStreamMatchesMemory: over random files, sorted and shuffled,
// and every approach (distribution with JT, GLN and HA, combined with JT
// and HA cutoffs, statistical, percentage, groups, pre and post time
// values, higher-is-better), ChangeFile (patient by patient) gives
// Change's JSON byte for byte, or the same error; the per-patient table it
// writes on the way is Change's Tidy table. Above ListLimit patients both
// leave the list out alike; a shuffled file is read whole with a note
// (small) or refused with the sort command (large), never analysed wrong.
func TestChangeStreamMatchesMemory(t *testing.T) {
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(21, 4))
	opts := []ChangeOptions{
		{Reliability: fp(0.8)},
		{Reliability: fp(0.85), Method: "GLN", Group: "arm"},
		{Reliability: fp(0.8), Approach: "combined", MFunctional: fp(10), SDFunctional: fp(5), CutoffType: "c"},
		{Reliability: fp(0.75), Method: "HA", Approach: "combined"},
		{Approach: "statistical", MFunctional: fp(12), SDFunctional: fp(4), CutoffType: "b", Group: "arm"},
		{Approach: "percentage", PctImprovement: fp(0.3)},
		{Approach: "percentage", PctImprovement: fp(0.2), PctDeterioration: fp(0.4), HigherBetter: true},
		{Reliability: fp(0.8), Pre: "1", Post: "5", Time: "time", Score: "score", Patient: "id"},
		{Reliability: fp(0.9), Method: "HA", Approach: "statistical", Level: 0.9},
		{Reliability: fp(0.7), Approach: "combined", MClinical: fp(22), SDClinical: fp(6), HigherBetter: true, Group: "arm"},
	}
	errs, big := 0, 0
	for it := range 40 {
		shuffled := it%5 == 4
		np := 2 + rng.IntN(60)
		if it == 12 || it == 27 {
			np = ListLimit + 40 + rng.IntN(200)
			big++
		}
		path := randomChangeFile(t, rng, dir, np, shuffled)
		opt := opts[it%len(opts)]
		src, err := Input{File: path}.Read(datasets.ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		mopt := opt
		mem, merr := Change(src, mopt)
		sopt := opt
		var pat bytes.Buffer
		if !shuffled {
			sopt.PatientsTo = &pat
		}
		str, serr := ChangeFile(path, datasets.ReadOptions{}, sopt)
		if (merr == nil) != (serr == nil) {
			t.Fatalf("%d: errors differ: %v / %v", it, merr, serr)
		}
		if merr != nil {
			if merr.Error() != serr.Error() {
				t.Errorf("%d: errors differ:\n%v\n%v", it, merr, serr)
			}
			errs++
			continue
		}
		a, _ := jsonout.Marshal(mem)
		b, _ := jsonout.Marshal(str)
		if string(a) != string(b) {
			t.Fatalf("%d: streaming and in-memory JSON differ\n%s\n%s", it, a, b)
		}
		if (mem.NUsed > ListLimit) != (str.ListsOmitted != nil) || (mem.ListsOmitted == nil) != (str.ListsOmitted == nil) {
			t.Errorf("%d: %d patients used, lists omitted %v / %v", it, mem.NUsed, mem.ListsOmitted, str.ListsOmitted)
		}
		if mem.NUsed > ListLimit { // ListAll keeps every patient in memory
			all := opt
			all.ListAll = true
			if r, err := Change(src, all); err != nil || r.ListsOmitted != nil || len(r.Persons) == 0 {
				t.Errorf("%d: ListAll: err %v, lists omitted %v", it, err, r.ListsOmitted)
			}
		}
		if !shuffled && pat.String() != tidyCSV(mem.Tidy()) {
			t.Errorf("%d: the per-patient table differs from Tidy\n%.300s\n%.300s", it, pat.String(), tidyCSV(mem.Tidy()))
		}
		if notes := str.TopNotes(); shuffled != (len(notes) > 0 && strings.Contains(notes[0].Text, "not grouped by patient")) {
			t.Errorf("%d: shuffled %v, notes %v", it, shuffled, notes)
		}
	}
	t.Logf("%d runs failed alike, %d large", errs, big)
	if big != 2 || errs > 8 {
		t.Fatalf("%d large files, %d errors: the cases do not test enough", big, errs)
	}
	// an interleaved file too large to read whole: the sort message
	defer func(v int64) { streamFallbackBytes = v }(streamFallbackBytes)
	streamFallbackBytes = 10
	spath := randomChangeFile(t, rng, dir, 30, true)
	_, err := ChangeFile(spath, datasets.ReadOptions{}, ChangeOptions{Reliability: fp(0.8)})
	var in *datasets.InputError
	if !errors.As(err, &in) || in.Problems[0].Hint != datasets.HintSort || !strings.Contains(err.Error(), "sort -t ',' -k1,1 -k2,2n") {
		t.Errorf("interleaved large file: %v", err)
	}
}

// TestChangeStreamParquet: a Parquet copy of a file above ListLimit gives
// the CSV file's JSON and per-patient table; KeepPersons keeps every
// patient for the figure and Tidy, and the JSON still leaves them out.
func TestChangeStreamParquet(t *testing.T) {
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(8, 8))
	path := randomChangeFile(t, rng, dir, ListLimit+500, false)
	src, err := Input{File: path}.Read(datasets.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var pq bytes.Buffer
	if werr := datasets.WriteParquet(&pq, src.Table); werr != nil {
		t.Fatal(werr)
	}
	ppath := strings.TrimSuffix(path, ".csv") + ".parquet"
	if werr := os.WriteFile(ppath, pq.Bytes(), 0o644); werr != nil {
		t.Fatal(werr)
	}
	opt := ChangeOptions{Reliability: fp(0.8), Approach: "combined", Group: "arm"}
	var tc, tp bytes.Buffer
	oc, op := opt, opt
	oc.PatientsTo, op.PatientsTo = &tc, &tp
	rc, err := ChangeFile(path, datasets.ReadOptions{}, oc)
	if err != nil {
		t.Fatal(err)
	}
	rp, err := ChangeFile(ppath, datasets.ReadOptions{}, op)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := jsonout.Marshal(rc)
	b, _ := jsonout.Marshal(rp)
	if strings.ReplaceAll(string(a), path, "F") != strings.ReplaceAll(string(b), ppath, "F") || tc.String() != tp.String() {
		t.Fatal("Parquet and CSV differ")
	}
	if rc.ListsOmitted == nil || rc.Persons != nil || len(rc.Tidy().Rows) != 0 {
		t.Fatal("patients kept above ListLimit")
	}
	if strings.Count(tc.String(), "\n") != rc.NUsed+1 {
		t.Fatalf("per-patient table: %d lines for %d patients", strings.Count(tc.String(), "\n"), rc.NUsed)
	}
	opt.KeepPersons = true
	kept, err := ChangeFile(ppath, datasets.ReadOptions{}, opt)
	if err != nil {
		t.Fatal(err)
	}
	k, _ := jsonout.Marshal(kept)
	if string(k) != string(b) || tidyCSV(kept.Tidy()) != tc.String() {
		t.Fatal("KeepPersons changes the JSON, or its Tidy table is not the per-patient table")
	}
	fig := false
	for _, f := range kept.Section().Figures() {
		fig = fig || f.Name == "jacobson-truax"
	}
	if !fig {
		t.Error("no Jacobson–Truax figure with KeepPersons")
	}
}
