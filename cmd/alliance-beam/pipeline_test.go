package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	//lint:ignore SA1019 the test runs the deprecated direct runner beside prism on purpose: both are Beam's local runners
	"github.com/apache/beam/sdks/v2/go/pkg/beam/runners/direct"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/runners/prism"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"

	"github.com/alliance-research/alliance/analysis/workflow"
	"github.com/alliance-research/alliance/datasets"
	"github.com/alliance-research/alliance/datasets/simulate"
)

// TestMain initialises Beam (a worker re-enters the test binary).
func TestMain(m *testing.M) { ptest.Main(m) }

// simulated returns a simulated session table as CSV text.
func simulated(t *testing.T, patients int) []byte {
	t.Helper()
	p := simulate.DefaultSessionParams()
	p.Patients, p.Therapists = patients, patients/10
	var b bytes.Buffer
	if _, err := simulate.WriteSessionsCSV(&b, p, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// writeShards deals the rows of csv over k Parquet shards, row i to shard
// i mod k, so that every patient's rows are spread over all shards (each
// shard keeps them in session order, as a partitioned export would).
func writeShards(t *testing.T, dir string, csv []byte, k int) {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(string(csv)), "\n")
	parts := make([][]string, k)
	for i, l := range lines[1:] {
		parts[i%k] = append(parts[i%k], l)
	}
	for j, part := range parts {
		name := fmt.Sprintf("part-%03d.csv", j)
		tab, err := datasets.ReadBytes(name, []byte(lines[0]+"\n"+strings.Join(part, "\n")+"\n"), datasets.ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := datasets.WriteParquet(&b, tab); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("part-%03d.parquet", j)), b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// run builds the pipeline of c and runs it with exec, returning its JSON.
func run(t *testing.T, exec func(context.Context, *beam.Pipeline) (beam.PipelineResult, error), c Config) (Result, error) {
	t.Helper()
	p, s := beam.NewPipelineWithRoot()
	Build(s, c)
	if _, err := exec(context.Background(), p); err != nil {
		return Result{}, err
	}
	b, err := os.ReadFile(c.Output)
	if err != nil {
		t.Fatal(err)
	}
	var r Result
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	return r, nil
}

// same compares two JSON values: equal structure, equal strings and
// nulls, numbers within 1e-12 relative (integers are then equal).
func same(path string, a, b any) []string { return near(path, a, b, 1e-12) }

// near is same with numbers within tol relative.
func near(path string, a, b any, tol float64) []string {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return []string{fmt.Sprintf("%s: %v vs %v", path, a, b)}
		}
		var out []string
		for k := range x {
			if strings.HasPrefix(path, "session_model") && (k == "reason" || k == "iterations" || k == "evaluations") {
				continue // the optimiser's path, not a result
			}
			out = append(out, near(path+"."+k, x[k], y[k], tol)...)
		}
		return out
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return []string{fmt.Sprintf("%s: %v vs %v", path, a, b)}
		}
		var out []string
		for i := range x {
			out = append(out, near(fmt.Sprintf("%s[%d]", path, i), x[i], y[i], tol)...)
		}
		return out
	case float64:
		y, ok := b.(float64)
		if !ok || math.Abs(x-y) > tolOf(path, tol)*math.Max(1, math.Abs(x)) {
			return []string{fmt.Sprintf("%s: %v vs %v", path, a, b)}
		}
		return nil
	default:
		if a != b {
			return []string{fmt.Sprintf("%s: %v vs %v", path, a, b)}
		}
		return nil
	}
}

// tolOf is tol, or for the session model's Satterthwaite df and the
// intervals built on them 5e-3: they come from numerical derivatives at
// the optimum, and FitStats on merged partitions and Fit on the rows
// differ there by up to 2.1e-3 relative (measured here on 400 simulated
// patients; logLik, estimates and SEs agree to 1e-9 and 1e-6).
func tolOf(path string, tol float64) float64 {
	if strings.HasPrefix(path, "session_model.") && (strings.HasSuffix(path, ".df") || strings.HasSuffix(path, ".ci_lb") || strings.HasSuffix(path, ".ci_ub")) {
		return 5e-3
	}
	return tol
}

