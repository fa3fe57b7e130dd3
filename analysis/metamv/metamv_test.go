package metamv

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

// simulate draws a three-level data set: nc clusters of size 1..maxn,
// σ²_outer = 0.04, σ²_inner = 0.02, vᵢ ~ U(0.005, 0.05).
func simulate(nc, maxn int, seed uint64) (y, v []float64, outer []string) {
	rng := rand.New(rand.NewPCG(seed, 7))
	for c := 0; c < nc; c++ {
		n := 1 + rng.IntN(maxn)
		u := 0.2 * rng.NormFloat64()
		for i := 0; i < n; i++ {
			vi := 0.005 + 0.045*rng.Float64()
			y = append(y, 0.3+u+math.Sqrt(0.02)*rng.NormFloat64()+math.Sqrt(vi)*rng.NormFloat64())
			v = append(v, vi)
			outer = append(outer, "c"+strconv.Itoa(c))
		}
	}
	return
}

func TestEdgeCases(t *testing.T) {
	y := []float64{0.1, 0.2, 0.3, 0.4}
	v := []float64{0.01, 0.02, 0.01, 0.02}
	if _, err := Fit(y, v, []string{"a", "a", "a", "a"}, nil, Options{}); err == nil || !strings.Contains(err.Error(), "only one outer cluster") {
		t.Errorf("one cluster: err = %v", err)
	}
	if _, err := Fit(y, v, []string{"a", "b", "c", "d"}, nil, Options{}); err == nil {
		t.Error("all clusters of one: want an error (components not identifiable)")
	}
	if _, err := Fit(y, v, []string{"a", "a", "b", "b"}, []string{"1", "1", "1", "1"}, Options{}); err == nil {
		t.Error("one inner unit per cluster: want an error")
	}
	if _, err := Fit(y, v, []string{"a", "a", "b"}, nil, Options{}); err == nil {
		t.Error("length mismatch: want an error")
	}
	if _, err := Fit(y, v, []string{"a", "a", "", "b"}, nil, Options{}); err == nil {
		t.Error("empty cluster label: want an error")
	}
	if _, err := Fit(y, v, []string{"a", "a", "b", "b"}, nil, Options{Rho: 1}); err == nil {
		t.Error("rho = 1: want an error")
	}
	// Clusters of one mixed with larger clusters, and a missing yi dropped.
	y2 := []float64{0.1, 0.25, 0.3, math.NaN(), 0.5, 0.05, 0.45}
	v2 := []float64{0.01, 0.02, 0.01, 0.02, 0.03, 0.01, 0.02}
	o2 := []string{"a", "a", "b", "c", "d", "d", "e"}
	r, err := Fit(y2, v2, o2, nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if r.K != 6 || r.NLevels != [2]int{4, 6} || len(r.Notes) == 0 {
		t.Errorf("k = %d, levels %v, notes %v", r.K, r.NLevels, r.Notes)
	}
	if r.Sigma2[0] < 0 || r.Sigma2[1] < 0 {
		t.Errorf("negative σ²: %v", r.Sigma2)
	}
	if _, err := ClusterRobust(r, []string{"x", "x", "x", "x", "x", "x", "x"}, RobustOptions{}); err == nil {
		t.Error("robust with one cluster: want an error")
	}
	if _, err := ClusterRobust(r, []string{"a", "b", "b", "c", "d", "d", "e"}, RobustOptions{}); err == nil {
		t.Error("outer cluster split across robust clusters: want an error")
	}
}

// Properties of the likelihood machinery that must hold whatever the data:
// the score vanishes at an interior optimum; the REML fit with σ² fixed at
// the estimate reproduces the estimate's log-likelihood; ML ≤ REML σ²
// on average is not guaranteed, but the ML log-likelihood at the ML
// optimum must exceed that at the REML estimate.
func TestOptimumProperties(t *testing.T) {
	y, v, outer := simulate(120, 6, 3)
	for _, method := range []string{REML, ML} {
		r, err := Fit(y, v, outer, nil, Options{Method: method, NoProfile: true})
		if err != nil {
			t.Fatal(err)
		}
		st, err := r.ev.at(r.Sigma2, method == REML, true, newEvalOut(r.ev.q))
		if err != nil {
			t.Fatal(err)
		}
		for j := 0; j < 2; j++ {
			if r.Sigma2[j] > 0 && math.Abs(st.score[j]) > 1e-6*math.Sqrt(st.info[j][j]) {
				t.Errorf("%s: score[%d] = %g at the optimum", method, j, st.score[j])
			}
		}
		// Nearby points are not better.
		for _, d := range [][2]float64{{1e-4, 0}, {-1e-4, 0}, {0, 1e-4}, {0, -1e-4}} {
			s := [2]float64{math.Max(0, r.Sigma2[0]+d[0]), math.Max(0, r.Sigma2[1]+d[1])}
			o, _ := r.ev.at(s, method == REML, false, newEvalOut(r.ev.q))
			if o.ll > r.Fit.LogLik+1e-12 {
				t.Errorf("%s: ll at %v = %.12g beats the optimum %.12g", method, s, o.ll, r.Fit.LogLik)
			}
		}
	}
}

func TestJSONAndSummary(t *testing.T) {
	y, v, outer := simulate(30, 4, 11)
	r, err := Fit(y, v, outer, nil, Options{Measure: "ZCOR", OuterName: "study", InnerName: "es_id"})
	if err != nil {
		t.Fatal(err)
	}
	rb, err := ClusterRobust(r, outer, RobustOptions{})
	if err != nil {
		t.Fatal(err)
	}
	r.Robust = rb
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"k", "coefficients", "sigma2", "sigma2_ci", "QE", "QE_df", "QE_p", "QM", "robust", "r", "lrt", "variance_distribution"} {
		if _, ok := m[key]; !ok {
			t.Errorf("JSON lacks %q", key)
		}
	}
	s := r.Summary()
	for _, want := range []string{"study clusters", "study/es_id", "level 3", "LRT"} {
		if !strings.Contains(s, want) {
			t.Errorf("summary lacks %q:\n%s", want, s)
		}
	}
}

func BenchmarkFit2000in400(b *testing.B) {
	y, v, outer := simulate(400, 9, 1) // mean cluster size 5
	b.ReportMetric(float64(len(y)), "k")
	for b.Loop() {
		if _, err := Fit(y, v, outer, nil, Options{NoProfile: true}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFit2000in400Profile(b *testing.B) {
	y, v, outer := simulate(400, 9, 1)
	for b.Loop() {
		if _, err := Fit(y, v, outer, nil, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFit100kIn10k(b *testing.B) {
	y, v, outer := simulate(10000, 19, 2) // mean cluster size 10
	b.ReportMetric(float64(len(y)), "k")
	for b.Loop() {
		if _, err := Fit(y, v, outer, nil, Options{NoProfile: true}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCR2_100kIn10k(b *testing.B) {
	y, v, outer := simulate(10000, 19, 2)
	r, err := Fit(y, v, outer, nil, Options{NoProfile: true})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := ClusterRobust(r, outer, RobustOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
