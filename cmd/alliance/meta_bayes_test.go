package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMetaBayesCLI: 'alliance meta --bayes' writes the "bayes" JSON object
// and the posterior plot, and a bad prior is a usage error naming the flag.
func TestMetaBayesCLI(t *testing.T) {
	dir := t.TempDir()
	png := filepath.Join(dir, "post.png")
	out, stderr, code := runCLI(t, "", "meta", "--tau-prior", "half-cauchy", "--tau-scale", "0.3", "--posterior-plot", png, "--format", "json", "--quiet")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var got struct {
		Bayes struct {
			TauPrior struct {
				Family string  `json:"family"`
				Scale  float64 `json:"scale"`
			} `json:"tau_prior"`
			Mu struct {
				Median float64 `json:"median"`
			} `json:"mu"`
			R struct {
				Mu struct {
					Median float64 `json:"median"`
				} `json:"mu"`
			} `json:"r"`
			BMA struct {
				InclusionBFEffect float64 `json:"inclusion_bf_effect"`
			} `json:"bma"`
		} `json:"bayes"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	if got.Bayes.TauPrior.Family != "half-cauchy" || got.Bayes.TauPrior.Scale != 0.3 || !(got.Bayes.R.Mu.Median > 0) || !(got.Bayes.BMA.InclusionBFEffect > 1) {
		t.Errorf("bayes object %+v", got.Bayes)
	}
	if st, err := os.Stat(png); err != nil || st.Size() < 1000 {
		t.Errorf("posterior plot: %v", err)
	}
	text, stderr, code := runCLI(t, "", "meta", "--bayes", "--quiet")
	if code != 0 || !strings.Contains(text, "Bayesian random-effects meta-analysis") || !strings.Contains(text, "Bayesian model averaging") {
		t.Errorf("text output (exit %d, %s): %s", code, stderr, text)
	}
	_, stderr, code = runCLI(t, "", "meta", "--bayes", "--tau-scale", "-1", "--quiet")
	if code != 2 || !strings.Contains(stderr, "--tau-scale") {
		t.Errorf("bad scale: exit %d, %s", code, stderr)
	}
}
