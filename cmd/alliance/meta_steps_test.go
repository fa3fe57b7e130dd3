package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// --steps runs the step-function selection model with those cut points
// (implying --selmodel; the last step 1 is added), and a list that is not
// numbers is refused when the flags are parsed.
func TestMetaSelModelStepsFlag(t *testing.T) {
	out, errOut, code := runCLI(t, "", "meta", "--bias", "--method", "ML", "--steps", ".025,.5", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var got struct {
		Bias struct {
			SelModel *struct {
				Type      string     `json:"type"`
				Steps     []float64  `json:"steps"`
				Delta     []float64  `json:"delta"`
				SEDelta   []*float64 `json:"se_delta"`
				PTable    []int      `json:"ptable"`
				LRTDF     int        `json:"LRT_df"`
				Converged bool       `json:"converged"`
			} `json:"selmodel"`
		} `json:"bias"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	s := got.Bias.SelModel
	if s == nil {
		t.Fatalf("no bias.selmodel in %s", out)
	}
	if s.Type != "stepfun" || len(s.Steps) != 3 || s.Steps[0] != 0.025 || s.Steps[1] != 0.5 || s.Steps[2] != 1 ||
		len(s.Delta) != 3 || s.Delta[0] != 1 || len(s.SEDelta) != 3 || s.SEDelta[0] != nil || len(s.PTable) != 3 || s.LRTDF != 2 || !s.Converged {
		t.Errorf("selmodel %+v", s)
	}
	_, errOut, code = runCLI(t, "", "meta", "--bias", "--steps", ".025,x")
	if code == 0 || !strings.Contains(errOut, "--steps") {
		t.Errorf("bad --steps: exit %d, %s", code, errOut)
	}
}
