package effectsize

import (
	"bytes"
	"math"
	"strings"
	"testing"

	"github.com/alliance-research/alliance/analysis/internal/golden"
)

func TestGoldenAggregate(t *testing.T) {
	var g struct {
		Data struct {
			Study  []string `json:"study"`
			Ri, Ni []float64
			Yi, Vi []float64
		}
		Aggregate struct {
			Rho     float64
			Cluster []string
			Yi, Vi  []float64
			Ki      []int
		}
		Mac struct {
			Rho  float64
			ID   []string
			R, N []float64
		}
	}
	if err := golden.Load("metamv_demo.json", &g); err != nil {
		t.Fatal(err)
	}
	d := g.Data
	at, err := AggregateCS(d.Yi, d.Vi, d.Ni, d.Study, g.Aggregate.Rho)
	if err != nil {
		t.Fatal(err)
	}
	if len(at.Rows) != len(g.Aggregate.Yi) {
		t.Fatalf("%d aggregated rows, want %d", len(at.Rows), len(g.Aggregate.Yi))
	}
	for i, r := range at.Rows {
		if r.Cluster != g.Aggregate.Cluster[i] || r.K != g.Aggregate.Ki[i] {
			t.Errorf("row %d: cluster %q k %d, want %q k %d", i, r.Cluster, r.K, g.Aggregate.Cluster[i], g.Aggregate.Ki[i])
		}
		nearT(t, "agg yi "+r.Cluster, r.Yi, g.Aggregate.Yi[i], 1e-12, 1e-15)
		nearT(t, "agg vi "+r.Cluster, r.Vi, g.Aggregate.Vi[i], 1e-12, 0)
	}
	mt, err := AggregateMAc(d.Ri, d.Ni, d.Study, g.Mac.Rho)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range mt.Rows {
		if r.Cluster != g.Mac.ID[i] {
			t.Errorf("MAc row %d: %q, want %q", i, r.Cluster, g.Mac.ID[i])
		}
		nearT(t, "MAc r "+r.Cluster, r.Yi, g.Mac.R[i], 1e-13, 1e-15)
		if r.N != g.Mac.N[i] {
			t.Errorf("MAc n %s = %g, want %g", r.Cluster, r.N, g.Mac.N[i])
		}
	}
	var buf bytes.Buffer
	if err := mt.WriteCSV(&buf); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if lines[0] != "cluster,yi,vi,ni,k" || len(lines) != len(mt.Rows)+1 || !strings.Contains(lines[1], ",NA,") {
		t.Errorf("CSV: %q", lines[:2])
	}
}

// Properties: ρ = 0 gives the inverse-variance mean; a cluster of one is
// returned unchanged; equal variances give v̄ = v(1 + (m − 1)ρ)/m.
func TestAggregateProperties(t *testing.T) {
	y := []float64{0.1, 0.3, 0.2, 0.5, 0.4}
	v := []float64{0.01, 0.02, 0.04, 0.03, 0.03}
	cl := []string{"a", "a", "b", "c", "c"}
	at, err := AggregateCS(y, v, nil, cl, 0)
	if err != nil {
		t.Fatal(err)
	}
	wa := 1/0.01 + 1/0.02
	nearT(t, "rho 0 mean", at.Rows[0].Yi, (0.1/0.01+0.3/0.02)/wa, 1e-14, 0)
	nearT(t, "rho 0 var", at.Rows[0].Vi, 1/wa, 1e-14, 0)
	if at.Rows[1].Yi != 0.2 || at.Rows[1].Vi != 0.04 {
		t.Errorf("singleton changed: %+v", at.Rows[1])
	}
	at, err = AggregateCS(y, v, nil, cl, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	nearT(t, "equal-v mean", at.Rows[2].Yi, 0.45, 1e-14, 0)
	nearT(t, "equal-v var", at.Rows[2].Vi, 0.03*1.5/2, 1e-14, 0)
	if _, err := AggregateCS(y, v, nil, cl, 1); err == nil {
		t.Error("rho = 1 with clusters of two: want an error")
	}
	if _, err := AggregateMAc([]float64{0.2, 1.2}, []float64{50, 60}, []string{"a", "a"}, 0.5); err == nil {
		t.Error("r = 1.2: want an error")
	}
	if math.IsNaN(at.Rows[0].Yi) {
		t.Error("NaN")
	}
}

// nearT reports an error unless |got − want| ≤ rel·|want| + abs.
func nearT(t *testing.T, what string, got, want, rel, abs float64) {
	t.Helper()
	if !near(got, want, rel, abs) {
		t.Errorf("%s = %.17g, want %.17g", what, got, want)
	}
}
