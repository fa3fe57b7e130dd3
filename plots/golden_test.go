package plots

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"testing"
)

var updateGolden = flag.Bool("update", false, "rewrite plots/testdata/golden/*.svg from the current output")

// TestGoldenImages compares every figure of the test fixtures, as SVG text
// with fonts named rather than embedded, with the golden files in
// testdata/golden, which were inspected by eye when they were written
// (go test ./plots -run TestGoldenImages -update rewrites them; look at the
// figures again before committing a change). Rendering is deterministic, so
// the comparison is byte for byte; a differing rendering is kept in a temporary
// directory for inspection.
func TestGoldenImages(t *testing.T) {
	figs := figures(t)
	names := make([]string, 0, len(figs))
	for n := range figs {
		names = append(names, n)
	}
	sort.Strings(names)
	dir := filepath.Join("testdata", "golden")
	if *updateGolden {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range names {
		f := figs[name]
		f.SVGFontsByName = true
		var got bytes.Buffer
		if err := f.Encode(&got, "svg"); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		path := filepath.Join(dir, name+".svg")
		if *updateGolden {
			if err := os.WriteFile(path, got.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Errorf("%s: no golden image (run with -update after checking the figure): %v", name, err)
			continue
		}
		if !bytes.Equal(got.Bytes(), want) {
			tmp, _ := os.MkdirTemp("", "plots-golden-")
			out := filepath.Join(tmp, name+".svg")
			_ = os.WriteFile(out, got.Bytes(), 0o644)
			t.Errorf("%s: differs from %s (%d vs %d bytes); the new rendering is in %s", name, path, got.Len(), len(want), out)
		}
	}
}
