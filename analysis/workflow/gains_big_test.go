package workflow

import (
	"os"
	"testing"
	"time"

	"github.com/alliance-research/alliance/datasets"
)

// TestGainsBigFile times GainsFile on ALLIANCE_STREAM_FILE (skipped
// without it).
func TestGainsBigFile(t *testing.T) {
	path := os.Getenv("ALLIANCE_STREAM_FILE")
	if path == "" {
		t.Skip("set ALLIANCE_STREAM_FILE")
	}
	t0 := time.Now()
	run, err := GainsFile(path, datasets.ReadOptions{}, GainsOptions{Cutoff: fp(5)})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d patients in %v", run.Patients, time.Since(t0))
}
