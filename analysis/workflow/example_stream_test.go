package workflow_test

import (
	"fmt"
	"os"

	"github.com/alliance-research/alliance/analysis/rupture"
	"github.com/alliance-research/alliance/analysis/workflow"
	"github.com/alliance-research/alliance/datasets"
)

// The per-patient stage of the rupture analysis as a partitioned pipeline
// would run it: the demo sessions written as Parquet, read patient by
// patient, the patients split into two partitions whose sample statistics
// (pass 1) and parts (pass 2) are merged. The counts are those of
// 'alliance ruptures' on the whole table (README: 65 episodes in 240
// patients, 35 repaired, 1 censored; rupture rate 27.1 %).
func ExampleRupturesStage() {
	t, err := datasets.ReadEmbedded("demo-sessions", datasets.ReadOptions{})
	if err != nil {
		panic(err)
	}
	f, err := os.CreateTemp("", "demo-*.parquet")
	if err != nil {
		panic(err)
	}
	defer os.Remove(f.Name())
	if werr := datasets.WriteParquet(f, t); werr != nil {
		panic(werr)
	}
	f.Close()

	st, err := workflow.NewRupturesStage(workflow.RupturesOptions{})
	if err != nil {
		panic(err)
	}
	s, err := datasets.OpenSessionStream(f.Name(), datasets.StreamOptions{Columns: st.Columns(), Session: datasets.SessionOptions{RequireAlliance: true}})
	if err != nil {
		panic(err)
	}
	defer s.Close()
	// pass 1: the sample SD of the rule, two partitions merged
	var a, b rupture.SampleStats
	for k := 0; ; k++ {
		p, nerr := s.Next()
		if nerr != nil {
			break
		}
		if k < 100 {
			st.Sample(&a, p)
		} else {
			st.Sample(&b, p)
		}
	}
	a.Merge(&b)
	if perr := st.Prepare(&a); perr != nil {
		panic(perr)
	}
	// pass 2: the per-patient map into two parts, merged in patient order
	if rerr := s.Rewind(); rerr != nil {
		panic(rerr)
	}
	p1, p2 := st.NewPart(), st.NewPart()
	for k := 0; ; k++ {
		p, nerr := s.Next()
		if nerr != nil {
			break
		}
		part := p1
		if k >= 100 {
			part = p2
		}
		if aerr := st.Add(part, p); aerr != nil {
			panic(aerr)
		}
	}
	p1.Merge(p2)
	run, err := st.Finish(workflow.Source{Name: "demo-sessions.parquet"}, p1)
	if err != nil {
		panic(err)
	}
	sm := run.Summary
	fmt.Printf("%d patients, %d episodes, %d repaired, %d censored, rupture rate %.3f\n", sm.Patients, sm.Episodes, sm.Repaired, sm.Censored, sm.RuptureRate)
	fmt.Println(run.RepairEffect().Contrast, run.RepairEffect().N1, run.RepairEffect().N2)
	// Output:
	// 240 patients, 65 episodes, 35 repaired, 1 censored, rupture rate 0.271
	// repaired vs unrepaired 35 29
}
