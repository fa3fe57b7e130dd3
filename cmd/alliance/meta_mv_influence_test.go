package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// 'alliance meta FILE --cluster outer/inner --rho .6 --influence
// --leave1out' on the simulated CHE data of the metamv_influence golden
// prints metafor 3.8-1's cooks.distance(res, cluster = outer),
// dfbetas(res, cluster = outer), cooks.distance(res), hatvalues(res), the
// leave-one-cluster-out fits and the multilevel I² (testdata/golden/R/
// metamv_influence.R), in JSON and as tables in the text.
func TestMetaClusterInfluenceCLI(t *testing.T) {
	var g struct {
		CHE struct {
			Data struct {
				Yi, Vi       []float64
				Outer, Inner []string
			}
			Fits []json.RawMessage
		}
	}
	if err := loadGolden("metamv_influence.json", &g); err != nil {
		t.Fatal(err)
	}
	var want struct {
		Rho         float64
		CookCluster []float64   `json:"cook_d_cluster"`
		DFBCluster  [][]float64 `json:"dfbetas_cluster"`
		Cook        []float64   `json:"cook_d"`
		Hat         []float64
		Leave1out   []struct {
			Estimate float64
			Sigma2   []float64
		}
		I2 struct {
			Levels []float64 `json:"I2_levels"`
		}
	}
	if err := json.Unmarshal(g.CHE.Fits[0], &want); err != nil {
		t.Fatal(err)
	}
	d := g.CHE.Data
	var b strings.Builder
	b.WriteString("yi,vi,study,es\n")
	for i := range d.Yi {
		fmt.Fprintf(&b, "%v,%v,%s,%s\n", d.Yi[i], d.Vi[i], d.Outer[i], d.Inner[i])
	}
	file := filepath.Join(t.TempDir(), "che.csv")
	if err := os.WriteFile(file, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"meta", file, "--cluster", "study/es", "--rho", fmt.Sprint(want.Rho), "--influence", "--leave1out", "--no-profile"}
	out, stderr, code := runCLI(t, "", append(args, "--format", "json", "--quiet")...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var got struct {
		Influence struct {
			Clusters []struct {
				Cluster string
				CookD   float64   `json:"cook_d"`
				DFBetas []float64 `json:"dfbetas"`
			}
			Effects []struct {
				CookD float64 `json:"cook_d"`
				Hat   float64
			}
		}
		Leave1out []struct {
			Estimate float64
			Sigma2   []float64
		}
		I2Levels []struct {
			Level string
			I2    float64 `json:"I2"`
		} `json:"I2_levels"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("invalid JSON: %v\n%s", err, out)
	}
	if len(got.Influence.Clusters) != len(want.CookCluster) || len(got.Influence.Effects) != len(want.Cook) || len(got.Leave1out) != len(want.Leave1out) || len(got.I2Levels) != 2 {
		t.Fatalf("%d clusters, %d effects, %d leave-outs, %d I² levels", len(got.Influence.Clusters), len(got.Influence.Effects), len(got.Leave1out), len(got.I2Levels))
	}
	for i, c := range got.Influence.Clusters {
		if !relClose(c.CookD, want.CookCluster[i], 1e-4) || !relClose(c.DFBetas[0], want.DFBCluster[i][0], 1e-4) {
			t.Errorf("cluster %s: cook_d %g dfbetas %g, metafor %g %g", c.Cluster, c.CookD, c.DFBetas[0], want.CookCluster[i], want.DFBCluster[i][0])
		}
	}
	for i, e := range got.Influence.Effects {
		if !relClose(e.CookD, want.Cook[i], 1e-4) || !relClose(e.Hat, want.Hat[i], 1e-4) {
			t.Errorf("effect %d: cook_d %g hat %g, metafor %g %g", i+1, e.CookD, e.Hat, want.Cook[i], want.Hat[i])
		}
	}
	for i, l := range got.Leave1out {
		if !relClose(l.Estimate, want.Leave1out[i].Estimate, 1e-4) || !relClose(l.Sigma2[1], want.Leave1out[i].Sigma2[1], 1e-4) {
			t.Errorf("leave-out %d: %g %v, metafor %g %v", i, l.Estimate, l.Sigma2, want.Leave1out[i].Estimate, want.Leave1out[i].Sigma2)
		}
	}
	for j, l := range got.I2Levels {
		if !relClose(l.I2, want.I2.Levels[j], 1e-4) {
			t.Errorf("I2 %s = %g, metafor FAQ %g", l.Level, l.I2, want.I2.Levels[j])
		}
	}
	text, stderr, code := runCLI(t, "", args...)
	if code != 0 {
		t.Fatalf("text: exit %d %s", code, stderr)
	}
	for _, w := range []string{"Influence of each study", "largest Cook's distance", "Leave-one-study-out", "Multilevel I²"} {
		if !strings.Contains(text, w) {
			t.Errorf("text lacks %q:\n%s", w, text)
		}
	}
}
