package plots_test

import (
	"fmt"
	"io"

	"github.com/alliance-research/alliance/analysis/panel"
	"github.com/alliance-research/alliance/analysis/workflow"
	"github.com/alliance-research/alliance/plots"
)

// lagged is a stationary RI-CLPM's four lagged paths, one value for all
// waves (Wave nil), as panel.Fit reports them.
func lagged() []panel.LaggedEffect {
	return []panel.LaggedEffect{
		{From: "x", To: "x", Estimate: 0.31, CILB: 0.22, CIUB: 0.40},
		{From: "y", To: "y", Estimate: 0.42, CILB: 0.35, CIUB: 0.49},
		{From: "x", To: "y", Estimate: -0.12, CILB: -0.20, CIUB: -0.04},
		{From: "y", To: "x", Estimate: -0.05, CILB: -0.13, CIUB: 0.03},
	}
}

// The stationary lagged effects of an RI-CLPM (lavaan's
// parameterEstimates(fit) rows of the regressions) as one coefficient
// plot: one row per path.
func ExamplePanelLagged() {
	fig, err := plots.PanelLagged(lagged(), "x", "y", plots.Theme{})
	if err != nil {
		fmt.Println(err)
		return
	}
	p := fig.Panels[0][0]
	fmt.Printf("%d × %d panel, %d rows\n", len(fig.Panels), len(fig.Panels[0]), int(p.Y.Max-p.Y.Min))
	fmt.Println(fig.Encode(io.Discard, "png"))
	// Output:
	// 1 × 1 panel, 4 rows
	// <nil>
}

// A panel run's figure specification (workflow.PanelLaggedSpec) names
// the two series; by wave, the paths would make a 2 × 2 grid.
func ExamplePanelLaggedFromSpec() {
	name := map[string]string{"x": "alliance", "y": "PHQ-9"}
	var byWave []panel.LaggedEffect
	for _, w := range []int{2, 3} {
		for _, e := range lagged() {
			e.From, e.To, e.Wave = name[e.From], name[e.To], &w
			byWave = append(byWave, e)
		}
	}
	fig, err := plots.PanelLaggedFromSpec(workflow.PanelLaggedSpec{Lagged: byWave, XName: "alliance", YName: "PHQ-9"})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, row := range fig.Panels {
		for _, p := range row {
			fmt.Println(p.Title.Text)
		}
	}
	// Output:
	// alliance → alliance
	// PHQ-9 → PHQ-9
	// alliance → PHQ-9
	// PHQ-9 → alliance
}

// The posterior densities of μ and τ (bayesmeta's plot of the posterior,
// without the forest panel) for Rubin's eight schools: the μ panel covers
// its 95% shortest credible interval, the τ panel starts at 0.
func ExamplePosteriorFromSpec() {
	r, err := eightSchools()
	if err != nil {
		fmt.Println(err)
		return
	}
	fig, err := plots.PosteriorFromSpec(workflow.BayesPosteriorSpec{Fit: r})
	if err != nil {
		fmt.Println(err)
		return
	}
	mu, tau := fig.Panels[0][0], fig.Panels[0][1]
	fmt.Println(mu.X.Min < r.Mu.ShortestLB && mu.X.Max > r.Mu.ShortestUB, tau.X.Min == 0 && tau.X.Max > r.Tau.ShortestUB)
	// Output:
	// true true
}
