package plots

import (
	"bytes"
	"testing"

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