func jsonOf(t *testing.T, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestPipelineEqualsSingleMachine runs the pipeline on four Parquet shards
// of a simulated registry (every patient split over all four) on Beam's
// two local runners, prism (the portable one that Flink, Spark and
// Dataflow also speak) and the deprecated direct runner, and compares the
// JSON with the single-machine workflow functions behind 'alliance
// ruptures', 'alliance gains --cutoff 5' and 'alliance sessions' on the
// same rows.
func TestPipelineEqualsSingleMachine(t *testing.T) {
	csv := simulated(t, 400)
	dir := t.TempDir()
	writeShards(t, dir, csv, 4)

	tab, err := datasets.ReadBytes("sessions.csv", append([]byte(nil), csv...), datasets.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	src := workflow.FileSource("sessions.csv", tab)
	rr, err := workflow.Ruptures(src, workflow.RupturesOptions{NoSessionModel: true})
	if err != nil {
		t.Fatal(err)
	}
	tab2, err := datasets.ReadBytes("sessions.csv", append([]byte(nil), csv...), datasets.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	cut := 5.0
	gr, err := workflow.Gains(workflow.FileSource("sessions.csv", tab2), workflow.GainsOptions{Cutoff: &cut})
	if err != nil {
		t.Fatal(err)
	}
	if rr.Summary.Episodes == 0 || rr.Summary.Repaired == 0 || gr.Summary.SGTotalN == 0 {
		t.Fatalf("the simulated data should have ruptures, repairs and gains: %d, %d, %d", rr.Summary.Episodes, rr.Summary.Repaired, gr.Summary.SGTotalN)
	}
	tab3, err := datasets.ReadBytes("sessions.csv", append([]byte(nil), csv...), datasets.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	sr, err := workflow.Sessions(workflow.FileSource("sessions.csv", tab3), workflow.SessionsOptions{})
	if err != nil {
		t.Fatal(err)
	}
	sr.Result.Ranef = nil
	wantS := jsonOf(t, sr.Result)
	wantR := jsonOf(t, RupturesResult{Options: rr.Options, Summary: rr.Summary})
	wantG := jsonOf(t, GainsResult{Direction: gr.Direction, Criteria: gr.Criteria, Summary: gr.Summary, Patients: gr.Patients, WithGain: gr.WithGain, Sessions: gr.Sessions})

	for _, r := range []struct {
		name string
		exec func(context.Context, *beam.Pipeline) (beam.PipelineResult, error)
	}{{"prism", prism.Execute}, {"direct", direct.Execute}} {
		t.Run(r.name, func(t *testing.T) {
			c := Config{Input: filepath.Join(dir, "part-*.parquet"), Output: filepath.Join(t.TempDir(), "out.json"), Cutoff: cut, Sessions: true}
			got, err := run(t, r.exec, c)
			if err != nil {
				t.Fatal(err)
			}
			if got.Shards != 4 || got.Rows != tab.NumRows() || got.Patients != 400 {
				t.Errorf("shards %d, rows %d, patients %d; want 4, %d, 400", got.Shards, got.Rows, got.Patients, tab.NumRows())
			}
			if got.Ruptures == nil || got.Gains == nil {
				t.Fatalf("missing stage: %+v", got)
			}
			for _, d := range same("ruptures", jsonOf(t, got.Ruptures), wantR) {
				t.Error(d)
			}
			for _, d := range same("gains", jsonOf(t, got.Gains), wantG) {
				t.Error(d)
			}
			// the session model: the optimiser's path differs with the
			// summation order, so estimates agree to 1e-6 (the project's
			// tolerance for optimiser-dependent quantities is 1e-4), the
			// log-likelihood to 1e-9
			if got.SessionModel == nil {
				t.Fatal("no session model")
			}
			if math.Abs(got.SessionModel.LogLik-sr.LogLik) > 1e-9*math.Abs(sr.LogLik) {
				t.Errorf("session model logLik %v, want %v", got.SessionModel.LogLik, sr.LogLik)
			}
			for _, d := range near("session_model", jsonOf(t, got.SessionModel), wantS, 1e-6) {
				t.Error(d)
			}
		})
	}
}

// TestPipelineDuplicateSession: a session given twice, in two shards, is
// an error naming both places, never a silently merged patient.
func TestPipelineDuplicateSession(t *testing.T) {
	dir := t.TempDir()
	a := "patient,therapist,session,alliance\n1,A,1,4\n1,A,2,4.5\n2,A,1,3\n2,A,2,3.2\n"
	b := "patient,therapist,session,alliance\n1,A,2,3\n1,A,3,5\n"
	for name, text := range map[string]string{"a.csv": a, "b.csv": b} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	c := Config{Input: filepath.Join(dir, "*.csv"), Output: filepath.Join(dir, "out.json")}
	_, err := run(t, direct.Execute, c)
	if err == nil || !strings.Contains(err.Error(), `patient "1" has session 2 twice`) {
		t.Fatalf("want the duplicate session named, got %v", err)
	}
}
