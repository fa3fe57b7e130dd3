package workflow

import (
	"os"
	"testing"
	"time"

	"github.com/alliance-research/alliance/datasets"
)

// TestRupturesBigFile times RupturesFile on ALLIANCE_STREAM_FILE (skipped
// without it).
func TestRupturesBigFile(t *testing.T) {
	path := os.Getenv("ALLIANCE_STREAM_FILE")
	if path == "" {
		t.Skip("set ALLIANCE_STREAM_FILE")
	}
	t0 := time.Now()
	run, err := RupturesFile(path, datasets.ReadOptions{}, RupturesOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d patients in %v", run.Summary.Patients, time.Since(t0))
}
