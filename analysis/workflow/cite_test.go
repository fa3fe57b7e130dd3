package workflow

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/alliance-research/alliance/datasets"
)

// Every citation key the package's code names exists in the reference
// list (the key strings passed to cite(...) or returned by Cites), so no
// report says "references missing"; and an unknown key is reported, not
// dropped.
func TestEveryCitedKeyExists(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	key := regexp.MustCompile(`"([a-z]+(?:[a-z]+)?(?:19|20)\d\d[b]?)"`)
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") || f == "refs.go" {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range key.FindAllStringSubmatch(string(b), -1) {
			seen++
			if _, err := datasets.Lookup(m[1]); err == nil {
				continue // an embedded dataset's name (claus2020), not a key
			}
			if _, ok := Cite(m[1]); !ok {
				t.Errorf("%s names citation key %q, which refs.go lacks", f, m[1])
			}
		}
	}
	if seen < 30 {
		t.Errorf("only %d citation keys found in the code: the scan is broken", seen)
	}
	cits, unknown := Citations("hedges1998", "nosuch2020", "hedges1998")
	if len(cits) != 1 || len(unknown) != 1 || unknown[0] != "nosuch2020" {
		t.Errorf("Citations: %v, unknown %v", cits, unknown)
	}
	d := Compose(ComposeOptions{}, &fakePart{cites: []string{"nosuch2020"}})
	found := false
	for _, n := range d.Notes {
		found = found || strings.Contains(n.Text, "nosuch2020")
	}
	if !found {
		t.Errorf("an unknown key is not said: %v", d.Notes)
	}
}
