package datasets

import (
	"io"
	"os"
	"testing"
	"time"
)

// TestStreamBigFile times one pass over ALLIANCE_STREAM_FILE (skipped
// without it).
func TestStreamBigFile(t *testing.T) {
	path := os.Getenv("ALLIANCE_STREAM_FILE")
	if path == "" {
		t.Skip("set ALLIANCE_STREAM_FILE")
	}
	t0 := time.Now()
	st, err := OpenSessionStream(path, StreamOptions{Columns: SessionColumns{Extra: []string{}}})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for {
		_, err := st.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("%d rows, %d patients in %v", st.Rows(), st.Patients(), time.Since(t0))
}
