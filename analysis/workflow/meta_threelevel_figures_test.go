package workflow

import (
	"math"
	"strings"
	"testing"

	"github.com/alliance-research/alliance/analysis/jsonout"
	"github.com/alliance-research/alliance/analysis/metamv"
)

// figureNames lists the figures of a run's section.
func figureNames(r *MetaRun) map[string]FigureSpec {
	out := map[string]FigureSpec{}
	for _, f := range r.Section().Figures() {
		out[f.Name] = f.Spec
	}
	return out
}

// The figure flags draw the three-level model's figures with --cluster: the
// forest grouped by cluster, the funnel, the bubble (one numeric
// moderator) and the profile plot; the univariate-only figures are still
// refused.
func TestThreeLevelFigures(t *testing.T) {
	run, err := Meta(embedded(t, "demo-studies"), MetaOptions{Cluster: "study", Figures: []string{"forest", "funnel", "profile"}})
	if err != nil {
		t.Fatal(err)
	}
	figs := figureNames(run)
	fs, ok := figs["forest-three-level"].(ThreeLevelForestSpec)
	if !ok || len(fs.ClusterMeans) != 60 {
		t.Fatalf("forest: %T with %d cluster means, want ThreeLevelForestSpec with 60", figs["forest-three-level"], len(fs.ClusterMeans))
	}
	fu, ok := figs["funnel-three-level"].(ThreeLevelFunnelSpec)
	if !ok || fu.Bias == nil || fu.Bias.Egger == nil {
		t.Fatalf("funnel: %T, bias %v: want the spec with the multilevel Egger test", figs["funnel-three-level"], fu.Bias)
	}
	pr, ok := figs["profile-three-level"].(ThreeLevelProfileSpec)
	if !ok || len(pr.Profiles) != 2 {
		t.Fatalf("profile: %T with %d profiles, want 2", figs["profile-three-level"], len(pr.Profiles))
	}
	// the profile is highest at the estimate, where it equals the fit's logLik
	for _, p := range pr.Profiles {
		for i, v := range p.LL {
			if v > p.LogLik+1e-8 {
				t.Errorf("profile %d: ll(%g) = %.10g above the maximum %.10g", p.Component, p.Grid[i], v, p.LogLik)
			}
			if p.Grid[i] == p.Estimate && math.Abs(v-p.LogLik) > 1e-8 {
				t.Errorf("profile %d at the estimate: %.10g, want %.10g", p.Component, v, p.LogLik)
			}
		}
	}
	if _, ok := figs["funnel"]; ok {
		t.Error("a univariate funnel was drawn for a three-level model alone")
	}

	run, err = Meta(embedded(t, "demo-studies"), MetaOptions{Cluster: "study", Mods: []string{"year"}, Figures: []string{"bubble", "funnel"}})
	if err != nil {
		t.Fatal(err)
	}
	figs = figureNames(run)
	if _, ok := figs["bubble-three-level"].(ThreeLevelBubbleSpec); !ok {
		t.Errorf("no three-level bubble plot: %v", figs)
	}
	if fu := figs["funnel-three-level"].(ThreeLevelFunnelSpec); fu.Bias != nil {
		t.Error("the residual funnel of a meta-regression carries a bias analysis")
	}

	run, err = Meta(embedded(t, "demo-studies"), MetaOptions{Cluster: "study", Mods: []string{"alliance_rater"}, Figures: []string{"bubble"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := figureNames(run)["bubble-three-level"]; ok {
		t.Error("a bubble plot was drawn for a factor moderator")
	}
	warned := false
	for _, n := range run.TopNotes() {
		warned = warned || strings.Contains(n.Text, "bubble plot of the three-level model was not drawn")
	}
	if !warned {
		t.Error("no note says why the bubble plot is missing")
	}

	_, err = Meta(embedded(t, "demo-studies"), MetaOptions{Cluster: "study", Figures: []string{"baujat"}})
	if OptionOf(err) != "Cluster" {
		t.Errorf("Baujat with --cluster: %v, want a Cluster option error", err)
	}
}

// --test-terms with --robust adds the cluster-robust term tests beside the
// model-based ones, in JSON robust_term_tests; R's values (clubSandwich
// Wald_test HTZ and anova(robust(adjust = FALSE))) are in
// metamv.ExampleRobust_TestCoefficients: F 0.36658 (df 2, 22.840) and
// 0.43173 (df 2, 56).
func TestThreeLevelRobustTermTests(t *testing.T) {
	for _, c := range []struct {
		typ      string
		f, df2   float64
		wantTest string
	}{{"", 0.36658, 22.840, "HTZ"}, {"CR0", 0.43173, 56, "F"}} {
		run, err := Meta(embedded(t, "demo-studies"), MetaOptions{Cluster: "study", Robust: "study", RobustType: c.typ,
			Mods: []string{"year", "alliance_rater"}, TestTerms: []string{"alliance_rater"}})
		if err != nil {
			t.Fatal(err)
		}
		rt := run.ThreeLevel.RobustTermTests
		if len(rt) != 1 || rt[0].WaldTest.Test != c.wantTest {
			t.Fatalf("%s: robust term tests %+v, want one %s test", c.typ, rt, c.wantTest)
		}
		if math.Abs(rt[0].Fstat-c.f) > 1e-4*c.f || math.Abs(rt[0].DFDenom-c.df2) > 1e-3 {
			t.Errorf("%s: F(%g, %g) = %g, want F(2, %g) = %g", c.typ, rt[0].DFNum, rt[0].DFDenom, rt[0].Fstat, c.df2, c.f)
		}
		b, err := jsonout.Marshal(run.Output())
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), `"robust_term_tests"`) {
			t.Errorf("%s: JSON lacks robust_term_tests: %.300s", c.typ, b)
		}
		if !strings.Contains(sectionText(run.Section()), "cluster-robust") {
			t.Errorf("%s: the text does not report the robust term test", c.typ)
		}
	}
	if _, err := Meta(embedded(t, "demo-studies"), MetaOptions{Robust: "study", RobustType: "CR3"}); err == nil || !strings.Contains(err.Error(), "CR0") {
		t.Errorf("CR3: %v, want a refusal naming CR0", err)
	}
	_ = metamv.CR0
}

// sectionText joins the paragraphs of a section.
func sectionText(s *Section) string {
	var b strings.Builder
	for _, bl := range s.Blocks {
		if p, ok := bl.(*Paragraph); ok {
			b.WriteString(p.Text + "\n")
		}
	}
	return b.String()
}
