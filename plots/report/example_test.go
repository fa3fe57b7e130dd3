package report_test

import (
	"fmt"
	"log"

	"github.com/alliance-research/alliance/datasets"
	"github.com/alliance-research/alliance/plots/report"
)

// Build a report of the embedded demo meta-analysis data and read its
// results; r.Files() renders index.html, results.json and the figures, and
// report.Save writes them to a directory.
func Example() {
	st, err := datasets.EmbeddedStudies("demo-studies", datasets.StudyOptions{FisherZ: true})
	if err != nil {
		log.Fatal(err)
	}
	r, err := report.Build(report.Input{
		Studies:       st,
		StudiesSource: report.Source{Name: "demo-studies", Embedded: true, Simulated: true, Rows: st.K()},
	}, report.Options{})
	if err != nil {
		log.Fatal(err)
	}
	m := r.Results.Meta
	fmt.Println(m.Summary)
	fmt.Printf("three-level: %d effects in %d studies\n", m.ThreeLevel.K, m.ThreeLevel.NLevels[0])
	for _, f := range r.Figures {
		fmt.Print(f.Name, " ")
	}
	fmt.Println()
	// Output:
	// k = 83, r = .28, 95% CI [.25, .31], z = 17.85, p < .001; τ² = 0.009, I² = 46.2%, Q(82) = 155.16, p < .001; 95% PI [.10, .44]
	// three-level: 83 effects in 60 studies
	// forest funnel baujat bubble-year
}
