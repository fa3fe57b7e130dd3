package mixed

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/alliance-research/alliance/analysis/internal/golden"
)

// zeroSlope simulates 40 patients × 5 sessions with a random intercept and
// no slope variance: y = 3 + u − 0.5·session + 2e (the data of
// testdata/golden/mixed_face_s<seed>.csv).
func zeroSlope(seed uint64) Data {
	d := simSessions(1, 40, 5, seed)
	rng := rand.New(rand.NewPCG(seed, 5))
	y := d.Numeric["y"]
	pa := d.Text["patient"]
	u := map[string]float64{}
	for i := range y {
		if _, ok := u[pa[i]]; !ok {
			u[pa[i]] = rng.NormFloat64()
		}
		y[i] = 3 + u[pa[i]] - 0.5*d.Numeric["session"][i] + 2*rng.NormFloat64()
	}
	return d
}

// TestFaceGolden: on six seeds where the search from θ = 1 stopped on the
// face θ = (0, t, 0) 0.35–4.9 REML units above the optimum, the fit (with
// leaveFace) reaches lme4's REML optimum with bobyqa run to rhoend = 1e-12
// (testdata/golden/R/mixed_face.R): the criterion to 1e-9 relative, θ to
// 1e-5, the fixed effects to 1e-6; and the reason names the second search.
// The committed CSVs are checked to be the data zeroSlope makes.
func TestFaceGolden(t *testing.T) {
	var g struct {
		Fits []struct {
			Seed     uint64    `json:"seed"`
			Theta    []float64 `json:"theta"`
			Sigma    float64   `json:"sigma"`
			REMLcrit float64   `json:"REMLcrit"`
			Fixed    []float64 `json:"fixed"`
		} `json:"fits"`
	}
	if err := golden.Load("mixed_face.json", &g); err != nil {
		t.Fatal(err)
	}
	if len(g.Fits) != 6 {
		t.Fatalf("%d fits in mixed_face.json", len(g.Fits))
	}
	for _, f := range g.Fits {
		d := zeroSlope(f.Seed)
		checkFaceCSV(t, f.Seed, d)
		m, err := Fit("y ~ session + (1 + session | patient)", d, Options{})
		if err != nil {
			t.Fatal(err)
		}
		r := m.Result
		if rel := (r.Deviance - f.REMLcrit) / f.REMLcrit; math.Abs(rel) > 1e-9 {
			t.Errorf("seed %d: REML criterion %.10f, lme4 %.10f (rel %.1e)", f.Seed, r.Deviance, f.REMLcrit, rel)
		}
		for i, v := range f.Theta {
			if math.Abs(r.Theta[i]-v) > 1e-5 {
				t.Errorf("seed %d: θ_%d = %.8f, lme4 %.8f", f.Seed, i, r.Theta[i], v)
			}
		}
		for i, v := range f.Fixed {
			if math.Abs(r.Fixed[i].Estimate-v) > 1e-6*math.Max(1, math.Abs(v)) {
				t.Errorf("seed %d: β_%d = %.10f, lme4 %.10f", f.Seed, i, r.Fixed[i].Estimate, v)
			}
		}
		if !strings.Contains(r.Reason, "searched again from inside the parameter space") {
			t.Errorf("seed %d: %s", f.Seed, r.Reason)
		}
	}
}

// checkFaceCSV compares testdata/golden/mixed_face_s<seed>.csv with d.
func checkFaceCSV(t *testing.T, seed uint64, d Data) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "golden", fmt.Sprintf("mixed_face_s%d.csv", seed)))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != len(d.Numeric["y"])+1 || lines[0] != "patient,session,y" {
		t.Fatalf("seed %d: %d lines, header %q", seed, len(lines), lines[0])
	}
	for i, l := range lines[1:] {
		c := strings.Split(l, ",")
		s, err1 := strconv.ParseFloat(c[1], 64)
		y, err2 := strconv.ParseFloat(c[2], 64)
		if len(c) != 3 || err1 != nil || err2 != nil || c[0] != d.Text["patient"][i] || s != d.Numeric["session"][i] || y != d.Numeric["y"][i] {
			t.Fatalf("seed %d: line %d %q is not the simulated row", seed, i+2, l)
		}
	}
}
