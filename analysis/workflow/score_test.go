package workflow

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/alliance-research/alliance/analysis/measures"
	"github.com/alliance-research/alliance/datasets"
)

func csvSource(t *testing.T, name, text string) Source {
	t.Helper()
	tab, err := datasets.Read(name, strings.NewReader(text), datasets.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return FileSource(name, tab)
}

// csvFileSource writes text to name in a temporary directory (for R code
// that reads the file) and reads it back as a file's source.
func csvFileSource(t *testing.T, name, text string) Source {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	tab, err := datasets.ReadFile(path, datasets.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return FileSource(path, tab)
}

// PHQ-9 totals by hand: the sum of nine items scored 0–3 (Kroenke et al.
// 2001): 1×9 = 9, and 3×9 = 27; an out-of-range item is located.
func TestScorePHQ9(t *testing.T) {
	key, err := measures.Get("PHQ-9")
	if err != nil {
		t.Fatal(err)
	}
	src := csvSource(t, "phq.csv", "id,q1,q2,q3,q4,q5,q6,q7,q8,q9\na,1,1,1,1,1,1,1,1,1\nb,3,3,3,3,3,3,3,3,3\n")
	run, err := Score(src, key, ScoreOptions{Items: "q*"})
	if err != nil {
		t.Fatal(err)
	}
	scores := run.Section().Tables()[1]
	if scores.Name != "scores" || scores.Rows[0][1] != "9" || scores.Rows[1][1] != "27" || scores.Rows[0][0] != "a" {
		t.Errorf("scores table %v", scores.Rows)
	}
	bad := csvSource(t, "phq.csv", "id,q1,q2,q3,q4,q5,q6,q7,q8,q9\na,1,1,1,1,7,1,1,1,1\n")
	_, err = Score(bad, key, ScoreOptions{Items: "q*"})
	if err == nil || !strings.Contains(err.Error(), `phq.csv:2: column "q5": "7"`) {
		t.Errorf("out-of-range item: %v", err)
	}
	if _, err := Score(src, key, ScoreOptions{Items: "q1,q2"}); err == nil {
		t.Error("two items for a nine-item key accepted")
	}
}

func TestScoringKeys(t *testing.T) {
	keys, tab := ScoringKeys()
	if len(keys) == 0 || len(tab.Rows) != len(keys) {
		t.Fatalf("%d keys, %d rows", len(keys), len(tab.Rows))
	}
	for i, k := range keys {
		if tab.Rows[i][0] != k.Name || tab.Rows[i][1] != strconv.Itoa(k.Items) {
			t.Errorf("row %d %v for key %s with %d items", i, tab.Rows[i], k.Name, k.Items)
		}
	}
}
