package golden

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestEveryGoldenRecordsItsRCall checks that every testdata/golden/*.json says
// which R call made its numbers ("call") and which R made them
// ("_provenance".R), so a reader can rerun it, and that make_golden.R's
// golden_calls table (which writes "call" on regeneration) names every file.
func TestEveryGoldenRecordsItsRCall(t *testing.T) {
	dir, err := Dir()
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no golden files in %s", dir)
	}
	script, err := os.ReadFile(filepath.Join(dir, "make_golden.R"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".json")
		var d struct {
			Call       string `json:"call"`
			Provenance struct {
				R string `json:"R"`
			} `json:"_provenance"`
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, &d); err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if strings.TrimSpace(d.Call) == "" {
			t.Errorf("%s: no \"call\" (the R call that made its numbers)", name)
		}
		if !strings.HasPrefix(d.Provenance.R, "R version ") {
			t.Errorf("%s: _provenance.R = %q, want an R version string", name, d.Provenance.R)
		}
		// The call must come from the R side: either golden_calls in
		// make_golden.R or a call = "..." written by the area script.
		inTable := regexp.MustCompile(`(?m)^\s+` + regexp.QuoteMeta(name) + ` = "`).Match(script)
		if !inTable {
			areas, _ := filepath.Glob(filepath.Join(dir, "R", "*.R"))
			found := false
			for _, a := range areas {
				src, _ := os.ReadFile(a)
				if strings.Contains(string(src), `write_golden("`+name+`"`) && strings.Contains(string(src), "call = ") {
					found = true
				}
			}
			if !found {
				t.Errorf("%s: its call is neither in make_golden.R's golden_calls nor written by its R/<area>.R", name)
			}
		}
	}
}
