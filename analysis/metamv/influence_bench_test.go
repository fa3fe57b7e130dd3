package metamv

import "testing"

// The influence of a three-level model at k ≈ 2,000 effect sizes in 400
// clusters: the cluster-level and effect-level refits (about 2,400) and the
// leave-one-cluster-out table. metafor's cooks.distance.rma.mv and
// dfbetas.rma.mv refit with dense k×k matrices and take minutes.
func BenchmarkMVInfluence2000(b *testing.B) {
	y, v, outer := simulate(400, 9, 1) // mean cluster size 5
	r, err := Fit(y, v, outer, nil, Options{NoProfile: true})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(len(y)), "k")
	for b.Loop() {
		if _, err := r.Influence(InfluenceOptions{Effects: true, LeaveOut: true}); err != nil {
			b.Fatal(err)
		}
	}
}

// The cluster level alone (400 refits).
func BenchmarkMVInfluence2000Clusters(b *testing.B) {
	y, v, outer := simulate(400, 9, 1)
	r, err := Fit(y, v, outer, nil, Options{NoProfile: true})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := r.Influence(InfluenceOptions{LeaveOut: true}); err != nil {
			b.Fatal(err)
		}
	}
}
