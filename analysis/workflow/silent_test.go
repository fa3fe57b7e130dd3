package workflow

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/alliance-research/alliance/analysis/measures"
	"github.com/alliance-research/alliance/datasets"
)

func isInput(err error) bool {
	var ie *datasets.InputError
	return errors.As(err, &ie)
}

// Silent acceptances of issue 22: each is now an error that says what is
// wrong (or, where an error is not right, a note).

func TestConstantTextModeratorRefused(t *testing.T) {
	var b strings.Builder
	b.WriteString("study,ri,ni,arm\n")
	for i := 0; i < 8; i++ {
		fmt.Fprintf(&b, "s%d,%.2f,%d,CBT\n", i, 0.1+0.03*float64(i), 40+5*i)
	}
	_, err := Meta(csvSource(t, "m.csv", b.String()), MetaOptions{Mods: []string{"arm"}})
	if err == nil || !isInput(err) || !strings.Contains(err.Error(), `"arm"`) || !strings.Contains(err.Error(), `"CBT"`) {
		t.Fatalf("constant text moderator: %v", err)
	}
}

func TestGainsAllMissingRefused(t *testing.T) {
	var b strings.Builder
	b.WriteString("patient,session,outcome\n")
	for p := 1; p <= 5; p++ {
		for s := 1; s <= 6; s++ {
			fmt.Fprintf(&b, "%d,%d,NA\n", p, s)
		}
	}
	cut := 5.0
	_, err := Gains(csvSource(t, "g.csv", b.String()), GainsOptions{Cutoff: &cut})
	if err == nil || !isInput(err) || !strings.Contains(err.Error(), "outcome") {
		t.Fatalf("all-missing outcome: %v", err)
	}
}

func TestGainsNegativeCutoffRefused(t *testing.T) {
	cut := -5.0
	_, err := Gains(sessEmbedded(t, "demo-sessions"), GainsOptions{Cutoff: &cut})
	if err == nil || OptionOf(err) != "Cutoff" || !strings.Contains(err.Error(), "-5") {
		t.Fatalf("cutoff -5: %v", err)
	}
}

func TestReliabilityZeroRefused(t *testing.T) {
	for _, r := range []float64{0, -0.2, 1.3} {
		rel := r
		_, err := Change(sessEmbedded(t, "claus2020"), ChangeOptions{Score: "hamd", Pre: "1", Post: "4", Reliability: &rel})
		if err == nil || OptionOf(err) != "Reliability" {
			t.Errorf("change reliability %v: %v", r, err)
		}
		cut := rel
		_, err = Gains(sessEmbedded(t, "demo-sessions"), GainsOptions{Reliability: &cut})
		if err == nil || OptionOf(err) != "Reliability" {
			t.Errorf("gains reliability %v: %v", r, err)
		}
	}
}

// A PHQ-9 answer must be one of 0, 1, 2, 3: 2.5 is refused, every bad cell
// reported at once with its value quoted. SRS (visual analogue scales)
// takes any value in 0–10.
func TestScoreResponseValues(t *testing.T) {
	key, err := measures.Get("PHQ-9")
	if err != nil {
		t.Fatal(err)
	}
	bad := csvSource(t, "phq.csv", "id,q1,q2,q3,q4,q5,q6,q7,q8,q9\na,1,2.5,1,1,1,1,1,1,1\nb,0,0,0,0,0,0,0,0.1,0\n")
	_, err = Score(bad, key, ScoreOptions{Items: "q*"})
	if err == nil || !isInput(err) || !strings.Contains(err.Error(), `"2.5"`) || !strings.Contains(err.Error(), `"0.1"`) || !strings.Contains(err.Error(), `phq.csv:2: column "q2"`) {
		t.Fatalf("PHQ-9 item 2.5: %v", err)
	}
	// An answer outside the range is listed with the others, not after they
	// are fixed (it used to stop the run at the first one).
	bad = csvSource(t, "phq.csv", "id,q1,q2,q3,q4,q5,q6,q7,q8,q9\na,1,2.5,1,1,1,1,1,1,1\nb,0,0,7,0,0,0,0,0,0\nc,0,0,0,0,0,0,0,0,-1\n")
	_, err = Score(bad, key, ScoreOptions{Items: "q*"})
	if err == nil || !isInput(err) || !strings.Contains(err.Error(), `"2.5"`) || !strings.Contains(err.Error(), `phq.csv:3: column "q3": "7" is outside`) || !strings.Contains(err.Error(), `phq.csv:4: column "q9": "-1" is outside`) {
		t.Fatalf("PHQ-9 items 2.5, 7 and -1: %v", err)
	}
	srs, err := measures.Get("SRS")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Score(csvSource(t, "srs.csv", "id,s1,s2,s3,s4\na,7.3,8.1,9.9,6.25\n"), srs, ScoreOptions{Items: "s*"}); err != nil {
		t.Fatalf("SRS 7.3: %v", err)
	}
}
