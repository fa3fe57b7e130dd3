package plots

import (
	"bytes"
	"testing"

	"github.com/alliance-research/alliance/analysis/rupture"
	"github.com/alliance-research/alliance/analysis/workflow"
	"github.com/alliance-research/alliance/datasets"
)

// TestSessionSpecsDraw draws every figure the session workflows specify on
// the embedded demo data (each must encode as SVG), and checks that a
// rupture plot of an unknown patient is an error, not an empty figure.
func TestSessionSpecsDraw(t *testing.T) {
	info, _ := datasets.Lookup("demo-sessions")
	tab, err := datasets.ReadEmbedded("demo-sessions", datasets.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	src := workflow.EmbeddedSource(info, tab)
	var secs []*workflow.Section
	s, err := workflow.Sessions(src, workflow.SessionsOptions{Concurrent: true, Trajectories: true})
	if err != nil {
		t.Fatal(err)
	}
	secs = append(secs, s.Section())
	r, err := workflow.Ruptures(src, workflow.RupturesOptions{})
	if err != nil {
		t.Fatal(err)
	}
	secs = append(secs, r.Section())
	rel := .9
	g, err := workflow.Gains(src, workflow.GainsOptions{Reliability: &rel})
	if err != nil {
		t.Fatal(err)
	}
	secs = append(secs, g.Section())
	c, err := workflow.Change(src, workflow.ChangeOptions{Reliability: &rel})
	if err != nil {
		t.Fatal(err)
	}
	secs = append(secs, c.Section())
	kinds := map[string]bool{}
	for _, sec := range secs {
		for _, f := range sec.Figures() {
			fig, err := FromSpec(f.Spec)
			if err != nil {
				t.Errorf("%s: %v", f.Name, err)
				continue
			}
			var b bytes.Buffer
			if err := fig.Encode(&b, "svg"); err != nil || b.Len() < 1000 {
				t.Errorf("%s: %v (%d bytes)", f.Name, err, b.Len())
			}
			kinds[f.Spec.Kind()] = true
		}
	}
	for _, k := range []string{"trajectories", "within-between", "caterpillar", "rupture", "sudden-gains", "jacobson-truax"} {
		if !kinds[k] {
			t.Errorf("no %s figure", k)
		}
	}
	if _, err := FromSpec(workflow.RuptureSpec{Result: r.Result, Patients: []string{"nobody"}}); err == nil {
		t.Error("unknown patient: no error")
	}
}

// TestEpisodeSegments: two episodes of one patient with different
// references get their own reference and threshold (issue 14: one
// threshold line for the whole series put the later rupture above it).
// Episode 1: reference 5, drop needed 2, at session 3, repaired at 5.
// Episode 2: reference 3, drop needed 1, at session 8, never repaired,
// window 3 cut at the last session 9.
func TestEpisodeSegments(t *testing.T) {
	eps := []rupture.Episode{
		{Session: 3, Reference: 5, Threshold: 2, Repaired: true, RepairSession: rupture.NullInt{V: 5, Valid: true}},
		{Session: 8, Reference: 3, Threshold: 1},
	}
	got := episodeSegments(eps, []float64{1, 2, 3, 4, 5, 6, 8, 9}, 3)
	want := []episodeSegment{{X0: 2, X1: 5, Reference: 5, Threshold: 3}, {X0: 6, X1: 9, Reference: 3, Threshold: 2}}
	if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("segments %+v, want %+v", got, want)
	}
}
