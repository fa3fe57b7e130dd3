package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// --scale fits the location–scale model (JSON scale_coefficients beside
// coefficients, the scale tests, τ² per level and at --newscale), and a
// combination that assumes one τ² is refused as bad usage naming --scale.
func TestMetaScaleFlag(t *testing.T) {
	out, errOut, code := runCLI(t, "", "meta", "--scale", "alliance_rater", "--method", "ML", "--test", "t", "--newscale", "alliance_rater=therapist", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var got struct {
		Coefficients      []struct{ Name string } `json:"coefficients"`
		ScaleCoefficients []struct {
			Name string   `json:"name"`
			DF   *float64 `json:"df"`
		} `json:"scale_coefficients"`
		QS         *float64 `json:"QS"`
		QSDF2      *int     `json:"QS_df2"`
		ScaleLRT   *float64 `json:"scale_LRT"`
		ScaleLRTP  *float64 `json:"scale_LRT_p"`
		Tau2Levels []struct {
			Values map[string]string `json:"values"`
			Tau2   float64           `json:"tau2"`
		} `json:"tau2_levels"`
		ScalePredictions []struct {
			Tau2 float64 `json:"tau2"`
		} `json:"scale_predictions"`
		Method string `json:"method"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Coefficients) != 1 || len(got.ScaleCoefficients) != 3 || got.ScaleCoefficients[1].Name != "alliance_raterpatient" ||
		got.ScaleCoefficients[0].DF == nil || *got.ScaleCoefficients[0].DF != 83-3 || got.QS == nil || got.QSDF2 == nil || *got.QSDF2 != 80 ||
		got.ScaleLRT == nil || got.ScaleLRTP == nil || len(got.Tau2Levels) != 3 || got.Method != "ML" {
		t.Errorf("location–scale JSON: %+v", got)
	}
	if len(got.ScalePredictions) != 1 || got.ScalePredictions[0].Tau2 != got.Tau2Levels[2].Tau2 {
		t.Errorf("--newscale therapist %+v, levels %+v", got.ScalePredictions, got.Tau2Levels)
	}
	text, errOut, code := runCLI(t, "", "meta", "--scale", "alliance_rater")
	if code != 0 || !strings.Contains(text, "Scale (log τ²)") || !strings.Contains(text, "τ² by scale values") {
		t.Errorf("text output (exit %d, %s):\n%s", code, errOut, text)
	}
	_, errOut, code = runCLI(t, "", "meta", "--scale", "alliance_rater", "--cluster", "study")
	if code != 2 || !strings.Contains(errOut, "--scale") || !strings.Contains(errOut, "three-level") {
		t.Errorf("--scale with --cluster: exit %d, %s", code, errOut)
	}
	_, errOut, code = runCLI(t, "", "meta", "--scale", "alliance_rater", "--newscale", "alliance_rater")
	if code != 2 || !strings.Contains(errOut, "--newscale") {
		t.Errorf("bad --newscale: exit %d, %s", code, errOut)
	}
}
